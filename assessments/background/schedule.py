"""The periodic work: what has to happen because time passed, not because someone
clicked. `run_schedule` runs it once (a systemd timer or cron calls it every few
minutes); `manage.py worker` runs it between tasks every
`settings.SCHEDULE_INTERVAL_SECONDS`. Every job is idempotent: running the schedule
twice, or on two machines at once, does each thing once.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from ..audit import audit_prune
from ..erasure.retention import anonymise_due, retention_warn
from .automation import (
    close_due_scans,
    notify_complete_organisations,
    remind_automatically,
)
from .digests import queue_action_digests
from .files import files_requeue
from .mail import mail_sweep

logger = logging.getLogger(__name__)

# Each job takes the current time and returns how many things it did. Closing goes
# before reminding: a scan closed today gets no reminder.
Job = Callable[[datetime], int]
JOBS: list[tuple[str, Job]] = [
    ("mail_sweep", mail_sweep),
    ("close_due_scans", close_due_scans),
    ("automatic_reminders", remind_automatically),
    ("organisation_complete", notify_complete_organisations),
    ("prepared_files", files_requeue),
    ("action_digests", queue_action_digests),
    ("audit_retention", audit_prune),
    # Warn before anonymising: a scan whose period was shortened to the past goes
    # at once, without a warning for a date already gone.
    ("retention_warnings", retention_warn),
    ("retention", anonymise_due),
]


def schedule_tick(now: datetime | None = None) -> dict[str, int]:
    """Run every periodic job once; a job that fails is logged and the others still
    run. Returns what each job did (its name → count; -1 for a failure)."""
    now = now or timezone.now()
    done = {}
    for name, job in JOBS:
        try:
            done[name] = job(now)
        except Exception:
            logger.exception("Scheduled job %s failed", name)
            done[name] = -1
    return done
