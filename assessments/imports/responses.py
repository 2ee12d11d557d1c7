"""Checking answer rows against a scan and writing them, all or nothing."""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..background.files import report_schedule
from ..export_formats import (
    ANSWERED,
    COLUMNS,
    DONT_KNOW,
    REQUIRED_COLUMNS,
    STATUSES,
    UNANSWERED,
    restore,
)
from ..models import (
    NAME_MAX,
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Assessment,
    Organisation,
    Question,
    Respondent,
)
from ..questionnaire import answers_lock
from .problems import Problem, ResponsesImportError, fail
from .reading import column_name

_VALUE = re.compile(r"([0-9]+)(?:[.,]0*)?")
# Tab, LF and CR are allowed (exports round-trip them); other control characters not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class HeldAnswers:
    """A submitted respondent's answers from a file, not written: the import does
    not replace what a participant sent unless the owner confirms it."""

    respondent_id: int
    label: str
    answers: dict  # question id -> 1-5, or None for "don't know"


@dataclass(frozen=True)
class ImportSummary:
    respondents_created: int
    respondents_updated: int
    respondents_submitted: int
    answers_written: int
    skipped: tuple = ()  # HeldAnswers of submitted respondents, left as they were


def _key(text):
    """How labels and organisation names match when they do not match exactly."""
    return text.strip().casefold()


class _Lookup:
    """Exact match first, then ignoring case and surrounding spaces."""

    def __init__(self, items, name):
        self.exact = {}
        self.loose = {}
        for item in items:
            self.exact[name(item)] = item
            self.loose.setdefault(_key(name(item)), item)

    def get(self, text):
        found = self.exact.get(text)
        return found if found is not None else self.loose.get(_key(text))


@dataclass
class _Plan:
    """What the file asks for, per respondent (keyed by pk, or label when new)."""

    known: dict = field(default_factory=dict)  # pk -> Respondent
    new: dict = field(default_factory=dict)  # key -> (label, organisation, line)
    answers: dict = field(default_factory=dict)  # respondent key -> {question: value}
    unfinished: set = field(default_factory=set)  # respondent keys with unanswered rows
    seen: dict = field(default_factory=dict)  # (respondent key, question pk) -> line


def _parse_value(raw_value, raw_status, has_status):
    """(status, value) or raise ValueError with a message for the row."""
    value_text = raw_value.strip()
    status = raw_status.strip().lower() if has_status else ""
    if status and status not in STATUSES:
        raise ValueError(
            _('Unknown status "%(status)s"; use answered, dont_know or unanswered.')
            % {"status": raw_status.strip()}
        )
    if not value_text:
        if status == ANSWERED:
            raise ValueError(_('The status is "answered" but the value is empty.'))
        return (status or DONT_KNOW), None
    match = _VALUE.fullmatch(value_text)
    value = int(match[1]) if match else None
    if value is None or not SCALE_MIN <= value <= SCALE_MAX:
        raise ValueError(
            _('The value "%(value)s" is not a whole number from %(min)s to %(max)s.')
            % {"value": value_text, "min": SCALE_MIN, "max": SCALE_MAX}
        )
    if status in (DONT_KNOW, UNANSWERED):
        raise ValueError(
            _('The status is "%(status)s" but there is a value.') % {"status": status}
        )
    return ANSWERED, value


