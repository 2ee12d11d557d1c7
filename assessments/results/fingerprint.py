"""One fingerprint of everything a scan's outputs show.

The scored result and the results page's figures are cached under
`fingerprint(assessment)`; the worker's stored files (the PDF report, large
exports: `background.files`) carry it too (the PDF adds what only it depends on:
language, report and renderer version). A stale entry is never used: a new
fingerprint misses and replaces it.
"""

import hashlib
from typing import Any

from django.db.models import Aggregate, Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Length
from django.utils import timezone

from ..models import (
    Action,
    ActionListing,
    AgreementNote,
    Answer,
    Assessment,
    DimensionComment,
    LiveAnswer,
    Organisation,
    Respondent,
)

# Bump when what an output shows changes without any row changing (a new figure,
# a changed rule), so old cache entries are never read back.
FINGERPRINT_VERSION = 5


def fingerprint(assessment: Assessment) -> str:
    """A hash that changes whenever anything any output of `assessment` shows can
    change, for the scan and its previous scan (the trend).

    Eight queries, however many respondents: the two scans' own fields (title,
    status, settings, the pinned question set: immutable once in use, so its id
    and version stand for its content) with the partnership's name and
    consultant; the organisations; and aggregates over respondents, answers,
    comments, live-session rounds (the gap before a discussion), agreement notes
    and the agreed actions listed under the scans that move with any added,
    removed or edited row, even when a bulk update left `updated_at` alone. The
    actions also count those overdue today, so an output that marks them is made
    again on the day one becomes overdue.
    """
    ids = [assessment.pk]
    if assessment.previous_id:
        ids.append(assessment.previous_id)
    scans = list(
        Assessment.objects.filter(pk__in=ids, partnership_id=assessment.partnership_id)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "status",
            "updated_at",
            "closed_at",
            "allow_comments",
            "privacy_minimum",
            "question_set_id",
            "question_set__version",
            # The cover names the partnership and its consultant.
            "partnership__name",
            "partnership__updated_at",
            "partnership__owner__first_name",
            "partnership__owner__last_name",
            "partnership__owner__username",
            # The consultancy's part: its branding profile (logo included: a new
            # logo saves the profile) and the consultant's word for the scan.
            "partnership__owner__branding__updated_at",
            "consultant_word__updated_at",
        )
    )
    organisations = list(
        Organisation.objects.filter(partnership_id=assessment.partnership_id)
        .order_by("pk")
        .values_list("pk", "name", "position")
    )
    parts = [
        FINGERPRINT_VERSION,
        scans,
        organisations,
        _rows(
            Respondent.objects.filter(assessment_id__in=ids),
            "assessment_id",
            changed=Max("updated_at"),
            started=Count("started_at"),
            submitted=Count("submitted_at"),
            last_submitted=Max("submitted_at"),
            # Moves when a respondent moves to another organisation.
            placement=Sum(F("id") * F("organisation_id")),
        ),
        _rows(
            Answer.objects.filter(respondent__assessment_id__in=ids),
            "respondent__assessment_id",
            known=Count("value"),
            changed=Max("updated_at"),
            # One weighted sum that moves with any single value.
            values=Sum(F("value") * (F("question_id") * 7919 + F("respondent_id"))),
        ),
        _rows(
            DimensionComment.objects.filter(respondent__assessment_id__in=ids),
            "respondent__assessment_id",
            changed=Max("updated_at"),
            length=Sum(Length("text")),
            placement=Sum(F("respondent_id") * F("dimension_id")),
        ),
        _rows(
            LiveAnswer.objects.filter(participant__respondent__assessment_id__in=ids),
            "participant__respondent__assessment_id",
            changed=Max("updated_at"),
            values=Sum(
                F("value") * (F("question_id") * 7919 + F("participant_id"))
                + F("round") * F("question_id")
            ),
        ),
        _rows(
            AgreementNote.objects.filter(assessment_id__in=ids),
            "assessment_id",
            changed=Max("updated_at"),
            length=Sum(Length("text")),
            placement=Sum(F("dimension_id")),
        ),
        _rows(
            ActionListing.objects.filter(assessment_id__in=ids),
            "assessment_id",
            # Every write of an action saves it (actions.writes).
            changed=Max("action__updated_at"),
            placement=Sum(F("action_id")),
            overdue=Count(
                "action",
                filter=Q(
                    action__status__in=Action.PENDING,
                    action__due_on__lt=timezone.localdate(),
                ),
            ),
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _rows(
    queryset: QuerySet[Any], group: str, **aggregates: Aggregate
) -> list[tuple[Any, ...]]:
    # COUNT(*), not COUNT(id): PostgreSQL can then answer from the covering index
    # alone (an index-only scan) instead of reading the table.
    return sorted(
        queryset.values(group)
        .annotate(n=Count("*"), **aggregates)
        .order_by()
        .values_list(group, "n", *aggregates)
    )
