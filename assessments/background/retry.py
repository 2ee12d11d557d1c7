"""The one retry rule for background work that failed for a reason that may pass
(a mail server that refuses for a while, a worker killed mid-render)."""

from datetime import datetime, timedelta

from django.utils import timezone

# Tries in all, the first included; after the last the failure is shown with its
# reason and a person decides (a retry button).
MAX_ATTEMPTS = 5
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=30)


def next_try_at(attempts: int, now: datetime | None = None) -> datetime:
    """When to try again after `attempts` failed tries: 30 s, 1, 2, 4 … minutes,
    capped at half an hour."""
    delay = min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)
    return (now or timezone.now()) + delay


def gives_up(attempts: int) -> bool:
    """Whether `attempts` failed tries are enough to stop and report."""
    return attempts >= MAX_ATTEMPTS
