"""Where the partners disagree, statement by statement: `scoring.score_statements`
and the ten statements they differ on most, without a database. Hand-computed
tables (the worked example of docs/scoring.md), plus property tests for order
independence, equal weight per organisation and the privacy minimum."""

import pytest
from hypothesis import given, settings, strategies as st

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
ORGS = ("Alfa", "Beta", "Gamma")
# Two dimensions of two statements; BV1.2 is reverse scored.
BV1 = DimensionSpec(
    "BV1",
    scoring.CONDITION,
    (QuestionSpec("BV1.1"), QuestionSpec("BV1.2", reverse=True)),
)
RS4 = DimensionSpec("RS4", scoring.LINK, (QuestionSpec("RS4.1"), QuestionSpec("RS4.2")))
DIMENSIONS = (BV1, RS4)


def scan(responses, method=METHOD, organisations=ORGS):
    result = scoring.score_assessment(method, DIMENSIONS, responses, organisations)
    return scoring.score_statements(DIMENSIONS, responses, result)


# The worked example of docs/scoring.md, "Statement by statement". None is "weet
# niet"; a code left out was not answered.
EXAMPLE = [
    Response("Anna", "Alfa", {"BV1.1": 5, "BV1.2": 1, "RS4.1": 4, "RS4.2": 2}),
    Response("Bram", "Alfa", {"BV1.1": 4, "BV1.2": 2, "RS4.1": None, "RS4.2": 3}),
    Response("Carla", "Alfa", {"BV1.1": 4, "BV1.2": None, "RS4.1": 5, "RS4.2": 3}),
    Response("Daan", "Beta", {"BV1.1": 2, "BV1.2": 4, "RS4.1": 2, "RS4.2": 3}),
    Response("Gert", "Gamma", {"BV1.1": 3, "BV1.2": 3, "RS4.1": 1, "RS4.2": 3}),
    Response("Hanna", "Gamma", {"BV1.1": None, "BV1.2": 2, "RS4.1": 2, "RS4.2": 3}),
]


@pytest.mark.parametrize(
    "code, expected, gap, flag",
    [
        # Alfa (100 + 75 + 75) / 3; Beta 25; Gamma 50, Hanna's "weet niet" left out.
        ("BV1.1", {"Alfa": 83.3333, "Beta": 25.0, "Gamma": 50.0}, 58.3333, SIGNIFICANT),
        # Reverse: 1 -> 100, 2 -> 75, 4 -> 25, 3 -> 50.
        ("BV1.2", {"Alfa": 87.5, "Beta": 25.0, "Gamma": 62.5}, 62.5, SIGNIFICANT),
        ("RS4.1", {"Alfa": 87.5, "Beta": 25.0, "Gamma": 12.5}, 75.0, SIGNIFICANT),
        # Everyone on 3 but Anna on 2: Alfa (25 + 50 + 50) / 3.
        ("RS4.2", {"Alfa": 41.6667, "Beta": 50.0, "Gamma": 50.0}, 8.3333, None),
    ],
)
def test_the_worked_example_statement_by_statement(code, expected, gap, flag):
    statements = {s.code: s for group in scan(EXAMPLE).values() for s in group}
    statement = statements[code]
    assert {o.name: o.score for o in statement.organisations} == pytest.approx(
        expected, abs=1e-4
    )
    assert statement.gap == pytest.approx(gap, abs=1e-4)
    assert statement.gap_flag == flag


@pytest.mark.parametrize(
    "code, organisation, n, counts, dont_know",
    [
        ("BV1.1", "Alfa", 3, (0, 0, 0, 2, 1), 0),
        ("BV1.1", "Gamma", 2, (0, 0, 1, 0, 0), 1),
        ("BV1.2", "Alfa", 3, (1, 1, 0, 0, 0), 1),
        ("RS4.1", "Alfa", 3, (0, 0, 0, 1, 1), 1),
        ("RS4.2", "Gamma", 2, (0, 0, 2, 0, 0), 0),
    ],
)
def test_every_organisation_shows_how_many_gave_each_answer(
    code, organisation, n, counts, dont_know
):
    statements = {s.code: s for group in scan(EXAMPLE).values() for s in group}
    cell = next(o for o in statements[code].organisations if o.name == organisation)
    assert cell.n == n  # answered, "weet niet" too
    assert cell.counts == AnswerCounts(counts, dont_know)


def test_the_worked_example_under_a_privacy_minimum_of_two():
    statements = scan(EXAMPLE, Method(privacy_minimum=2))
    bv11, rs41 = statements["BV1"][0], statements["RS4"][0]
    # Beta is folded: no cell. Gamma's BV1 rests on Gert alone: hidden there.
    assert [o.name for o in bv11.organisations] == ["Alfa", "Gamma"]
    assert bv11.organisations[1].withheld and bv11.gap is None
    assert bv11.organisations[0].score == pytest.approx(83.3333, abs=1e-4)
    assert [(o.name, o.score) for o in rs41.organisations] == [
        ("Alfa", 87.5),
        ("Gamma", 12.5),
    ]
    assert rs41.gap == 75.0


