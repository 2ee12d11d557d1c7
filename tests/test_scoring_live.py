"""The live session's figures without a database: statements per organisation,
the statements most disagreed on, and the gap before and after a second round.
Hand-computed cases, plus property tests for the invariants."""

import pytest
from hypothesis import given, strategies as st

from assessments import scoring
from assessments.scoring import (
    ATTENTION,
    SIGNIFICANT,
    AnswerCounts,
    DimensionSpec,
    Method,
    QuestionSpec,
    Response,
)

METHOD = Method()
Q = QuestionSpec("RS4.1")
REVERSED = QuestionSpec("RS4.2", reverse=True)


def people(organisation, values, code="RS4.1", group=False):
    return [
        Response(f"{organisation}{i}", organisation, {code: v}, group)
        for i, v in enumerate(values)
    ]


# Counting answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, counts, dont_know",
    [
        ([], (0, 0, 0, 0, 0), 0),
        ([1, 5, 5, None], (1, 0, 0, 0, 2), 1),
        ([3, 3, None, None], (0, 0, 2, 0, 0), 2),
    ],
)
def test_answers_are_counted_per_scale_point_and_dont_know_apart(
    values, counts, dont_know
):
    assert scoring.answer_counts(values) == AnswerCounts(counts, dont_know)
    assert scoring.answer_counts(values).total == len(values)


@pytest.mark.parametrize("bad", [0, 6, True, "3", 2.5])
def test_counting_refuses_what_is_not_an_answer(bad):
    with pytest.raises(ValueError):
        scoring.answer_counts([bad])


# A statement per organisation --------------------------------------------------------


@pytest.mark.parametrize(
    "question, values, expected",
    [
        (Q, [4, 5], 87.5),  # (75 + 100) / 2
        (Q, [1, None, 3], 25.0),  # (0 + 50) / 2, "weet niet" left out
        (REVERSED, [1, 2], 87.5),  # reverse: (100 + 75) / 2
        (Q, [None], None),
        (Q, [], None),
    ],
)
def test_a_statement_score_is_the_mean_item_score(question, values, expected):
    assert scoring.statement_score(question, values) == expected


def test_a_statement_shows_counts_scores_and_the_gap_between_organisations():
    responses = people("Alfa", [4, 5, None]) + people("Beta", [2, 2])
    result = scoring.score_statement(Q, responses, ["Alfa", "Beta"], METHOD)
    alfa, beta = result.organisations
    assert (alfa.n, alfa.score, alfa.counts) == (
        3,
        87.5,
        AnswerCounts((0, 0, 0, 1, 1), 1),
    )
    assert (beta.n, beta.score, beta.counts) == (
        2,
        25.0,
        AnswerCounts((0, 2, 0, 0, 0), 0),
    )
    assert result.gap == 62.5  # 87.5 - 25
    assert result.gap_flag == SIGNIFICANT


def test_an_organisation_below_the_privacy_minimum_shows_nothing_on_a_statement():
    method = Method(privacy_minimum=3)
    responses = people("Alfa", [5, 5, 4]) + people("Beta", [1, 1])
    result = scoring.score_statement(Q, responses, ["Alfa", "Beta"], method)
    alfa, beta = result.organisations
    assert alfa.score == pytest.approx(91.6666, abs=1e-3) and alfa.counts is not None
    assert beta.withheld and beta.score is None and beta.counts is None
    assert beta.n == 2  # how many: that is what the results page shows too
    # No gap either: it would give Beta's figure away.
    assert result.gap is None and result.gap_flag is None


def test_workshop_groups_pass_the_minimum_but_one_person_with_a_group_does_not():
    method = Method(privacy_minimum=3)
    groups = scoring.score_statement(
        Q, people("Alfa", [2], group=True), ["Alfa"], method
    )
    assert groups.organisations[0].score == 25.0
    mixed = people("Alfa", [2], group=True) + people("Alfa", [5])
    assert scoring.score_statement(Q, mixed, ["Alfa"], method).organisations[0].withheld


def test_an_organisation_that_did_not_answer_the_statement_has_no_figures():
    responses = people("Alfa", [3]) + people("Beta", [4], code="other")
    result = scoring.score_statement(Q, responses, ["Alfa", "Beta"], METHOD)
    beta = result.organisations[1]
    assert (beta.n, beta.score, beta.counts, beta.withheld) == (0, None, None, False)
    assert result.gap is None


