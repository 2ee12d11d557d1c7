"""Every figure of the results page as plain values: `build_results_context`.

The results page renders this context, and so does the PDF report; `export`
turns it into the results JSON. Queries happen in `loading`, scores in
`assessments.scoring`: nothing here computes a score.

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
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import charts, scoring
from ..models import Assessment, Dimension, DimensionComment, Organisation, localized
from . import loading
from .fingerprint import fingerprint

BAND_LABELS = {
    scoring.GREEN: gettext_lazy("green"),
    scoring.AMBER: gettext_lazy("amber"),
    scoring.RED: gettext_lazy("red"),
}
VERDICT_LABELS = {
    scoring.GREEN: gettext_lazy("Ready for the next step"),
    scoring.AMBER: gettext_lazy("Ready, with conditions"),
    scoring.RED: gettext_lazy("Not ready yet"),
}
GAP_LABELS = {
    scoring.ATTENTION: gettext_lazy("needs attention"),
    scoring.SIGNIFICANT: gettext_lazy("significant"),
}
GAP_CHANGE_LABELS = {
    scoring.CLOSED: gettext_lazy("narrowed"),
    scoring.WIDENED: gettext_lazy("widened"),
    scoring.UNCHANGED: gettext_lazy("unchanged"),
}
RESPONSE_COUNTS = (
    "respondents",
    "started",
    "submitted",
    "counted",
    "scored",
    "provisional",
)
KIND_LABELS = {
    scoring.CONDITION: gettext_lazy("basic conditions"),
    scoring.LINK: gettext_lazy("zipper links"),
}


def _label(labels: Mapping[str, Any], key: str | None) -> str:
    """Labels are evaluated here, inside the requested language."""
    return str(labels[key]) if key in labels else ""


def _band(band: str | None) -> dict[str, str | None]:
    return {"band": band, "band_label": _label(BAND_LABELS, band)}


def _names(rows: Sequence[Mapping[str, Any]]) -> str:
    names = [row["name"] for row in rows]
    if len(names) <= 1:
        return "".join(names)
    return _("%(list)s and %(last)s") % {
        "list": ", ".join(names[:-1]),
        "last": names[-1],
    }


def _reason(
    result: scoring.AssessmentResult, rows_by_code: Mapping[str, dict[str, Any]]
) -> str:
    """The verdict in one sentence."""
    verdict, method = result.verdict, result.method
    if verdict.band is None:
        return _("There are not enough answers yet for a verdict.")
    n_red = len(verdict.red_dimensions)
    weakest = rows_by_code[result.weakest_link]
    values = {
        "index": scoring.display(result.index),
        "green": scoring.display(method.green),
        "amber": scoring.display(method.amber),
        "weakest": weakest["name"],
        "score": scoring.display(weakest["partnership"]),
        "n": n_red,
        "red": _names([rows_by_code[c] for c in verdict.red_dimensions]),
        "split": _names([rows_by_code[c] for c in verdict.significant_gaps]),
    }
    if verdict.capped and n_red and verdict.significant_gaps:
        text = ngettext(
            "The index of %(index)s is green, but one weak link jams the zipper: the "
            "verdict stays amber because %(red)s scores red and the partners see "
            "%(split)s very differently.",
            "The index of %(index)s is green, but one weak link jams the zipper: the "
            "verdict stays amber because %(red)s score red and the partners see "
            "%(split)s very differently.",
            n_red,
        )
    elif verdict.capped and n_red:
        text = ngettext(
            "The index of %(index)s is green, but one weak link jams the zipper: the "
            "verdict stays amber because %(red)s scores red.",
            "The index of %(index)s is green, but one weak link jams the zipper: the "
            "verdict stays amber because %(red)s score red.",
            n_red,
        )
    elif verdict.capped:
        text = _(
            "The index of %(index)s is green, but one weak link jams the zipper: the "
            "verdict stays amber because the partners see %(split)s very differently."
        )
    elif verdict.band == scoring.GREEN:
        text = _(
            "The index of %(index)s is green, no dimension is red and no gap is "
            "significant; the weakest link is %(weakest)s (%(score)s)."
        )
    elif verdict.band == scoring.AMBER and n_red:
        text = ngettext(
            "The index of %(index)s lies between %(amber)s and %(green)s and "
            "%(n)s dimension scores red; the weakest link is %(weakest)s (%(score)s).",
            "The index of %(index)s lies between %(amber)s and %(green)s and "
            "%(n)s dimensions score red; the weakest link is %(weakest)s (%(score)s).",
            n_red,
        )
    elif verdict.band == scoring.AMBER:
        text = _(
            "The index of %(index)s lies between %(amber)s and %(green)s; the weakest "
            "link is %(weakest)s (%(score)s)."
        )
    else:
        text = _(
            "The index of %(index)s is below %(amber)s; the weakest link is "
            "%(weakest)s (%(score)s)."
        )
    return text % values


def _dimension_rows(
    result: scoring.AssessmentResult,
    dimensions: Sequence[Dimension],
    by_dimension: Mapping[int, Sequence[Any]],
    shown: set[str],
    comments: Mapping[int, Sequence[tuple[str | None, str]]],
    language: str,
) -> list[dict[str, Any]]:
    rows = []
    for dim, res in zip(dimensions, result.dimensions, strict=True):
        orgs = [o for o in res.organisations if o.name in shown]
        minimum = result.method.privacy_minimum
        rows.append(
            {
                "code": dim.code,
                "kind": dim.kind,
                "kind_label": _label(KIND_LABELS, dim.kind),
                "name": localized(dim, "name", language),
                "description": localized(dim, "description", language),
                "weight": dim.weight,
                "partnership": res.partnership,
                **_band(res.band),
                "advice": localized(dim, f"advice_{res.band}", language)
                if res.band
                else "",
                "gap": res.gap,
                "gap_flag": res.gap_flag,
                "gap_flag_label": _label(GAP_LABELS, res.gap_flag),
                "organisations": [
                    {
                        "name": o.name,
                        "score": o.score,
                        **_band(scoring.band(o.score, result.method)),
                        "n": o.n,
                        "min": o.min,
                        "max": o.max,
                        "sd": o.sd,
                        "withheld": o.withheld,
                    }
                    for o in orgs
                ],
                "pairs": [
                    {
                        "a": p.a,
                        "b": p.b,
                        "gap": p.gap,
                        "gap_flag": scoring.gap_flag(p.gap, result.method),
                    }
                    for p in res.pairs
                    if p.a in shown and p.b in shown
                ]
                if len(shown) > 2
                else [],
                "questions": [
                    {
                        "code": q.code,
                        "text": localized(q, "text", language),
                        "weight": q.weight,
                        "reverse": q.reverse,
                    }
                    for q in by_dimension[dim.pk]
                ],
                # A comment is the input of its writer as much as an answer is:
                # shown only where the writer's organisation may be shown.
                "comments": sorted(
                    text
                    for organisation, text in comments.get(dim.pk, [])
                    if _comment_allowed(res, organisation, minimum)
                ),
                "is_weakest_link": dim.code == result.weakest_link,
                "is_largest_gap": dim.code == result.largest_gap,
            }
        )
    return rows


def _comment_allowed(
    dimension_result: scoring.DimensionResult,
    organisation: str | None,
    minimum: int,
) -> bool:
    cell = next(
        (o for o in dimension_result.organisations if o.name == organisation), None
    )
    if cell is None or cell.withheld:
        return False
    # With no scored respondent behind it, a comment stands alone: only a minimum
    # of one allows that.
    return cell.n > 0 or minimum <= 1


def _organisation_rows(
    assessment: Assessment,
    organisations: Sequence[Organisation],
    scored: loading.Scored,
) -> list[dict[str, Any]]:
    with_score = defaultdict(int)
    for r in scored.result.respondents:
        if any(v is not None for v in r.dimensions.values()):
            with_score[r.organisation] += 1
    rows = []
    for org in organisations:
        mine = [p for p in scored.people if p.organisation_id == org.pk]
        n = with_score[org.name]
        rows.append(
            {
                "name": org.name,
                "respondents": len(mine),
                "started": sum(p.started for p in mine),
                "submitted": sum(p.submitted for p in mine),
                "counted": sum(p.counted for p in mine),
                "scored": n,
                "provisional": sum(p.counted and not p.submitted for p in mine),
                "folded": org.name in scored.result.withheld,
                # Nothing of it in the results yet: left out by the privacy
                # minimum, or no score yet while a minimum above one applies.
                "awaiting_minimum": org.name in scored.result.withheld
                or (n == 0 and assessment.privacy_minimum > 1),
            }
        )
    return rows


def _agenda_rows(
    result: scoring.AssessmentResult,
    rows_by_code: Mapping[str, dict[str, Any]],
    language: str,
    dimensions_by_code: Mapping[str, Dimension],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    agenda = []
    for rank, item in enumerate(result.agenda, start=1):
        row = rows_by_code[item.code]
        dim = dimensions_by_code[item.code]
        agenda.append(
            {
                "rank": rank,
                "code": item.code,
                "name": row["name"],
                "priority": item.priority,
                "partnership": item.score,
                **_band(item.band),
                "gap": item.gap,
                "gap_flag": item.gap_flag,
                "gap_flag_label": _label(GAP_LABELS, item.gap_flag),
                "low_score": item.low_score,
                "advice_band": item.advice_band,
                "advice": localized(dim, f"advice_{item.advice_band}", language),
            }
        )
    wins = []
    for rank, item in enumerate(result.quick_wins, start=1):
        row = rows_by_code[item.code]
        wins.append(
            {
                "rank": rank,
                "code": item.code,
                "name": row["name"],
                "strength": item.strength,
                "partnership": item.score,
                **_band(item.band),
                "gap": item.gap,
                "advice": row["advice"],
            }
        )
    return agenda, wins


def _trend(
    previous: Assessment | None,
    previous_result: scoring.AssessmentResult | None,
    result: scoring.AssessmentResult,
    rows_by_code: Mapping[str, dict[str, Any]],
) -> dict[str, Any] | None:
    if previous_result is None:
        return None
    trend = scoring.compare(previous_result, result)
    return {
        "previous": previous,
        "index_then": trend.index_then,
        "index_now": trend.index_now,
        "index_delta": trend.index_delta,
        "index_delta_points": scoring.display_change(trend.index_then, trend.index_now),
        "verdict_then": trend.verdict_then,
        "verdict_then_label": _label(VERDICT_LABELS, trend.verdict_then),
        "verdict_now": trend.verdict_now,
        "verdict_now_label": _label(VERDICT_LABELS, trend.verdict_now),
        "blocks_delta": dict(trend.blocks_delta),
        "blocks_delta_points": {
            kind: scoring.display_change(
                previous_result.blocks.get(kind), result.blocks.get(kind)
            )
            for kind in (scoring.CONDITION, scoring.LINK)
        },
        "dimensions": [
            {
                "code": d.code,
                "name": rows_by_code[d.code]["name"] if d.code in rows_by_code else "",
                "score_then": d.score_then,
                "score_now": d.score_now,
                "delta": d.delta,
                "delta_points": scoring.display_change(d.score_then, d.score_now),
                "band_then": d.band_then,
                "band_now": d.band_now,
                "gap_then": d.gap_then,
                "gap_now": d.gap_now,
                "gap_change": d.gap_change,
                "gap_change_label": _label(GAP_CHANGE_LABELS, d.gap_change),
            }
            for d in trend.dimensions
        ],
    }


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
    previous scan and the fingerprint's six (`results.fingerprint`); when something
    changed also the question set, the one loader's five (both scans in one batch)
    and the comments. Texts and labels are in `language` (default: the active one).

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
        (anonymous, sorted), is_weakest_link, is_largest_gap}]
      blocks: [{kind, label, score, band, band_label, weight}]
      index, index_band, has_results
      verdict: {band, band_label, label, index_band, index_band_label, capped,
        reason (one sentence), red_dimensions: [row], significant_gaps: [row]}
      weakest_link, largest_gap: a dimension row, or None
      agenda: [{rank, code, name, priority, partnership, band, band_label, gap,
        gap_flag, gap_flag_label, low_score, advice_band, advice}]
      quick_wins: [{rank, code, name, strength, partnership, band, band_label, gap,
        advice}]
      trend: None, or {previous (Assessment), index_then, index_now, index_delta,
        index_delta_points, blocks_delta_points (changes as shown, see
        `scoring.display_change`), verdict_then, verdict_then_label, verdict_now,
        verdict_now_label,
        blocks_delta: {condition, link}, dimensions: [{code, name, score_then,
        score_now, delta, delta_points (between the rounded scores), band_then,
        band_now, gap_then, gap_now, gap_change, gap_change_label}]}
      comments_enabled, has_comments
      charts: {radar, zipper} SVG markup (safe strings), when `with_charts`
    """
    language = language or translation.get_language() or "nl"
    with translation.override(language):
        return _build(assessment, language, with_charts)


def _build(assessment: Assessment, language: str, with_charts: bool) -> dict[str, Any]:
    """The cached figures while the scan's fingerprint holds, else fresh ones."""
    organisations = list(
        assessment.partnership.organisations.order_by("position", "name")
    )
    previous = loading.previous_of(assessment)
    stamp = fingerprint(assessment)
    key = f"partnerscan:results-page:{assessment.pk}:{language}:{int(with_charts)}"
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
    }
    if with_charts:
        context["charts"] = {
            "radar": charts.radar_chart(rows, shown),
            "zipper": charts.zipper_chart(rows, shown, method),
        }
    return context