def test_statements_come_per_dimension_in_question_order():
    statements = scan(EXAMPLE)
    assert list(statements) == ["BV1", "RS4"]
    assert [s.code for s in statements["BV1"]] == ["BV1.1", "BV1.2"]
    assert [o.name for o in statements["RS4"][0].organisations] == list(ORGS)


def test_an_organisation_that_answered_nothing_has_an_empty_cell():
    responses = [r for r in EXAMPLE if r.organisation != "Beta"]
    beta = scan(responses)["BV1"][0].organisations[1]
    assert (beta.name, beta.n, beta.score, beta.counts, beta.withheld) == (
        "Beta",
        0,
        None,
        None,
        False,
    )


def test_only_dont_know_gives_counts_but_no_score():
    responses = [
        Response("A", "Alfa", {"BV1.1": None}),
        Response("B", "Beta", {"BV1.1": 4}),
    ]
    statement = scan(responses, organisations=("Alfa", "Beta"))["BV1"][0]
    alfa = statement.organisations[0]
    assert (alfa.score, alfa.counts) == (None, AnswerCounts((0, 0, 0, 0, 0), 1))
    assert statement.gap is None  # one organisation with a score: no gap


# The privacy minimum -----------------------------------------------------------------


def test_an_organisation_below_the_minimum_gets_no_cell_at_all():
    """Alfa has one respondent under a minimum of two: folded, as everywhere."""
    method = Method(privacy_minimum=2)
    responses = [
        Response("A1", "Alfa", {"BV1.1": 1, "BV1.2": 5}),
        *[Response(f"B{i}", "Beta", {"BV1.1": 4, "BV1.2": 2}) for i in range(2)],
        *[Response(f"G{i}", "Gamma", {"BV1.1": 5, "BV1.2": 1}) for i in range(2)],
    ]
    result = scoring.score_assessment(method, DIMENSIONS, responses, ORGS)
    assert result.withheld == ("Alfa",)
    statements = scoring.score_statements(DIMENSIONS, responses, result)
    for group in statements.values():
        for statement in group:
            assert [o.name for o in statement.organisations] == ["Beta", "Gamma"]
    # The gap is Beta's and Gamma's alone: 100 - 75.
    assert statements["BV1"][0].gap == 25.0


def test_a_dimension_withheld_for_an_organisation_hides_its_statements():
    """Beta has two respondents, but only one answered enough of RS4 for a score:
    its RS4 score is withheld, so its RS4 statements are too, even RS4.1, which
    both answered."""
    method = Method(privacy_minimum=2)
    responses = [
        *[
            Response(f"A{i}", "Alfa", {"BV1.1": 4, "BV1.2": 2, "RS4.1": 4, "RS4.2": 4})
            for i in range(2)
        ],
        Response("B1", "Beta", {"BV1.1": 2, "BV1.2": 4, "RS4.1": 1, "RS4.2": 1}),
        # One of two RS4 statements: below the minimum coverage of 2/3.
        Response("B2", "Beta", {"BV1.1": 2, "BV1.2": 4, "RS4.1": 1}),
    ]
    result = scoring.score_assessment(method, DIMENSIONS, responses, ("Alfa", "Beta"))
    statements = scoring.score_statements(DIMENSIONS, responses, result)
    rs41 = statements["RS4"][0]
    beta = rs41.organisations[1]
    assert beta.withheld and beta.score is None and beta.counts is None
    assert rs41.gap is None
    # On BV1 Beta is shown: both scored there.
    assert statements["BV1"][0].organisations[1].score == 25.0


def test_one_answer_beside_a_dont_know_is_not_shown():
    """Two of Alfa answered BV1.1, but one said "weet niet": the mean would be the
    other's answer. The minimum counts those who gave a 1-5 answer too."""
    method = Method(privacy_minimum=2)
    responses = [
        Response("A1", "Alfa", {"BV1.1": 5}),
        Response("A2", "Alfa", {"BV1.1": None}),
    ]
    statement = scoring.score_statement(
        QuestionSpec("BV1.1"), responses, ["Alfa"], method
    )
    assert statement.organisations[0].withheld
    # The same two with two answers pass.
    both = [responses[0], Response("A2", "Alfa", {"BV1.1": 3})]
    statement = scoring.score_statement(QuestionSpec("BV1.1"), both, ["Alfa"], method)
    assert statement.organisations[0].score == 75.0


def test_a_statement_withheld_on_its_own_rests_on_too_few_answers():
    statement = scoring.score_statement(
        QuestionSpec("BV1.1"),
        [Response("A1", "Alfa", {"BV1.1": 2})],
        ["Alfa"],
        Method(privacy_minimum=2),
        hidden=(),
    )
    assert statement.organisations[0].withheld
    hidden = scoring.score_statement(
        QuestionSpec("BV1.1"), [], ["Alfa"], METHOD, hidden={"Alfa"}
    )
    # Hidden on its dimension: withheld even without an answer here.
    assert hidden.organisations[0].withheld


