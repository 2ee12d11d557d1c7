"""From the database to the figures: assessments/results.py (context and JSON)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import scoring
from assessments.models import Answer, DimensionComment, Question
from assessments.results import build_results_context, results_json

from .conftest import make_assessment, make_partnership, make_respondent

pytestmark = pytest.mark.django_db


def answer_level(respondent, level, codes=None, submitted=True):
    """Answer so that every item scores (level - 1) / 4 * 100, reverse items too.

    `codes` limits it to those dimension codes; a dict maps a code to its own level.
    """
    questions = Question.objects.filter(
        dimension__question_set=respondent.assessment.question_set
    ).select_related("dimension")
    answers = []
    for q in questions:
        code = q.dimension.code
        if codes is not None and code not in codes:
            continue
        wanted = codes[code] if isinstance(codes, dict) else level
        answers.append(
            Answer(
                respondent=respondent,
                question=q,
                value=None if wanted is None else (6 - wanted if q.reverse else wanted),
            )
        )
    Answer.objects.bulk_create(answers)
    if submitted:
        respondent.submitted_at = timezone.now()
        respondent.save(update_fields=["submitted_at"])
    return respondent


def _org(partnership, name):
    return partnership.organisations.get(name=name)


def _people(assessment, organisation, levels, prefix=None):
    org = _org(assessment.partnership, organisation)
    return [
        answer_level(
            make_respondent(assessment, org, label=f"{prefix or organisation} {i}"),
            level,
        )
        for i, level in enumerate(levels, start=1)
    ]


def _row(context, code):
    return next(row for row in context["dimensions"] if row["code"] == code)


def test_the_context_scores_the_answers(assessment):
    _people(assessment, "Alfa", [4, 4])  # 75 everywhere
    _people(assessment, "Beta", [2])  # 25 everywhere
    context = build_results_context(assessment)
    row = _row(context, "BV1")
    assert [(o["name"], o["score"], o["n"]) for o in row["organisations"]] == [
        ("Alfa", 75, 2),
        ("Beta", 25, 1),
    ]
    assert (row["partnership"], row["gap"], row["gap_flag"]) == (50, 50, "significant")
    assert context["index"] == pytest.approx(50)
    assert context["verdict"]["band"] == scoring.AMBER
    assert context["weakest_link"]["code"] == "BV1"  # all equal: first in order
    assert [item["code"] for item in context["agenda"]] == [
        "BV1",
        "BV2",
        "BV3",
        "BV4",
        "BV5",
    ]
    assert context["agenda"][0]["advice"]  # the red advice for the lower side
    assert context["quick_wins"] == []


def test_saved_answers_count_submitted_or_not(assessment):
    _people(assessment, "Alfa", [5])
    busy = make_respondent(assessment, _org(assessment.partnership, "Beta"), "Busy")
    answer_level(busy, 3, submitted=False)
    make_respondent(assessment, _org(assessment.partnership, "Beta"), "Not begun")
    context = build_results_context(assessment)
    assert _row(context, "RS1")["partnership"] == pytest.approx(75)
    beta = context["organisations"][1]
    assert (beta["respondents"], beta["submitted"], beta["scored"]) == (2, 0, 1)
    assert beta["provisional"] == 1
    assert context["responses"]["provisional"] == 1


def test_too_few_answers_on_a_dimension_is_insufficient_data_not_zero(assessment):
    alfa = make_respondent(assessment, _org(assessment.partnership, "Alfa"), "A")
    # BV1 has six equal questions: answering three of them is below two thirds.
    answer_level(alfa, 5, {"RS1": 5})
    bv1 = Question.objects.filter(
        dimension__question_set=assessment.question_set, dimension__code="BV1"
    ).order_by("position")[:3]
    Answer.objects.bulk_create(
        [Answer(respondent=alfa, question=q, value=3) for q in bv1]
    )
    context = build_results_context(assessment)
    assert _row(context, "BV1")["partnership"] is None
    assert _row(context, "BV1")["organisations"][0]["score"] is None
    assert _row(context, "RS1")["partnership"] == 100
    data = results_json(assessment)
    assert data["dimensions"][0]["partnership"] is None


def test_all_dont_know_gives_no_verdict(assessment):
    answer_level(make_respondent(assessment, label="A"), None)
    context = build_results_context(assessment, "en")
    assert not context["has_results"]
    assert context["verdict"]["band"] is None
    assert context["verdict"]["reason"] == (
        "There are not enough answers yet for a verdict."
    )
    assert results_json(assessment)["readiness_index"] is None


def test_an_organisation_below_the_privacy_minimum_is_left_out(assessment):
    assessment.privacy_minimum = 2
    assessment.save()
    _people(assessment, "Alfa", [4, 4])
    _people(assessment, "Beta", [2])
    context = build_results_context(assessment)
    assert context["shown_organisations"] == ["Alfa"]
    assert context["folded_organisations"] == ["Beta"]
    row = _row(context, "RS4")
    assert [o["name"] for o in row["organisations"]] == ["Alfa"]
    # Beta's answers count nowhere: the partnership figure is Alfa's, no gap.
    assert row["partnership"] == 75 and row["gap"] is None
    assert context["index"] == 75
    assert "Beta" not in context["charts"]["radar"]
    assert "Beta" not in context["charts"]["zipper"]
    data = results_json(assessment)
    assert all(
        [o["name"] for o in d["organisations"]] == ["Alfa"] for d in data["dimensions"]
    )
    assert data["folded_organisations"] == ["Beta"]
    counts = {o["name"]: o for o in data["responses"]["organisations"]}
    assert counts["Beta"]["folded"] and counts["Beta"]["scored"] == 1


def test_an_organisation_without_answers_keeps_its_empty_column(assessment):
    assessment.privacy_minimum = 2
    assessment.save()
    _people(assessment, "Alfa", [4, 4])
    context = build_results_context(assessment)
    assert context["shown_organisations"] == ["Alfa", "Beta"]
    assert _row(context, "BV1")["organisations"][1]["score"] is None


def test_three_organisations_get_pair_gaps(owner, question_set):
    partnership = make_partnership(owner, organisations=("Alfa", "Beta", "Gamma"))
    assessment = make_assessment(partnership, question_set)
    _people(assessment, "Alfa", [5])
    _people(assessment, "Beta", [3])
    _people(assessment, "Gamma", [4])
    row = _row(build_results_context(assessment), "BV2")
    assert [(p["a"], p["b"], p["gap"], p["gap_flag"]) for p in row["pairs"]] == [
        ("Alfa", "Beta", 50, "significant"),
        ("Alfa", "Gamma", 25, "attention"),
        ("Beta", "Gamma", 25, "attention"),
    ]
    assert row["gap"] == 50


def test_comments_are_anonymous_and_only_when_allowed(assessment):
    anna = answer_level(make_respondent(assessment, label="Anna Secret"), 4)
    dimension = assessment.question_set.dimensions.get(code="BV2")
    assert _row(build_results_context(assessment), "BV2")["comments"] == []
    DimensionComment.objects.create(respondent=anna, dimension=dimension, text="Zo!")
    context = build_results_context(assessment)
    assert _row(context, "BV2")["comments"] == ["Zo!"]
    assert "Anna Secret" not in json.dumps(results_json(assessment))
    assessment.allow_comments = False
    assessment.save()
    assert _row(build_results_context(assessment), "BV2")["comments"] == []


def test_the_trend_compares_with_the_previous_scan(assessment, question_set):
    _people(assessment, "Alfa", [4])
    _people(assessment, "Beta", [2])
    follow_up = make_assessment(
        assessment.partnership, question_set, previous=assessment
    )
    _people(follow_up, "Alfa", [4], prefix="Alfa later")
    _people(follow_up, "Beta", [4], prefix="Beta later")
    trend = build_results_context(follow_up)["trend"]
    assert trend["previous"] == assessment
    bv1 = trend["dimensions"][0]
    assert (bv1["score_then"], bv1["score_now"], bv1["delta"]) == (50, 75, 25)
    assert (bv1["gap_then"], bv1["gap_now"], bv1["gap_change"]) == (50, 0, "closed")
    assert trend["verdict_then"] == "amber" and trend["verdict_now"] == "green"
    assert results_json(follow_up)["trend"]["dimensions"][0]["gap_change"] == "closed"


def test_a_previous_scan_of_another_partnership_is_ignored(
    assessment, outsider, question_set
):
    other = make_assessment(make_partnership(outsider, name="Other"), question_set)
    assessment.previous = other
    assessment.save()
    assert build_results_context(assessment)["trend"] is None


def test_results_json_has_the_documented_keys_and_serialises(assessment):
    _people(assessment, "Alfa", [5, 4])
    _people(assessment, "Beta", [3])
    data = json.loads(json.dumps(results_json(assessment)))
    for key in (
        "readiness_index",
        "verdict",
        "blocks",
        "dimensions",
        "weakest_link",
        "largest_gap",
        "agenda",
        "quick_wins",
        "capped",
        "index_band",
        "responses",
    ):
        assert key in data
    assert set(data["blocks"]) == {"condition", "link"}
    dim = data["dimensions"][0]
    assert {"code", "name", "partnership", "gap", "band", "organisations"} <= set(dim)
    assert {"name", "score", "n"} <= set(dim["organisations"][0])
    # Unrounded: Alfa (100 + 75) / 2 and Beta 50 average to 68.75.
    assert dim["partnership"] == 68.75


def test_names_and_labels_follow_the_requested_language(assessment):
    _people(assessment, "Alfa", [4])
    _people(assessment, "Beta", [2])
    english = build_results_context(assessment, "en")
    dutch = build_results_context(assessment, "nl")
    assert english["dimensions"][0]["name"] == "Choose the right partner"
    assert dutch["dimensions"][0]["name"] == "Kies de juiste partner"
    assert english["verdict"]["band_label"] == "amber"
    assert results_json(assessment, "en")["dimensions"][0]["name"] == (
        "Choose the right partner"
    )


def _query_count(assessment):
    with CaptureQueriesContext(connection) as queries:
        build_results_context(assessment)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_respondents(assessment, question_set):
    previous = make_assessment(assessment.partnership, question_set)
    assessment.previous = previous
    assessment.save()
    _people(assessment, "Alfa", [4])
    _people(assessment, "Beta", [3])
    _people(previous, "Alfa", [3], prefix="Earlier")
    few = _query_count(assessment)
    _people(assessment, "Alfa", [3, 4, 5] * 3, prefix="More Alfa")
    _people(assessment, "Beta", [2, 3, 4] * 3, prefix="More Beta")
    _people(previous, "Beta", [2] * 5, prefix="Earlier Beta")
    assert _query_count(assessment) == few
    # With the agreed actions: their rows and what the trend counts of them.
    assert few <= 22


def test_a_second_look_comes_from_the_cache_until_an_answer_changes(assessment):
    _people(assessment, "Alfa", [4])
    _people(assessment, "Beta", [2])
    # Cold: the page's organisations, question set, comments and agreements, the
    # fingerprint (8), the five queries of the one loader (loading.scoring_inputs),
    # the live rounds (loading.discussion_inputs) and the agreed actions.
    assert _query_count(assessment) == 20
    # Organisations and the fingerprint show that nothing changed.
    assert _query_count(assessment) == 9
    assert _row(build_results_context(assessment), "BV1")["partnership"] == 50
    # A bulk update leaves updated_at alone; the fingerprint still notices.
    Answer.objects.filter(respondent__organisation__name="Beta").update(value=3)
    row = _row(build_results_context(assessment), "RS3")
    assert row["organisations"][1]["score"] == 50


def test_the_reason_says_why_a_green_index_stays_amber(assessment):
    _people(assessment, "Alfa", [5])
    beta = _org(assessment.partnership, "Beta")
    levels = {code: 5 for code in [f"BV{i}" for i in range(1, 6)]}
    levels |= {f"RS{i}": 5 for i in range(2, 10)} | {"RS1": 1}
    answer_level(make_respondent(assessment, beta, "Bea"), None, levels)
    context = build_results_context(assessment, "en")
    verdict = context["verdict"]
    assert (verdict["index_band"], verdict["band"], verdict["capped"]) == (
        "green",
        "amber",
        True,
    )
    assert verdict["reason"] == (
        "The index of 97 is green, but one weak link jams the zipper: the verdict "
        "stays amber because the partners see Business case very differently."
    )
    assert [row["code"] for row in verdict["significant_gaps"]] == ["RS1"]
    data = results_json(assessment, "en")
    assert data["capped"] and data["cap_reasons"]["significant_gaps"] == ["RS1"]


def test_page_and_pdf_show_a_change_the_same_way():
    """A change of 58.6 -> 55.4 reads 59 -> 55 and so -4 in both outputs, never the
    rounded exact change -3."""
    from django.template.loader import render_to_string

    row = {
        "code": "BV1",
        "name": "Partnerkeuze",
        "score_then": 58.6,
        "score_now": 55.4,
        "delta": -3.2,
        "delta_points": scoring.display_change(58.6, 55.4),
        "band_then": "amber",
        "band_now": "amber",
        "gap_then": None,
        "gap_now": None,
        "gap_change": None,
        "gap_change_label": "",
    }
    trend = {
        "previous": "Scan 1",
        "index_then": 58.6,
        "index_now": 55.4,
        "index_delta": -3.2,
        "index_delta_points": -4,
        "blocks_delta": {"condition": -3.2, "link": -3.2},
        "blocks_delta_points": {"condition": -4, "link": -4},
        "dimensions": [row],
    }
    for template in (
        "assessments/includes/_results_trend.html",
        "assessments/report/_trend.html",
    ):
        html = render_to_string(template, {"trend": trend, "blocks": []})
        assert "-4" in html and "-3" not in html, template
