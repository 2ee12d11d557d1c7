"""The scoring method without a database: hand-computed tables per step, the worked
example of docs/scoring.md, and property tests for the invariants."""

import math
import random

import pytest
from hypothesis import given, settings, strategies as st

from assessments import scoring
from assessments.scoring import (
    AMBER,
    ATTENTION,
    CLOSED,
    CONDITION,
    GREEN,
    LINK,
    RED,
    SIGNIFICANT,
    UNCHANGED,
    WIDENED,
    AgendaItem,
    DimensionResult,
    DimensionSpec,
    DimensionTrend,
    Method,
    OrganisationScore,
    QuestionSpec,
    QuickWin,
    Response,
)

METHOD = Method()


def _dim(code, kind=CONDITION, weights=(1, 1, 1), reverse=(), weight=1.0):
    questions = tuple(
        QuestionSpec(f"{code}.{i}", w, i in reverse)
        for i, w in enumerate(weights, start=1)
    )
    return DimensionSpec(code, kind, questions, weight)


def _orgs(*scores):
    return tuple(
        OrganisationScore(name, score, 0 if score is None else 1)
        for name, score in zip("ABCDE", scores, strict=False)
    )


def _result(code, partnership, gap=None, kind=CONDITION, weight=1.0, orgs=None):
    orgs = orgs or _orgs(partnership)
    return DimensionResult(
        code=code,
        kind=kind,
        weight=weight,
        organisations=orgs,
        partnership=partnership,
        band=scoring.band(partnership, METHOD),
        gap=gap,
        gap_flag=scoring.gap_flag(gap, METHOD),
        pairs=(),
    )


# Step 1: item scores ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reverse", "expected"),
    [
        (1, False, 0),
        (2, False, 25),
        (3, False, 50),
        (4, False, 75),
        (5, False, 100),
        (1, True, 100),
        (2, True, 75),
        (4, True, 25),
        (5, True, 0),
        (None, False, None),
        (None, True, None),
    ],
)
def test_item_score(answer, reverse, expected):
    assert scoring.item_score(answer, reverse) == expected


@pytest.mark.parametrize("answer", [0, 6, 2.5, True, "3"])
def test_item_score_refuses_values_off_the_scale(answer):
    with pytest.raises(ValueError, match="1-5"):
        scoring.item_score(answer)


# Step 2: respondent x dimension, with minimum coverage --------------------------


def _respondent_score(dimension, answers, min_coverage=2 / 3):
    items = {
        q.code: scoring.item_score(answers.get(q.code), q.reverse)
        for q in dimension.questions
    }
    return scoring.respondent_dimension_score(dimension, items, min_coverage)


SIX = _dim("BV1", weights=(1, 1, 1, 1, 1, 1))
WEIGHTED = _dim("BV2", weights=(2, 1, 1, 1, 1), reverse=(5,))


@pytest.mark.parametrize(
    ("dimension", "answers", "expected"),
    [
        # all six answered: plain mean of 100, 75, 50, 25, 0, 50
        (
            SIX,
            dict(
                zip(
                    ["BV1.1", "BV1.2", "BV1.3", "BV1.4", "BV1.5", "BV1.6"],
                    [5, 4, 3, 2, 1, 3],
                    strict=True,
                )
            ),
            50,
        ),
        # four of six answered is exactly 2/3: defined
        (SIX, {"BV1.1": 5, "BV1.2": 5, "BV1.3": 3, "BV1.4": 3}, 75),
        # three of six is below 2/3: insufficient data, not 0
        (SIX, {"BV1.1": 5, "BV1.2": 5, "BV1.3": 3}, None),
        # all "weet niet"
        (SIX, dict.fromkeys(["BV1.1", "BV1.2", "BV1.3", "BV1.4"]), None),
        (SIX, {}, None),
        # weights 2,1,1,1,1 (total 6); item 5 reverse: 1 -> 100
        # (2*100 + 75 + 50 + 25 + 100) / 6 = 450 / 6 = 75
        (WEIGHTED, {"BV2.1": 5, "BV2.2": 4, "BV2.3": 3, "BV2.4": 2, "BV2.5": 1}, 75),
        # the weight-2 item plus two others carry 4 of 6: defined
        # (2*0 + 100 + 100) / 4 = 50
        (WEIGHTED, {"BV2.1": 1, "BV2.2": 5, "BV2.3": 5}, 50),
        # three weight-1 items carry 3 of 6: insufficient
        (WEIGHTED, {"BV2.2": 5, "BV2.3": 5, "BV2.4": 5}, None),
        # reverse item alone fully agreeing scores 0, but coverage fails first
        (WEIGHTED, {"BV2.5": 5}, None),
    ],
)
def test_respondent_dimension_score(dimension, answers, expected):
    assert _respondent_score(dimension, answers) == expected


@pytest.mark.parametrize(
    ("min_coverage", "answered", "defined"),
    [(0, 1, True), (0.5, 3, True), (0.5, 2, False), (1, 5, False), (1, 6, True)],
)
def test_minimum_coverage_comes_from_the_method(min_coverage, answered, defined):
    answers = {f"BV1.{i}": 4 for i in range(1, answered + 1)}
    score = _respondent_score(SIX, answers, min_coverage)
    assert (score is not None) is defined
    if defined:
        assert score == 75


