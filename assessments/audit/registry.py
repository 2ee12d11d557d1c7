"""Which model changes django-auditlog records, and which fields of them.

Each model lists the fields to record (`include_fields`), never the fields to leave
out: a free-text field added later (a name, a note) then stays out of the trail
until someone decides otherwise. What is left out is what a person typed or what
identifies them — names, e-mail addresses, titles, descriptions, comments, the
consultant's texts, tokens — because the trail outlives the erasure of the row it
describes (issue 18): a respondent's name kept here would survive "delete me".
Foreign keys are recorded as ids (AUDITLOG_USE_FK_STRING_REPRESENTATION is off).
"""

from auditlog.registry import auditlog

TRACKED: dict[str, list[str]] = {
    "Partnership": ["owner", "archived_at"],
    "Assessment": [
        "partnership",
        "question_set",
        "status",
        "previous",
        "allow_comments",
        "privacy_minimum",
        "closes_on",
        "remind_after_days",
        "remind_before_close_days",
        "close_automatically",
        "notify_organisation_complete",
        "closed_at",
    ],
    # Not started_at/updated_at: they move on every answer a participant saves.
    "Respondent": [
        "assessment",
        "organisation",
        "language",
        "is_group",
        "invited_at",
        "submitted_at",
    ],
    "Collaboration": ["partnership", "user", "can_edit"],
    "QuestionSet": ["slug", "version", "status", "published_at"],
    # Not open_count/last_opened_at: an opening is an event of its own.
    "SharedLink": ["assessment", "organisation", "expires_at", "revoked_at"],
    "Action": ["assessment", "dimension", "question", "jointly", "due_on", "status"],
    "BrandingProfile": ["consultant", "accent_colour"],
}


def register_models() -> None:
    from django.apps import apps

    for name, fields in TRACKED.items():
        auditlog.register(apps.get_model("assessments", name), include_fields=fields)
