"""Erasure: a respondent, a scan, a partnership, a consultant's account.

Each write is one transaction: a process killed half-way leaves everything or
nothing; stored files and cache entries go only after the commit (traces.py).
Each `*_footprint` counts what its erasure removes, for the confirmation page.
Erasing what is already gone is harmless: the views find nothing and say so.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q

from ..audit import Event, audit_event
from ..background.files import report_schedule
from ..models import (
    Action,
    AgreementNote,
    Answer,
    Assessment,
    BrandingProfile,
    DimensionComment,
    LiveSession,
    Organisation,
    OutgoingMail,
    Partnership,
    PreparedFile,
    Respondent,
    SharedLink,
)
from .traces import (
    forget_admin_log,
    forget_outputs,
    forget_tasks,
    mail_ids_of,
    scans_showing,
)


@dataclass(frozen=True)
class Footprint:
    """What an erasure removes, counted."""

    scans: int = 0
    organisations: int = 0
    respondents: int = 0
    answers: int = 0
    comments: int = 0
    mails: int = 0
    live_sessions: int = 0
    agreements: int = 0
    actions: int = 0
    shared_links: int = 0
    files: int = 0


def _count(respondents, scans) -> dict[str, int]:
    return {
        "respondents": respondents.count(),
        "answers": Answer.objects.filter(respondent__in=respondents).count(),
        "comments": DimensionComment.objects.filter(respondent__in=respondents).count(),
        "mails": OutgoingMail.objects.filter(
            Q(respondent__in=respondents) | Q(assessment__in=scans)
        ).count(),
    }


def respondent_footprint(respondent: Respondent) -> Footprint:
    """The respondent's rows; the scan's stored files are made again without them."""
    one = Respondent.objects.filter(pk=respondent.pk)
    counts = _count(one, Assessment.objects.none())
    return Footprint(**counts)


def assessment_footprint(assessment: Assessment) -> Footprint:
    scans = Assessment.objects.filter(pk=assessment.pk)
    return _scans_footprint(scans)


def partnership_footprint(partnership: Partnership) -> Footprint:
    footprint = _scans_footprint(partnership.assessments.all())
    return Footprint(
        **{**footprint.__dict__, "organisations": partnership.organisations.count()}
    )


def _scans_footprint(scans) -> Footprint:
    respondents = Respondent.objects.filter(assessment__in=scans)
    return Footprint(
        scans=scans.count(),
        live_sessions=LiveSession.objects.filter(assessment__in=scans).count(),
        agreements=AgreementNote.objects.filter(assessment__in=scans).count(),
        actions=_actions_going(scans).count(),
        shared_links=SharedLink.objects.filter(assessment__in=scans).count(),
        files=PreparedFile.objects.filter(assessment__in=scans).count(),
        **_count(respondents, scans),
    )


def _actions_going(scans):
    """The actions agreed in `scans` that no other scan lists: those carried into a
    follow-up that stays belong to that follow-up now (`_rehome_actions`)."""
    return (
        Action.objects.filter(assessment__in=scans)
        .annotate(
            elsewhere=Count("listings", filter=~Q(listings__assessment__in=scans))
        )
        .filter(elsewhere=0)
    )


def _rehome_actions(scans) -> None:
    """An action carried into a follow-up stays on that follow-up when the scan it
    was agreed in goes: the partners still work on it there. It moves to the
    earliest other scan listing it."""
    carried = Action.objects.filter(assessment__in=scans).exclude(
        pk__in=_actions_going(scans).values("pk")
    )
    for action in carried:
        home = (
            action.listings.exclude(assessment__in=scans)
            .order_by("assessment__created_at", "assessment_id")
            .values_list("assessment_id", flat=True)
            .first()
        )
        Action.objects.filter(pk=action.pk).update(assessment_id=home)


def _audit(by, obj, footprint: Footprint) -> None:
    """The erasure in the audit trail: what went, counted, never what it said.
    Recorded before the rows go (the object's id with them) and in the same
    transaction, so the trail holds exactly the erasures that happened."""
    counts = {k: v for k, v in vars(footprint).items() if v}
    audit_event(by, Event.ERASURE, obj, **counts)


@transaction.atomic
def respondent_erase(*, respondent: Respondent, by=None) -> None:
    """The respondent with their answers, comments, live-session rounds and the
    e-mails to them; the scan's stored files and cached figures (which could show
    their name or comments) go too, and the report is made again without them."""
    assessment = respondent.assessment
    _audit(by, respondent, respondent_footprint(respondent))
    mail_ids = mail_ids_of(respondent.outgoing_mail.all())
    pk = respondent.pk
    respondent.delete()
    forget_outputs(scans_showing([assessment.pk]))
    forget_tasks(mail_ids=mail_ids)
    forget_admin_log(Respondent, [pk])
    report_schedule(assessment)


@transaction.atomic
def assessment_erase(*, assessment: Assessment, by=None) -> None:
    """A scan with everything in it: respondents, answers, comments, live
    sessions, agreements, its actions (those carried into a follow-up stay there),
    shared links, e-mails, stored files. A follow-up stays, without its trend.
    `by` (the request or user) is who erased it, for the audit trail."""
    _audit(by, assessment, assessment_footprint(assessment))
    _erase_scans(Assessment.objects.filter(pk=assessment.pk))


def _erase_scans(scans) -> None:
    ids = list(scans.values_list("pk", flat=True))
    showing = scans_showing(ids)
    respondents = Respondent.objects.filter(assessment_id__in=ids)
    respondent_ids = list(respondents.values_list("pk", flat=True))
    mail_ids = mail_ids_of(
        OutgoingMail.objects.filter(
            Q(assessment_id__in=ids) | Q(respondent_id__in=respondent_ids)
        )
    )
    _rehome_actions(Assessment.objects.filter(pk__in=ids))
    # Respondents first: their organisation protects them, and a partnership's
    # organisations may go in the same transaction.
    respondents.delete()
    forget_outputs(showing)
    Assessment.objects.filter(pk__in=ids).delete()
    forget_tasks(mail_ids=mail_ids, assessment_ids=ids)
    forget_admin_log(Respondent, respondent_ids)
    forget_admin_log(Assessment, ids)


@transaction.atomic
def partnership_erase(*, partnership: Partnership, by=None) -> None:
    """A partnership with its organisations, collaborators and every scan in it."""
    _audit(by, partnership, partnership_footprint(partnership))
    _erase_scans(partnership.assessments.all())
    organisation_ids = list(partnership.organisations.values_list("pk", flat=True))
    mail_ids = mail_ids_of(
        OutgoingMail.objects.filter(organisation_id__in=organisation_ids)
    )
    pk = partnership.pk
    partnership.delete()
    forget_tasks(mail_ids=mail_ids)
    forget_admin_log(Organisation, organisation_ids)
    forget_admin_log(Partnership, [pk])


@transaction.atomic
def consultant_erase(
    *,
    consultant: AbstractBaseUser,
    heirs: Mapping[int, AbstractBaseUser | None],
    by=None,
) -> None:
    """The consultant's account. Each partnership they own goes to its heir (a
    colleague who collaborates on it; `heirs` maps the partnership's id to them)
    or, without one, is erased with everything in it. The mails they sent for a
    transferred partnership are from the heir afterwards; their own mails (digests,
    notices, password links), branding profile and logo go with the account.
    """
    for partnership in Partnership.objects.filter(owner=consultant):
        heir = heirs.get(partnership.pk)
        if heir is None:
            partnership_erase(partnership=partnership, by=by)
            continue
        partnership.collaborations.filter(user=heir).delete()
        Partnership.objects.filter(pk=partnership.pk).update(owner=heir)
        OutgoingMail.objects.filter(sender=consultant).filter(
            Q(assessment__partnership=partnership)
            | Q(respondent__assessment__partnership=partnership)
        ).exclude(kind=OutgoingMail.Kind.ACTIONS_DUE).update(sender=heir)
    own_mail = OutgoingMail.objects.filter(sender=consultant)
    if consultant.email:
        own_mail = own_mail | OutgoingMail.objects.filter(
            kind=OutgoingMail.Kind.PASSWORD_RESET, to__iexact=consultant.email
        )
    forget_tasks(mail_ids=mail_ids_of(own_mail))
    own_mail.delete()
    audit_event(by, Event.ERASURE, consultant)
    logo = (
        BrandingProfile.objects.filter(consultant=consultant)
        .values_list("logo", flat=True)
        .first()
    )
    if logo:
        transaction.on_commit(lambda: default_storage.delete(logo), robust=True)
    # The rows that go with the account are not recorded as changes: django-auditlog
    # would name the account being deleted as their actor (a dangling reference);
    # the erasure event above records what happened.
    with disable_auditlog():
        consultant.delete()
