"""A scan that runs itself (assessments/background/automation.py): automatic
reminders, closing after the closing date, a note when an organisation is complete.

The clock is frozen by passing `now` to the jobs, as `schedule_tick(now)` does: the
data is set relative to it, and the job decides as if it ran at that moment.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from assessments.background.automation import (
    close_due_scans,
    notify_complete_organisations,
    remind_automatically,
)
from assessments.background.schedule import schedule_tick
from assessments.models import Assessment, OutgoingMail, Respondent

from .conftest import make_respondent, run_tasks

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
TODAY = timezone.localdate(NOW)
DAY = timedelta(days=1)


def _set(assessment, **fields):
    Assessment.objects.filter(pk=assessment.pk).update(**fields)
    assessment.refresh_from_db()


def _invited(assessment, label, days_ago, **extra):
    return make_respondent(
        assessment,
        label=label,
        email=f"{label.lower()}@example.org",
        invited_at=NOW - timedelta(days=days_ago),
        **extra,
    )


def _kinds():
    return sorted(OutgoingMail.objects.values_list("respondent__label", "kind"))


# --- reminders -----------------------------------------------------------------------


def test_a_reminder_goes_n_days_after_the_invitation_once(assessment):
    _set(assessment, remind_after_days=7)
    _invited(assessment, "Anna", days_ago=8, language="en")
    _invited(assessment, "Bram", days_ago=6)
    _invited(assessment, "Done", days_ago=9, submitted_at=NOW)
    make_respondent(assessment, label="Never", email="never@example.org")
    assert remind_automatically(NOW) == 1
    assert _kinds() == [("Anna", "remind_after")]
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "Reminder: Partnerscan for Alfa & Beta"  # her language
    assert Respondent.objects.get(label="Anna").reminded_at is not None
    # At most once: not on the next run, nor weeks later.
    assert remind_automatically(NOW) == 0
    assert remind_automatically(NOW + 30 * DAY) == 1  # Bram's turn, not Anna's again
    assert _kinds() == [("Anna", "remind_after"), ("Bram", "remind_after")]


def test_a_reminder_goes_n_days_before_the_closing_date(assessment):
    _set(assessment, remind_before_close_days=3, closes_on=TODAY + 5 * DAY)
    _invited(assessment, "Anna", days_ago=4)
    assert remind_automatically(NOW) == 0  # five days before: not yet
    assert remind_automatically(NOW + 2 * DAY) == 1
    assert _kinds() == [("Anna", "remind_close")]
    run_tasks()
    (message,) = mail.outbox
    assert message.subject == "Herinnering: Partnerscan voor Alfa & Beta"
    assert "De scan sluit na" in message.body
    assert remind_automatically(NOW + 3 * DAY) == 0


def test_no_reminder_on_the_day_of_the_last_e_mail_nor_two_at_once(assessment):
    _set(
        assessment,
        remind_after_days=1,
        remind_before_close_days=3,
        closes_on=TODAY + 2 * DAY,
    )
    fresh = _invited(assessment, "Fresh", days_ago=0)
    _invited(assessment, "Both", days_ago=2)
    Respondent.objects.filter(pk=fresh.pk).update(invited_at=NOW - timedelta(hours=2))
    # Fresh was invited two hours ago; Both is due for both reminders: the one that
    # names the closing date goes first, the other waits a day.
    assert remind_automatically(NOW) == 1
    assert _kinds() == [("Both", "remind_close")]
    run_tasks()
    assert remind_automatically(NOW + timedelta(hours=23)) == 1  # Fresh, a day on
    run_tasks()
    Respondent.objects.filter(label="Both").update(reminded_at=NOW)
    assert remind_automatically(NOW + DAY) == 1
    assert ("Both", "remind_after") in _kinds()


def test_no_automatic_reminder_in_a_closed_scan_or_without_the_setting(
    assessment, partnership, question_set
):
    _invited(assessment, "Anna", days_ago=30)
    assert remind_automatically(NOW) == 0  # no setting
    _set(assessment, remind_after_days=7, status="closed")
    assert remind_automatically(NOW) == 0
    _set(assessment, status="open", closes_on=TODAY - DAY)  # past its closing date
    assert remind_automatically(NOW) == 0
    assert not OutgoingMail.objects.exists()


def test_a_reminder_before_closing_needs_a_closing_date(assessment):
    _set(assessment, remind_before_close_days=3)
    _invited(assessment, "Anna", days_ago=30)
    assert remind_automatically(NOW) == 0


# --- closing -------------------------------------------------------------------------


def test_a_scan_closes_itself_after_its_closing_date_and_tells_the_owner(
    assessment, owner
):
    _set(assessment, closes_on=TODAY)
    done = make_respondent(assessment, label="Anna", submitted_at=NOW)
    make_respondent(assessment, label="Bram")
    assert close_due_scans(NOW) == 0  # the closing day itself still counts
    assert close_due_scans(NOW + DAY) == 1
    assessment.refresh_from_db()
    assert assessment.status == "closed" and assessment.closed_at
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == (
        f"Scan gesloten: Alfa & Beta #{assessment.pk}, het rapport staat klaar"
    )
    assert "1 van de 2 deelnemers" in message.body
    results = f"{settings.SITE_URL}/assessments/{assessment.pk}/results/"
    assert results in message.body
    assert f"/assessments/{assessment.pk}/report/?lang=nl" in message.body
    assert close_due_scans(NOW + 2 * DAY) == 0
    # One notice per scan: reopened with a new date, it closes again quietly.
    _set(assessment, status="open", closes_on=TODAY + DAY)
    assert close_due_scans(NOW + 3 * DAY) == 1
    assert OutgoingMail.objects.filter(kind="scan_closed").count() == 1
    assert Respondent.objects.get(pk=done.pk).submitted_at  # the answers stay


def test_a_scan_set_to_stay_open_is_left_alone(assessment):
    _set(assessment, closes_on=TODAY - 3 * DAY, close_automatically=False)
    assert close_due_scans(NOW) == 0
    assessment.refresh_from_db()
    assert assessment.status == "open"
    assert not OutgoingMail.objects.exists()


def test_a_closing_notice_for_a_scan_reopened_meanwhile_is_not_sent(assessment):
    _set(assessment, closes_on=TODAY - DAY)
    close_due_scans(NOW)
    _set(assessment, status="open", closes_on=None)
    run_tasks()
    assert mail.outbox == []
    assert OutgoingMail.objects.get().last_error == "reopened"


# --- an organisation complete --------------------------------------------------------


def test_the_owner_hears_once_when_an_organisation_is_complete(assessment, owner):
    alfa, beta = assessment.partnership.organisations.all()
    make_respondent(assessment, alfa, label="A1", submitted_at=NOW)
    a2 = make_respondent(assessment, alfa, label="A2")
    make_respondent(assessment, beta, label="B1")
    assert notify_complete_organisations(NOW) == 0
    Respondent.objects.filter(pk=a2.pk).update(submitted_at=NOW)
    assert notify_complete_organisations(NOW) == 1
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == ("Compleet: alle deelnemers van Alfa hebben ingeleverd")
    assert "Alle 2 deelnemers van Alfa" in message.body
    assert "2 van de 3 deelnemers" in message.body
    assert notify_complete_organisations(NOW + DAY) == 0


def test_no_note_when_switched_off_or_closed(assessment):
    make_respondent(assessment, label="A1", submitted_at=NOW)
    _set(assessment, notify_organisation_complete=False)
    assert notify_complete_organisations(NOW) == 0
    _set(assessment, notify_organisation_complete=True, status="closed")
    assert notify_complete_organisations(NOW) == 0


# --- the schedule --------------------------------------------------------------------


def test_the_schedule_runs_every_job_at_the_given_time(assessment):
    _set(assessment, closes_on=TODAY - DAY, remind_after_days=1)
    _invited(assessment, "Anna", days_ago=5)
    done = schedule_tick(NOW)
    # Closed first, so no reminder went to a scan that had just closed.
    assert done == {
        "mail_sweep": 0,
        "close_due_scans": 1,
        "automatic_reminders": 0,
        "organisation_complete": 0,
        "prepared_files": 0,
        "action_digests": 0,
        "audit_retention": 0,
        "retention_warnings": 0,
        "retention": 0,
    }
    assert schedule_tick(NOW)["close_due_scans"] == 0
