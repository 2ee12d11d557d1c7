"""A tiny workbook cannot tie up a worker, and imports are throttled per consultant.

Issue 11, section 6: a 34 KB XLSX with one row of a million cells took 19-32 s and
518 MB before its error. The workbooks here are built by hand, as an attacker would.
"""

import io
import time
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessments.imports import ResponsesImportError, read_table
from assessments.imports.reading import MAX_CELLS, MAX_UNPACKED_BYTES

from .conftest import make_user

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _workbook(sheet_data, dimension=None, shared_strings=None):
    """The bytes of a minimal XLSX whose first sheet holds `sheet_data` (XML)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"{dim}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    strings_type = (
        f'<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{OFFICE}.sharedStrings+xml"/>'
        if shared_strings is not None
        else ""
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.'
            'main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.'
            'worksheet+xml"/>'
            f"{strings_type}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
            f'{PACKAGE_RELS}"><Relationship Id="rId1" Type="http://schemas.'
            "openxmlformats.org/officeDocument/2006/relationships/officeDocument"
            '" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELS}"><sheets><sheet name="answers" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
            f'{PACKAGE_RELS}"><Relationship Id="rId1" Type="{RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
            f"{shared_strings}</sst>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = '<row r="1">' + "".join(
    _cell(f"{letter}1", name)
    for letter, name in zip(
        "ABCDE",
        ["respondent", "organisation", "dimension", "question", "value"],
        strict=True,
    )
)
ANSWER_ROW = (
    '<row r="2">'
    + "".join(
        _cell(f"{letter}2", text)
        for letter, text in zip("ABCD", ["Anna", "Alfa", "BV1", "BV1.1"], strict=True)
    )
    + '<c r="E2"><v>4</v></c></row>'
)


def _refused_fast(data, words, seconds=2):
    started = time.perf_counter()
    with translation.override("en"), pytest.raises(ResponsesImportError) as excinfo:
        read_table(data)
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    message = str(excinfo.value)
    assert all(word in message for word in words), message


def test_a_hand_made_workbook_within_the_limits_is_read():
    data = _workbook(HEADER_ROW + "</row>" + ANSWER_ROW, dimension="A1:E2")
    rows = read_table(data)
    assert rows[0][:5] == [
        "respondent",
        "organisation",
        "dimension",
        "question",
        "value",
    ]
    assert rows[1][:5] == ["Anna", "Alfa", "BV1", "BV1.1", "4"]


def test_one_row_of_a_million_cells_is_refused_fast():
    cells = "<c><v>1</v></c>" * 1_000_000
    data = _workbook(f'<row r="1">{cells}</row>')
    assert len(data) < 100_000  # tiny on the wire
    _refused_fast(data, ["column 50"])


def test_a_long_row_with_numbered_cells_is_refused_fast():
    cells = "".join(f'<c r="{c}{1}"><v>1</v></c>' for c in ("A", "B", "AX", "AY"))
    _refused_fast(_workbook(f'<row r="1">{cells * 50_000}</row>'), ["column 50"])


@pytest.mark.parametrize(
    "dimension, words",
    [("A1:XFD1048576", ["column 50"]), ("A1:E1048576", ["100,000 rows"])],
)
def test_a_huge_declared_size_is_refused_before_reading(dimension, words):
    data = _workbook(HEADER_ROW + "</row>" + ANSWER_ROW, dimension=dimension)
    _refused_fast(data, words)


@pytest.mark.slow
def test_rows_past_the_limit_are_refused_fast():
    rows = "".join(f"<row><c><v>{i}</v></c></row>" for i in range(200_000))
    _refused_fast(_workbook(rows), ["100,000 rows"])


def test_a_far_away_row_number_is_refused_fast():
    data = _workbook(HEADER_ROW + '</row><row r="1048576"><c><v>1</v></c></row>')
    _refused_fast(data, ["100,000 rows"])


@pytest.mark.slow
def test_too_many_cells_within_rows_and_columns_are_refused_fast():
    row = "<c><v>1</v></c>" * 40
    rows = "".join(f"<row>{row}</row>" for _ in range(MAX_CELLS // 40 + 1))
    # Counting a million cells is one pass in C plus a Python step per cell:
    # ~2 s on an idle machine (openpyxl took minutes), so a looser bound here.
    _refused_fast(_workbook(rows), ["1,000,000 filled cells"], seconds=15)


@pytest.mark.slow
def test_a_huge_table_of_texts_is_refused_fast():
    texts = "<si><t>a</t></si>" * (MAX_CELLS + 1)
    data = _workbook("", shared_strings=texts)
    _refused_fast(data, ["1,000,000 filled cells"], seconds=15)


@pytest.mark.slow
def test_a_workbook_that_unpacks_too_large_is_refused_fast():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (MAX_UNPACKED_BYTES + 1))
    _refused_fast(buffer.getvalue(), ["MB"])


@pytest.mark.django_db
class TestThrottle:
    @pytest.fixture(autouse=True)
    def _fresh_counters(self):
        cache.clear()
        yield
        cache.clear()

    def _post(self, client, assessment):
        upload = SimpleUploadedFile("answers.csv", b"respondent\r\n")
        url = reverse("assessments:assessment-import", args=[assessment.pk])
        return client.post(url, {"file": upload})

    def test_a_consultant_gets_20_imports_per_ten_minutes(
        self, client, owner, assessment
    ):
        client.force_login(owner)
        for _ in range(20):
            assert self._post(client, assessment).status_code == 400
        response = self._post(client, assessment)
        assert response.status_code == 429
        assert "tien minuten" in response.text
        assert response["Retry-After"] == "600"

    def test_another_consultant_is_not_held_up(self, client, owner, assessment):
        editor = make_user("editor")
        assessment.partnership.collaborations.create(user=editor, can_edit=True)
        client.force_login(owner)
        for _ in range(21):
            self._post(client, assessment)
        client.force_login(editor)
        assert self._post(client, assessment).status_code == 400
