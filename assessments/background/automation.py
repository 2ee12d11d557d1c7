"""A scan that runs itself: the periodic jobs (`schedule.JOBS`) behind a scan's
automation settings. Each takes the current time (tests pass a fixed one) and
returns how many things it did; each is safe to run twice, or on two machines at
once: the once-only constraints on `OutgoingMail` decide who made a mail first.

- Automatic reminders, to invited respondents who have not submitted, in their
  language, at most once each: `remind_after_days` after the invitation, and
  `remind_before_close_days` before the closing date. Never on the day of the last
  e-mail to them, and never two at once.
- Closing after the closing date (`close_automatically`), through the same domain
  function as the Close button, with a note to the consultant.
- A note to the consultant when all respondents of an organisation have submitted
  (`notify_organisation_complete`), once per organisation per scan.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _, ngettext

from ..models import Assessment, OutgoingMail, Respondent
from ..workspace import assessment_close
from .mail import mail_queue

Kind = OutgoingMail.Kind
OPEN = Assessment.Status.OPEN
# An automatic reminder waits until this long after the last e-mail to the person.
QUIET_AFTER_LAST_MAIL = timedelta(days=1)


def _consultant_language() -> str:
    # Consultants have no language of their own stored: their mail is in the UI's
    # default language.
    return settings.LANGUAGE_CODE


def remind_automatically(now: datetime) -> int:
    """Queue the automatic reminders that are due; returns how many."""
    today = timezone.localdate(now)
    done = OutgoingMail.objects.filter(respondent=OuterRef("pk"))
    candidates = (
        Respondent.objects.remindable()
        .filter(assessment__status=OPEN)
        .filter(
            Q(assessment__closes_on__isnull=True) | Q(assessment__closes_on__gte=today)
        )
        .filter(
            Q(assessment__remind_after_days__isnull=False)
            | Q(
                assessment__remind_before_close_days__isnull=False,
                assessment__closes_on__isnull=False,
            )
        )
        .annotate(
            had_after=Exists(done.filter(kind=Kind.REMINDER_AFTER_INVITATION)),
            had_close=Exists(done.filter(kind=Kind.REMINDER_BEFORE_CLOSE)),
        )
        .select_related("assessment__partnership")
    )
    mails = []
    for respondent in candidates:
        kind = _reminder_due(respondent, now, today)
        if kind:
            mails.append(
                OutgoingMail(
                    kind=kind,
                    assessment=respondent.assessment,
                    respondent=respondent,
                    sender_id=respondent.assessment.partnership.owner_id,
                    to=respondent.email,
                    language=respondent.language,
                )
            )
    return len(mail_queue(mails, once=True))


def _reminder_due(respondent: Respondent, now: datetime, today: date) -> str | None:
    """The automatic reminder due for `respondent` now, if any: the one before the
    closing date first, as it names the date; the other waits a day."""
    assessment = respondent.assessment
    last_mail = max(filter(None, [respondent.invited_at, respondent.reminded_at]))
    if now - last_mail < QUIET_AFTER_LAST_MAIL:
        return None
    days_before = assessment.remind_before_close_days
    if (
        days_before
        and assessment.closes_on
        and not respondent.had_close
        and today >= assessment.closes_on - timedelta(days=days_before)
    ):
        return Kind.REMINDER_BEFORE_CLOSE
    days_after = assessment.remind_after_days
    if (
        days_after
        and not respondent.had_after
        and now >= respondent.invited_at + timedelta(days=days_after)
    ):
        return Kind.REMINDER_AFTER_INVITATION
    return None


def close_due_scans(now: datetime) -> int:
    """Close the open scans whose closing date has passed and that close by
    themselves; tell their consultant. Returns how many were closed."""
    today = timezone.localdate(now)
    due = Assessment.objects.filter(
        status=OPEN, close_automatically=True, closes_on__lt=today
    )
    closed = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # Locked and checked again: a schedule on another machine, or the
            # consultant, may have closed it a moment ago.
            assessment = (
                Assessment.objects.select_for_update()
                .select_related("partnership")
                .filter(pk=pk, status=OPEN)
                .first()
            )
            if assessment is None:
                continue
            assessment_close(assessment=assessment)
            notice = OutgoingMail(
                kind=Kind.SCAN_CLOSED,
                assessment=assessment,
                sender_id=assessment.partnership.owner_id,
                language=_consultant_language(),
            )
            mail_queue([notice], once=True)
            closed += 1
    return closed


def notify_complete_organisations(now: datetime) -> int:
    """Tell the consultant of each open scan that asks for it which organisations
    have all their respondents' answers in, once per organisation. Returns how many
    notes were queued."""
    complete = (
        Respondent.objects.filter(
            assessment__status=OPEN, assessment__notify_organisation_complete=True
        )
        .order_by()  # the default ordering would split the groups
        .values("assessment", "organisation", "assessment__partnership__owner")
        .annotate(waiting=Count("pk", filter=Q(submitted_at__isnull=True)))
        .filter(waiting=0)
    )
    complete = list(complete)
    told = set(
        OutgoingMail.objects.filter(
            kind=Kind.ORGANISATION_COMPLETE,
            assessment__in={row["assessment"] for row in complete},
        ).values_list("assessment", "organisation")
    )
    notes = [
        OutgoingMail(
            kind=Kind.ORGANISATION_COMPLETE,
            assessment_id=row["assessment"],
            organisation_id=row["organisation"],
            sender_id=row["assessment__partnership__owner"],
            language=_consultant_language(),
        )
        for row in complete
        if (row["assessment"], row["organisation"]) not in told
    ]
    return len(mail_queue(notes, once=True))


def automation_plan(assessment: Assessment) -> list[str]:
    """What an open scan will do by itself, in words for its page."""
    if assessment.status != OPEN:
        return []
    plan = []
    if days := assessment.remind_after_days:
        plan.append(
            ngettext(
                "Automatic reminder: %(n)d day after the invitation",
                "Automatic reminder: %(n)d days after the invitation",
                days,
            )
            % {"n": days}
        )
    if (days := assessment.remind_before_close_days) and assessment.closes_on:
        plan.append(
            ngettext(
                "Automatic reminder: %(n)d day before the closing date",
                "Automatic reminder: %(n)d days before the closing date",
                days,
            )
            % {"n": days}
        )
    if assessment.close_automatically and assessment.closes_on:
        plan.append(
            _("Closes automatically after %(date)s")
            % {"date": date_format(assessment.closes_on, "j F Y")}
        )
    if assessment.notify_organisation_complete:
        plan.append(_("The owner gets an e-mail when an organisation is complete"))
    return plan
