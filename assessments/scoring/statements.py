"""Statement by statement, and the rounds of a live session (docs/scoring.md).

Part of `assessments.scoring` (which re-exports every public name here): the same
rules, one statement at a time. Pure functions, like the rest of scoring.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import (
    EPSILON,
    AssessmentResult,
    DimensionSpec,
    Method,
    QuestionSpec,
    Response,
    _mean,
    gap_flag,
    item_score,
    privacy_allows,
    score_dimension,
    score_respondent,
)


@dataclass(frozen=True)
class AnswerCounts:
    """How many gave each answer: `values[0]` counts the 1s … `values[4]` the 5s;
    "weet niet" apart."""

    values: tuple[int, int, int, int, int]
    dont_know: int

    @property
    def total(self) -> int:
        return sum(self.values) + self.dont_know


def answer_counts(values: Iterable[int | None]) -> AnswerCounts:
    """Count answers per scale point; None is "weet niet", anything else is refused."""
    counts, dont_know = [0] * 5, 0
    for value in values:
        if value is None:
            dont_know += 1
        elif type(value) is int and 1 <= value <= 5:
            counts[value - 1] += 1
        else:
            raise ValueError(f"An answer is 1-5 or None, not {value!r}")
    return AnswerCounts(tuple(counts), dont_know)


@dataclass(frozen=True)
class StatementOrganisation:
    """One organisation on one statement. `n` counts who answered it ("weet niet"
    too); `withheld`: the privacy minimum hides it (see `score_statement`), so score
    and counts are None."""

    name: str
    n: int
    score: float | None
    counts: AnswerCounts | None
    withheld: bool = False


@dataclass(frozen=True)
class StatementResult:
    code: str
    organisations: tuple[StatementOrganisation, ...]
    gap: float | None
    gap_flag: str | None


def statement_score(
    question: QuestionSpec, values: Iterable[int | None]
) -> float | None:
    """Mean item score (step 1) of the given answers, "weet niet" left out; None
    without any 1-5 answer."""
    scores = [item_score(v, question.reverse) for v in values if v is not None]
    return _mean(scores) if scores else None


# One organisation's answers to one statement: (answer or None, from a workshop group).
_Given = Sequence[tuple[int | None, bool]]


def _statement_allowed(given: _Given, minimum: int) -> bool:
    """`privacy_allows` for everyone who answered the statement and again for those
    who gave it a 1-5 answer: two people of whom one said "weet niet" would
    otherwise show the other's answer."""
    valued = [(v, group) for v, group in given if v is not None]
    return all(
        privacy_allows(
            len(people) - sum(g for _v, g in people),
            sum(g for _v, g in people),
            minimum,
        )
        for people in (given, valued)
        if people
    )


def _statement(
    question: QuestionSpec,
    given: Mapping[str, _Given],
    method: Method,
    hidden: Collection[str],
) -> StatementResult:
    cells = []
    for name, answers in given.items():
        if name in hidden or (
            answers and not _statement_allowed(answers, method.privacy_minimum)
        ):
            cells.append(StatementOrganisation(name, len(answers), None, None, True))
            continue
        values = [v for v, _group in answers]
        cells.append(
            StatementOrganisation(
                name,
                len(answers),
                statement_score(question, values),
                answer_counts(values) if answers else None,
            )
        )
    shown = [c.score for c in cells if c.score is not None]
    spread = max(shown) - min(shown) if len(shown) >= 2 else None
    return StatementResult(
        question.code, tuple(cells), spread, gap_flag(spread, method)
    )


def score_statement(
    question: QuestionSpec,
    responses: Sequence[Response],
    organisations: Iterable[str],
    method: Method,
    hidden: Collection[str] = (),
) -> StatementResult:
    """One statement per organisation: how many gave each answer and the statement
    score (`statement_score`: the mean item score of its respondents who answered
    it), under the privacy minimum; the gap is max - min over the shown
    organisations' scores (at least two), flagged like a dimension's gap.

    An organisation is withheld (no score, no counts, and left out of the gap) when
    it is in `hidden` (its dimension score is withheld), or when `privacy_allows`
    refuses either everyone who answered the statement ("weet niet" too) or those
    who gave it a 1-5 answer.
    """
    given: dict[str, list[tuple[int | None, bool]]] = {
        name: [] for name in organisations
    }
    for r in responses:
        if r.organisation in given and question.code in r.answers:
            given[r.organisation].append((r.answers[question.code], r.group))
    return _statement(question, given, method, hidden)


