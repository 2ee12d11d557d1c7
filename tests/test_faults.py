"""Faults meet the user as a clear message and lose nothing already acknowledged."""

import hashlib
import os
import re
import signal
import sqlite3
import threading
import time
from contextlib import closing, contextmanager

import pytest
import requests
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import Answer, Question
from assessments.report.render_guard import RenderBudgetExceeded, run_guarded

from .conftest import run_tasks
from .gunicorn_server import Gunicorn, Site

HTMX = {"HX-Request": "true"}


def _slow():
    time.sleep(30)


def _greedy():
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def _pid():
    return os.getpid()


def _fails():
    raise ValueError("bad template")


@pytest.mark.slow
def test_a_render_within_budget_returns_its_result_from_a_child_process():
    assert run_guarded(_pid, timeout=10) != os.getpid()
    assert run_guarded(bytes, 3, timeout=10) == b"\0\0\0"


@pytest.mark.slow
def test_a_render_over_its_time_budget_is_stopped_and_this_process_lives_on():
    started = time.monotonic()
    with pytest.raises(RenderBudgetExceeded, match="not done"):
        run_guarded(_slow, timeout=0.5)
    assert time.monotonic() - started < 5
    assert run_guarded(_pid, timeout=10) != os.getpid()


@pytest.mark.slow
def test_a_render_over_its_memory_budget_is_stopped_and_this_process_lives_on():
    with pytest.raises(RenderBudgetExceeded, match="memory|died"):
        run_guarded(_greedy, timeout=20, memory_mb=64)
    assert run_guarded(_pid, timeout=10) != os.getpid()


@pytest.mark.slow
def test_an_error_in_the_render_reaches_the_caller():
    with pytest.raises(ValueError, match="bad template"):
        run_guarded(_fails, timeout=10)


# The database briefly unavailable during a save --------------------------------------


def _as_participant(client, respondent):
    response = client.get(
        reverse("assessments:invitation", args=[respondent.raw_token])
    )
    assert response.status_code == 302
    return client


@contextmanager
def database_down(only=None):
    """Every query on this thread's connection fails as if the server were gone
    (or only the statements starting with one of `only`, e.g. the writes)."""

    def refuse(execute, sql, params, many, context):
        if only is None or sql.lstrip().upper().startswith(only):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def _step_questions(respondent, count=3):
    return list(
        Question.objects.filter(
            dimension__question_set=respondent.assessment.question_set
        ).order_by("dimension__position", "position")[:count]
    )


def _values(respondent):
    return dict(
        Answer.objects.filter(respondent=respondent).values_list("question", "value")
    )


@pytest.fixture
def client():
    # The outage may strike in a middleware (loading the session), where Django logs
    # the exception before the error handler answers: look at the answer, as a
    # browser would, rather than have the test client re-raise it.
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_an_autosave_while_the_database_is_down_says_retry_and_keeps_earlier_answers(
    client, respondent
):
    _as_participant(client, respondent)
    first, second, third = _step_questions(respondent)
    save = reverse("assessments:questionnaire-save")
    assert client.post(save, {f"q-{first.pk}": "2"}, headers=HTMX).status_code == 200

    with database_down():
        response = client.post(save, {f"q-{second.pk}": "3"}, headers=HTMX)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Probeer het over een paar seconden opnieuw" in response.content.decode()
    assert b"<html" not in response.content  # a fragment for the htmx status line

    assert _values(respondent) == {first.pk: 2}
    assert client.post(save, {f"q-{second.pk}": "3"}, headers=HTMX).status_code == 200
    assert _values(respondent) == {first.pk: 2, second.pk: 3}


@pytest.mark.django_db
def test_a_failed_write_saves_nothing_of_the_post_and_the_retry_saves_it_all(
    client, respondent
):
    _as_participant(client, respondent)
    questions = _step_questions(respondent)
    data = {f"q-{q.pk}": "4" for q in questions}
    step = reverse("assessments:questionnaire-step", args=[1])
    with database_down(only=("INSERT", "UPDATE")):
        response = client.post(step, {**data, "nav": "next"})
    # A plain form post gets a whole page that says what happened.
    assert response.status_code == 503
    body = response.content.decode()
    assert "<html" in body and "Tijdelijk niet beschikbaar" in body
    assert _values(respondent) == {}
    assert client.post(step, {**data, "nav": "next"}).status_code == 302
    assert _values(respondent) == {q.pk: 4 for q in questions}


@pytest.mark.django_db
def test_a_database_outage_outside_a_view_still_gets_the_friendly_503(client, owner):
    client.force_login(owner)
    with database_down():
        response = client.get(reverse("assessments:dashboard"))
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


