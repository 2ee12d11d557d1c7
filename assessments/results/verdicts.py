"""The verdict of many scans at once, for the dashboard and the partnership page:
the same `loading.scoring_inputs` and `scoring` as the results page, in one batch
of queries however many scans are listed."""

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Assessment
from .labels import VERDICT_LABELS
from .loading import scoring_inputs


@dataclass(frozen=True)
class VerdictSummary:
    band: str | None  # "green" | "amber" | "red", None while data is insufficient
    index: float | None
    capped: bool

    @property
    def label(self) -> str:
        return str(VERDICT_LABELS[self.band]) if self.band else ""


def verdicts_for(assessments: Iterable[Assessment]) -> dict[int, VerdictSummary]:
    """{assessment pk: VerdictSummary}; each assessment needs `question_set` loaded."""
    summaries = {}
    for pk, inputs in scoring_inputs(assessments).items():
        result = inputs.score().result
        summaries[pk] = VerdictSummary(
            result.verdict.band, result.index, result.verdict.capped
        )
    return summaries
