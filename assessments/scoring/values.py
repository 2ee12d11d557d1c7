"""The values the method works on and gives: its settings (`Method`), the question
set and answers it reads, and the frozen results every output shows."""

from collections.abc import Mapping
from dataclasses import dataclass

# Threshold comparisons forgive float noise: 4 of 6 equal weights must count as 2/3,
# and a mean that should be exactly 75 must be green.
EPSILON = 1e-9

CONDITION, LINK = "condition", "link"
GREEN, AMBER, RED = "green", "amber", "red"
ATTENTION, SIGNIFICANT = "attention", "significant"
# How a flagged gap is marked wherever it is shown (page, PDF, charts, live
# screens): one home, so a table and the chart beside it never disagree.
GAP_MARKS = {ATTENTION: "▲", SIGNIFICANT: "▲▲"}
CLOSED, WIDENED, UNCHANGED = "closed", "widened", "unchanged"


@dataclass(frozen=True)
class Method:
    """The question set's thresholds and weights (defaults as in DESIGN.md), and the
    scan's privacy minimum: everything a score depends on besides the answers."""

    min_coverage: float = 2 / 3
    condition_weight: float = 50.0
    link_weight: float = 50.0
    green: float = 75.0
    amber: float = 50.0
    gap_attention: float = 25.0
    gap_significant: float = 40.0
    # How many items the agenda and the quick wins list at most.
    agenda_size: int = 5
    quick_win_size: int = 3
    privacy_minimum: int = 1


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    weight: float = 1.0
    reverse: bool = False


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    kind: str  # CONDITION or LINK
    questions: tuple[QuestionSpec, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Response:
    """One respondent's answers: question code -> 1-5, or None for "weet niet".

    `group` marks a workshop group: the organisation's answers given together, in
    the room, rather than one person's."""

    respondent: str
    organisation: str
    answers: Mapping[str, int | None]
    group: bool = False


@dataclass(frozen=True)
class OrganisationScore:
    """Step 3: one organisation on one dimension, with the spread inside it.

    `withheld`: the organisation has scored respondents here, but too few for the
    privacy minimum, so every figure is None and nothing else may use them."""

    name: str
    score: float | None
    n: int
    min: float | None = None
    max: float | None = None
    sd: float | None = None
    withheld: bool = False


@dataclass(frozen=True)
class PairGap:
    a: str
    b: str
    gap: float | None


@dataclass(frozen=True)
class DimensionResult:
    code: str
    kind: str
    weight: float
    organisations: tuple[OrganisationScore, ...]
    partnership: float | None
    band: str | None
    gap: float | None
    gap_flag: str | None
    pairs: tuple[PairGap, ...]

    def organisation(self, name: str) -> OrganisationScore:
        return next(o for o in self.organisations if o.name == name)


@dataclass(frozen=True)
class RespondentResult:
    label: str
    organisation: str
    items: Mapping[str, float | None]
    dimensions: Mapping[str, float | None]
    group: bool = False


@dataclass(frozen=True)
class Verdict:
    """Step 9. `band` is the verdict; `capped` says the zipper rule lowered it."""

    band: str | None
    index_band: str | None
    capped: bool
    red_dimensions: tuple[str, ...]
    significant_gaps: tuple[str, ...]


@dataclass(frozen=True)
class AgendaItem:
    code: str
    priority: float
    score: float
    gap: float | None
    band: str
    gap_flag: str | None
    low_score: bool  # on the agenda because the score is below green
    lowest_band: str  # band of the least ready organisation (named when it differs)


@dataclass(frozen=True)
class QuickWin:
    code: str
    strength: float
    score: float
    gap: float
    band: str


@dataclass(frozen=True)
class AssessmentResult:
    method: Method
    organisations: tuple[str, ...]
    respondents: tuple[RespondentResult, ...]
    dimensions: tuple[DimensionResult, ...]
    blocks: Mapping[str, float | None]
    index: float | None
    verdict: Verdict
    weakest_link: str | None
    largest_gap: str | None
    agenda: tuple[AgendaItem, ...]
    quick_wins: tuple[QuickWin, ...]
    # Organisations with scored respondents that the privacy minimum hides on every
    # dimension: they get no column anywhere (see `withheld_organisations`).
    withheld: tuple[str, ...] = ()

    def dimension(self, code: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.code == code)
