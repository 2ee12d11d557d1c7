"""The file formats of one assessment's exports: raw answers as CSV or XLSX, and the
results as JSON (the download views are `views/exports.py`).

The formats are documented in docs/data-formats.md; `assessments.imports` reads the
same answers format back, so an export imported into a scan and exported again gives
the same file.

Raw answers: one row per respondent x question of the pinned question set, in set
order, respondents by organisation then label. `value` is 1-5, or empty for "weet
niet" and for a question not answered yet; the extra `status` column tells those two
apart (`answered`, `dont_know`, `unanswered`).

Results JSON: `assessments.results.results_json`, the figures of the results page,
serialised unrounded.

Agreed actions: one row per action listed under the scan (`ACTION_COLUMNS`), as
their own CSV download and as the second sheet ("actions") of the XLSX.

Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
CR) gets an apostrophe (`neutralise`), and so does every piece of it after a comma,
semicolon or line break; `restore` undoes exactly that.
"""

import csv
import io
import json
import re
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .actions.listing import action_rows
from .forms.questionnaire import value_to_choice
from .models import Answer, Question
from .results import results_json

COLUMNS = ("respondent", "organisation", "dimension", "question", "value", "status")
REQUIRED_COLUMNS = COLUMNS[:5]

ANSWERED = "answered"
DONT_KNOW = "dont_know"
UNANSWERED = "unanswered"
STATUSES = (ANSWERED, DONT_KNOW, UNANSWERED)

ACTION_COLUMNS = (
    "dimension",
    "statement",
    "title",
    "description",
    "owner",
    "person",
    "due",
    "status",
    "overdue",
    "agreed_in",
)
# The `owner` of an action of all partners together (else organisation names).
JOINTLY = "jointly"
OWNER_SEPARATOR = "; "

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start a new cell inside our text: Dutch Excel splits a comma
# file on semicolons, and a reader that loses track of the quotes splits on commas
# and line breaks. Each piece must be as harmless as the text's start.
_CELL_STARTS = r"(?:^|(?<=[,;\r\n]))"
_TRIGGER_AHEAD = r"(?='*[=+\-@\t\r])"
_NEEDS_APOSTROPHE = re.compile(_CELL_STARTS + _TRIGGER_AHEAD)
_ADDED_APOSTROPHE = re.compile(_CELL_STARTS + "'" + _TRIGGER_AHEAD)

# The CSV starts with a byte-order mark so Excel reads it as UTF-8 (accents intact).
CSV_ENCODING = "utf-8-sig"

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_FORMATS = tuple(CONTENT_TYPES)
# One row per respondent with their label: who answered what. Only for the
# consultants guiding the scan (access.get_assessment_answers_for_user).
RAW_ANSWER_FORMATS = ("csv", "xlsx")
# Raw-answer exports with more rows than this (respondents x questions) are made by
# the background worker and offered when ready (`background.files`); smaller ones
# download directly. Each is about one second of work at the slowest per-row cost
# the bench has recorded (bench/README.md, "exports": XLSX 115-160 us a row, CSV
# ~11 us), so a direct download still feels like a click on a busy machine and
# stays far from gunicorn's 30 s timeout: 100 respondents on the default question
# set (72 statements) as XLSX, 1,000 as CSV.
WORKER_ROWS = {"xlsx": 7_200, "csv": 72_000}


def neutralise(text):
    """Put an apostrophe before every piece of `text` that would run as a formula.

    A piece is the text's start and whatever follows a comma, semicolon or line
    break (`x;=1+1` becomes `x;'=1+1`). A piece that already starts with
    apostrophes before a trigger gets one more, so that `restore` can always remove
    exactly one and give the original back.
    """
    return _NEEDS_APOSTROPHE.sub("'", text)


def restore(text):
    """Undo `neutralise`: drop the one apostrophe it added per piece, nothing else."""
    return _ADDED_APOSTROPHE.sub("", text)


# XLSX is XML: a bare CR would come back as LF and most control characters are not
# allowed at all. OOXML writes such characters as `_xHHHH_` (and a literal "_xHHHH_"
# as "_x005F_xHHHH_"), which Excel shows as the character itself.
_XLSX_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_escape(text):
    return _XLSX_UNSAFE.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def xlsx_unescape(text):
    return _XLSX_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


@dataclass(frozen=True, slots=True)
class AnswerRow:
    respondent: str
    organisation: str
    dimension: str
    question: str
    value: int | None
    status: str

    def text_cells(self):
        """The four text columns, neutralised."""
        return [
            neutralise(self.respondent),
            neutralise(self.organisation),
            neutralise(self.dimension),
            neutralise(self.question),
        ]


def answer_rows(assessment):
    """Yield an `AnswerRow` per respondent x question (three queries at any size)."""
    questions = list(
        Question.objects.filter(dimension__question_set_id=assessment.question_set_id)
        .select_related("dimension")
        .order_by("dimension__position", "dimension__code", "position", "code")
    )
    respondents = list(
        assessment.respondents.select_related("organisation").order_by(
            "organisation__position", "organisation__name", "label"
        )
    )
    values = {
        (respondent_id, question_id): value
        for respondent_id, question_id, value in Answer.objects.filter(
            respondent__assessment=assessment
        ).values_list("respondent_id", "question_id", "value")
    }
    for respondent in respondents:
        for question in questions:
            key = (respondent.pk, question.pk)
            if key not in values:
                value, status = None, UNANSWERED
            else:
                value = values[key]
                status = DONT_KNOW if value is None else ANSWERED
            yield AnswerRow(
                respondent.label,
                respondent.organisation.name,
                question.dimension.code,
                question.code,
                value,
                status,
            )


