"""The live session's views: the facilitator (edit rights), the projector (its
link is the key) and the phones (the join code is the key), each with the usual
ladder, and the rules: nothing before the reveal, the privacy minimum, the
second round, ending, re-joining."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments import scoring
from assessments.live import sessions
from assessments.live.models import JOIN_CODE_ALPHABET
from assessments.models import (
    AgreementNote,
    Answer,
    LiveAnswer,
    LiveParticipant,
    LiveSession,
    Respondent,
)
from assessments.questionnaire import questionnaire_steps
from assessments.scoring import item_score
from assessments.tokens import token_hash
from tests.conftest import CONFIRMED, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def facilitator_url(name, session, *args):
    return reverse(
        f"assessments:live-{name}", args=[session.assessment_id, session.pk, *args]
    )


@pytest.fixture
def consultant(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def session(consultant, assessment):
    response = consultant.post(
        reverse("assessments:live-start", args=[assessment.pk]),
        {"dimensions": [d.pk for d in assessment.question_set.dimensions.all()]},
    )
    assert response.status_code == 302
    return LiveSession.objects.get(assessment=assessment)


def control(client, session, action):
    session.refresh_from_db()
    return client.post(
        facilitator_url("control", session),
        {"action": action, "position": session.position},
    )


def join(session, organisation="Alfa", label=""):
    """A phone joins: its own browser (client)."""
    phone = Client()
    response = phone.post(reverse("assessments:live-join"), {"code": session.join_code})
    assert response.status_code == 302, response.content
    org = session.assessment.partnership.organisations.get(name=organisation)
    data = {"organisation": org.pk}
    if label:
        data["label"] = label
    response = phone.post(reverse("assessments:live-organisation"), data)
    assert response.status_code == 302, response.content
    participant = LiveParticipant.objects.get(pk=phone.session["live_participant"])
    phone.respondent = participant.respondent
    return phone


def current_questions(session):
    session.refresh_from_db()
    step = session.steps.get(position=session.position)
    page = next(
        s
        for s in questionnaire_steps(session.assessment.question_set)
        if s.dimension.pk == step.dimension_id
    )
    return page.questions


def hand_in(phone, session, value):
    data = {f"q-{q.pk}": str(value) for q in current_questions(session)}
    return phone.post(reverse("assessments:live-phone-hand-in"), data)


def expected_gap(session, alfa, beta):
    """The gap when everyone of Alfa answers `alfa` and Beta `beta` to every
    statement of the current step (reverse-scored statements count the other way)."""
    questions = current_questions(session)

    def score(value):
        items = [item_score(value, q.reverse) for q in questions]
        return sum(items) / len(items)

    return scoring.display(abs(score(alfa) - score(beta)))


def projector(session):
    return reverse("assessments:live-projector", args=[session.projector_token])


# --- the ladder: facilitator ------------------------------------------------------


def test_the_assessment_page_offers_a_live_session(consultant, assessment):
    page = consultant.get(
        reverse("assessments:assessment-detail", args=[assessment.pk])
    )
    assert reverse("assessments:live-start", args=[assessment.pk]) in page.text
    assert "Live" in page.text


def test_setting_up_offers_every_dimension_checked(consultant, assessment):
    page = consultant.get(reverse("assessments:live-start", args=[assessment.pk]))
    assert page.status_code == 200
    assert page.text.count('name="dimensions"') == 14
    assert page.text.count("checked") >= 14


def test_a_session_gets_a_join_code_without_look_alikes_and_a_projector_link(
    session,
):
    assert len(session.join_code) == 6
    assert set(session.join_code) <= set(JOIN_CODE_ALPHABET)
    assert not set("01OILSZ5B8G6") & set(JOIN_CODE_ALPHABET)
    assert session.projector_token and len(session.projector_token) >= 32
    assert session.steps.count() == 14


def test_without_a_dimension_nothing_starts(consultant, assessment):
    response = consultant.post(reverse("assessments:live-start", args=[assessment.pk]))
    assert response.status_code == 400
    assert "Kies ten minste één dimensie" in response.text
    assert not LiveSession.objects.exists()


def test_a_second_start_goes_to_the_running_session(consultant, session):
    response = consultant.get(
        reverse("assessments:live-start", args=[session.assessment_id])
    )
    assert response.url == facilitator_url("facilitator", session)


def test_a_closed_scan_cannot_host_a_live_session(consultant, assessment):
    assessment.status = "closed"
    assessment.save()
    response = consultant.post(
        reverse("assessments:live-start", args=[assessment.pk]),
        {"dimensions": [assessment.question_set.dimensions.first().pk]},
    )
    assert response.status_code == 400
    assert not LiveSession.objects.exists()


def test_the_facilitator_pages_need_a_login(session):
    client = Client()
    for url in (
        reverse("assessments:live-start", args=[session.assessment_id]),
        facilitator_url("facilitator", session),
        facilitator_url("facilitator-poll", session),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_an_outsider_finds_no_session(client, outsider, session):
    client.force_login(outsider)
    assert client.get(facilitator_url("facilitator", session)).status_code == 404
    assert client.get(facilitator_url("facilitator-poll", session)).status_code == 404
    response = client.post(
        facilitator_url("control", session), {"action": "start", "position": 0}
    )
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == "lobby"


def test_a_read_only_collaborator_may_not_facilitate(client, collaborator, session):
    client.force_login(collaborator)
    assert (
        client.get(reverse("assessments:live-start", args=[session.assessment_id]))
    ).status_code == 403
    assert client.get(facilitator_url("facilitator", session)).status_code == 403
    for name in ("control", "end", "projector-revoke", "agreement"):
        assert client.post(facilitator_url(name, session), CONFIRMED).status_code == 403
    session.refresh_from_db()
    assert session.status == "lobby" and session.projector_token


def test_another_scans_session_is_404_under_this_scan(consultant, session, owner):
    other = make_assessment(
        session.assessment.partnership, session.assessment.question_set
    )
    url = reverse("assessments:live-facilitator", args=[other.pk, session.pk])
    assert consultant.get(url).status_code == 404


def test_control_and_agreement_only_accept_post(consultant, session):
    assert consultant.get(facilitator_url("control", session)).status_code == 405
    assert consultant.get(facilitator_url("agreement", session)).status_code == 405
    assert consultant.get(facilitator_url("projector-new", session)).status_code == 405


def test_an_unknown_action_changes_nothing(consultant, session):
    response = consultant.post(
        facilitator_url("control", session), {"action": "explode", "position": "x"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "lobby" and session.state_version == 1


def test_a_stale_screen_does_not_move_the_session_twice(consultant, session):
    control(consultant, session, "start")
    consultant.post(
        facilitator_url("control", session), {"action": "next", "position": 0}
    )
    response = consultant.post(
        facilitator_url("control", session),
        {"action": "next", "position": 0},
        follow=True,
    )
    session.refresh_from_db()
    assert session.position == 1
    assert "De sessie is intussen verder gegaan" in response.text


# --- the ladder: projector ------------------------------------------------------------


def test_the_projector_opens_without_login_and_shows_the_code_and_a_qr_code(
    client, session
):
    page = client.get(projector(session))
    assert page.status_code == 200
    assert f'data-join-code="{session.join_code}"' in page.text
    assert "<svg" in page.text and 'class="live-qr"' in page.text
    assert "/live/" in page.text
    assert page["Referrer-Policy"] == "no-referrer"


def test_a_wrong_projector_link_is_404(client, session):
    assert client.get(projector(session)[:-3] + "abc/").status_code == 404
    poll = reverse("assessments:live-projector-poll", args=["x" * 64])
    assert client.get(poll).status_code == 404


def test_revoking_the_projector_link_asks_first_and_then_blanks_the_screen(
    consultant, client, session
):
    url = projector(session)
    confirm = consultant.post(facilitator_url("projector-revoke", session))
    assert confirm.status_code == 200 and 'name="confirmed"' in confirm.text
    assert client.get(url).status_code == 200
    consultant.post(facilitator_url("projector-revoke", session), CONFIRMED)
    assert client.get(url).status_code == 404
    poll = client.get(url + "poll/?v=1.1")
    assert poll.status_code == 404 and "beëindigd" in poll.text
    consultant.post(facilitator_url("projector-new", session))
    session.refresh_from_db()
    assert client.get(projector(session)).status_code == 200


def test_the_projector_poll_is_unchanged_until_something_happens(client, session):
    poll = reverse("assessments:live-projector-poll", args=[session.projector_token])
    first = client.get(poll)
    assert first.status_code == 200
    version = re.search(r"\?v=([\d.]+)", first.text).group(1)
    assert client.get(f"{poll}?v={version}").status_code == 204
    join(session)
    changed = client.get(f"{poll}?v={version}")
    assert changed.status_code == 200 and "1 aangemeld" in changed.text


# --- the ladder: phones ------------------------------------------------------------


def test_the_join_page_asks_for_a_code_and_the_qr_code_fills_it_in(client, session):
    page = client.get(reverse("assessments:live-join") + f"?code={session.join_code}")
    assert page.status_code == 200
    assert 'name="code"' in page.text and session.join_code in page.text


def test_a_code_is_forgiving_about_case_and_spaces(client, session):
    typed = f" {session.join_code[:3].lower()} {session.join_code[3:]} "
    response = client.post(reverse("assessments:live-join"), {"code": typed})
    assert response.url == reverse("assessments:live-organisation")


def test_a_wrong_code_says_so_and_guessing_is_throttled(client, session):
    wrong = "".join(c for c in JOIN_CODE_ALPHABET if c not in session.join_code)[:6]
    response = client.post(reverse("assessments:live-join"), {"code": wrong})
    assert response.status_code == 400 and "Geen live sessie" in response.text
    assert (
        client.post(reverse("assessments:live-join"), {"code": "AB"}).status_code == 400
    )
    for _ in range(30):
        client.post(reverse("assessments:live-join"), {"code": wrong})
    blocked = client.post(reverse("assessments:live-join"), {"code": session.join_code})
    assert blocked.status_code == 429


def test_the_organisation_page_needs_a_correct_code_first(client, session):
    response = client.get(reverse("assessments:live-organisation"))
    assert response.url == reverse("assessments:live-join")
    assert client.get(reverse("assessments:live-phone")).status_code == 404
    assert client.get(reverse("assessments:live-phone-poll")).status_code == 404
    assert client.post(reverse("assessments:live-phone-answer")).status_code == 404


def test_joining_makes_a_respondent_of_the_chosen_organisation(session):
    phone = join(session, "Beta")
    respondent = phone.respondent
    assert respondent.organisation.name == "Beta"
    assert respondent.label == "Beta (live)"
    assert not respondent.is_group and respondent.has_valid_token
    page = phone.get(reverse("assessments:live-phone"))
    assert "Wacht op de facilitator" in page.text


def test_a_name_is_asked_when_the_session_asks_for_one(consultant, assessment):
    consultant.post(
        reverse("assessments:live-start", args=[assessment.pk]),
        {
            "dimensions": [assessment.question_set.dimensions.first().pk],
            "ask_names": "on",
        },
    )
    session = LiveSession.objects.get()
    phone = Client()
    phone.post(reverse("assessments:live-join"), {"code": session.join_code})
    org = assessment.partnership.organisations.first()
    missing = phone.post(
        reverse("assessments:live-organisation"), {"organisation": org.pk}
    )
    assert missing.status_code == 400 and "naam of een pseudoniem" in missing.text
    assert not LiveParticipant.objects.exists()
    phone.post(
        reverse("assessments:live-organisation"),
        {"organisation": org.pk, "label": "Kim"},
    )
    assert LiveParticipant.objects.get().respondent.label == "Kim"


def test_a_live_phone_does_not_open_the_questionnaire(session):
    phone = join(session)
    assert (
        phone.get(reverse("assessments:questionnaire-step", args=[1])).status_code
        == 404
    )


# --- a whole session --------------------------------------------------------------


def test_nothing_before_the_reveal_then_the_figures_with_the_gap(consultant, session):
    alfa, beta = join(session, "Alfa"), join(session, "Beta")
    control(consultant, session, "start")
    assert hand_in(alfa, session, 5).status_code == 302
    screen = Client().get(projector(session))
    assert "1 van 1 klaar" in screen.text and "0 van 1 klaar" in screen.text
    # Nothing of Alfa's answers on the projector, Beta's phone or the facilitator.
    for page in (
        screen,
        beta.get(reverse("assessments:live-phone")),
        consultant.get(facilitator_url("facilitator", session)),
    ):
        assert "live-bar" not in page.text and "Verschil" not in page.text
    assert hand_in(beta, session, 2).status_code == 302
    control(consultant, session, "reveal")
    revealed = Client().get(projector(session)).text
    gap = expected_gap(session, 5, 2)
    assert gap >= 40  # significant
    shown = f'<span class="live-score">{gap}</span>'
    assert "live-bar" in revealed and shown in revealed and "▲▲" in revealed
    phone = beta.get(reverse("assessments:live-phone")).text
    assert shown in phone and "▲▲" in phone


def test_after_the_reveal_answers_can_no_longer_change(consultant, session):
    alfa = join(session)
    control(consultant, session, "start")
    hand_in(alfa, session, 4)
    control(consultant, session, "reveal")
    question = current_questions(session)[0]
    response = alfa.post(
        reverse("assessments:live-phone-answer"), {f"q-{question.pk}": "1"}
    )
    assert response.status_code == 409
    assert Answer.objects.get(question=question).value == 4


def test_a_phone_can_answer_only_the_current_step(consultant, session):
    alfa = join(session)
    control(consultant, session, "start")
    other = session.assessment.question_set.dimensions.order_by("position")[3]
    question = other.questions.first()
    response = alfa.post(
        reverse("assessments:live-phone-answer"), {f"q-{question.pk}": "3"}
    )
    assert response.status_code == 409
    assert not Answer.objects.exists()


def test_handing_in_needs_every_statement_and_keeps_what_was_given(consultant, session):
    alfa = join(session)
    control(consultant, session, "start")
    first = current_questions(session)[0]
    response = alfa.post(
        reverse("assessments:live-phone-hand-in"), {f"q-{first.pk}": "2"}
    )
    assert response.status_code == 400 and "elke stelling" in response.text
    assert Answer.objects.get().value == 2


def test_automatic_reveal_when_everyone_handed_in(consultant, assessment):
    consultant.post(
        reverse("assessments:live-start", args=[assessment.pk]),
        {
            "dimensions": [assessment.question_set.dimensions.first().pk],
            "auto_reveal": "on",
        },
    )
    session = LiveSession.objects.get()
    alfa, beta = join(session, "Alfa"), join(session, "Beta")
    control(consultant, session, "start")
    hand_in(alfa, session, 3)
    assert not session.steps.get().revealed
    hand_in(beta, session, 3)
    assert session.steps.get().revealed


def test_a_second_round_keeps_both_and_scores_the_last(consultant, session):
    alfa, beta = join(session, "Alfa"), join(session, "Beta")
    control(consultant, session, "start")
    hand_in(alfa, session, 5)
    hand_in(beta, session, 1)
    control(consultant, session, "reveal")
    control(consultant, session, "second_round")
    # The first answers are filled in on the phone.
    page = alfa.get(reverse("assessments:live-phone")).text
    assert "Tweede ronde" in page and 'value="5" checked' in page
    hand_in(alfa, session, 4)
    hand_in(beta, session, 3)
    control(consultant, session, "reveal")
    question = current_questions(session)[0]
    assert LiveAnswer.objects.filter(question=question).count() == 4
    assert sorted(
        Answer.objects.filter(question=question).values_list("value", flat=True)
    ) == [3, 4]
    screen = Client().get(projector(session)).text
    before, after = expected_gap(session, 5, 1), expected_gap(session, 4, 3)
    assert re.search(rf"{before}\s*▲▲</span>\s*→\s*{after}<", screen), screen


def test_the_agreement_is_noted_for_the_revealed_dimension(consultant, session):
    join(session)
    control(consultant, session, "start")
    control(consultant, session, "reveal")
    session.refresh_from_db()
    response = consultant.post(
        facilitator_url("agreement", session),
        {"text": "  Samen een pilot  ", "position": session.position},
    )
    assert response.status_code == 302
    note = AgreementNote.objects.get()
    assert note.text == "Samen een pilot" and note.dimension.code == "BV1"
    assert "Samen een pilot" in Client().get(projector(session)).text
    too_long = consultant.post(
        facilitator_url("agreement", session),
        {"text": "x" * 2001, "position": session.position},
    )
    assert too_long.status_code == 400 and "2000" in too_long.text
    assert AgreementNote.objects.get().text == "Samen een pilot"


def test_ending_stops_the_code_and_the_projector_and_hands_in(consultant, session):
    url = projector(session)
    code = session.join_code
    alfa, idle = join(session, "Alfa"), join(session, "Beta")
    control(consultant, session, "start")
    hand_in(alfa, session, 4)
    confirm = consultant.post(facilitator_url("end", session))
    assert confirm.status_code == 200 and 'name="confirmed"' in confirm.text
    consultant.post(facilitator_url("end", session), CONFIRMED)
    session.refresh_from_db()
    assert session.status == "ended" and session.join_code is None
    assert Client().get(url).status_code == 404
    assert (
        Client().post(reverse("assessments:live-join"), {"code": code}).status_code
        == 400
    )
    alfa.respondent.refresh_from_db()
    assert alfa.respondent.submitted_at is not None
    assert not Respondent.objects.filter(pk=idle.respondent.pk).exists()
    assert "afgelopen" in alfa.get(reverse("assessments:live-phone")).text


def test_a_phone_that_comes_back_gets_its_respondent_and_answers(consultant, session):
    alfa = join(session)
    control(consultant, session, "start")
    first = current_questions(session)[0]
    alfa.post(reverse("assessments:live-phone-answer"), {f"q-{first.pk}": "2"})
    # The tab closed; the phone scans the QR code again.
    again = alfa.get(reverse("assessments:live-join") + f"?code={session.join_code}")
    assert again.url == reverse("assessments:live-phone")
    page = alfa.get(again.url).text
    assert 'value="2" checked' in page
    assert LiveParticipant.objects.count() == 1


def test_revoking_a_phones_link_ends_its_place(consultant, session):
    alfa = join(session)
    respondent = alfa.respondent
    respondent.revoke_token()
    respondent.save()
    assert alfa.get(reverse("assessments:live-phone")).status_code == 404
    assert alfa.get(reverse("assessments:live-phone-poll")).status_code == 404


# --- privacy ------------------------------------------------------------------------


def test_below_the_privacy_minimum_an_organisation_shows_nothing(consultant, session):
    assessment = session.assessment
    assessment.privacy_minimum = 2
    assessment.save()
    alfa1, alfa2, beta = (
        join(session, "Alfa"),
        join(session, "Alfa"),
        join(session, "Beta"),
    )
    control(consultant, session, "start")
    hand_in(alfa1, session, 4)
    hand_in(alfa2, session, 5)
    hand_in(beta, session, 1)
    control(consultant, session, "reveal")
    screen = Client().get(projector(session)).text
    # Alfa's spread is shown, Beta's (one person) is not, and neither is a gap.
    assert "Niet getoond: minder dan 2 deelnemers" in screen
    assert "niet getoond (privacy)" in screen
    beta_cells = re.findall(
        r'live-spread-org"[^>]*>Beta</span>\s*(.*?)</div>', screen, re.S
    )
    assert beta_cells and all("live-bar" not in cell for cell in beta_cells)
    assert "▲" not in screen


# --- polling costs -------------------------------------------------------------------


def _poll_queries(django_assert_num_queries, client, url, count):
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 204


def test_an_unchanged_poll_costs_the_same_for_two_or_twelve_phones(
    session, django_assert_num_queries
):
    phones = [join(session, "Alfa"), join(session, "Beta")]
    poll = reverse("assessments:live-projector-poll", args=[session.projector_token])
    session.refresh_from_db()
    screen = Client()
    # The projector: one query (the versions). A phone: its session and one.
    _poll_queries(django_assert_num_queries, screen, f"{poll}?v={session.version}", 1)
    phone_poll = reverse("assessments:live-phone-poll") + f"?v={session.state_version}"
    _poll_queries(django_assert_num_queries, phones[0], phone_poll, 2)
    phones += [join(session, "Alfa") for _ in range(10)]
    session.refresh_from_db()
    _poll_queries(django_assert_num_queries, screen, f"{poll}?v={session.version}", 1)
    phone_poll = reverse("assessments:live-phone-poll") + f"?v={session.state_version}"
    _poll_queries(django_assert_num_queries, phones[0], phone_poll, 2)


def keyed_poll(phone):
    """The poll URL the phone's page shows (with its poll key and version)."""
    page = phone.get(reverse("assessments:live-phone")).content.decode()
    return re.search(r'data-hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")


def test_an_unchanged_keyed_poll_is_one_query_without_the_session(
    session, django_assert_num_queries
):
    """The page's poll key answers "unchanged" from one query, whatever the
    number of phones; the browser's session is not even loaded."""
    phones = [join(session, "Alfa"), join(session, "Beta")]
    url = keyed_poll(phones[0])
    assert "/live/phone/poll/" in url and "?v=" in url
    _poll_queries(django_assert_num_queries, phones[0], url, 1)
    phones += [join(session, org) for org in ("Alfa", "Beta") * 5]
    url = keyed_poll(phones[0])
    _poll_queries(django_assert_num_queries, phones[0], url, 1)
    # The key alone answers only "unchanged": another browser with the same URL
    # gets a 204 and nothing else (no fragment, no answer), as the phone does.
    response = Client().get(url)
    assert response.status_code == 204 and response.content == b""


def test_a_keyed_poll_that_finds_a_change_renders_through_the_session(
    consultant, session
):
    phone = join(session, "Alfa")
    url = keyed_poll(phone)
    control(consultant, session, "start")
    response = phone.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'name="q-' in response.content.decode()
    # Another browser holding the key but not the phone's session: the change
    # is not shown to it.
    assert Client().get(url, headers={"HX-Request": "true"}).status_code == 404


def test_a_revoked_old_or_forged_poll_key_goes_the_session_way(session):
    from assessments.live import polling

    phone = join(session, "Alfa")
    url = keyed_poll(phone)
    key = url.split("/live/phone/poll/")[1].split("/")[0]
    participant_id, stamp, mac = key.split("-")
    version = url.split("?v=")[1]
    assert polling.phone_version_by_key(key) == version
    forged = f"{participant_id}-{stamp}-{'0' * len(mac)}"
    old = int(stamp) - polling.PHONE_KEY_SECONDS - 1
    for bad in (forged, f"{participant_id}-{old}-{mac}", "1-2", "x-y-z", "9" * 99):
        assert polling.phone_version_by_key(bad) is None
        poll = reverse("assessments:live-phone-poll-keyed", args=[bad])
        assert Client().get(f"{poll}?v={version}").status_code == 404
    # A revoked link (a new token): the key stops matching at once, and the
    # phone hears that it is no longer part of the session.
    respondent = phone.respondent
    respondent.issue_token()
    respondent.save()
    assert polling.phone_version_by_key(key) is None
    assert phone.get(url).status_code == 404


def test_a_phone_save_costs_the_same_for_two_or_twelve_phones(
    consultant, session, django_assert_num_queries
):
    """One autosave: the browser's session, the phone's participant, then one
    transaction (the session's shared lock with its current step, the round's
    answer, the respondent's stamp and answer), then the report's schedule (one
    read while the scan is busy). Seven statements; nine here, where the test's
    own transaction turns the save's into a savepoint and its release. On
    PostgreSQL the shared lock is a statement of its own (FOR KEY SHARE, which
    the ORM cannot add to the step's query)."""
    phones = [join(session, "Alfa"), join(session, "Beta")]
    control(consultant, session, "start")
    questions = current_questions(session)
    answer = reverse("assessments:live-phone-answer")
    headers = {"HX-Request": "true"}

    def save(phone, value):
        data = {f"q-{questions[0].pk}": str(value)}
        assert phone.post(answer, data, headers=headers).status_code == 200

    save(phones[0], 1)  # the scan's first change schedules its report
    expected = 9 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        save(phones[0], 2)
    phones += [join(session, org) for org in ("Alfa", "Beta") * 5]
    for phone in phones[1:]:
        save(phone, 3)
    with django_assert_num_queries(expected):
        save(phones[0], 4)
    assert Answer.objects.get(respondent=phones[0].respondent).value == 4
    assert LiveAnswer.objects.filter(question=questions[0]).count() == 12


def _changed_poll_queries(url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


def test_a_changed_poll_costs_the_same_for_two_or_twelve_phones(consultant, session):
    joined = [join(session, "Alfa"), join(session, "Beta")]
    control(consultant, session, "start")
    for phone in joined:
        hand_in(phone, session, 4)
    control(consultant, session, "reveal")
    url = reverse("assessments:live-projector-poll", args=[session.projector_token])
    questionnaire_steps(session.assessment.question_set)  # the set's cache, warm
    two = _changed_poll_queries(url)
    session.refresh_from_db()
    control(consultant, session, "next")
    more = [join(session, org) for org in ("Alfa", "Beta") * 5]
    for phone in joined + more:
        hand_in(phone, session, 3)
    control(consultant, session, "reveal")
    assert _changed_poll_queries(url) == two


def test_the_projector_link_is_stored_hashed(session):
    token = session.projector_token
    assert session.projector_hash == token_hash(token)
    assert token not in (session.projector_seed, session.projector_hash)


def test_sessions_module_refuses_a_second_running_session(session, owner):
    with pytest.raises(sessions.LiveRefused):
        sessions.live_session_create(
            assessment=session.assessment,
            facilitator=owner,
            dimensions=list(session.assessment.question_set.dimensions.all()[:1]),
        )
