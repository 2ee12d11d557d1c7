"""Importing answers (assessments/imports/) and `import_responses`."""

import io
import math
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessments import imports
from assessments.export_formats import answers_csv, answers_xlsx
from assessments.imports import (
    HeldAnswers,
    ResponsesImportError,
    read_table,
    reading,
    responses_import,
    responses_replace,
)
from assessments.models import Answer, Assessment, Organisation, Question, Respondent

from .conftest import answer_all, make_assessment, make_respondent
from .test_exports import FORMULA_PAYLOADS, SPLIT_PAYLOADS, xlsx_rows

PAYLOADS = FORMULA_PAYLOADS + SPLIT_PAYLOADS

pytestmark = pytest.mark.django_db

HEADER = "respondent,organisation,dimension,question,value\r\n"


def _questions(assessment):
    return list(
        Question.objects.filter(dimension__question_set=assessment.question_set)
        .select_related("dimension")
        .order_by("dimension__position", "position")
    )


def _import(assessment, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return responses_import(assessment=assessment, rows=read_table(data))


def _problems(assessment, data):
    with translation.override("en"):
        with pytest.raises(ResponsesImportError) as excinfo:
            _import(assessment, data)
        return [str(problem) for problem in excinfo.value.problems]


def _snapshot():
    return (
        sorted(Respondent.objects.values_list("label", "organisation_id")),
        sorted(Answer.objects.values_list("respondent__label", "question_id", "value")),
    )


def _fill(assessment):
    """Anna (Alfa) answered everything with a few "weet niet"; Bert (Beta) is halfway;
    Carla (Beta) has not started."""
    questions = _questions(assessment)
    beta = assessment.partnership.organisations.get(name="Beta")
    anna = make_respondent(assessment, label="Anna", submitted_at=timezone.now())
    bert = make_respondent(assessment, organisation=beta, label="Bert")
    make_respondent(assessment, organisation=beta, label="Carla")
    Answer.objects.bulk_create(
        [
            Answer(respondent=anna, question=q, value=None if i % 7 == 0 else i % 5 + 1)
            for i, q in enumerate(questions)
        ]
        + [
            Answer(respondent=bert, question=q, value=(i % 3) + 2)
            for i, q in enumerate(questions[: len(questions) // 2])
        ]
    )


def _fresh_twin(assessment):
    """Another scan of the same partnership with the same question set."""
    return make_assessment(assessment.partnership, assessment.question_set)


def _row(label, organisation, question, value="", status=None):
    cells = [label, organisation, question.dimension.code, question.code, str(value)]
    if status is not None:
        cells.append(status)
    return ",".join(cells) + "\r\n"


class TestRoundTrip:
    def test_csv_export_import_export_gives_the_same_file(self, assessment):
        _fill(assessment)
        exported = answers_csv(assessment)
        twin = _fresh_twin(assessment)

        summary = _import(twin, exported)

        assert answers_csv(twin) == exported
        assert summary.respondents_created == 3
        assert (
            summary.answers_written
            == Answer.objects.filter(respondent__assessment=assessment).count()
        )

    def test_xlsx_export_import_export_gives_the_same_rows(self, assessment):
        _fill(assessment)
        exported = answers_xlsx(assessment)
        twin = _fresh_twin(assessment)

        _import(twin, exported)

        assert xlsx_rows(answers_xlsx(twin)) == xlsx_rows(exported)
        assert answers_csv(twin) == answers_csv(assessment)

    def test_re_importing_an_export_into_its_own_scan_changes_no_answer(
        self, assessment
    ):
        _fill(assessment)
        exported = answers_csv(assessment)
        before = _snapshot()

        summary = _import(assessment, exported)

        assert _snapshot() == before
        assert answers_csv(assessment) == exported
        # Anna had submitted: kept as she was, not counted as updated.
        assert summary.respondents_updated == 2
        assert [held.label for held in summary.skipped] == ["Anna"]

    def test_formula_payloads_in_labels_and_organisations_round_trip(self, assessment):
        for position, payload in enumerate(PAYLOADS, start=5):
            organisation = Organisation.objects.create(
                partnership=assessment.partnership,
                name=payload + " org",
                position=position,
            )
            answer_all(
                make_respondent(assessment, organisation=organisation, label=payload)
            )
        for export in (answers_csv, answers_xlsx):
            twin = _fresh_twin(assessment)
            _import(twin, export(assessment))
            assert answers_csv(twin) == answers_csv(assessment)
            assert set(twin.respondents.values_list("label", flat=True)) == set(
                PAYLOADS
            )


class TestRespondents:
    def test_a_new_label_becomes_a_submitted_respondent_with_its_own_link(
        self, assessment
    ):
        question = _questions(assessment)[0]
        _import(assessment, HEADER + _row("Dirk", "Beta", question, 4))

        dirk = Respondent.objects.get(label="Dirk")
        assert dirk.organisation.name == "Beta"
        assert dirk.is_submitted and dirk.started_at
        assert dirk.invitation_url()
        assert dirk.answers.get().value == 4

    def test_a_known_respondent_gets_exactly_the_answers_in_the_file(self, respondent):
        answer_all(respondent, 2)
        first, second = _questions(respondent.assessment)[:2]
        other = make_respondent(respondent.assessment, label="Other")
        answer_all(other, 5)

        summary = _import(
            respondent.assessment,
            HEADER + _row("Anna", "Alfa", first, 5) + _row("Anna", "Alfa", second),
        )

        assert dict(respondent.answers.values_list("question", "value")) == {
            first.pk: 5,
            second.pk: None,
        }
        assert set(other.answers.values_list("value", flat=True)) == {5}
        assert (summary.respondents_created, summary.respondents_updated) == (0, 1)

    def test_labels_and_organisations_match_ignoring_case_and_spaces(self, respondent):
        question = _questions(respondent.assessment)[0]
        _import(respondent.assessment, HEADER + _row(" anna ", "ALFA ", question, 3))
        assert Respondent.objects.count() == 1
        assert respondent.answers.get().value == 3

    def test_an_unanswered_row_keeps_the_respondent_able_to_finish_online(
        self, assessment
    ):
        first, second = _questions(assessment)[:2]
        _import(
            assessment,
            HEADER.replace("value", "value,status")
            + _row("Eva", "Alfa", first, 2, "answered")
            + _row("Eva", "Alfa", second, "", "unanswered"),
        )
        eva = Respondent.objects.get(label="Eva")
        assert eva.started_at and not eva.is_submitted
        assert eva.answers.count() == 1

    def test_import_never_reopens_a_submitted_respondent(self, respondent):
        submitted_at = timezone.now() - timezone.timedelta(days=3)
        Respondent.objects.filter(pk=respondent.pk).update(submitted_at=submitted_at)
        question = _questions(respondent.assessment)[0]
        Answer.objects.create(respondent=respondent, question=question, value=3)
        responses_import(
            assessment=respondent.assessment,
            rows=read_table(
                (
                    HEADER.replace("value", "value,status")
                    + _row("Anna", "Alfa", question, "", "unanswered")
                ).encode()
            ),
            replace_submitted=True,
        )
        respondent.refresh_from_db()
        assert respondent.submitted_at == submitted_at
        assert not respondent.answers.exists()


class TestSubmittedAnswers:
    def test_submitted_answers_are_kept_and_held_back(self, assessment):
        _fill(assessment)  # Anna submitted, Bert halfway
        question = _questions(assessment)[0]
        before = _snapshot()
        summary = _import(
            assessment,
            HEADER
            + _row("Anna", "Alfa", question, 1)
            + _row("Bert", "Beta", question, 2),
        )
        anna = Respondent.objects.get(label="Anna")
        assert [held.label for held in summary.skipped] == ["Anna"]
        assert summary.skipped[0].respondent_id == anna.pk
        assert summary.skipped[0].answers == {question.pk: 1}
        assert summary.respondents_updated == 1
        after = _snapshot()
        assert [a for a in after[1] if a[0] == "Anna"] == [
            a for a in before[1] if a[0] == "Anna"
        ]
        bert = Respondent.objects.get(label="Bert")
        assert dict(bert.answers.values_list("question_id", "value")) == {
            question.pk: 2
        }

    def test_held_answers_replace_only_on_request(self, assessment):
        _fill(assessment)
        question = _questions(assessment)[0]
        summary = _import(assessment, HEADER + _row("Anna", "Alfa", question, 1))
        anna = Respondent.objects.get(label="Anna")
        submitted_at = anna.submitted_at

        written = responses_replace(assessment=assessment, held=summary.skipped)

        assert written == 1
        assert dict(anna.answers.values_list("question_id", "value")) == {
            question.pk: 1
        }
        anna.refresh_from_db()
        assert anna.submitted_at == submitted_at

    def test_held_answers_reach_only_this_scans_respondents_and_questions(
        self, assessment, other_respondent
    ):
        question = _questions(assessment)[0]
        held = [HeldAnswers(other_respondent.pk, "Otto", {question.pk: 1})]
        assert responses_replace(assessment=assessment, held=held) == 0
        assert not other_respondent.answers.exists()


class TestFileFormats:
    def test_semicolons_and_windows_1252_from_dutch_excel_are_read(self, assessment):
        question = _questions(assessment)[0]
        text = (
            "respondent;organisation;dimension;question;value\r\n"
            f"Jos\u00e9 M\u00fcller;Alfa;{question.dimension.code};"
            f"{question.code};5\r\n"
        )
        _import(assessment, text.encode("cp1252"))
        assert Respondent.objects.get().label == "Jos\u00e9 M\u00fcller"

    def test_without_a_status_column_an_empty_value_means_dont_know(self, assessment):
        question = _questions(assessment)[0]
        summary = _import(assessment, HEADER + _row("Dirk", "Alfa", question))
        assert Answer.objects.get().value is None
        assert summary.respondents_submitted == 1

    def test_extra_columns_and_blank_lines_are_ignored(self, assessment):
        question = _questions(assessment)[0]
        text = (
            "Remark,Respondent,Organisation,Dimension,Question,Value\r\n"
            f",Dirk,Alfa,{question.dimension.code},{question.code},3.0\r\n"
            ",,,,,\r\n"
        )
        _import(assessment, "\ufeff" + text)
        assert Answer.objects.get().value == 3

    def test_an_xlsx_typed_by_hand_is_read(self, assessment):
        question = _questions(assessment)[0]
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["respondent", "organisation", "dimension", "question", "value"])
        sheet.append([1234, "Beta", question.dimension.code, question.code, 2.0])
        buffer = io.BytesIO()
        workbook.save(buffer)

        _import(assessment, buffer.getvalue())

        assert Respondent.objects.get().label == "1234"
        assert Answer.objects.get().value == 2

    def test_a_damaged_xlsx_is_refused_clearly(self, assessment):
        problems = _problems(assessment, b"PK\x03\x04 not really a zip")
        assert problems == ["The file is not a readable XLSX workbook."]

    @pytest.mark.parametrize("expansion", ["billion laughs", "one entity"])
    def test_an_xlsx_with_xml_entity_tricks_is_refused_and_changes_nothing(
        self, assessment, respondent, expansion
    ):
        # Entities in a sheet: expat stops the billion laughs itself; defusedxml
        # (which openpyxl uses when installed) refuses any entity declaration.
        if expansion == "billion laughs":
            bomb = (
                '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                + "".join(
                    f'<!ENTITY lol{n + 1} "{f"&lol{n};" * 10}">'.replace(
                        "&lol0;", "&lol;"
                    )
                    for n in range(9)
                )
                + "]>"
            )
            reference = "&lol9;"
        else:
            bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "">]>'
            reference = "&e;"
        answer_all(respondent, 3)
        before = _snapshot()
        source = io.BytesIO(answers_xlsx(assessment))
        hostile = io.BytesIO()
        with (
            zipfile.ZipFile(source) as original,
            zipfile.ZipFile(hostile, "w") as copy,
        ):
            for item in original.infolist():
                content = original.read(item)
                if item.filename.endswith("sheet1.xml"):
                    body = content.decode()
                    if body.startswith("<?xml"):
                        body = body.split("?>", 1)[1]
                    body = body.replace("<sheetData>", f"<sheetData>{reference}", 1)
                    content = (bomb + body).encode()
                copy.writestr(item, content)
        problems = _problems(assessment, hostile.getvalue())
        assert problems == ["The file is not a readable XLSX workbook."]
        assert _snapshot() == before

    def test_a_file_over_5_mb_is_refused(self, assessment):
        problems = _problems(assessment, b"x" * (imports.MAX_BYTES + 1))
        assert "larger than 5 MB" in problems[0]

    def test_a_file_with_too_many_rows_is_refused(self, assessment, monkeypatch):
        monkeypatch.setattr(reading, "MAX_ROWS", 3)
        question = _questions(assessment)[0]
        rows = "".join(_row(f"R{i}", "Alfa", question, 3) for i in range(4))
        problems = _problems(assessment, HEADER + rows)
        assert "more than 3 rows" in problems[0]
        assert not Respondent.objects.exists()

    def test_blank_lines_above_the_header_still_count_as_lines(self, assessment):
        question = _questions(assessment)[0]
        text = "\r\n,,\r\n" + HEADER + _row("Dirk", "Gamma", question, 3)
        assert _problems(assessment, text) == [
            'Line 4: Unknown organisation "Gamma"; this partnership has: Alfa, Beta.'
        ]

    def test_a_header_without_answers_is_refused(self, assessment):
        assert _problems(assessment, HEADER) == [
            "The file has a header but no answers."
        ]

    def test_missing_columns_are_named(self, assessment):
        problems = _problems(assessment, "respondent;organisation;question\r\nA;B;C")
        assert problems == [
            "Line 1: Missing columns: dimension, value. The header must name "
            "respondent, organisation, dimension, question, value."
        ]


