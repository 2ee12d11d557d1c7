"""What one printed report may hold, so that the largest scan renders inside the budget.

The PDF renders in the request's worker under `render_guard`'s budget (20 s by
default). Twelve organisations with 200-character names made a 155-page report that
needed about 50 s of CPU, so it always failed: every dimension listed all 66 pairs
of organisations with both full names, and one table carried twelve long names as
column heads. Until rendering moves to the background worker, a report holds at
most:

- organisation names of `ORG_LABEL_CHARS` characters in tables, score boxes, pair
  lists and on the cover (the charts cut their own); "Who responded" in the summary
  gives them in full; the cover lists them only up to `COVER_CHARS` in all, and the
  page header cuts the partnership's name (report.css, _cover.html);
- the `PAIRS_PER_DIMENSION` largest gaps between two organisations per dimension;
- `ORGS_PER_TABLE` organisation columns per score table (more get further tables);
- `COMMENTS_PER_DIMENSION` comments per dimension, each cut to `COMMENT_CHARS`;
- `ACTIONS_IN_REPORT` agreed actions (the pending ones first), each description
  cut to `ACTION_DESCRIPTION_CHARS` and its owner to `ACTION_OWNER_CHARS`;
- in the statement tables, one column per organisation up to `ORGS_PER_TABLE`
  organisations; with more, each statement shows its highest and its lowest
  organisation (the ends of its gap) instead.

The report says which of these applied ("About this report" in the summary) and
where (each shortened list ends with how many more the results page has). A usual
scan (up to four organisations, names up to 40 characters, a few comments) meets
none of them and renders exactly as before. docs/report.md explains the caps.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext as _, ngettext

ORG_LABEL_CHARS = 40
# Four organisations have six pairs: a usual scan shows all of them.
PAIRS_PER_DIMENSION = 6
# Four organisation columns still fit a score and its band side by side on A4.
ORGS_PER_TABLE = 4
COMMENTS_PER_DIMENSION = 5
COVER_CHARS = 160
COMMENT_CHARS = 600
ACTIONS_IN_REPORT = 100
ACTION_DESCRIPTION_CHARS = 300
ACTION_OWNER_CHARS = 120


def organisation_labels(names: list[str]) -> dict[str, str]:
    """Each name, or its first `ORG_LABEL_CHARS` characters ending in "…".

    Names that would shorten to the same label are numbered instead, in order.
    """
    labels = {name: Truncator(name).chars(ORG_LABEL_CHARS) for name in names}
    if len(set(labels.values())) < len(labels):
        labels = {
            name: label
            if label == name
            else f"{number}. {Truncator(name).chars(ORG_LABEL_CHARS - 4)}"
            for number, (name, label) in enumerate(labels.items(), start=1)
        }
    return labels


def limit_report(context: dict) -> None:
    """Cut `context` (from `build_report_context`) down to what one report holds.

    Adds `label` to every organisation and score cell, `report_pairs` and
    `more_pairs` to every dimension, `report_comments` and `more_comments`,
    `score_tables` (the score table in groups of columns), `statement_columns`
    (the organisation labels heading the statement tables, or None when they show
    each statement's ends, `ends` on every statement row) and `report_limits` (the
    sentences saying what was left out). The figures themselves are untouched.
    """
    labels = organisation_labels([o["name"] for o in context["organisations"]])
    for organisation in context["organisations"]:
        organisation["label"] = labels[organisation["name"]]
    comments_cut = False
    pairs_cut = 0
    for row in context["dimensions"]:
        for cell in row["organisations"]:
            cell["label"] = labels.get(cell["name"], cell["name"])
        row["report_pairs"], row["more_pairs"] = _largest_pairs(row["pairs"], labels)
        pairs_cut = max(pairs_cut, row["more_pairs"] + len(row["report_pairs"]))
        comments = row["comments"]
        row["report_comments"] = [
            Truncator(text).chars(COMMENT_CHARS)
            for text in comments[:COMMENTS_PER_DIMENSION]
        ]
        row["more_comments"] = max(0, len(comments) - COMMENTS_PER_DIMENSION)
        comments_cut = comments_cut or row["more_comments"] > 0
        comments_cut = comments_cut or any(len(c) > COMMENT_CHARS for c in comments)
    ends = context.get("largest_gap_ends")
    if ends:
        context["largest_gap_ends"] = {key: labels.get(n, n) for key, n in ends.items()}
    # The cover's band has room for about four names of full label length.
    context["cover_lists_organisations"] = (
        sum(len(label) for label in labels.values()) <= COVER_CHARS
    )
    shown = [labels.get(name, name) for name in context["shown_organisations"]]
    context["score_tables"] = _score_tables(shown, context["dimensions"])
    # More than two organisations: each score stands above its band (_table.html).
    context["stacked_scores"] = len(shown) > 2
    context["statement_columns"] = _statement_columns(context, shown, labels)
    columns = context["statement_columns"]
    # The statement tables' width class and how many columns a dimension row spans.
    context["statement_class"] = f"statements-{len(columns)}" if columns else "ends"
    context["statement_span"] = 3 + (len(columns) if columns else 2)
    context["report_limits"] = _limits(
        shortened=any(label != name for name, label in labels.items()),
        pairs=pairs_cut if pairs_cut > PAIRS_PER_DIMENSION else 0,
        tables=len(context["score_tables"]),
        comments=comments_cut,
        actions=_limit_actions(context),
        statement_ends=context["statement_columns"] is None,
    )


def _largest_pairs(
    pairs: Sequence[Mapping[str, Any]], labels: Mapping[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """At most `PAIRS_PER_DIMENSION` pairs, named by label, and how many were left."""
    named = [
        {
            **pair,
            "a": labels.get(pair["a"], pair["a"]),
            "b": labels.get(pair["b"], pair["b"]),
        }
        for pair in pairs
    ]
    if len(named) <= PAIRS_PER_DIMENSION:
        return named, 0
    # Only when cutting: the largest gaps are what a reader of a short list needs.
    ranked = sorted(
        named, key=lambda p: -1 if p["gap"] is None else p["gap"], reverse=True
    )
    return ranked[:PAIRS_PER_DIMENSION], len(named) - PAIRS_PER_DIMENSION


def _score_tables(
    shown: Sequence[str], dimensions: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The score table in even groups of at most `ORGS_PER_TABLE` organisations."""
    tables = max(1, -(-len(shown) // ORGS_PER_TABLE))
    size = max(1, -(-len(shown) // tables))
    groups = [slice(start, start + size) for start in range(0, len(shown) or 1, size)]
    return [
        {
            "labels": shown[group],
            "first": group.start + 1,
            "last": group.start + len(shown[group]),
            "columns": len(shown[group]) + 4,
            "rows": [
                {"dimension": row, "cells": row["organisations"][group]}
                for row in dimensions
            ],
        }
        for group in groups
    ]


def _statement_columns(
    context: dict, shown: list[str], labels: Mapping[str, str]
) -> list[str] | None:
    """Label every statement cell; with more than `ORGS_PER_TABLE` organisations
    give every statement row `ends` ({"high", "low"}: its highest and lowest shown
    cell, or None without a gap) and return None, else the column labels."""
    many = len(shown) > ORGS_PER_TABLE
    for row in context["dimensions"]:
        for statement in row.get("statements", ()):
            for cell in statement["organisations"]:
                cell["label"] = labels.get(cell["name"], cell["name"])
            if many:
                statement["ends"] = _ends(statement)
    return None if many else shown


def _ends(statement: Mapping[str, Any]) -> dict[str, Any] | None:
    scored = [c for c in statement["organisations"] if c["score"] is not None]
    if statement["gap"] is None or len(scored) < 2:
        return None
    # The first in partnership order on a tie, as everywhere else.
    high = max(scored, key=lambda c: c["score"])
    low = min(scored, key=lambda c: c["score"])
    return {"high": high, "low": low}


def _limit_actions(context: dict) -> bool:
    """`report_action_groups` (the agreed actions by dimension, at most
    `ACTIONS_IN_REPORT`, pending ones first) and `more_actions`; each action gets
    `report_description`, `report_owner` and `report_person`, cut to length.
    True when actions were left out."""
    actions = context.get("actions", [])
    kept = sorted(actions, key=lambda a: not a["pending"])[:ACTIONS_IN_REPORT]
    shown = {action["pk"] for action in kept}
    for action in kept:
        action["report_description"] = Truncator(action["description"]).chars(
            ACTION_DESCRIPTION_CHARS
        )
        action["report_owner"] = Truncator(action["owner"]).chars(ACTION_OWNER_CHARS)
        action["report_person"] = Truncator(action["person"]).chars(ACTION_OWNER_CHARS)
    groups = []
    for group in context.get("action_groups", []):
        rows = [action for action in group["actions"] if action["pk"] in shown]
        if rows:
            groups.append({**group, "actions": rows})
    context["report_action_groups"] = groups
    context["more_actions"] = len(actions) - len(kept)
    return context["more_actions"] > 0


def _limits(
    *,
    shortened: bool,
    pairs: int,
    tables: int,
    comments: int,
    actions: bool = False,
    statement_ends: bool = False,
) -> list[str]:
    limits = []
    if shortened:
        limits.append(
            _(
                "Organisation names longer than %(chars)s characters are shortened "
                "in the tables, the charts and on the cover; the table above gives "
                "them in full."
            )
            % {"chars": ORG_LABEL_CHARS}
        )
    if pairs:
        limits.append(
            _(
                "Of the %(pairs)s pairs of organisations, each dimension shows the "
                "%(shown)s with the largest gap."
            )
            % {"pairs": pairs, "shown": PAIRS_PER_DIMENSION}
        )
    if tables > 1:
        limits.append(
            ngettext(
                "The scores per organisation are split over %(tables)s tables of at "
                "most %(columns)s organisation.",
                "The scores per organisation are split over %(tables)s tables of at "
                "most %(columns)s organisations.",
                ORGS_PER_TABLE,
            )
            % {"tables": tables, "columns": ORGS_PER_TABLE}
        )
    if statement_ends:
        limits.append(
            _(
                "With more than %(columns)s organisations, the statement tables show "
                "for each statement the organisation with the highest and the one "
                "with the lowest score, without the number of answers per value."
            )
            % {"columns": ORGS_PER_TABLE}
        )
    if comments:
        limits.append(
            _(
                "Each dimension quotes at most %(count)s comments, each shortened to "
                "%(chars)s characters."
            )
            % {"count": COMMENTS_PER_DIMENSION, "chars": COMMENT_CHARS}
        )
    if actions:
        limits.append(
            _("The agreed actions are listed up to %(count)s, those still open first.")
            % {"count": ACTIONS_IN_REPORT}
        )
    if limits:
        limits.append(
            _("The results page and the data exports always show everything.")
        )
    return limits
