"""Mail through the worker, with a status a person can read (`OutgoingMail`).

- `mail_queue` saves the rows and enqueues one `send_mail` task for them in the same
  transaction: a request that rolls back leaves no mail, one that commits always
  leaves a task. Two hundred invitations cost the request a few inserts.
- `send_mail` claims each row with one conditional UPDATE (queued -> sending) right
  before sending it, so two workers never send the same mail, and renders it then
  (`workspace.emails`), from the data as it is at that moment.
- A mail server that fails for a while (no connection, a timeout, a 4xx reply) is
  tried again later (`retry`); one that refuses (5xx), or keeps failing, leaves the
  row failed with a reason the consultant can read, and a person retries.
- A row a killed worker left in `sending` may or may not have gone out, so it is
  never resent by itself: `mail_sweep` marks it failed, "unknown whether sent".
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks.base import TaskContext

from ..models import OutgoingMail, Respondent
from ..workspace.emails import NotSendable, mail_message
from . import retry

logger = logging.getLogger(__name__)

Kind, Status = OutgoingMail.Kind, OutgoingMail.Status

# Why a mail is not sent, by the code stored in `OutgoingMail.last_error` (followed
# by ": " and the mail server's own words where there are some). Stored as a code
# and put into words when shown, in the reader's language.
REASONS = {
    "closed": _("the scan was closed before it went out"),
    "reopened": _("the scan was reopened before it went out"),
    "submitted": _("not needed any more: the answers are in"),
    "no_address": _("there is no e-mail address"),
    "nothing_due": _(
        "not needed any more: no action was overdue or due soon when it was to go"
    ),
    "no_link": _("the personal link no longer works"),
    "retention": _(
        "not needed any more: the scan was anonymised or reopened before it went out"
    ),
    "refused": _("the mail server refused it"),
    "deferred": _("the mail server kept postponing it"),
    "unreachable": _("the mail server could not be reached"),
    "unknown": _(
        "unknown whether it was sent: the worker stopped while sending it. Check "
        "with the recipient before you try again"
    ),
    "error": _("something unexpected went wrong (the server log has the details)"),
}
# Which date on the respondent a sent mail sets.
_STAMPS = {
    Kind.INVITATION: "invited_at",
    Kind.REMINDER: "reminded_at",
    Kind.REMINDER_AFTER_INVITATION: "reminded_at",
    Kind.REMINDER_BEFORE_CLOSE: "reminded_at",
}
# A mail server gets this long to answer; the default (none) would let one hung
# server hold the worker forever.
SEND_TIMEOUT_SECONDS = 30
# A row still `sending` this long after its claim belongs to a worker that stopped.
SENDING_TIMEOUT = timedelta(minutes=10)
# A queued row untouched this long has lost its task (the longest back-off is half
# an hour): it gets a new one. A duplicate task is harmless, the claim sees to that.
QUEUED_TIMEOUT = timedelta(hours=1)


def mail_queue(mails: Sequence[OutgoingMail], *, once: bool = False) -> list[int]:
    """Save `mails` (new rows) and hand them to the worker; returns their ids.

    `once`: rows a once-only constraint refuses (an automatic reminder or a notice
    already made, perhaps by a schedule running on another machine) are skipped.
    """
    if not mails:
        return []
    with transaction.atomic():
        if once:
            saved = [mail for mail in mails if _save_unless_done(mail)]
        else:
            saved = OutgoingMail.objects.bulk_create(mails)
        ids = [mail.pk for mail in saved]
        if ids:
            send_mail.enqueue(mail_ids=ids)
    return ids


def _save_unless_done(mail: OutgoingMail) -> bool:
    try:
        with transaction.atomic():
            mail.save()
    except IntegrityError:
        return False
    return True


def mail_retry(*, respondent: Respondent) -> bool:
    """Queue the respondent's latest e-mail again if it failed (the button next to
    "not sent"); False when there is none to retry."""
    latest = respondent.outgoing_mail.order_by("-created_at", "-pk").first()
    if latest is None:
        return False
    with transaction.atomic():
        retried = OutgoingMail.objects.filter(pk=latest.pk, status=Status.FAILED)
        if not retried.update(
            status=Status.QUEUED,
            attempts=0,
            last_error="",
            claimed_by="",
            claimed_at=None,
            updated_at=timezone.now(),
        ):
            return False
        send_mail.enqueue(mail_ids=[latest.pk])
    return True


def mail_reason(mail: OutgoingMail) -> str:
    """Why `mail` was not sent (or is being tried again), in the active language."""
    code, _sep, detail = mail.last_error.partition(": ")
    reason = str(REASONS.get(code, REASONS["error"]))
    return f"{reason} ({detail})" if detail else reason


@task(queue_name="default", takes_context=True)
def send_mail(context: TaskContext, mail_ids: list[int]) -> int:
    """Send the mails `mail_ids` that are still queued; returns how many went out.

    One connection to the mail server serves them all. When the server cannot be
    reached, the rest are not tried one by one: they all wait for the next try."""
    result = context.task_result
    claimer = f"{result.worker_ids[-1][:27]}/{result.id}"
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT or SEND_TIMEOUT_SECONDS)
    sent = 0
    try:
        for index, mail_id in enumerate(mail_ids):
            mail = _claim(mail_id, claimer)
            if mail is None:
                continue  # sent, failed or claimed by another worker meanwhile
            outcome, error = _send(mail, connection, claimer)
            sent += outcome == "sent"
            if outcome == "deferred":
                _try_again([mail_id], error, claimer=claimer)
            elif outcome == "unreachable":
                _try_again(mail_ids[index:], error, claimer=claimer)
                break
    finally:
        connection.close()
    return sent


def _claim(mail_id: int, claimer: str) -> OutgoingMail | None:
    """The row, if this worker got it: one UPDATE decides, whoever comes second
    updates nothing."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_by=claimer, claimed_at=now, updated_at=now
    )
    if not claimed:
        return None
    return OutgoingMail.objects.select_related(
        "respondent__organisation",
        "respondent__assessment__partnership",
        "assessment__partnership",
        "organisation",
        "sender",
    ).get(pk=mail_id)