def answer_row_count(assessment):
    """How many rows the raw answers have: respondents x questions (two counts)."""
    questions = Question.objects.filter(
        dimension__question_set_id=assessment.question_set_id
    ).count()
    return assessment.respondents.count() * questions


def answers_csv(assessment):
    """The raw answers as CSV bytes: UTF-8 with BOM, comma-separated, CRLF lines."""
    return write_answers_csv(answer_rows(assessment))


def write_answers_csv(rows):
    """`AnswerRow`s as the CSV export's bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        value = "" if row.value is None else str(row.value)
        writer.writerow([*row.text_cells(), value, row.status])
    return buffer.getvalue().encode(CSV_ENCODING)


def answers_xlsx(assessment):
    """The raw answers as an XLSX workbook (bytes), values as numbers; the actions
    on a second sheet."""
    return write_answers_xlsx(answer_rows(assessment), action_export_rows(assessment))


def write_answers_xlsx(rows, actions=()):
    """`AnswerRow`s (and the `action_export_rows`) as the XLSX export's bytes
    (openpyxl's write-only mode). The answers stay the first sheet: the import
    reads that one."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("answers")
    for letter, width in zip("ABCDEF", (28, 28, 11, 11, 8, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(COLUMNS)
    for row in rows:
        cells = [xlsx_escape(cell) for cell in row.text_cells()]
        sheet.append([*cells, row.value, row.status])
    sheet = workbook.create_sheet("actions")
    widths = (11, 11, 40, 60, 28, 24, 12, 11, 9, 10)
    for letter, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(ACTION_COLUMNS)
    for action in actions:
        sheet.append(
            [xlsx_escape(cell) if isinstance(cell, str) else cell for cell in action]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def action_export_rows(assessment):
    """One tuple per action listed under the scan, in `ACTION_COLUMNS` order, text
    neutralised (`neutralise`); `due` a date, `overdue` a bool, `agreed_in` the id
    of the scan it was agreed in. Codes, not names: the file is the same in every
    language."""
    return [
        (
            row["dimension"] or "",
            row["statement"] or "",
            neutralise(row["title"]),
            neutralise(row["description"]),
            JOINTLY
            if row["jointly"]
            else neutralise(OWNER_SEPARATOR.join(row["owners"])),
            neutralise(row["person"]),
            row["due"],
            row["status"],
            row["overdue"],
            row["assessment_id"],
        )
        for row in action_rows(assessment, language="nl")
    ]


def actions_csv(assessment):
    """The scan's actions as CSV bytes, encoded like the answers CSV; dates ISO,
    `overdue` as true/false."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ACTION_COLUMNS)
    for row in action_export_rows(assessment):
        writer.writerow(
            [
                cell.isoformat()
                if hasattr(cell, "isoformat")
                else str(cell).lower()
                if isinstance(cell, bool)
                else cell
                for cell in row
            ]
        )
    return buffer.getvalue().encode(CSV_ENCODING)


def export_filename(assessment, fmt, today=None, what=None):
    """`partnerscan-<partnership>-answers-2026-03-01.csv` (results for JSON; `what`
    names another content, such as "actions")."""
    today = today or timezone.localdate()
    what = what or ("results" if fmt == "json" else "answers")
    name = slugify(assessment.partnership.name)[:60].strip("-") or "scan"
    return f"partnerscan-{name}-{what}-{today.isoformat()}.{fmt}"


def results_json_bytes(assessment, language=None):
    """The results as UTF-8 JSON text; names and advice in `language` (or the active
    one). The encoder turns lazy translations into text; NaN is refused."""
    text = json.dumps(
        results_json(assessment, language),
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=2,
        allow_nan=False,
    )
    return (text + "\n").encode("utf-8")


def export_bytes(assessment, fmt, language=None):
    """The export in `fmt` as bytes; the download and the command both use this.

    `language` only matters for JSON (dimension names, advice texts).
    """
    if fmt == "json":
        return results_json_bytes(assessment, language)
    if fmt == "csv":
        return answers_csv(assessment)
    if fmt == "xlsx":
        return answers_xlsx(assessment)
    raise ValueError(f"Unknown export format {fmt!r}.")


def own_answers_csv(steps, answers, comments, scale) -> bytes:
    """A participant's own answers, to keep after submitting: one row per statement
    (dimension, statement, answer as its label) and one per comment.

    `answers` is {question id: value}, `comments` {dimension id: text}, `scale` the
    answer choices as {choice: label}; texts are in the active language.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Topic"), _("Statement"), _("Your answer")])
    for step in steps:
        for question in step.questions:
            value = answers.get(question.pk, "")
            label = scale[value_to_choice(value)] if question.pk in answers else ""
            writer.writerow(
                [neutralise(str(step.dimension.name)), neutralise(question.text), label]
            )
        if comments.get(step.dimension.pk):
            writer.writerow(
                [
                    neutralise(str(step.dimension.name)),
                    _("Your comment"),
                    neutralise(comments[step.dimension.pk]),
                ]
            )
    return buffer.getvalue().encode(CSV_ENCODING)