class TestBadRows:
    def test_a_file_with_bad_rows_changes_nothing_and_names_each_bad_line(
        self, respondent
    ):
        answer_all(respondent, 4)
        assessment = respondent.assessment
        q1, q2 = _questions(assessment)[:2]
        other_dimension = _questions(assessment)[-1].dimension.code
        before = _snapshot()
        text = (
            HEADER
            + _row("Dirk", "Alfa", q1, 3)  # 2: fine
            + f"Dirk,Alfa,{q1.dimension.code},XX9.9,3\r\n"  # 3: unknown question
            + f"Dirk,Alfa,{other_dimension},{q2.code},3\r\n"  # 4: wrong dimension
            + _row("Dirk", "Alfa", q2, 6)  # 5: out of range
            + _row("Eva", "Alfa", q1, "veel")  # 6: not a number
            + _row("Eva", "Gamma", q2, 2)  # 7: unknown organisation
            + _row(" ", "Alfa", q2, 2)  # 8: empty label
            + _row("Dirk", "Alfa", q1, 4)  # 9: duplicate
            + _row("Anna", "Beta", q1, 4)  # 10: known respondent, other organisation
            + _row("Dirk", "Beta", q2, 4)  # 11: new respondent, two organisations
        )

        problems = _problems(assessment, text)

        assert _snapshot() == before
        assert [p.split(":")[0] for p in problems] == [
            f"Line {n}" for n in range(3, 12)
        ]
        expected = [
            'Unknown question code "XX9.9"',
            f"belongs to dimension {q2.dimension.code}",
            '"6" is not a whole number from 1 to 5',
            '"veel" is not a whole number',
            'Unknown organisation "Gamma"; this partnership has: Alfa, Beta',
            "label is empty",
            f"{q1.code} appears twice for this respondent (also on line 2)",
            '"Anna" belongs to Alfa, not Beta',
            '"Dirk" is listed under Alfa on line 2 and under Beta here',
        ]
        for problem, fragment in zip(problems, expected, strict=True):
            assert fragment in problem

    def test_a_status_that_contradicts_the_value_is_refused(self, assessment):
        q1, q2, q3 = _questions(assessment)[:3]
        text = (
            HEADER.replace("value", "value,status")
            + _row("Dirk", "Alfa", q1, 3, "dont_know")
            + _row("Dirk", "Alfa", q2, "", "answered")
            + _row("Dirk", "Alfa", q3, 3, "maybe")
        )
        problems = _problems(assessment, text)
        assert len(problems) == 3
        assert not Respondent.objects.exists()

    def test_a_closed_scan_refuses_imports(self, assessment):
        Assessment.objects.filter(pk=assessment.pk).update(status="closed")
        assessment.refresh_from_db()
        question = _questions(assessment)[0]
        problems = _problems(assessment, HEADER + _row("Dirk", "Alfa", question, 3))
        assert "closed" in problems[0]
        assert not Respondent.objects.exists()


