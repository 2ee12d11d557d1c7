"""A question set as an XLSX workbook, and back (docs/questionset-format.md).

Three sheets: settings, dimensions, statements, both languages side by side. The
workbook is read back into the JSON structure and checked by the JSON import's own
`questionset_problems`: the rules live there once, and each problem's JSON path is
turned into the cell it came from ("Blad Stellingen, cel C14: ...").

Sheets are recognised by position and columns by their header in either language,
so a workbook exported in English imports under Dutch and the other way round.
"""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _, gettext_lazy

from ..export_formats import xlsx_escape, xlsx_unescape
from ..imports.problems import ResponsesImportError
from ..imports.reading import _check_workbook_size
from ..models import QuestionSet
from .validation import LANGS, Problem, questionset_problems

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 6_000  # 50 dimensions x 100 statements, and room for blank lines
MAX_COLUMNS = 40

BANDS = ("red", "amber", "green")


@dataclass(frozen=True)
class Column:
    key: str  # a dotted JSON path inside the row's object: "text.nl", "weight"
    header: Any  # lazy translation
    width: int = 14


SHEET_TITLES = (
    gettext_lazy("Settings"),
    gettext_lazy("Dimensions"),
    gettext_lazy("Statements"),
)

SETTINGS_COLUMNS = (
    Column("key", gettext_lazy("Key"), 22),
    Column("label", gettext_lazy("Setting"), 36),
    Column("nl", gettext_lazy("Value or Dutch text"), 60),
    Column("en", gettext_lazy("English text"), 60),
)
# (JSON path, label, bilingual)
SETTINGS_ROWS = (
    ("name", gettext_lazy("Name"), False),
    ("slug", gettext_lazy("Slug (the set's fixed short name)"), False),
    ("version", gettext_lazy("Version (an import becomes the next version)"), False),
    ("description", gettext_lazy("Description"), True),
    ("min_coverage", gettext_lazy("Minimum coverage (share, 0.67 = 67 %)"), False),
    ("condition_weight", gettext_lazy("Weight of the basic conditions block"), False),
    ("link_weight", gettext_lazy("Weight of the zipper links block"), False),
    ("thresholds.green", gettext_lazy("Green from (0-100)"), False),
    ("thresholds.amber", gettext_lazy("Amber from (0-100)"), False),
    ("thresholds.gap_attention", gettext_lazy("Gap needs attention from"), False),
    ("thresholds.gap_significant", gettext_lazy("Gap is significant from"), False),
)


def _bilingual(key: str, label: Any, width: int = 50) -> tuple[Column, ...]:
    return (
        Column(
            f"{key}.nl", gettext_lazy("%(label)s (Dutch)") % {"label": label}, width
        ),
        Column(
            f"{key}.en", gettext_lazy("%(label)s (English)") % {"label": label}, width
        ),
    )


DIMENSION_COLUMNS = (
    Column("code", gettext_lazy("Code"), 8),
    Column("kind", gettext_lazy("Kind (condition or link)"), 12),
    Column("weight", gettext_lazy("Weight"), 8),
    *_bilingual("name", gettext_lazy("Name"), 30),
    *_bilingual("description", gettext_lazy("Description")),
    *_bilingual("advice.red", gettext_lazy("Advice for red")),
    *_bilingual("advice.amber", gettext_lazy("Advice for amber")),
    *_bilingual("advice.green", gettext_lazy("Advice for green")),
    *_bilingual("quick_win", gettext_lazy("Quick win")),
)
STATEMENT_COLUMNS = (
    Column("dimension", gettext_lazy("Dimension"), 10),
    Column("code", gettext_lazy("Code"), 10),
    *_bilingual("text", gettext_lazy("Statement"), 60),
    Column("weight", gettext_lazy("Weight"), 8),
    Column("reverse", gettext_lazy("Reverse-scored"), 10),
)


