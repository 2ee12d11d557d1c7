"""The question set as an XLSX workbook: export, import as the next draft, and the
messages for a workbook that cannot be imported (per sheet and cell)."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from assessments.models import QuestionSet
from assessments.questionsets import (
    QuestionSetFormatError,
    questionset_import_xlsx,
    questionset_to_dict,
)
from assessments.questionsets.spreadsheet import (
    questionset_from_xlsx,
    questionset_to_xlsx,
)


def _workbook(question_set, lang="nl"):
    with translation.override(lang):
        return load_workbook(
            io.BytesIO(questionset_to_xlsx(questionset_to_dict(question_set)))
        )


def _bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _values(raw):
    book = load_workbook(io.BytesIO(raw))
    return {
        (index, cell.coordinate): cell.value
        for index, sheet in enumerate(book.worksheets)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def _content(question_set):
    data = questionset_to_dict(question_set)
    del data["version"], data["status"]
    return data


class TestRoundTrip:
    def test_export_import_export_is_equal(self, question_set):
        first = questionset_to_xlsx(questionset_to_dict(question_set))
        draft = questionset_import_xlsx(raw=first)
        assert (draft.slug, draft.version, draft.status) == (
            question_set.slug,
            question_set.version + 1,
            QuestionSet.Status.DRAFT,
        )
        assert _content(draft) == _content(question_set)
        second = _values(questionset_to_xlsx(questionset_to_dict(draft)))
        # Cell by cell the same, but for the version an import moves on.
        assert second.pop((0, "C4")) == question_set.version + 1
        assert _values(first).pop((0, "C4")) == question_set.version
        expected = _values(first)
        del expected[(0, "C4")]
        assert second == expected

    def test_sheets_have_readable_headers_in_both_languages(self, question_set):
        dutch, english = _workbook(question_set, "nl"), _workbook(question_set, "en")
        assert dutch.sheetnames == ["Instellingen", "Dimensies", "Stellingen"]
        assert english.sheetnames == ["Settings", "Dimensions", "Statements"]
        headers = [c.value for c in dutch["Stellingen"][1]]
        assert "Stelling (Nederlands)" in headers and "Stelling (Engels)" in headers
        first = [c.value for c in dutch["Stellingen"][2]]
        assert first[:2] == ["BV1", "BV1.1"]

    def test_an_english_workbook_imports_under_dutch(self, question_set):
        raw = _bytes(_workbook(question_set, "en"))
        with translation.override("nl"):
            draft = questionset_import_xlsx(raw=raw)
        assert _content(draft) == _content(question_set)

    def test_an_edited_workbook_becomes_the_next_draft(self, question_set):
        book = _workbook(question_set)
        book["Stellingen"]["C2"] = "Een nieuwe zin."
        book["Stellingen"]["E2"] = 5
        book["Instellingen"]["C9"] = 80
        draft = questionset_import_xlsx(raw=_bytes(book))
        statement = draft.dimensions.get(code="BV1").questions.get(code="BV1.1")
        assert (statement.text_nl, statement.weight) == ("Een nieuwe zin.", 5)
        assert draft.green_threshold == 80
        question_set.refresh_from_db()
        assert question_set.green_threshold == 75  # the published set is untouched

    def test_a_text_that_starts_like_a_formula_stays_text(self, question_set):
        book = _workbook(question_set)
        book["Stellingen"]["C2"] = "=1+1 is geen formule hier"
        book["Stellingen"]["C2"].data_type = "s"
        draft = questionset_import_xlsx(raw=_bytes(book))
        text = draft.dimensions.get(code="BV1").questions.get(code="BV1.1").text_nl
        assert text == "=1+1 is geen formule hier"


class TestBadWorkbooks:
    def _problems(self, raw):
        with translation.override("nl"), pytest.raises(QuestionSetFormatError) as exc:
            questionset_import_xlsx(raw=raw)
        return exc.value.errors

    def _unchanged(self):
        assert QuestionSet.objects.count() == 1

    def test_a_missing_english_text_names_its_cell(self, question_set):
        book = _workbook(question_set)
        book["Stellingen"]["D14"] = None
        problems = self._problems(_bytes(book))
        assert len(problems) == 1
        assert problems[0].startswith("Blad Stellingen, cel D14: ")
        self._unchanged()

    def test_a_weight_of_zero_and_thresholds_out_of_order(self, question_set):
        book = _workbook(question_set)
        book["Stellingen"]["E3"] = 0
        book["Instellingen"]["C10"] = 90  # amber above green
        problems = self._problems(_bytes(book))
        assert any(p.startswith("Blad Stellingen, cel E3: ") for p in problems)
        assert any(p.startswith("Blad Instellingen, cel C10: ") for p in problems)
        self._unchanged()

    def test_a_formula_is_refused(self, question_set):
        book = _workbook(question_set)
        book["Stellingen"]["E4"] = "=1+1"
        problems = self._problems(_bytes(book))
        assert problems == [
            "Blad Stellingen, cel E4: bevat een formule; typ de waarde zelf."
        ]
        self._unchanged()

    def test_a_statement_of_an_unknown_dimension(self, question_set):
        book = _workbook(question_set)
        book["Stellingen"]["A5"] = "XX9"
        problems = self._problems(_bytes(book))
        assert problems == [
            "Blad Stellingen, cel A5: dimensie XX9 staat niet op blad Dimensies."
        ]

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            (b"no zip at all", "Het bestand is geen leesbare XLSX-werkmap."),
            (b"x" * (3 * 1024 * 1024), "Het bestand is groter dan 2 MB."),
        ],
    )
    def test_not_a_workbook(self, question_set, raw, message):
        assert self._problems(raw) == [message]
        self._unchanged()

    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self, question_set):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/big.xml", b"0" * (30 * 1024 * 1024))
        assert self._problems(buffer.getvalue()) == [
            "De werkmap wordt uitgepakt groter dan 20 MB."
        ]

    def test_a_missing_column_is_named(self, question_set):
        book = _workbook(question_set)
        book["Stellingen"]["E1"] = "Gewicht?"
        assert self._problems(_bytes(book)) == [
            "Blad Stellingen heeft geen kolom “Gewicht”."
        ]

    def test_another_slug_than_the_page_is_refused(self, question_set):
        raw = questionset_to_xlsx(questionset_to_dict(question_set))
        with translation.override("nl"), pytest.raises(QuestionSetFormatError) as exc:
            questionset_import_xlsx(raw=raw, slug="iets-anders")
        assert "iets-anders" in exc.value.errors[0]


def test_reading_alone_writes_nothing(question_set):
    data, problems = questionset_from_xlsx(
        questionset_to_xlsx(questionset_to_dict(question_set))
    )
    assert problems == [] and data["slug"] == question_set.slug
    assert QuestionSet.objects.count() == 1


class TestCommands:
    def _run(self, *args, lang="nl"):
        out = io.StringIO()
        call_command(*args, lang=lang, stdout=out)
        return out.getvalue()

    def test_export_then_import_as_the_next_draft(self, tmp_path, question_set):
        target = tmp_path / "set.xlsx"
        self._run(
            "export_questionset", "partnerscan", "--format", "xlsx", "-o", str(target)
        )
        assert target.read_bytes()[:2] == b"PK"
        output = self._run("import_questionset", str(target))
        draft = QuestionSet.objects.get(version=question_set.version + 1)
        assert f"Partnerscan v{draft.version}" in output
        assert draft.status == QuestionSet.Status.DRAFT
        assert _content(draft) == _content(question_set)

    def test_import_with_publish_retires_the_previous(self, tmp_path, question_set):
        target = tmp_path / "set.xlsx"
        self._run("export_questionset", "--format", "xlsx", "-o", str(target))
        self._run("import_questionset", str(target), "--publish")
        question_set.refresh_from_db()
        assert question_set.status == QuestionSet.Status.RETIRED
        assert QuestionSet.objects.published().get().version == question_set.version + 1

    def test_xlsx_needs_a_file(self, question_set):
        with pytest.raises(CommandError, match="-o"):
            self._run("export_questionset", "--format", "xlsx", lang="en")

    def test_a_bad_workbook_names_its_cells_and_changes_nothing(
        self, tmp_path, question_set
    ):
        book = _workbook(question_set)
        book["Stellingen"]["D14"] = None
        target = tmp_path / "kapot.xlsx"
        book.save(target)
        with pytest.raises(CommandError) as exc:
            self._run("import_questionset", str(target))
        message = str(exc.value)
        assert "niet geïmporteerd; er is niets veranderd" in message
        assert "Blad Stellingen, cel D14: " in message
        assert QuestionSet.objects.count() == 1
