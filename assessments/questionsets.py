"""Question sets as JSON files, and the writes that create them.

The format is documented in docs/questionset-format.md. `validate_questionset_data`
collects every problem before anything is written, so a bad file changes nothing.
"""

import json
import math
import re
from pathlib import Path

from django.core.validators import slug_re
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import (
    GUIDANCE_MAX,
    NAME_MAX,
    STATEMENT_MAX,
    VERSION_MAX,
    WEIGHT_MAX,
    Dimension,
    Question,
    QuestionSet,
)

DEFAULT_QUESTIONSET_PATH = Path(__file__).resolve().parent / "data" / "partnerscan.json"

CONDITION_CODES = [f"BV{i}" for i in range(1, 6)]
LINK_CODES = [f"RS{i}" for i in range(1, 10)]
BANDS = ("red", "amber", "green")
SLUG_MAX = QuestionSet._meta.get_field("slug").max_length
LANGS = ("nl", "en")
MIN_QUESTIONS = 1
# Far above any real set (14 dimensions of a handful of statements); positions must
# fit a small integer column.
MAX_DIMENSIONS = 50
MAX_QUESTIONS = 100
DIMENSION_CODE_MAX = Dimension._meta.get_field("code").max_length
QUESTION_CODE_MAX = Question._meta.get_field("code").max_length
# Tab, LF and CR belong in texts; other control characters (NUL, which PostgreSQL
# refuses outright) do not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QuestionSetFormatError(ValueError):
    """A question-set file that cannot be imported; `errors` names every problem."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


def _bilingual(dimension):
    """Split `{"nl", "en"}` dicts into model field names."""
    return {
        f"{field}_{lang}": dimension[field][lang]
        for field in ("name", "description")
        for lang in LANGS
    }


def questionset_to_dict(question_set):
    """The question set as the documented JSON structure (one query per level)."""
    dimensions = []
    for dim in question_set.dimensions.prefetch_related("questions").order_by(
        "position", "code"
    ):
        dimensions.append(
            {
                "code": dim.code,
                "kind": dim.kind,
                "weight": dim.weight,
                "name": {"nl": dim.name_nl, "en": dim.name_en},
                "description": {"nl": dim.description_nl, "en": dim.description_en},
                "advice": {
                    band: {
                        lang: getattr(dim, f"advice_{band}_{lang}") for lang in LANGS
                    }
                    for band in BANDS
                },
                "questions": [
                    {
                        "code": q.code,
                        "text": {"nl": q.text_nl, "en": q.text_en},
                        "weight": q.weight,
                        "reverse": q.reverse,
                    }
                    for q in dim.questions.all()
                ],
            }
        )
    return {
        "name": question_set.name,
        "slug": question_set.slug,
        "version": question_set.version,
        "status": question_set.status,
        "description": {
            "nl": question_set.description_nl,
            "en": question_set.description_en,
        },
        "min_coverage": question_set.min_coverage,
        "condition_weight": question_set.condition_weight,
        "link_weight": question_set.link_weight,
        "thresholds": {
            "green": question_set.green_threshold,
            "amber": question_set.amber_threshold,
            "gap_attention": question_set.gap_attention,
            "gap_significant": question_set.gap_significant,
        },
        "dimensions": dimensions,
    }


def questionset_to_json(question_set):
    return json.dumps(questionset_to_dict(question_set), ensure_ascii=False, indent=2)


def questionset_parse(raw):
    """The JSON object in `raw` (bytes or text); QuestionSetFormatError if it is none.

    Hostile files fail here with a message, not a crash: bytes that are not UTF-8,
    nesting deeper than the parser's recursion limit, integers of thousands of digits.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError as exc:
        reason = _("it is not UTF-8 text")
        error = exc
    except RecursionError as exc:
        reason = _("it is nested too deeply")
        error = exc
    except ValueError as exc:  # JSONDecodeError, and ints past Python's digit limit
        reason = str(exc)
        error = exc
    raise QuestionSetFormatError(
        [_("This is not a valid JSON file: %(error)s") % {"error": reason}]
    ) from error


