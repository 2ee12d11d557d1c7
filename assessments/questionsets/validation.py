"""Checking a question-set file before anything is written.

What one value may be (types, required keys, lengths, ranges) is the JSON Schema in
`assessments/data/questionset.schema.json`; the rules that compare values (unique
codes, the 14 dimensions with their kinds, thresholds in order, block weights) are
here. Both report every problem as a translated message that names the JSON path.
"""

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, ValidationError, validators

from ..models import LANGUAGE_CODES, Dimension, QuestionSet

SCHEMA_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "questionset.schema.json"
)

LANGS = LANGUAGE_CODES
CONDITION_CODES = [f"BV{i}" for i in range(1, 6)]
LINK_CODES = [f"RS{i}" for i in range(1, 10)]
KIND_OF_CODE = {
    **dict.fromkeys(CONDITION_CODES, Dimension.Kind.CONDITION),
    **dict.fromkeys(LINK_CODES, Dimension.Kind.LINK),
}
# JSON keys of the set's scoring values -> QuestionSet fields (defaults live there).
SCORING_FIELDS = {
    "min_coverage": "min_coverage",
    "condition_weight": "condition_weight",
    "link_weight": "link_weight",
}
THRESHOLD_FIELDS = {
    "green": "green_threshold",
    "amber": "amber_threshold",
    "gap_attention": "gap_attention",
    "gap_significant": "gap_significant",
}

_MISSING = object()

# Rules whose problems say something is not there yet (a text, a statement, a
# dimension): a draft in the editor may be saved with them, not published.
INCOMPLETE_RULES = frozenset({"required", "minLength", "minItems", "missing_dimension"})


class Problem(NamedTuple):
    """One problem of a question-set file: where it is, what rule, what to say.

    `path` is the JSON path of the value (`("dimensions", 2, "questions", 0,
    "weight")`); `rule` the schema keyword or the name of a rule that compares values.
    The editor places the message at the field that holds the value.
    """

    path: tuple
    rule: str
    message: str

    @property
    def at_field(self) -> str:
        """The message as shown beside its field, which needs no JSON path."""
        return self.message.removeprefix(f"{_json_path(list(self.path))}: ")


def validate_questionset_data(data: Any) -> list[str]:
    """Return a list of human-readable problems; empty when `data` can be imported.

    Anything JSON can hold gives a message here, never an exception: a file is
    uploaded by hand and may be hostile.
    """
    return [problem.message for problem in questionset_problems(data)]


def questionset_problems(data: Any) -> list[Problem]:
    """Every problem of `data` with its place: `validate_questionset_data`'s source."""
    try:
        schema_errors = list(_validator().iter_errors(data))
    except RecursionError:  # jsonschema quotes values; a 5,000-deep one is too deep
        reason = _("it is nested too deeply")
        message = _("This is not a valid JSON file: %(error)s") % {"error": reason}
        return [Problem((), "nesting", message)]
    problems = [
        Problem(tuple(error.absolute_path), _rule(error), _schema_message(data, error))
        for error in schema_errors
    ]
    # A list over its cap (51 dimensions, 101 questions) is reported once and its
    # entries are not read: comparing 100,000 codes would only bury that message.
    if isinstance(data, dict) and not any(
        error.validator == "maxItems" for error in schema_errors
    ):
        problems += _cross_field_errors(data)
    return problems


def _rule(error: ValidationError) -> str:
    """The schema keyword; a blank text fails `pattern` too, which means missing."""
    instance = error.instance
    if (
        error.validator == "pattern"
        and isinstance(instance, str)
        and not instance.strip()
    ):
        return "minLength"
    return error.validator


# The schema: a stricter validator and the messages for its errors.


def _is_number(checker: Any, value: Any) -> bool:
    """JSON numbers that scoring can use: no booleans, NaN, infinities, 10**400."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _is_integer(checker: Any, value: Any) -> bool:
    # jsonschema counts 1.0 as an integer; a version number is written without ".0".
    return isinstance(value, int) and not isinstance(value, bool)


def _required(
    validator: Any, required: Sequence[str], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """Like jsonschema's `required`, but each error's path ends at the missing key."""
    if validator.is_type(instance, "object"):
        for key in required:
            if key not in instance:
                yield ValidationError(f"{key!r} is a required property", path=[key])


def _items(
    validator: Any, items: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """Skip the entries of a list that is over its `maxItems` (reported once)."""
    if validator.is_type(instance, "array") and len(instance) > schema.get(
        "maxItems", math.inf
    ):
        return
    yield from Draft202012Validator.VALIDATORS["items"](
        validator, items, instance, schema
    )


_Validator = validators.extend(
    Draft202012Validator,
    {"required": _required, "items": _items},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"number": _is_number, "integer": _is_integer}
    ),
)


@cache
def load_schema() -> dict[str, Any]:
    """The schema as the file has it (what docs/questionset-format.md links to)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    return _Validator(_inline(schema, schema["$defs"]))


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """`node` with each `{"$ref": "#/$defs/x", ...}` replaced by x merged with the rest.

    The same checks, 5-10 times faster: jsonschema looks a reference up on every use,
    and the default set uses them a thousand times. Merging is `allOf` here because
    no reference shares an assertion keyword with the keywords beside it.
    """
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _inline(value, defs) for key, value in node.items() if key != "$defs"}
    if "$ref" in node:
        target = _inline(defs[node.pop("$ref").removeprefix("#/$defs/")], defs)
        if clash := (target.keys() & node.keys()) - {"description"}:
            raise ImproperlyConfigured(f"questionset.schema.json: $ref beside {clash}")
        node = {**target, **node}
    return node


