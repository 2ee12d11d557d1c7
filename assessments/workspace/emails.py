"""What each e-mail says. The worker renders it when it sends it, from the data as it
is then (a corrected address, a changed language, a new link), not as it was when
someone pressed the button.

The texts live in templates/assessments/email/<name>_<lang>.txt (lang `nl` or
`en`); the first line is the subject. To a respondent: `invitation`, `reminder`
(also the automatic ones), in the respondent's language. To the consultant:
`scan_closed`, `organisation_complete`, `actions_due` (the weekly digest of agreed
actions), `retention_warning` (a month before a scan is anonymised), in the
language stored on the mail.
A password-reset mail is rendered in the request and only carried here.
"""

from __future__ import annotations

from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..actions.digest import digest_actions
from ..branding import branding_of
from ..models import Assessment, OutgoingMail
from ..text import single_line

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

Kind = OutgoingMail.Kind

_TEMPLATES = {
    Kind.INVITATION: "invitation",
    Kind.REMINDER: "reminder",
    Kind.REMINDER_AFTER_INVITATION: "reminder",
    Kind.REMINDER_BEFORE_CLOSE: "reminder",
    Kind.SCAN_CLOSED: "scan_closed",
    Kind.ORGANISATION_COMPLETE: "organisation_complete",
    Kind.ACTIONS_DUE: "actions_due",
    Kind.RETENTION_WARNING: "retention_warning",
}
REMINDER_KINDS = [
    Kind.REMINDER,
    Kind.REMINDER_AFTER_INVITATION,
    Kind.REMINDER_BEFORE_CLOSE,
]


class ScanClosed(Exception):
    """No invitation or reminder goes out for a closed scan: its links accept no
    answers, so the e-mail would only lead to the "not valid" page."""

    message = _("The scan is closed. Reopen it to send e-mails.")


def mail_refused(assessment: Assessment) -> ScanClosed | None:
    """Why no e-mail may go to the scan's respondents now, or None. The one rule:
    the buttons ask it before queuing, the worker again before sending."""
    return None if assessment.is_open else ScanClosed()


class NotSendable(Exception):
    """This e-mail may not, or need not, go out now. `reason` is one of the codes
    `background.mail.REASONS` explains to the consultant."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def mail_message(mail: OutgoingMail) -> EmailMessage:
    """The message for `mail` (its related rows loaded), or NotSendable."""
    if mail.kind == Kind.PASSWORD_RESET:
        return EmailMessage(mail.subject, mail.body, to=[mail.to])
    if mail.respondent_id:
        return _to_respondent(mail)
    if mail.kind == Kind.ACTIONS_DUE:
        return _action_digest(mail)
    return _to_consultant(mail)


def _to_respondent(mail: OutgoingMail) -> EmailMessage:
    respondent, consultant = mail.respondent, mail.sender
    assessment = respondent.assessment
    if mail_refused(assessment):
        raise NotSendable("closed")
    if respondent.submitted_at:
        raise NotSendable("submitted")
    if respondent.is_group or not respondent.email:
        raise NotSendable("no_address")
    url = respondent.invitation_url()
    if url is None:
        raise NotSendable("no_link")
    branding = branding_of(assessment)
    context = {
        "respondent": respondent,
        "partnership": assessment.partnership,
        "organisation": respondent.organisation,
        "assessment": assessment,
        "url": url,
        # Names on one line whatever is stored: a line break in one would move
        # text into the subject line or start a line of its own in the body.
        "partnership_name": single_line(assessment.partnership.name),
        "organisation_name": single_line(respondent.organisation.name),
        "respondent_name": single_line(respondent.label),
        "consultant_name": _name(consultant),
        "signature": _signature(consultant, branding),
    }
    subject, body = _render(mail.kind, respondent.language, context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=_sender(branding),
        to=[respondent.email],
        reply_to=[consultant.email] if consultant.email else None,
    )


def _signature(consultant: AbstractUser, branding: dict | None) -> list[str]:
    """The lines under "Kind regards": the consultant, and with a branding profile
    (the partnership owner's) the firm and its contact line."""
    lines = [_name(consultant)]
    if branding:
        lines += [single_line(branding["firm"]), single_line(branding["contact"])]
    return [line for line in lines if line]


def _sender(branding: dict | None) -> str | None:
    """The firm's name as the sender's display name, on the site's own address
    (never the firm's: a mail server would reject or flag it as spoofed)."""
    if not branding:
        return None
    _display, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((single_line(branding["firm"]), address))


def _to_consultant(mail: OutgoingMail) -> EmailMessage:
    consultant, assessment = mail.sender, mail.assessment
    if not consultant.email:
        raise NotSendable("no_address")
    if mail.kind == Kind.SCAN_CLOSED and assessment.status != Assessment.Status.CLOSED:
        raise NotSendable("reopened")
    if mail.kind == Kind.RETENTION_WARNING and (
        assessment.anonymised_at or assessment.retention_ends_on is None
    ):
        raise NotSendable("retention")
    language = mail.language or settings.LANGUAGE_CODE
    respondents = assessment.respondents.all()
    context = {
        "assessment": assessment,
        "scan_name": single_line(str(assessment)),
        "partnership_name": single_line(assessment.partnership.name),
        "consultant_name": _name(consultant),
        "submitted": respondents.submitted().count(),
        "total": respondents.count(),
        "assessment_url": _url("assessments:assessment-detail", assessment),
        "results_url": _url("assessments:assessment-results", assessment),
        "report_url": _url("assessments:assessment-report", assessment)
        + f"?lang={language}",
        "settings_url": _url("assessments:assessment-edit", assessment),
        "retention_ends_on": assessment.retention_ends_on,
    }
    if mail.organisation_id:
        organisation = respondents.filter(organisation=mail.organisation_id)
        context |= {
            "organisation_name": single_line(mail.organisation.name),
            "organisation_total": organisation.count(),
        }
    subject, body = _render(mail.kind, language, context)
    return EmailMessage(subject=subject, body=body, to=[consultant.email])


def _action_digest(mail: OutgoingMail) -> EmailMessage:
    """The weekly digest, from the actions as they are now: when none is overdue or
    due soon any more, it need not go."""
    consultant = mail.sender
    if not consultant.email:
        raise NotSendable("no_address")
    language = mail.language or settings.LANGUAGE_CODE
    with translation.override(language):  # the statuses and owners in words
        actions = digest_actions(consultant, timezone.localdate())
    if not actions["overdue"] and not actions["soon"]:
        raise NotSendable("nothing_due")
    for row in actions["overdue"] + actions["soon"]:
        # One line each in the text: a line break in a name would start a new one.
        row["partnership"] = single_line(row["partnership"])
        row["title"] = single_line(row["title"])
    context = {
        "consultant_name": _name(consultant),
        "overdue": actions["overdue"],
        "soon": actions["soon"],
        "dashboard_url": settings.SITE_URL + reverse("assessments:dashboard"),
    }
    subject, body = _render(mail.kind, language, context)
    return EmailMessage(subject=subject, body=body, to=[consultant.email])


def _render(kind: str, language: str, context: dict) -> tuple[str, str]:
    with translation.override(language):
        text = render_to_string(
            f"assessments/email/{_TEMPLATES[kind]}_{language}.txt", context
        )
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.lstrip("\n")


def _name(user: AbstractUser) -> str:
    return single_line(user.get_full_name() or user.get_username())


def _url(name: str, assessment: Assessment) -> str:
    return settings.SITE_URL + reverse(name, args=[assessment.pk])