class TestBulkWrites:
    def test_the_import_takes_the_same_queries_for_2_or_20_respondents(
        self, assessment
    ):
        questions = _questions(assessment)

        def file_for(labels):
            rows = [_row(label, "Alfa", q, 3) for label in labels for q in questions]
            return read_table((HEADER + "".join(rows)).encode())

        def queries(labels):
            with CaptureQueriesContext(connection) as context:
                responses_import(assessment=assessment, rows=file_for(labels))
            sql = [query["sql"] for query in context.captured_queries]
            inserts = [
                q for q in sql if q.startswith('INSERT INTO "assessments_answer"')
            ]
            return len(sql) - len(inserts), len(inserts)

        # Both imports below update known respondents and create new ones.
        responses_import(assessment=assessment, rows=file_for(["A0", "A1", "B0", "B1"]))
        small_other, small_inserts = queries(["A0", "C0"])
        large_other, large_inserts = queries(
            ["B0", "B1"] + [f"D{i}" for i in range(18)]
        )

        assert small_other == large_other <= 12
        # Answers go in batches (SQLite allows 999 parameters a statement), never
        # one statement per answer.
        assert small_inserts == 1
        assert large_inserts <= math.ceil(20 * len(questions) / 200)
        assert Answer.objects.count() == 23 * len(questions)


