"""The results as the documented JSON (docs/scoring.md, "Results JSON").

Built from `build_results_context`, so every figure equals the page's.
"""

from collections.abc import Mapping
from typing import Any

from ..actions.listing import actions_json
from ..models import Assessment
from .context import build_results_context


def results_json(assessment: Assessment, language: str | None = None) -> dict[str, Any]:
    """The results as the documented JSON structure (DESIGN.md "Results JSON").

    Numbers unrounded, null where data is insufficient; folded organisations are
    left out of the per-organisation figures exactly as on the page.
    """
    ctx = build_results_context(assessment, language, with_charts=False)
    return results_json_from_context(ctx)


def _ref(row: Mapping[str, Any] | None, figure: str) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"code": row["code"], "name": row["name"], figure: row[figure]}


STATEMENT_CELL = ("name", "score", "n", "dont_know", "counts", "withheld")


def _statement(row: Mapping[str, Any]) -> dict[str, Any]:
    """A statement as documented in docs/data-formats.md ("statements")."""
    return {
        "code": row["code"],
        "text": row["text"],
        "reverse": row["reverse"],
        "gap": row["gap"],
        "gap_flag": row["gap_flag"],
        "organisations": [
            {key: cell[key] for key in STATEMENT_CELL} for cell in row["organisations"]
        ],
    }


def results_json_from_context(ctx: Mapping[str, Any]) -> dict[str, Any]:
    assessment, question_set = ctx["assessment"], ctx["question_set"]
    trend = ctx["trend"]
    return {
        "assessment": {
            "id": assessment.pk,
            "title": str(assessment),
            "partnership": ctx["partnership"].name,
            "status": assessment.status,
            "question_set": {
                "slug": question_set.slug,
                "version": question_set.version,
            },
            "language": ctx["language"],
        },
        "readiness_index": ctx["index"],
        "index_band": ctx["index_band"],
        "verdict": ctx["verdict"]["band"],
        "capped": ctx["verdict"]["capped"],
        "cap_reasons": {
            "red_dimensions": [r["code"] for r in ctx["verdict"]["red_dimensions"]],
            "significant_gaps": [r["code"] for r in ctx["verdict"]["significant_gaps"]],
        },
        "verdict_reason": str(ctx["verdict"]["reason"]),
        "blocks": {b["kind"]: b["score"] for b in ctx["blocks"]},
        "dimensions": [
            {
                "code": row["code"],
                "kind": row["kind"],
                "name": row["name"],
                "partnership": row["partnership"],
                "band": row["band"],
                "gap": row["gap"],
                "gap_flag": row["gap_flag"],
                "organisations": [
                    {
                        k: o[k]
                        for k in (
                            "name",
                            "score",
                            "band",
                            "n",
                            "min",
                            "max",
                            "sd",
                            "withheld",
                        )
                    }
                    for o in row["organisations"]
                ],
                "pairs": row["pairs"],
                "comments": row["comments"],
                "statements": [_statement(s) for s in row["statements"]],
            }
            for row in ctx["dimensions"]
        ],
        "most_disagreed_statements": [
            {
                "rank": s["rank"],
                "code": s["code"],
                "dimension": s["dimension_code"],
                "gap": s["gap"],
                "gap_flag": s["gap_flag"],
            }
            for s in ctx["top_statements"]
        ],
        "weakest_link": _ref(ctx["weakest_link"], "partnership"),
        "largest_gap": _ref(ctx["largest_gap"], "gap"),
        "agenda": [
            {
                k: item[k]
                for k in item
                if k not in ("band_label", "gap_flag_label", "lowest_band_label")
            }
            for item in ctx["agenda"]
        ],
        "quick_wins": [
            {k: item[k] for k in item if k != "band_label"}
            for item in ctx["quick_wins"]
        ],
        "trend": None
        if trend is None
        else {
            "previous_assessment": trend["previous"].pk,
            "index_then": trend["index_then"],
            "index_now": trend["index_now"],
            "index_delta": trend["index_delta"],
            "verdict_then": trend["verdict_then"],
            "verdict_now": trend["verdict_now"],
            "blocks_delta": trend["blocks_delta"],
            "dimensions": [
                {k: d[k] for k in d if k != "gap_change_label"}
                for d in trend["dimensions"]
            ],
            "method_change": trend["method_change"],
        },
        "actions": actions_json(ctx["actions"]),
        "responses": {
            "privacy_minimum": ctx["privacy_minimum"],
            "organisations": ctx["organisations"],
            **ctx["responses"],
        },
        "folded_organisations": ctx["folded_organisations"],
        "method": ctx["thresholds"]
        | {
            "condition_weight": ctx["method"].condition_weight,
            "link_weight": ctx["method"].link_weight,
        },
    }