def _get(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _put(data: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


# Export.


def questionset_to_xlsx(data: dict[str, Any]) -> bytes:
    """The workbook of a question set in the JSON structure (`questionset_to_dict`).

    Headers follow the active language; texts are written as text, never as a
    formula, whatever they start with.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    settings_rows = [
        [key, str(label), *_setting_values(data, key, bilingual)]
        for key, label, bilingual in SETTINGS_ROWS
    ]
    dimension_rows = [
        [_get(dim, col.key) for col in DIMENSION_COLUMNS] for dim in data["dimensions"]
    ]
    statement_rows = [
        [dim["code"], *[_get(q, col.key) for col in STATEMENT_COLUMNS[1:]]]
        for dim in data["dimensions"]
        for q in dim["questions"]
    ]
    sheets = zip(
        SHEET_TITLES,
        (SETTINGS_COLUMNS, DIMENSION_COLUMNS, STATEMENT_COLUMNS),
        (settings_rows, dimension_rows, statement_rows),
        strict=True,
    )
    for index, (title, columns, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = str(title)
        sheet.append([str(col.header) for col in columns])
        for row in rows:
            sheet.append([_cell_value(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for position, col in enumerate(columns):
            letter = sheet.cell(row=1, column=position + 1).column_letter
            sheet.column_dimensions[letter].width = col.width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=..." stays a text, not a formula
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _setting_values(data: dict, key: str, bilingual: bool) -> list[Any]:
    value = _get(data, key)
    if bilingual:
        value = value or {}
        return [value.get("nl", ""), value.get("en", "")]
    return [value, None]


def _cell_value(value: Any) -> Any:
    return xlsx_escape(value) if isinstance(value, str) else value


# Import.


class _Reader:
    """Reads the three sheets into the JSON structure and remembers, for each JSON
    path it fills, the sheet and cell it came from."""

    def __init__(self) -> None:
        self.cells: dict[tuple, str] = {}
        self.errors: list[str] = []

    def where(self, sheet: Any, coordinate: str) -> str:
        return _("Sheet %(sheet)s, cell %(cell)s") % {
            "sheet": sheet.title,
            "cell": coordinate,
        }

    def rows(self, sheet: Any, columns: tuple[Column, ...]) -> Iterator[dict]:
        """Each filled row after the header as {key: (value, cell coordinate)}."""
        from openpyxl.utils import get_column_letter

        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # read as far as our limits, not as declared
        rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS)
        header = next(rows, ())
        known = _header_keys(columns)
        index = {}
        for position, cell in enumerate(header):
            value = getattr(cell, "value", None)
            text = str(value).strip().casefold() if value is not None else ""
            if text in known:
                index.setdefault(known[text], position)
        missing = [
            col.header for col in columns if col.key not in index and col.key != "label"
        ]
        for header_text in missing:
            self.errors.append(
                _("Sheet %(sheet)s has no column “%(column)s”.")
                % {"sheet": sheet.title, "column": header_text}
            )
        if missing:
            return
        for number, row in enumerate(rows, start=2):
            if number > MAX_ROWS:
                self.errors.append(
                    _("Sheet %(sheet)s has more than %(rows)s rows.")
                    % {"sheet": sheet.title, "rows": MAX_ROWS}
                )
                return
            values = {}
            for key, position in index.items():
                cell = row[position] if position < len(row) else None
                coordinate = f"{get_column_letter(position + 1)}{number}"
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    self.errors.append(
                        self.where(sheet, coordinate)
                        + ": "
                        + _("holds a formula; type the value itself.")
                    )
                    value = None
                elif isinstance(value, str):
                    value = xlsx_unescape(value)
                values[key] = (value, coordinate)
            if all(value in (None, "") for value, _cell in values.values()):
                continue
            yield values


def _header_keys(columns: tuple[Column, ...]) -> dict[str, str]:
    """Header text (in either language, case-insensitive) -> column key."""
    keys = {}
    for lang in LANGS:
        with translation.override(lang):
            for col in columns:
                keys[str(col.header).strip().casefold()] = col.key
    return keys


def _number(value: Any) -> Any:
    """A whole float from a spreadsheet (3.0) as an int, so a version reads as 3."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in ("ja", "yes", "true", "waar", "1"):
            return True
        if word in ("nee", "no", "false", "onwaar", "0", ""):
            return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return bool(value) if value in (0, 1) else value
    return value


def _text(value: Any) -> Any:
    if value is None:
        return ""
    return _number(value) if not isinstance(value, str) else value


def questionset_from_xlsx(
    raw: bytes, *, as_next_version: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """The JSON structure in a workbook, and every problem with its sheet and cell.

    With `as_next_version` the workbook's version is replaced by the next free
    version of its slug before the check (an edited export becomes the next draft).
    An empty problem list means the data passes `validate_questionset_data`. A file
    that is not a workbook, too large, or damaged gives one problem, not an
    exception: uploads are made by hand and may be hostile.
    """
    workbook = _open(raw)
    if isinstance(workbook, str):
        return {}, [workbook]
    try:
        return _read(workbook, as_next_version)
    except Exception:  # noqa: BLE001 - a damaged workbook can fail anywhere in openpyxl
        return {}, [_("The file is not a readable XLSX workbook.")]
    finally:
        workbook.close()


def _open(raw: bytes) -> Any:
    """An openpyxl workbook, or the message that says why there is none."""
    from openpyxl import load_workbook

    if len(raw) > MAX_BYTES:
        return _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
                return _("The workbook unpacks to more than %(mb)s MB.") % {
                    "mb": MAX_UNPACKED_BYTES // 2**20
                }
            _check_workbook_size(archive, members)
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except ResponsesImportError as exc:
        return str(exc.problems[0].message)
    except Exception:  # noqa: BLE001 - not a zip, or a zip that is no workbook
        return _("The file is not a readable XLSX workbook.")


def _read(workbook: Any, as_next_version: bool) -> tuple[dict[str, Any], list[str]]:
    if len(workbook.worksheets) < 3:
        return {}, [
            _(
                "The workbook needs three sheets: settings, dimensions and "
                "statements, in that order."
            )
        ]
    settings, dimensions, statements = workbook.worksheets[:3]
    reader = _Reader()
    data: dict[str, Any] = {}
    _read_settings(reader, settings, data)
    data["dimensions"] = []
    by_code = _read_dimensions(reader, dimensions, data["dimensions"])
    _read_statements(reader, statements, data["dimensions"], by_code, dimensions)
    if reader.errors:
        return data, reader.errors
    if as_next_version and isinstance(data.get("slug"), str):
        data["version"] = next_version(data["slug"])
    return data, [
        _in_cell(reader.cells, problem) for problem in questionset_problems(data)
    ]


def _read_settings(reader: _Reader, sheet: Any, data: dict) -> None:
    bilingual = {key: both for key, _label, both in SETTINGS_ROWS}
    for row in reader.rows(sheet, SETTINGS_COLUMNS):
        key = row["key"][0]
        if key not in bilingual:
            continue  # a note row: other keys are not part of the format
        path = tuple(key.split("."))
        if bilingual[key]:
            _put(data, key, {lang: _text(row[lang][0]) for lang in LANGS})
            for lang in LANGS:
                reader.cells[(*path, lang)] = reader.where(sheet, row[lang][1])
        elif row["nl"][0] not in (None, ""):
            _put(data, key, _number(row["nl"][0]))
        reader.cells[path] = reader.where(sheet, row["nl"][1])


def _read_dimensions(reader: _Reader, sheet: Any, dims: list) -> dict[Any, int]:
    """Fill `dims`; return each code's index (the first, if codes repeat)."""
    by_code: dict[Any, int] = {}
    for row in reader.rows(sheet, DIMENSION_COLUMNS):
        index = len(dims)
        dim: dict[str, Any] = {"questions": []}
        for key, (value, coordinate) in row.items():
            if key == "weight" or key.startswith("quick_win"):
                if value in (None, ""):
                    continue  # optional: the format's default
            value = _number(value) if key == "weight" else _text(value)
            _put(dim, key, value)
            path = ("dimensions", index, *key.split("."))
            reader.cells[path] = reader.where(sheet, coordinate)
        where = reader.where(sheet, row["code"][1])
        reader.cells[("dimensions", index)] = where
        reader.cells[("dimensions", index, "questions")] = where
        dims.append(dim)
        by_code.setdefault(dim.get("code"), index)
    return by_code


def _read_statements(
    reader: _Reader, sheet: Any, dims: list, by_code: dict, dims_sheet: Any
) -> None:
    for row in reader.rows(sheet, STATEMENT_COLUMNS):
        code, coordinate = row["dimension"]
        if code not in by_code:
            reader.errors.append(
                reader.where(sheet, coordinate)
                + ": "
                + _("dimension %(code)s is not on sheet %(sheet)s.")
                % {"code": code, "sheet": dims_sheet.title}
            )
            continue
        index = by_code[code]
        questions = dims[index]["questions"]
        q_index = len(questions)
        question: dict[str, Any] = {}
        for key, (value, cell) in row.items():
            if key == "dimension" or (
                key in ("weight", "reverse") and value in (None, "")
            ):
                continue
            value = {"weight": _number, "reverse": _flag}.get(key, _text)(value)
            _put(question, key, value)
            path = ("dimensions", index, "questions", q_index, *key.split("."))
            reader.cells[path] = reader.where(sheet, cell)
        reader.cells[("dimensions", index, "questions", q_index)] = reader.where(
            sheet, row["code"][1]
        )
        questions.append(question)


def _in_cell(cells: dict[tuple, str], problem: Problem) -> str:
    """The message after the cell its path came from (the nearest one known); with
    no cell for it, the message as the JSON import words it."""
    key = tuple(problem.path)
    while key:
        if key in cells:
            return f"{cells[key]}: {problem.at_field}"
        key = key[:-1]
    return problem.message


def next_version(slug: str) -> int:
    """The version an import of `slug` gets: one past the highest there is."""
    latest = (
        QuestionSet.objects.filter(slug=slug)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (latest or 0) + 1