class _Validator:
    def __init__(self, assessment):
        self.assessment = assessment
        questions = Question.objects.filter(
            dimension__question_set_id=assessment.question_set_id
        ).select_related("dimension")
        self.questions = {(q.dimension.code, q.code): q for q in questions}
        self.dimension_of = {q.code: q.dimension.code for q in questions}
        self.organisations = _Lookup(
            Organisation.objects.filter(
                partnership_id=assessment.partnership_id
            ).order_by("position", "name"),
            lambda o: o.name,
        )
        self.respondents = _Lookup(
            assessment.respondents.select_related("organisation"), lambda r: r.label
        )
        self.plan = _Plan()
        self.problems = []

    def check(self, rows):
        # Blank lines above the header are skipped; line numbers still count them.
        numbered = (
            (line, row)
            for line, row in enumerate(rows, start=1)
            if any(cell.strip() for cell in row)
        )
        header_line, header = next(numbered, (None, None))
        if header is None:
            fail(_("The file is empty."))
        names = [column_name(name) for name in header]
        missing = [name for name in REQUIRED_COLUMNS if name not in names]
        if missing:
            fail(
                _("Missing columns: %(columns)s. The header must name %(all)s.")
                % {"columns": ", ".join(missing), "all": ", ".join(REQUIRED_COLUMNS)},
                line=header_line,
            )
        index = {name: names.index(name) for name in COLUMNS if name in names}
        for line, row in numbered:
            cells = {name: row[i] if i < len(row) else "" for name, i in index.items()}
            self._check_row(line, cells, has_status="status" in index)
        if not self.plan.seen and not self.problems:
            fail(_("The file has a header but no answers."))
        if self.problems:
            raise ResponsesImportError(self.problems)
        return self.plan

    def _problem(self, line, message):
        self.problems.append(Problem(line, message))

    def _check_row(self, line, cells, has_status):
        question = self._question(line, cells)
        organisation = self._organisation(line, cells)
        key = self._respondent(line, cells, organisation)
        try:
            status, value = _parse_value(
                cells["value"], cells.get("status", ""), has_status
            )
        except ValueError as exc:
            self._problem(line, str(exc))
            return
        if key is None or question is None:
            return
        first = self.plan.seen.setdefault((key, question.pk), line)
        if first != line:
            self._problem(
                line,
                _(
                    "Question %(question)s appears twice for this respondent (also on "
                    "line %(first)s)."
                )
                % {"question": question.code, "first": first},
            )
            return
        answers = self.plan.answers.setdefault(key, {})
        if status == UNANSWERED:
            self.plan.unfinished.add(key)
        else:
            answers[question.pk] = value

    def _question(self, line, cells):
        dimension = restore(cells["dimension"]).strip()
        code = restore(cells["question"]).strip()
        question = self.questions.get((dimension, code))
        if question is not None:
            return question
        if code in self.dimension_of:
            self._problem(
                line,
                _(
                    "Question %(question)s belongs to dimension %(right)s, not "
                    '"%(given)s".'
                )
                % {
                    "question": code,
                    "right": self.dimension_of[code],
                    "given": dimension,
                },
            )
        else:
            self._problem(
                line,
                _('Unknown question code "%(question)s".') % {"question": code},
            )
        return None

    def _organisation(self, line, cells):
        name = restore(cells["organisation"])
        organisation = self.organisations.get(name)
        if organisation is None:
            known = ", ".join(self.organisations.exact)
            self._problem(
                line,
                _('Unknown organisation "%(name)s"; this partnership has: %(known)s.')
                % {"name": name.strip(), "known": known},
            )
        return organisation

    def _respondent(self, line, cells, organisation):
        """The respondent's key in the plan: its pk when known, its label when new."""
        label = restore(cells["respondent"])
        if not label.strip():
            self._problem(line, _("The respondent label is empty."))
            return None
        if len(label) > NAME_MAX or _CONTROL.search(label):
            self._problem(
                line,
                _(
                    "The respondent label is longer than %(max)s characters or holds "
                    "control characters."
                )
                % {"max": NAME_MAX},
            )
            return None
        known = self.respondents.get(label)
        if known is not None:
            if organisation is not None and known.organisation_id != organisation.pk:
                self._problem(
                    line,
                    _('Respondent "%(label)s" belongs to %(right)s, not %(given)s.')
                    % {
                        "label": known.label,
                        "right": known.organisation.name,
                        "given": organisation.name,
                    },
                )
                return None
            self.plan.known[known.pk] = known
            return known.pk
        key = ("new", _key(label))
        if organisation is None:
            return None
        first = self.plan.new.setdefault(key, (label.strip(" "), organisation, line))
        if first[1] != organisation:
            self._problem(
                line,
                _(
                    'Respondent "%(label)s" is listed under %(first)s on line %(line)s '
                    "and under %(given)s here."
                )
                % {
                    "label": first[0],
                    "first": first[1].name,
                    "line": first[2],
                    "given": organisation.name,
                },
            )
            return None
        return key


