"""Step 11, the trend: a scan against the one before it, dimension by dimension."""

from collections.abc import Mapping
from dataclasses import dataclass

from . import display
from .values import (
    CLOSED,
    CONDITION,
    EPSILON,
    LINK,
    UNCHANGED,
    WIDENED,
    AssessmentResult,
)


@dataclass(frozen=True)
class DimensionTrend:
    code: str
    score_then: float | None
    score_now: float | None
    delta: float | None  # now - then
    gap_then: float | None
    gap_now: float | None
    gap_change: str | None  # CLOSED, WIDENED or UNCHANGED
    band_then: str | None
    band_now: str | None


@dataclass(frozen=True)
class Trend:
    index_then: float | None
    index_now: float | None
    index_delta: float | None
    verdict_then: str | None
    verdict_now: str | None
    blocks_delta: Mapping[str, float | None]
    dimensions: tuple[DimensionTrend, ...]

    def dimension(self, code: str) -> DimensionTrend:
        return next(d for d in self.dimensions if d.code == code)


def _delta(then: float | None, now: float | None) -> float | None:
    return None if then is None or now is None else now - then


def display_change(then: float | None, now: float | None) -> int | float | None:
    """A change as people read it, the one way every output shows it: the
    difference of the two displayed (rounded) scores, so "59 -> 55" reads -4 and
    never -3. None when either is missing. `DimensionTrend.delta` stays exact."""
    if then is None or now is None:
        return None
    return display(now) - display(then)


def gap_change(gap_then: float | None, gap_now: float | None) -> str | None:
    """ "closed" when the gap got smaller, "widened" when larger, else "unchanged"."""
    if gap_then is None or gap_now is None:
        return None
    if gap_now < gap_then - EPSILON:
        return CLOSED
    if gap_now > gap_then + EPSILON:
        return WIDENED
    return UNCHANGED


def compare(previous: AssessmentResult, current: AssessmentResult) -> Trend:
    """Step 11: the current result against the previous one, dimension by dimension
    matched on code (kept stable across question-set versions). Dimensions only in
    the previous scan follow the current ones, with "now" figures None."""
    before = {d.code: d for d in previous.dimensions}
    codes = [d.code for d in current.dimensions]
    codes += [code for code in before if code not in set(codes)]
    now = {d.code: d for d in current.dimensions}
    rows = []
    for code in codes:
        then_d, now_d = before.get(code), now.get(code)
        score_then = then_d.partnership if then_d else None
        score_now = now_d.partnership if now_d else None
        gap_then = then_d.gap if then_d else None
        gap_now = now_d.gap if now_d else None
        rows.append(
            DimensionTrend(
                code=code,
                score_then=score_then,
                score_now=score_now,
                delta=_delta(score_then, score_now),
                gap_then=gap_then,
                gap_now=gap_now,
                gap_change=gap_change(gap_then, gap_now),
                band_then=then_d.band if then_d else None,
                band_now=now_d.band if now_d else None,
            )
        )
    return Trend(
        index_then=previous.index,
        index_now=current.index,
        index_delta=_delta(previous.index, current.index),
        verdict_then=previous.verdict.band,
        verdict_now=current.verdict.band,
        blocks_delta={
            kind: _delta(previous.blocks.get(kind), current.blocks.get(kind))
            for kind in (CONDITION, LINK)
        },
        dimensions=tuple(rows),
    )
