"""Every figure of the results page as plain values: `build_results_context`.

The results page renders this context, and so does the PDF report; `json_export`
turns it into the results JSON. Queries happen in `loading`, scores in
`assessments.scoring`: nothing here computes a score. This module assembles the
context and caches it; the rows come from `rows`, the words from `labels`.

Privacy minimum (`scoring.privacy_allows`, the one place it is decided): an
organisation's figure on a dimension rests on at least `assessment.privacy_minimum`
individual respondents (or only on workshop groups), or it is withheld: no score, no
spread, and it counts nowhere — not in the partnership score, the gap, the blocks,
the index, the verdict, the agenda, the charts, the trend or the comments. An
organisation withheld on every dimension it has answers on is "folded": no column
at all. So nothing shown depends on the answers of too few people; response
counts stay visible (that is how the consultant sees why).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.utils import translation

from .. import charts, scoring
from ..actions.listing import add_action_figures
from ..models import LANGUAGE_CODES, Assessment, DimensionComment, Organisation
from . import loading
from .discussion import add_discussion_rows, agreement_notes
from .fingerprint import fingerprint
from .labels import BAND_LABELS, KIND_LABELS, VERDICT_LABELS, _band, _label, _reason
from .rows import _agenda_rows, _dimension_rows, _organisation_rows, _trend
from .statements import add_statement_rows, render_statement_parts

RESPONSE_COUNTS = (
    "respondents",
    "started",
    "submitted",
    "counted",
    "scored",
    "provisional",
)


def organisations_awaiting_minimum(assessment: Assessment) -> set[str]:
    """Names of the organisations the results leave out altogether for now (the
    privacy minimum), for the assessment page's note: it asks the results rather
    than applying the rule a second time."""
    context = build_results_context(assessment, with_charts=False)
    return {o["name"] for o in context["organisations"] if o["awaiting_minimum"]}


def build_results_context(
    assessment: Assessment, language: str | None = None, with_charts: bool = True
) -> dict[str, Any]:
    """Every figure of the results page, as plain values (see module docstring).

    `assessment` should come with `partnership` and `question_set` selected (the
    access helpers do). Queries, however many respondents: organisations, the
    previous scan and the fingerprint's eight (`results.fingerprint`); when
    something changed also the question set, the one loader's five (both scans in
    one batch), the live rounds, the comments, the agreements and the agreed
    actions (their rows and owners; with a trend, the previous scan's counted).
    Texts and labels are in `language` (default: the active one).

    Keys (numbers unrounded, None where data is insufficient; round with the
    `points` filter or `scoring.display`):
      assessment, partnership, question_set (model instances), language
      method (scoring.Method), result (the raw scoring.AssessmentResult, with every
        organisation; withheld figures are already None there)
      thresholds: green, amber, gap_attention, gap_significant, min_coverage (0-1),
        min_coverage_percent
      organisations: response counts per organisation in partnership order:
        [{name, respondents, started, submitted, counted, scored, provisional,
        folded, awaiting_minimum}]; responses: the same counts summed
      shown_organisations, folded_organisations: names; privacy_minimum;
        withheld_cells: whether a shown organisation is hidden on some dimension
      dimensions: [{code, kind, kind_label, name, description, weight, partnership,
        band, band_label, advice (for its band), gap, gap_flag, gap_flag_label,
        organisations: [{name, score, band, band_label, n, min, max, sd,
        withheld}] (shown organisations only; withheld: below the privacy minimum
        on this dimension,
        every figure None), pairs: [{a, b, gap, gap_flag}] (only with more than
        two shown), questions: [{code, text, weight, reverse}], comments: [text]
        (anonymous, sorted), is_weakest_link, is_largest_gap, statements,
        statements_anchor, statement_gap, statement_gap_flag,
        statement_gap_flag_label}]; statements: one
        row per statement, [{code, text, reverse, dimension_code, dimension_name,
        dimension_anchor, anchor, gap, gap_flag, gap_flag_label, rank (or None),
        organisations: [{name, score, band, band_label, n (1-5 answers),
        dont_know, counts ([1s, 2s, 3s, 4s, 5s]), withheld}] (shown
        organisations; withheld: every figure None)}] (`results.statements`)
      top_statements: the statement rows with the largest gaps, at most ten,
        largest first, each with its rank
      blocks: [{kind, label, score, band, band_label, weight}]
      index, index_band, has_results
      verdict: {band, band_label, label, index_band, index_band_label, capped,
        reason (one sentence), red_dimensions: [row], significant_gaps: [row]}
      weakest_link, largest_gap: a dimension row, or None
      agenda: [{rank, code, name, priority, partnership, band, band_label, gap,
        gap_flag, gap_flag_label, low_score, advice_band (the partnership's band),
        advice (the dimension row's own), lowest_band, lowest_band_label,
        lowest_band_differs}]
      quick_wins: [{rank, code, name, strength, partnership, band, band_label, gap,
        quick_win (the dimension's "begin klein" text, "" when the set has none)}]
      trend: None, or {previous (Assessment), index_then, index_now, index_delta,
        index_delta_points, blocks_delta_points (changes as shown, see
        `scoring.display_change`), verdict_then, verdict_then_label, verdict_now,
        verdict_now_label,
        blocks_delta: {condition, link}, dimensions: [{code, name, score_then,
        score_now, delta, delta_points (between the rounded scores), band_then,
        band_now, gap_then, gap_now, gap_change, gap_change_label}]}
      comments_enabled, has_comments
      discussed: the dimension rows answered in two rounds of a live session,
        each with discussion: {gap_before, gap_after, flag_before, flag_after,
        flag_after_label, change}; agreements: the rows with an agreement (every
        row has `discussion`, None when not discussed, and `agreement`, the text
        or "")
      actions: the agreed actions listed under the scan (`actions.listing.
        action_rows`), action_groups: them by dimension, actions_overdue,
        actions_pending (counts); the trend adds per dimension actions_done,
        actions_pending, actions_dropped (of the previous scan's actions), and
        action_lines, actions_done_total, method_change
      charts: {radar, zipper} SVG markup (safe strings), top_statements_html and
        on every dimension row `statements_html` (the page's HTML of the
        statements, `statements.render_statement_parts`), when `with_charts`
    """
    language = language or translation.get_language() or "nl"
    with translation.override(language):
        return _build(assessment, language, with_charts)


def _page_key(assessment_id: int, language: str, with_charts: bool) -> str:
    return f"partnerscan:results-page:{assessment_id}:{language}:{int(with_charts)}"


def forget_cached(assessment_ids: Iterable[int]) -> None:
    """Drop every cached output of these scans (the scored result, the page's
    figures in each language): an erased or anonymised scan leaves no names or
    comments behind in the cache, where a stale entry would otherwise wait for its
    timeout."""
    keys = []
    for pk in assessment_ids:
        keys.append(loading.scored_key(pk))
        keys += [
            _page_key(pk, language, charts)
            for language in LANGUAGE_CODES
            for charts in (False, True)
        ]
    cache.delete_many(keys)


def _build(assessment: Assessment, language: str, with_charts: bool) -> dict[str, Any]:
    """The cached figures while the scan's fingerprint holds, else fresh ones."""
    organisations = list(
        assessment.partnership.organisations.order_by("position", "name")
    )
    previous = loading.previous_of(assessment)
    stamp = fingerprint(assessment)
    key = _page_key(assessment.pk, language, with_charts)
    cached = cache.get(key)
    if cached is not None and cached[0] == stamp:
        figures = cached[1]
    else:
        figures = _figures(
            assessment, organisations, previous, stamp, language, with_charts
        )
        cache.set(key, (stamp, figures), loading.CACHE_TIMEOUT)
    if figures["trend"] is not None:
        figures["trend"]["previous"] = previous
    return {
        "assessment": assessment,
        "partnership": assessment.partnership,
        "question_set": assessment.question_set,
        **figures,
    }


def _figures(
    assessment: Assessment,
    organisations: Sequence[Organisation],
    previous: Assessment | None,
    stamp: str,
    language: str,
    with_charts: bool,
) -> dict[str, Any]:
    """Everything of the context that is not a model instance (so it can be cached)."""
    dimensions, by_dimension = loading.load_structure(assessment.question_set)
    scored, previous_scored = loading.scored(assessment, previous, stamp)
    result = scored.result
    previous_result = previous_scored.result if previous_scored else None
    comments = defaultdict(list)
    if assessment.allow_comments:
        org_name = {o.pk: o.name for o in organisations}
        for dimension_id, organisation_id, text in DimensionComment.objects.filter(
            respondent__assessment=assessment
        ).values_list("dimension_id", "respondent__organisation_id", "text"):
            if text.strip():
                comments[dimension_id].append(
                    (org_name.get(organisation_id), text.strip())
                )

    org_rows = _organisation_rows(assessment, organisations, scored)
    shown = [o["name"] for o in org_rows if not o["folded"]]
    rows = _dimension_rows(
        result, dimensions, by_dimension, set(shown), comments, language
    )
    # Live session: gap before and after a second round, agreements.
    add_discussion_rows(
        rows, dimensions, scored.discussions, agreement_notes(assessment)
    )
    top_statements = add_statement_rows(rows, scored.statements, result.method)
    rows_by_code = {row["code"]: row for row in rows}
    agenda, wins = _agenda_rows(
        result, rows_by_code, language, {d.code: d for d in dimensions}
    )
    method = result.method
    verdict = result.verdict
    context = {
        "language": language,
        "method": method,
        "result": result,
        "thresholds": {
            "green": method.green,
            "amber": method.amber,
            "gap_attention": method.gap_attention,
            "gap_significant": method.gap_significant,
            "min_coverage": method.min_coverage,
            "min_coverage_percent": scoring.display(100 * method.min_coverage),
        },
        "organisations": org_rows,
        "shown_organisations": shown,
        "folded_organisations": [o["name"] for o in org_rows if o["folded"]],
        "withheld_cells": any(
            cell["withheld"] for row in rows for cell in row["organisations"]
        ),
        "privacy_minimum": assessment.privacy_minimum,
        "responses": {key: sum(o[key] for o in org_rows) for key in RESPONSE_COUNTS},
        "dimensions": rows,
        "blocks": [
            {
                "kind": kind,
                "label": _label(KIND_LABELS, kind),
                "score": result.blocks[kind],
                **_band(scoring.band(result.blocks[kind], method)),
                "weight": weight,
            }
            for kind, weight in (
                (scoring.CONDITION, method.condition_weight),
                (scoring.LINK, method.link_weight),
            )
        ],
        "index": result.index,
        "index_band": verdict.index_band,
        "has_results": result.index is not None,
        "verdict": {
            **_band(verdict.band),
            "label": _label(VERDICT_LABELS, verdict.band),
            "index_band": verdict.index_band,
            "index_band_label": _label(BAND_LABELS, verdict.index_band),
            "capped": verdict.capped,
            "reason": _reason(result, rows_by_code),
            "red_dimensions": [rows_by_code[c] for c in verdict.red_dimensions],
            "significant_gaps": [rows_by_code[c] for c in verdict.significant_gaps],
        },
        "weakest_link": rows_by_code.get(result.weakest_link),
        "largest_gap": rows_by_code.get(result.largest_gap),
        "agenda": agenda,
        "quick_wins": wins,
        "trend": _trend(previous, previous_result, result, rows_by_code),
        "comments_enabled": assessment.allow_comments,
        "has_comments": any(row["comments"] for row in rows),
        "top_statements": top_statements,
        "discussed": [row for row in rows if row["discussion"]],
        "agreements": [row for row in rows if row["agreement"]],
    }
    add_action_figures(context, assessment, previous)
    if with_charts:
        context["charts"] = {
            "radar": charts.radar_chart(rows, shown),
            "zipper": charts.zipper_chart(rows, shown, method),
        }
        context["top_statements_html"] = render_statement_parts(rows, top_statements)
    return context
