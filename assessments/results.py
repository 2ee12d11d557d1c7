"""From the database to the figures people read: the results page, the PDF, the JSON.

`build_results_context` does every query up front (a fixed number, whatever the
number of respondents), turns rows into plain values, calls `assessments.scoring`
and returns plain dicts and lists for the templates. `results_json` is the same
figures in the documented JSON format (docs/scoring.md, "Results JSON").

Which respondents count: everyone with at least one saved answer, submitted or
not. Minimum coverage (scoring step 2) keeps thin answers out, imported paper
answers and workshop groups count without a separate "submit", and a consultant
following an open scan sees it fill in. Counted respondents who have not submitted
are reported as `provisional`, so the page can say the figures may still move.

Privacy minimum: an organisation is shown separately only when at least
`assessment.privacy_minimum` of its respondents have a score on at least one
dimension. Otherwise it is "folded": its respondents still count, as one
organisation, in the partnership score, the gap and so the verdict (hiding must not
change the outcome), but it gets no column, no spread, no chart series and no pair
gaps. Response counts stay visible (that is how the consultant sees why). With two
organisations the folded figure can still be worked out from the partnership score
and the other side's; the minimum keeps small groups from being presented as a
figure of their own, it cannot stop arithmetic. An organisation with no scored
respondent at all has nothing to hide and keeps its (empty) column.
"""

from collections import defaultdict

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import charts, scoring
from .models import Answer, Assessment, DimensionComment, Question, localized

BAND_LABELS = {
    scoring.GREEN: gettext_lazy("green"),
    scoring.AMBER: gettext_lazy("amber"),
    scoring.RED: gettext_lazy("red"),
}
VERDICT_LABELS = {
    scoring.GREEN: gettext_lazy("Ready for the next step"),
    scoring.AMBER: gettext_lazy("Ready on conditions"),
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


def method_for(question_set):
    return scoring.Method(
        min_coverage=question_set.min_coverage,
        condition_weight=question_set.condition_weight,
        link_weight=question_set.link_weight,
        green=question_set.green_threshold,
        amber=question_set.amber_threshold,
        gap_attention=question_set.gap_attention,
        gap_significant=question_set.gap_significant,
    )


def _load(assessment, organisations):
    """Four queries: dimensions, questions, respondents, answers."""
    question_set = assessment.question_set
    dimensions = list(question_set.dimensions.order_by("position", "code"))
    questions = list(
        Question.objects.filter(dimension__question_set=question_set).order_by(
            "position", "code"
        )
    )
    # Plain rows, not instances: nothing can lazily load a field per respondent.
    respondents = list(
        assessment.respondents.order_by("label").values_list(
            "id", "label", "organisation_id", "started_at", "submitted_at", named=True
        )
    )
    answers = list(
        Answer.objects.filter(respondent__assessment=assessment).values_list(
            "respondent_id", "question_id", "value"
        )
    )
    by_dimension = defaultdict(list)
    for q in questions:
        by_dimension[q.dimension_id].append(q)
    specs = tuple(
        scoring.DimensionSpec(
            code=d.code,
            kind=d.kind,
            weight=d.weight,
            questions=tuple(
                scoring.QuestionSpec(q.code, q.weight, q.reverse)
                for q in by_dimension[d.pk]
            ),
        )
        for d in dimensions
    )
    code_of = {q.pk: q.code for q in questions}
    given = defaultdict(dict)
    for respondent_id, question_id, value in answers:
        given[respondent_id][code_of[question_id]] = value
    org_name = {o.pk: o.name for o in organisations}
    responses = tuple(
        scoring.Response(r.label, org_name[r.organisation_id], given[r.id])
        for r in respondents
        if given[r.id] and r.organisation_id in org_name
    )
    result = scoring.score_assessment(
        method_for(question_set), specs, responses, [o.name for o in organisations]
    )
    return dimensions, by_dimension, respondents, given, result


def _previous_result(assessment, organisations):
    if assessment.previous_id is None:
        return None, None
    previous = (
        Assessment.objects.select_related("question_set")
        .filter(pk=assessment.previous_id, partnership_id=assessment.partnership_id)
        .first()
    )
    if previous is None:
        return None, None
    return previous, _load(previous, organisations)[4]


def _label(labels, key):
    """Labels are evaluated here, inside the requested language."""
    return str(labels[key]) if key in labels else ""


def _band(band):
    return {"band": band, "band_label": _label(BAND_LABELS, band)}


def _names(rows):
    names = [row["name"] for row in rows]
    if len(names) <= 1:
        return "".join(names)
    return _("%(list)s and %(last)s") % {
        "list": ", ".join(names[:-1]),
        "last": names[-1],
    }


def _reason(result, rows_by_code):
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


def _dimension_rows(result, dimensions, by_dimension, shown, comments, language):
    rows = []
    for dim, res in zip(dimensions, result.dimensions, strict=True):
        orgs = [o for o in res.organisations if o.name in shown]
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
                "comments": sorted(comments.get(dim.pk, [])),
                "is_weakest_link": dim.code == result.weakest_link,
                "is_largest_gap": dim.code == result.largest_gap,
            }
        )
    return rows


