"""Revoked, expired and random invitation tokens all get the same 404; a revoked
link ends a session that is already open."""

import re
import secrets
from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessments.models import Answer, Question

from ..conftest import make_assessment, make_respondent
from .helpers import _as_participant

pytestmark = pytest.mark.django_db


def _without_csrf(content):
    """The page minus what differs per request (CSRF token, the language switch's
    return address)."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'name="next" type="hidden" value="[^"]*"', b"", content)


def test_revoked_expired_and_random_tokens_get_the_same_404_page(
    client, world, question_set
):
    assessment = world["assessment"]
    revoked = make_respondent(assessment, label="Revoked")
    revoked.revoke_token()
    revoked.save()
    closed = make_assessment(world["partnership"], question_set, status="closed")
    closed_respondent = make_respondent(closed, label="Closed")
    past = make_assessment(
        world["partnership"], question_set, closes_on=date.today() - timedelta(days=2)
    )
    past_respondent = make_respondent(past, label="Past")
    tokens = {
        "revoked": revoked.raw_token,
        "closed": closed_respondent.raw_token,
        "past closing date": past_respondent.raw_token,
        "random": secrets.token_hex(32),
        "garbage": "%27%20OR%201=1--" + "x" * 300,
    }
    pages = {}
    for kind, token in tokens.items():
        response = client.get(f"/i/{token}/")
        assert response.status_code == 404, kind
        assert SESSION_KEYS.isdisjoint(client.session.keys()), kind
        pages[kind] = _without_csrf(response.content)
    assert len(set(pages.values())) == 1, "the pages differ: they give a hint"


SESSION_KEYS = {"questionnaire_respondent", "questionnaire_token_hash"}


def test_a_revoked_link_ends_a_session_already_open(client, world):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    assert client.get(reverse("assessments:questionnaire-review")).status_code == 200
    respondent.revoke_token()
    respondent.save()
    # Told so (410, "Deze link is ingetrokken"), and nothing is shown or saved.
    response = client.get(reverse("assessments:questionnaire-review"))
    assert response.status_code == 410
    assert "ingetrokken" in response.text
    response = client.post(
        reverse("assessments:questionnaire-save"),
        {f"q-{Question.objects.first().pk}": "1"},
    )
    assert response.status_code == 410
    assert not Answer.objects.filter(respondent=respondent, value=1).exists()
