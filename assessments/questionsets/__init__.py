"""Question sets as JSON files, and the writes that create them.

The format is documented in docs/questionset-format.md. `validate_questionset_data`
(in `validation.py`, with the JSON Schema it applies) collects every problem before
anything is written, so a bad file changes nothing.
"""

import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import Event, audit_event
from ..models import Dimension, Question, QuestionSet
from .diff import questionset_diff
from .validation import (
    LANGS,
    SCORING_FIELDS,
    THRESHOLD_FIELDS,
    validate_questionset_data,
)

__all__ = [
    "DEFAULT_QUESTIONSET_PATH",
    "QuestionSetFormatError",
    "QuestionSetStateError",
    "questionset_current",
    "questionset_clone",
    "questionset_import",
    "questionset_import_xlsx",
    "questionset_install_default",
    "questionset_method_change",
    "questionset_parse",
    "questionset_publish",
    "questionset_retire",
    "questionset_to_dict",
    "questionset_to_json",
    "validate_questionset_data",
]

DEFAULT_QUESTIONSET_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "partnerscan.json"
)

BANDS = ("red", "amber", "green")


class QuestionSetFormatError(ValueError):
    """A question-set file that cannot be imported; `errors` names every problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def questionset_parse(raw: bytes | str) -> Any:
    """The JSON value in `raw` (bytes or text); QuestionSetFormatError if it is none.

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
    message = _("This is not a valid JSON file: %(error)s") % {"error": reason}
    raise QuestionSetFormatError([message]) from error


def _bilingual(dimension: Mapping[str, Any]) -> dict[str, str]:
    """Split `{"nl", "en"}` dicts into model field names."""
    return {
        f"{field}_{lang}": dimension[field][lang]
        for field in ("name", "description")
        for lang in LANGS
    }


def questionset_to_dict(question_set: QuestionSet) -> dict[str, Any]:
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
                **(
                    {"quick_win": {"nl": dim.quick_win_nl, "en": dim.quick_win_en}}
                    if dim.quick_win_nl or dim.quick_win_en
                    else {}  # optional: sets made before quick wins had their text
                ),
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


def questionset_to_json(question_set: QuestionSet) -> str:
    return json.dumps(questionset_to_dict(question_set), ensure_ascii=False, indent=2)


@transaction.atomic
def questionset_import(
    *, data: Any, status: str = QuestionSet.Status.DRAFT
) -> QuestionSet:
    """Create a question set from validated JSON data; raise QuestionSetFormatError.

    A set with the same slug and version must not exist yet: published versions are
    history, so a changed file needs a new version number. A value the file leaves
    out gets the model field's default.
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
    return _questionset_create(data=data, status=status)


def _questionset_create(*, data: dict[str, Any], status: str) -> QuestionSet:
    """The writes of an import, for data that passed validation.

    A set imported as published goes through `questionset_publish`, so the one
    published version of its slug is retired as with any other publication.
    """
    question_set = QuestionSet.objects.create(
        name=data["name"],
        slug=data["slug"],
        version=data["version"],
        status=QuestionSet.Status.DRAFT,
        **_given(
            data.get("description", {}), {lang: f"description_{lang}" for lang in LANGS}
        ),
        **_given(data, SCORING_FIELDS),
        **_given(data.get("thresholds", {}), THRESHOLD_FIELDS),
    )
    _create_dimensions(question_set, data["dimensions"])
    if status == QuestionSet.Status.PUBLISHED:
        questionset_publish(question_set=question_set)
    return question_set


def _given(source: dict, fields: dict[str, str]) -> dict[str, Any]:
    """Model fields for the JSON keys present; the others keep the model's default."""
    return {field: source[key] for key, field in fields.items() if key in source}


def _create_dimensions(
    question_set: QuestionSet, dimensions: Sequence[Mapping[str, Any]]
) -> None:
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
            **_given(dim, {"weight": "weight"}),
            **_bilingual(dim),
            **advice,
            **_given(
                dim.get("quick_win", {}), {lang: f"quick_win_{lang}" for lang in LANGS}
            ),
        )
        questions.extend(
            Question(
                dimension=dimension,
                code=q["code"],
                position=q_position,
                text_nl=q["text"]["nl"],
                text_en=q["text"]["en"],
                **_given(q, {"weight": "weight", "reverse": "reverse"}),
            )
            for q_position, q in enumerate(dim["questions"])
        )
    Question.objects.bulk_create(questions)


def questionset_clone(*, question_set: QuestionSet) -> QuestionSet:
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


class QuestionSetStateError(ValueError):
    """A lifecycle step that the set's status does not allow (publish a retired set)."""


def questionset_current(slug: str) -> QuestionSet | None:
    """The version of `slug` that new scans use: its published one, if any."""
    return QuestionSet.objects.newest_published(slug=slug)


