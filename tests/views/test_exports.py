"""Downloads of results and answers, and the upload of answers (views/exports.py)."""

import io
import json
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from assessments import export_formats, imports
from assessments.background import making
from assessments.background.models import PreparedFile
from assessments.background.retry import MAX_ATTEMPTS
from assessments.demo import DEMO_PASSWORD, DEMO_USERNAME, demo_seed
from assessments.export_formats import answers_csv
from assessments.models import Answer, Collaboration, Question, Respondent

from ..conftest import CONFIRMED, PASSWORD, answer_all, make_respondent, run_tasks
from ..test_exports import csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

HEADER = "respondent,organisation,dimension,question,value\r\n"


def _export_url(assessment, fmt):
    return reverse("assessments:assessment-export", args=[assessment.pk, fmt])


def _import_url(assessment):
    return reverse("assessments:assessment-import", args=[assessment.pk])


def _login(client, user):
    """Log in, speaking English so messages can be checked by their msgid."""
    assert client.login(username=user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _upload(client, assessment, text, name="answers.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        _import_url(assessment), {"file": SimpleUploadedFile(name, data)}
    )


def _first_question(assessment):
    return (
        Question.objects.filter(dimension__question_set=assessment.question_set)
        .select_related("dimension")
        .order_by("dimension__position", "position")
        .first()
    )


def _line(label, organisation, question, value):
    return (
        f"{label},{organisation},{question.dimension.code},{question.code},{value}\r\n"
    )


class TestExport:
    @pytest.mark.parametrize("user", ["owner", "editor"])
    def test_the_consultants_guiding_the_scan_download_the_answers_as_csv(
        self, client, respondent, user, request, owner, collaborator
    ):
        answer_all(respondent, 3)
        Collaboration.objects.filter(user=collaborator).update(can_edit=True)
        _login(client, owner if user == "owner" else collaborator)

        response = client.get(_export_url(respondent.assessment, "csv"))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content == answers_csv(respondent.assessment)
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="partnerscan-alfa-beta-')
        assert disposition.endswith('.csv"')
        assert "no-store" in response["Cache-Control"]

    def test_the_xlsx_download_is_a_workbook_of_the_same_rows(
        self, client, owner, respondent
    ):
        answer_all(respondent, 5)
        response = _login(client, owner).get(_export_url(respondent.assessment, "xlsx"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        rows = xlsx_rows(response.content)
        assert [[str(c) for c in row] for row in rows] == csv_rows(
            answers_csv(respondent.assessment)
        )

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_a_read_only_collaborator_gets_no_named_answers(
        self, client, collaborator, respondent, fmt
    ):
        """The welcome page promises participants that only the consultants guiding
        the scan see answers with names (docs/privacy.md)."""
        answer_all(respondent, 3)
        response = _login(client, collaborator).get(
            _export_url(respondent.assessment, fmt)
        )
        assert response.status_code == 403
        assert b"Anna" not in response.content

    def test_a_read_only_collaborator_still_gets_the_results_json(
        self, client, collaborator, respondent
    ):
        answer_all(respondent, 3)
        response = _login(client, collaborator).get(
            _export_url(respondent.assessment, "json")
        )
        assert response.status_code == 200
        assert b"Anna" not in response.content

    def test_it_requires_login(self, client, assessment):
        response = client.get(_export_url(assessment, "csv"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_an_outsider_gets_404(self, client, outsider, assessment):
        response = _login(client, outsider).get(_export_url(assessment, "csv"))
        assert response.status_code == 404

    def test_an_unknown_format_is_404(self, client, owner, assessment):
        response = _login(client, owner).get(_export_url(assessment, "pdf"))
        assert response.status_code == 404

    def test_a_post_is_refused(self, client, owner, assessment):
        response = _login(client, owner).post(_export_url(assessment, "csv"))
        assert response.status_code == 405


class TestImport:
    def test_the_owner_imports_a_file_and_returns_to_the_scan(
        self, client, owner, assessment
    ):
        question = _first_question(assessment)
        response = _upload(
            _login(client, owner),
            assessment,
            HEADER + _line("Dirk", "Beta", question, 4),
        )
        assert response.status_code == 302
        assert response.url == reverse(
            "assessments:assessment-detail", args=[assessment.pk]
        )
        assert Respondent.objects.get().label == "Dirk"
        assert Answer.objects.get().value == 4
        page = client.get(response.url)
        assert "Answers imported: 1 new and 0 existing respondents" in page.text

    def test_a_collaborator_with_edit_rights_may_import(
        self, client, collaborator, assessment
    ):
        Collaboration.objects.filter(user=collaborator).update(can_edit=True)
        question = _first_question(assessment)
        response = _upload(
            _login(client, collaborator),
            assessment,
            HEADER + _line("Dirk", "Alfa", question, 2),
        )
        assert response.status_code == 302

    def test_it_requires_login(self, client, assessment):
        response = client.post(_import_url(assessment))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_an_outsider_gets_404(self, client, outsider, assessment):
        question = _first_question(assessment)
        response = _upload(
            _login(client, outsider),
            assessment,
            HEADER + _line("X", "Alfa", question, 2),
        )
        assert response.status_code == 404
        assert not Respondent.objects.exists()

    def test_a_read_only_collaborator_gets_403(self, client, collaborator, assessment):
        question = _first_question(assessment)
        response = _upload(
            _login(client, collaborator),
            assessment,
            HEADER + _line("X", "Alfa", question, 2),
        )
        assert response.status_code == 403
        assert not Respondent.objects.exists()

    def test_it_is_post_only(self, client, owner, assessment):
        response = _login(client, owner).get(_import_url(assessment))
        assert response.status_code == 405

    def test_a_file_with_bad_lines_lists_each_and_changes_nothing(
        self, client, owner, respondent
    ):
        assessment = respondent.assessment
        answer_all(respondent, 4)
        before = list(Answer.objects.values_list("pk", "value"))
        question = _first_question(assessment)
        text = (
            HEADER
            + _line("Anna", "Alfa", question, 1)
            + _line("Dirk", "Gamma", question, 3)
            + _line("Eva", "Alfa", question, 8)
        )
        response = _upload(_login(client, owner), assessment, text)
        assert response.status_code == 400
        assert "Nothing was imported" in response.text
        assert "Line 3: Unknown organisation" in response.text
        assert "Line 4: The value" in response.text
        assert list(Answer.objects.values_list("pk", "value")) == before
        assert Respondent.objects.count() == 1

    @pytest.mark.parametrize(
        "name, data",
        [
            ("answers.csv", b""),
            ("answers.xlsx", b"PK\x03\x04garbage"),
            ("answers.csv", b"\xff\xfe\x00\x00binary\x00junk"),
            ("answers.pdf", b"%PDF-1.7"),
            ("answers.csv", "name;score\r\nAnna;3\r\n"),
        ],
    )
    def test_a_bad_file_gets_a_clear_page_not_a_500(
        self, client, owner, assessment, name, data
    ):
        response = _upload(_login(client, owner), assessment, data, name=name)
        assert response.status_code == 400
        assert 'class="import-problems"' in response.text
        assert not Respondent.objects.exists()

    def test_no_file_at_all_gets_a_clear_page(self, client, owner, assessment):
        response = _login(client, owner).post(_import_url(assessment))
        assert response.status_code == 400
        assert 'class="import-problems"' in response.text

    def test_a_file_over_the_limit_is_refused_before_reading(
        self, client, owner, assessment, monkeypatch
    ):
        monkeypatch.setattr("assessments.forms.imports.MAX_BYTES", 10)
        question = _first_question(assessment)
        response = _upload(
            _login(client, owner), assessment, HEADER + _line("X", "Alfa", question, 2)
        )
        assert response.status_code == 400
        assert not Respondent.objects.exists()

    def test_a_long_list_of_problems_is_cut_short_with_a_count(
        self, client, owner, assessment, monkeypatch
    ):
        monkeypatch.setattr("assessments.views.exports.SHOWN_PROBLEMS", 2)
        question = _first_question(assessment)
        text = HEADER + "".join(_line(f"R{i}", "Gamma", question, 3) for i in range(5))
        response = _upload(_login(client, owner), assessment, text)
        assert response.text.count("Unknown organisation") == 2
        assert "and 3 more problems" in response.text

    def test_a_closed_scan_refuses_the_upload(self, client, owner, assessment):
        assessment.status = "closed"
        assessment.save()
        question = _first_question(assessment)
        response = _upload(
            _login(client, owner), assessment, HEADER + _line("X", "Alfa", question, 2)
        )
        assert response.status_code == 400
        assert not Respondent.objects.exists()


class TestSubmittedAnswersAreNotOverwritten:
    """An import does not replace what a participant sent, unless the owner says so
    on a page that lists them. Editors never can."""

    @pytest.fixture
    def sent(self, assessment):
        anna = make_respondent(assessment, label="Anna", submitted_at=timezone.now())
        answer_all(anna, value=5)
        return anna

    def _file(self, assessment):
        question = _first_question(assessment)
        return (
            HEADER
            + _line("Anna", "Alfa", question, 1)
            + _line("Dirk", "Alfa", question, 2)
        )

    def _replace_url(self, assessment):
        return reverse("assessments:assessment-import-replace", args=[assessment.pk])

    def test_an_editor_imports_the_rest_and_is_told_who_was_skipped(
        self, client, collaborator, assessment, sent
    ):
        Collaboration.objects.filter(user=collaborator).update(can_edit=True)
        before = sorted(sent.answers.values_list("question_id", "value"))
        response = _upload(
            _login(client, collaborator), assessment, self._file(assessment)
        )
        assert response.url == reverse(
            "assessments:assessment-detail", args=[assessment.pk]
        )
        assert sorted(sent.answers.values_list("question_id", "value")) == before
        assert Respondent.objects.get(label="Dirk").answers.get().value == 2
        page = client.get(response.url).text
        assert "had already sent their answers; they were not replaced: Anna." in page
        # The decision is the owner's: not even the page is open to an editor.
        assert client.get(self._replace_url(assessment)).status_code == 403
        assert client.post(self._replace_url(assessment), CONFIRMED).status_code == 403
        assert sorted(sent.answers.values_list("question_id", "value")) == before

    def test_the_owner_is_asked_and_nothing_is_replaced_before_confirming(
        self, client, owner, assessment, sent
    ):
        before = sorted(sent.answers.values_list("question_id", "value"))
        response = _upload(_login(client, owner), assessment, self._file(assessment))
        assert response.url == self._replace_url(assessment)
        page = client.get(response.url)
        assert page.status_code == 200
        assert "Replace answers that were already sent?" in page.text
        assert "<li>Anna</li>" in page.text
        assert "Dirk" not in page.text
        assert client.post(response.url).status_code == 200  # asks again
        assert sorted(sent.answers.values_list("question_id", "value")) == before

    def test_the_owners_confirmation_replaces_them(
        self, client, owner, assessment, sent
    ):
        _upload(_login(client, owner), assessment, self._file(assessment))
        response = client.post(self._replace_url(assessment), CONFIRMED)
        assert response.status_code == 302
        question = _first_question(assessment)
        assert list(sent.answers.values_list("question_id", "value")) == [
            (question.pk, 1)
        ]
        sent.refresh_from_db()
        assert sent.is_submitted
        # Done: the held answers are gone, a second confirmation changes nothing.
        again = client.post(self._replace_url(assessment), CONFIRMED, follow=True)
        assert "No imported answers are waiting" in again.text

    def test_outsiders_and_readers_cannot_reach_the_decision(
        self, client, outsider, collaborator, assessment, sent
    ):
        url = self._replace_url(assessment)
        _login(client, outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, CONFIRMED).status_code == 404
        _login(client, collaborator)
        assert client.get(url).status_code == 403
        assert client.post(url, CONFIRMED).status_code == 403


class TestLargeExport:
    """Raw answers above `WORKER_ROWS` rows are made by the worker and offered when
    ready, through the same page as the report (views/prepared.py)."""

    @pytest.fixture(autouse=True)
    def small_threshold(self, monkeypatch):
        # Two respondents x 72 statements count as large here.
        monkeypatch.setitem(export_formats.WORKER_ROWS, "csv", 100)
        monkeypatch.setitem(export_formats.WORKER_ROWS, "xlsx", 100)

    @pytest.fixture
    def scan(self, respondent):
        answer_all(respondent, 4)
        answer_all(make_respondent(respondent.assessment, label="Bert"), 2)
        return respondent.assessment

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_a_large_export_is_made_by_the_worker_then_downloaded(
        self, client, owner, scan, fmt
    ):
        _login(client, owner)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
        page = client.get(_export_url(scan, fmt))
        assert page.status_code == 200
        assert "De export wordt gemaakt" in page.text
        status = reverse("assessments:assessment-export-status", args=[scan.pk, fmt])
        assert f'data-hx-get="{status}?since=' in page.text
        assert run_tasks() == 1

        response = client.get(_export_url(scan, fmt))
        assert response.status_code == 200
        assert response["Content-Type"] == export_formats.CONTENT_TYPES[fmt]
        assert response["Content-Disposition"].endswith(f'.{fmt}"')
        assert "no-store" in response["Cache-Control"]
        data = b"".join(response.streaming_content)
        if fmt == "csv":
            assert data == answers_csv(scan)
        else:
            assert [[str(c) for c in row] for row in xlsx_rows(data)] == csv_rows(
                answers_csv(scan)
            )

    def test_an_export_is_made_again_when_the_answers_change(self, client, owner, scan):
        _login(client, owner)
        client.get(_export_url(scan, "csv"))
        run_tasks()
        Answer.objects.filter(respondent__label="Bert").update(value=5)
        page = client.get(_export_url(scan, "csv"))
        assert 'id="prepared-status"' in page.text
        run_tasks()
        data = b"".join(client.get(_export_url(scan, "csv")).streaming_content)
        assert data == answers_csv(scan)
        assert b"Bert,Alfa" in data and b",5,answered" in data

    def test_the_status_sends_htmx_on_to_the_download(self, client, owner, scan):
        _login(client, owner)
        client.get(_export_url(scan, "xlsx"))
        run_tasks()
        status = reverse("assessments:assessment-export-status", args=[scan.pk, "xlsx"])
        response = client.get(status, HTTP_HX_REQUEST="true")
        assert response.status_code == 204
        target = response["HX-Redirect"]
        assert target.startswith(_export_url(scan, "xlsx") + "?since=")
        assert client.get(target)["Content-Disposition"].endswith('.xlsx"')

    def test_a_failed_export_is_tried_again_by_an_editor(
        self, client, collaborator, scan, monkeypatch
    ):
        Collaboration.objects.filter(user=collaborator).update(can_edit=True)
        _login(client, collaborator)

        def broken(rows, *actions):
            raise OSError("no space left on device")

        monkeypatch.setitem(making._WRITERS, "xlsx", broken)
        client.get(_export_url(scan, "xlsx"))
        PreparedFile.objects.update(attempts=MAX_ATTEMPTS - 1)
        run_tasks()
        page = client.get(_export_url(scan, "xlsx"))
        assert "no space left on device" in page.text
        retry = reverse("assessments:assessment-export-retry", args=[scan.pk, "xlsx"])
        assert f'action="{retry}"' in page.text

        monkeypatch.undo()
        monkeypatch.setitem(export_formats.WORKER_ROWS, "xlsx", 100)
        assert client.post(retry).url == _export_url(scan, "xlsx")
        run_tasks()
        response = client.get(_export_url(scan, "xlsx"))
        assert response["Content-Disposition"].endswith('.xlsx"')

    @pytest.mark.parametrize("view", ["assessment-export", "assessment-export-status"])
    def test_named_answers_stay_with_the_consultants_guiding_the_scan(
        self, client, outsider, collaborator, scan, view
    ):
        url = reverse(f"assessments:{view}", args=[scan.pk, "xlsx"])
        retry = reverse("assessments:assessment-export-retry", args=[scan.pk, "xlsx"])
        assert _login(client, outsider).get(url).status_code == 404
        assert client.post(retry).status_code == 404
        assert _login(client, collaborator).get(url).status_code == 403
        assert client.post(retry).status_code == 403
        assert not PreparedFile.objects.exists()

    def test_only_raw_answers_have_a_status(self, client, owner, scan):
        status = reverse("assessments:assessment-export-status", args=[scan.pk, "json"])
        assert _login(client, owner).get(status).status_code == 404


def test_the_export_links_and_import_form_render_for_a_scan(owner, assessment):
    from django.template.loader import render_to_string

    links = render_to_string(
        "assessments/includes/_export_links.html",
        {"assessment": assessment, "can_edit": True},
    )
    for fmt in ("json", "csv", "xlsx"):
        assert _export_url(assessment, fmt) in links
    # A read-only reader is not offered the answers with names.
    links = render_to_string(
        "assessments/includes/_export_links.html",
        {"assessment": assessment, "can_edit": False},
    )
    assert _export_url(assessment, "json") in links
    assert _export_url(assessment, "csv") not in links
    form = render_to_string(
        "assessments/includes/_import_form.html", {"assessment": assessment}
    )
    assert 'enctype="multipart/form-data"' in form
    assert _import_url(assessment) in form


def test_many_respondents_import_through_the_page(client, owner, assessment):
    questions = list(
        Question.objects.filter(dimension__question_set=assessment.question_set)
    )
    text = HEADER + "".join(
        _line(f"R{i}", "Alfa", q, 3) for i in range(30) for q in questions
    )
    assert len(text.encode()) < imports.MAX_BYTES
    response = _upload(_login(client, owner), assessment, text)
    assert response.status_code == 302
    assert Answer.objects.count() == 30 * len(questions)


class _TableCells(HTMLParser):
    """Text of each row's cells in the table with the given id."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif self.depth and tag == "table":
            self.depth = 0

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _shown(value):
    return "–" if value is None else floatformat(value, 0)


class TestResultsJson:
    @pytest.fixture
    def demo(self, client):
        assessment, _created = demo_seed()
        assert client.login(username=DEMO_USERNAME, password=DEMO_PASSWORD)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
        return assessment

    def test_cli_download_and_results_page_agree_figure_for_figure(self, client, demo):
        out = io.StringIO()
        call_command("export_results", str(demo.pk), "--lang", "nl", stdout=out)
        response = client.get(_export_url(demo, "json"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.content == out.getvalue().encode()
        data = json.loads(response.content)
        assert data["readiness_index"] is not None

        page = client.get(reverse("assessments:assessment-results", args=[demo.pk]))
        assert page.status_code == 200
        assert f'<span class="results-index">{_shown(data["readiness_index"])}<' in (
            page.text
        )
        assert f"results-verdict-{data['verdict']} " in page.text
        table = _TableCells("scores-table")
        table.feed(page.text)
        rows = {row[0].split()[0]: row[1:] for row in table.rows if len(row) > 1}
        block_rows = [row[0] for row in table.rows if len(row) == 1]
        assert [row.split(": ")[1].split()[0] for row in block_rows] == [
            _shown(data["blocks"][kind]) for kind in ("condition", "link")
        ]
        for dimension in data["dimensions"]:
            cells = rows[dimension["code"]]
            figures = [o["score"] for o in dimension["organisations"]]
            figures += [dimension["partnership"], dimension["gap"]]
            assert len(cells) == len(figures)
            for cell, figure in zip(cells, figures, strict=True):
                if figure is None:
                    assert not any(character.isdigit() for character in cell)
                else:
                    assert cell.split()[0] == _shown(figure), dimension["code"]

    def test_the_json_download_names_partnership_and_date(self, client, demo):
        response = client.get(_export_url(demo, "json"))
        assert (
            "partnerscan-zorggroep-delta-thuiszorg-rivierland-results-"
            in (response["Content-Disposition"])
        )

    @pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
    def test_the_download_takes_the_same_queries_for_2_or_20_respondents(
        self, client, owner, assessment, fmt
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        _login(client, owner)
        beta = assessment.partnership.organisations.get(name="Beta")

        def count():
            with CaptureQueriesContext(connection) as context:
                assert client.get(_export_url(assessment, fmt)).status_code == 200
            return len(context.captured_queries)

        for organisation in (None, beta):
            answer_all(make_respondent(assessment, organisation=organisation), 4)
        small = count()
        for i in range(18):
            organisation = beta if i % 2 else None
            answer_all(make_respondent(assessment, organisation=organisation), 2)
        assert count() == small
