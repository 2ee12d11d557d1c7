"""What a live session adds to the results: per dimension the gap before and
after the discussion (when it was answered in two rounds) and the partners'
agreement. Figures come from `scoring.discussions` through `loading.scored`,
the one path from answers to figures; this only puts them on the rows."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import scoring
from ..models import AgreementNote, Assessment, Dimension
from .labels import GAP_LABELS, _label


def agreement_notes(assessment: Assessment) -> dict[int, str]:
    """{dimension id: agreed text} of a scan (one query)."""
    return dict(
        AgreementNote.objects.filter(assessment=assessment).values_list(
            "dimension_id", "text"
        )
    )


def add_discussion_rows(
    rows: Sequence[dict[str, Any]],
    dimensions: Sequence[Dimension],
    discussions: Iterable[scoring.Discussion],
    notes: Mapping[int, str],
) -> None:
    """Give every dimension row `discussion` (None, or the gap before and after,
    with their flags) and `agreement` (the noted text, or "")."""
    by_code = {d.code: d for d in discussions}
    for row, dimension in zip(rows, dimensions, strict=True):
        found = by_code.get(row["code"])
        row["discussion"] = (
            {
                "gap_before": found.gap_before,
                "gap_after": found.gap_after,
                "flag_before": found.flag_before,
                "flag_after": found.flag_after,
                "flag_after_label": _label(GAP_LABELS, found.flag_after),
                "change": scoring.display_change(found.gap_before, found.gap_after),
            }
            if found
            else None
        )
        row["agreement"] = notes.get(dimension.pk, "")