# The statements the partners differ on most ------------------------------------------


def _statement(code, gap):
    return scoring.StatementResult(code, (), gap, scoring.gap_flag(gap, METHOD))


def test_the_most_disagreed_across_the_scan_take_any_gap_largest_first():
    statements = [
        _statement("a", 12.5),
        _statement("b", 50.0),
        _statement("c", 0.0),  # no difference at all: never listed
        _statement("d", 12.5),
        _statement("e", None),
        _statement("f", 30.0),
    ]
    ranked = scoring.most_disagreed(statements, limit=10, flagged_only=False)
    assert ranked == ("b", "f", "a", "d")  # ties keep statement order
    assert scoring.most_disagreed(statements, limit=2, flagged_only=False) == (
        "b",
        "f",
    )
    # The live session lists the flagged ones only.
    assert scoring.most_disagreed(statements) == ("b", "f")
    assert statements[5].gap_flag == ATTENTION


def test_the_worked_example_ranks_rs41_first():
    every = [s for group in scan(EXAMPLE).values() for s in group]
    assert scoring.most_disagreed(every, limit=10, flagged_only=False) == (
        "RS4.1",
        "BV1.2",
        "BV1.1",
        "RS4.2",
    )


# Properties ---------------------------------------------------------------------------

answer = st.one_of(st.none(), st.integers(1, 5))
answers = st.fixed_dictionaries(
    {},
    optional={q.code: answer for d in DIMENSIONS for q in d.questions},
)
people = st.lists(
    st.tuples(st.sampled_from(ORGS), answers, st.booleans()), min_size=1, max_size=10
)


def _responses(drawn):
    return [
        Response(f"R{i}", organisation, given, group)
        for i, (organisation, given, group) in enumerate(drawn)
    ]


def _figures(statements):
    return {
        s.code: (
            s.gap,
            s.gap_flag,
            [(o.name, o.n, o.score, o.counts, o.withheld) for o in s.organisations],
        )
        for group in statements.values()
        for s in group
    }


@settings(max_examples=60)
@given(people, st.randoms(), st.integers(1, 3))
def test_the_order_of_the_responses_changes_nothing(drawn, rng, minimum):
    method = Method(privacy_minimum=minimum)
    responses = _responses(drawn)
    shuffled = list(responses)
    rng.shuffle(shuffled)
    assert _figures(scan(responses, method)) == _figures(scan(shuffled, method))


@settings(max_examples=60)
@given(people, st.sampled_from(ORGS), st.integers(2, 4))
def test_an_organisation_weighs_the_same_however_many_people_it_sent(
    drawn, organisation, copies
):
    """Every respondent of one organisation answering `copies` times over: its
    statement scores, and so every gap, stay the same."""
    responses = _responses(drawn)
    more = responses + [
        Response(f"{r.respondent} copy {k}", r.organisation, r.answers, r.group)
        for r in responses
        if r.organisation == organisation
        for k in range(copies - 1)
    ]
    before, after = scan(responses), scan(more)
    for code, (gap, flag, cells) in _figures(before).items():
        gap_after, flag_after, cells_after = _figures(after)[code]
        assert gap_after == pytest.approx(gap) if gap is not None else gap_after is None
        assert flag_after == flag
        for cell, cell_after in zip(cells, cells_after, strict=True):
            score, score_after = cell[2], cell_after[2]
            assert (
                score_after == pytest.approx(score)
                if score is not None
                else (score_after is None)
            )
    for group in after.values():
        for statement in group:
            if statement.gap is not None:
                assert 0 <= statement.gap <= 100


@settings(max_examples=60)
@given(people, st.lists(answers, min_size=1, max_size=2), st.lists(answers, max_size=2))
def test_answers_below_the_minimum_move_nothing(drawn, hidden_a, hidden_b):
    """Delta, with fewer individual respondents than the minimum of three, answers
    one way or another: every figure shown stays the same, and Delta shows none."""
    method = Method(privacy_minimum=3)
    organisations = (*ORGS, "Delta")
    others = _responses(drawn)

    def figures(hidden):
        responses = others + [
            Response(f"D{i}", "Delta", given) for i, given in enumerate(hidden)
        ]
        return _figures(scan(responses, method, organisations))

    one, two = figures(hidden_a), figures(hidden_b)
    for figures_ in (one, two):
        for _gap, _flag, cells in figures_.values():
            assert all(
                cell[2] is None and cell[3] is None
                for cell in cells
                if cell[0] == "Delta"
            )

    def without_delta(figures_):
        return {
            code: (gap, flag, [c for c in cells if c[0] != "Delta"])
            for code, (gap, flag, cells) in figures_.items()
        }

    assert without_delta(one) == without_delta(two)