class TestImportCommand:
    def _run(self, *args, lang="en"):
        out = io.StringIO()
        call_command("import_responses", *args, lang=lang, stdout=out)
        return out.getvalue()

    def test_it_imports_and_prints_a_summary(self, assessment, tmp_path):
        question = _questions(assessment)[0]
        target = tmp_path / "paper.csv"
        target.write_text(HEADER + _row("Dirk", "Alfa", question, 5), "utf-8")

        output = self._run(str(assessment.pk), str(target))

        assert "1 respondents created, 0 updated, 1 answers written" in output
        assert Answer.objects.get().value == 5

    def test_it_keeps_submitted_answers_unless_told_to_replace_them(
        self, assessment, tmp_path
    ):
        _fill(assessment)
        question = _questions(assessment)[0]
        target = tmp_path / "paper.csv"
        target.write_text(HEADER + _row("Anna", "Alfa", question, 1), "utf-8")
        anna = Respondent.objects.get(label="Anna")
        count = anna.answers.count()

        output = self._run(str(assessment.pk), str(target))
        assert "Kept the submitted answers of 1 respondents: Anna" in output
        assert anna.answers.count() == count

        self._run(str(assessment.pk), str(target), "--replace-submitted")
        assert dict(anna.answers.values_list("question_id", "value")) == {
            question.pk: 1
        }

    def test_it_prints_every_bad_line_fails_and_changes_nothing(
        self, assessment, tmp_path
    ):
        question = _questions(assessment)[0]
        target = tmp_path / "bad.csv"
        target.write_text(
            HEADER
            + _row("Dirk", "Gamma", question, 5)
            + _row("Eva", "Alfa", question, 9)
        )
        with pytest.raises(CommandError) as excinfo:
            self._run(str(assessment.pk), str(target))
        message = str(excinfo.value)
        assert "nothing changed" in message
        assert "Line 2: Unknown organisation" in message
        assert "Line 3: The value" in message
        assert not Respondent.objects.exists()

    @pytest.mark.parametrize(
        "lang, expected",
        [
            (
                "nl",
                [
                    "bad.csv is niet geïmporteerd; er is niets veranderd:",
                    "  Regel 2: Onbekende organisatie",
                ],
            ),
            (
                "en",
                [
                    "bad.csv was not imported; nothing changed:",
                    "  Line 2: Unknown organisation",
                ],
            ),
        ],
    )
    def test_bad_lines_are_explained_in_one_language(
        self, assessment, tmp_path, lang, expected
    ):
        question = _questions(assessment)[0]
        target = tmp_path / "bad.csv"
        target.write_text(HEADER + _row("Dirk", "Gamma", question, 5))
        other = "en" if lang == "nl" else "nl"
        with translation.override(other), pytest.raises(CommandError) as excinfo:
            self._run(str(assessment.pk), str(target), lang=lang)
        first, second = str(excinfo.value).splitlines()
        assert first == f"{tmp_path}/{expected[0]}"
        assert second.startswith(expected[1])

    def test_the_summary_speaks_dutch_by_default(self, assessment, tmp_path):
        question = _questions(assessment)[0]
        target = tmp_path / "paper.csv"
        target.write_text(HEADER + _row("Dirk", "Alfa", question, 5), "utf-8")
        out = io.StringIO()
        call_command("import_responses", str(assessment.pk), str(target), stdout=out)
        assert "1 respondenten aangemaakt, 0 bijgewerkt, 1 antwoorden" in out.getvalue()

    def test_a_missing_file_and_an_unknown_scan_fail_clearly(self, assessment):
        with pytest.raises(CommandError, match="Cannot read"):
            self._run(str(assessment.pk), "/nonexistent/answers.csv")
        with pytest.raises(CommandError, match="No assessment 999"):
            self._run("999", "/nonexistent/answers.csv")
