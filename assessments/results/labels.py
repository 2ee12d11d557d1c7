"""Words for the figures: the labels of bands, verdicts, gaps, gap changes and
blocks, and the verdict in one sentence (`_reason`).

Labels are lazy; `_label` evaluates them inside the requested language (the caller
has activated it, see `context.build_results_context`).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _, gettext_lazy, ngettext

from .. import scoring

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
