"""Statement by statement, from the database to the figures: the results context
(results/statements.py), the results JSON and the privacy minimum by difference."""

import json
import re

import pytest

from assessments.models import Answer, Question
from assessments.results import build_results_context, results_json
from assessments.results.statements import MOST_DISAGREED

from .conftest import make_assessment, make_partnership, make_respondent
from .test_results import _row, answer_level

pytestmark = pytest.mark.django_db


def _set(respondent, code, value):
    Answer.objects.filter(respondent=respondent, question__code=code).update(
        value=value
    )


def _statement(row, code):
    return next(s for s in row["statements"] if s["code"] == code)


@pytest.fixture
def three(owner, question_set):
    """Alfa (two respondents), Beta (one), Gamma (one), everything answered 3,
    except BV1.1: Alfa 5 and 4, Beta 1, Gamma "weet niet"; and RS4.1: Alfa 2 and 2,
    Beta 3, Gamma 5."""
    partnership = make_partnership(owner, organisations=("Alfa", "Beta", "Gamma"))
    assessment = make_assessment(partnership, question_set)
    orgs = {o.name: o for o in partnership.organisations.all()}
    people = {}
    for label, org in (("A1", "Alfa"), ("A2", "Alfa"), ("B1", "Beta"), ("G1", "Gamma")):
        people[label] = answer_level(make_respondent(assessment, orgs[org], label), 3)
    for label, value in (("A1", 5), ("A2", 4), ("B1", 1), ("G1", None)):
        _set(people[label], "BV1.1", value)
    for label, value in (("A1", 2), ("A2", 2), ("B1", 3), ("G1", 5)):
        _set(people[label], "RS4.1", value)
    return assessment, people


def test_every_statement_has_each_organisations_figures(three):
    assessment, _people = three
    context = build_results_context(assessment, "en")
    row = _row(context, "BV1")
    assert [s["code"] for s in row["statements"]] == [
        q["code"] for q in row["questions"]
    ]
    statement = _statement(row, "BV1.1")
    assert statement["text"] == row["questions"][0]["text"]
    alfa, beta, gamma = statement["organisations"]
    # Alfa: (100 + 75) / 2; Beta: 0; Gamma only "weet niet".
    assert (alfa["score"], alfa["n"], alfa["counts"], alfa["dont_know"]) == (
        87.5,
        2,
        [0, 0, 0, 1, 1],
        0,
    )
    assert (alfa["band"], alfa["band_label"]) == ("green", "green")
    assert (beta["score"], beta["n"], beta["counts"]) == (0.0, 1, [1, 0, 0, 0, 0])
    assert (gamma["score"], gamma["n"], gamma["dont_know"]) == (None, 0, 1)
    assert (statement["gap"], statement["gap_flag"]) == (87.5, "significant")
    assert statement["gap_flag_label"] == "significant"
    assert statement["dimension_anchor"] == row["statements_anchor"] == "statements-1"
    assert statement["anchor"] == "statement-1-1"
    # The rest of BV1 is 3 everywhere: no difference.
    assert _statement(row, "BV1.3")["gap"] == 0
    assert row["statement_gap"] == 87.5


def test_the_statements_the_partners_differ_on_most(three):
    assessment, _people = three
    top = build_results_context(assessment, "en")["top_statements"]
    # Only two statements differ; the rest are 3 everywhere (gap 0: not listed).
    assert [(s["rank"], s["code"], s["gap"]) for s in top] == [
        (1, "BV1.1", 87.5),
        (2, "RS4.1", 75.0),  # Alfa 25, Gamma 100
    ]
    assert top[1]["dimension_code"] == "RS4"
    assert top[1]["anchor"].startswith("statement-")


def test_at_most_ten_are_listed(owner, question_set):
    assessment = make_assessment(make_partnership(owner), question_set)
    answer_level(make_respondent(assessment, label="A"), 5)
    beta = assessment.partnership.organisations.get(name="Beta")
    answer_level(make_respondent(assessment, beta, "B"), 1)
    top = build_results_context(assessment)["top_statements"]
    # Every statement has a gap of 100: the first ten in question-set order.
    assert len(top) == MOST_DISAGREED == 10
    assert [s["code"] for s in top[:2]] == ["BV1.1", "BV1.2"]


