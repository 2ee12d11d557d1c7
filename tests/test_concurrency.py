"""Saving at the same moment loses nothing and never hits "database is locked".

Real threads with their own database connections, on a real database file (SQLite
in WAL mode with BEGIN IMMEDIATE) or on PostgreSQL when DATABASE_URL is set.
"""

import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import Answer
from assessments.questionnaire import questionnaire_steps
from tests.conftest import make_respondent

# Threads racing on a transactional database: about a second or more each.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SAVE = reverse("assessments:questionnaire-save")
SUBMIT = reverse("assessments:questionnaire-submit")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def participant(respondent):
    client = Client()
    assert client.get(respondent.invitation_path()).status_code == 302
    return client


def all_questions(respondent):
    steps = questionnaire_steps(respondent.assessment.question_set)
    return [q for step in steps for q in step.questions]


def run_together(*jobs):
    """Run each job in its own thread, started at the same moment; re-raise errors."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def worker(job):
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def saver(client, items, log):
    """Save (question, value) pairs one request at a time, logging the statuses."""

    def job():
        for question, value in items:
            response = client.post(SAVE, {f"q-{question.pk}": str(value)})
            log.append((question.pk, value, response.status_code))

    return job


def stored(respondent):
    return dict(
        Answer.objects.filter(respondent=respondent).values_list("question_id", "value")
    )


def test_two_tabs_of_one_respondent_lose_nothing(respondent):
    questions = all_questions(respondent)
    tab_a, tab_b = participant(respondent), participant(respondent)
    half = len(questions) // 2
    log = []
    run_together(
        saver(tab_a, [(q, 2) for q in questions[:half]], log),
        saver(tab_b, [(q, 4) for q in questions[half:]], log),
    )
    assert {status for _q, _v, status in log} == {200}
    expected = {q.pk: 2 for q in questions[:half]} | {q.pk: 4 for q in questions[half:]}
    assert stored(respondent) == expected


def test_two_tabs_answering_the_same_statements_leave_one_answer_each(respondent):
    questions = all_questions(respondent)[:20]
    tab_a, tab_b = participant(respondent), participant(respondent)
    log = []
    run_together(
        saver(tab_a, [(q, 1) for q in questions], log),
        saver(tab_b, [(q, 5) for q in questions], log),
    )
    assert {status for _q, _v, status in log} == {200}
    answers = stored(respondent)
    assert set(answers) == {q.pk for q in questions}
    assert set(answers.values()) <= {1, 5}
    assert Answer.objects.filter(respondent=respondent).count() == len(questions)


def test_two_respondents_saving_at_once_lose_nothing(respondent, assessment):
    colleague = make_respondent(assessment, label="Bert")
    questions = all_questions(respondent)
    log_a, log_b = [], []
    run_together(
        saver(participant(respondent), [(q, 3) for q in questions], log_a),
        saver(participant(colleague), [(q, 5) for q in questions], log_b),
    )
    assert {status for *_x, status in log_a + log_b} == {200}
    assert stored(respondent) == {q.pk: 3 for q in questions}
    assert stored(colleague) == {q.pk: 5 for q in questions}


def test_a_save_racing_a_submit_is_either_kept_or_refused(respondent):
    questions = all_questions(respondent)
    tab_a, tab_b = participant(respondent), participant(respondent)
    log, submitted = [], []

    def submit():
        for _ in range(3):
            submitted.append(tab_b.post(SUBMIT, {"confirmed": "yes"}).status_code)

    run_together(saver(tab_a, [(q, 4) for q in questions], log), submit)
    assert set(submitted) == {302}
    answers = stored(respondent)
    for question_id, value, status in log:
        assert status in (200, 409)
        if status == 200:
            assert answers[question_id] == value  # acknowledged means kept
        else:
            assert question_id not in answers  # refused means not written
