"""Mail through the worker (assessments/background/mail.py): queued in the request,
sent by the `send_mail` task, claimed once, retried while the mail server fails
for a while, and reported with a reason when it will not go."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.background import retry
from assessments.background.mail import (
    SENDING_TIMEOUT,
    _claim,
    mail_queue,
    mail_sweep,
    send_mail,
)
from assessments.models import Assessment, OutgoingMail, Respondent
from assessments.workspace.invitations import invitation_send, reminder_send

from .conftest import CONFIRMED, make_respondent, run_tasks
from .smtp_server import SMTPServer, closed_port, use_smtp

pytestmark = pytest.mark.django_db

Status = OutgoingMail.Status


@pytest.fixture
def anna(assessment):
    return make_respondent(assessment, label="Anna", email="anna@example.org")


def _invite(owner, assessment):
    return invitation_send(respondents=assessment.respondents.all(), consultant=owner)


def _page(client, user, assessment):
    client.force_login(user)
    url = reverse("assessments:assessment-detail", args=[assessment.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def _make_retries_due():
    """Let the clock pass the back-off: the waiting tasks are due now."""
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(seconds=1)
    )


# --- queued, then sent -----------------------------------------------------------


def test_an_invitation_is_queued_and_the_worker_sends_it(owner, assessment, anna):
    assert _invite(owner, assessment) == 1
    row = OutgoingMail.objects.get()
    assert (row.kind, row.status, row.respondent, row.to) == (
        "invitation",
        "queued",
        anna,
        "anna@example.org",
    )
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(queue_name="default").count() == 1
    assert run_tasks() == 1
    (message,) = mail.outbox
    assert message.subject == "Uitnodiging: Partnerscan voor Alfa & Beta"
    assert anna.invitation_url() in message.body
    row.refresh_from_db()
    assert row.status == "sent" and row.sent_at and row.attempts == 1
    assert row.claimed_by.startswith("test-worker/")
    anna.refresh_from_db()
    assert anna.invited_at == row.sent_at


def test_the_mail_is_written_when_it_is_sent_from_the_current_data(
    owner, assessment, anna
):
    _invite(owner, assessment)
    # Corrected before the worker got to it: the new address and language count.
    Respondent.objects.filter(pk=anna.pk).update(
        email="anna.devries@example.org", language="en"
    )
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["anna.devries@example.org"]
    assert message.subject == "Invitation: Partnerscan for Alfa & Beta"
    assert OutgoingMail.objects.get().to == "anna.devries@example.org"


def test_while_an_invitation_waits_it_is_not_offered_again(
    client, owner, assessment, anna
):
    _invite(owner, assessment)
    assert not assessment.respondents.invitable().exists()
    assert _invite(owner, assessment) == 0  # a second click queues nothing
    html = _page(client, owner, assessment)
    assert "Uitnodigingen mailen (0 nog niet uitgenodigd)" in html
    assert "in de wachtrij" in html
    assert "1 e-mail staat in de wachtrij" in html
    run_tasks()
    assert len(mail.outbox) == 1


def test_a_reminder_on_its_way_is_not_offered_again(owner, assessment, anna):
    Respondent.objects.filter(pk=anna.pk).update(invited_at=timezone.now())
    assert reminder_send(respondents=assessment.respondents.all(), consultant=owner)
    assert not assessment.respondents.remindable().exists()
    run_tasks()
    assert assessment.respondents.remindable().exists()  # sent: may be reminded again
    anna.refresh_from_db()
    assert anna.reminded_at is not None


def test_a_scan_closed_after_queuing_sends_nothing_and_says_why(
    client, owner, assessment, anna
):
    _invite(owner, assessment)
    Assessment.objects.filter(pk=assessment.pk).update(status="closed")
    run_tasks()
    assert mail.outbox == []
    row = OutgoingMail.objects.get()
    assert (row.status, row.last_error) == ("failed", "closed")
    anna.refresh_from_db()
    assert anna.invited_at is None
    html = _page(client, owner, assessment)
    says = "uitnodiging niet verstuurd: de scan was gesloten voordat hij weg kon"
    assert says in html


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"token_hash": None, "token_seed": ""}, "no_link"),
        ({"email": ""}, "no_address"),
        ({"submitted_at": timezone.now()}, "submitted"),
    ],
)
def test_a_mail_that_may_no_longer_go_fails_with_its_reason(
    owner, assessment, anna, change, reason
):
    _invite(owner, assessment)
    Respondent.objects.filter(pk=anna.pk).update(**change)
    run_tasks()
    assert mail.outbox == []
    assert OutgoingMail.objects.get().last_error == reason


# --- claimed once ------------------------------------------------------------------


def test_a_mail_in_two_tasks_is_sent_once(owner, assessment, anna):
    _invite(owner, assessment)
    row = OutgoingMail.objects.get()
    send_mail.enqueue(mail_ids=[row.pk])  # a duplicate task, as a sweep may make
    assert run_tasks() == 2
    assert len(mail.outbox) == 1


@pytest.mark.slow
def test_two_workers_racing_for_one_mail_claim_it_once(transactional_db, anna):
    row = OutgoingMail.objects.create(
        kind="invitation", assessment=anna.assessment, respondent=anna
    )
    start = threading.Barrier(2)
    claims = {}

    def worker(name):
        try:
            start.wait(timeout=10)
            claims[name] = _claim(row.pk, name)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [name for name, claimed in claims.items() if claimed is not None]
    assert len(claims) == 2 and len(winners) == 1
    row.refresh_from_db()
    assert (row.status, row.claimed_by) == ("sending", winners[0])


# --- the mail server fails ---------------------------------------------------------


@pytest.mark.slow
def test_a_mail_server_that_is_down_is_retried_then_reported_without_a_500(
    client, owner, assessment, anna, settings
):
    use_smtp(settings, closed_port())
    client.force_login(owner)
    url = reverse("assessments:assessment-invite", args=[assessment.pk])
    assert client.post(url, CONFIRMED).status_code == 302
    started = timezone.now()
    run_tasks()
    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error == "unreachable: Connection refused"
    (later,) = DBTaskResult.objects.filter(status="READY")
    assert later.run_after >= retry.next_try_at(1, started)
    assert "nieuwe poging volgt" in _page(client, owner, assessment)
    for _ in range(retry.MAX_ATTEMPTS - 1):
        _make_retries_due()
        run_tasks()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", retry.MAX_ATTEMPTS)
    assert not DBTaskResult.objects.filter(status="READY").exists()  # gave up
    html = _page(client, owner, assessment)
    assert (
        "uitnodiging niet verstuurd: de mailserver was niet bereikbaar "
        "(Connection refused)" in html
    )
    assert "1 e-mail kon niet worden verstuurd" in html
    # The server is back: the button sends it.
    with SMTPServer() as server:
        use_smtp(settings, server.port)
        retry_url = reverse(
            "assessments:respondent-mail-retry", args=[assessment.pk, anna.pk]
        )
        response = client.post(retry_url, follow=True)
        assert "De e-mail aan Anna wordt opnieuw verstuurd" in response.text
        run_tasks()
    (message,) = server.messages
    assert "Subject: Uitnodiging: Partnerscan voor Alfa & Beta" in message
    row.refresh_from_db()
    assert row.status == "sent"


@pytest.mark.slow
def test_when_the_server_is_down_the_rest_of_a_batch_waits_too(
    owner, assessment, settings
):
    for n in range(3):
        make_respondent(assessment, email=f"p{n}@example.org")
    with SMTPServer("busy") as server:
        use_smtp(settings, server.port)
        _invite(owner, assessment)
        run_tasks()
    assert server.connections == 1  # not once per mail
    rows = OutgoingMail.objects.all()
    assert {(r.status, r.attempts) for r in rows} == {("queued", 1)}
    assert {r.last_error for r in rows} == {
        "unreachable: 421 4.3.2 Service not available, try again later"
    }
    (later,) = DBTaskResult.objects.filter(status="READY")  # one task for all three
    assert sorted(later.args_kwargs["kwargs"]["mail_ids"]) == sorted(r.pk for r in rows)


@pytest.mark.slow
def test_a_refused_address_fails_at_once_with_the_servers_reason(
    client, owner, assessment, anna, settings
):
    with SMTPServer("refuse") as server:
        use_smtp(settings, server.port)
        _invite(owner, assessment)
        run_tasks()
    assert server.messages == []
    row = OutgoingMail.objects.get()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "refused: 550 5.1.1 No such mailbox here"
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no retry
    client.force_login(owner)
    response = client.get(
        reverse("assessments:assessment-detail", args=[assessment.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        "invitation not sent: the mail server refused it (550 5.1.1 No such "
        "mailbox here)" in response.text
    )


@pytest.mark.slow
def test_a_greylisted_mail_is_tried_again_later(owner, assessment, anna, settings):
    with SMTPServer("defer") as server:
        use_smtp(settings, server.port)
        _invite(owner, assessment)
        run_tasks()
        row = OutgoingMail.objects.get()
        assert (row.status, row.attempts) == ("queued", 1)
        assert row.last_error.startswith("deferred: 451")
        server.mode = "accept"
        _make_retries_due()
        run_tasks()
    assert len(server.messages) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


# --- a worker that stopped ---------------------------------------------------------


def test_a_mail_left_sending_by_a_stopped_worker_is_reported_not_resent(
    client, owner, assessment, anna
):
    _invite(owner, assessment)
    now = timezone.now()
    OutgoingMail.objects.update(
        status="sending", claimed_by="gone/1", claimed_at=now - timedelta(minutes=3)
    )
    assert mail_sweep(now) == 0  # it may still be talking to the server
    assert mail_sweep(now + SENDING_TIMEOUT) == 1
    run_tasks()
    assert mail.outbox == []
    row = OutgoingMail.objects.get()
    assert (row.status, row.last_error) == ("failed", "unknown")
    html = _page(client, owner, assessment)
    assert "onbekend of hij is verstuurd" in html
    retry_url = reverse(
        "assessments:respondent-mail-retry", args=[assessment.pk, anna.pk]
    )
    assert f'action="{retry_url}"' in html  # a person decides


def test_a_queued_mail_that_lost_its_task_gets_a_new_one(owner, assessment, anna):
    _invite(owner, assessment)
    DBTaskResult.objects.all().delete()  # the task row is gone (a restore, say)
    now = timezone.now()
    assert mail_sweep(now) == 0  # recently queued: its task may be on its way
    assert mail_sweep(now + timedelta(hours=2)) == 1
    run_tasks()
    assert len(mail.outbox) == 1


def test_once_only_mail_made_twice_is_queued_once(assessment, anna, owner):
    def reminder():
        return OutgoingMail(
            kind="remind_after", assessment=assessment, respondent=anna, sender=owner
        )

    assert len(mail_queue([reminder()], once=True)) == 1
    assert mail_queue([reminder()], once=True) == []  # another machine was first
    assert OutgoingMail.objects.count() == 1


# --- password reset ------------------------------------------------------------------


def test_a_password_reset_mail_keeps_its_text_only_until_sent(client, owner):
    client.post(reverse("password_reset"), {"email": "owner@example.org"})
    row = OutgoingMail.objects.get()
    assert row.kind == "password" and "/reset/" in row.body
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["owner@example.org"] and "/reset/" in message.body
    row.refresh_from_db()
    assert (row.status, row.subject, row.body) == ("sent", "", "")


@pytest.mark.slow
def test_a_password_reset_that_cannot_be_sent_drops_its_link(client, owner, settings):
    use_smtp(settings, closed_port())
    client.post(reverse("password_reset"), {"email": "owner@example.org"})
    for _ in range(retry.MAX_ATTEMPTS):
        _make_retries_due()
        run_tasks()
    row = OutgoingMail.objects.get()
    assert (row.status, row.subject, row.body) == ("failed", "", "")
