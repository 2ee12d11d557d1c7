"""The writes of agreed actions. Each is keyword-only and atomic (STYLE.md); the
forms (`assessments.forms.actions`) have validated the input, the database
constraints are the last guard.

Every write leaves the scans the action is listed under with new results (their
fingerprint reads the action's `updated_at`), so their reports are made again once
things are quiet (`report_schedule`, debounced like an answer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ..background.files import report_schedule
from ..models import Assessment, Dimension, Organisation, Question
from .models import Action, ActionListing, ActionStatusChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser


def _reports_follow(action: Action) -> None:
    for assessment in Assessment.objects.filter(action_listings__action=action):
        report_schedule(assessment)


@transaction.atomic
def action_create(
    *,
    assessment: Assessment,
    user: AbstractUser | None,
    title: str,
    due_on: date,
    description: str = "",
    dimension: Dimension | None = None,
    question: Question | None = None,
    owners: Sequence[Organisation] = (),
    jointly: bool = False,
    person: str = "",
) -> Action:
    """An open action agreed in `assessment`, listed under it, with the first step
    of its history."""
    action = Action.objects.create(
        assessment=assessment,
        title=title,
        description=description,
        dimension=dimension,
        question=question,
        jointly=jointly,
        person=person,
        due_on=due_on,
        created_by=user,
    )
    action.owners.set(owners)
    ActionListing.objects.create(action=action, assessment=assessment)
    ActionStatusChange.objects.create(
        action=action, status=action.status, changed_by=user
    )
    report_schedule(assessment)
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    title: str,
    due_on: date,
    description: str,
    dimension: Dimension | None,
    question: Question | None,
    owners: Sequence[Organisation],
    jointly: bool,
    person: str,
) -> None:
    """Change an action's details (its status has `action_change_status`)."""
    action.title = title
    action.description = description
    action.dimension = dimension
    action.question = question
    action.jointly = jointly
    action.person = person
    action.due_on = due_on
    action.save()
    action.owners.set(owners)
    _reports_follow(action)


@transaction.atomic
def action_change_status(
    *, action: Action, status: str, note: str, user: AbstractUser | None
) -> None:
    """Give the action `status` (or keep it, with a note) and add the step to its
    history. One action wherever it is listed: closing it closes it everywhere."""
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    ActionStatusChange.objects.create(
        action=action, status=status, note=note, changed_by=user
    )
    _reports_follow(action)


@transaction.atomic
def action_delete(*, action: Action) -> None:
    """Delete the action with its history, from every scan it is listed under."""
    _reports_follow(action)
    action.delete()


@transaction.atomic
def actions_carry(*, actions: Iterable[Action], into: Assessment) -> int:
    """List `actions` under the scan `into` too (a follow-up of the scan they were
    listed under); returns how many were carried. They stay the same actions."""
    ids = [action.pk for action in actions]
    if not ids:
        return 0
    # Only actions of the same partnership; one already listed stays listed once.
    carried = list(
        Action.objects.filter(
            pk__in=ids, assessment__partnership_id=into.partnership_id
        ).exclude(listings__assessment=into)
    )
    ActionListing.objects.bulk_create(
        ActionListing(action=action, assessment=into) for action in carried
    )
    Action.objects.filter(pk__in=[a.pk for a in carried]).update(
        updated_at=timezone.now()
    )
    report_schedule(into)
    return len(carried)
