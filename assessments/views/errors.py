"""Error views with a friendly page in the user's language (wired in partnerscan/urls.py
and settings.CSRF_FAILURE_VIEW). Faults raised outside a view (a middleware that
loads the session while the database is down) reach `server_error`, which still
answers 503 for the transient ones."""

import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from ..web.middleware import unavailable_response_for


def _message_page(request, status, title, message):
    htmx = getattr(request, "htmx", False)
    template = "includes/_error_message.html" if htmx else "error.html"
    return render(
        request, template, {"title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        message = _("What you sent is too large. Shorten your text and try again.")
    elif isinstance(exception, TooManyFieldsSent):
        message = _(
            "The form you sent has too many fields. Reload the page and try again."
        )
    else:
        message = _(
            "Your browser sent a request we could not understand. "
            "Reload the page and try again."
        )
    return _message_page(
        request, 400, _("Something was wrong with the request"), message
    )


def csrf_failure(request, reason=""):
    return _message_page(
        request,
        403,
        _("This form has expired"),
        _(
            "For your safety, forms only work for a while and only from this site. "
            "Go back, reload the page and send it again; answers you saved earlier "
            "are kept."
        ),
    )


def server_error(request):
    response = unavailable_response_for(request, sys.exc_info()[1])
    return response or defaults.server_error(request)
