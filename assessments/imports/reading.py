"""From the bytes of an uploaded CSV or XLSX file to rows of text cells."""

import csv
import io
import re
import zipfile

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..export_formats import COLUMNS, CSV_ENCODING, xlsx_unescape
from .problems import ResponsesImportError, fail

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 50
# An XLSX is a zip: refuse one that would unpack to far more than any real scan (the
# export of 100.000 rows unpacks to ~37 MB). Zip entries never unpack past the size
# they declare, so the sum of the declared sizes is a true bound.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Filled cells (and shared texts) in a workbook: 100.000 rows of the export's six
# columns fit with room for a few remarks columns.
MAX_CELLS = 1_000_000

_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_RANGE_END = re.compile(r"(?:.*:)?([A-Za-z]{1,3})([0-9]{1,7})")

DELIMITERS = (",", ";", "\t")


def _size_message():
    return _("The file is larger than %(mb)s MB; split it into smaller files.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }


def _rows_message():
    return _("The file has more than %(rows)s rows; split it into smaller files.") % {
        "rows": number_format(MAX_ROWS, force_grouping=True)
    }


def _columns_message():
    return _(
        "The workbook has cells beyond column %(columns)s; remove the columns to "
        "the right of the answers."
    ) % {"columns": MAX_COLUMNS}


def _cells_message():
    return _(
        "The file has more than %(cells)s filled cells; split it into smaller files."
    ) % {"cells": number_format(MAX_CELLS, force_grouping=True)}


def read_table(data):
    """Rows of text cells (header first) from the bytes of a CSV or XLSX file.

    XLSX is recognised by its zip signature, anything else is read as CSV.
    Raises ResponsesImportError for a file that cannot be read at all.
    """
    if len(data) > MAX_BYTES:
        fail(_size_message())
    if not data.strip():
        fail(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data):
    try:
        return data.decode(CSV_ENCODING)
    except UnicodeDecodeError:
        pass
    # Dutch Excel's plain "CSV" is Windows-1252, not UTF-8.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        fail(_("The file is not a CSV file in UTF-8; save it as CSV UTF-8 or XLSX."))


def _sniff_delimiter(text):
    """The delimiter that splits the header line into the most known column names."""
    first_line = text.splitlines()[0] if text else ""

    def known(delimiter):
        names = next(csv.reader([first_line], delimiter=delimiter), [])
        return len({column_name(name) for name in names} & set(COLUMNS))

    return max(DELIMITERS, key=known)


def _read_csv(data):
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows = []
    try:
        for row in reader:
            if len(rows) > MAX_ROWS:
                fail(_rows_message())
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as exc:
        fail(
            _("The file is not valid CSV (%(error)s).") % {"error": exc}, len(rows) + 1
        )
    return rows


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return xlsx_unescape(value)
    return str(value)


def _read_xlsx(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
                fail(_size_message())
            _check_workbook_size(archive, members)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ResponsesImportError:
        raise
    except Exception:  # noqa: BLE001 - a damaged workbook can fail anywhere in openpyxl
        fail(_("The file is not a readable XLSX workbook."))
    try:
        sheet = workbook.worksheets[0]
        # Read as far as the limits, whatever the sheet declares about its size.
        sheet.reset_dimensions()
        rows = []
        for values in sheet.iter_rows(
            values_only=True, max_col=MAX_COLUMNS, max_row=MAX_ROWS + 1
        ):
            rows.append([_cell_text(value) for value in values])
        return rows
    except ResponsesImportError:
        raise
    except Exception:  # noqa: BLE001
        fail(_("The file is not a readable XLSX workbook."))
    finally:
        workbook.close()


def _check_workbook_size(archive, members):
    """Fail on a workbook past the row, column or cell limits, before openpyxl.

    openpyxl builds each row whole before handing it over (one row of a million
    cells, 34 KB zipped, took half a minute and 500 MB), and opening a workbook
    already reads every sheet without a declared size and the whole table of
    texts. So every part of the zip is streamed first (lxml; a few seconds at
    most, for a million cells, where openpyxl takes minutes) and the scan stops at
    a sheet's declared size or the first row, column or cell past a limit. Parts
    that are not XML are left to openpyxl.
    """
    from lxml import etree

    counter = _SizeCounter()
    for info in members:
        with archive.open(info) as source:
            events = etree.iterparse(
                source,
                events=("start",),
                tag=[f"{_SHEET}{name}" for name in ("dimension", "row", "c", "si")],
                resolve_entities=False,
                no_network=True,
            )
            try:
                counter.scan(events)
            except etree.XMLSyntaxError:
                continue


class _SizeCounter:
    """Rows and columns per sheet, filled cells and texts over the whole workbook."""

    def __init__(self):
        self.cells = 0

    def scan(self, events):
        # "start" events only: the loop's cost is per event, and a start carries
        # the attributes needed here.
        rows = column = 0
        for _event, element in events:
            name = element.tag[len(_SHEET) :]
            if name == "c" or name == "si":
                self.cells += 1
                if self.cells > MAX_CELLS:
                    fail(_cells_message())
                if name == "si":
                    _forget_before(element)
                    continue
                ref = element.get("r")
                match = _CELL_REF.fullmatch(ref) if ref else None
                column = _column_number(match[1]) if match else column + 1
                if column > MAX_COLUMNS or (match and int(match[2]) > MAX_ROWS + 1):
                    _check_position(int(match[2]) if match else rows, column)
            elif name == "row":
                _forget_before(element)
                rows, column = rows + 1, 0
                number = element.get("r", "")
                _check_position(rows, 0)
                if number.isascii() and number.isdigit():
                    _check_position(int(number), 0)
            elif name == "dimension":
                # The size the sheet declares, e.g. "A1:XFD1048576".
                match = _RANGE_END.fullmatch(element.get("ref", ""))
                if match:
                    _check_position(int(match[2]), _column_number(match[1]))


def _forget_before(element):
    """Free the siblings scanned before `element` (memory stays flat)."""
    while element.getprevious() is not None:
        del element.getparent()[0]


def _column_number(letters):
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_position(row, column):
    # Row 1 is the header: MAX_ROWS rows of answers follow it.
    if column > MAX_COLUMNS:
        fail(_columns_message())
    if row > MAX_ROWS + 1:
        fail(_rows_message())


def column_name(text):
    return text.strip().lstrip("\ufeff").lower()