# Steps 3-5: organisations, partnership, gaps ------------------------------------


@pytest.mark.parametrize(
    ("scores", "mean", "n", "low", "high", "sd"),
    [
        ([50, 100], 75, 2, 50, 100, 25),
        ([None, 40], 40, 1, 40, 40, 0),
        ([0, 50, 100], 50, 3, 0, 100, math.sqrt(5000 / 3)),
        ([None, None], None, 0, None, None, None),
        ([], None, 0, None, None, None),
    ],
)
def test_organisation_score_keeps_n_and_spread(scores, mean, n, low, high, sd):
    org = scoring.organisation_score("A", scores)
    assert (org.score, org.n, org.min, org.max) == (mean, n, low, high)
    assert org.sd == pytest.approx(sd) if sd is not None else org.sd is None


@pytest.mark.parametrize(
    ("organisations", "partnership"),
    [
        # Alfa sent three people who all say 100, Beta one who says 0: 50, not 75
        ((OrganisationScore("Alfa", 100, 3), OrganisationScore("Beta", 0, 1)), 50),
        ((OrganisationScore("Alfa", 80, 5), OrganisationScore("Beta", None, 0)), 80),
        (_orgs(90, 60, 30), 60),
        (_orgs(None, None), None),
    ],
)
def test_partnership_counts_each_organisation_once(organisations, partnership):
    assert scoring.partnership_score(organisations) == partnership


@pytest.mark.parametrize(
    ("scores", "gap", "flag"),
    [
        ((80, 56), 24, None),
        ((80, 55), 25, ATTENTION),
        ((55, 80), 25, ATTENTION),
        ((80, 40.5), 39.5, ATTENTION),
        ((80, 40), 40, SIGNIFICANT),
        ((100, 0), 100, SIGNIFICANT),
        ((80, None), None, None),
        ((90, 60, 50), 40, SIGNIFICANT),
        ((70, None, 50), 20, None),
    ],
)
def test_gap_and_flag(scores, gap, flag):
    orgs = _orgs(*scores)
    assert scoring.gap(orgs) == gap
    assert scoring.gap_flag(gap, METHOD) == flag


def test_gap_flags_follow_the_question_set():
    strict = Method(gap_attention=10, gap_significant=20)
    assert scoring.gap_flag(15, strict) == ATTENTION
    assert scoring.gap_flag(20, strict) == SIGNIFICANT


def test_three_organisations_get_a_pair_matrix():
    pairs = scoring.pair_gaps(_orgs(90, 60, 50))
    assert [(p.a, p.b, p.gap) for p in pairs] == [
        ("A", "B", 30),
        ("A", "C", 40),
        ("B", "C", 10),
    ]


def test_pair_gap_with_an_unscored_organisation_is_none():
    pairs = scoring.pair_gaps(_orgs(90, None, 50))
    assert [p.gap for p in pairs] == [None, 40, None]


# Steps 6-8: blocks, index, bands --------------------------------------------------


@pytest.mark.parametrize(
    ("dimensions", "condition", "link"),
    [
        (
            [_result("BV1", 80), _result("BV2", 60), _result("RS1", 40, kind=LINK)],
            70,
            40,
        ),
        # dimension weights: (2*80 + 1*50) / 3 = 70
        ([_result("BV1", 80, weight=2), _result("BV2", 50)], 70, None),
        # an undefined dimension is left out of its block, not counted as 0
        (
            [_result("BV1", 80), _result("BV2", None), _result("RS1", None, kind=LINK)],
            80,
            None,
        ),
    ],
)
def test_block_scores(dimensions, condition, link):
    assert scoring.block_score(dimensions, CONDITION) == condition
    assert scoring.block_score(dimensions, LINK) == link


@pytest.mark.parametrize(
    ("blocks", "method", "index"),
    [
        ({CONDITION: 80, LINK: 60}, METHOD, 70),
        ({CONDITION: 80, LINK: 60}, Method(condition_weight=70, link_weight=30), 74),
        ({CONDITION: 80, LINK: 60}, Method(condition_weight=0, link_weight=1), 60),
        ({CONDITION: 80, LINK: None}, METHOD, 80),
        ({CONDITION: None, LINK: None}, METHOD, None),
    ],
)
def test_readiness_index_is_block_weighted(blocks, method, index):
    assert scoring.readiness_index(blocks, method) == pytest.approx(index)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, GREEN),
        (75, GREEN),
        (75 - 1e-12, GREEN),  # float noise around a threshold
        (74.99, AMBER),
        (50, AMBER),
        (49.99, RED),
        (0, RED),
        (None, None),
    ],
)
def test_band(score, band):
    assert scoring.band(score, METHOD) == band


def test_band_thresholds_follow_the_question_set():
    assert scoring.band(70, Method(green=70, amber=40)) == GREEN
    assert scoring.band(39, Method(green=70, amber=40)) == RED


