"""An admin compares a draft with the published version, publishes it, and a
follow-up's trend says the method changed: at phone and desktop width."""

import pytest
from django.contrib.auth.models import Permission

from assessments.models import QuestionSet
from assessments.questionsets import questionset_clone
from assessments.workspace import assessment_follow_up

from ..conftest import answer_all, make_respondent, make_user
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/qs"
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def set_admin(db):
    user = make_user("beheerder", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_questionset"))
    return user


@pytest.fixture
def draft(question_set):
    draft = questionset_clone(question_set=question_set)
    rs4 = draft.dimensions.get(code="RS4")
    statement = rs4.questions.order_by("position")[0]
    statement.text_nl = "We leggen afspraken over taken en geld samen vast."
    statement.weight += 1
    statement.save()
    rs4.advice_red_nl = "Begin met één heldere afspraak en leg die vast."
    rs4.save()
    return draft


@pytest.mark.parametrize("width", [360, 1280])
def test_compare_and_publish(browser, live_server, set_admin, draft, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl")
    context.set_default_timeout(15_000)
    log_in(context, live_server, set_admin)
    page = context.new_page()
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Vragensets").first.click()
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=f"{SHOTS}/list-{width}.png", full_page=True)
    page.get_by_role("link", name="Versie 3").click()
    page.get_by_text("Wat is er veranderd van versie 2 naar versie 3").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=f"{SHOTS}/detail-{width}.png", full_page=True)
    page.get_by_role("button", name="Publiceren…").click()
    page.get_by_text("Versie 2 wordt uitgefaseerd voor nieuwe scans").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=f"{SHOTS}/publish-{width}.png", full_page=True)
    page.get_by_role("button", name="Publiceren", exact=True).click()
    page.get_by_text("Partnerscan versie 3 is gepubliceerd").wait_for()
    page.screenshot(path=f"{SHOTS}/published-{width}.png", full_page=True)
    assert QuestionSet.objects.published().get().version == 3
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_trend_says_the_method_changed(
    browser, live_server, owner, assessment, draft, width
):
    from assessments.questionsets import questionset_publish

    questionset_publish(question_set=draft)
    for org in assessment.partnership.organisations.all():
        for value in (3, 4):
            answer_all(make_respondent(assessment, org), value)
    follow_up = assessment_follow_up(
        assessment=assessment, question_set=draft, title="Na een jaar"
    )
    for respondent in follow_up.respondents.all():
        answer_all(respondent, 4)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl")
    context.set_default_timeout(15_000)
    log_in(context, live_server, owner)
    page = context.new_page()
    page.goto(f"{live_server.url}/assessments/{follow_up.pk}/results/")
    notice = page.locator(".trend-method-change")
    notice.wait_for()
    assert "gewijzigd voor RS4" in notice.inner_text()
    notice.scroll_into_view_if_needed()
    assert page.evaluate(OVERFLOW) <= 0
    page.locator("section[aria-labelledby=trend-heading]").screenshot(
        path=f"{SHOTS}/trend-{width}.png"
    )
    context.close()
