"""The owner reads who looked at the results, in a real browser."""

import pytest
from playwright.sync_api import expect

from assessments.audit import Event, audit_event
from tests.conftest import PASSWORD, make_respondent

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("width", [360, 1280])
def test_the_owner_sees_who_opened_the_results(
    browser, live_server, owner, collaborator, assessment, width
):
    collaborator.first_name, collaborator.last_name = "Anna", "Jansen"
    collaborator.save()
    assessment.title = "Scan 2026"
    assessment.save()
    respondent = make_respondent(assessment, label="Piet de Vries")
    for _ in range(5):
        audit_event(owner, Event.LINK_REISSUED, respondent)

    # Anna, a read-only colleague, opens the results in her own browser.
    anna = browser.new_context(locale="nl-NL")
    log_in(anna, live_server, collaborator)
    anna_page = anna.new_page()
    anna_page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    partnership_url = f"{live_server.url}/partnerships/{assessment.partnership_id}/"
    anna_page.goto(partnership_url)
    expect(anna_page.locator("#activity-heading")).to_have_count(0)
    anna.close()

    context = browser.new_context(
        locale="nl-NL", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    page.goto(partnership_url)
    section = page.locator("section[aria-labelledby=activity-heading]")
    expect(section.locator("h2")).to_have_text("Activiteit")
    expect(section.locator("li").first).to_contain_text(
        "Anna Jansen opende de resultaten van Scan 2026."
    )
    section.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/audit-partnership-{width}.png", full_page=True)
    _no_sideways_scroll(page)

    page.click("text=Alle activiteit")
    expect(page.locator("h1")).to_have_text("Activiteit")
    lines = page.locator(".activity-trail li")
    expect(lines).to_have_count(6)  # Anna's look, then five new links
    expect(lines.nth(1)).to_contain_text(
        "owner maakte een nieuwe link voor Piet de Vries in Scan 2026."
    )
    page.screenshot(path=f"/tmp/audit-activity-{width}.png", full_page=True)
    _no_sideways_scroll(page)
    assert serious_violations(page) == []
    context.close()