# Step 9: the zipper rule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "dimensions", "band", "capped"),
    [
        (80, [_result("BV1", 80, gap=10)], GREEN, False),
        # a red dimension caps a green index at amber
        (80, [_result("BV1", 90), _result("BV2", 45)], AMBER, True),
        # a significant gap caps it too
        (80, [_result("BV1", 80, gap=40)], AMBER, True),
        # an attention gap does not
        (80, [_result("BV1", 80, gap=39)], GREEN, False),
        # already amber or red: the cap changes nothing
        (60, [_result("BV1", 45)], AMBER, False),
        (40, [_result("BV1", 40, gap=50)], RED, False),
        (None, [_result("BV1", None)], None, False),
    ],
)
def test_verdict_zipper_rule(index, dimensions, band, capped):
    verdict = scoring.verdict(index, dimensions, METHOD)
    assert (verdict.band, verdict.capped) == (band, capped)
    assert verdict.index_band == scoring.band(index, METHOD)


def test_verdict_names_why_it_is_capped():
    dims = [_result("BV1", 45), _result("RS1", 90, gap=45, kind=LINK)]
    verdict = scoring.verdict(80, dims, METHOD)
    assert verdict.red_dimensions == ("BV1",)
    assert verdict.significant_gaps == ("RS1",)


@pytest.mark.parametrize(
    ("scores", "weakest"),
    [
        ([60, 50, 70], "D2"),
        ([60, 50, 50], "D2"),  # tie: first in dimension order
        ([50, 50, 50], "D1"),
        ([None, 50, 40 + 10 + 1e-12], "D2"),  # float noise is a tie
        ([None, None, 30], "D3"),
        ([None, None, None], None),
    ],
)
def test_weakest_link_breaks_ties_by_dimension_order(scores, weakest):
    dims = [_result(f"D{i}", s) for i, s in enumerate(scores, start=1)]
    assert scoring.weakest_link(dims) == weakest


@pytest.mark.parametrize(
    ("gaps", "largest"),
    [
        ([10, 30, 20], "D2"),
        ([30, 10, 30], "D1"),
        ([None, 0, None], None),  # no difference at all is not a gap to name
        ([None, None, None], None),
    ],
)
def test_largest_gap(gaps, largest):
    dims = [_result(f"D{i}", 50, gap=g) for i, g in enumerate(gaps, start=1)]
    assert scoring.largest_gap(dims) == largest


# Step 10: agenda and quick wins ---------------------------------------------------


def _two_sided(code, a, b, kind=CONDITION):
    orgs = _orgs(a, b)
    return _result(
        code, scoring.partnership_score(orgs), scoring.gap(orgs), kind, 1.0, orgs
    )


def test_agenda_ranks_by_shortfall_plus_gap():
    dims = [
        _two_sided("BV1", 90, 90),  # green, no gap: not on the agenda
        _two_sided("BV2", 45, 45),  # red: (100 - 45) + 0 = 55
        _two_sided("BV3", 80, 40),  # amber, gap 40: (100 - 60) + 40 = 80
        _two_sided("BV4", 95, 65),  # green, gap 30: (100 - 80) + 30 = 50
        _two_sided("BV5", 70, 70),  # amber: 30
    ]
    agenda = scoring.agenda(dims, METHOD)
    assert [(i.code, i.priority) for i in agenda] == [
        ("BV3", 80),
        ("BV2", 55),
        ("BV4", 50),
        ("BV5", 30),
    ]
    by_code = {i.code: i for i in agenda}
    assert by_code["BV4"].low_score is False  # there only for the gap
    # The advice follows the partnership's band; the lower side (40) is named red.
    assert by_code["BV3"].lowest_band == RED
    assert by_code["BV4"].lowest_band == AMBER


def test_agenda_ties_keep_dimension_order_and_size_limit():
    dims = [_two_sided(f"RS{i}", 60, 60, LINK) for i in range(1, 9)]
    agenda = scoring.agenda(dims, METHOD)
    assert [i.code for i in agenda] == ["RS1", "RS2", "RS3", "RS4", "RS5"]
    assert len(scoring.agenda(dims, Method(agenda_size=2))) == 2


def test_quick_wins_are_strong_shared_and_not_on_the_agenda():
    dims = [
        _two_sided("BV1", 90, 80),  # strength 85 - 10 = 75
        _two_sided("BV2", 100, 60),  # gap 40: not shared
        _two_sided("BV3", 85, 85),  # strength 85
        _two_sided("BV4", 30, 30),  # red
        _two_sided("BV5", None, 95),  # only one side scored: not shared
        _two_sided("RS1", 76, 76, LINK),  # strength 76
        _two_sided("RS2", 78, 78, LINK),  # strength 78, fourth
    ]
    agenda = scoring.agenda(dims, METHOD)
    wins = scoring.quick_wins(dims, agenda, METHOD)
    assert [(w.code, w.strength) for w in wins] == [
        ("BV3", 85),
        ("RS2", 78),
        ("RS1", 76),
    ]


def test_quick_wins_fall_back_to_amber_dimensions_off_the_agenda():
    dims = [_two_sided(f"RS{i}", 50 + i, 50 + i, LINK) for i in range(1, 8)]
    agenda = scoring.agenda(dims, METHOD)  # the five lowest
    wins = scoring.quick_wins(dims, agenda, METHOD)
    assert [w.code for w in wins] == ["RS7", "RS6"]


