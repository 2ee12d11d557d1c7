"""Results shared with the partners in a real browser (issue 16.7): the consultant
makes a link on the scan's page, a partner opens it without an account and reads
the results (no names), on a phone and a laptop; revoked or expired, the link is
the page that does not exist."""

import os
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from assessments.branding import branding_save, consultant_word_save
from assessments.models import SharedLink
from assessments.sharing import shared_link_create
from tests.conftest import png_logo
from tests.test_results import _people

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set SHARED_SCREENSHOTS=/some/dir to keep the screenshots for a look.
SHOTS = os.environ.get("SHARED_SCREENSHOTS")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def answered(assessment):
    _people(assessment, "Alfa", [4, 5, 3], prefix="Annemarie Geheimnaam")
    _people(assessment, "Beta", [2, 3], prefix="Bertus Geheimnaam")
    return assessment


def _share(page, live_server, assessment, organisation="Alle partners"):
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.click("text=Resultaten delen")
    page.select_option("select[name=organisation]", label=organisation)
    page.click("button:has-text('Link maken')")
    expect(page.locator(".alert-success")).to_contain_text("De link is klaar")
    return page.locator("#shared input[readonly]").first.input_value()


def _partner(browser, width=1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="nl-NL"
    )
    context.set_default_timeout(15_000)
    return context


def _look(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_partner_reads_the_shared_results_until_the_link_is_revoked(
    browser, page, context, live_server, owner, answered
):
    log_in(context, live_server, owner)
    url = _share(page, live_server, answered, organisation="Beta")
    partner = _partner(browser)
    try:
        problems = []
        partner.on(
            "console",
            lambda message: message.type == "error" and problems.append(message.text),
        )
        shared = partner.new_page()
        response = shared.goto(url)
        assert response.status == 200
        expect(shared.locator(".shared-greeting")).to_have_text("Voor Beta")
        expect(shared.locator("#verdict-heading")).to_have_text("Oordeel")
        expect(shared.locator("svg[role=img]")).to_have_count(2)
        assert "Geheimnaam" not in shared.content()
        assert "Uw partnerschappen" not in shared.content()
        assert serious_violations(shared) == []
        _look(shared, "shared-1280")
        assert problems == []

        # The consultant sees the opening, then revokes (asked first).
        page.reload()
        expect(page.locator("#shared tbody tr").first).to_contain_text("één keer")
        page.click("#shared button:has-text('Intrekken')")
        expect(page.locator("h1")).to_contain_text("intrekken")
        page.click("button:has-text('Intrekken')")
        expect(page.locator("#shared tbody tr").first).to_contain_text("ingetrokken")

        assert shared.goto(url).status == 404
    finally:
        partner.close()


def test_an_expired_link_is_404(browser, page, context, live_server, owner, answered):
    log_in(context, live_server, owner)
    url = _share(page, live_server, answered)
    partner = _partner(browser)
    try:
        shared = partner.new_page()
        assert shared.goto(url).status == 200
        # Made days ago, and its last day has passed.
        now = timezone.now()
        SharedLink.objects.update(
            created_at=now - timedelta(days=3),
            expires_at=now - timedelta(seconds=1),
        )
        assert shared.goto(url).status == 404
        page.reload()
        expect(page.locator("#shared tbody tr").first).to_contain_text("verlopen")
    finally:
        partner.close()


def test_the_shared_page_fits_a_phone(
    browser, page, context, live_server, owner, answered
):
    log_in(context, live_server, owner)
    url = _share(page, live_server, answered)
    partner = _partner(browser, width=360)
    try:
        shared = partner.new_page()
        shared.goto(url)
        expect(shared.locator("h1")).to_contain_text("Resultaten")
        assert shared.evaluate("document.documentElement.scrollWidth") <= 360
        _look(shared, "shared-360")
    finally:
        partner.close()


def test_the_shared_page_shows_the_branding_and_the_consultants_word(
    browser, live_server, owner, answered
):
    branding_save(
        consultant=owner,
        fields={
            "firm_name": "Rits & Partners Advies",
            "accent_colour": "#1f4e79",
            "contact_name": "Carla Consultant",
        },
        logo=png_logo(),
    )
    consultant_word_save(
        assessment=answered,
        foreword="Samen <strong>verder</strong>, in kleine stappen.",
        recommendations=["Eerst de businesscase", "Dan de cultuur", "Dan de techniek"],
        commentary={},
    )
    link = shared_link_create(
        assessment=answered,
        organisation=None,
        last_day=timezone.localdate() + timedelta(days=7),
        created_by=owner,
    )
    for width in (360, 1280):
        partner = _partner(browser, width=width)
        try:
            problems = []
            partner.on(
                "console",
                lambda m, seen=problems: m.type == "error" and seen.append(m.text),
            )
            shared = partner.new_page()
            assert shared.goto(live_server.url + link.url).status == 200
            expect(shared.locator(".results-branding")).to_contain_text(
                "Rits & Partners Advies"
            )
            logo = shared.locator(".branding-logo")
            expect(logo).to_be_visible()
            assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
            word = shared.locator(".consultant-word")
            expect(word).to_contain_text("Het woord van de adviseur")
            expect(word.locator("strong")).to_have_text("verder")
            expect(word.locator("ol li")).to_have_count(3)
            expect(shared.locator("#statements-heading")).to_be_visible()
            border = shared.locator(".results-branding").evaluate(
                "el => getComputedStyle(el).borderBottomColor"
            )
            assert border == "rgb(31, 78, 121)"  # the accent, from the token route
            assert shared.evaluate("document.documentElement.scrollWidth") <= width
            assert "Geheimnaam" not in shared.content()
            assert problems == []
            _look(shared, f"shared-branded-{width}")
        finally:
            partner.close()
