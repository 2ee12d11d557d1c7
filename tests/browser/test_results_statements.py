"""Statement by statement on the results page, in a real browser: from the list of
the statements the partners differ on most to the statement in its dimension, by
mouse and keyboard, on a phone, and without serious accessibility findings."""

import pytest
from playwright.sync_api import expect

from tests.conftest import make_assessment, make_partnership
from tests.test_report import fill

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ("Gemeente Noord-Oost", "Zorggroep Rivierenland", "Woonstichting Zuid")


@pytest.fixture
def results_url(live_server, owner, question_set):
    partnership = make_partnership(owner, name="Samen", organisations=NAMES)
    assessment = make_assessment(partnership, question_set)
    fill(assessment, per_organisation=2)
    return f"{live_server.url}/assessments/{assessment.pk}/results/"


def _top(page):
    return page.locator(".results-top-statements > li")


def test_a_listed_statement_leads_to_its_place_in_the_dimension(
    page, context, live_server, owner, results_url
):
    problems = []
    context.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    log_in(context, live_server, owner)
    page.goto(results_url)
    expect(page.locator("#most-disagreed-heading")).to_have_text(
        "De stellingen waarover de partners het meest verschillen"
    )
    expect(_top(page)).to_have_count(10)
    first = _top(page).first
    code = first.locator(".fw-semibold").first.inner_text()
    link = first.get_by_role("link")
    target = link.get_attribute("href")
    link.click()
    statement = page.locator(target)
    # Its dimension opens and the statement comes into view.
    expect(statement).to_be_visible()
    expect(statement).to_contain_text(code)
    expect(page.locator("details.results-statements[open]")).to_have_count(1)
    expect(statement).to_be_in_viewport()
    assert problems == []


def test_a_dimension_opens_and_closes_by_keyboard(
    page, context, live_server, owner, results_url
):
    log_in(context, live_server, owner)
    page.goto(results_url)
    summary = page.locator("details.results-statements summary").first
    summary.focus()
    page.keyboard.press("Enter")
    details = page.locator("details.results-statements").first
    expect(details).to_have_attribute("open", "")
    expect(details.locator("tbody")).to_have_count(
        7
    )  # BV1's seven statements (question set v2)
    expect(details.locator("thead")).to_contain_text("weet niet")
    page.keyboard.press("Enter")
    expect(details).not_to_have_attribute("open", "")


def test_on_a_phone_every_statement_table_fits(
    browser, live_server, owner, results_url
):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl")
    try:
        log_in(context, live_server, owner)
        page = context.new_page()
        page.goto(results_url)
        page.evaluate(
            "document.querySelectorAll('details.results-statements')"
            ".forEach(d => d.open = true)"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        overflowing = page.evaluate(
            "[...document.querySelectorAll('.results-statements .table-responsive')]"
            ".filter(e => e.scrollWidth > e.clientWidth).length"
        )
        assert overflowing == 0
    finally:
        context.close()


def test_opened_statements_have_no_serious_accessibility_violations(
    page, context, live_server, owner, results_url
):
    log_in(context, live_server, owner)
    page.goto(results_url)
    page.evaluate(
        "document.querySelectorAll('details.results-statements')"
        ".forEach(d => d.open = true)"
    )
    assert serious_violations(page) == []