def _two_party_scan(method, kinds, alfa, beta):
    """A scan of two-statement dimensions (equal weights), one respondent per
    organisation; `alfa` and `beta` map dimension code -> the two answers."""
    dims = tuple(_dim(code, kind, weights=(1, 1)) for code, kind in kinds)

    def answers(pairs):
        return {
            f"{code}.{i}": value
            for code, values in pairs.items()
            for i, value in enumerate(values, start=1)
        }

    responses = (
        Response("Anna", "Alfa", answers(alfa)),
        Response("Daan", "Beta", answers(beta)),
    )
    return scoring.score_assessment(method, dims, responses, ("Alfa", "Beta"))


# Item scores: 1 -> 0, 2 -> 25, 3 -> 50, 4 -> 75, 5 -> 100; a dimension is the mean
# of its two statements. Per dimension: Alfa, Beta -> P (band), gap (flag).
AGENDA_KINDS = (
    ("BV1", CONDITION),  # 37.5, none -> 37.5 (red), no gap: one side scored
    ("BV2", CONDITION),  # 100, 62.5 -> 81.25 (green), 37.5 (attention)
    ("BV3", CONDITION),  # 75, 50 -> 62.5 (amber), 25 (attention)
    ("RS1", LINK),  # 87.5, 75 -> 81.25 (green), 12.5
    ("RS2", LINK),  # 75, 62.5 -> 68.75 (amber), 12.5
    ("RS3", LINK),  # 100, 87.5 -> 93.75 (green), 12.5
)
AGENDA_ALFA = {
    "BV1": (2, 3),
    "BV2": (5, 5),
    "BV3": (4, 4),
    "RS1": (4, 5),
    "RS2": (4, 4),
    "RS3": (5, 5),
}
AGENDA_BETA = {
    "BV1": (None, None),
    "BV2": (3, 4),
    "BV3": (3, 3),
    "RS1": (4, 4),
    "RS2": (3, 4),
    "RS3": (5, 4),
}


def test_every_field_of_the_agenda_and_the_quick_wins():
    result = _two_party_scan(METHOD, AGENDA_KINDS, AGENDA_ALFA, AGENDA_BETA)
    assert result.agenda == (
        # (100 - 37.5) + 0 = 62.5; advice from the only side scored, 37.5: red.
        AgendaItem(
            code="BV1",
            priority=62.5,
            score=37.5,
            gap=None,
            band=RED,
            gap_flag=None,
            low_score=True,
            lowest_band=RED,
        ),
        # (100 - 62.5) + 25 = 62.5: ties with BV1, so after it; Beta's 50: amber.
        AgendaItem(
            code="BV3",
            priority=62.5,
            score=62.5,
            gap=25.0,
            band=AMBER,
            gap_flag=ATTENTION,
            low_score=True,
            lowest_band=AMBER,
        ),
        # (100 - 81.25) + 37.5 = 56.25: green, there only for the gap.
        AgendaItem(
            code="BV2",
            priority=56.25,
            score=81.25,
            gap=37.5,
            band=GREEN,
            gap_flag=ATTENTION,
            low_score=False,
            lowest_band=AMBER,
        ),
        # (100 - 68.75) + 12.5 = 43.75: amber with a gap below attention.
        AgendaItem(
            code="RS2",
            priority=43.75,
            score=68.75,
            gap=12.5,
            band=AMBER,
            gap_flag=None,
            low_score=True,
            lowest_band=AMBER,
        ),
    )
    # Strength P - G: 93.75 - 12.5 = 81.25, 81.25 - 12.5 = 68.75.
    assert result.quick_wins == (
        QuickWin(code="RS3", strength=81.25, score=93.75, gap=12.5, band=GREEN),
        QuickWin(code="RS1", strength=68.75, score=81.25, gap=12.5, band=GREEN),
    )


def test_an_amber_quick_win_once_the_agenda_is_full():
    short = Method(agenda_size=3)
    result = _two_party_scan(short, AGENDA_KINDS, AGENDA_ALFA, AGENDA_BETA)
    assert [item.code for item in result.agenda] == ["BV1", "BV3", "BV2"]
    # RS2 fell off the agenda: amber, shared (two sides, no flag), 68.75 - 12.5.
    assert result.quick_wins[2] == QuickWin(
        code="RS2", strength=56.25, score=68.75, gap=12.5, band=AMBER
    )
    assert [w.code for w in result.quick_wins] == ["RS3", "RS1", "RS2"]
    fewer = Method(agenda_size=3, quick_win_size=2)
    result = _two_party_scan(fewer, AGENDA_KINDS, AGENDA_ALFA, AGENDA_BETA)
    assert [w.code for w in result.quick_wins] == ["RS3", "RS1"]


# Step 11: trend -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("then", "now", "change"),
    [
        (40, 20, CLOSED),
        (20, 40, WIDENED),
        (25, 25, UNCHANGED),
        (25, 25 + 1e-12, UNCHANGED),
        (None, 20, None),
        (20, None, None),
    ],
)
def test_gap_change(then, now, change):
    assert scoring.gap_change(then, now) == change