def _send(
    mail: OutgoingMail, connection: BaseEmailBackend, claimer: str
) -> tuple[str, str]:
    """Send one claimed mail. Returns the outcome and the reason: "sent" and
    "failed" are recorded here; "deferred" (this mail, later) and "unreachable"
    (the server is down: this mail and the rest of the batch, later) are left to
    the caller."""
    try:
        message = mail_message(mail)
    except NotSendable as refusal:
        _finish(mail, claimer, Status.FAILED, refusal.reason)
        return "failed", refusal.reason
    except Exception:
        logger.exception("Could not render e-mail %s", mail.pk)
        _finish(mail, claimer, Status.FAILED, "error")
        return "failed", "error"
    message.connection = connection
    try:
        connection.open()  # the first mail opens it, the rest of the batch reuse it
        message.send()
    except Exception as exc:  # every failure gets a reason, none stops the worker
        code, detail = _classify(exc)
        error = f"{code}: {detail}" if detail else code
        if code == "unreachable":
            connection.close()
        if code in ("unreachable", "deferred"):
            return code, error
        if code == "error":
            logger.exception("Could not send e-mail %s", mail.pk)
        _finish(mail, claimer, Status.FAILED, error)
        return "failed", error
    _finish(mail, claimer, Status.SENT, "", to=message.to[0])
    return "sent", ""


