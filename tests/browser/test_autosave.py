"""Autosave failures on a phone: shown where the person is, retried, never lost."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.models import Answer, DimensionComment
from assessments.questionnaire import questionnaire_steps

from .test_questionnaire import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="nl-NL", viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _open_step(page, live_server, respondent):
    page.goto(live_server.url + respondent.invitation_path())
    page.goto(live_server.url + "/q/step/1/")


def _in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 740


def _stored(respondent, question):
    return (
        Answer.objects.filter(respondent=respondent, question=question)
        .values_list("value", flat=True)
        .first()
    )


def test_an_offline_answer_is_marked_at_the_statement_and_saved_once_back_online(
    phone, live_server, respondent
):
    question = questionnaire_steps(respondent.assessment.question_set)[0].questions[0]
    page = phone.new_page()
    _open_step(page, live_server, respondent)
    statement = page.locator(f"#s-{question.pk}")

    phone.set_offline(True)
    page.click(f'label[for="q-{question.pk}-2"]')
    # At the statement itself, in words: not only a colour.
    expect(statement.locator(".unsaved-note")).to_contain_text("Nog niet opgeslagen")
    expect(statement).to_have_class("statement is-unsaved")
    expect(page.locator(f"#q-{question.pk}-2")).to_be_checked()
    # And in the status bar, which stays on screen (the page is far longer).
    status = page.locator("#save-status")
    expect(status).to_contain_text("geen verbinding")
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * 740
    assert _in_viewport(page, "[data-save-bar]")
    assert _stored(respondent, question) is None

    phone.set_offline(False)
    # Back online: saved without anyone clicking, and the marks are gone.
    expect(status).to_contain_text("Opgeslagen om")
    expect(statement.locator(".unsaved-note")).to_have_count(0)
    expect(statement).to_have_class("statement")
    wait_until(lambda: _stored(respondent, question) == 2)


def test_a_failed_save_is_retried_by_itself(phone, live_server, respondent):
    question = questionnaire_steps(respondent.assessment.question_set)[0].questions[3]
    page = phone.new_page()
    _open_step(page, live_server, respondent)
    page.route("**/q/save/", lambda route: route.fulfill(status=503, body="busy"))
    page.click(f'label[for="q-{question.pk}-5"]')
    note = page.locator(f"#s-{question.pk} .unsaved-note")
    expect(note).to_contain_text("Nog niet opgeslagen")
    expect(page.locator("#save-status")).to_contain_text("Niet opgeslagen")
    assert _in_viewport(page, "[data-save-bar]")
    # The server recovers; the next automatic attempt (a few seconds) saves it.
    page.unroute("**/q/save/")
    expect(page.locator("#save-status")).to_contain_text("Opgeslagen om")
    expect(note).to_have_count(0)
    wait_until(lambda: _stored(respondent, question) == 5)


def test_a_revoked_link_is_said_at_once_and_not_retried(phone, live_server, respondent):
    question = questionnaire_steps(respondent.assessment.question_set)[0].questions[0]
    page = phone.new_page()
    _open_step(page, live_server, respondent)
    respondent.revoke_token()
    respondent.save()
    requests = []
    page.on("request", lambda r: r.url.endswith("/q/save/") and requests.append(r))
    page.click(f'label[for="q-{question.pk}-3"]')
    revoked = "Deze link is ingetrokken. Vraag je adviseur om een nieuwe link."
    expect(page.locator("#save-status")).to_contain_text(revoked)
    expect(page.locator(f"#s-{question.pk} .unsaved-note")).to_contain_text(revoked)
    expect(page.locator("[data-retry]")).to_be_hidden()
    assert "probeer" not in page.locator("#save-status").inner_text()
    page.wait_for_timeout(2500)  # past the first automatic retry's pause
    assert len(requests) == 1
    # Navigating says the same.
    page.click("button[value=next]")
    expect(page.locator("h1")).to_have_text("Deze link is ingetrokken")


@pytest.mark.parametrize("leave", ["navigate", "close"])
def test_a_comment_typed_just_before_leaving_is_saved(
    phone, live_server, respondent, leave
):
    page = phone.new_page()
    _open_step(page, live_server, respondent)
    dialogs = []

    def confirm_leaving(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", confirm_leaving)
    page.fill("textarea", "Op het laatste moment")
    # Well within the one-second pause after which the comment would be saved.
    if leave == "navigate":
        page.goto(live_server.url + "/")
    else:
        # Playwright answers the "leave this page?" question only while it waits.
        with page.expect_event("close"):
            page.close(run_before_unload=True)
    wait_until(
        lambda: DimensionComment.objects.filter(
            respondent=respondent, text="Op het laatste moment"
        ).exists()
    )
    # The person was warned that something was not saved yet.
    assert dialogs == ["beforeunload"]
