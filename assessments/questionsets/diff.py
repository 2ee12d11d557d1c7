"""What changed between two versions of a question set.

A pure function on the dicts of `questionset_to_dict` (the documented JSON format),
so it runs on two stored versions, a stored version and an uploaded file, or two
files alike. Dimensions and statements are matched on their codes, which stay the
same across versions; a statement that moved to another dimension is removed from
the one and added to the other.

The publish confirmation, the set's page and the trend (a follow-up scan on another
version than the scan it compares with) all read this diff: one definition of
"the method changed".
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Set-level values that change how scores, bands or gaps come out.
SETTING_KEYS = (
    "min_coverage",
    "condition_weight",
    "link_weight",
    "thresholds.green",
    "thresholds.amber",
    "thresholds.gap_attention",
    "thresholds.gap_significant",
)
# Set-level texts: shown in the diff, not a change of method.
SET_TEXT_KEYS = ("name", "description")
DIMENSION_VALUE_KEYS = ("kind", "weight")
DIMENSION_TEXT_KEYS = (
    "name",
    "description",
    "advice.red",
    "advice.amber",
    "advice.green",
    "quick_win",
)


LABELS = {
    "min_coverage": _("Minimum coverage"),
    "condition_weight": _("Weight of the basic conditions block"),
    "link_weight": _("Weight of the zipper links block"),
    "thresholds.green": _("Green from"),
    "thresholds.amber": _("Amber from"),
    "thresholds.gap_attention": _("Gap needs attention from"),
    "thresholds.gap_significant": _("Gap is significant from"),
    "name": _("Name"),
    "description": _("Description"),
    "kind": _("Kind"),
    "weight": _("Weight"),
    "reverse": _("Reverse-scored"),
    "text": _("Text"),
    "advice.red": _("Advice for red"),
    "advice.amber": _("Advice for amber"),
    "advice.green": _("Advice for green"),
    "quick_win": _("Quick win"),
}


def shown(key: str, value: Any) -> str:
    """A changed value as the pages show it (coverage as a percentage)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key == "min_coverage" and isinstance(value, int | float):
        return f"{_number(round(value * 100, 1))} %"
    if isinstance(value, int | float):
        return _number(value)
    return str(value)


def _number(value: float) -> str:
    """75.0 as "75", 67.5 as "67,5" (in Dutch)."""
    return number_format(int(value) if float(value).is_integer() else value)


@dataclass(frozen=True)
class Change:
    """One value that differs: `key` names it (`thresholds.green`, `advice.red`);
    texts are `{"nl": ..., "en": ...}` dicts, numbers and flags plain values."""

    key: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        return str(LABELS.get(self.key, self.key))

    @property
    def is_text(self) -> bool:
        return isinstance(self.old, Mapping) or isinstance(self.new, Mapping)

    @property
    def old_shown(self) -> str:
        return shown(self.key, self.old)

    @property
    def new_shown(self) -> str:
        return shown(self.key, self.new)


@dataclass(frozen=True)
class Statement:
    """A statement added or removed, as the version that has it holds it."""

    code: str
    text: Mapping[str, str]
    weight: float
    reverse: bool


@dataclass(frozen=True)
class StatementChange:
    code: str
    text_old: Mapping[str, str]
    text_new: Mapping[str, str]
    changes: tuple[Change, ...]  # keys: "text", "weight", "reverse"

    @property
    def reworded(self) -> bool:
        return any(change.key == "text" for change in self.changes)


@dataclass(frozen=True)
class DimensionDiff:
    """A dimension both versions have, and what differs in it."""

    code: str
    name: Mapping[str, str]  # as the newer version names it
    changes: tuple[Change, ...] = ()
    added: tuple[Statement, ...] = ()
    removed: tuple[Statement, ...] = ()
    changed: tuple[StatementChange, ...] = ()
    reordered: bool = False

    @property
    def method_changed(self) -> bool:
        """True when the dimension's score can come out differently for the same
        answers' intent: statements added, removed or reworded, a statement's weight
        or reverse flag, or the dimension's own weight or kind (its share of a
        block). Advice, names, descriptions and order are not the method."""
        scoring = any(c.key in DIMENSION_VALUE_KEYS for c in self.changes)
        return scoring or bool(self.added or self.removed or self.changed)

    @property
    def is_empty(self) -> bool:
        return not (
            self.changes or self.added or self.removed or self.changed or self.reordered
        )


