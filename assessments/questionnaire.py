"""Filling in the scan: the question set as steps, saving answers, submitting.

A participant answers one step per dimension. Every write is a keyword-only function
in one transaction, and saving is one upsert per model however many answers arrive,
so an autosave of one changed answer costs the same as saving a whole step.

Concurrency: a save first stamps the respondent row (`UPDATE ... WHERE submitted_at
IS NULL`). That one statement checks the lock, and on PostgreSQL it holds the row
until commit, so two tabs of one respondent queue instead of interleaving; on SQLite
`BEGIN IMMEDIATE` (settings) serialises writers. Two respondents never touch the same
answer rows.
"""

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .background.files import report_schedule
from .models import (
    LANGUAGE_CODES,
    NAME_MAX,
    Answer,
    Assessment,
    Dimension,
    DimensionComment,
    Question,
    QuestionSet,
    Respondent,
)

# Advice texts are for results and reports; the questionnaire never shows them.
_ADVICE_FIELDS = [
    f"advice_{band}_{lang}"
    for band in ("red", "amber", "green")
    for lang in LANGUAGE_CODES
]

# One respondent's answers to save: (respondent, {question id: 1-5 or None},
# {dimension id: comment text}).
AnswerEntry = tuple[Respondent, Mapping[int, int | None], Mapping[int, str]]


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire: a dimension and its statements."""

    number: int
    dimension: Dimension
    questions: tuple
    kind_number: int  # "basisvoorwaarde 2 van 5"
    kind_total: int


class AnswersLocked(Exception):
    """The answers can no longer change: submitted, or the scan is closed."""

    SUBMITTED = "submitted"
    CLOSED = "closed"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    @property
    def message(self) -> Promise:
        if self.reason == self.CLOSED:
            return _("This scan is closed: answers can no longer be changed.")
        return _("These answers have been submitted and can no longer be changed.")


def answers_lock(
    assessment: Assessment, respondents: Iterable[Respondent] = ()
) -> AnswersLocked | None:
    """Why these respondents' answers can no longer change, or None.

    The one definition of the lock, asked by every page and every write: a closed
    scan locks all its answers; a submission (a finished workshop) locks the
    submitter's. Writes check submission once more in the database (`_answers_upsert`)
    so that a submission from another tab counts too.
    """
    if not assessment.is_open:
        return AnswersLocked(AnswersLocked.CLOSED)
    if any(respondent.is_submitted for respondent in respondents):
        return AnswersLocked(AnswersLocked.SUBMITTED)
    return None


def _cache_key(question_set: QuestionSet) -> tuple[int, str, int, datetime] | None:
    """A locked set's identity: published and retired sets never change once in
    use. The creation time guards against a reused id (a test database)."""
    if question_set.status == QuestionSet.Status.DRAFT:
        return None
    return (
        question_set.pk,
        question_set.slug,
        question_set.version,
        question_set.created_at,
    )


def questionnaire_steps(
    question_set: QuestionSet, *, fresh: bool = False
) -> tuple[Step, ...]:
    """The steps of an assessment's question set, one per dimension in order.

    Two queries the first time; then remembered on the instance (for the rest of the
    request) and, for a locked set, in the process. Drafts are read afresh on every
    request: an admin may still be editing them. `fresh` reads any set afresh (the
    editor's preview: a published set that no scan uses yet can still change).
    """
    steps = getattr(question_set, "_questionnaire_steps", None)
    if steps is not None:
        return steps
    key = None if fresh else _cache_key(question_set)
    steps = _locked_steps(*key) if key else _load_steps(question_set.pk)
    question_set._questionnaire_steps = steps
    return steps


@functools.lru_cache(maxsize=32)
def _locked_steps(
    pk: int, _slug: str, _version: int, _created_at: datetime
) -> tuple[Step, ...]:
    return _load_steps(pk)


def _load_steps(question_set_id: int) -> tuple[Step, ...]:
    dimensions = list(
        Dimension.objects.filter(question_set_id=question_set_id)
        .defer(*_ADVICE_FIELDS)
        .order_by("position", "code")
        .prefetch_related(
            Prefetch(
                "questions", queryset=Question.objects.order_by("position", "code")
            )
        )
    )
    totals = Counter(dimension.kind for dimension in dimensions)
    seen = Counter()
    steps = []
    for number, dimension in enumerate(dimensions, start=1):
        seen[dimension.kind] += 1
        steps.append(
            Step(
                number=number,
                dimension=dimension,
                questions=tuple(dimension.questions.all()),
                kind_number=seen[dimension.kind],
                kind_total=totals[dimension.kind],
            )
        )
    return tuple(steps)


def question_dimension_ids(question_set: QuestionSet) -> dict[int, int]:
    """{question id: dimension id} of a question set, in one light query.

    Enough to validate an autosave without loading texts; free when the set's
    structure is already known.
    """
    if _cache_key(question_set) is not None:
        steps = questionnaire_steps(question_set)
        return {q.pk: step.dimension.pk for step in steps for q in step.questions}
    return dict(
        Question.objects.filter(dimension__question_set=question_set).values_list(
            "pk", "dimension_id"
        )
    )


def answers_of(
    respondents: Iterable[Respondent],
) -> dict[tuple[int, int], int | None]:
    """{(respondent id, question id): value} for the given respondents (one query)."""
    return {
        (respondent_id, question_id): value
        for respondent_id, question_id, value in Answer.objects.filter(
            respondent__in=respondents
        ).values_list("respondent_id", "question_id", "value")
    }


def comments_of(
    respondents: Iterable[Respondent], dimension: Dimension | None = None
) -> dict[tuple[int, int], str]:
    """{(respondent id, dimension id): text}, optionally for one dimension only."""
    comments = DimensionComment.objects.filter(respondent__in=respondents)
    if dimension is not None:
        comments = comments.filter(dimension=dimension)
    return {
        (respondent_id, dimension_id): text
        for respondent_id, dimension_id, text in comments.values_list(
            "respondent_id", "dimension_id", "text"
        )
    }


def first_open_step(
    steps: Iterable[Step], is_answered: Callable[[Question], bool]
) -> Step | None:
    """The first step with a statement for which `is_answered(question)` is false."""
    for step in steps:
        if not all(is_answered(question) for question in step.questions):
            return step
    return None


@dataclass(frozen=True)
class OpenStatements:
    """How many statements still lack an answer, out of how many, and the first."""

    count: int
    total: int
    step: Step | None = None
    question: Question | None = None


def open_statements(
    steps: Iterable[Step], is_answered: Callable[[Question], bool]
) -> OpenStatements:
    """The statements for which `is_answered(question)` is false, in order."""
    count = total = 0
    first = (None, None)
    for step in steps:
        for question in step.questions:
            total += 1
            if not is_answered(question):
                count += 1
                if first[0] is None:
                    first = (step, question)
    return OpenStatements(count, total, *first)


def respondent_open(*, respondent: Respondent) -> None:
    """Note the first time a respondent opens their invitation link."""
    if respondent.started_at is None:
        respondent.started_at = timezone.now()
        Respondent.objects.filter(pk=respondent.pk, started_at__isnull=True).update(
            started_at=respondent.started_at, updated_at=respondent.started_at
        )


def respondent_consent(*, respondent: Respondent) -> None:
    """Note that the participant agreed to the scan's privacy notice (once: the
    first time counts)."""
    if respondent.consented_at is None:
        respondent.consented_at = timezone.now()
        Respondent.objects.filter(pk=respondent.pk, consented_at__isnull=True).update(
            consented_at=respondent.consented_at, updated_at=respondent.consented_at
        )


def needs_consent(respondent: Respondent) -> bool:
    """The scan asks for agreement to its privacy notice and this participant has
    not given it yet: no answer is taken until they do."""
    return respondent.assessment.require_consent and respondent.consented_at is None


def respondent_set_language(*, respondent: Respondent, language: str) -> None:
    """Remember the participant's language for the next visit (and for reminders)."""
    if language in LANGUAGE_CODES and respondent.language != language:
        respondent.language = language
        Respondent.objects.filter(pk=respondent.pk).update(language=language)


