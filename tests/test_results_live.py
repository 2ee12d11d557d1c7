"""A live session in the results: the answers count like any respondent's, the
gap before and after a second round and the agreements reach the results page
and the report through the one results context, under the privacy minimum, and
the one fingerprint notices every change to them."""

import os
import shutil
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from assessments import scoring
from assessments.live import participants, sessions
from assessments.models import AgreementNote, LiveAnswer
from assessments.questionnaire import question_dimension_ids, questionnaire_steps
from assessments.report import TEMPLATE, build_report_context, render_pdf
from assessments.results import build_results_context
from assessments.results.fingerprint import fingerprint

pytestmark = pytest.mark.django_db


def _row(context, code):
    return next(row for row in context["dimensions"] if row["code"] == code)


def _step_questions(session):
    session.refresh_from_db()
    dimension_id = session.steps.get(position=session.position).dimension_id
    page = next(
        s
        for s in questionnaire_steps(session.assessment.question_set)
        if s.dimension.pk == dimension_id
    )
    return page.questions


def _hand_in(participant, session, value):
    questions = question_dimension_ids(session.assessment.question_set)
    values = {q.pk: value for q in _step_questions(session)}
    participant.session.refresh_from_db()
    assert participants.live_hand_in(
        participant=participant, values=values, questions=questions
    )


def _control(session, action):
    session.refresh_from_db()
    sessions.live_session_control(
        session=session, action=action, position=session.position
    )


def _join(session, organisation):
    return participants.live_participant_join(
        session=session,
        organisation=session.assessment.partnership.organisations.get(
            name=organisation
        ),
    )


@pytest.fixture
def discussed(assessment, owner):
    """RS4 in two rounds: Alfa 5 then 4, Beta 1 then 3; an agreement noted."""
    rs4 = assessment.question_set.dimensions.get(code="RS4")
    session = sessions.live_session_create(
        assessment=assessment, facilitator=owner, dimensions=[rs4]
    )
    alfa, beta = _join(session, "Alfa"), _join(session, "Beta")
    _control(session, "start")
    _hand_in(alfa, session, 5)
    _hand_in(beta, session, 1)
    _control(session, "reveal")
    _control(session, "second_round")
    _hand_in(alfa, session, 4)
    _hand_in(beta, session, 3)
    _control(session, "reveal")
    sessions.agreement_note_save(
        session=session, dimension=rs4, text="Eén contractmodel", user=owner
    )
    return session


def _gap(questions, alfa, beta):
    def score(value):
        items = [scoring.item_score(value, q.reverse) for q in questions]
        return sum(items) / len(items)

    return abs(score(alfa) - score(beta))


def test_the_results_show_the_gap_before_and_after_and_the_agreement(discussed):
    assessment = discussed.assessment
    questions = _step_questions(discussed)
    context = build_results_context(assessment, "nl")
    row = _row(context, "RS4")
    assert row["discussion"]["gap_before"] == pytest.approx(_gap(questions, 5, 1))
    assert row["discussion"]["gap_after"] == pytest.approx(_gap(questions, 4, 3))
    # The last round is what every figure uses.
    assert row["gap"] == pytest.approx(row["discussion"]["gap_after"])
    assert row["agreement"] == "Eén contractmodel"
    assert [r["code"] for r in context["discussed"]] == ["RS4"]
    assert _row(context, "BV1")["discussion"] is None
    # Counted like any respondent: two of them, one per organisation.
    assert context["responses"]["counted"] == 2


def test_the_results_page_says_rs4_before_and_after(client, owner, discussed):
    client.force_login(owner)
    questions = _step_questions(discussed)
    before = scoring.display(_gap(questions, 5, 1))
    after = scoring.display(_gap(questions, 4, 3))
    page = client.get(
        reverse("assessments:assessment-results", args=[discussed.assessment_id])
    ).text
    assert "Besproken in de live sessie" in page
    assert f"{before} → {after} na bespreking" in page
    assert "Eén contractmodel" in page


def test_the_report_carries_them_too(discussed):
    context = build_report_context(discussed.assessment, "en")
    with translation.override("en"):
        html = render_to_string(TEMPLATE, context)
    assert "Discussed in the live session" in html
    assert "Eén contractmodel" in html
    assert "Gap after the discussion" in html


def test_below_the_privacy_minimum_there_is_no_gap_before_or_after(discussed):
    assessment = discussed.assessment
    assessment.privacy_minimum = 2
    assessment.save()
    row = _row(build_results_context(assessment, "nl"), "RS4")
    assert row["discussion"]["gap_before"] is None
    assert row["discussion"]["gap_after"] is None
    assert row["gap"] is None


def test_the_fingerprint_moves_with_first_round_answers_and_agreements(discussed):
    assessment = discussed.assessment
    stamp = fingerprint(assessment)
    # A bulk update of a first-round answer alone (no Answer row changes).
    LiveAnswer.objects.filter(round=1).update(value=2)
    moved = fingerprint(assessment)
    assert moved != stamp
    AgreementNote.objects.update(text="Iets anders")
    assert fingerprint(assessment) != moved


def test_a_changed_first_round_reaches_the_results_at_once(discussed):
    assessment = discussed.assessment
    before = _row(build_results_context(assessment, "nl"), "RS4")["discussion"]
    LiveAnswer.objects.filter(round=1).update(value=3)
    after = _row(build_results_context(assessment, "nl"), "RS4")["discussion"]
    assert before["gap_before"] != after["gap_before"]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_the_pdf_has_the_discussion_section(discussed, tmp_path):
    pdf = render_pdf(build_report_context(discussed.assessment, "nl"))
    (tmp_path / "report.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "report.pdf", "-"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(text.split())
    if shots := os.environ.get("LIVE_SCREENSHOTS"):
        shutil.copy(tmp_path / "report.pdf", f"{shots}/report.pdf")
    assert "Besproken in de live sessie" in text
    assert "Eén contractmodel" in text
    assert "verschil na bespreking" in text.lower()  # a small-caps header