def questionset_import_xlsx(*, raw: bytes, slug: str | None = None) -> QuestionSet:
    """Import a workbook (`spreadsheet.py`) as the next draft version of its set.

    With `slug`, the workbook must belong to that set (the upload on a set's page).
    Raise QuestionSetFormatError with every problem, named by sheet and cell.
    """
    from .spreadsheet import questionset_from_xlsx

    data, errors = questionset_from_xlsx(raw, as_next_version=True)
    if not errors and slug is not None and data.get("slug") != slug:
        errors = [
            _(
                'This workbook holds question set "%(found)s", not "%(slug)s"; '
                "upload it on the page of its own set."
            )
            % {"found": data.get("slug"), "slug": slug}
        ]
    if errors:
        raise QuestionSetFormatError(errors)
    return questionset_import(data=data)


@transaction.atomic
def questionset_publish(
    *, question_set: QuestionSet, by: AbstractBaseUser | None = None
) -> list[QuestionSet]:
    """Publish a draft: from now on new scans of its slug use it.

    The slug's previously published version is retired in the same transaction
    (the database allows one published version per slug): new scans can no longer
    choose it, and scans that use it keep it unchanged. Returns the retired sets.
    `by` is who published it, for the audit trail.
    """
    # Lock the slug's rows so two publications at once cannot both win.
    siblings = list(
        QuestionSet.objects.select_for_update()
        .filter(slug=question_set.slug)
        .order_by("pk")
    )
    current = next((s for s in siblings if s.pk == question_set.pk), question_set)
    if current.status != QuestionSet.Status.DRAFT:
        raise QuestionSetStateError(
            _("Only a draft can be published; %(set)s is not one.") % {"set": current}
        )
    retired = [
        s
        for s in siblings
        if s.pk != question_set.pk and s.status == QuestionSet.Status.PUBLISHED
    ]
    for old in retired:
        questionset_retire(question_set=old)
    question_set.status = QuestionSet.Status.PUBLISHED
    question_set.published_at = timezone.now()
    question_set.save(update_fields=["status", "published_at"])
    audit_event(by, Event.QUESTIONSET_PUBLISHED, question_set)
    return retired


@transaction.atomic
def questionset_retire(*, question_set: QuestionSet) -> QuestionSet:
    """Retire a published set: new scans can no longer choose it; scans that use
    it keep it. A retired set is never published again."""
    if question_set.status != QuestionSet.Status.PUBLISHED:
        raise QuestionSetStateError(
            _("Only a published set can be retired; %(set)s is not one.")
            % {"set": question_set}
        )
    question_set.status = QuestionSet.Status.RETIRED
    question_set.save(update_fields=["status"])
    return question_set


@cache
def _default_questionset_text() -> str:
    """The shipped set's file, checked once per process: it changes with a release.

    The check takes ~20 ms, and every test that installs the set would pay it.
    """
    text = DEFAULT_QUESTIONSET_PATH.read_text(encoding="utf-8")
    if errors := validate_questionset_data(json.loads(text)):
        raise QuestionSetFormatError(errors)
    return text


@transaction.atomic
def questionset_install_default() -> tuple[QuestionSet, bool]:
    """Install the shipped default set unless that version exists.

    It is published through `questionset_publish` (so a release's new version
    retires the one published before), unless an admin has already published a
    newer version of the slug: then it arrives as a draft, to be compared and
    published by hand.
    """
    data = json.loads(_default_questionset_text())
    sets = QuestionSet.objects.filter(slug=data["slug"])
    existing = sets.filter(version=data["version"]).first()
    if existing:
        return existing, False
    newer = sets.published().filter(version__gt=data["version"]).exists()
    status = QuestionSet.Status.DRAFT if newer else QuestionSet.Status.PUBLISHED
    return _questionset_create(data=data, status=status), True


def questionset_method_change(
    *, then: QuestionSet, now: QuestionSet
) -> dict[str, Any] | None:
    """What a trend must say when a follow-up uses another set than its previous
    scan; None for the same set. Four queries, only when the sets differ.

    {then, now (versions), same_set, name_then, name_now, settings (labels of the
    changed set-level values: coverage, block weights, thresholds), dimensions (codes
    whose method changed, `DimensionDiff.method_changed`), added, removed (codes)}.
    """
    if then.pk == now.pk:
        return None
    diff = questionset_diff(questionset_to_dict(then), questionset_to_dict(now))
    return {
        "then": then.version,
        "now": now.version,
        "same_set": then.slug == now.slug,
        "name_then": then.name,
        "name_now": now.name,
        "settings": [change.label for change in diff.settings],
        "dimensions": sorted(diff.method_changed_codes),
        "added": [dim["code"] for dim in diff.dimensions_added],
        "removed": [dim["code"] for dim in diff.dimensions_removed],
    }
