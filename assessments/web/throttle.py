"""Per-client rate limits that hold across app processes.

Counters live in Django's cache. With the default local-memory cache they are per
process (fine for `make run`); production sets a shared cache (Redis, or Django's
database cache; see docs/deployment.md) so every gunicorn worker and instance counts
together. Redis increments atomically, so its counts are exact. The database cache
increments with a read and then a write, so workers counting at the same moment can
read the same number and a deliberate parallel burst gets past a limit (measured: up
to about twice the limit with four workers); a sequential client is stopped exactly.
That is the trade most projects make for rate limits; Redis is the answer when it
matters (docs/deployment.md, "Rate limits").
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

# scope: (allowed requests, window in seconds)
LIMITS = {
    "token": (30, 60),  # invitation links opened (guessing protection)
    "login": (10, 300),  # failed log-in attempts
    "report": (20, 60),  # PDF downloads
    "import": (20, 600),  # answer files imported, per consultant
    # Wrong live-session join codes. Generous: a room's phones often share one
    # address (the venue's network), and a code has ~148 million values.
    "join": (30, 60),
}


def client_key(request):
    """The client's address.

    Behind `settings.PROXY_COUNT` proxies that each append the address they saw to
    X-Forwarded-For, the client is that many entries from the right; entries further
    left are whatever the client sent, so they are never trusted.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def _cache_key(scope, key):
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    window = LIMITS[scope][1]
    return f"throttle:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, key: str) -> bool:
    """Count one request; return True when it is over the limit."""
    limit, window = LIMITS[scope]
    cache_key = _cache_key(scope, key)
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    # Give the count the window's expiry again on every hit: the database cache's
    # incr rewrites the entry with the cache's default timeout (shorter than the import
    # window), and Redis INCR recreates a key that expired after Django's existence
    # check without any expiry. Keys name their window, so a later expiry is harmless.
    cache.touch(cache_key, timeout=window + 1)
    return count > limit


def is_blocked(scope: str, key: str) -> bool:
    """Over the limit already, without counting this request."""
    limit, _window = LIMITS[scope]
    return (cache.get(_cache_key(scope, key)) or 0) >= limit


def reset(scope: str, key: str) -> None:
    cache.delete(_cache_key(scope, key))


def too_many_requests(request, scope, message=None):
    """A friendly 429 page in the user's language."""
    response = render(
        request,
        "429.html",
        {
            "message": message
            or _("Too many attempts. Please wait a minute and try again.")
        },
        status=429,
    )
    response["Retry-After"] = str(LIMITS[scope][1])
    return response