def test_the_json_has_the_statements_of_every_dimension(three):
    assessment, _people = three
    data = results_json(assessment, "en")
    json.dumps(data)  # plain JSON
    dimension = next(d for d in data["dimensions"] if d["code"] == "BV1")
    statement = dimension["statements"][0]
    assert set(statement) == {
        "code",
        "text",
        "reverse",
        "gap",
        "gap_flag",
        "organisations",
    }
    assert statement["code"] == "BV1.1" and statement["gap"] == 87.5
    assert statement["organisations"][0] == {
        "name": "Alfa",
        "score": 87.5,
        "n": 2,
        "dont_know": 0,
        "counts": [0, 0, 0, 1, 1],
        "withheld": False,
    }
    assert data["most_disagreed_statements"][0] == {
        "rank": 1,
        "code": "BV1.1",
        "dimension": "BV1",
        "gap": 87.5,
        "gap_flag": "significant",
    }
    assert sum(len(d["statements"]) for d in data["dimensions"]) == 85


def test_the_figures_follow_a_changed_answer(three):
    assessment, people = three
    assert build_results_context(assessment)["top_statements"][0]["code"] == "BV1.1"
    _set(people["B1"], "BV1.1", 5)
    row = _row(build_results_context(assessment), "BV1")
    assert _statement(row, "BV1.1")["organisations"][1]["score"] == 100


# The privacy minimum, by difference -------------------------------------------------


@pytest.fixture
def guarded(owner, question_set):
    """A minimum of two. Alfa and Beta have two respondents each, everything 3.
    Beta's second respondent answered only BV1.1 of BV1 (and said "weet niet"
    there), so Beta's BV1 rests on one person: withheld."""
    partnership = make_partnership(owner, organisations=("Alfa", "Beta"))
    assessment = make_assessment(partnership, question_set, privacy_minimum=2)
    alfa, beta = partnership.organisations.order_by("position")
    for label in ("A1", "A2"):
        answer_level(make_respondent(assessment, alfa, label), 3)
    one = answer_level(make_respondent(assessment, beta, "B1"), 3)
    two = answer_level(make_respondent(assessment, beta, "B2"), 3, {"RS1": 3})
    question = Question.objects.get(dimension__question_set=question_set, code="BV1.1")
    Answer.objects.create(respondent=two, question=question, value=None)
    return assessment, one


def _twice(one, render):
    """`render()` with Beta's one BV1 respondent answering all 5, then all 1."""
    Answer.objects.filter(respondent=one, question__dimension__code="BV1").update(
        value=5
    )
    high = render()
    Answer.objects.filter(respondent=one, question__dimension__code="BV1").update(
        value=1
    )
    return high, render()


def test_a_withheld_dimension_shows_no_statement_figure(guarded):
    assessment, one = guarded
    row = _row(build_results_context(assessment), "BV1")
    assert row["organisations"][1]["withheld"]
    for statement in row["statements"]:
        beta = statement["organisations"][1]
        assert beta["withheld"]
        assert (beta["score"], beta["n"], beta["counts"], beta["dont_know"]) == (
            None,
            None,
            None,
            None,
        )
        # A gap would be Beta's figure against Alfa's.
        assert statement["gap"] is None


def test_nothing_moves_with_the_hidden_answers(client, owner, guarded):
    assessment, one = guarded

    def figures():
        context = build_results_context(assessment)
        return [row["statements"] for row in context["dimensions"]], context[
            "top_statements"
        ]

    high, low = _twice(one, figures)
    assert high == low
    high, low = _twice(one, lambda: results_json(assessment))
    assert high == low
    client.force_login(owner)
    url = f"/assessments/{assessment.pk}/results/"

    def page():
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        # The CSRF token differs per request; nothing else may.
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    high, low = _twice(one, page)
    assert high == low
    assert "hidden (privacy)" in high


def test_a_statement_shown_elsewhere_still_counts(guarded):
    """Beta's RS1 rests on both its respondents: shown, statement by statement."""
    assessment, _one = guarded
    row = _row(build_results_context(assessment), "RS1")
    beta = row["statements"][0]["organisations"][1]
    assert (beta["withheld"], beta["score"], beta["n"]) == (False, 50.0, 2)
