"""The results page in a real browser: it loads clean under the CSP, reads on a phone
and passes an accessibility check."""

import os

import pytest
from playwright.sync_api import expect

from tests.conftest import make_assessment, make_partnership
from tests.test_results import _people

from .conftest import log_in, serious_violations

# Set RESULTS_SCREENSHOTS=/some/dir to keep the screenshots for a look.
SHOTS = os.environ.get("RESULTS_SCREENSHOTS")


def _look(target, name, full_page=True):
    if SHOTS:
        options = {"full_page": True} if full_page else {}
        target.screenshot(path=f"{SHOTS}/{name}.png", **options)


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
        # The charts scale to the column: nothing to scroll, nothing cut off.
        for box in page.locator(".results-chart").all():
            assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
            svg = box.locator("svg").bounding_box()
            assert svg["x"] >= 0 and svg["x"] + svg["width"] <= 360
        _look(page, "results-2-360")
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_six_partners_on_a_phone_and_a_laptop(
    browser, live_server, owner, question_set, width
):
    names = ("Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Stichting Zeta Zorg")
    partnership = make_partnership(owner, "Zes partners", names)
    assessment = make_assessment(partnership, question_set)
    for i, name in enumerate(names):
        _people(assessment, name, [1 + (i % 5), 2 + (i % 4)])
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl")
    try:
        log_in(context, live_server, owner)
        page = context.new_page()
        page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
        expect(page.locator("svg[role=img]")).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Every column of the scores table is there: scroll to the last by keyboard.
        table = page.locator("#scores-table")
        expect(table.locator("thead th")).to_have_count(len(names) + 3)
        region = page.locator("[role=region]:has(#scores-table)")
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("aria-labelledby")
        if width == 360:
            region.focus()
            before = region.evaluate("el => el.scrollLeft")
            page.keyboard.press("End")
            for _ in range(20):
                page.keyboard.press("ArrowRight")
            assert region.evaluate("el => el.scrollLeft") > before
        _look(page, f"results-6-{width}")
        for n, chart in enumerate(page.locator(".results-chart svg").all()):
            _look(chart, f"chart-6-{width}-{n}", full_page=False)
    finally:
        context.close()


def test_the_results_page_has_no_serious_accessibility_violations(
    page, context, live_server, owner, results_url
):
    log_in(context, live_server, owner)
    page.goto(results_url)
    assert serious_violations(page) == []


def test_the_consultants_pages_fit_a_phone_and_scroll_by_keyboard(
    browser, live_server, owner, question_set
):
    names = ("Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Stichting Zeta Zorg")
    partnership = make_partnership(owner, "Zes partners", names)
    assessment = make_assessment(partnership, question_set)
    for name in names:
        _people(assessment, name, [3])
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl")
    try:
        log_in(context, live_server, owner)
        page = context.new_page()
        for path, shot in (
            (f"/assessments/{assessment.pk}/", "assessment-360"),
            (f"/partnerships/{partnership.pk}/", "partnership-360"),
            (f"/assessments/{assessment.pk}/results/", "results-360"),
        ):
            assert page.goto(live_server.url + path).status == 200
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            # Every box that scrolls sideways can be reached and named.
            for box in page.locator(".table-responsive").all():
                assert box.get_attribute("tabindex") == "0"
                assert box.get_attribute("role") == "region"
                assert box.get_attribute("aria-labelledby") or box.get_attribute(
                    "aria-label"
                )
            _look(page, shot)
    finally:
        context.close()