@dataclass(frozen=True)
class QuestionSetDiff:
    old_version: int | None
    new_version: int | None
    settings: tuple[Change, ...] = ()  # SETTING_KEYS: a method change for every score
    texts: tuple[Change, ...] = ()  # the set's name and description
    dimensions_added: tuple[Mapping[str, Any], ...] = ()  # {"code", "name"}
    dimensions_removed: tuple[Mapping[str, Any], ...] = ()
    dimensions: tuple[DimensionDiff, ...] = field(default=())  # changed ones only

    @property
    def is_empty(self) -> bool:
        return not (
            self.settings
            or self.texts
            or self.dimensions_added
            or self.dimensions_removed
            or self.dimensions
        )

    @property
    def method_changed(self) -> bool:
        return bool(
            self.settings
            or self.dimensions_added
            or self.dimensions_removed
            or self.method_changed_codes
        )

    @property
    def method_changed_codes(self) -> frozenset[str]:
        """Codes of the dimensions both versions have whose method changed."""
        return frozenset(d.code for d in self.dimensions if d.method_changed)


def questionset_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> QuestionSetDiff:
    """Compare two question sets in the JSON structure (old first)."""
    old_dims = {dim["code"]: dim for dim in old.get("dimensions", [])}
    new_dims = {dim["code"]: dim for dim in new.get("dimensions", [])}
    return QuestionSetDiff(
        old_version=old.get("version"),
        new_version=new.get("version"),
        settings=_changes(old, new, SETTING_KEYS),
        texts=_changes(old, new, SET_TEXT_KEYS),
        dimensions_added=tuple(
            {"code": code, "name": dim.get("name", {})}
            for code, dim in new_dims.items()
            if code not in old_dims
        ),
        dimensions_removed=tuple(
            {"code": code, "name": dim.get("name", {})}
            for code, dim in old_dims.items()
            if code not in new_dims
        ),
        dimensions=tuple(
            diff
            for code, dim in new_dims.items()
            if code in old_dims
            and not (diff := _dimension_diff(old_dims[code], dim)).is_empty
        ),
    )


def _value(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _changes(
    old: Mapping[str, Any], new: Mapping[str, Any], keys: tuple[str, ...]
) -> tuple[Change, ...]:
    return tuple(
        Change(key, _value(old, key), _value(new, key))
        for key in keys
        if _value(old, key) != _value(new, key)
    )


def _statement(question: Mapping[str, Any]) -> Statement:
    return Statement(
        code=question["code"],
        text=question.get("text", {}),
        weight=question.get("weight", 1),
        reverse=question.get("reverse", False),
    )


def _dimension_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> DimensionDiff:
    old_qs = {q["code"]: q for q in old.get("questions", [])}
    new_qs = {q["code"]: q for q in new.get("questions", [])}
    changed = []
    for code, question in new_qs.items():
        if code not in old_qs:
            continue
        before = {"weight": 1, "reverse": False, **old_qs[code]}
        after = {"weight": 1, "reverse": False, **question}
        if changes := _changes(before, after, ("text", "weight", "reverse")):
            changed.append(
                StatementChange(code, before.get("text", {}), after["text"], changes)
            )
    common_old = [code for code in old_qs if code in new_qs]
    common_new = [code for code in new_qs if code in old_qs]
    return DimensionDiff(
        code=new["code"],
        name=new.get("name", {}),
        changes=_changes(
            {"weight": 1, **old}, {"weight": 1, **new}, DIMENSION_VALUE_KEYS
        )
        + _changes(old, new, DIMENSION_TEXT_KEYS),
        added=tuple(_statement(q) for c, q in new_qs.items() if c not in old_qs),
        removed=tuple(_statement(q) for c, q in old_qs.items() if c not in new_qs),
        changed=tuple(changed),
        reordered=common_old != common_new,
    )
