"""From the database to the figures people read: the results page, the PDF, the JSON.

- `loading`: the queries, plain values for `assessments.scoring` (`scoring_inputs`,
  the one loader for every output), the cache.
- `verdicts`: the verdicts of many scans at once (dashboard, partnership page).
- `context`: `build_results_context`, every figure of the page as plain values,
  and its cache.
- `rows`: the rows of that context (dimensions, organisations, agenda, trend).
- `labels`: the words for bands, verdicts, gaps and blocks; the verdict sentence.
- `json_export`: `results_json`, the same figures in the documented JSON format.
"""

from .context import (
    build_results_context,
    forget_cached,
    organisations_awaiting_minimum,
)
from .json_export import results_json, results_json_from_context
from .labels import (
    BAND_LABELS,
    GAP_CHANGE_LABELS,
    GAP_LABELS,
    KIND_LABELS,
    VERDICT_LABELS,
)
from .loading import method_for

__all__ = [
    "BAND_LABELS",
    "GAP_CHANGE_LABELS",
    "GAP_LABELS",
    "KIND_LABELS",
    "VERDICT_LABELS",
    "build_results_context",
    "forget_cached",
    "method_for",
    "organisations_awaiting_minimum",
    "results_json",
    "results_json_from_context",
]
