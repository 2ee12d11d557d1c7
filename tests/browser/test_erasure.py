"""Personal data in Chromium: a participant agrees to the privacy notice before the
first step; a consultant answers "what do you have on me, and delete it" from the
respondent's page. Screenshots at 360 and 1280 px go to /tmp/erasure-*.png."""

import json

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.models import Assessment, Respondent
from tests.conftest import answer_all, make_respondent

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


# The shipped question set's statements (one answer each).
STATEMENTS = 85


def _shoot(page, name):
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        # Nothing wider than the window: no sideways scrolling on a phone.
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth + 1"
        ), f"{name} overflows at {width}px"
        page.screenshot(path=f"/tmp/erasure-{name}-{width}.png", full_page=True)


def test_the_participant_agrees_before_the_first_step(page, live_server, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(require_consent=True)
    anna = make_respondent(assessment, label="Anna")
    page.goto(live_server.url + anna.invitation_path())
    expect(page.locator("#privacy-heading")).to_have_text("Je privacy")
    _shoot(page, "welcome")
    assert serious_violations(page) == []
    page.click("#consent button[type=submit]")
    expect(page.locator("#agree-error")).to_contain_text("vink het vakje aan")
    page.check("#agree")
    page.click("#consent button[type=submit]")
    expect(page.locator("main")).to_contain_text("Stap 1 van 14")
    anna.refresh_from_db()
    assert anna.consented_at is not None


def test_the_consultant_downloads_and_erases_a_respondent(
    page, context, live_server, owner, assessment
):
    fatima = make_respondent(assessment, label="Fatima", email="f@example.org")
    answer_all(fatima)
    log_in(context, live_server, owner)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.click("a:has-text('Bewerken'):has-text('Fatima')")
    _shoot(page, "respondent")
    with page.expect_download() as download:
        page.click("text=Gegevens downloaden (JSON)")
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["identity"]["email"] == "f@example.org"
    assert len(data["answers"]) == STATEMENTS

    page.click("button:has-text('Fatima en de gegevens verwijderen')")
    expect(page.locator("h1")).to_have_text("Fatima verwijderen?")
    expect(page.locator(".confirm-items")).to_contain_text(f"{STATEMENTS} antwoorden")
    _shoot(page, "confirm")
    assert Respondent.objects.filter(pk=fatima.pk).exists()
    page.click("button:has-text('Fatima verwijderen')")
    expect(page.locator(".alert-success")).to_contain_text("Fatima verwijderd")
    assert not Respondent.objects.filter(pk=fatima.pk).exists()


def test_the_account_page_to_delete_an_account(
    page, context, live_server, owner, partnership
):
    log_in(context, live_server, owner)
    page.goto(f"{live_server.url}/account/")
    page.click("text=Je account verwijderen >> nth=-1")
    expect(page.locator("h1")).to_have_text("Je account verwijderen?")
    expect(page.locator("main")).to_contain_text("Draag over aan collaborator")
    _shoot(page, "account")
    assert serious_violations(page) == []
