"""Invitation and reminder e-mails, each in the respondent's own language.

The buttons queue them (`background.mail`); the worker renders and sends them
(`workspace.emails`, templates/assessments/email/) and the assessment page shows
per respondent whether they went out, are waiting, or why not. Mail goes through
Django's mail settings: the console locally, SMTP when EMAIL_HOST is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..background.mail import mail_queue
from ..models import Assessment, OutgoingMail, RespondentQuerySet
from .emails import ScanClosed, mail_refused

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

__all__ = [
    "ScanClosed",
    "invitable",
    "invitation_send",
    "mail_refused",
    "remindable",
    "reminder_send",
]


def invitable(assessment: Assessment) -> RespondentQuerySet:
    """Respondents an invitation e-mail can go to (`RespondentQuerySet.invitable`)."""
    return assessment.respondents.invitable()


def remindable(assessment: Assessment) -> RespondentQuerySet:
    """Respondents a reminder can go to (`RespondentQuerySet.remindable`)."""
    return assessment.respondents.remindable()


def _queue(respondents: RespondentQuerySet, kind: str, consultant: AbstractUser) -> int:
    """Queue one e-mail per respondent; returns how many. A fixed number of
    queries however many there are (the insert goes in the database's batches).

    Raises ScanClosed, queuing nothing, when any of them is in a closed scan."""
    respondents = list(respondents.select_related("assessment"))
    for assessment in {respondent.assessment for respondent in respondents}:
        if refused := mail_refused(assessment):
            raise refused
    mails = [
        OutgoingMail(
            kind=kind,
            assessment_id=respondent.assessment_id,
            respondent=respondent,
            sender=consultant,
            to=respondent.email,
            language=respondent.language,
        )
        for respondent in respondents
    ]
    return len(mail_queue(mails))


def invitation_send(
    *, respondents: RespondentQuerySet, consultant: AbstractUser
) -> int:
    """Queue the invitation for those of `respondents` (a queryset) who can be
    invited: the same rule the "not yet invited" count uses. Raises ScanClosed."""
    return _queue(respondents.invitable(), OutgoingMail.Kind.INVITATION, consultant)


def reminder_send(*, respondents: RespondentQuerySet, consultant: AbstractUser) -> int:
    """Queue a reminder for those of `respondents` (a queryset) who can be
    reminded. Raises ScanClosed."""
    return _queue(respondents.remindable(), OutgoingMail.Kind.REMINDER, consultant)
