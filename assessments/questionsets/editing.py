"""The writes of the question-set editor: field edits, adding, moving, removing.

Only drafts change (`QuestionSetQuerySet.editable`); every function re-reads the
lock inside its transaction, so a set that an assessment started to use a moment
ago refuses the write with `QuestionSetLocked`. A draft may be incomplete (a new
statement without text yet); what an import would refuse is reported by
`questionset_problems` and placed at its field by the editor.

Codes are stable: moving a statement changes its position, never its code, and a
new statement gets the next number after the highest in its dimension (RS4.5 after
RS4.4 in any version of the set), so a code that a statement had in an earlier
version never names a different one: trends compare statements by code.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import LANGUAGE_CODES, LOCKED_MESSAGE, Dimension, Question, QuestionSet
from .validation import CONDITION_CODES, LINK_CODES

# The texts that come in a Dutch and an English version, per model.
BILINGUAL_FIELDS = {
    QuestionSet: ("description",),
    Dimension: (
        "name",
        "description",
        "advice_red",
        "advice_amber",
        "advice_green",
        "quick_win",
    ),
    Question: ("text",),
}


class QuestionSetLocked(Exception):
    """The set is in use or retired: it can no longer change."""

    message = LOCKED_MESSAGE


def _lock_editable(question_set_id: int) -> QuestionSet:
    """The set, row-locked for this transaction; QuestionSetLocked if it is frozen."""
    question_set = (
        QuestionSet.objects.select_for_update().filter(pk=question_set_id).first()
    )
    if (
        question_set is None
        or not QuestionSet.objects.editable().filter(pk=question_set_id).exists()
    ):
        raise QuestionSetLocked
    return question_set


def english_outdated(obj: QuestionSet | Dimension | Question) -> list[str]:
    """The texts of `obj` ("text", "advice_red" ...) whose Dutch changed after the
    English: "Engels ouder dan Nederlands" until the English is changed too."""
    stamps = obj.texts_changed_at or {}
    outdated = []
    for field in BILINGUAL_FIELDS[type(obj)]:
        dutch, english = stamps.get(f"{field}_nl"), stamps.get(f"{field}_en")
        if dutch and (english is None or english < dutch):
            outdated.append(field)
    return outdated


def _apply(obj: Any, values: Mapping[str, Any], now: datetime) -> bool:
    """Set `values` on `obj`, stamp the texts that changed; True if anything did."""
    changed = False
    stamps = dict(obj.texts_changed_at or {})
    texts = {
        f"{f}_{lang}" for f in BILINGUAL_FIELDS[type(obj)] for lang in LANGUAGE_CODES
    }
    for name, value in values.items():
        if getattr(obj, name) == value:
            continue
        setattr(obj, name, value)
        changed = True
        if name in texts:
            stamps[name] = now.isoformat()
    obj.texts_changed_at = stamps
    return changed


@transaction.atomic
def questionset_update(
    *,
    question_set: QuestionSet,
    settings: Mapping[str, Any],
    dimensions: Mapping[int, Mapping[str, Any]],
    questions: Mapping[int, Mapping[str, Any]],
    english_checked: frozenset[tuple[str, int, str]] = frozenset(),
) -> int:
    """Save the editor's field values (model field names) of a draft; return how
    many objects changed.

    `dimensions` and `questions` map ids of this set's objects to their values;
    ids of other sets are ignored. `english_checked` holds ("dimension", id,
    "text") style entries whose English was checked and still fits the Dutch: it
    is stamped as changed now, which clears the "English older" flag.
    """
    question_set = _lock_editable(question_set.pk)
    now = timezone.now()
    changed = 0
    if _apply(question_set, settings, now) | _check(
        question_set, english_checked, "questionset", now
    ):
        question_set.save()
        changed += 1
    models = (
        (Dimension, dimensions, "dimension", {"question_set": question_set}),
        (Question, questions, "question", {"dimension__question_set": question_set}),
    )
    for model, values, kind, scope in models:
        pks = {*values, *(pk for k, pk, _field in english_checked if k == kind)}
        for obj in model.objects.filter(pk__in=pks, **scope):
            if _apply(obj, values.get(obj.pk, {}), now) | _check(
                obj, english_checked, kind, now
            ):
                obj.save()
                changed += 1
    return changed


def _check(obj: Any, english_checked: frozenset, kind: str, now: datetime) -> bool:
    """Stamp the English texts of `obj` the editor marked as checked."""
    fields = [f for k, pk, f in english_checked if k == kind and pk == obj.pk]
    fields = [f for f in fields if f in english_outdated(obj)]
    for field in fields:
        obj.texts_changed_at = {**obj.texts_changed_at, f"{field}_en": now.isoformat()}
    return bool(fields)


def next_question_code(dimension: Dimension) -> str:
    """`RS4.5` after RS4.1-RS4.4: one past the highest this dimension's code had
    in any version of the set, so a code never names two different statements."""
    taken = set(
        Question.objects.filter(
            dimension__question_set__slug=dimension.question_set.slug
        ).values_list("code", flat=True)
    )
    prefix = f"{dimension.code}."
    numbers = [
        int(code.removeprefix(prefix))
        for code in taken
        if code.startswith(prefix) and code.removeprefix(prefix).isdigit()
    ]
    number = max(numbers, default=0) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


@transaction.atomic
def question_add(*, dimension: Dimension) -> Question:
    """A new statement at the end of `dimension`, texts still to write."""
    _lock_editable(dimension.question_set_id)
    last = dimension.questions.aggregate(last=Max("position"))["last"]
    return Question.objects.create(
        dimension=dimension,
        code=next_question_code(dimension),
        position=0 if last is None else last + 1,
        text_nl="",
        text_en="",
    )


@transaction.atomic
def question_remove(*, question: Question) -> None:
    _lock_editable(question.dimension.question_set_id)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, offset: int) -> None:
    """Move a statement `offset` places within its dimension (-1 up, +1 down)."""
    _lock_editable(question.dimension.question_set_id)
    siblings = list(question.dimension.questions.order_by("position", "code"))
    _move(siblings, question.pk, offset)


@transaction.atomic
def dimension_add(*, question_set: QuestionSet, kind: str) -> Dimension:
    """A new dimension of `kind` at the end of its kind's block.

    It takes the first standard code the set lacks (BV1-BV5, RS1-RS9), else the next
    number after them (BV6), and a placeholder name to replace.
    """
    question_set = _lock_editable(question_set.pk)
    codes = CONDITION_CODES if kind == Dimension.Kind.CONDITION else LINK_CODES
    prefix = codes[0][:2]
    taken = set(question_set.dimensions.values_list("code", flat=True))
    number = len(codes) + 1
    code = next((c for c in codes if c not in taken), None)
    while code is None or code in taken:
        code, number = f"{prefix}{number}", number + 1
    dimensions = list(question_set.dimensions.order_by("position", "code"))
    same_kind = [i for i, d in enumerate(dimensions) if d.kind == kind]
    at = same_kind[-1] + 1 if same_kind else len(dimensions)
    dimension = Dimension(
        question_set=question_set, kind=kind, code=code, name_nl=code, name_en=code
    )
    dimensions.insert(at, dimension)
    dimension.position = at
    dimension.save()
    _renumber(dimensions)
    return dimension


@transaction.atomic
def dimension_remove(*, dimension: Dimension) -> None:
    """Remove a dimension with its statements (and advice)."""
    _lock_editable(dimension.question_set_id)
    dimension.delete()


@transaction.atomic
def dimension_move(*, dimension: Dimension, offset: int) -> None:
    """Move a dimension `offset` places in the set's order (-1 up, +1 down)."""
    _lock_editable(dimension.question_set_id)
    siblings = list(
        Dimension.objects.filter(question_set_id=dimension.question_set_id).order_by(
            "position", "code"
        )
    )
    _move(siblings, dimension.pk, offset)


def _move(objects: list, pk: int, offset: int) -> None:
    index = next(i for i, obj in enumerate(objects) if obj.pk == pk)
    target = min(max(index + offset, 0), len(objects) - 1)
    objects.insert(target, objects.pop(index))
    _renumber(objects)


def _renumber(objects: list) -> None:
    """Positions 0, 1, 2 ... in list order; writes only the rows that moved."""
    moved = []
    for position, obj in enumerate(objects):
        if obj.position != position:
            obj.position = position
            moved.append(obj)
    if moved:
        type(moved[0]).objects.bulk_update(moved, ["position"])
