"""Agreed actions as plain rows: for the results page and the PDF (through
`results.context`, so they are cached under the scan's fingerprint, which covers
them), the exports, the assessment page and the dashboard; and what the trend says
was done since the previous scan.

"Overdue" depends on the day: a pending action whose due date has passed. The
fingerprint counts the overdue actions as of today, so a cached page or PDF is
made again the day an action becomes overdue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Assessment, localized
from ..questionsets import questionset_method_change
from .models import Action

# The dashboard lists this many pending actions (overdue and nearest first).
DASHBOARD_ACTIONS = 10
# How far ahead "due soon" looks (the dashboard and the weekly digest).
DUE_SOON_DAYS = 7


def owner_label(owners: Sequence[str], jointly: bool) -> str:
    """Who owns an action, in words: the organisations, or all partners."""
    if jointly:
        return _("all partners together")
    return ", ".join(owners) or "–"


def with_details(queryset: Any) -> Any:
    """What a row needs of each action, in two queries however many."""
    return queryset.select_related("dimension", "question").prefetch_related("owners")


def action_row(action: Action, today: date, language: str | None) -> dict[str, Any]:
    """One action as plain values (see `action_rows`), texts in `language`."""
    owners = [o.name for o in sorted(action.owners.all(), key=_org_order)]
    return {
        "pk": action.pk,
        "assessment_id": action.assessment_id,
        "dimension": action.dimension.code if action.dimension else None,
        "dimension_name": localized(action.dimension, "name", language)
        if action.dimension
        else "",
        "statement": action.question.code if action.question else None,
        "statement_text": localized(action.question, "text", language)
        if action.question
        else "",
        "title": action.title,
        "description": action.description,
        "owners": owners,
        "jointly": action.jointly,
        "owner": owner_label(owners, action.jointly),
        "person": action.person,
        "due": action.due_on,
        "status": action.status,
        "status_label": str(Action.Status(action.status).label),
        "pending": action.is_pending,
        "overdue": action.is_overdue(today),
        "created_at": action.created_at,
    }


def _org_order(organisation: Any) -> tuple[int, str]:
    return (organisation.position, organisation.name)


def action_rows(
    assessment: Assessment, language: str, today: date | None = None
) -> list[dict[str, Any]]:
    """Every action listed under the scan, as plain values (two queries), by due
    date. Each row: pk, assessment_id (the scan it was agreed in), carried (agreed in
    another scan), dimension (code or None), dimension_name, statement (code or
    None), statement_text, title, description, owners (names), jointly, owner (in
    words), person, due (a date), status, status_label, pending, overdue,
    created_at."""
    today = today or timezone.localdate()
    actions = with_details(Action.objects.listed_under(assessment)).order_by(
        "due_on", "pk"
    )
    rows = []
    for action in actions:
        row = action_row(action, today, language)
        row["carried"] = action.assessment_id != assessment.pk
        rows.append(row)
    return rows


def action_groups(
    rows: Sequence[Mapping[str, Any]], dimensions: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The rows grouped by dimension in the scan's order (named as in the scan);
    actions on no dimension (or on one this scan's question set lacks) last."""
    groups = [{"code": d["code"], "name": d["name"], "actions": []} for d in dimensions]
    by_code = {group["code"]: group for group in groups}
    general = {"code": None, "name": _("General"), "actions": []}
    for row in rows:
        group = by_code.get(row["dimension"])
        if group is None and row["dimension"]:
            group = by_code.setdefault(
                row["dimension"],
                {
                    "code": row["dimension"],
                    "name": row["dimension_name"],
                    "actions": [],
                },
            )
            groups.append(group)
        (group or general)["actions"].append(row)
    return [g for g in [*groups, general] if g["actions"]]


def add_action_figures(
    context: dict[str, Any], assessment: Assessment, previous: Assessment | None
) -> None:
    """Put the scan's actions on the results context (`actions`, `action_groups`,
    `actions_overdue`, `actions_pending`, each agenda item's `action_count`) and,
    with a trend, what was done since the previous scan and whether its method
    changed (see `_trend_actions`)."""
    language = context["language"]
    rows = action_rows(assessment, language)
    context["actions"] = rows
    context["action_groups"] = action_groups(rows, context["dimensions"])
    context["actions_overdue"] = sum(row["overdue"] for row in rows)
    context["actions_pending"] = sum(row["pending"] for row in rows)
    per_dimension = Counter(row["dimension"] for row in rows)
    for item in context["agenda"]:
        item["action_count"] = per_dimension[item["code"]]
    trend = context.get("trend")
    if trend is not None and previous is not None:
        _trend_actions(trend, assessment, previous, context["dimensions"])


