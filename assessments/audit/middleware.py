"""django-auditlog's middleware (it tells a recorded change who made it), with our
address policy: the same proxy handling as the throttle and the same settings as
`audit_event`, instead of trusting the left-most X-Forwarded-For entry."""

from auditlog.middleware import AuditlogMiddleware

from . import client_address


class AuditMiddleware(AuditlogMiddleware):
    def get_extra_data(self, request):
        actor = self._get_actor(request)
        return {
            "actor": actor,
            "remote_addr": client_address(request, consultant=actor is not None),
            "remote_port": None,
        }