def _json_path(path: list) -> str:
    """`dimensions[2].questions[0].weight`."""
    text = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path)
    return text.removeprefix(".")


def _code_label(code: Any) -> str | None:
    """A code fit to name its dimension or question in a message (else None)."""
    short = isinstance(code, str) and 0 < len(code.strip()) <= len(code) <= 20
    return code if short and code.isprintable() else None


def _subject(data: dict, path: list) -> str:
    """How a message names the value at `path`.

    A set-level value by its quoted path (`"thresholds.green"`); one inside a
    dimension by the dimension or question and the keys below it
    (`Question BV1.1 text "en"`).
    """
    if path[0] != "dimensions" or len(path) == 1:
        return f'"{_json_path(path)}"'
    dimension = data["dimensions"][path[1]]
    dim_code = (
        _code_label(dimension.get("code")) if isinstance(dimension, dict) else None
    )
    label = _("Dimension %(code)s") % {"code": dim_code or path[1] + 1}
    rest = path[2:]
    if rest[:1] == ["questions"] and len(rest) > 1:
        question = dimension["questions"][rest[1]]
        code = _code_label(question.get("code")) if isinstance(question, dict) else None
        fallback = f"{dim_code or path[1] + 1}#{rest[1] + 1}"
        label = _("Question %(code)s") % {"code": code or fallback}
        rest = rest[2:]
    return " ".join([label, *(f'"{key}"' if key in LANGS else key for key in rest)])


def _at(path: list, message: str) -> str:
    """Prefix the JSON path where the message's subject does not spell it out."""
    if path[0] == "dimensions" and len(path) > 1:
        return f"{_json_path(path)}: {message}"
    return message


def _shown(value: Any) -> str:
    """A value as an error message may quote it: short, whatever the file holds."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)  # null, true, false
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, int) and not _is_number(None, value):
        return _("a very large number")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(value: Any) -> str:
    return number_format(value, force_grouping=True)


def _schema_message(data: Any, error: ValidationError) -> str:
    path = list(error.absolute_path)
    if not path:
        return _("The file must contain one JSON object.")
    schema = error.schema
    value = _MISSING if error.validator == "required" else error.instance
    low = schema.get("exclusiveMinimum", schema.get("minimum"))
    params = {
        "subject": _subject(data, path),
        "owner": _subject(data, path[:-1]) if len(path) > 1 else "",
        "value": "" if value is _MISSING else _shown(value),
        "length": len(value) if isinstance(value, str) else 0,
        "limit": error.validator_value,
        "choices": ", ".join(json.dumps(choice) for choice in schema.get("enum", [])),
        "low": "" if low is None else _number(low),
        "high": _number(schema["maximum"]) if "maximum" in schema else "",
    }
    return _at(path, _sentence(error, path) % params)


def _sentence(error: ValidationError, path: list) -> str:
    """The message template for one schema error; `_schema_message` fills it in."""
    keyword, kind = error.validator, error.schema.get("type")
    if keyword == "not":  # only the slug has one
        return _(
            "%(subject)s may only hold letters, digits, hyphens and underscores, "
            "not %(value)s."
        )
    if keyword == "pattern":  # one pattern: no control characters, not only spaces
        if error.instance.strip():
            return _("%(subject)s holds control characters.")
        return _("%(subject)s is missing.")
    if keyword == "maxLength" and path[-1] in LANGS:  # a text: say how much to cut
        return _(
            "%(subject)s is %(length)s characters long; at most %(limit)s are allowed."
        )
    if keyword in ("required", "minItems") and path[-1] == "questions":
        return _("%(owner)s has no questions.")
    if keyword == "maxItems" and path[-1] == "dimensions":
        return _("A question set has at most %(limit)s dimensions.")
    if keyword == "type" and kind not in ("number", "integer"):
        return {
            "object": _("%(subject)s must be an object, not %(value)s."),
            "array": _("%(subject)s must be a list, not %(value)s."),
            "string": _("%(subject)s must be text, not %(value)s."),
            "boolean": _("%(subject)s must be true or false, not %(value)s."),
        }[kind]
    by_keyword = {
        "required": _("%(subject)s is missing."),
        "minLength": _("%(subject)s is missing."),
        "maxLength": _("%(subject)s is longer than %(limit)s characters."),
        "enum": _("%(subject)s must be one of %(choices)s, not %(value)s."),
        "maxItems": _("%(owner)s has more than %(limit)s questions."),
    }
    return by_keyword.get(keyword) or _range_sentence(error.schema)


def _range_sentence(schema: dict) -> str:
    """A number out of range or of the wrong type: say the whole range."""
    if schema["type"] == "integer":
        return _(
            "%(subject)s must be a whole number between %(low)s and %(high)s, "
            "not %(value)s."
        )
    if "exclusiveMinimum" in schema:
        return _(
            "%(subject)s must be a number above %(low)s and at most %(high)s, "
            "not %(value)s."
        )
    return _(
        "%(subject)s must be a number between %(low)s and %(high)s, not %(value)s."
    )


# Rules that compare values: the schema sees one value at a time.


def _cross_field_errors(data: dict) -> list[Problem]:
    return _scoring_errors(data) + _dimension_errors(data)


def _set_value(data: dict, key: str) -> Any:
    """A scoring value as the import will store it: the file's or the model default."""
    if key in THRESHOLD_FIELDS:
        thresholds = data.get("thresholds")
        source = thresholds if isinstance(thresholds, dict) else {}
        field = THRESHOLD_FIELDS[key]
    else:
        source, field = data, SCORING_FIELDS[key]
    return source.get(key, QuestionSet._meta.get_field(field).get_default())