def _classify(error: Exception) -> tuple[str, str]:
    """A reason code and the server's words for a failed send: connection trouble
    and 4xx replies may pass ("unreachable"; "deferred" for one recipient), 5xx
    replies will not ("refused"); anything else is a fault of ours ("error")."""
    # The order matters: every SMTP error is an OSError too.
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return ("refused" if code >= 500 else "deferred"), _reply(code, text)
    if isinstance(error, smtplib.SMTPConnectError):
        return "unreachable", _reply(error.smtp_code, error.smtp_error)
    if isinstance(error, smtplib.SMTPResponseException):
        code = "refused" if error.smtp_code >= 500 else "unreachable"
        return code, _reply(error.smtp_code, error.smtp_error)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "unreachable", str(error)[:200]
    if isinstance(error, smtplib.SMTPException):
        return "refused", str(error)[:200]
    if isinstance(error, OSError):
        return "unreachable", (error.strerror or str(error) or type(error).__name__)[
            :200
        ]
    return "error", ""


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"{code} {' '.join(text.split())}"[:200]


def _finish(
    mail: OutgoingMail, claimer: str, status: str, error: str, to: str = ""
) -> None:
    """Record the outcome of a claimed mail; a sent one stamps the respondent. The
    text a password-reset mail carried goes either way."""
    now = timezone.now()
    fields = {
        "status": status,
        "last_error": error,
        "attempts": F("attempts") + 1,
        "subject": "",
        "body": "",
        "updated_at": now,
    }
    if status == Status.SENT:
        fields |= {"sent_at": now, "to": to}
    with transaction.atomic():
        # By claimer, not by status: a mail the sweep gave up on while a slow server
        # still took it is sent after all.
        OutgoingMail.objects.filter(pk=mail.pk, claimed_by=claimer).update(**fields)
        stamp = _STAMPS.get(mail.kind)
        if status == Status.SENT and stamp and mail.respondent_id:
            Respondent.objects.filter(pk=mail.respondent_id).update(
                **{stamp: now, "updated_at": now}
            )


def _try_again(mail_ids: Sequence[int], error: str, *, claimer: str = "") -> None:
    """Back to the queue for a later try, one attempt more each (the rest of a batch
    whose server was down counts the same attempt: it would have failed alike);
    those out of attempts fail with `error` as their reason."""
    if not mail_ids:
        return
    now = timezone.now()
    waiting = Q(status=Status.QUEUED)
    if claimer:
        waiting |= Q(status=Status.SENDING, claimed_by=claimer)
    with transaction.atomic():
        OutgoingMail.objects.filter(waiting, pk__in=mail_ids).update(
            status=Status.QUEUED,
            attempts=F("attempts") + 1,
            last_error=error,
            claimed_by="",
            claimed_at=None,
            updated_at=now,
        )
        queued = OutgoingMail.objects.filter(pk__in=mail_ids, status=Status.QUEUED)
        given_up, later = [], defaultdict(list)
        for pk, attempts in queued.values_list("pk", "attempts"):
            if retry.gives_up(attempts):
                given_up.append(pk)
            else:
                later[attempts].append(pk)
        OutgoingMail.objects.filter(pk__in=given_up).update(
            status=Status.FAILED, subject="", body="", updated_at=now
        )
        for attempts, ids in later.items():
            run_after = retry.next_try_at(attempts, now)
            send_mail.using(run_after=run_after).enqueue(mail_ids=ids)


def mail_sweep(now: datetime) -> int:
    """Periodic job: a mail left `sending` by a worker that stopped fails with
    "unknown whether sent" (a person decides whether to send it again); a queued
    mail that lost its task gets a new one. Returns how many rows it touched."""
    stopped = OutgoingMail.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    ).update(
        status=Status.FAILED, last_error="unknown", subject="", body="", updated_at=now
    )
    with transaction.atomic():
        lost = OutgoingMail.objects.filter(
            status=Status.QUEUED, updated_at__lt=now - QUEUED_TIMEOUT
        )
        ids = list(lost.values_list("pk", flat=True))
        if ids:
            OutgoingMail.objects.filter(pk__in=ids).update(updated_at=now)
            send_mail.enqueue(mail_ids=ids)
    return stopped + len(ids)
