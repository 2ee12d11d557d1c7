"""The question-set editor's one big form: values in the words people use, problems
at their fields.

The form does not hold a second copy of the import's rules. It overlays what was
typed on the set as the documented JSON structure (`questionset_to_dict`), asks
`questionset_problems` (the rules of the JSON import) and places each problem at the
field whose value it names. Problems of something not written yet (a missing
translation, a dimension without statements) leave a draft savable; all others
(an over-long text, a weight of 0, thresholds out of order) keep it unsaved.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..models import LANGUAGE_CODES, Dimension, QuestionSet
from ..questionsets import questionset_to_dict
from ..questionsets.editing import BILINGUAL_FIELDS
from ..questionsets.validation import INCOMPLETE_RULES, Problem, questionset_problems

# Set fields: form name -> (JSON path, model field). Percentages convert below.
SET_TEXT_FIELDS = {
    "name": (("name",), "name"),
    **{
        f"set-description_{lang}": (("description", lang), f"description_{lang}")
        for lang in LANGUAGE_CODES
    },
}
THRESHOLD_FIELDS = {
    "green": "green_threshold",
    "amber": "amber_threshold",
    "gap_attention": "gap_attention",
    "gap_significant": "gap_significant",
}
BANDS = ("red", "amber", "green")


def _dimension_paths() -> dict[str, tuple]:
    paths = {"weight": ("weight",)}
    for field in BILINGUAL_FIELDS[Dimension]:
        for lang in LANGUAGE_CODES:
            key = (
                tuple(field.split("_", 1)) if field.startswith("advice_") else (field,)
            )
            paths[f"{field}_{lang}"] = (*key, lang)
    return paths


DIMENSION_PATHS = _dimension_paths()
QUESTION_PATHS = {
    **{f"text_{lang}": ("text", lang) for lang in LANGUAGE_CODES},
    "weight": ("weight",),
}


def parse_number(raw: str) -> float | str:
    """ "66,5" or "66.5" as a number; anything else stays text for the rules to name."""
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return raw
    return value if math.isfinite(value) else raw


def shown_number(value: float) -> str:
    """A number as the form shows it: at most two decimals, a point (HTML's)."""
    return format(round(value, 2), "g")


def scale_equivalent(score: Any) -> str:
    """A 0-100 score on the 1-5 answer scale (75 -> "4,0"); blank if not a number."""
    if not isinstance(score, int | float):
        return ""
    return number_format(1 + 4 * score / 100, decimal_pos=1)


def gap_steps(points: Any) -> str:
    """A gap in points as steps of the 1-5 scale (25 -> "1,0"); blank if no number."""
    if not isinstance(points, int | float):
        return ""
    return number_format(4 * points / 100, decimal_pos=1)


def _share(question_set: QuestionSet) -> float:
    total = question_set.condition_weight + question_set.link_weight
    return 100 * question_set.condition_weight / total if total else 50


class QuestionSetEditorForm:
    """The editor's values and problems for one draft (or, unbound, any set).

    `dimensions` are the set's dimensions in order with their questions prefetched
    in order. Field names: set fields plainly (`green`), a dimension's `d<id>-<field>`,
    a statement's `q<id>-<field>`.
    """

    def __init__(
        self,
        question_set: QuestionSet,
        dimensions: Sequence[Dimension],
        data: Mapping[str, str] | None = None,
    ) -> None:
        self.question_set = question_set
        self.dimensions = dimensions
        self.data = data
        self.is_bound = data is not None
        self.settings: dict[str, Any] = {}
        self.dimension_values: dict[int, dict[str, Any]] = {}
        self.question_values: dict[int, dict[str, Any]] = {}
        self.errors: dict[str, list[str]] = {}
        self.incomplete: dict[str, list[str]] = {}
        self.general: list[str] = []
        self.todo: list[tuple[str, str]] = []
        self._blocking = False
        self._check()

    # Values.

    def value(self, name: str, initial: Any) -> Any:
        """What was typed, else `initial`: a field the page did not have (a
        statement added in another tab) keeps its stored value."""
        if self.is_bound and name in self.data:
            return self.data[name]
        return initial

    def _text(self, name: str, initial: str) -> str:
        return str(self.value(name, initial)).strip().replace("\r\n", "\n")

    def _number(self, name: str, initial: float) -> float | str:
        if not self.is_bound or name not in self.data:
            return initial
        parsed = parse_number(self.data[name])
        # A value shown rounded and sent back unchanged keeps its exact value: 2/3
        # shown as 66.67 % must not become a method change.
        if isinstance(parsed, float) and shown_number(parsed) == shown_number(initial):
            return initial
        return parsed

    def _check(self) -> None:
        qs = self.question_set
        data = questionset_to_dict(qs)
        paths: dict[tuple, str] = {}
        for name, (path, field) in SET_TEXT_FIELDS.items():
            self.settings[field] = self._text(name, getattr(qs, field))
            _put(data, path, self.settings[field])
            paths[path] = name
        coverage = self._number("min_coverage", qs.min_coverage * 100)
        self.settings["min_coverage"] = (
            coverage / 100 if isinstance(coverage, float) else coverage
        )
        if coverage == qs.min_coverage * 100:
            self.settings["min_coverage"] = qs.min_coverage
        data["min_coverage"] = self.settings["min_coverage"]
        paths[("min_coverage",)] = "min_coverage"
        share = self._number("condition_share", _share(qs))
        if share != _share(qs):
            self.settings["condition_weight"] = share
            self.settings["link_weight"] = 100 - share if _real(share) else share
            data["condition_weight"] = self.settings["condition_weight"]
            data["link_weight"] = self.settings["link_weight"]
        paths[("condition_weight",)] = paths[("link_weight",)] = "condition_share"
        for name, field in THRESHOLD_FIELDS.items():
            self.settings[field] = self._number(name, getattr(qs, field))
            data["thresholds"][name] = self.settings[field]
            paths[("thresholds", name)] = name
        for i, dim in enumerate(self.dimensions):
            self._check_dimension(dim, data["dimensions"][i], ("dimensions", i), paths)
        self._place(questionset_problems(data), paths)

    def _check_dimension(self, dim, dim_data: dict, at: tuple, paths: dict) -> None:
        values = self.dimension_values[dim.pk] = {}
        for field, path in DIMENSION_PATHS.items():
            name = f"d{dim.pk}-{field}"
            if field == "weight":
                value = self._number(name, dim.weight)
            else:
                value = self._text(name, getattr(dim, field))
            values[field] = value
            _put(dim_data, path, value)
            paths[(*at, *path)] = name
        if not any(values[f"quick_win_{lang}"] for lang in LANGUAGE_CODES):
            dim_data.pop("quick_win", None)  # optional, as in the JSON format
        paths[(*at, "questions")] = f"d{dim.pk}-questions"
        for j, question in enumerate(dim.questions.all()):
            q_values = self.question_values[question.pk] = {}
            q_data = dim_data["questions"][j]
            for field, path in QUESTION_PATHS.items():
                name = f"q{question.pk}-{field}"
                if field == "weight":
                    value = self._number(name, question.weight)
                else:
                    value = self._text(name, getattr(question, field))
                q_values[field] = value
                _put(q_data, path, value)
                paths[(*at, "questions", j, *path)] = name
            name = f"q{question.pk}-reverse"
            on_page = self.is_bound and f"q{question.pk}-weight" in self.data
            q_values["reverse"] = (
                self.data.get(name) == "on" if on_page else question.reverse
            )
            q_data["reverse"] = q_values["reverse"]

    def _place(self, problems: list[Problem], paths: dict[tuple, str]) -> None:
        for problem in problems:
            name = _field_at(problem.path, paths)
            incomplete = problem.rule in INCOMPLETE_RULES
            message = _own_message(name, problem)
            if incomplete and name is not None:  # also listed at the top, linked
                self.todo.append((name, problem.at_field))
            if name is None:
                target = self.general
            else:
                target = (self.incomplete if incomplete else self.errors).setdefault(
                    name, []
                )
            if message not in target:  # both block weights name one share field
                target.append(message)
            self._blocking |= not incomplete

    def is_valid(self) -> bool:
        """True when the values may be saved (missing parts are allowed in a draft)."""
        return self.is_bound and not self._blocking

    def english_checked(self) -> frozenset[tuple[str, int, str]]:
        """The "English still fits" ticks: (kind, id, field) for the service."""
        ticked = set()
        for name in self.data or {}:
            prefix, _sep, field = name.partition("-en_ok-")
            if not field or self.data.get(name) != "on":
                continue
            if prefix == "set":
                ticked.add(("questionset", self.question_set.pk, field))
            elif prefix[:1] in "dq" and prefix[1:].isdigit():
                kind = "dimension" if prefix[0] == "d" else "question"
                ticked.add((kind, int(prefix[1:]), field))
        return frozenset(ticked)


def _real(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def _put(target: dict, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _field_at(path: tuple, paths: Mapping[tuple, str]) -> str | None:
    """The field holding the value at `path`, or the nearest one above it."""
    for end in range(len(path), 0, -1):
        if path[:end] in paths:
            return paths[path[:end]]
    return None


def _own_message(name: str | None, problem: Problem) -> str:
    """The import's message, except where the editor shows another unit."""
    if name == "min_coverage":
        return _("Enter a percentage above 0 and at most 100.")
    if name == "condition_share":
        return _("Enter a share between 0 and 100 %.")
    if name and problem.rule in INCOMPLETE_RULES and not name.endswith("-questions"):
        return _("This text is missing.")  # beside the text box that is empty
    return problem.at_field if name else problem.message