def _trend_actions(
    trend: dict[str, Any],
    assessment: Assessment,
    previous: Assessment,
    dimensions: Sequence[Mapping[str, Any]],
) -> None:
    """Per trend dimension: the previous scan's actions done, still pending and
    dropped (`actions_done`, `actions_pending`, `actions_dropped`); `action_lines`:
    the dimensions that had actions, with their change in score and gap (the line
    "RS4 Afspraken en contracten: 2 acties afgerond · score 47 → 63 · verschil 40 →
    15"), general actions last; `method_change`: what changed in the method when
    the follow-up uses another question set (`questionset_method_change`), else
    None, and `method_changed` on each trend dimension. One query, four more when
    the sets differ."""
    counts = Counter(
        Action.objects.listed_under(previous).values_list("dimension__code", "status")
    )
    names = {d["code"]: d["name"] for d in dimensions}
    lines = []
    for row in trend["dimensions"]:
        _count_into(row, counts, row["code"])
        if row["actions_done"] or row["actions_pending"] or row["actions_dropped"]:
            lines.append(row)
    known = {row["code"] for row in trend["dimensions"]}
    for code in sorted({code for code, _status in counts} - known, key=str):
        # General actions (no dimension), or a dimension the new set dropped.
        line = {
            "code": code,
            "name": names.get(code, "") if code else _("General"),
            **dict.fromkeys(("score_then", "score_now", "gap_then", "gap_now")),
        }
        _count_into(line, counts, code)
        lines.append(line)
    trend["action_lines"] = lines
    trend["actions_done_total"] = sum(line["actions_done"] for line in lines)
    method = questionset_method_change(
        then=previous.question_set, now=assessment.question_set
    )
    trend["method_change"] = method
    # Mark the rows whose figures the method moved, so a board does not read a
    # weight change as a decline.
    changed = set(method["dimensions"] + method["added"]) if method else set()
    for row in trend["dimensions"]:
        row["method_changed"] = row["code"] in changed


def _count_into(row: dict[str, Any], counts: Counter, code: str | None) -> None:
    row["actions_done"] = counts[(code, Action.Status.DONE)]
    row["actions_dropped"] = counts[(code, Action.Status.DROPPED)]
    row["actions_pending"] = (
        counts[(code, Action.Status.OPEN)] + counts[(code, Action.Status.UNDER_WAY)]
    )


def dashboard_actions(user: Any, today: date | None = None) -> dict[str, Any]:
    """The consultant's pending actions across their active partnerships: the
    first `DASHBOARD_ACTIONS` (overdue and nearest first), with counts. Three
    queries however many partnerships and actions (one when there are none)."""
    today = today or timezone.localdate()
    pending = Action.objects.for_user(user).pending()
    counts = pending.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
        soon=Count(
            "pk",
            filter=Q(
                due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
            ),
        ),
    )
    first = with_details(
        pending.select_related("assessment__partnership").order_by("due_on", "pk")
    )[:DASHBOARD_ACTIONS]
    if not counts["total"]:
        first = []
    rows = []
    for action in first:
        row = action_row(action, today, None)
        row["partnership"] = action.assessment.partnership.name
        row["partnership_id"] = action.assessment.partnership_id
        rows.append(row)
    return {
        "rows": rows,
        "total": counts["total"],
        "overdue": counts["overdue"],
        "soon": counts["soon"],
        "more": max(0, counts["total"] - len(rows)),
    }


def actions_json(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The actions of the results JSON (docs/data-formats.md): dimension, title,
    owner, due, status, and the details beside them."""
    return [
        {
            "id": row["pk"],
            "dimension": row["dimension"],
            "statement": row["statement"],
            "title": row["title"],
            "description": row["description"],
            "owner": row["owner"],
            "owners": row["owners"],
            "jointly": row["jointly"],
            "person": row["person"],
            "due": row["due"],
            "status": row["status"],
            "overdue": row["overdue"],
            "agreed_in": row["assessment_id"],
        }
        for row in rows
    ]