# A scan and its follow-up. RS2 is no longer asked in the follow-up; RS3 is new.
# Per dimension: Alfa, Beta -> P (band), gap (flag).
TREND_THEN = {
    "kinds": (
        ("BV1", CONDITION),  # 75, 25 -> 50 (amber), 50 (significant)
        ("BV2", CONDITION),  # 100, 75 -> 87.5 (green), 25 (attention)
        ("RS1", LINK),  # 50, 25 -> 37.5 (red), 25 (attention)
        ("RS2", LINK),  # 25, 0 -> 12.5 (red), 25 (attention)
    ),
    "alfa": {"BV1": (4, 4), "BV2": (5, 5), "RS1": (3, 3), "RS2": (2, 2)},
    "beta": {"BV1": (2, 2), "BV2": (4, 4), "RS1": (2, 2), "RS2": (1, 1)},
}
TREND_NOW = {
    "kinds": (
        ("BV1", CONDITION),  # 75, 75 -> 75 (green), 0
        ("BV2", CONDITION),  # 100, 100 -> 100 (green), 0
        ("RS1", LINK),  # 75, 25 -> 50 (amber), 50 (significant)
        ("RS3", LINK),  # 100, 75 -> 87.5 (green), 25 (attention)
    ),
    "alfa": {"BV1": (4, 4), "BV2": (5, 5), "RS1": (4, 4), "RS3": (5, 5)},
    "beta": {"BV1": (4, 4), "BV2": (5, 5), "RS1": (2, 2), "RS3": (4, 4)},
}


def test_the_trend_pins_every_figure_and_band_with_a_new_and_a_dropped_dimension():
    previous = _two_party_scan(METHOD, **TREND_THEN)
    current = _two_party_scan(METHOD, **TREND_NOW)
    # Then: conditions (50 + 87.5) / 2 = 68.75, links (37.5 + 12.5) / 2 = 25,
    # index (68.75 + 25) / 2 = 46.875: red.
    assert (previous.blocks, previous.index) == ({CONDITION: 68.75, LINK: 25}, 46.875)
    # Now: conditions (75 + 100) / 2 = 87.5, links (50 + 87.5) / 2 = 68.75, index
    # 78.125 is green, but RS1's significant gap caps the verdict at amber.
    assert (current.blocks, current.index) == ({CONDITION: 87.5, LINK: 68.75}, 78.125)
    assert (current.verdict.index_band, current.verdict.band) == (GREEN, AMBER)
    trend = scoring.compare(previous, current)
    assert (trend.index_then, trend.index_now, trend.index_delta) == (
        46.875,
        78.125,
        31.25,
    )
    assert (trend.verdict_then, trend.verdict_now) == (RED, AMBER)
    assert trend.blocks_delta == {CONDITION: 18.75, LINK: 43.75}
    # The follow-up's dimensions in its order, then those it no longer asks.
    assert trend.dimensions == (
        DimensionTrend("BV1", 50, 75, 25, 50, 0, CLOSED, AMBER, GREEN),
        DimensionTrend("BV2", 87.5, 100, 12.5, 25, 0, CLOSED, GREEN, GREEN),
        DimensionTrend("RS1", 37.5, 50, 12.5, 25, 50, WIDENED, RED, AMBER),
        # New: nothing to compare with, so no change, no gap change, no band then.
        DimensionTrend("RS3", None, 87.5, None, None, 25, None, None, GREEN),
        # Dropped: nothing now.
        DimensionTrend("RS2", 12.5, None, None, 25, None, None, RED, None),
    )


# Whole assessments ----------------------------------------------------------------

# The worked example of docs/scoring.md; keep both in step.
EXAMPLE_DIMENSIONS = (
    _dim("BV1", CONDITION, weights=(2, 1, 1), reverse=(3,)),
    _dim("BV2", CONDITION),
    _dim("RS1", LINK),
    _dim("RS2", LINK, weights=(2, 1, 1), reverse=(3,)),
)


def _answers(*values):
    codes = [q.code for d in EXAMPLE_DIMENSIONS for q in d.questions]
    return dict(zip(codes, values, strict=True))


EXAMPLE_RESPONSES = (
    Response("Anna", "Alfa", _answers(5, 5, 1, 5, 4, 4, 4, 4, 4, 5, 4, 2)),
    Response("Bram", "Alfa", _answers(4, None, 2, 4, 4, 5, 4, None, None, 4, 4, 2)),
    Response("Daan", "Beta", _answers(4, 4, 2, 5, 5, 4, 2, 3, 2, 5, 5, 1)),
)


def _example():
    return scoring.score_assessment(
        METHOD, EXAMPLE_DIMENSIONS, EXAMPLE_RESPONSES, ("Alfa", "Beta")
    )


def _two(value):
    return scoring.display(value, 2)


def test_worked_example_respondents():
    result = _example()
    table = {
        r.label: {k: _two(v) for k, v in r.dimensions.items()}
        for r in result.respondents
    }
    assert table == {
        "Anna": {"BV1": 100, "BV2": 83.33, "RS1": 75, "RS2": 87.5},
        "Bram": {"BV1": 75, "BV2": 83.33, "RS1": None, "RS2": 75},
        "Daan": {"BV1": 75, "BV2": 91.67, "RS1": 33.33, "RS2": 100},
    }