def answers_save(
    *,
    respondent: Respondent,
    values: Mapping[int, int | None],
    comments: Mapping[int, str],
) -> None:
    """Save some answers and comments of one respondent.

    `values` maps question id to 1-5 or None ("weet niet / n.v.t."); `comments` maps
    dimension id to text, where empty text removes the comment. The caller has checked
    that the ids belong to the respondent's question set. Raises AnswersLocked.

    The scan's report is made again once its answers have been quiet for a while
    (`report_schedule`, after the answers' transaction: one short UPDATE).
    """
    answers_upsert([(respondent, values, comments)])
    report_schedule(respondent.assessment)


def workshop_answers_save(*, entries: Sequence[AnswerEntry]) -> None:
    """Save a workshop screen: `entries` is [(group respondent, values, comments)]."""
    answers_upsert(entries)
    if entries:
        report_schedule(entries[0][0].assessment)


def answers_upsert(entries: Sequence[AnswerEntry], *, savepoint: bool = True) -> None:
    """The writes of `answers_save` without scheduling the report: for a caller
    that saves in a transaction of its own and schedules after it (a live
    session's autosave). Raises AnswersLocked.

    `savepoint=False` (the live autosave): no savepoint inside the caller's
    transaction, two round trips fewer on every save; an error here then spoils
    the caller's whole transaction, so only a caller that lets it propagate out
    of its atomic block may ask for it."""
    with transaction.atomic(savepoint=savepoint):
        _answers_upsert(entries)


