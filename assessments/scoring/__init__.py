"""The Partnerscan method: readiness, perception gaps, verdict, agenda and trend.

Pure functions on plain values (frozen dataclasses, mappings): no ORM, no request.
`assessments.results` turns database rows into these values; the results page, the
PDF, the exports and the CLI all go through `score_assessment` and `compare`. The
method is explained for consultants in docs/scoring.md. All figures are on a 0-100
scale and are never rounded here; `display` rounds for people.

Steps (DESIGN.md "Scoring"):

1.  item score            s = (a - 1) / 4 * 100, reverse s = (5 - a) / 4 * 100
2.  respondent x dim      sum(w_q * s_q) / sum(w_q) over answered items, defined only
                          when sum(w answered) >= min_coverage * sum(w all)
3.  organisation x dim    mean over its respondents with a defined score; n, min, max,
                          population standard deviation; withheld (None) below the
                          scan's privacy minimum, see `privacy_allows`
4.  partnership x dim     mean over organisations with a defined score
5.  gap                   max - min over organisations (>= 2 defined); pair matrix
6.  block                 sum(w_d * P_d) / sum(w_d) over the block's defined dims
7.  readiness index       block-weighted mean of the defined blocks
8.  band                  green >= green threshold, amber >= amber threshold, else red
9.  verdict               band of the index, capped at amber while any dimension is
                          red or any gap is significant (the zipper rule)
10. agenda / quick wins   see `agenda` and `quick_wins`
11. trend                 see `compare`

Per statement (`score_statements`): per organisation the mean item score of its
respondents who answered it and how many gave each answer; the statement gap is
max - min over the organisations shown.

Modules: `values` (the settings, inputs and frozen results), this one (steps 1-10),
`trend` (step 11), `statements` (statement by statement, and the live session's
rounds). Every name is importable from `assessments.scoring`.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from typing import Any

from .values import (
    AMBER as AMBER,
    ATTENTION as ATTENTION,
    CLOSED as CLOSED,
    CONDITION as CONDITION,
    EPSILON as EPSILON,
    GAP_MARKS as GAP_MARKS,
    GREEN as GREEN,
    LINK as LINK,
    RED as RED,
    SIGNIFICANT as SIGNIFICANT,
    UNCHANGED as UNCHANGED,
    WIDENED as WIDENED,
    AgendaItem as AgendaItem,
    AssessmentResult as AssessmentResult,
    DimensionResult as DimensionResult,
    DimensionSpec as DimensionSpec,
    Method as Method,
    OrganisationScore as OrganisationScore,
    PairGap as PairGap,
    QuestionSpec as QuestionSpec,
    QuickWin as QuickWin,
    RespondentResult as RespondentResult,
    Response as Response,
    Verdict as Verdict,
)


def answer_spread(values: Iterable[object]) -> int | None:
    """How far apart answers on the 1-5 scale lie: max - min of the given answers
    (not "weet niet", nor anything that is not an answer), None with fewer than
    two. The workshop marks a statement by it."""
    numbers = [value for value in values if type(value) is int]
    if len(numbers) < 2:
        return None
    return max(numbers) - min(numbers)


def display(value: float | None, places: int = 0) -> int | float | None:
    """Round half up for people (62.5 -> 63, not Python's 62); None stays None."""
    if value is None:
        return None
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return int(exact) if places == 0 else float(exact)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _at_least(value: float, threshold: float) -> bool:
    return value >= threshold - EPSILON


# Step 1 ---------------------------------------------------------------------------


# Looked up rather than computed: scoring a scan calls this for every answer.
_ITEM_SCORES = {
    False: {a: (a - 1) / 4 * 100 for a in range(1, 6)},
    True: {a: (5 - a) / 4 * 100 for a in range(1, 6)},
}


def item_score(answer: int | None, reverse: bool = False) -> float | None:
    """s = (a - 1) / 4 * 100, or (5 - a) / 4 * 100 when reverse; None stays None."""
    if answer is None:
        return None
    # `type() is int` also refuses True, which would otherwise pass as 1.
    score = _ITEM_SCORES[bool(reverse)].get(answer) if type(answer) is int else None
    if score is None:
        raise ValueError(f"An answer is 1-5 or None, not {answer!r}")
    return score


# Step 2 ---------------------------------------------------------------------------


def respondent_dimension_score(
    dimension: DimensionSpec,
    item_scores: Mapping[str, float | None],
    min_coverage: float,
) -> float | None:
    """Weighted mean of the answered items: sum(w * s) / sum(w).

    `item_scores` maps question code -> item score (None or absent = not answered).
    None ("insufficient data") unless the answered items carry at least
    `min_coverage` of the dimension's question weight.
    """
    total = answered = weighted = 0.0
    # Always summed in question order, so the result is reproducible.
    for q in dimension.questions:
        total += q.weight
        score = item_scores.get(q.code)
        if score is not None:
            answered += q.weight
            weighted += q.weight * score
    if answered <= 0 or not _at_least(answered, min_coverage * total):
        return None
    return weighted / answered


# Steps 3-5 ------------------------------------------------------------------------


def privacy_allows(individuals: int, groups: int, minimum: int) -> bool:
    """The privacy minimum, decided here and nowhere else.

    An organisation's figure on a dimension may be shown, and may count in any
    figure partners see, when it rests on at least `minimum` individual respondents,
    or only on workshop groups (answers the organisation gave together, in the
    room). Anything else is withheld: not shown and not used, so nothing on any
    output can be worked back to the answers of too few people.
    """
    return individuals >= minimum or (individuals == 0 and groups > 0)


def organisation_score(name: str, scores: Iterable[float | None]) -> OrganisationScore:
    """Mean of the defined respondent scores, with n, min, max and the population
    standard deviation sqrt(sum((x - mean)^2) / n) as the spread inside it."""
    defined = [s for s in scores if s is not None]
    if not defined:
        return OrganisationScore(name=name, score=None, n=0)
    mean = _mean(defined)
    sd = math.sqrt(math.fsum((s - mean) ** 2 for s in defined) / len(defined))
    return OrganisationScore(
        name=name, score=mean, n=len(defined), min=min(defined), max=max(defined), sd=sd
    )


def partnership_score(
    organisation_scores: Iterable[OrganisationScore],
) -> float | None:
    """Mean over organisations with a defined score: each counts once, however many
    people it sent."""
    defined = [o.score for o in organisation_scores if o.score is not None]
    return _mean(defined) if defined else None


def gap(organisation_scores: Iterable[OrganisationScore]) -> float | None:
    """max - min over the defined organisation scores; None with fewer than two."""
    defined = [o.score for o in organisation_scores if o.score is not None]
    return max(defined) - min(defined) if len(defined) >= 2 else None


def gap_flag(value: float | None, method: Method) -> str | None:
    """ "significant" at >= gap_significant, "attention" at >= gap_attention."""
    if value is None:
        return None
    if _at_least(value, method.gap_significant):
        return SIGNIFICANT
    if _at_least(value, method.gap_attention):
        return ATTENTION
    return None


def gap_mark(flag: str | None) -> str:
    """ "▲" for a gap that needs attention, "▲▲" for a significant one, else ""."""
    return GAP_MARKS.get(flag, "")


def pair_gaps(
    organisation_scores: Iterable[OrganisationScore],
) -> tuple[PairGap, ...]:
    """|a - b| for every pair of organisations (None when either is undefined)."""
    return tuple(
        PairGap(
            a.name,
            b.name,
            None if a.score is None or b.score is None else abs(a.score - b.score),
        )
        for a, b in combinations(organisation_scores, 2)
    )


# Steps 6-8 ------------------------------------------------------------------------


def block_score(
    dimension_results: Iterable[DimensionResult], kind: str
) -> float | None:
    """sum(w_d * P_d) / sum(w_d) over the block's dimensions with a defined score."""
    defined = [
        (d.weight, d.partnership)
        for d in dimension_results
        if d.kind == kind and d.partnership is not None
    ]
    weight = math.fsum(w for w, _ in defined)
    if weight <= 0:
        return None
    return math.fsum(w * p for w, p in defined) / weight


def block_shares(method: Method) -> dict[str, float]:
    """Each block's share of the index in percent (the method's block weights as
    shares of 100), as the report states them."""
    total = method.condition_weight + method.link_weight
    return {
        CONDITION: 100 * method.condition_weight / total,
        LINK: 100 * method.link_weight / total,
    }


def readiness_index(blocks: Mapping[str, float | None], method: Method) -> float | None:
    """(W_c * B_c + W_l * B_l) / (W_c + W_l) over the defined blocks."""
    weighted = [
        (weight, blocks[kind])
        for kind, weight in (
            (CONDITION, method.condition_weight),
            (LINK, method.link_weight),
        )
        if blocks.get(kind) is not None and weight > 0
    ]
    total = math.fsum(w for w, _ in weighted)
    if total <= 0:
        return None
    return math.fsum(w * b for w, b in weighted) / total


def band(score: float | None, method: Method) -> str | None:
    if score is None:
        return None
    if _at_least(score, method.green):
        return GREEN
    if _at_least(score, method.amber):
        return AMBER
    return RED


# Step 9 ---------------------------------------------------------------------------


def verdict(
    index: float | None, dimension_results: Iterable[DimensionResult], method: Method
) -> Verdict:
    """The zipper rule: the band of the index, but never green while any dimension's
    partnership score is red or any gap is significant. One missing link jams the
    zipper, so the verdict is not a plain average."""
    red = tuple(d.code for d in dimension_results if d.band == RED)
    significant = tuple(d.code for d in dimension_results if d.gap_flag == SIGNIFICANT)
    index_band = band(index, method)
    capped = index_band == GREEN and bool(red or significant)
    return Verdict(
        band=AMBER if capped else index_band,
        index_band=index_band,
        capped=capped,
        red_dimensions=red,
        significant_gaps=significant,
    )


def weakest_link(dimension_results: Iterable[DimensionResult]) -> str | None:
    """The dimension with the lowest partnership score; the first in order on a tie."""
    scored = [d for d in dimension_results if d.partnership is not None]
    if not scored:
        return None
    lowest = min(d.partnership for d in scored)
    return next(d.code for d in scored if d.partnership <= lowest + EPSILON)


def largest_gap(dimension_results: Iterable[DimensionResult]) -> str | None:
    """The dimension with the largest gap above 0; the first in order on a tie."""
    gapped = [d for d in dimension_results if d.gap is not None and d.gap > EPSILON]
    if not gapped:
        return None
    widest = max(d.gap for d in gapped)
    return next(d.code for d in gapped if d.gap >= widest - EPSILON)


# Step 10 --------------------------------------------------------------------------


def agenda(
    dimension_results: Sequence[DimensionResult], method: Method
) -> tuple[AgendaItem, ...]:
    """Bespreekpunten: what most needs a conversation, most urgent first.

    On the agenda: every dimension with a partnership score below green, or with a
    gap flag. Priority = (100 - P) + G, with G = 0 when there is no gap: every point
    short of 100 and every point of disagreement weigh the same. Ties keep dimension
    order; at most `method.agenda_size` items. The advice to read is that of the
    partnership's band `band`, as in the dimension's own section, so one dimension
    never gets two advices; `lowest_band` is the band of the lowest organisation
    (the side that is least ready; P's with one organisation), which the outputs
    name when it differs.
    """
    items = []
    for d in dimension_results:
        if d.partnership is None or (d.band == GREEN and d.gap_flag is None):
            continue
        lowest = min(o.score for o in d.organisations if o.score is not None)
        items.append(
            AgendaItem(
                code=d.code,
                priority=(100 - d.partnership) + (d.gap or 0.0),
                score=d.partnership,
                gap=d.gap,
                band=d.band,
                gap_flag=d.gap_flag,
                low_score=d.band != GREEN,
                lowest_band=band(lowest, method),
            )
        )
    return tuple(_ranked(items, "priority", dimension_results)[: method.agenda_size])


def quick_wins(
    dimension_results: Sequence[DimensionResult],
    agenda_items: Iterable[AgendaItem],
    method: Method,
) -> tuple[QuickWin, ...]:
    """ "Begin klein": strong, shared ground to build a first small success on.

    Candidates: not on the agenda, partnership score at least amber, at least two
    organisations scored and no gap flag. Strength = P - G; the strongest first
    (ties keep dimension order), at most `method.quick_win_size`.
    """
    on_agenda = {item.code for item in agenda_items}
    items = [
        QuickWin(
            code=d.code,
            strength=d.partnership - d.gap,
            score=d.partnership,
            gap=d.gap,
            band=d.band,
        )
        for d in dimension_results
        if d.code not in on_agenda
        and d.band in (GREEN, AMBER)
        and d.gap is not None
        and d.gap_flag is None
    ]
    return tuple(_ranked(items, "strength", dimension_results)[: method.quick_win_size])


def _ranked(
    items: Iterable[AgendaItem | QuickWin],
    attribute: str,
    dimension_results: Sequence[DimensionResult],
) -> list[Any]:
    order = {d.code: position for position, d in enumerate(dimension_results)}
    # Rounding the key keeps float noise from breaking a tie out of dimension order.
    return sorted(
        items, key=lambda i: (-round(getattr(i, attribute), 9), order[i.code])
    )


# Steps 1-10 together --------------------------------------------------------------


def score_respondent(
    dimensions: Iterable[DimensionSpec], response: Response, method: Method
) -> RespondentResult:
    items = {}
    scores = {}
    for dimension in dimensions:
        for q in dimension.questions:
            items[q.code] = item_score(response.answers.get(q.code), q.reverse)
        scores[dimension.code] = respondent_dimension_score(
            dimension, items, method.min_coverage
        )
    return RespondentResult(
        label=response.respondent,
        organisation=response.organisation,
        items=items,
        dimensions=scores,
        group=response.group,
    )


def shown_organisation_score(
    name: str, respondents: Iterable[RespondentResult], code: str, minimum: int
) -> OrganisationScore:
    """Step 3 under the privacy minimum: the organisation's score from its
    respondents' scores on dimension `code`, or a withheld one (see
    `privacy_allows`)."""
    scored = [
        r
        for r in respondents
        if r.organisation == name and r.dimensions[code] is not None
    ]
    groups = sum(r.group for r in scored)
    if scored and not privacy_allows(len(scored) - groups, groups, minimum):
        return OrganisationScore(name=name, score=None, n=len(scored), withheld=True)
    return organisation_score(name, [r.dimensions[code] for r in scored])


def withheld_organisations(
    dimension_results: Iterable[DimensionResult],
) -> tuple[str, ...]:
    """Organisations the privacy minimum hides on every dimension they have scores
    on: they get no column, chart series or pair gap on any output."""
    names = {}
    for d in dimension_results:
        for o in d.organisations:
            if o.n:
                names[o.name] = names.get(o.name, True) and o.withheld
    return tuple(name for name, hidden in names.items() if hidden)


def score_dimension(
    dimension: DimensionSpec,
    respondents: Sequence[RespondentResult],
    organisations: Iterable[str],
    method: Method,
) -> DimensionResult:
    org_scores = tuple(
        shown_organisation_score(
            name, respondents, dimension.code, method.privacy_minimum
        )
        for name in organisations
    )
    partnership = partnership_score(org_scores)
    spread = gap(org_scores)
    return DimensionResult(
        code=dimension.code,
        kind=dimension.kind,
        weight=dimension.weight,
        organisations=org_scores,
        partnership=partnership,
        band=band(partnership, method),
        gap=spread,
        gap_flag=gap_flag(spread, method),
        pairs=pair_gaps(org_scores),
    )


def score_assessment(
    method: Method,
    dimensions: Sequence[DimensionSpec],
    responses: Sequence[Response],
    organisations: Iterable[str] = (),
) -> AssessmentResult:
    """Score one assessment (steps 1-10).

    `dimensions` in display order; `organisations` names the partner organisations
    in display order (an organisation without responses still gets a column);
    organisations only found in `responses` follow in alphabetical order.
    """
    names = list(dict.fromkeys(organisations))
    names += sorted({r.organisation for r in responses} - set(names))
    respondents = tuple(score_respondent(dimensions, r, method) for r in responses)
    results = tuple(score_dimension(d, respondents, names, method) for d in dimensions)
    blocks = {kind: block_score(results, kind) for kind in (CONDITION, LINK)}
    index = readiness_index(blocks, method)
    agenda_items = agenda(results, method)
    return AssessmentResult(
        method=method,
        organisations=tuple(names),
        respondents=respondents,
        dimensions=results,
        blocks=blocks,
        index=index,
        verdict=verdict(index, results, method),
        weakest_link=weakest_link(results),
        largest_gap=largest_gap(results),
        agenda=agenda_items,
        quick_wins=quick_wins(results, agenda_items, method),
        withheld=withheld_organisations(results),
    )


# The trend (step 11) and the statement-by-statement figures live in their own
# modules; their names are part of this module's (imported last: they build on the
# rules above).
from .statements import (
    AnswerCounts as AnswerCounts,
    Discussion as Discussion,
    StatementOrganisation as StatementOrganisation,
    StatementResult as StatementResult,
    answer_counts as answer_counts,
    answers_before_discussion as answers_before_discussion,
    discussions as discussions,
    most_disagreed as most_disagreed,
    score_statement as score_statement,
    score_statements as score_statements,
    statement_score as statement_score,
)
from .trend import (
    DimensionTrend as DimensionTrend,
    Trend as Trend,
    compare as compare,
    display_change as display_change,
    gap_change as gap_change,
)
