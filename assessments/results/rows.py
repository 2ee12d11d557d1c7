"""The rows of the results context: one per dimension, organisation, agenda item,
quick win and trend dimension, as plain values (`context._figures` assembles them).

Scores come from `assessments.scoring`; rows only pick, label and localize them, and
leave out what the privacy minimum withholds.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from .. import scoring
from ..models import Assessment, Dimension, Organisation, localized
from . import loading
from .labels import (
    BAND_LABELS,
    GAP_CHANGE_LABELS,
    GAP_LABELS,
    KIND_LABELS,
    VERDICT_LABELS,
    _band,
    _label,
)


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
                # One advice per dimension: the partnership's band, as in the
                # dimension's own section; the least ready side's band is named
                # beside it when it is lower (docs/scoring.md, step 10).
                "advice_band": item.band,
                "advice": row["advice"],
                "lowest_band": item.lowest_band,
                "lowest_band_label": _label(BAND_LABELS, item.lowest_band),
                "lowest_band_differs": item.lowest_band != item.band,
            }
        )
    wins = []
    for rank, item in enumerate(result.quick_wins, start=1):
        row = rows_by_code[item.code]
        dim = dimensions_by_code[item.code]
        wins.append(
            {
                "rank": rank,
                "code": item.code,
                "name": row["name"],
                "strength": item.strength,
                "partnership": item.score,
                **_band(item.band),
                "gap": item.gap,
                # Its own "begin klein" text, never the improvement advice; a set
                # without one shows the dimension alone.
                "quick_win": localized(dim, "quick_win", language),
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
