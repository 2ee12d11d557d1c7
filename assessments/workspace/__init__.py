"""The consultant's writes: partnerships, collaborators, assessments, respondents.

Each function that touches more than one row is keyword-only and atomic (STYLE.md);
forms have validated the input already, the database constraints are the last guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..actions.writes import actions_carry
from ..background.files import report_schedule
from ..models import (
    Action,
    Assessment,
    Collaboration,
    Organisation,
    Partnership,
    QuestionSet,
    Respondent,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser


class PartnershipArchived(Exception):
    """A new scan was asked for in an archived partnership
    (`Partnership.accepts_new_scans`)."""

    message = _("This partnership is archived. Restore it first.")


def _require_new_scans(partnership: Partnership) -> None:
    if not partnership.accepts_new_scans:
        raise PartnershipArchived(partnership)


@dataclass(frozen=True)
class OrganisationRow:
    """One organisation as the consultant lists it: `pk` None for a new one."""

    name: str
    pk: int | None = None


@transaction.atomic
def partnership_create(
    *,
    owner: AbstractUser,
    name: str,
    description: str = "",
    organisation_names: Iterable[str],
) -> Partnership:
    partnership = Partnership.objects.create(
        owner=owner, name=name, description=description
    )
    Organisation.objects.bulk_create(
        Organisation(partnership=partnership, name=org_name, position=position)
        for position, org_name in enumerate(organisation_names)
    )
    return partnership


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    name: str,
    description: str,
    organisations: Sequence[OrganisationRow],
) -> Partnership:
    """Rename, reorder, add and remove organisations in one go.

    `organisations` is the full new list of `OrganisationRow`s in display order;
    existing organisations missing from it are deleted (the form refuses that for
    organisations with respondents).
    """
    partnership.name = name
    partnership.description = description
    partnership.save(update_fields=["name", "description", "updated_at"])
    existing = {org.pk: org for org in partnership.organisations.all()}
    kept = {row.pk for row in organisations if row.pk is not None}
    Organisation.objects.filter(
        pk__in=[pk for pk in existing if pk not in kept]
    ).delete()
    # Two passes so that swapping two names never trips the unique constraint.
    renamed = [
        row for row in organisations if row.pk and existing[row.pk].name != row.name
    ]
    for row in renamed:
        Organisation.objects.filter(pk=row.pk).update(name=f"~renaming {row.pk}~")
    for position, row in enumerate(organisations):
        if row.pk is None:
            Organisation.objects.create(
                partnership=partnership, name=row.name, position=position
            )
        else:
            Organisation.objects.filter(pk=row.pk).update(
                name=row.name, position=position, updated_at=timezone.now()
            )
    return partnership


def partnership_archive(*, partnership: Partnership) -> None:
    partnership.archived_at = timezone.now()
    partnership.save(update_fields=["archived_at", "updated_at"])


def partnership_unarchive(*, partnership: Partnership) -> None:
    partnership.archived_at = None
    partnership.save(update_fields=["archived_at", "updated_at"])


def collaborator_add(
    *, partnership: Partnership, user: AbstractUser, can_edit: bool
) -> Collaboration:
    return Collaboration.objects.create(
        partnership=partnership, user=user, can_edit=can_edit
    )


def collaborator_update(*, collaboration: Collaboration, can_edit: bool) -> None:
    collaboration.can_edit = can_edit
    collaboration.save(update_fields=["can_edit"])


def collaborator_remove(*, collaboration: Collaboration) -> None:
    collaboration.delete()


def assessment_create(
    *, partnership: Partnership, question_set: QuestionSet, **settings: Any
) -> Assessment:
    """A new open scan; `settings` are the editable fields of `AssessmentForm`.

    Raises PartnershipArchived in an archived partnership."""
    _require_new_scans(partnership)
    return Assessment.objects.create(
        partnership=partnership, question_set=question_set, **settings
    )


@transaction.atomic
def assessment_close(*, assessment: Assessment) -> None:
    """Close the scan; its final report is made at once."""
    assessment.status = Assessment.Status.CLOSED
    assessment.closed_at = timezone.now()
    assessment.save(update_fields=["status", "closed_at", "updated_at"])
    report_schedule(assessment, at_once=True)


@transaction.atomic
def assessment_reopen(*, assessment: Assessment) -> bool:
    """Open again; a closing date already past is cleared, or nothing would open.

    Returns True when the closing date was cleared.
    """
    cleared = (
        assessment.closes_on is not None and assessment.closes_on < timezone.localdate()
    )
    assessment.status = Assessment.Status.OPEN
    assessment.closed_at = None
    if cleared:
        assessment.closes_on = None
    assessment.save(update_fields=["status", "closed_at", "closes_on", "updated_at"])
    report_schedule(assessment, at_once=True)
    return cleared


def follow_up_question_set(assessment: Assessment) -> QuestionSet | None:
    """The set a follow-up uses: the newest published version of the same set.

    Dimension codes stay the same across versions, so the trend still compares.
    None when no version of it is published any more.
    """
    return QuestionSet.objects.newest_published(slug=assessment.question_set.slug)


@transaction.atomic
def assessment_follow_up(
    *,
    assessment: Assessment,
    question_set: QuestionSet,
    title: str,
    closes_on: date | None = None,
    actions: Iterable[Action] = (),
) -> Assessment:
    """A new scan of the same partnership that compares with `assessment` (trend).

    The respondents come along with fresh links (not yet invited); workshop groups
    do not, the workshop creates its own when it starts. `actions` (the open
    actions of `assessment` the consultant carries over) are listed under the new
    scan too, still the same actions. `assessment` itself stays as it is. Raises
    PartnershipArchived in an archived partnership.
    """
    _require_new_scans(assessment.partnership)
    follow_up = Assessment.objects.create(
        partnership=assessment.partnership,
        question_set=question_set,
        title=title,
        closes_on=closes_on,
        previous=assessment,
        allow_comments=assessment.allow_comments,
        privacy_minimum=assessment.privacy_minimum,
        remind_after_days=assessment.remind_after_days,
        remind_before_close_days=assessment.remind_before_close_days,
        close_automatically=assessment.close_automatically,
        notify_organisation_complete=assessment.notify_organisation_complete,
        retention_months=assessment.retention_months,
        require_consent=assessment.require_consent,
    )
    copies = []
    for person in assessment.respondents.filter(is_group=False):
        copy = Respondent(
            assessment=follow_up,
            organisation_id=person.organisation_id,
            label=person.label,
            email=person.email,
            language=person.language,
        )
        copy.issue_token()
        copies.append(copy)
    Respondent.objects.bulk_create(copies)
    actions_carry(actions=actions, into=follow_up)
    return follow_up


@dataclass(frozen=True)
class RespondentRow:
    """A validated respondent to add (from the form or a pasted line)."""

    label: str
    organisation: Organisation
    email: str = ""
    language: str = "nl"


@transaction.atomic
def respondent_add_many(
    *, assessment: Assessment, rows: Iterable[RespondentRow]
) -> list[Respondent]:
    """Add every row or none; each gets its own invitation link."""
    respondents = []
    for row in rows:
        respondent = Respondent(
            assessment=assessment,
            organisation=row.organisation,
            label=row.label,
            email=row.email,
            language=row.language,
        )
        respondent.issue_token()
        respondents.append(respondent)
    return Respondent.objects.bulk_create(respondents)


def respondent_revoke_link(*, respondent: Respondent) -> None:
    respondent.revoke_token()
    respondent.save(update_fields=["token_seed", "token_hash", "updated_at"])


def respondent_replace_link(*, respondent: Respondent) -> None:
    """A fresh link; the old one stops working. Answers given so far are kept."""
    respondent.issue_token()
    respondent.save(update_fields=["token_seed", "token_hash", "updated_at"])
