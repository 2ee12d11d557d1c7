"""The participant's and the workshop's journeys in a real browser (system Chromium)."""

import time

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.models import Answer, Respondent
from assessments.questionnaire import questionnaire_steps
from tests.conftest import make_respondent

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def wait_until(condition, timeout=10.0):
    """Poll the database until the browser's saves have landed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def saved_count(respondent):
    return Answer.objects.filter(respondent=respondent).count()


def answer_step(page, step, value="4"):
    for question in step.questions:
        page.click(f'label[for="q-{question.pk}-{value}"]')
    expect(page.locator("#save-status")).to_contain_text(
        ("Opgeslagen", "Saved at")[page.locator("html").get_attribute("lang") == "en"]
    )


def test_a_participant_answers_stops_resumes_and_submits(
    page, context, live_server, respondent
):
    steps = questionnaire_steps(respondent.assessment.question_set)
    link = live_server.url + respondent.invitation_path()
    # Console errors include Content-Security-Policy violations and failed loads.
    problems = []
    context.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    page.goto(link)
    assert page.url == live_server.url + "/q/"  # the token left the address bar
    expect(page.locator("h1")).to_contain_text("Welkom")
    page.click("text=Begin met de scan")

    for step in steps[:7]:
        expect(page.locator(".step-progress-text")).to_contain_text(
            f"Stap {step.number} van 14"
        )
        answer_step(page, step, value=str(1 + step.number % 5))
        page.click("button[value=next]")

    # Halfway through step 8 the participant simply closes the tab.
    half = steps[7].questions[:2]
    for question in half:
        page.click(f'label[for="q-{question.pk}-2"]')
    done = sum(len(s.questions) for s in steps[:7]) + len(half)
    wait_until(lambda: saved_count(respondent) == done)
    # The progress line followed each save without a page load.
    total = sum(len(s.questions) for s in steps)
    expect(page.locator("#answered-count")).to_have_text(
        f"{done} van {total} stellingen beantwoord"
    )
    page.close()

    page = context.new_page()
    page.goto(link)
    assert page.url == live_server.url + "/q/step/8/"
    for question in half:
        expect(page.locator(f"#q-{question.pk}-2")).to_be_checked()
    page.click("button[value=back]")
    for question in steps[6].questions:
        expect(page.locator(f"#q-{question.pk}-{1 + 7 % 5}")).to_be_checked()
    page.click("button[value=next]")

    for step in steps[7:]:
        answer_step(page, step, value="na" if step.number == 9 else "5")
        page.click("button[value=next]")
    assert page.url == live_server.url + "/q/review/"
    expect(page.locator("body")).to_contain_text("Je hebt elke stelling beantwoord")
    page.click("text=Verstuur mijn antwoorden")
    expect(page.locator("h1")).to_have_text("Bedankt!")
    # Sending ended the session: the answers come along as a file, not as a page.
    with page.expect_download() as download:
        page.click("text=Je antwoorden downloaden (CSV)")
    assert download.value.suggested_filename == "partnerscan-mijn-antwoorden.csv"
    # The overview is gone: going back to it leads to the thank-you page.
    page.goto(live_server.url + "/q/review/")
    expect(page.locator("h1")).to_have_text("Bedankt!")
    expect(page.locator("body")).not_to_contain_text("Je hebt elke stelling beantwoord")

    respondent.refresh_from_db()
    assert respondent.submitted_at is not None
    assert saved_count(respondent) == 85
    assert problems == []
    assert Answer.objects.filter(respondent=respondent, value=None).count() == len(
        steps[8].questions
    )


def test_an_english_participant_on_a_phone_completes_the_scan(
    browser, live_server, assessment
):
    respondent = make_respondent(assessment, label="Emma", language="en")
    steps = questionnaire_steps(assessment.question_set)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(live_server.url + respondent.invitation_path())
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("h1")).to_contain_text("Welcome")
        page.click("text=Start the scan")
        for step in steps:
            expect(page.locator(".step-progress-text")).to_contain_text(
                f"Step {step.number} of 14"
            )
            # Nothing sticks out sideways on a 360 px screen.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, (step.number, width)
            answer_step(page, step, value="3")
            page.click("button[value=next]")
        expect(page.locator("h1")).to_have_text("Overview of your answers")
        page.click("text=Send my answers")
        expect(page.locator("h1")).to_have_text("Thank you!")
    finally:
        context.close()
    assert saved_count(respondent) == 85


def test_a_statement_can_be_answered_with_the_keyboard_alone(
    page, live_server, respondent
):
    question = questionnaire_steps(respondent.assessment.question_set)[0].questions[0]
    page.goto(live_server.url + respondent.invitation_path())
    page.goto(live_server.url + "/q/step/1/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == f"q-{question.pk}":
            break
    else:
        raise AssertionError("the first statement is not reachable with Tab")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#q-{question.pk}-4")).to_be_checked()
    # The focused choice is visibly outlined.
    outline = page.eval_on_selector(
        f'label[for="q-{question.pk}-4"]', "e => getComputedStyle(e).outlineStyle"
    )
    assert outline == "solid"
    wait_until(
        lambda: Answer.objects.filter(respondent=respondent, value=4).count() == 1
    )


def test_a_failed_save_says_so_and_offers_a_retry(page, live_server, respondent):
    question = questionnaire_steps(respondent.assessment.question_set)[0].questions[0]
    page.goto(live_server.url + respondent.invitation_path())
    page.goto(live_server.url + "/q/step/1/")
    page.route("**/q/save/", lambda route: route.abort())
    page.click(f'label[for="q-{question.pk}-2"]')
    expect(page.locator("#save-status")).to_contain_text("Niet opgeslagen")
    retry = page.locator("[data-retry]")
    expect(retry).to_be_visible()
    page.unroute("**/q/save/")
    retry.click()
    expect(page.locator("#save-status")).to_contain_text("Opgeslagen om")
    expect(retry).to_be_hidden()
    wait_until(lambda: saved_count(respondent) == 1)


def test_two_organisations_fill_in_together_and_see_differences(
    page, context, live_server, owner, assessment
):
    log_in(context, live_server, owner)
    steps = questionnaire_steps(assessment.question_set)
    base = f"{live_server.url}/assessments/{assessment.pk}/workshop"
    page.goto(f"{base}/step/1/")
    page.click("text=Begin met samen invullen")
    assert page.url == f"{base}/step/1/"
    alfa, beta = Respondent.objects.filter(is_group=True).order_by(
        "organisation__position"
    )
    first, *others = steps[0].questions
    expect(page.locator("legend.org-name").first).to_have_text("Alfa")

    page.click(f'label[for="r{alfa.pk}-q-{first.pk}-2"]')
    page.click(f'label[for="r{beta.pk}-q-{first.pk}-5"]')
    expect(page.locator(f"#diff-{first.pk}")).to_contain_text(
        "Verschil: 3 punten uit elkaar"
    )
    for question in others:
        page.click(f'label[for="r{alfa.pk}-q-{question.pk}-4"]')
        page.click(f'label[for="r{beta.pk}-q-{question.pk}-4"]')
    expect(page.locator(".difference-mark")).to_have_count(1)
    wait_until(lambda: saved_count(beta) == len(steps[0].questions))

    # Beta changes its mind: the difference disappears as it is entered.
    page.click(f'label[for="r{beta.pk}-q-{first.pk}-3"]')
    expect(page.locator(f"#diff-{first.pk}")).not_to_contain_text("Verschil")

    wait_until(lambda: saved_count(beta) == len(steps[0].questions))
    page.click("button[value=pause]")
    assert page.url == f"{live_server.url}/assessments/{assessment.pk}/"
    # Resuming from the assessment page continues at the first incomplete step.
    page.locator('form[action$="/workshop/start/"] button').click()
    assert page.url == f"{base}/step/2/"

    page.goto(f"{base}/review/")
    expect(page.locator("tbody").first).to_contain_text("Oneens")
    page.click("text=Workshop afronden")
    # It asks first, naming what is still open; only then it locks.
    expect(page.locator("h1")).to_have_text("Workshop afronden?")
    assert not any(g.submitted_at for g in Respondent.objects.filter(is_group=True))
    page.click("button:has-text('Workshop afronden')")
    expect(page.locator(".messages")).to_contain_text("afgerond")
    assert all(g.submitted_at for g in Respondent.objects.filter(is_group=True))


@pytest.mark.parametrize(
    "where", ["welcome", "step", "review", "workshop", "workshop_review"]
)
def test_pages_have_no_serious_accessibility_violations(
    page, context, live_server, owner, respondent, where
):
    page.goto(live_server.url + respondent.invitation_path())
    if where == "step":
        page.goto(live_server.url + "/q/step/2/")
    elif where == "review":
        page.goto(live_server.url + "/q/review/")
    elif where.startswith("workshop"):
        log_in(context, live_server, owner)
        page.goto(
            f"{live_server.url}/assessments/{respondent.assessment_id}/workshop/step/1/"
        )
        page.click("text=Begin met samen invullen")
    assert serious_violations(page) == []
