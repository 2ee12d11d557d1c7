"""Where the partners disagree, statement by statement: the statement rows of the
results context (page, PDF, JSON).

Figures come from `scoring.score_statements` through `loading.scored` (the one path
from answers to figures); this only labels them and puts them on the dimension rows.
Folded organisations have no cell, and a cell the privacy minimum withholds carries
no figure at all, not even how many answered.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .. import scoring
from .labels import GAP_LABELS, _band, _label

# "De stellingen waarover de partners het meest verschillen" lists at most this many.
MOST_DISAGREED = 10


def add_statement_rows(
    rows: Sequence[dict[str, Any]],
    statements: Mapping[str, Sequence[scoring.StatementResult]],
    method: scoring.Method,
) -> list[dict[str, Any]]:
    """Give every dimension row `statements` (one row per statement, in question
    order), `statements_anchor` (the id of its drill-down), `statement_gap` (its
    largest statement gap, None without one) with its flag and label; return the
    statements with the largest gaps across the scan, largest first, each with its
    `rank`."""
    every = []
    by_code = {}
    for number, row in enumerate(rows, start=1):
        row["statements_anchor"] = f"statements-{number}"
        texts = {q["code"]: q for q in row["questions"]}
        row["statements"] = []
        for position, result in enumerate(statements.get(row["code"], ()), start=1):
            statement = _statement_row(result, texts[result.code], row, method)
            statement["anchor"] = f"statement-{number}-{position}"
            row["statements"].append(statement)
            every.append(result)
            by_code[result.code] = statement
        gaps = [s["gap"] for s in row["statements"] if s["gap"] is not None]
        row["statement_gap"] = max(gaps) if gaps else None
        row["statement_gap_flag"] = scoring.gap_flag(row["statement_gap"], method)
        row["statement_gap_flag_label"] = _label(GAP_LABELS, row["statement_gap_flag"])
    top = scoring.most_disagreed(every, limit=MOST_DISAGREED, flagged_only=False)
    for rank, code in enumerate(top, start=1):
        by_code[code]["rank"] = rank
    return [by_code[code] for code in top]


def render_statement_parts(
    rows: Sequence[dict[str, Any]], top: Sequence[Mapping[str, Any]]
) -> SafeString:
    """The results page's statements as HTML, in the active language: give every
    dimension row `statements_html` (its summary line and its statements) and
    return the list of the statements the partners differ on most (`top`). Made
    with the figures and cached with them, like the charts: rendering 72
    statements for every organisation costs the page more than everything else
    on it, and none of it depends on who reads it."""
    for row in rows:
        row["statements_html"] = render_to_string(
            "assessments/includes/_results_statements_dimension.html", {"row": row}
        )
    return render_to_string(
        "assessments/includes/_results_statements_top.html", {"top_statements": top}
    )


def _statement_row(
    result: scoring.StatementResult,
    question: Mapping[str, Any],
    dimension: Mapping[str, Any],
    method: scoring.Method,
) -> dict[str, Any]:
    return {
        "code": result.code,
        "text": question["text"],
        "reverse": question["reverse"],
        "dimension_code": dimension["code"],
        "dimension_name": dimension["name"],
        "dimension_anchor": dimension["statements_anchor"],
        "gap": result.gap,
        "gap_flag": result.gap_flag,
        "gap_flag_label": _label(GAP_LABELS, result.gap_flag),
        "rank": None,
        "organisations": [_cell(cell, method) for cell in result.organisations],
    }


def _cell(
    cell: scoring.StatementOrganisation, method: scoring.Method
) -> dict[str, Any]:
    """One organisation on one statement. `n` is how many gave a 1-5 answer (what
    the mean rests on), `dont_know` how many said "weet niet", `counts` how many
    gave 1, 2, 3, 4 and 5; all None when withheld or not answered."""
    counts = None if cell.withheld else cell.counts
    return {
        "name": cell.name,
        "score": cell.score,
        **_band(scoring.band(cell.score, method)),
        "n": sum(counts.values) if counts else None,
        "dont_know": counts.dont_know if counts else None,
        "counts": list(counts.values) if counts else None,
        "withheld": cell.withheld,
    }
