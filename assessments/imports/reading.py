"""From the bytes of an uploaded CSV or XLSX file to rows of text cells."""

import csv
import io
import zipfile

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..exports import COLUMNS, CSV_ENCODING, xlsx_unescape
from .problems import ResponsesImportError, fail

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 50
# An XLSX is a zip: refuse one that would unpack to far more than any real scan.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

DELIMITERS = (",", ";", "\t")


def _size_message():
    return _("The file is larger than %(mb)s MB; split it into smaller files.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }


def _rows_message():
    return _("The file has more than %(rows)s rows; split it into smaller files.") % {
        "rows": number_format(MAX_ROWS, force_grouping=True)
    }


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
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            fail(_size_message())
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ResponsesImportError:
        raise
    except Exception:  # noqa: BLE001 - a damaged workbook can fail anywhere in openpyxl
        fail(_("The file is not a readable XLSX workbook."))
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            if len(rows) > MAX_ROWS:
                fail(_rows_message())
            rows.append([_cell_text(value) for value in values])
        return rows
    except ResponsesImportError:
        raise
    except Exception:  # noqa: BLE001
        fail(_("The file is not a readable XLSX workbook."))
    finally:
        workbook.close()


def column_name(text):
    return text.strip().lstrip("\ufeff").lower()
