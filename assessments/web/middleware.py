"""Faults a user should meet as a calm page that says what to do, never as a 500.

- The database briefly unavailable (restart, failover, a full connection pool):
  503 with Retry-After. A participant's autosave (htmx) gets a short message it shows
  next to the answer; a plain form post gets a page. Nothing is acknowledged that was
  not committed, so retrying loses nothing.
- The shared cache (Redis) briefly unreachable: the same 503.

(A PDF render over its budget no longer happens in a request: the worker renders,
and the download page says why a report could not be made; views/prepared.py.)
"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
try:  # the shared cache (REDIS_URL) briefly unreachable is as transient
    from redis.exceptions import (
        ConnectionError as RedisConnectionError,
        TimeoutError as RedisTimeoutError,
    )

    CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover - redis is in requirements.txt
    CACHE_ERRORS = ()
RETRY_AFTER_SECONDS = 10


def service_unavailable(request, message):
    """A 503 that renders without touching the database (no user, no messages)."""
    context = {
        "title": _("Temporarily unavailable"),
        "message": message,
        "user": AnonymousUser(),
        "messages": [],
    }
    if getattr(request, "htmx", False):
        template = "includes/_error_message.html"
    else:
        template = "error.html"
    response = render(request, template, context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never cache a transient failure.
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(request):
    return service_unavailable(
        request,
        _(
            "We could not save this just now. Your earlier answers are safe. "
            "Please try again in a few seconds."
        ),
    )


def unavailable_response_for(request, exception):
    """The friendly response for a fault we know, or None for anything else."""
    if isinstance(exception, DATABASE_ERRORS + CACHE_ERRORS):
        logger.error(
            "%s unavailable: %s %s",
            "Cache" if isinstance(exception, CACHE_ERRORS) else "Database",
            request.method,
            request.path,
            exc_info=True,
        )
        if isinstance(exception, CACHE_ERRORS):
            return service_unavailable(
                request,
                _("Partnerscan is briefly unavailable. Please try again in a minute."),
            )
        return database_unavailable(request)
    return None


class ServiceUnavailableMiddleware:
    """Turn known transient faults raised by a view into a friendly 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return unavailable_response_for(request, exception)
