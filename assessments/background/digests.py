"""The weekly digest of agreed actions to each consultant (`actions.digest`): a
periodic job (`schedule.JOBS`) that queues at most one a week per consultant, and
only when there is something to report. Safe to run twice, or on two machines at
once: the once-a-week constraint on `OutgoingMail` decides who queued it first."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from ..actions.digest import consultants_with_news, digest_week
from ..models import OutgoingMail
from .mail import mail_queue

Kind = OutgoingMail.Kind


def queue_action_digests(now: datetime) -> int:
    """Queue this week's digests that are not queued yet; returns how many."""
    week = digest_week(now)
    if week is None:
        return 0
    done = OutgoingMail.objects.filter(kind=Kind.ACTIONS_DUE, week=week).values(
        "sender"
    )
    consultants = consultants_with_news(timezone.localdate(now)).exclude(pk__in=done)
    mails = [
        OutgoingMail(
            kind=Kind.ACTIONS_DUE,
            sender=consultant,
            to=consultant.email,
            # Consultants have no language of their own stored: the site's.
            language=settings.LANGUAGE_CODE,
            week=week,
        )
        for consultant in consultants
    ]
    return len(mail_queue(mails, once=True))