def _scoring_errors(data: dict) -> list[Problem]:
    errors = []
    value = {key: _set_value(data, key) for key in (*SCORING_FIELDS, *THRESHOLD_FIELDS)}

    def numbers(*keys: str) -> bool:  # out-of-range values were reported by the schema
        return all(_is_number(None, value[key]) for key in keys)

    if numbers("condition_weight", "link_weight") and (
        value["condition_weight"] == value["link_weight"] == 0
    ):
        message = _(
            '"condition_weight" and "link_weight" must be 0 or more, not both 0.'
        )
        errors.append(Problem(("condition_weight",), "block_weights", message))
    if numbers("amber", "green") and not value["amber"] < value["green"]:
        message = _('Threshold "amber" must be below "green".')
        errors.append(Problem(("thresholds", "amber"), "band_order", message))
    if (
        numbers("gap_attention", "gap_significant")
        and not value["gap_attention"] <= value["gap_significant"]
    ):
        message = _('Threshold "gap_attention" must be at most "gap_significant".')
        errors.append(Problem(("thresholds", "gap_attention"), "gap_order", message))
    return errors


def _dimension_errors(data: dict) -> list[Problem]:
    """Unique codes, each code's kind, and all of the 14 dimensions present."""
    dimensions = data.get("dimensions")
    dims = [
        (index, dim)
        for index, dim in enumerate(dimensions if isinstance(dimensions, list) else [])
        if isinstance(dim, dict)
    ]
    dim_codes = [(["dimensions", i, "code"], dim.get("code")) for i, dim in dims]
    question_codes = [
        (["dimensions", i, "questions", j, "code"], question.get("code"))
        for i, dim in dims
        for j, question in enumerate(_list(dim.get("questions")))
        if isinstance(question, dict)
    ]
    errors = _duplicates(dim_codes, _("Duplicate dimension code %(code)s."))
    errors += _duplicates(question_codes, _("Duplicate question code %(code)s."))
    kind_messages = {
        Dimension.Kind.CONDITION: _(
            '%(subject)s has a BV code, so it must have kind "condition".'
        ),
        Dimension.Kind.LINK: _(
            '%(subject)s has an RS code, so it must have kind "link".'
        ),
    }
    for index, dim in dims:
        code, kind = dim.get("code"), dim.get("kind")
        expected = KIND_OF_CODE.get(code) if isinstance(code, str) else None
        if expected and kind in Dimension.Kind.values and kind != expected:
            subject = _subject(data, ["dimensions", index])
            message = kind_messages[expected] % {"subject": subject}
            path = ["dimensions", index, "kind"]
            errors.append(Problem(tuple(path), "kind", _at(path, message)))
    present = {code for _path, code in dim_codes if isinstance(code, str)}
    errors += [
        Problem(
            ("dimensions",),
            "missing_dimension",
            _("Dimension %(code)s is missing.") % {"code": code},
        )
        for code in KIND_OF_CODE
        if code not in present
    ]
    return errors


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _duplicates(codes: list[tuple[list, Any]], template: str) -> list[Problem]:
    """A problem for each code (a text) that an earlier entry already has."""
    errors, seen = [], set()
    for path, code in codes:
        if not isinstance(code, str):
            continue  # the schema has said what is wrong with it
        if code in seen:
            message = _at(path, template % {"code": code})
            errors.append(Problem(tuple(path), "duplicate_code", message))
        seen.add(code)
    return errors