def _organisation_rows(assessment, organisations, respondents, given, result):
    scored = defaultdict(int)
    for r in result.respondents:
        if any(v is not None for v in r.dimensions.values()):
            scored[r.organisation] += 1
    rows = []
    for org in organisations:
        mine = [r for r in respondents if r.organisation_id == org.pk]
        counted = [r for r in mine if given[r.id]]
        n = scored[org.name]
        rows.append(
            {
                "name": org.name,
                "respondents": len(mine),
                "started": sum(1 for r in mine if r.started_at or given[r.id]),
                "submitted": sum(1 for r in mine if r.submitted_at),
                "counted": len(counted),
                "scored": n,
                "provisional": sum(1 for r in counted if not r.submitted_at),
                "folded": 0 < n < assessment.privacy_minimum,
            }
        )
    return rows


def _agenda_rows(result, rows_by_code, language, dimensions_by_code):
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


def _trend(previous, previous_result, result, rows_by_code):
    if previous_result is None:
        return None
    trend = scoring.compare(previous_result, result)
    return {
        "previous": previous,
        "index_then": trend.index_then,
        "index_now": trend.index_now,
        "index_delta": trend.index_delta,
        "verdict_then": trend.verdict_then,
        "verdict_then_label": _label(VERDICT_LABELS, trend.verdict_then),
        "verdict_now": trend.verdict_now,
        "verdict_now_label": _label(VERDICT_LABELS, trend.verdict_now),
        "blocks_delta": dict(trend.blocks_delta),
        "dimensions": [
            {
                "code": d.code,
                "name": rows_by_code[d.code]["name"] if d.code in rows_by_code else "",
                "score_then": d.score_then,
                "score_now": d.score_now,
                "delta": d.delta,
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


def build_results_context(assessment, language=None, with_charts=True):
    """Every figure of the results page, as plain values (see module docstring).

    `assessment` should come with `partnership` and `question_set` selected (the
    access helpers do). Queries: organisations, dimensions, questions, respondents,
    answers, comments (when allowed), plus five for a previous assessment.

    Keys (numbers unrounded; None means insufficient data):
      assessment, partnership, question_set, language, method, result (the raw
        scoring.AssessmentResult, all organisations)
      thresholds: green, amber, gap_attention, gap_significant, min_coverage (0-1)
      organisations: [{name, respondents, started, submitted, counted, scored,
        provisional, folded}] in partnership order (response counts)
      shown_organisations, folded_organisations: names; privacy_minimum
      responses: totals {respondents, started, submitted, counted, provisional}
      dimensions: [{code, kind, kind_label, name, description, weight, partnership,
        band, band_label, advice, gap, gap_flag, gap_flag_label,
        organisations: [{name, score, band, band_label, n, min, max, sd}] (shown
        only), pairs: [{a, b, gap, gap_flag}] (more than two shown), questions:
        [{code, text, weight, reverse}], comments: [text], is_weakest_link,
        is_largest_gap}]
      blocks: [{kind, label, score, band, band_label, weight}]
      index, index_band, has_results
      verdict: {band, band_label, label, index_band, capped, reason,
        red_dimensions: [row], significant_gaps: [row]}
      weakest_link, largest_gap: a dimension row or None
      agenda: [{rank, code, name, priority, partnership, band, band_label, gap,
        gap_flag, gap_flag_label, low_score, advice_band, advice}]
      quick_wins: [{rank, code, name, strength, partnership, band, band_label, gap,
        advice}]
      trend: None or {previous, index_then, index_now, index_delta, verdict_then(,
        _label), verdict_now(_label), blocks_delta, dimensions: [{code, name,
        score_then, score_now, delta, band_then, band_now, gap_then, gap_now,
        gap_change, gap_change_label}]}
      comments_enabled
      charts: {radar, zipper} SVG markup (safe strings), when `with_charts`
    """
    language = language or translation.get_language() or "nl"
    with translation.override(language):
        return _build(assessment, language, with_charts)


def _build(assessment, language, with_charts):
    organisations = list(
        assessment.partnership.organisations.order_by("position", "name")
    )
    dimensions, by_dimension, respondents, given, result = _load(
        assessment, organisations
    )
    comments = defaultdict(list)
    if assessment.allow_comments:
        for dimension_id, text in DimensionComment.objects.filter(
            respondent__assessment=assessment
        ).values_list("dimension_id", "text"):
            if text.strip():
                comments[dimension_id].append(text.strip())
    previous, previous_result = _previous_result(assessment, organisations)

    org_rows = _organisation_rows(assessment, organisations, respondents, given, result)
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
        "assessment": assessment,
        "partnership": assessment.partnership,
        "question_set": assessment.question_set,
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


def results_json(assessment, language=None):
    """The results as the documented JSON structure (DESIGN.md "Results JSON").

    Numbers unrounded, null where data is insufficient; folded organisations are
    left out of the per-organisation figures exactly as on the page.
    """
    ctx = build_results_context(assessment, language, with_charts=False)
    return results_json_from_context(ctx)


def _ref(row, figure):
    if row is None:
        return None
    return {"code": row["code"], "name": row["name"], figure: row[figure]}


def results_json_from_context(ctx):
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
                        for k in ("name", "score", "band", "n", "min", "max", "sd")
                    }
                    for o in row["organisations"]
                ],
                "pairs": row["pairs"],
                "comments": row["comments"],
            }
            for row in ctx["dimensions"]
        ],
        "weakest_link": _ref(ctx["weakest_link"], "partnership"),
        "largest_gap": _ref(ctx["largest_gap"], "gap"),
        "agenda": [
            {k: item[k] for k in item if k not in ("band_label", "gap_flag_label")}
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
        },
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
