"""How far a scan has got: per respondent, per organisation, per partnership.

The counts follow one set of rules, written once in `assessments.models`
(`has_started`, `RespondentQuerySet.started/submitted/invitable/remindable`) and
used by every page that shows them:

- submitted: the answers were handed in (a workshop group: the workshop finished);
- started: at least one statement answered, or submitted; opening a link is not
  starting ("busy" is started and not submitted);
- invited: e-mailed the invitation; "not yet invited" counts only the people an
  invitation can go to now (a person with an address and a working link who has
  not submitted), the same people the invitation button e-mails;
- remindable: invited, not submitted, with an address and a working link;
- an e-mail on its way (queued for the worker, or being sent) takes its
  respondent out of those counts until the worker is done with it; the latest
  e-mail to a respondent that failed is shown with its reason, until they submit.

Workshop groups count as respondents (they answer for their organisation) but are
never invited or reminded and have no link.

Reads only, in a fixed number of queries however many rows there are, so the
dashboard and the assessment page stay fast for a consultant with many scans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext_lazy as _

from ..background.mail import mail_reason
from ..models import (
    Assessment,
    Collaboration,
    LiveParticipant,
    OutgoingMail,
    Partnership,
    PartnershipQuerySet,
    Question,
    QuestionSet,
    Respondent,
    has_started,
)
from ..results.verdicts import verdicts_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

NOT_STARTED = "not_started"
BUSY = "busy"
SUBMITTED = "submitted"

STATUS_LABELS = {
    NOT_STARTED: _("not started"),
    BUSY: _("busy"),
    SUBMITTED: _("submitted"),
}

# The workshop as the assessment page offers it.
WORKSHOP_NONE = "none"
WORKSHOP_OPEN = "open"
WORKSHOP_FINISHED = "finished"


def respondent_status(respondent: Respondent) -> str:
    """`respondent` carries `answers_given` (see `with_answer_count`)."""
    if respondent.submitted_at:
        return SUBMITTED
    if has_started(answered=respondent.answers_given, submitted=False):
        return BUSY
    return NOT_STARTED


@dataclass
class OrganisationProgress:
    organisation: object
    respondents: list = field(default_factory=list)
    submitted: int = 0
    busy: int = 0
    not_started: int = 0

    @property
    def total(self) -> int:
        return len(self.respondents)


def question_count(question_set: QuestionSet) -> int:
    return Question.objects.filter(dimension__question_set=question_set).count()


def assessment_progress(assessment: Assessment) -> dict:
    """Respondents grouped per organisation, each with `status`, `answers_given`,
    `may_invite`, `may_remind` and the state of their latest e-mail
    (`mail_pending`, `mail_failed`, `mail_reason`); the invitation, reminder and
    e-mail counts; the state of the workshop.

    Four queries: organisations, respondents with their states, their e-mails,
    questions.
    """
    organisations = list(assessment.partnership.organisations.all())
    respondents = (
        assessment.respondents.with_states()
        # Marked on the assessment page: took part by phone in a live session.
        .annotate(
            is_live=Exists(LiveParticipant.objects.filter(respondent=OuterRef("pk")))
        )
        .select_related("organisation")
        .order_by("organisation__position", "is_group", "label")
    )
    latest_mail = latest_mail_per_respondent(assessment)
    per_org = {org.pk: OrganisationProgress(org) for org in organisations}
    groups, invitable, remindable, pending, failed = [], 0, 0, 0, 0
    for respondent in respondents:
        respondent.status = respondent_status(respondent)
        _add_mail_state(respondent, latest_mail.get(respondent.pk))
        if respondent.is_group:
            groups.append(respondent)
        invitable += respondent.may_invite
        remindable += respondent.may_remind
        pending += respondent.mail_pending is not None
        failed += respondent.mail_failed is not None
        group = per_org[respondent.organisation_id]
        group.respondents.append(respondent)
        setattr(group, respondent.status, getattr(group, respondent.status) + 1)
    return {
        "organisations": list(per_org.values()),
        "question_count": question_count(assessment.question_set),
        "invitable": invitable,
        "remindable": remindable,
        "mail_pending": pending,
        "mail_failed": failed,
        "workshop": workshop_state(groups),
    }


def latest_mail_per_respondent(assessment: Assessment) -> dict[int, OutgoingMail]:
    """The newest e-mail to each respondent of the scan, by respondent id (one
    query; a respondent gets a handful of e-mails at most)."""
    mails = (
        OutgoingMail.objects.filter(assessment=assessment, respondent__isnull=False)
        .order_by("-created_at", "-pk")
        .only("respondent", "kind", "status", "attempts", "last_error", "created_at")
    )
    latest = {}
    for mail in mails:
        latest.setdefault(mail.respondent_id, mail)
    return latest


def _add_mail_state(respondent: Respondent, mail: OutgoingMail | None) -> None:
    """On its way, or failed with a reason (not once the answers are in: then no
    e-mail is missing)."""
    status = mail.status if mail else None
    on_its_way = status in (OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING)
    failed = status == OutgoingMail.Status.FAILED and not respondent.submitted_at
    respondent.mail_pending = mail if on_its_way else None
    respondent.mail_failed = mail if failed else None
    respondent.mail_reason = mail_reason(mail) if mail and mail.last_error else ""


def workshop_state(groups: Sequence[Respondent]) -> str:
    """None yet, open, or finished: finished once its groups' answers are locked,
    the same rule the workshop pages lock on."""
    if not groups:
        return WORKSHOP_NONE
    if any(group.submitted_at for group in groups):
        return WORKSHOP_FINISHED
    return WORKSHOP_OPEN


def partnership_rows(
    partnerships: PartnershipQuerySet, user: AbstractBaseUser
) -> list[Partnership]:
    """Evaluate a page of partnerships with everything the dashboard shows.

    Each partnership gets `organisation_list`, `role` ("owner", "edit" or "read",
    the vocabulary of `access.role_of`) and `latest` (its newest assessment with
    progress counts, or None).
    A fixed number of queries: the page, organisations, the user's collaborations,
    and the latest assessments.
    """
    partnerships = list(
        partnerships.select_related("owner").prefetch_related(
            "organisations",
            Prefetch(
                "collaborations",
                queryset=Collaboration.objects.filter(user=user),
                to_attr="own_collaborations",
            ),
        )
    )
    latest_ids = [
        p.latest_assessment_id for p in partnerships if p.latest_assessment_id
    ]
    latest = latest_assessments(latest_ids)
    for partnership in partnerships:
        partnership.organisation_list = list(partnership.organisations.all())
        partnership.role = _role(partnership, user)
        partnership.latest = latest.get(partnership.latest_assessment_id)
    return partnerships


def latest_assessments(ids: Iterable[int]) -> dict[int, Assessment]:
    """Assessments by id, with progress counts and `verdict` (a fixed few queries)."""
    queryset = (
        Assessment.objects.filter(pk__in=ids)
        .select_related("partnership", "question_set")
        .with_progress()
    )
    return {assessment.pk: assessment for assessment in _with_verdicts(queryset)}


def partnership_assessments(partnership: Partnership) -> list[Assessment]:
    """A partnership's assessments, newest first, with progress counts and verdicts."""
    return _with_verdicts(
        partnership.assessments.select_related(
            "partnership", "question_set", "previous__partnership"
        )
        .with_progress()
        .order_by("-created_at", "-pk")
    )


def _role(partnership: Partnership, user: AbstractBaseUser) -> str:
    if partnership.owner_id == user.pk:
        return "owner"
    collaborations = partnership.own_collaborations
    return "edit" if collaborations and collaborations[0].can_edit else "read"


def _with_verdicts(assessments: Iterable[Assessment]) -> list[Assessment]:
    assessments = list(assessments)
    verdicts = verdicts_for(assessments)
    for assessment in assessments:
        assessment.verdict = verdicts[assessment.pk]
    return assessments
