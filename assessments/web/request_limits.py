"""Request bodies over the limit are refused before anything reads them.

Django reads a body only when a view (or the CSRF check) asks for `request.POST`,
but then it streams every uploaded file to memory or a temporary file however large
it is: 137 MB posted to /login/ landed on disk before the login form ignored it.
This middleware compares the declared Content-Length with the limit of the view the
address resolves to. It runs in `process_view`, after the URL is resolved and before
any view or CsrfViewMiddleware (whose `process_view` reads the form) touches the
body, so it must stay first in MIDDLEWARE.

A body without Content-Length (chunked) is refused outright: the proxy in front
buffers and measures bodies (docs/deployment.md), so only a client talking to
gunicorn directly sends one, and Django would read it as empty anyway.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

# The views that take a file: the answers import (CSV/XLSX, capped at 5 MB by its
# form), the admin's question-set import (JSON, 2 MB) and the branding profile (a
# logo of at most 2 MB, branding.logo, plus the form's other fields).
UPLOAD_VIEWS = frozenset(
    {
        "assessments:assessment-import",
        "admin:assessments_questionset_import",
        "assessments:branding",
    }
)


def body_limit(request) -> int:
    """The largest body, in bytes, the requested view accepts."""
    match = request.resolver_match
    if match is not None and match.view_name in UPLOAD_VIEWS:
        return settings.UPLOAD_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


def _refused(request, status, title, message):
    htmx = getattr(request, "htmx", False)
    template = "includes/_error_message.html" if htmx else "error.html"
    context = {"title": title, "message": message}
    response = render(request, template, context, status=status)
    # The unread body is still on the connection: do not reuse it.
    response["Connection"] = "close"
    return response


def request_too_large(request, limit):
    mb = f"{limit / (1024 * 1024):g}"
    return _refused(
        request,
        413,
        _("What you sent is too large"),
        _(
            "What you sent is too large: at most %(mb)s MB can be sent at once. "
            "Shorten your text or choose a smaller file, and try again."
        )
        % {"mb": mb},
    )


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            encoding = request.META.get("HTTP_TRANSFER_ENCODING", "identity")
            if encoding.strip().lower() != "identity":
                return _refused(
                    request,
                    411,
                    _("Something was wrong with the request"),
                    _(
                        "Your browser sent a request we could not understand. "
                        "Reload the page and try again."
                    ),
                )
            return None
        limit = body_limit(request)
        if not (declared.isascii() and declared.isdigit()) or int(declared) > limit:
            return request_too_large(request, limit)
        return None
