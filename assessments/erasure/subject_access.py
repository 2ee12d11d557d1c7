"""An access request: everything stored about one respondent, as plain values.

The consultant downloads it from the respondent's page, the participant their own
from the thank-you page (both as JSON). Nothing derived is added: the rows as
stored, with the statements and steps they belong to. The link's token is left
out: it is a key, not information about the person.
"""

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from ..models import Answer, DimensionComment, LiveAnswer, OutgoingMail, Respondent

FORMAT = "partnerscan-respondent-data"
VERSION = 1


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def respondent_data(respondent: Respondent) -> dict[str, Any]:
    """Identity, scan, timestamps, answers, comments, live-session answers and the
    e-mails sent to the respondent. Five queries, whatever the number of answers."""
    assessment = respondent.assessment
    answers = (
        Answer.objects.filter(respondent=respondent)
        .select_related("question__dimension")
        .order_by("question__dimension__position", "question__position", "pk")
    )
    comments = (
        DimensionComment.objects.filter(respondent=respondent)
        .select_related("dimension")
        .order_by("dimension__position", "pk")
    )
    live = (
        LiveAnswer.objects.filter(participant__respondent=respondent)
        .select_related("question")
        .order_by("round", "question__position", "pk")
    )
    mails = OutgoingMail.objects.filter(respondent=respondent).order_by(
        "created_at", "pk"
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "scan": {
            "id": assessment.pk,
            "partnership": assessment.partnership.name,
            "title": assessment.title,
            "status": assessment.status,
            "closed_at": _when(assessment.closed_at),
            "personal_data_kept_until": _when(assessment.retention_ends_on),
            "retention_months_after_closing": assessment.retention_months,
        },
        "identity": {
            "name": respondent.label,
            "email": respondent.email,
            "organisation": respondent.organisation.name,
            "language": respondent.language,
            "workshop_group": respondent.is_group,
            "link_works": respondent.has_valid_token,
        },
        "timestamps": {
            "created_at": _when(respondent.created_at),
            "invited_at": _when(respondent.invited_at),
            "reminded_at": _when(respondent.reminded_at),
            "started_at": _when(respondent.started_at),
            "submitted_at": _when(respondent.submitted_at),
            "agreed_to_privacy_notice_at": _when(respondent.consented_at),
            "updated_at": _when(respondent.updated_at),
        },
        "answers": [
            {
                "dimension": a.question.dimension.code,
                "question": a.question.code,
                "statement": a.question.text,
                "value": a.value,
                "updated_at": _when(a.updated_at),
            }
            for a in answers
        ],
        "comments": [
            {
                "dimension": c.dimension.code,
                "text": c.text,
                "updated_at": _when(c.updated_at),
            }
            for c in comments
        ],
        "live_session_answers": [
            {
                "round": a.round,
                "question": a.question.code,
                "value": a.value,
                "updated_at": _when(a.updated_at),
            }
            for a in live
        ],
        "mails": [
            {
                "kind": m.kind,
                "status": m.status,
                "to": m.to or respondent.email,
                "queued_at": _when(m.created_at),
                "sent_at": _when(m.sent_at),
            }
            for m in mails
        ],
    }