def responses_import(*, assessment, rows, replace_submitted=False):
    """Import answer rows (header first) into an open assessment, all or nothing.

    Respondents who already submitted keep their answers: the file's answers for
    them come back in `ImportSummary.skipped`, unless `replace_submitted` (the
    owner's explicit choice, or an operator's) lets the file replace them too.
    Returns an ImportSummary; raises ResponsesImportError naming every bad line and
    changes nothing then.
    """
    with transaction.atomic():
        # Serialise imports into the same scan (PostgreSQL; SQLite locks on BEGIN).
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if answers_lock(locked):
            fail(_("This scan is closed; reopen it before importing answers."))
        plan = _Validator(locked).check(rows)
        skip = set()
        if not replace_submitted:
            skip = {pk for pk, known in plan.known.items() if known.is_submitted}
        summary = _write(locked, plan, skip)
        # Imported answers are usually sent answers: the report follows at once.
        report_schedule(locked, at_once=True)
        return summary


def responses_replace(*, assessment, held):
    """Write answers an import held back (`HeldAnswers`), once the owner confirmed.

    Only respondents still in this scan are written, and only questions of its
    question set. Returns the number of answers written.
    """
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if answers_lock(locked):
            fail(_("This scan is closed; reopen it before importing answers."))
        present = set(
            locked.respondents.filter(
                pk__in=[item.respondent_id for item in held]
            ).values_list("pk", flat=True)
        )
        questions = set(
            Question.objects.filter(
                dimension__question_set_id=locked.question_set_id
            ).values_list("pk", flat=True)
        )
        answers = {
            item.respondent_id: {
                question: value
                for question, value in item.answers.items()
                if question in questions
            }
            for item in held
            if item.respondent_id in present
        }
        now = timezone.now()
        # Held respondents had submitted; they stay submitted.
        _replace_known(list(answers), answers, set(), now)
        written = _answers_create(answers)
        Assessment.objects.filter(pk=locked.pk).update(updated_at=now)
        report_schedule(locked, at_once=True)
        return written


def _replace_known(known_ids, answers, unfinished, now):
    """Clear the answers of known respondents and stamp them; returns how many of
    them became submitted. Their new answers follow through `_answers_create`."""
    Answer.objects.filter(respondent_id__in=known_ids).delete()
    started = [pk for pk in known_ids if answers.get(pk)]
    finished = [pk for pk in started if pk not in unfinished]
    known = Respondent.objects.filter(pk__in=known_ids)
    known.update(updated_at=now)
    known.filter(pk__in=started, started_at__isnull=True).update(started_at=now)
    return known.filter(pk__in=finished, submitted_at__isnull=True).update(
        submitted_at=now
    )


def _answers_create(answers):
    """`answers` is {respondent id: {question id: value}}; returns the count."""
    rows = [
        Answer(respondent_id=respondent_id, question_id=question_id, value=value)
        for respondent_id, by_question in answers.items()
        for question_id, value in by_question.items()
    ]
    Answer.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _write(assessment, plan, skip):
    now = timezone.now()
    new_respondents = {}
    for key, (label, organisation, _line) in plan.new.items():
        respondent = Respondent(
            assessment=assessment, organisation=organisation, label=label
        )
        respondent.issue_token()
        if plan.answers.get(key):
            respondent.started_at = now
            if key not in plan.unfinished:
                respondent.submitted_at = now
        new_respondents[key] = respondent
    # PostgreSQL and SQLite >= 3.35 hand back the new primary keys.
    Respondent.objects.bulk_create(new_respondents.values())

    known_ids = [pk for pk in plan.known if pk not in skip]
    submitted = _replace_known(known_ids, plan.answers, plan.unfinished, now)
    written = _answers_create(
        {
            new_respondents[key].pk if key in new_respondents else key: by_question
            for key, by_question in plan.answers.items()
            if key not in skip
        }
    )
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=now)
    return ImportSummary(
        respondents_created=len(new_respondents),
        respondents_updated=len(known_ids),
        respondents_submitted=submitted
        + sum(1 for r in new_respondents.values() if r.submitted_at),
        answers_written=written,
        skipped=tuple(
            HeldAnswers(pk, plan.known[pk].label, plan.answers.get(pk, {}))
            for pk in plan.known
            if pk in skip
        ),
    )