def test_worked_example_dimensions():
    result = _example()
    rows = {
        d.code: (
            [(_two(o.score), o.n) for o in d.organisations],
            _two(d.partnership),
            d.band,
            _two(d.gap),
            d.gap_flag,
        )
        for d in result.dimensions
    }
    assert rows == {
        "BV1": ([(87.5, 2), (75, 1)], 81.25, GREEN, 12.5, None),
        "BV2": ([(83.33, 2), (91.67, 1)], 87.5, GREEN, 8.33, None),
        "RS1": ([(75, 1), (33.33, 1)], 54.17, AMBER, 41.67, SIGNIFICANT),
        "RS2": ([(81.25, 2), (100, 1)], 90.63, GREEN, 18.75, None),
    }
    alfa_bv1 = result.dimension("BV1").organisation("Alfa")
    assert (alfa_bv1.min, alfa_bv1.max, alfa_bv1.sd) == (75, 100, 12.5)


def test_worked_example_verdict_agenda_and_quick_wins():
    result = _example()
    assert _two(result.blocks[CONDITION]) == 84.38
    assert _two(result.blocks[LINK]) == 72.4
    assert _two(result.index) == 78.39
    assert result.verdict.index_band == GREEN
    assert (result.verdict.band, result.verdict.capped) == (AMBER, True)
    assert result.verdict.significant_gaps == ("RS1",)
    assert result.verdict.red_dimensions == ()
    assert (result.weakest_link, result.largest_gap) == ("RS1", "RS1")
    assert [(i.code, _two(i.priority), i.lowest_band) for i in result.agenda] == [
        ("RS1", 87.5, RED)
    ]
    assert [(w.code, _two(w.strength)) for w in result.quick_wins] == [
        ("BV2", 79.17),
        ("RS2", 71.88),
        ("BV1", 68.75),
    ]


def test_worked_example_display_rounds_half_up():
    result = _example()
    assert scoring.display(result.dimension("RS2").partnership) == 91  # 90.625
    assert scoring.display(result.dimension("BV1").partnership) == 81  # 81.25
    assert scoring.display(62.5) == 63
    assert scoring.display(None) is None


def test_worked_example_follow_up():
    follow_up = (
        *EXAMPLE_RESPONSES[:2],
        Response(
            "Daan",
            "Beta",
            {**EXAMPLE_RESPONSES[2].answers, "RS1.1": 4, "RS1.2": 4, "RS1.3": 4},
        ),
    )
    current = scoring.score_assessment(
        METHOD, EXAMPLE_DIMENSIONS, follow_up, ("Alfa", "Beta")
    )
    trend = scoring.compare(_example(), current)
    rs1 = trend.dimension("RS1")
    assert (_two(rs1.score_now), _two(rs1.delta)) == (75, 20.83)
    assert (rs1.gap_now, rs1.gap_change) == (0, CLOSED)
    assert _two(current.blocks[LINK]) == 82.81
    assert _two(current.index) == 83.59
    assert (trend.verdict_then, trend.verdict_now) == (AMBER, GREEN)


def test_all_dont_know_gives_insufficient_data_everywhere():
    responses = [
        Response("Anna", "Alfa", dict.fromkeys(_answers(*[1] * 12))),
        Response("Daan", "Beta", dict.fromkeys(_answers(*[1] * 12))),
    ]
    result = scoring.score_assessment(METHOD, EXAMPLE_DIMENSIONS, responses)
    assert all(d.partnership is None and d.gap is None for d in result.dimensions)
    assert result.index is None
    assert result.verdict.band is None
    assert (result.weakest_link, result.largest_gap) == (None, None)
    assert result.agenda == () and result.quick_wins == ()


def test_an_organisation_without_respondents_keeps_its_column():
    result = scoring.score_assessment(
        METHOD, EXAMPLE_DIMENSIONS, EXAMPLE_RESPONSES[:1], ("Alfa", "Beta", "Gamma")
    )
    assert result.organisations == ("Alfa", "Beta", "Gamma")
    bv1 = result.dimension("BV1")
    assert [o.n for o in bv1.organisations] == [1, 0, 0]
    assert bv1.partnership == 100 and bv1.gap is None


def test_three_organisations_in_a_whole_assessment():
    responses = (
        *EXAMPLE_RESPONSES,
        Response("Gert", "Gamma", _answers(*[3] * 12)),
    )
    result = scoring.score_assessment(
        METHOD, EXAMPLE_DIMENSIONS, responses, ("Alfa", "Beta", "Gamma")
    )
    rs1 = result.dimension("RS1")
    # Alfa 75, Beta 33.33, Gamma 50: (75 + 33.33 + 50) / 3
    assert rs1.partnership == pytest.approx((75 + 100 / 3 + 50) / 3)
    assert [(p.a, p.b, _two(p.gap)) for p in rs1.pairs] == [
        ("Alfa", "Beta", 41.67),
        ("Alfa", "Gamma", 25),
        ("Beta", "Gamma", 16.67),
    ]
    assert _two(rs1.gap) == 41.67