@given(
    st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=8),
    st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=8),
    st.randoms(),
)
def test_order_of_the_responses_does_not_change_a_statement(alfa, beta, rng):
    responses = people("Alfa", alfa) + people("Beta", beta)
    shuffled = list(responses)
    rng.shuffle(shuffled)
    one = scoring.score_statement(Q, responses, ["Alfa", "Beta"], METHOD)
    two = scoring.score_statement(Q, shuffled, ["Alfa", "Beta"], METHOD)
    assert one.gap == pytest.approx(two.gap) if one.gap is not None else two.gap is None
    for a, b in zip(one.organisations, two.organisations, strict=True):
        assert a.counts == b.counts and a.n == b.n
    if one.gap is not None:
        assert 0 <= one.gap <= 100


def test_the_most_disagreed_statements_are_the_flagged_ones_largest_gap_first():
    def statement(code, gap):
        return scoring.StatementResult(code, (), gap, scoring.gap_flag(gap, METHOD))

    statements = [
        statement("a", 30.0),
        statement("b", 50.0),
        statement("c", 10.0),  # below the attention gap: never highlighted
        statement("d", 30.0),
        statement("e", None),
    ]
    assert scoring.most_disagreed(statements) == ("b", "a", "d")
    assert scoring.most_disagreed(statements, limit=1) == ("b",)
    assert statements[0].gap_flag == ATTENTION


# Before and after the discussion ---------------------------------------------------


def test_answers_before_discussion_put_the_first_round_back_on_discussed_statements():
    now = Response("Ann", "Alfa", {"RS4.1": 5, "RS4.2": 4, "BV1.1": 2})
    before = scoring.answers_before_discussion(
        now, {"RS4.1": 1, "BV1.1": 3}, {"RS4.1", "RS4.2"}
    )
    # RS4.2 was only answered in the second round: before, it had no answer. BV1
    # was not discussed: it stays as it is.
    assert before.answers == {"RS4.1": 1, "BV1.1": 2}
    assert before.respondent == "Ann" and before.organisation == "Alfa"
    # Someone who took no part in a live round is left alone.
    assert scoring.answers_before_discussion(now, None, {"RS4.1"}) is now


def test_the_gap_before_and_after_a_second_round_hand_computed():
    rs4 = DimensionSpec("RS4", scoring.LINK, (QuestionSpec("RS4.1"),))
    bv1 = DimensionSpec("BV1", scoring.CONDITION, (QuestionSpec("BV1.1"),))
    # After the second round: Alfa 4 and 4 (75), Beta 3 (50): gap 25.
    responses = [
        Response("A1", "Alfa", {"RS4.1": 4, "BV1.1": 5}),
        Response("A2", "Alfa", {"RS4.1": 4, "BV1.1": 5}),
        Response("B1", "Beta", {"RS4.1": 3, "BV1.1": 1}),
        # Answered by link, not live: counts the same before and after.
        Response("B2", "Beta", {"RS4.1": 3}),
    ]
    after = scoring.score_assessment(METHOD, [bv1, rs4], responses, ["Alfa", "Beta"])
    # First round: A1 said 5, A2 5 (100), B1 said 1 (0), with B2 3 (50): Beta 25.
    first = {"A1": {"RS4.1": 5}, "A2": {"RS4.1": 5}, "B1": {"RS4.1": 1}}
    (row,) = scoring.discussions(METHOD, [bv1, rs4], responses, after, first, {"RS4"})
    assert (row.code, row.gap_before, row.gap_after) == ("RS4", 75.0, 25.0)
    assert (row.flag_before, row.flag_after) == (SIGNIFICANT, ATTENTION)
    assert (row.partnership_before, row.partnership_after) == (62.5, 62.5)
    assert scoring.display(row.gap_before) == 75


def test_the_gap_before_the_discussion_keeps_the_privacy_minimum():
    method = Method(privacy_minimum=2)
    rs4 = DimensionSpec("RS4", scoring.LINK, (QuestionSpec("RS4.1"),))
    responses = [
        Response("A1", "Alfa", {"RS4.1": 4}),
        Response("A2", "Alfa", {"RS4.1": 4}),
        Response("B1", "Beta", {"RS4.1": 2}),  # Beta alone: withheld
    ]
    after = scoring.score_assessment(method, [rs4], responses, ["Alfa", "Beta"])
    first = {"A1": {"RS4.1": 1}, "B1": {"RS4.1": 5}}
    (row,) = scoring.discussions(method, [rs4], responses, after, first, {"RS4"})
    # Only Alfa may be shown, so there is no gap before nor after.
    assert row.gap_before is None and row.gap_after is None
    assert row.partnership_before == 37.5  # A1 0, A2 75