def _answers_upsert(entries: Sequence[AnswerEntry]) -> None:
    if not entries:
        return
    for respondent, _v, _c in entries:
        if lock := answers_lock(respondent.assessment):
            raise lock
    now = timezone.now()
    ids = sorted({respondent.pk for respondent, _v, _c in entries})
    stamped = Respondent.objects.filter(pk__in=ids, submitted_at__isnull=True).update(
        updated_at=now
    )
    if stamped != len(ids):
        raise AnswersLocked(AnswersLocked.SUBMITTED)

    answers = sorted(
        (
            Answer(respondent_id=respondent.pk, question_id=question_id, value=value)
            for respondent, values, _c in entries
            for question_id, value in values.items()
        ),
        key=lambda answer: (answer.respondent_id, answer.question_id),
    )
    if answers:
        Answer.objects.bulk_create(
            answers,
            update_conflicts=True,
            unique_fields=["respondent", "question"],
            update_fields=["value", "updated_at"],
        )

    kept, dropped = [], Q()
    for respondent, _v, comments in entries:
        for dimension_id, text in comments.items():
            if text:
                kept.append(
                    DimensionComment(
                        respondent_id=respondent.pk,
                        dimension_id=dimension_id,
                        text=text,
                    )
                )
            else:
                dropped |= Q(respondent_id=respondent.pk, dimension_id=dimension_id)
    if kept:
        DimensionComment.objects.bulk_create(
            kept,
            update_conflicts=True,
            unique_fields=["respondent", "dimension"],
            update_fields=["text", "updated_at"],
        )
    if dropped:
        DimensionComment.objects.filter(dropped).delete()


@transaction.atomic
def respondent_submit(*, respondent: Respondent) -> bool:
    """Lock a respondent's answers. Submitting twice is harmless.

    Returns True when this call submitted them. Raises AnswersLocked on a closed scan.
    """
    if respondent.submitted_at is not None:
        return False
    if lock := answers_lock(respondent.assessment):
        raise lock
    now = timezone.now()
    submitted = Respondent.objects.filter(
        pk=respondent.pk, submitted_at__isnull=True
    ).update(submitted_at=now, updated_at=now)
    if submitted:
        respondent.submitted_at = now
        report_schedule(respondent.assessment, at_once=True)
    return bool(submitted)


def workshop_groups(assessment: Assessment) -> list[Respondent]:
    """The assessment's workshop groups, one per organisation, in partner order."""
    return list(
        assessment.respondents.filter(is_group=True)
        .select_related("organisation")
        .order_by("organisation__position", "organisation__name")
    )


@transaction.atomic
def workshop_start(*, assessment: Assessment, language: str = "nl") -> list[Respondent]:
    """Make sure every organisation has its workshop group; return the groups.

    Idempotent, also when two clicks race: the database allows one group per
    organisation, and the loser of a race simply finds the winner's group.
    """
    existing = {group.organisation_id for group in workshop_groups(assessment)}
    now = timezone.now()
    for organisation in assessment.partnership.organisations.all():
        if organisation.pk in existing:
            continue
        label = free_label(assessment, f"{organisation.name} (workshop)")
        try:
            with transaction.atomic():
                Respondent.objects.create(
                    assessment=assessment,
                    organisation=organisation,
                    label=label,
                    is_group=True,
                    language=language,
                    started_at=now,
                )
        except IntegrityError:
            pass  # created a moment ago by a parallel request
    return workshop_groups(assessment)


def free_label(assessment: Assessment, label: str) -> str:
    """`label`, or `label 2`, `label 3`… when a respondent already carries it."""
    base = label[: NAME_MAX - 4]
    taken = set(
        assessment.respondents.filter(label__startswith=base).values_list(
            "label", flat=True
        )
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base} {n}"
    return candidate


@transaction.atomic
def workshop_finish(*, assessment: Assessment) -> int:
    """Lock every workshop group's answers (finishing twice is harmless)."""
    if lock := answers_lock(assessment):
        raise lock
    now = timezone.now()
    finished = Respondent.objects.filter(
        assessment=assessment, is_group=True, submitted_at__isnull=True
    ).update(submitted_at=now, updated_at=now)
    if finished:
        report_schedule(assessment, at_once=True)
    return finished


@transaction.atomic
def workshop_reopen(*, assessment: Assessment) -> int:
    """Unlock the workshop groups' answers again, for a session that turns out not
    to be over. Nothing is lost: the answers stay, they just become editable. Only
    while the scan is open; individual respondents' submissions stay locked."""
    if lock := answers_lock(assessment):
        raise lock
    reopened = Respondent.objects.filter(
        assessment=assessment, is_group=True, submitted_at__isnull=False
    ).update(submitted_at=None, updated_at=timezone.now())
    if reopened:
        report_schedule(assessment)
    return reopened