def test_a_red_dimension_caps_a_green_assessment():
    dims = (_dim("BV1"), _dim("BV2"), _dim("BV3"), _dim("BV4"), _dim("RS1", LINK))
    high = [5, 5, 5] * 4 + [3, 3, 2]  # four dimensions at 100, RS1 at 41.67
    responses = [
        Response("A", "Alfa", _codes(dims, high)),
        Response("B", "Beta", _codes(dims, high)),
    ]
    result = scoring.score_assessment(METHOD, dims, responses)
    assert result.index == pytest.approx((100 + 125 / 3) / 2)  # 70.8: amber anyway
    lifted = Method(condition_weight=80, link_weight=20)
    result = scoring.score_assessment(lifted, dims, responses)
    assert result.verdict.index_band == GREEN
    assert result.verdict.band == AMBER and result.verdict.capped
    assert result.verdict.red_dimensions == ("RS1",)
    assert result.weakest_link == "RS1"


def _codes(dims, values):
    codes = [q.code for d in dims for q in d.questions]
    return dict(zip(codes, values, strict=True))


def test_trend_compares_by_dimension_code():
    previous = _example()
    # The follow-up: Beta now agrees with Alfa on RS1; BV2 is no longer asked.
    later = (
        EXAMPLE_RESPONSES[0],
        EXAMPLE_RESPONSES[1],
        Response(
            "Daan",
            "Beta",
            {**EXAMPLE_RESPONSES[2].answers, "RS1.1": 4, "RS1.2": 4, "RS1.3": 4},
        ),
    )
    dims = tuple(d for d in EXAMPLE_DIMENSIONS if d.code != "BV2")
    current = scoring.score_assessment(METHOD, dims, later, ("Alfa", "Beta"))
    trend = scoring.compare(previous, current)
    rs1 = trend.dimension("RS1")
    assert (_two(rs1.score_then), rs1.score_now, _two(rs1.delta)) == (54.17, 75, 20.83)
    assert (_two(rs1.gap_then), rs1.gap_now, rs1.gap_change) == (41.67, 0, CLOSED)
    assert trend.dimension("BV1").gap_change == UNCHANGED
    assert [d.code for d in trend.dimensions] == ["BV1", "RS1", "RS2", "BV2"]
    gone = trend.dimension("BV2")
    assert gone.score_now is None and gone.delta is None
    assert trend.verdict_then == AMBER and trend.verdict_now == GREEN
    assert trend.index_delta == pytest.approx(current.index - previous.index)


# Properties -----------------------------------------------------------------------

ANSWER = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def assessments(draw):
    dims = []
    for i in range(draw(st.integers(1, 4))):
        kind = CONDITION if i % 2 == 0 else LINK
        weights = draw(st.lists(st.sampled_from([1, 2, 0.5]), min_size=1, max_size=4))
        reverse = draw(st.sets(st.integers(1, len(weights))))
        weight = draw(st.sampled_from([1, 2]))
        dims.append(_dim(f"D{i}", kind, tuple(weights), reverse, weight))
    codes = [q.code for d in dims for q in d.questions]
    organisations = ("Alfa", "Beta", "Gamma")[: draw(st.integers(2, 3))]
    responses = []
    for org in organisations:
        for n in range(draw(st.integers(1, 4))):
            answers = {code: draw(ANSWER) for code in codes}
            responses.append(Response(f"{org}{n}", org, answers))
    method = Method(
        min_coverage=draw(st.sampled_from([0, 0.5, 2 / 3, 1])),
        condition_weight=draw(st.sampled_from([0, 50, 70])),
        link_weight=draw(st.sampled_from([30, 50])),
    )
    return method, tuple(dims), tuple(responses), organisations


def _all_scores(result):
    yield result.index
    yield from result.blocks.values()
    for r in result.respondents:
        yield from r.items.values()
        yield from r.dimensions.values()
    for d in result.dimensions:
        yield d.partnership
        yield d.gap
        for o in d.organisations:
            yield from (o.score, o.min, o.max, o.sd)


def _score(case):
    method, dims, responses, organisations = case
    return scoring.score_assessment(method, dims, responses, organisations)


@pytest.mark.slow
@given(assessments())
@settings(max_examples=150, deadline=None)
def test_every_figure_lies_between_0_and_100(case):
    for value in _all_scores(_score(case)):
        assert value is None or -1e-9 <= value <= 100 + 1e-9


