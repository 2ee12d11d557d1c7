"""A live session's phones at the same moment: real threads with their own database
connections (SQLite in WAL mode, or PostgreSQL when DATABASE_URL is set), as in a
room where everyone hands in within a second. On PostgreSQL the phones hold the
session row's shared lock side by side (`shared_session_step`); these tests pin
what that must not change: every hand-in counts, an automatic reveal happens once
and only when everyone is in, and no answer lands in a revealed step."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import LiveAnswer, LiveHandIn, LiveSession

from .test_concurrency import run_together
from .views.test_live import control, current_questions, hand_in, join

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PHONES = 6


def _start(owner, assessment, *, auto_reveal):
    consultant = Client()
    consultant.force_login(owner)
    data = {"dimensions": [d.pk for d in assessment.question_set.dimensions.all()]}
    if auto_reveal:
        data["auto_reveal"] = "on"
    response = consultant.post(
        reverse("assessments:live-start", args=[assessment.pk]), data
    )
    assert response.status_code == 302
    session = LiveSession.objects.get(assessment=assessment)
    phones = [join(session, ("Alfa", "Beta")[i % 2]) for i in range(PHONES)]
    assert control(consultant, session, "start").status_code == 302
    return consultant, session, phones


def test_phones_handing_in_at_once_all_count_and_reveal_the_step_once(
    owner, assessment
):
    _consultant, session, phones = _start(owner, assessment, auto_reveal=True)
    step = session.steps.get(position=0)
    before = LiveSession.objects.get(pk=session.pk).state_version
    statuses = []

    def phone_hands_in(phone):
        return lambda: statuses.append(hand_in(phone, session, 4).status_code)

    run_together(*(phone_hands_in(phone) for phone in phones))

    assert statuses == [302] * PHONES
    assert LiveHandIn.objects.filter(step=step, round=1).count() == PHONES
    step.refresh_from_db()
    assert step.revealed
    # Revealed once: the reveal is the only change of state since the start.
    assert LiveSession.objects.get(pk=session.pk).state_version == before + 1


def test_no_automatic_reveal_while_a_phone_has_not_handed_in(owner, assessment):
    _consultant, session, phones = _start(owner, assessment, auto_reveal=True)
    run_together(*(lambda p=p: hand_in(p, session, 3) for p in phones[:-1]))
    step = session.steps.get(position=0)
    assert not step.revealed
    assert hand_in(phones[-1], session, 3).status_code == 302
    step.refresh_from_db()
    assert step.revealed


def test_a_save_racing_the_reveal_is_kept_before_it_or_refused_after(owner, assessment):
    consultant, session, phones = _start(owner, assessment, auto_reveal=False)
    question = current_questions(session)[0]
    answer = reverse("assessments:live-phone-answer")
    statuses = []

    def phone_saves(phone):
        def job():
            for value in (1, 2, 3, 4, 5):
                response = phone.post(
                    answer, {f"q-{question.pk}": str(value)}, HTTP_HX_REQUEST="true"
                )
                statuses.append((phone.respondent.pk, value, response.status_code))

        return job

    def facilitator_reveals():
        assert control(consultant, session, "reveal").status_code == 302

    run_together(*(phone_saves(phone) for phone in phones), facilitator_reveals)

    assert {status for *_rest, status in statuses} <= {200, 409}
    assert session.steps.get(position=0).revealed
    # Every phone's stored answer is the last one acknowledged before the reveal;
    # a refused save changed nothing.
    for phone in phones:
        kept = [v for pk, v, status in statuses if pk == phone.respondent.pk]
        acknowledged = [
            v
            for pk, v, status in statuses
            if pk == phone.respondent.pk and status == 200
        ]
        stored = LiveAnswer.objects.filter(
            participant__respondent=phone.respondent, question=question
        ).values_list("value", flat=True)
        assert list(stored) == (acknowledged[-1:] if acknowledged else []), kept