def score_statements(
    dimensions: Sequence[DimensionSpec],
    responses: Sequence[Response],
    result: AssessmentResult,
) -> dict[str, tuple[StatementResult, ...]]:
    """Every statement of a scan, per dimension code, as `score_statement` scores
    it, for the organisations `result` shows: a folded organisation (see
    `withheld_organisations`) gets no cell, and one withheld on a dimension is
    withheld on each of its statements, so no statement figure shows what the
    dimension hides. One pass over the answers."""
    names = [name for name in result.organisations if name not in result.withheld]
    shown = set(names)
    given = {
        q.code: {name: [] for name in names} for d in dimensions for q in d.questions
    }
    for r in responses:
        if r.organisation not in shown:
            continue
        for code, value in r.answers.items():
            if code in given:
                given[code][r.organisation].append((value, r.group))
    statements = {}
    for spec in dimensions:
        hidden = {
            o.name for o in result.dimension(spec.code).organisations if o.withheld
        }
        statements[spec.code] = tuple(
            _statement(q, given[q.code], result.method, hidden) for q in spec.questions
        )
    return statements


def most_disagreed(
    statements: Sequence[StatementResult], limit: int = 3, flagged_only: bool = True
) -> tuple[str, ...]:
    """The statements the organisations disagree on most: those with a gap flag
    (with `flagged_only` False: any gap above 0), the largest gap first (ties keep
    statement order), at most `limit`."""
    chosen = [
        (s.gap, position, s.code)
        for position, s in enumerate(statements)
        if (s.gap_flag if flagged_only else s.gap is not None and s.gap > EPSILON)
    ]
    chosen.sort(key=lambda item: (-round(item[0], 9), item[1]))
    return tuple(code for _gap, _position, code in chosen[:limit])


def answers_before_discussion(
    response: Response,
    first_round: Mapping[str, int | None] | None,
    discussed: Collection[str],
) -> Response:
    """The response as it stood before a second round: on the `discussed`
    question codes, only the answers it gave in the first round (`first_round`,
    question code -> answer). A respondent who took no part in a live round
    (`first_round` None) is left as it is."""
    if first_round is None:
        return response
    answers = {q: v for q, v in response.answers.items() if q not in discussed}
    answers.update({q: v for q, v in first_round.items() if q in discussed})
    return Response(response.respondent, response.organisation, answers, response.group)


@dataclass(frozen=True)
class Discussion:
    """A dimension answered in two rounds: its gap and partnership score after the
    first round (before the discussion) and now."""

    code: str
    gap_before: float | None
    gap_after: float | None
    flag_before: str | None
    flag_after: str | None
    partnership_before: float | None
    partnership_after: float | None


def discussions(
    method: Method,
    dimensions: Sequence[DimensionSpec],
    responses: Sequence[Response],
    after: AssessmentResult,
    first_rounds: Mapping[str, Mapping[str, int | None]],
    discussed: Collection[str],
) -> tuple[Discussion, ...]:
    """Steps 2-5 again for the `discussed` dimension codes, on the answers as they
    stood before the second round (`answers_before_discussion`, with `first_rounds`
    by respondent label), beside `after`, the scan's result now. Same organisations,
    same privacy minimum; dimensions in display order."""
    specs = [d for d in dimensions if d.code in discussed]
    questions = {q.code for d in specs for q in d.questions}
    before = tuple(
        score_respondent(
            specs,
            answers_before_discussion(r, first_rounds.get(r.respondent), questions),
            method,
        )
        for r in responses
    )
    rows = []
    for spec in specs:
        then = score_dimension(spec, before, after.organisations, method)
        now = after.dimension(spec.code)
        rows.append(
            Discussion(
                spec.code,
                then.gap,
                now.gap,
                then.gap_flag,
                now.gap_flag,
                then.partnership,
                now.partnership,
            )
        )
    return tuple(rows)
