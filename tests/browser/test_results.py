"""The results page in a real browser: it loads clean under the CSP, reads on a phone
and passes an accessibility check."""

import pytest
from playwright.sync_api import expect

from tests.test_results import _people

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def results_url(live_server, assessment):
    _people(assessment, "Alfa", [4, 5, 3])
    _people(assessment, "Beta", [2, 3])
    return f"{live_server.url}/assessments/{assessment.pk}/results/"


def test_the_consultant_reads_verdict_charts_and_agenda(
    page, context, live_server, owner, results_url
):
    problems = []
    # Console errors include Content-Security-Policy violations and failed loads.
    context.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    log_in(context, live_server, owner)
    page.goto(results_url)
    expect(page.locator("h1")).to_contain_text("Resultaten")
    expect(page.locator("#verdict-heading")).to_have_text("Oordeel")
    expect(page.locator("svg[role=img]")).to_have_count(2)
    expect(page.locator(".results-agenda li").first).to_contain_text("BV1")
    expect(page.locator("#scores-table tbody tr")).to_have_count(16)  # 14 + 2 blocks
    page.click("text=Waarom dit geen gewoon gemiddelde is")
    expect(page.locator("details[open]")).to_contain_text("rits")
    assert problems == []


def test_on_a_phone_the_page_does_not_overflow_sideways(
    browser, live_server, owner, results_url
):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en")
    try:
        log_in(context, live_server, owner)
        page = context.new_page()
        page.goto(results_url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        # The charts scroll inside their own box instead.
        box = page.locator(".results-chart").first
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    finally:
        context.close()


def test_the_results_page_has_no_serious_accessibility_violations(
    page, context, live_server, owner, results_url
):
    log_in(context, live_server, owner)
    page.goto(results_url)
    assert serious_violations(page) == []
