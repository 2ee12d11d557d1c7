"""Retention (issue 18, point 2): a closed scan's personal data is anonymised when
its period ends, the consultant warned a month before; on a frozen clock, through
the schedule the worker runs (`schedule_tick`)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from assessments.background.schedule import schedule_tick
from assessments.erasure import assessment_anonymise
from assessments.models import (
    Answer,
    Assessment,
    DimensionComment,
    OutgoingMail,
    add_months,
)
from assessments.questionnaire import answers_save
from assessments.results import build_results_context
from assessments.workspace import assessment_close

from .conftest import answer_all, make_assessment, make_respondent, run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    # The local-memory cache outlives each test: start without other tests' names.
    caches["default"].clear()


CLOSED = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)


def _at(day: date, hour: int = 9):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False
    )


@pytest.fixture
def closed_scan(partnership, question_set, owner):
    with time_machine.travel(CLOSED, tick=False):
        scan = make_assessment(partnership, question_set, retention_months=3)
        alfa, beta = partnership.organisations.order_by("position")
        people = [
            make_respondent(scan, alfa, label="Anna", email="anna@example.org"),
            make_respondent(scan, beta, label="Bram", email="bram@example.org"),
            make_respondent(scan, alfa, label="Carla", email="carla@example.org"),
        ]
        dimension = question_set.dimensions.first()
        for person in people:
            answer_all(person)
            answers_save(
                respondent=person,
                values={},
                comments={dimension.pk: f"Opmerking van {person.label}"},
            )
        assessment_close(assessment=scan)
    scan.refresh_from_db()
    scan.people = people
    return scan


def test_the_default_period_comes_from_the_setting(settings, partnership, question_set):
    settings.PARTNERSCAN_RETENTION_MONTHS = 6
    assert make_assessment(partnership, question_set).retention_months == 6


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 5, 1), 24, date(2028, 5, 1)),
    ],
)
def test_months_are_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_period_runs_from_closing(closed_scan):
    assert closed_scan.retention_ends_on == date(2026, 4, 30)


def test_the_consultant_is_warned_once_a_month_before(closed_scan, owner):
    with _at(date(2026, 3, 29)):
        assert schedule_tick()["retention_warnings"] == 0
    with _at(date(2026, 3, 30)):
        assert schedule_tick()["retention_warnings"] == 1
        assert schedule_tick()["retention_warnings"] == 0
        run_tasks()
    warnings = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.RETENTION_WARNING)
    assert warnings.get().status == OutgoingMail.Status.SENT
    message = mail.outbox[-1]
    assert message.to == [owner.email]
    assert "worden geanonimiseerd" in message.subject
    assert "30 april 2026" in message.body
    assert reverse("assessments:assessment-edit", args=[closed_scan.pk]) in message.body


def test_the_warning_is_in_english_where_the_site_is(settings, closed_scan):
    settings.LANGUAGE_CODE = "en"
    with _at(date(2026, 4, 1)):
        schedule_tick()
        run_tasks()
    assert mail.outbox[-1].subject.startswith("In a month: the personal data")
    assert "30 April 2026" in mail.outbox[-1].body


def test_a_changed_period_warns_again(client, owner, closed_scan):
    with _at(date(2026, 4, 1)):
        schedule_tick()
    closed_scan.refresh_from_db()
    assert closed_scan.retention_warned_at is not None
    client.force_login(owner)
    client.post(
        reverse("assessments:assessment-edit", args=[closed_scan.pk]),
        {
            "title": "",
            "privacy_minimum": "1",
            "closes_on": "",
            "retention_months": "12",
        },
    )
    closed_scan.refresh_from_db()
    assert closed_scan.retention_months == 12
    assert closed_scan.retention_warned_at is None
    assert closed_scan.retention_ends_on == date(2027, 1, 31)


def test_when_the_period_ends_names_addresses_and_comments_go(
    client, owner, closed_scan, django_capture_on_commit_callbacks
):
    token = closed_scan.people[0].raw_token
    answers = Answer.objects.filter(respondent__assessment=closed_scan).count()
    client.force_login(owner)
    results = reverse("assessments:assessment-results", args=[closed_scan.pk])
    assert "Opmerking van Anna" in client.get(results).text
    before = build_results_context(closed_scan)["index"]

    with _at(date(2026, 4, 29)):
        assert schedule_tick()["retention"] == 0
    with _at(date(2026, 4, 30)), django_capture_on_commit_callbacks(execute=True):
        assert schedule_tick()["retention"] == 1
        assert schedule_tick()["retention"] == 0  # once

    people = closed_scan.respondents.order_by("organisation__position", "label")
    assert [(p.label, p.email, p.token_hash) for p in people] == [
        ("Deelnemer 1 (Alfa)", "", None),
        ("Deelnemer 2 (Alfa)", "", None),
        ("Deelnemer 1 (Beta)", "", None),
    ]
    assert not DimensionComment.objects.filter(respondent__assessment=closed_scan)
    assert Answer.objects.filter(respondent__assessment=closed_scan).count() == answers
    # Nothing of the old names waits in the cache.
    cached = b"".join(caches["default"]._cache.values())
    assert b"Anna" not in cached and b"Opmerking" not in cached
    # The scores remain, the page and the report still show them.
    closed_scan.refresh_from_db()
    assert build_results_context(closed_scan)["index"] == before
    page = client.get(results).text
    assert "Anna" not in page
    detail = client.get(reverse("assessments:assessment-detail", args=[closed_scan.pk]))
    assert "Persoonsgegevens geanonimiseerd op 30 april 2026" in detail.text
    # The link shows the friendly "not valid" page.
    invalid = client.get(reverse("assessments:invitation", args=[token]))
    assert invalid.status_code == 404
    assert "Deze link is niet geldig" in invalid.text


def test_an_open_scan_is_never_anonymised(partnership, question_set):
    scan = make_assessment(partnership, question_set, retention_months=1)
    make_respondent(scan, label="Anna", email="anna@example.org")
    with _at(date(2040, 1, 1)):
        assert schedule_tick()["retention"] == 0
    assert scan.respondents.get().label == "Anna"


def test_anonymising_twice_is_harmless(closed_scan):
    assert assessment_anonymise(assessment=closed_scan) == 1
    assert assessment_anonymise(assessment=closed_scan) == 0
    assert Assessment.objects.get(pk=closed_scan.pk).anonymised_at is not None


def test_the_period_is_shown_to_consultant_and_participants(
    client, owner, partnership, question_set
):
    scan = make_assessment(partnership, question_set, retention_months=18)
    person = make_respondent(scan, label="Anna")
    client.force_login(owner)
    detail = client.get(reverse("assessments:assessment-detail", args=[scan.pk]))
    assert "18 maanden bewaard nadat de scan sluit" in detail.text
    participant = client.__class__()
    participant.get(reverse("assessments:invitation", args=[person.raw_token]))
    welcome = participant.get(reverse("assessments:questionnaire-welcome"))
    assert "18 maanden bewaard nadat de scan sluit" in welcome.text