@pytest.mark.slow
@given(assessments(), st.data())
@settings(max_examples=150, deadline=None)
def test_raising_one_item_score_never_lowers_any_score(case, data):
    method, dims, responses, organisations = case
    questions = {q.code: q for d in dims for q in d.questions}
    raisable = [
        (i, code)
        for i, r in enumerate(responses)
        for code, a in r.answers.items()
        if a is not None and (a > 1 if questions[code].reverse else a < 5)
    ]
    if not raisable:
        return
    index, code = data.draw(st.sampled_from(raisable))
    old = responses[index]
    step = -1 if questions[code].reverse else 1
    raised = Response(
        old.respondent,
        old.organisation,
        {**old.answers, code: old.answers[code] + step},
    )
    before = _score(case)
    after = _score(
        (
            method,
            dims,
            responses[:index] + (raised,) + responses[index + 1 :],
            organisations,
        )
    )
    pairs = [
        (before.index, after.index),
        *zip(before.blocks.values(), after.blocks.values(), strict=True),
    ]
    for b, a in zip(before.respondents, after.respondents, strict=True):
        pairs += zip(b.dimensions.values(), a.dimensions.values(), strict=True)
    for b, a in zip(before.dimensions, after.dimensions, strict=True):
        pairs.append((b.partnership, a.partnership))
        pairs += [
            (x.score, y.score)
            for x, y in zip(b.organisations, a.organisations, strict=True)
        ]
    for old_value, new_value in pairs:
        assert (old_value is None) == (new_value is None)
        if old_value is not None:
            assert new_value >= old_value - 1e-9


@pytest.mark.slow
@given(assessments(), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_respondent_order_does_not_matter(case, rng):
    method, dims, responses, organisations = case
    shuffled = list(responses)
    rng.shuffle(shuffled)
    a = _score(case)
    b = _score((method, dims, tuple(shuffled), organisations))
    assert a.dimensions == b.dimensions
    assert (a.blocks, a.index, a.verdict) == (b.blocks, b.index, b.verdict)
    assert (a.agenda, a.quick_wins) == (b.agenda, b.quick_wins)
    assert (a.weakest_link, a.largest_gap) == (b.weakest_link, b.largest_gap)


@pytest.mark.slow
@given(assessments(), st.integers(2, 5))
@settings(max_examples=100, deadline=None)
def test_sending_more_identical_people_does_not_shift_the_partnership(case, copies):
    method, dims, responses, organisations = case
    crowd = tuple(
        Response(f"{r.respondent}-{k}", r.organisation, r.answers)
        for r in responses
        if r.organisation == organisations[0]
        for k in range(copies)
    )
    before = _score(case)
    after = _score((method, dims, responses + crowd, organisations))
    for b, a in zip(before.dimensions, after.dimensions, strict=True):
        assert a.partnership == pytest.approx(b.partnership)
        assert a.gap == pytest.approx(b.gap)
    assert after.index == pytest.approx(before.index)


def test_scoring_a_full_size_assessment_is_deterministic():
    rng = random.Random(7)
    dims = tuple(
        _dim(f"D{i}", CONDITION if i < 5 else LINK, weights=(1,) * rng.randint(4, 6))
        for i in range(14)
    )
    codes = [q.code for d in dims for q in d.questions]
    responses = tuple(
        Response(
            f"R{n}",
            "Alfa" if n % 2 else "Beta",
            {c: rng.choice([None, 1, 2, 3, 4, 5]) for c in codes},
        )
        for n in range(50)
    )
    assert scoring.score_assessment(METHOD, dims, responses) == (
        scoring.score_assessment(METHOD, dims, responses)
    )


@pytest.mark.parametrize(
    ("then", "now", "shown"),
    [
        (58.6, 55.4, -4),  # reads "59 -> 55": -4, although the exact change is -3.2
        (62.5, 62.4, -1),  # "63 -> 62"
        (40.0, 40.0, 0),
        (None, 50.0, None),
    ],
)
def test_a_change_is_the_difference_of_the_shown_scores(then, now, shown):
    assert scoring.display_change(then, now) == shown


@pytest.mark.slow
@given(assessments(), st.integers(2, 4), st.data())
@settings(max_examples=150, deadline=None)
def test_answers_below_the_privacy_minimum_change_nothing_shown(case, minimum, data):
    """Whatever the respondents of one organisation answer, no figure that is shown
    moves where that organisation is withheld (the privacy minimum by difference)."""
    method, dims, responses, organisations = case
    method = Method(
        min_coverage=method.min_coverage,
        condition_weight=method.condition_weight,
        link_weight=method.link_weight,
        privacy_minimum=minimum,
    )
    hidden = data.draw(st.sampled_from(organisations))
    if sum(r.organisation == hidden for r in responses) >= minimum:
        return  # not below the minimum: nothing to hide

    def flipped(value):
        return None if value is None else 6 - value

    other = tuple(
        Response(
            r.respondent, r.organisation, {c: flipped(v) for c, v in r.answers.items()}
        )
        if r.organisation == hidden
        else r
        for r in responses
    )
    a = scoring.score_assessment(method, dims, responses, organisations)
    b = scoring.score_assessment(method, dims, other, organisations)
    assert (a.index, a.verdict, a.blocks, a.agenda, a.quick_wins) == (
        b.index,
        b.verdict,
        b.blocks,
        b.agenda,
        b.quick_wins,
    )
    assert a.dimensions == b.dimensions


@pytest.mark.parametrize(
    ("values", "spread"),
    [((1, 5), 4), ((3, None, 4), 1), ((2,), None), ((None, None), None), ((), None)],
)
def test_the_answer_spread_the_workshop_marks(values, spread):
    assert scoring.answer_spread(values) == spread


def test_block_shares_are_the_block_weights_as_percentages():
    shares = scoring.block_shares(Method(condition_weight=30, link_weight=90))
    assert shares == {CONDITION: 25, LINK: 75}
