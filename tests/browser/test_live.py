"""A whole live session in Chromium: a facilitator, a projector and four phones of
two organisations. Join by code, answer, readiness counts, reveal, second round,
agreement, end; before the reveal no answer appears in the projector's or
another phone's DOM, nor in any response they receive. A phone that closes its
tab mid-step comes back to its own answers. The projector fits 1920x1080 and
1280x720 without scrolling; the phones fit 360 px."""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.models import Answer, LiveAnswer, LiveSession

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}
# Set LIVE_SCREENSHOTS=/some/dir to keep the screenshots for a look.
SHOTS = os.environ.get("LIVE_SCREENSHOTS")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png")


class Recorder:
    """Every response body a page receives, to look for answers in them."""

    def __init__(self, page):
        self.bodies = []
        page.on("response", self._keep)

    def _keep(self, response):
        try:
            if "text/html" in response.headers.get("content-type", ""):
                self.bodies.append(response.text())
        except Exception:  # noqa: BLE001, S110 - a page that went away meanwhile
            pass


def fits_without_scrolling(page):
    return page.evaluate(
        """() => {
          const el = document.querySelector('.live-projector');
          const doc = document.documentElement;
          return doc.scrollHeight <= innerHeight + 1
            && doc.scrollWidth <= innerWidth + 1
            && el.scrollHeight <= el.clientHeight + 1;
        }"""
    )


