"""Importing answers collected on paper or in a spreadsheet (docs/data-formats.md).

The file has the raw-answers format of `assessments.export_formats`. `read_table`
(reading.py) turns an uploaded CSV or XLSX file into rows of text;
`responses_import` (responses.py) checks every row first and writes all of them or
none; otherwise it raises `ResponsesImportError` (problems.py) naming every problem.

Rules, in short:
- A respondent label the scan does not know yet becomes a new respondent of the
  named organisation, with a fresh invitation link. A known label must be named with
  the organisation it already belongs to.
- The file is the whole truth for each respondent it names: their answers become
  exactly the file's rows; a question that is missing or marked `unanswered` has no
  answer afterwards. Respondents the file does not name are not touched.
- A respondent named in the file counts as submitted (a paper form is finished),
  unless one of their rows says `unanswered`: re-importing an export therefore
  leaves someone who was halfway able to finish online. Import never reopens a
  submitted respondent.
- What a participant submitted is not replaced: their rows are held back and
  listed (`ImportSummary.skipped`). Only the partnership's owner can then confirm
  that the file replaces them (`responses_replace`).
"""

from .problems import Problem, ResponsesImportError
from .reading import MAX_BYTES, MAX_ROWS, read_table
from .responses import (
    HeldAnswers,
    ImportSummary,
    responses_import,
    responses_replace,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "HeldAnswers",
    "ImportSummary",
    "Problem",
    "ResponsesImportError",
    "read_table",
    "responses_import",
    "responses_replace",
]
