"""The consultant's click on the report when none is current: the page says it is
being made and turns into the download once the worker has made it, with
JavaScript (htmx polling) and without (the page refreshes itself)."""

import pytest

from ..conftest import run_tasks
from ..test_report import fill
from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scan(assessment):
    fill(assessment)
    return assessment


def test_the_being_prepared_page_turns_into_the_download(
    page, context, live_server, owner, scan
):
    log_in(context, live_server, owner)
    page.goto(f"{live_server.url}/assessments/{scan.pk}/")
    page.get_by_role("link", name="Rapport (PDF, Nederlands)").click()

    page.wait_for_url("**/report/?lang=nl")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Het rapport wordt gemaakt…"
    assert "Wacht op zijn beurt" in page.locator("#prepared-status").inner_text()
    assert serious_violations(page) == []

    with page.expect_download(timeout=60_000) as download:
        run_tasks()  # the worker renders it (real WeasyPrint)
    assert download.value.suggested_filename.startswith("partnerscan-alfa-beta-")
    assert download.value.suggested_filename.endswith("-nl.pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    # Once: the asking ended with the download.
    more = []
    page.on("download", lambda download: more.append(download))
    page.wait_for_timeout(5_000)
    assert more == []


def test_without_javascript_the_page_refreshes_into_the_download(
    browser, live_server, owner, scan
):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    try:
        log_in(context, live_server, owner)
        page = context.new_page()
        page.goto(f"{live_server.url}/assessments/{scan.pk}/report/?lang=en")
        assert page.get_by_role("link", name="Vernieuwen").is_visible()
        with page.expect_download(timeout=60_000) as download:
            run_tasks()
        assert download.value.suggested_filename.endswith("-en.pdf")
    finally:
        context.close()
