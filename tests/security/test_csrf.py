"""A missing CSRF token gets our own friendly 403 and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Question

from ..conftest import PASSWORD
from .helpers import _as_participant, _fingerprint, _login

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def _assert_friendly_csrf_page(response):
    assert response.status_code == 403
    body = response.content.decode()
    assert "Dit formulier is verlopen" in body  # Dutch by default, our own page
    assert "CSRF verification failed" not in body


def test_login_without_csrf_token_gets_the_friendly_403(strict_client, owner):
    response = strict_client.post(
        reverse("login"), {"username": "owner", "password": PASSWORD}
    )
    _assert_friendly_csrf_page(response)
    assert "_auth_user_id" not in strict_client.session


def test_an_autosave_without_csrf_token_is_refused_and_saves_nothing(
    strict_client, world
):
    _as_participant(strict_client, world["respondent"])
    before = _fingerprint()
    question = Question.objects.first()
    response = strict_client.post(
        reverse("assessments:questionnaire-save"), {f"q-{question.pk}": "1"}
    )
    _assert_friendly_csrf_page(response)
    assert _fingerprint() == before


def test_a_consultant_form_without_csrf_token_is_refused(strict_client, world, owner):
    _login(strict_client, owner)
    before = _fingerprint()
    response = strict_client.post(
        reverse("assessments:partnership-edit", args=[world["partnership"].pk]),
        {"name": "Renamed"},
    )
    _assert_friendly_csrf_page(response)
    assert _fingerprint() == before


def test_a_csrf_failure_under_htmx_answers_with_a_short_message(strict_client, world):
    _as_participant(strict_client, world["respondent"])
    response = strict_client.post(
        reverse("assessments:questionnaire-save"),
        {"q-1": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert b"<html" not in response.content
    assert b'role="alert"' in response.content
