"""Who made a change that django-auditlog records: the request being answered,
kept for the duration of the request (`receivers.scrub_change` reads it).

Not auditlog's own middleware: that one copies the actor's e-mail address into
every entry, where an erasure of the account would not find it, and trusts the
left-most X-Forwarded-For entry for the address."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
