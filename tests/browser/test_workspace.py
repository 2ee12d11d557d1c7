"""The consultant's journey in a real browser: from logging in to the PDF report."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.models import Assessment, Respondent
from assessments.questionnaire import questionnaire_steps
from tests.conftest import PASSWORD, make_respondent, run_tasks

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def _watch_console(context):
    """Console errors include Content-Security-Policy violations and failed loads."""
    problems = []
    context.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    return problems


def _fill_in_the_scan(browser, live_server, link, question_set):
    """A participant, in a browser of their own, answers every statement."""
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(link)
        page.click("text=Begin met de scan")
        for step in questionnaire_steps(question_set):
            for question in step.questions:
                page.click(f'label[for="q-{question.pk}-4"]')
            page.click("button[value=next]")
        page.click("text=Verstuur mijn antwoorden")
        expect(page.locator("h1")).to_have_text("Bedankt!")
    finally:
        context.close()


def test_a_consultant_runs_a_scan_from_login_to_report(
    browser, page, context, live_server, owner, question_set, settings
):
    settings.SITE_URL = live_server.url  # the links the consultant copies
    problems = _watch_console(context)
    context.grant_permissions(["clipboard-read", "clipboard-write"])

    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Inloggen')")
    expect(page.locator("h1")).to_have_text("Je samenwerkingen")
    expect(page.locator("main")).to_contain_text("Zo begin je")

    page.click("text=Maak je eerste samenwerking aan")
    page.fill("#id_name", "Haven & Stad")
    page.fill("#id_organisations-0-name", "Havenbedrijf")
    page.fill("#id_organisations-1-name", "Gemeente")
    page.click("text=Samenwerking aanmaken")
    expect(page.locator("h1")).to_contain_text("Haven & Stad")

    page.click("text=Nieuwe scan")
    page.fill("#id_title", "Nulmeting")
    page.click("text=Scan aanmaken")
    expect(page.locator("h1")).to_contain_text("Nulmeting")
    assessment = Assessment.objects.get()
    assert assessment.question_set == question_set

    # One respondent through the form, one pasted as a list.
    page.fill("#id_label", "Hanna Haven")
    page.fill("#id_email", "hanna@example.org")
    page.select_option("#id_organisation", label="Havenbedrijf")
    page.click("form[action$='/respondents/add/'] button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Hanna Haven toegevoegd")
    page.fill("#id_rows", "Gert Gemeente; gert@example.org; Gemeente; en")
    page.click("text=Alles toevoegen")
    expect(page.locator(".alert-success")).to_contain_text("1 deelnemer toegevoegd")

    hanna = Respondent.objects.get(label="Hanna Haven")
    link_field = page.locator(f"#link-{hanna.pk}")
    link = link_field.input_value()
    assert link.endswith(hanna.invitation_path())
    copy = page.locator(f"button[data-copy-target='link-{hanna.pk}']")
    copy.click()  # visible because JavaScript runs; it copies the same link
    expect(copy).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == link

    _fill_in_the_scan(browser, live_server, link, question_set)

    page.reload()
    progress = page.locator("section[aria-labelledby=progress-heading] tbody tr")
    expect(progress.nth(0)).to_contain_text("Havenbedrijf")
    expect(progress.nth(0).locator("td").nth(1)).to_have_text("1")  # submitted
    expect(page.locator("table.respondents").first).to_contain_text("ingeleverd")

    page.click("text=Bekijk de resultaten")
    expect(page.locator("h1")).to_contain_text("Resultaten")

    # Meanwhile the worker made the report the submission asked for: the click
    # downloads it at once.
    run_tasks()
    page.go_back()
    with page.expect_download() as download:
        page.click("text=Rapport (PDF, Nederlands)")
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.goto(live_server.url + "/dashboard/")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Haven & Stad")
    expect(row).to_contain_text("1 van 2 ingeleverd")
    assert problems == []


def test_the_workspace_pages_have_no_serious_accessibility_violations(
    page, context, live_server, owner, assessment
):
    make_respondent(assessment, label="Anna", email="anna@example.org")
    log_in(context, live_server, owner)
    pages = [
        "/dashboard/",
        "/partnerships/new/",
        f"/partnerships/{assessment.partnership.pk}/",
        f"/assessments/{assessment.pk}/",
    ]
    for path in pages:
        page.goto(live_server.url + path)
        assert serious_violations(page) == [], path


def test_the_workspace_fits_a_phone(browser, live_server, owner, assessment):
    make_respondent(assessment, label="Anna", email="anna@example.org")
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        log_in(context, live_server, owner)
        page = context.new_page()
        for path in (
            "/dashboard/",
            f"/partnerships/{assessment.partnership.pk}/",
            f"/assessments/{assessment.pk}/",
        ):
            page.goto(live_server.url + path)
            # Wide tables scroll inside their own box instead.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (path, width)
    finally:
        context.close()
