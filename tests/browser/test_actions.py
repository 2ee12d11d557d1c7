"""Agreed actions in a real browser (issue 15): a consultant adds an action from a
discussion point, changes its status, starts a follow-up that carries it, closes it
there and reads in the follow-up's trend what was done. The pages fit a phone and a
laptop, and pass axe."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from assessments.live.sessions import live_session_control, live_session_create
from assessments.models import Action, Assessment
from tests.conftest import answer_all, make_action, make_respondent

from .conftest import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = None  # a folder path, to look at the pages while working on them


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _answered(assessment, alfa_value, beta_value):
    alfa, beta = assessment.partnership.organisations.order_by("position")
    people = {r.label: r for r in assessment.respondents.all()}
    for label, organisation, value in (
        ("Anna", alfa, alfa_value),
        ("Bert", beta, beta_value),
    ):
        person = people.get(label) or make_respondent(assessment, organisation, label)
        answer_all(person, value)
        person.submitted_at = timezone.now()
        person.save()


def _fits(page, width):
    return page.evaluate("document.documentElement.scrollWidth") <= width


def _look(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_an_action_from_the_agenda_is_carried_into_the_follow_up_and_its_trend(
    page, context, live_server, owner, assessment
):
    problems = []
    context.on(
        "console",
        lambda message: message.type == "error" and problems.append(message.text),
    )
    assessment.title = "Nulmeting"
    assessment.save()
    _answered(assessment, 2, 5)
    log_in(context, live_server, owner)
    page.set_viewport_size({"width": 1280, "height": 900})

    # From the first discussion point on the results page.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/results/")
    first = page.locator(".results-agenda > li").first
    code = first.locator("h3").inner_text().split()[1]
    first.get_by_role("link", name="Actie toevoegen").click()
    expect(page.locator("h1")).to_have_text("Actie toevoegen")
    expect(page.locator("#id_dimension")).to_have_value(code)
    page.fill("#id_title", "Gezamenlijk contractmodel")
    page.get_by_label("Alfa").check()
    page.fill("#id_person", "Jan de Vries")
    due = timezone.localdate() + timezone.timedelta(days=21)
    page.fill("#id_due_on", due.isoformat())
    _look(page, "add-1280")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Actie toevoegen").click()
    expect(page.locator(".alert-success")).to_contain_text("Gezamenlijk contractmodel")
    actions = page.locator("#actions")
    expect(actions).to_contain_text(f"{code}")
    expect(actions).to_contain_text("Alfa · Jan de Vries")
    expect(page.locator(".results-agenda > li").first).to_contain_text(
        "1 actie afgesproken"
    )
    _look(page, "results-1280")

    # Its status, with a note for the history.
    actions.get_by_role("link", name="Gezamenlijk contractmodel").click()
    page.get_by_label("onderweg").check()
    page.fill("#id_note", "Eerste versie besproken")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.locator(".action-status").first).to_have_text("onderweg")
    expect(page.locator(".action-history")).to_contain_text("Eerste versie besproken")
    assert serious_violations(page) == []
    _look(page, "action-1280")

    # The follow-up shows the open action, ticked, and carries it.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Vervolgscan starten").click()
    expect(page.locator("main")).to_contain_text("1 open actie")
    carried = page.get_by_label("Gezamenlijk contractmodel", exact=False)
    expect(carried).to_be_checked()
    page.fill("#id_title", "Na een jaar")
    page.get_by_role("button", name="Vervolgscan starten").click()
    follow_up = Assessment.objects.get(title="Na een jaar")
    expect(page.locator("#actions")).to_contain_text("Gezamenlijk contractmodel")
    expect(page.locator("#actions")).to_contain_text("uit de vorige scan")

    # Done, in the follow-up: done in the first scan too.
    listed = page.locator("#actions")
    listed.get_by_role("link", name="Gezamenlijk contractmodel").click()
    page.get_by_label("afgerond").check()
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.locator(".action-status").first).to_have_text("afgerond")
    assert Action.objects.listed_under(assessment).get().status == "done"

    # The follow-up's answers are in: its trend says what was done and changed.
    _answered(follow_up, 4, 5)
    page.goto(f"{live_server.url}/assessments/{follow_up.pk}/results/")
    trend = page.locator(".trend-actions")
    expect(trend).to_contain_text(f"{code}")
    expect(trend).to_contain_text("1 actie afgerond · score")
    expect(trend).to_contain_text("verschil")
    assert serious_violations(page) == []
    _look(page, "follow-up-results-1280")
    assert problems == []


def test_the_action_pages_fit_a_phone(browser, live_server, owner, assessment):
    _answered(assessment, 2, 5)
    action = make_action(
        assessment,
        title="Een actie met een lange titel die op een telefoon moet passen",
        description="Uitleg " * 40,
        dimension="RS4",
        person="Jan de Vries van der Bergen",
    )
    session = live_session_create(
        assessment=assessment,
        facilitator=owner,
        dimensions=list(assessment.question_set.dimensions.filter(code="RS4")),
    )
    for step in ("start", "reveal"):
        session.refresh_from_db()
        live_session_control(session=session, action=step, position=session.position)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="nl-NL"
    )
    try:
        log_in(context, live_server, owner)
        page = context.new_page()
        for name, path in (
            ("results", f"/assessments/{assessment.pk}/results/#actions"),
            ("action", f"/assessments/{assessment.pk}/actions/{action.pk}/"),
            ("add", f"/assessments/{assessment.pk}/actions/new/?dimension=RS4"),
            ("edit", f"/assessments/{assessment.pk}/actions/{action.pk}/edit/"),
            ("scan", f"/assessments/{assessment.pk}/"),
            ("follow-up", f"/assessments/{assessment.pk}/follow-up/"),
            ("dashboard", "/dashboard/"),
            ("live", f"/assessments/{assessment.pk}/live/{session.pk}/"),
        ):
            page.goto(live_server.url + path)
            _look(page, f"{name}-360")
            assert _fits(page, 360), name
            assert serious_violations(page) == [], name
    finally:
        context.close()
