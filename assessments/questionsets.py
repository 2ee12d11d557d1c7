"""Question sets as JSON files, and the writes that create them.

The format is documented in docs/questionset-format.md. `validate_questionset_data`
collects every problem before anything is written, so a bad file changes nothing.
"""

import json
import math
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    GUIDANCE_MAX,
    NAME_MAX,
    STATEMENT_MAX,
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


def _is_number(value):
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


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
        elif len(text) > max_length:
            errors.append(
                _(
                    '%(where)s: text in "%(lang)s" is %(length)s characters long; '
                    "at most %(max)s are allowed."
                )
                % {"where": where, "lang": lang, "length": len(text), "max": max_length}
            )


def _check_weight(errors, where, value):
    if not _is_number(value) or value <= 0:
        errors.append(
            _("%(where)s: weight must be a number above 0, not %(value)r.")
            % {"where": where, "value": value}
        )


def validate_questionset_data(data):  # noqa: C901 - one flat list of checks reads best
    """Return a list of human-readable problems; empty when `data` can be imported."""
    errors = []
    if not isinstance(data, dict):
        return [_("The file must contain one JSON object.")]
    for key, max_length in (("name", NAME_MAX), ("slug", SLUG_MAX)):
        if not isinstance(data.get(key), str) or not data.get(key, "").strip():
            errors.append(_('"%(key)s" is missing.') % {"key": key})
        elif len(data[key]) > max_length:
            errors.append(
                _('"%(key)s" is longer than %(max)s characters.')
                % {"key": key, "max": max_length}
            )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.append(_('"version" must be a whole number of 1 or more.'))
    if "description" in data:
        _check_text(
            errors, "description", data["description"], GUIDANCE_MAX, required=False
        )
    coverage = data.get("min_coverage", 2 / 3)
    if not _is_number(coverage) or not 0 <= coverage <= 1:
        errors.append(
            _('"min_coverage" must be between 0 and 1, not %(v)r.') % {"v": coverage}
        )
    weights = [data.get("condition_weight", 50), data.get("link_weight", 50)]
    if not all(_is_number(w) and w >= 0 for w in weights) or not any(
        _is_number(w) and w > 0 for w in weights
    ):
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
                _('Threshold "%(key)s" must be between 0 and 100, not %(value)r.')
                % {"key": key, "value": value}
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

    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list):
        errors.append(_('"dimensions" must be a list.'))
        return errors
    seen_dims, seen_questions = set(), set()
    for index, dim in enumerate(dimensions, start=1):
        if not isinstance(dim, dict):
            errors.append(_("Dimension %(n)s must be an object.") % {"n": index})
            continue
        code = dim.get("code")
        where = _("Dimension %(code)s") % {"code": code or index}
        if not isinstance(code, str) or not code:
            errors.append(_("Dimension %(n)s has no code.") % {"n": index})
        elif code in seen_dims:
            errors.append(_("Duplicate dimension code %(code)s.") % {"code": code})
        seen_dims.add(code)
        kind = dim.get("kind")
        if kind not in (Dimension.Kind.CONDITION, Dimension.Kind.LINK):
            errors.append(
                _('%(where)s: kind must be "condition" or "link", not %(kind)r.')
                % {"where": where, "kind": kind}
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
        _check_text(
            errors, f"{where} description", dim.get("description"), GUIDANCE_MAX
        )
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
            continue
        for q_index, question in enumerate(questions, start=1):
            if not isinstance(question, dict):
                errors.append(
                    _("%(where)s: question %(n)s must be an object.")
                    % {"where": where, "n": q_index}
                )
                continue
            q_code = question.get("code")
            q_where = _("Question %(code)s") % {"code": q_code or f"{code}#{q_index}"}
            if not isinstance(q_code, str) or not q_code:
                errors.append(
                    _("%(where)s: question %(n)s has no code.")
                    % {"where": where, "n": q_index}
                )
            elif q_code in seen_questions:
                errors.append(_("Duplicate question code %(code)s.") % {"code": q_code})
            seen_questions.add(q_code)
            _check_text(errors, q_where, question.get("text"), STATEMENT_MAX)
            _check_weight(errors, q_where, question.get("weight", 1))
            if not isinstance(question.get("reverse", False), bool):
                errors.append(
                    _('%(where)s: "reverse" must be true or false.')
                    % {"where": q_where}
                )

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