@pytest.mark.slow
@pytest.mark.django_db
def test_a_report_over_its_render_budget_says_so_and_is_made_on_a_later_try(
    client, owner, assessment, settings
):
    """The worker stops a render over its budget (the real render guard), records
    why and tries again later; the consultant's page says so meanwhile."""
    from assessments.background.models import PreparedFile

    settings.PDF_RENDER_TIMEOUT = 0.001
    client.force_login(owner)
    url = reverse("assessments:assessment-report", args=[assessment.pk])
    assert client.get(url).status_code == 200
    run_tasks()
    row = PreparedFile.objects.get(assessment=assessment)
    assert row.status == PreparedFile.Status.WAITING
    assert row.error.startswith("budget: not done after")
    page = client.get(url).text
    assert "meer geheugen dan voor één bestand is toegestaan" in page
    assert "poging 2 van" in page

    settings.PDF_RENDER_TIMEOUT = 60
    PreparedFile.objects.update(due_at=timezone.now())
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_tasks()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# A server restart in the middle of a questionnaire -----------------------------------


class Participant:
    """A browser-like HTTP session of one participant against a live server."""

    def __init__(self, base, invitation):
        self.base = base
        self.http = requests.Session()
        response = self.http.get(base + invitation, timeout=30)
        assert response.status_code == 200, response.status_code
        self.questions = []
        for number in (1, 2):
            page = self.http.get(f"{base}/q/step/{number}/", timeout=30)
            assert page.status_code == 200
            self.questions += sorted(set(re.findall(r'name="q-(\d+)"', page.text)))

    def save(self, question, value):
        """True when the server acknowledged the answer (2xx)."""
        try:
            response = self.http.post(
                f"{self.base}/q/save/",
                {f"q-{question}": str(value)},
                headers={
                    "X-CSRFToken": self.http.cookies["csrftoken"],
                    "HX-Request": "true",
                },
                timeout=30,
            )
        except requests.RequestException:
            return False
        return 200 <= response.status_code < 300


def _get_when_up(http, url, attempts=10):
    """GET once the restarted server's workers accept connections."""
    for _ in range(attempts - 1):
        try:
            return http.get(url, timeout=30)
        except requests.ConnectionError:
            time.sleep(0.5)
    return http.get(url, timeout=30)


def _stored_answers(site, invitation):
    token = invitation.strip("/").split("/")[-1]
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    with closing(sqlite3.connect(site.env["SQLITE_PATH"])) as db:
        rows = db.execute(
            "SELECT a.question_id, a.value FROM assessments_answer a "
            "JOIN assessments_respondent r ON r.id = a.respondent_id "
            "WHERE r.token_hash = ?",
            [token_hash],
        ).fetchall()
    return {str(question): value for question, value in rows}


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL])
def test_a_server_restart_mid_questionnaire_loses_no_acknowledged_answer(
    tmp_path, stop_signal
):
    pytest.importorskip("gunicorn")
    site = Site(tmp_path)
    invitation = site.seed()[-1]
    server = Gunicorn(site, workers=2).start()
    try:
        participant = Participant(server.url, invitation)
        acknowledged = {}
        # Values sent after a question's last acknowledged save: a save can commit
        # and then lose its response to the kill, so the database may legitimately
        # hold one of these instead - but never anything older than the ack.
        in_flight = {}
        stop = threading.Event()

        def answer_continuously():
            for number, question in enumerate(participant.questions * 50):
                if stop.is_set():
                    return
                value = number % 5 + 1
                if participant.save(question, value):
                    acknowledged[question] = value
                    in_flight[question] = set()
                else:
                    in_flight.setdefault(question, set()).add(value)

        worker = threading.Thread(target=answer_continuously)
        worker.start()
        time.sleep(1.5)  # answers flowing
        server.stop(stop_signal)
        stop.set()
        worker.join(timeout=60)
        assert acknowledged, "no answer was acknowledged before the stop"
        # Everything acknowledged is on disk, with the last acknowledged value.
        stored = _stored_answers(site, invitation)
        for question, value in acknowledged.items():
            allowed = {value} | in_flight.get(question, set())
            assert stored.get(question) in allowed, (
                question,
                value,
                stored.get(question),
            )

        server.start()
        # Pooled keep-alive connections died with the old server (a browser drops
        # them too); the cookies, i.e. the session, are what must survive.
        for adapter in participant.http.adapters.values():
            adapter.close()
        # The same browser session goes on where it was.
        page = _get_when_up(participant.http, f"{server.url}/q/step/1/")
        assert page.status_code == 200
        assert "Deze link is niet geldig" not in page.text
        assert participant.save(participant.questions[0], 5)
        assert _stored_answers(site, invitation)[participant.questions[0]] == 5
    finally:
        server.stop(signal.SIGKILL)


@pytest.mark.django_db
def test_the_shared_cache_briefly_unreachable_gets_the_friendly_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: every cache call fails to connect.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Partnerscan is even niet beschikbaar" in response.content.decode()
