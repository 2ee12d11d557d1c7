"""Oversized bodies and too many fields get a friendly 413 or 400 and change
nothing (the refusal before reading: tests/test_request_limits.py)."""

import io

import pytest
from django.urls import reverse

from .helpers import _as_participant, _fingerprint, _login

pytestmark = pytest.mark.django_db


def _assert_friendly_400(response):
    assert response.status_code == 400
    body = response.content.decode()
    assert "Er was iets mis met het verzoek" in body
    assert "Bad Request (400)" not in body


def _assert_friendly_413(response):
    # Refused before the body is read (tests/test_request_limits.py).
    assert response.status_code == 413
    assert "Wat je verstuurde is te groot" in response.content.decode()


def test_an_oversized_autosave_gets_a_friendly_413_and_saves_nothing(client, world):
    _as_participant(client, world["respondent"])
    dimension = world["assessment"].question_set.dimensions.first()
    before = _fingerprint()
    response = client.post(
        reverse("assessments:questionnaire-save"),
        {f"c-{dimension.pk}": "x" * (3 * 1024 * 1024)},
    )
    _assert_friendly_413(response)
    assert _fingerprint() == before


def test_too_many_fields_get_a_friendly_400(client, world):
    _as_participant(client, world["respondent"])
    before = _fingerprint()
    fields = {f"q-{n}": "1" for n in range(1200)}
    response = client.post(reverse("assessments:questionnaire-step", args=[1]), fields)
    _assert_friendly_400(response)
    assert "te veel velden" in response.content.decode()
    assert _fingerprint() == before


def test_an_oversized_consultant_form_gets_a_friendly_413(client, world, owner):
    _login(client, owner)
    before = _fingerprint()
    response = client.post(
        reverse("assessments:partnership-create"),
        {"name": "Big", "description": "x" * (3 * 1024 * 1024)},
    )
    _assert_friendly_413(response)
    assert _fingerprint() == before


def test_an_oversized_upload_is_refused_with_a_message(client, world, owner):
    _login(client, owner)
    before = _fingerprint()
    upload = io.BytesIO(b"respondent,organisation,dimension,question,value\n" * 200_000)
    upload.name = "answers.csv"
    response = client.post(
        reverse("assessments:assessment-import", args=[world["assessment"].pk]),
        {"file": upload},
    )
    _assert_friendly_413(response)
    assert b"6 MB" in response.content
    assert _fingerprint() == before
