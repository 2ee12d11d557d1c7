"""Nothing irreversible on one click, in Chromium: the first click only asks."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Answer, Respondent
from assessments.questionnaire import questionnaire_steps
from tests.conftest import make_respondent

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def _link_works(respondent):
    response = Client().get(respondent.invitation_path())
    return response.status_code == 302


def test_revoking_a_link_asks_first_and_only_the_confirmation_revokes(
    page, context, live_server, owner, assessment
):
    fatima = make_respondent(
        assessment, label="Fatima", email="f@example.org", invited_at=timezone.now()
    )
    log_in(context, live_server, owner)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")

    page.click("button:has-text('Intrekken')")
    expect(page.locator("h1")).to_have_text("De link van Fatima intrekken?")
    expect(page.locator("main")).to_contain_text(
        "De link die Fatima per mail kreeg, werkt daarna niet meer."
    )
    assert _link_works(fatima)
    assert serious_violations(page) == []

    # The way back changes nothing either.
    page.click("text=Terug zonder iets te wijzigen")
    expect(page.locator("#respondents-heading")).to_be_visible()
    assert _link_works(fatima)

    page.click("button:has-text('Intrekken')")
    page.click("button:has-text('Link intrekken')")
    expect(page.locator(".messages")).to_contain_text("werkt niet meer")
    assert not _link_works(fatima)
    assert not Respondent.objects.by_token(fatima.raw_token).exists()


def test_sending_with_open_statements_asks_first(page, live_server, respondent):
    steps = questionnaire_steps(respondent.assessment.question_set)
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=4)
        for step in steps[:7]
        for q in step.questions
    )
    answered = sum(len(step.questions) for step in steps[:7])
    page.goto(live_server.url + respondent.invitation_path())
    page.goto(live_server.url + "/q/review/")

    page.click("text=Verstuur mijn antwoorden")
    expect(page.locator("h1")).to_have_text(
        f"Nog {85 - answered} van 85 stellingen open"
    )
    respondent.refresh_from_db()
    assert respondent.submitted_at is None
    assert serious_violations(page) == []

    # Offered first: the first open statement.
    page.click("a:has-text('Naar de eerste open stelling')")
    assert page.url.endswith(f"/q/step/8/#s-{steps[7].questions[0].pk}")

    page.goto(live_server.url + "/q/review/")
    page.click("text=Verstuur mijn antwoorden")
    page.click("button:has-text('Toch versturen')")
    expect(page.locator("h1")).to_have_text("Bedankt!")
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None