def fits_360(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= 361")


def join(browser, live_server, code, organisation):
    context = browser.new_context(locale="nl-NL", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.recorder = Recorder(page)
    # What scanning the QR code opens: the code filled in.
    page.goto(f"{live_server.url}/live/?code={code}")
    expect(page.locator("input[name=code]")).to_have_value(code)
    page.get_by_role("button", name="Verder").click()
    page.get_by_label(organisation).check()
    page.get_by_role("button", name="Meedoen").click()
    expect(page.get_by_text("Wacht op de facilitator")).to_be_visible()
    return page


def answer_all(page, value):
    for fieldset in page.locator("fieldset.statement").all():
        fieldset.locator(f"label[for$='-{value}']").click()
    page.get_by_role("button", name="Inleveren").click()
    expect(page.get_by_text("Ingeleverd — wacht op de anderen")).to_be_visible()


def click(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def test_a_whole_live_session(browser, live_server, owner, assessment):
    # The facilitator sets up the session from the assessment page.
    desk = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(15_000)
    log_in(desk, live_server, owner)
    facilitator = desk.new_page()
    facilitator.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    facilitator.get_by_role("link", name="Live sessie starten").click()
    for code in [f"BV{i}" for i in range(2, 6)] + [f"RS{i}" for i in range(2, 10)]:
        facilitator.get_by_label(re.compile(f"^{code} ")).uncheck()
    click(facilitator, "Live sessie openen")
    code = facilitator.locator("[data-join-code]").first.get_attribute("data-join-code")
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    projector_url = facilitator.locator("#projector-link").input_value()
    shot(facilitator, "facilitator-lobby")

    # The room's screen, without a login.
    room = browser.new_context(locale="nl-NL", viewport={"width": 1920, "height": 1080})
    room.set_default_timeout(15_000)
    projector = room.new_page()
    projector.recorder = Recorder(projector)
    projector.goto(projector_url)
    expect(projector.locator(".live-code")).to_have_attribute("data-join-code", code)
    expect(projector.locator("svg.live-qr")).to_be_visible()
    assert fits_without_scrolling(projector)
    shot(projector, "projector-lobby-1920")
    projector.set_viewport_size({"width": 1280, "height": 720})
    assert fits_without_scrolling(projector)
    shot(projector, "projector-lobby-1280")

    phones = {
        "alfa1": join(browser, live_server, code, "Alfa"),
        "alfa2": join(browser, live_server, code, "Alfa"),
        "beta1": join(browser, live_server, code, "Beta"),
        "beta2": join(browser, live_server, code, "Beta"),
    }
    assert fits_360(phones["alfa1"])
    shot(phones["alfa1"], "phone-waiting")
    # The projector counts them, through its poll.
    expect(projector.locator(".live-readiness")).to_contain_text("2 aangemeld")

    click(facilitator, "Starten")
    for page in phones.values():
        expect(page.get_by_role("button", name="Inleveren")).to_be_visible()
    expect(projector.locator(".live-readiness")).to_contain_text("0 van 2 klaar")
    projector.set_viewport_size({"width": 1920, "height": 1080})
    shot(projector, "projector-answering-1920")
    shot(phones["alfa1"], "phone-answering")
    assert fits_360(phones["alfa1"])

    answer_all(phones["alfa1"], 5)
    answer_all(phones["alfa2"], 5)
    expect(projector.locator(".live-readiness")).to_contain_text("2 van 2 klaar")
    expect(projector.locator(".live-readiness")).to_contain_text("0 van 2 klaar")

    # Nothing of Alfa's answers anywhere but on Alfa's own phones.
    beta = phones["beta1"]
    assert beta.locator("input[type=radio]:checked").count() == 0
    for page in (projector, beta, facilitator):
        assert page.locator(".live-bar, .live-score").count() == 0
    for page in (projector, beta):
        for body in page.recorder.bodies:
            assert "live-bar" not in body and "live-score" not in body
            assert 'value="5" checked' not in body

    # A Beta phone closes its tab mid-step, and comes back.
    first = beta.locator("fieldset.statement").first
    first.locator("label[for$='-2']").click()
    expect(beta.locator("#live-save-status")).to_contain_text("Opgeslagen")
    beta.close()
    back = phones["beta1"].context.new_page()
    back.recorder = Recorder(back)
    back.goto(f"{live_server.url}/live/?code={code}")
    expect(back.get_by_role("button", name="Inleveren")).to_be_visible()
    assert (
        back.locator("fieldset.statement")
        .first.locator("input[value='2']")
        .is_checked()
    )
    phones["beta1"] = back
    answer_all(back, 2)
    answer_all(phones["beta2"], 2)
    expect(projector.locator(".live-readiness")).not_to_contain_text("0 van 2")

    click(facilitator, "Onthullen")
    expect(projector.locator(".live-bar").first).to_be_visible()
    expect(projector.locator(".live-gap")).to_contain_text("▲▲")
    for page in phones.values():
        expect(page.locator(".live-reveal")).to_be_visible()
    assert fits_without_scrolling(projector)
    shot(projector, "projector-reveal-1920")
    projector.set_viewport_size({"width": 1280, "height": 720})
    assert fits_without_scrolling(projector)
    shot(projector, "projector-reveal-1280")
    assert fits_360(phones["alfa1"])
    shot(phones["alfa1"], "phone-reveal")
    if SHOTS:
        phones["alfa1"].screenshot(path=f"{SHOTS}/phone-full.png", full_page=True)

    # Second round: the first answers are filled in; both rounds are kept.
    click(facilitator, "Tweede ronde")
    expect(phones["alfa1"].locator(".live-round-note")).to_be_visible()
    assert phones["alfa1"].locator("input[value='5']:checked").count() >= 5
    for name, value in (("alfa1", 4), ("alfa2", 4), ("beta1", 3), ("beta2", 3)):
        expect(phones[name].get_by_role("button", name="Inleveren")).to_be_visible()
        answer_all(phones[name], value)
    click(facilitator, "Onthullen")
    expect(projector.locator(".live-gap")).to_contain_text("→")
    shot(projector, "projector-second-round-1280")
    assert (
        LiveAnswer.objects.filter(round=2).count()
        == LiveAnswer.objects.filter(round=1).count()
    )

    # The agreement, noted during the reveal, reaches the room's screen.
    facilitator.get_by_label("Wat de partners hebben afgesproken").fill(
        "Samen een pilot kiezen"
    )
    click(facilitator, "Afspraak opslaan")
    expect(projector.locator(".live-agreement")).to_contain_text("Samen een pilot")
    shot(facilitator, "facilitator-reveal")

    # End: asked first; then the code and the projector link stop working.
    click(facilitator, "Sessie beëindigen")
    expect(facilitator.locator("h1")).to_contain_text("De live sessie beëindigen?")
    facilitator.locator(".confirm-action button[type=submit]").click()
    expect(projector.locator(".live-projector-ended")).to_be_visible()
    phones["alfa2"].reload()
    expect(phones["alfa2"].get_by_text("De sessie is afgelopen")).to_be_visible()
    assert LiveSession.objects.get().status == "ended"
    # Four respondents, every statement of the one dimension, the last round.
    assert set(Answer.objects.values_list("value", flat=True)) == {3, 4}

    for context in {p.context for p in phones.values()} | {room, desk}:
        context.close()


def test_the_live_pages_pass_axe_and_work_in_english(
    browser, live_server, owner, assessment
):
    from assessments.live import sessions

    from .conftest import serious_violations

    session = sessions.live_session_create(
        assessment=assessment,
        facilitator=owner,
        dimensions=[assessment.question_set.dimensions.get(code="RS4")],
    )
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/live/?code={session.join_code}")
    assert serious_violations(page) == []
    expect(page.get_by_role("heading")).to_contain_text("Join the live session")
    page.get_by_role("button", name="Continue").click()
    assert serious_violations(page) == []
    page.get_by_label("Beta").check()
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Waiting for the facilitator")).to_be_visible()
    sessions.live_session_control(session=session, action="start", position=0)
    expect(page.get_by_role("button", name="Hand in")).to_be_visible()
    assert serious_violations(page) == []
    # By keyboard: Tab to the first answer, choose it with the arrow keys.
    page.locator("fieldset.statement input").first.focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#live-save-status")).to_contain_text("Saved")
    session.refresh_from_db()
    sessions.live_session_control(session=session, action="reveal", position=0)
    expect(page.locator(".live-reveal")).to_be_visible()
    assert serious_violations(page) == []
    screen = context.new_page()
    session.refresh_from_db()
    screen.goto(f"{live_server.url}/live/screen/{session.projector_token}/")
    assert serious_violations(screen) == []
    context.close()


def test_the_reveal_of_four_organisations_fits_the_projector(
    browser, live_server, owner, question_set
):
    from assessments.live import participants, sessions
    from assessments.questionnaire import question_dimension_ids, questionnaire_steps

    from ..conftest import make_assessment, make_partnership

    partnership = make_partnership(
        owner,
        name="Vier partners",
        organisations=(
            "Gemeente Utrecht",
            "Woningcorporatie Mitros",
            "Zorggroep Noord-Oost Nederland",
            "Bouwbedrijf",
        ),
    )
    assessment = make_assessment(partnership, question_set)
    # Six statements, among them the longest.
    rs2 = question_set.dimensions.get(code="BV1")
    session = sessions.live_session_create(
        assessment=assessment, facilitator=owner, dimensions=[rs2]
    )
    joined = [
        participants.live_participant_join(session=session, organisation=org)
        for org in partnership.organisations.all()
        for _ in range(2)
    ]
    sessions.live_session_control(session=session, action="start", position=0)
    page = next(s for s in questionnaire_steps(question_set) if s.dimension == rs2)
    for index, participant in enumerate(joined):
        participant.session.refresh_from_db()
        participants.live_hand_in(
            participant=participant,
            values={q.pk: 1 + (index % 5) for q in page.questions},
            questions=question_dimension_ids(question_set),
        )
    session.refresh_from_db()
    sessions.live_session_control(session=session, action="reveal", position=0)
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 720}
    )
    screen = context.new_page()
    screen.goto(f"{live_server.url}/live/screen/{session.projector_token}/")
    expect(screen.locator(".live-bar").first).to_be_visible()
    assert fits_without_scrolling(screen)
    shot(screen, "projector-four-1280")
    screen.set_viewport_size({"width": 1920, "height": 1080})
    assert fits_without_scrolling(screen)
    shot(screen, "projector-four-1920")
    context.close()