def _is_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _check_text(errors, where, value, max_length, required=True):
    if not isinstance(value, dict):
        errors.append(
            _('%(where)s must be an object with "nl" and "en".') % {"where": where}
        )
        return
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or (required and not text.strip()):
            errors.append(
                _('%(where)s: text in "%(lang)s" is missing.')
                % {"where": where, "lang": lang}
            )
        elif _CONTROL.search(text):
            errors.append(
                _('%(where)s: text in "%(lang)s" holds control characters.')
                % {"where": where, "lang": lang}
            )
        elif len(text) > max_length:
            errors.append(
                _(
                    '%(where)s: text in "%(lang)s" is %(length)s characters long; '
                    "at most %(max)s are allowed."
                )
                % {"where": where, "lang": lang, "length": len(text), "max": max_length}
            )


def _shown(value):
    """A value as an error message may quote it: short, whatever the file holds."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)  # null, true, false
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, int) and not _is_number(value):
        return _("a very large number")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_weight(errors, where, value):
    if not _is_number(value) or not 0 < value <= WEIGHT_MAX:
        errors.append(
            _(
                "%(where)s: weight must be a number above 0 and at most %(max)s, "
                "not %(value)s."
            )
            % {"where": where, "max": WEIGHT_MAX, "value": _shown(value)}
        )


def _check_code(errors, where, code, max_length):
    """True when `code` can be compared with other codes (a string)."""
    if not isinstance(code, str) or not code.strip():
        return False
    if len(code) > max_length or _CONTROL.search(code):
        errors.append(
            _(
                "%(where)s: the code is longer than %(max)s characters or holds "
                "control characters."
            )
            % {"where": where, "max": max_length}
        )
    return True


def _check_header(errors, data):
    """Name, slug, version and description."""
    for key, max_length in (("name", NAME_MAX), ("slug", SLUG_MAX)):
        if not isinstance(data.get(key), str) or not data.get(key, "").strip():
            errors.append(_('"%(key)s" is missing.') % {"key": key})
        elif len(data[key]) > max_length:
            errors.append(
                _('"%(key)s" is longer than %(max)s characters.')
                % {"key": key, "max": max_length}
            )
        elif key == "slug" and not slug_re.fullmatch(data[key]):
            errors.append(
                _(
                    '"slug" may only hold letters, digits, hyphens and underscores, '
                    "not %(value)s."
                )
                % {"value": _shown(data[key])}
            )
        elif key == "name" and _CONTROL.search(data[key]):
            errors.append(_('"name" holds control characters.'))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.append(_('"version" must be a whole number of 1 or more.'))
    elif version > VERSION_MAX:
        errors.append(
            _('"version" must be at most %(max)s.')
            % {"max": number_format(VERSION_MAX, force_grouping=True)}
        )
    if "description" in data:
        _check_text(
            errors, "description", data["description"], GUIDANCE_MAX, required=False
        )


def _check_scoring(errors, data):
    """Coverage, block weights and thresholds: ranges the database also enforces."""
    coverage = data.get("min_coverage", 2 / 3)
    if not _is_number(coverage) or not 0 < coverage <= 1:
        errors.append(
            _('"min_coverage" must be above 0 and at most 1, not %(v)s.')
            % {"v": _shown(coverage)}
        )
    for key in ("condition_weight", "link_weight"):
        weight = data.get(key, 50)
        if not _is_number(weight) or not 0 <= weight <= WEIGHT_MAX:
            errors.append(
                _('"%(key)s" must be a number from 0 to %(max)s, not %(value)s.')
                % {"key": key, "max": WEIGHT_MAX, "value": _shown(weight)}
            )
    if data.get("condition_weight", 50) == 0 and data.get("link_weight", 50) == 0:
        errors.append(
            _('"condition_weight" and "link_weight" must be 0 or more, not both 0.')
        )
    thresholds = data.get("thresholds", {})
    if not isinstance(thresholds, dict):
        errors.append(_('"thresholds" must be an object.'))
        thresholds = {}
    t = {
        "green": thresholds.get("green", 75),
        "amber": thresholds.get("amber", 50),
        "gap_attention": thresholds.get("gap_attention", 25),
        "gap_significant": thresholds.get("gap_significant", 40),
    }
    for key, value in t.items():
        if not _is_number(value) or not 0 <= value <= 100:
            errors.append(
                _('Threshold "%(key)s" must be between 0 and 100, not %(value)s.')
                % {"key": key, "value": _shown(value)}
            )
    if all(_is_number(v) for v in t.values()):
        if not t["amber"] < t["green"]:
            errors.append(_('Threshold "amber" must be below "green".'))
        if not 0 < t["gap_attention"] <= t["gap_significant"]:
            errors.append(
                _(
                    'Threshold "gap_attention" must be above 0 and at most '
                    '"gap_significant".'
                )
            )


def _check_dimension(errors, index, dim, seen_dims, seen_questions):  # noqa: C901
    """One dimension and its questions; codes go into the `seen_` sets."""
    if not isinstance(dim, dict):
        errors.append(_("Dimension %(n)s must be an object.") % {"n": index})
        return
    code = dim.get("code")
    label = code if isinstance(code, str) and code.strip() else index
    where = _("Dimension %(code)s") % {"code": label}
    if not _check_code(errors, where, code, DIMENSION_CODE_MAX):
        errors.append(_("Dimension %(n)s has no code.") % {"n": index})
    elif code in seen_dims:
        errors.append(_("Duplicate dimension code %(code)s.") % {"code": code})
    else:
        seen_dims.add(code)
    kind = dim.get("kind")
    if kind not in (Dimension.Kind.CONDITION, Dimension.Kind.LINK):
        errors.append(
            _('%(where)s: kind must be "condition" or "link", not %(kind)s.')
            % {"where": where, "kind": _shown(kind)}
        )
    elif code in CONDITION_CODES and kind != Dimension.Kind.CONDITION:
        errors.append(
            _('%(where)s: a BV code must have kind "condition".') % {"where": where}
        )
    elif code in LINK_CODES and kind != Dimension.Kind.LINK:
        errors.append(
            _('%(where)s: an RS code must have kind "link".') % {"where": where}
        )
    _check_weight(errors, where, dim.get("weight", 1))
    _check_text(errors, f"{where} name", dim.get("name"), NAME_MAX)
    _check_text(errors, f"{where} description", dim.get("description"), GUIDANCE_MAX)
    advice = dim.get("advice")
    if not isinstance(advice, dict):
        errors.append(
            _("%(where)s: advice for red, amber and green is missing.")
            % {"where": where}
        )
    else:
        for band in BANDS:
            _check_text(
                errors, f"{where} advice {band}", advice.get(band), GUIDANCE_MAX
            )
    questions = dim.get("questions")
    if not isinstance(questions, list) or len(questions) < MIN_QUESTIONS:
        errors.append(_("%(where)s has no questions.") % {"where": where})
        return
    if len(questions) > MAX_QUESTIONS:
        errors.append(
            _("%(where)s has more than %(max)s questions.")
            % {"where": where, "max": MAX_QUESTIONS}
        )
        return
    for q_index, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            errors.append(
                _("%(where)s: question %(n)s must be an object.")
                % {"where": where, "n": q_index}
            )
            continue
        q_code = question.get("code")
        q_label = q_code if isinstance(q_code, str) and q_code.strip() else None
        q_where = _("Question %(code)s") % {"code": q_label or f"{label}#{q_index}"}
        if not _check_code(errors, q_where, q_code, QUESTION_CODE_MAX):
            errors.append(
                _("%(where)s: question %(n)s has no code.")
                % {"where": where, "n": q_index}
            )
        elif q_code in seen_questions:
            errors.append(_("Duplicate question code %(code)s.") % {"code": q_code})
        else:
            seen_questions.add(q_code)
        _check_text(errors, q_where, question.get("text"), STATEMENT_MAX)
        _check_weight(errors, q_where, question.get("weight", 1))
        if not isinstance(question.get("reverse", False), bool):
            errors.append(
                _('%(where)s: "reverse" must be true or false.') % {"where": q_where}
            )


def validate_questionset_data(data):
    """Return a list of human-readable problems; empty when `data` can be imported.

    Anything JSON can hold gives a message here, never an exception: a file is
    uploaded by hand and may be hostile.
    """
    if not isinstance(data, dict):
        return [_("The file must contain one JSON object.")]
    errors = []
    _check_header(errors, data)
    _check_scoring(errors, data)
    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list):
        errors.append(_('"dimensions" must be a list.'))
        return errors
    if len(dimensions) > MAX_DIMENSIONS:
        errors.append(
            _("A question set has at most %(max)s dimensions.")
            % {"max": MAX_DIMENSIONS}
        )
        return errors
    seen_dims, seen_questions = set(), set()
    for index, dim in enumerate(dimensions, start=1):
        _check_dimension(errors, index, dim, seen_dims, seen_questions)
    for code in CONDITION_CODES + LINK_CODES:
        if code not in seen_dims:
            errors.append(_("Dimension %(code)s is missing.") % {"code": code})
    return errors


@transaction.atomic
def questionset_import(*, data, status=QuestionSet.Status.DRAFT):
    """Create a question set from validated JSON data; raise QuestionSetFormatError.

    A set with the same slug and version must not exist yet: published versions are
    history, so a changed file needs a new version number.
    """
    errors = validate_questionset_data(data)
    if (
        not errors
        and QuestionSet.objects.filter(
            slug=data["slug"], version=data["version"]
        ).exists()
    ):
        errors.append(
            _(
                'Question set "%(slug)s" version %(version)s already exists; '
                "raise the version number."
            )
            % {"slug": data["slug"], "version": data["version"]}
        )
    if errors:
        raise QuestionSetFormatError(errors)
    thresholds = data.get("thresholds", {})
    description = data.get("description", {})
    question_set = QuestionSet.objects.create(
        name=data["name"],
        slug=data["slug"],
        version=data["version"],
        status=status,
        description_nl=description.get("nl", ""),
        description_en=description.get("en", ""),
        min_coverage=data.get("min_coverage", 2 / 3),
        condition_weight=data.get("condition_weight", 50),
        link_weight=data.get("link_weight", 50),
        green_threshold=thresholds.get("green", 75),
        amber_threshold=thresholds.get("amber", 50),
        gap_attention=thresholds.get("gap_attention", 25),
        gap_significant=thresholds.get("gap_significant", 40),
        published_at=timezone.now() if status == QuestionSet.Status.PUBLISHED else None,
    )
    _create_dimensions(question_set, data["dimensions"])
    return question_set


def _create_dimensions(question_set, dimensions):
    questions = []
    for position, dim in enumerate(dimensions):
        advice = {
            f"advice_{band}_{lang}": dim["advice"][band][lang]
            for band in BANDS
            for lang in LANGS
        }
        dimension = Dimension.objects.create(
            question_set=question_set,
            kind=dim["kind"],
            code=dim["code"],
            position=position,
            weight=dim.get("weight", 1),
            **_bilingual(dim),
            **advice,
        )
        questions.extend(
            Question(
                dimension=dimension,
                code=q["code"],
                position=q_position,
                text_nl=q["text"]["nl"],
                text_en=q["text"]["en"],
                weight=q.get("weight", 1),
                reverse=q.get("reverse", False),
            )
            for q_position, q in enumerate(dim["questions"])
        )
    Question.objects.bulk_create(questions)


def questionset_clone(*, question_set):
    """A new draft version of `question_set` with the same content (a deep copy)."""
    data = questionset_to_dict(question_set)
    latest = (
        QuestionSet.objects.filter(slug=question_set.slug)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    data["version"] = latest + 1
    return questionset_import(data=data, status=QuestionSet.Status.DRAFT)


@transaction.atomic
def questionset_publish(*, question_set):
    """Publish a draft; other published versions of the same slug stay available."""
    question_set.status = QuestionSet.Status.PUBLISHED
    question_set.published_at = timezone.now()
    question_set.save(update_fields=["status", "published_at"])
    return question_set


def questionset_install_default():
    """Install the shipped default set, published, unless that version exists."""
    data = json.loads(DEFAULT_QUESTIONSET_PATH.read_text(encoding="utf-8"))
    existing = QuestionSet.objects.filter(
        slug=data["slug"], version=data["version"]
    ).first()
    if existing:
        return existing, False
    return questionset_import(data=data, status=QuestionSet.Status.PUBLISHED), True
