"""Invitation and reminder e-mails, each in the respondent's own language.

The texts live in templates/assessments/email/<kind>_<lang>.txt (kind `invitation`
or `reminder`, lang `nl` or `en`); the first line is the subject. Mail goes through
Django's mail settings: the console locally, SMTP when EMAIL_HOST is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import Assessment, Respondent, RespondentQuerySet
from ..text import single_line

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

INVITATION = "invitation"
REMINDER = "reminder"


class ScanClosed(Exception):
    """No invitation or reminder goes out for a closed scan: its links accept no
    answers, so the e-mail would only lead to the "not valid" page."""

    message = _("The scan is closed. Reopen it to send e-mails.")


def mail_refused(assessment: Assessment) -> ScanClosed | None:
    """Why no e-mail may go out for this scan now, or None. The one rule, which
    `_send` enforces and the pages ask before offering or reporting a send."""
    return None if assessment.is_open else ScanClosed()


def invitable(assessment: Assessment) -> RespondentQuerySet:
    """Respondents an invitation e-mail can go to (`RespondentQuerySet.invitable`)."""
    return assessment.respondents.invitable()


def remindable(assessment: Assessment) -> RespondentQuerySet:
    """Respondents a reminder can go to (`RespondentQuerySet.remindable`)."""
    return assessment.respondents.remindable()


def _message(
    respondent: Respondent, kind: str, consultant: AbstractUser
) -> EmailMessage:
    assessment = respondent.assessment
    context = {
        "respondent": respondent,
        "partnership": assessment.partnership,
        "organisation": respondent.organisation,
        "assessment": assessment,
        "url": respondent.invitation_url(),
        # Names on one line whatever is stored: a line break in one would move
        # text into the subject line or start a line of its own in the body.
        "partnership_name": single_line(assessment.partnership.name),
        "organisation_name": single_line(respondent.organisation.name),
        "respondent_name": single_line(respondent.label),
        "consultant_name": single_line(
            consultant.get_full_name() or consultant.username
        ),
    }
    with translation.override(respondent.language):
        text = render_to_string(
            f"assessments/email/{kind}_{respondent.language}.txt", context
        )
    subject, _, body = text.strip().partition("\n")
    return EmailMessage(
        subject=subject.strip(),
        body=body.lstrip("\n"),
        to=[respondent.email],
        reply_to=[consultant.email] if consultant.email else None,
    )


def _send(respondents: RespondentQuerySet, kind: str, consultant: AbstractUser) -> int:
    """Send one e-mail per respondent; stamp those sent. Returns how many went out.

    Raises ScanClosed, sending nothing, when any of them is in a closed scan."""
    respondents = list(
        respondents.select_related("organisation", "assessment__partnership")
    )
    for assessment in {respondent.assessment for respondent in respondents}:
        if refused := mail_refused(assessment):
            raise refused
    messages = [_message(r, kind, consultant) for r in respondents if r.token]
    if not messages:
        return 0
    sent = get_connection().send_messages(messages) or 0
    stamp = "invited_at" if kind == INVITATION else "reminded_at"
    sent_ids = [r.pk for r in respondents if r.token]
    Respondent.objects.filter(pk__in=sent_ids).update(
        **{stamp: timezone.now(), "updated_at": timezone.now()}
    )
    return sent


def invitation_send(
    *, respondents: RespondentQuerySet, consultant: AbstractUser
) -> int:
    """E-mail the invitation link to those of `respondents` (a queryset) who can
    be invited; the same rule the "not yet invited" count uses. Raises ScanClosed."""
    return _send(respondents.invitable(), INVITATION, consultant)


def reminder_send(*, respondents: RespondentQuerySet, consultant: AbstractUser) -> int:
    """Remind those of `respondents` (a queryset) who can be reminded. Raises
    ScanClosed."""
    return _send(respondents.remindable(), REMINDER, consultant)
