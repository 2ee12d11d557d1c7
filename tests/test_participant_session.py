"""A participant's session does not outlive the scan (issue 11, section 6).

It ends a few hours after the last request, and at once on submitting: the browser
then keeps only a receipt that shows the thank-you page and downloads the
participant's own answers for a short while. Consultants' sessions are untouched.
"""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import DimensionComment
from assessments.views.participant_session import SESSION_RECEIPT

from .conftest import PASSWORD, answer_all

pytestmark = pytest.mark.django_db

SUBMIT = reverse("assessments:questionnaire-submit")
THANKS = reverse("assessments:questionnaire-thanks")
REVIEW = reverse("assessments:questionnaire-review")
SAVE = reverse("assessments:questionnaire-save")
DOWNLOAD = reverse("assessments:questionnaire-own-answers")
PARTICIPANT_PAGES = [
    reverse("assessments:questionnaire-welcome"),
    reverse("assessments:questionnaire-step", args=[1]),
    REVIEW,
]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def _open(client, respondent):
    return client.get(reverse("assessments:invitation", args=[respondent.raw_token]))


def _stored_expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.fixture
def answered(respondent):
    answer_all(respondent, value=4)
    dimension = respondent.assessment.question_set.dimensions.first()
    DimensionComment.objects.create(
        respondent=respondent, dimension=dimension, text="=HYPERLINK(1) we agree"
    )
    return respondent


def test_a_participants_session_ends_hours_after_the_last_request(client, respondent):
    _open(client, respondent)
    hours = settings.PARTICIPANT_SESSION_SECONDS
    assert hours <= 8 * 3600
    expiry = _stored_expiry(client)
    assert abs((expiry - timezone.now()) - timedelta(seconds=hours)) < timedelta(
        minutes=1
    )
    assert client.get(PARTICIPANT_PAGES[0]).status_code == 200


def test_submitting_ends_the_session(client, answered):
    _open(client, answered)
    old_key = client.session.session_key
    response = client.post(SUBMIT)
    assert response.url == THANKS
    assert not Session.objects.filter(session_key=old_key).exists()
    # Every participant page now leads to the thank-you page (a second click on
    # "send", the back button), never to the answers; an autosave finds nothing.
    for url in PARTICIPANT_PAGES:
        assert client.get(url).url == THANKS, url
    assert client.post(SAVE, {"q-1": "3"}, HTTP_HX_REQUEST="true").status_code == 404
    # What is left lasts minutes, not weeks.
    left = _stored_expiry(client) - timezone.now()
    assert left <= timedelta(seconds=settings.PARTICIPANT_RECEIPT_SECONDS)


def test_the_thank_you_page_offers_the_participants_own_answers(client, answered):
    _open(client, answered)
    client.post(SUBMIT)
    page = client.get(THANKS)
    assert page.status_code == 200
    assert "Bedankt" in page.text
    assert DOWNLOAD in page.text
    assert REVIEW not in page.text
    download = client.get(DOWNLOAD)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    question_count = sum(
        d.questions.count() for d in answered.assessment.question_set.dimensions.all()
    )
    assert rows[0] == ["Onderwerp", "Stelling", "Jouw antwoord"]
    answers = [row for row in rows[1:] if row[1] != "Jouw opmerking"]
    assert len(answers) == question_count
    assert {row[2] for row in answers} == {"Eens"}
    (comment,) = [row for row in rows if row[1] == "Jouw opmerking"]
    assert comment[2] == "'=HYPERLINK(1) we agree"


def test_the_receipt_expires(client, answered):
    _open(client, answered)
    client.post(SUBMIT)
    session = client.session
    receipt = session[SESSION_RECEIPT]
    receipt["until"] = int(time.time()) - 1
    session[SESSION_RECEIPT] = receipt
    session.save()
    assert client.get(THANKS).status_code == 404
    assert client.get(DOWNLOAD).status_code == 404


def test_without_a_receipt_there_is_nothing_to_download(client, respondent):
    assert client.get(DOWNLOAD).status_code == 404
    _open(client, respondent)  # a running questionnaire is no receipt
    assert client.get(DOWNLOAD).status_code == 404


def test_reopening_the_link_after_submitting_gives_only_the_receipt(client, answered):
    _open(client, answered)
    client.post(SUBMIT)
    again = Client()
    assert _open(again, answered).url == THANKS
    assert again.get(THANKS).status_code == 200
    assert again.get(DOWNLOAD).status_code == 200
    for url in PARTICIPANT_PAGES:
        assert again.get(url).url == THANKS, url


def test_another_browser_still_meets_the_lock(client, answered):
    other = Client()
    _open(other, answered)
    _open(client, answered)
    client.post(SUBMIT)
    question = answered.assessment.question_set.dimensions.first().questions.first()
    refused = other.post(SAVE, {f"q-{question.pk}": "1"})
    assert refused.status_code == 409


def test_a_consultant_trying_a_link_keeps_their_own_session(client, owner, answered):
    assert client.login(username=owner.username, password=PASSWORD)
    default_expiry = _stored_expiry(client)
    _open(client, answered)
    assert client.post(SUBMIT).url == THANKS
    assert client.get(THANKS).status_code == 200
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    assert client.get(REVIEW).url == THANKS
    # Still Django's two weeks, not the participant's hours.
    assert _stored_expiry(client) >= default_expiry - timedelta(minutes=1)


def test_a_consultants_session_keeps_djangos_lifetime(client, owner, assessment):
    assert client.login(username=owner.username, password=PASSWORD)
    client.post(reverse("assessments:workshop-start", args=[assessment.pk]))
    left = _stored_expiry(client) - timezone.now()
    assert left > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
