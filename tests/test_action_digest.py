"""The weekly digest of agreed actions (assessments/background/digests.py): per
consultant, actions overdue and due within a week, at most once a week (the
database says so), only when there is something to report, through the worker.

The clock is frozen by passing `now` to the job, as `schedule_tick(now)` does.
"""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.actions.digest import digest_week
from assessments.background.digests import queue_action_digests
from assessments.background.schedule import schedule_tick
from assessments.models import Action, Collaboration, OutgoingMail

from .conftest import make_action, make_assessment, make_partnership, run_tasks

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday())
DAY = timedelta(days=1)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# This week's Monday morning, once the digest may go.
NOW = _at(MONDAY, 8)


def _due(action, days):
    Action.objects.filter(pk=action.pk).update(due_on=TODAY + timedelta(days=days))


@pytest.fixture
def agreed(assessment):
    late = make_action(assessment, title="Contract tekenen", dimension="RS4")
    _due(late, -2)
    soon = make_action(assessment, title="Kennismaken", person="Jan")
    _due(soon, 3)
    later = make_action(assessment, title="Evaluatie")
    _due(later, 40)
    return late, soon, later


def test_the_week_starts_on_monday_morning():
    assert digest_week(_at(MONDAY, 6, 59)) is None
    assert digest_week(_at(MONDAY, 7)) == MONDAY
    assert digest_week(_at(MONDAY + 6 * DAY, 23)) == MONDAY
    assert digest_week(_at(MONDAY + 7 * DAY, 9)) == MONDAY + 7 * DAY


def test_a_consultant_gets_one_digest_a_week(agreed, owner):
    assert queue_action_digests(_at(MONDAY, 6)) == 0  # too early on Monday
    assert queue_action_digests(NOW) == 1
    digest = OutgoingMail.objects.get()
    assert (digest.kind, digest.sender, digest.week) == ("actions_due", owner, MONDAY)
    # The rest of the week: nothing new, however often the schedule runs.
    assert queue_action_digests(NOW + timedelta(hours=1)) == 0
    assert schedule_tick(NOW + 3 * DAY)["action_digests"] == 0
    # The next week: the next digest.
    assert queue_action_digests(NOW + 7 * DAY) == 1
    assert OutgoingMail.objects.filter(kind="actions_due").count() == 2


def test_the_database_refuses_a_second_digest_in_a_week(agreed, owner):
    queue_action_digests(NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingMail.objects.create(kind="actions_due", sender=owner, week=MONDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingMail.objects.create(kind="actions_due", sender=owner)  # no week


def test_it_lists_overdue_and_soon_actions_with_links(agreed, owner, settings):
    settings.SITE_URL = "https://scan.example"
    queue_action_digests(NOW)
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == ("Afgesproken acties: 1 over de datum, 1 binnen een week")
    late, soon, later = agreed
    assert "Over de datum:\n\n- Contract tekenen (Alfa & Beta, RS4)" in message.body
    assert "Binnen een week:\n\n- Kennismaken (Alfa & Beta)" in message.body
    assert "Eigenaar: Alfa, Jan" in message.body
    assert (
        f"https://scan.example/assessments/{late.assessment_id}/actions/{late.pk}/"
        in message.body
    )
    assert "Evaluatie" not in message.body  # due in forty days
    assert OutgoingMail.objects.get().status == "sent"


def test_no_digest_when_nothing_is_due(assessment, owner):
    later = make_action(assessment, title="Evaluatie")
    _due(later, 40)
    done = make_action(assessment, title="Al klaar")
    _due(done, -5)
    Action.objects.filter(pk=done.pk).update(status="done")
    assert queue_action_digests(NOW) == 0
    assert not OutgoingMail.objects.exists()


def test_a_digest_whose_actions_were_done_meanwhile_is_not_sent(agreed):
    queue_action_digests(NOW)
    Action.objects.update(status="done")
    run_tasks()
    assert mail.outbox == []
    digest = OutgoingMail.objects.get()
    assert (digest.status, digest.last_error) == ("failed", "nothing_due")


def test_only_the_owner_of_an_active_partnership_hears(
    agreed, assessment, collaborator, outsider, question_set
):
    Collaboration.objects.filter(user=collaborator).update(can_edit=True)
    archived = make_partnership(outsider, name="Oud")
    archived.archived_at = timezone.now()
    archived.save()
    _due(make_action(make_assessment(archived, question_set)), -1)
    queue_action_digests(NOW)
    assert [m.sender for m in OutgoingMail.objects.all()] == [
        assessment.partnership.owner
    ]


def test_a_consultant_without_an_address_is_skipped(agreed, owner):
    owner.email = ""
    owner.save()
    assert queue_action_digests(NOW) == 0
