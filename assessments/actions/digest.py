"""What the weekly digest tells a consultant: the pending actions of the active
partnerships they own that are overdue or due within a week.

The digest is at most one e-mail per consultant per week (the week's Monday is
stored on the mail, `assessments_outgoingmail_actions_digest_weekly`), queued by
the periodic job `background.digests.queue_action_digests` from Monday morning on,
and only for a consultant with something to report. Its text is written when it
is sent (`workspace.emails`), from the actions as they are then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from .listing import DUE_SOON_DAYS, action_row, with_details
from .models import Action

# The digest goes from Monday 07:00 (the server's time zone) on, once that week.
DIGEST_WEEKDAY = 0
DIGEST_HOUR = 7


def digest_week(now: datetime) -> date | None:
    """The Monday of the week whose digest may go at `now`, or None before the
    week's digest time (early on Monday)."""
    local = timezone.localtime(now)
    monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() == DIGEST_WEEKDAY and local.hour < DIGEST_HOUR:
        return None
    return monday


def _reported(today: date) -> QuerySet[Action]:
    """Pending actions of active partnerships, overdue or due within a week."""
    return Action.objects.due_by(today + timedelta(days=DUE_SOON_DAYS)).filter(
        assessment__partnership__archived_at__isnull=True
    )


def consultants_with_news(today: date) -> QuerySet[Any]:
    """Active consultants with an e-mail address who own a partnership with an
    action to report."""
    owners = _reported(today).values("assessment__partnership__owner")
    return (
        get_user_model()
        .objects.filter(pk__in=owners, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def digest_actions(user: Any, today: date) -> dict[str, list[dict[str, Any]]]:
    """{"overdue": rows, "soon": rows} for `user`'s partnerships, by due date; each
    row as `listing.action_rows` makes them, plus `partnership` and `url`."""
    actions = with_details(
        _reported(today)
        .filter(assessment__partnership__owner=user)
        .select_related("assessment__partnership")
        .order_by("due_on", "assessment__partnership__name", "pk")
    )
    digest = {"overdue": [], "soon": []}
    for action in actions:
        row = action_row(action, today, None)
        row["partnership"] = action.assessment.partnership.name
        row["url"] = settings.SITE_URL + reverse(
            "assessments:action-detail", args=[action.assessment_id, action.pk]
        )
        digest["overdue" if row["overdue"] else "soon"].append(row)
    return digest
