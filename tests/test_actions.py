"""Agreed actions beyond their pages (issue 15): carried into the follow-up, the
trend's "what was done and what changed", the one fingerprint covering them, and
their round trip through the JSON, CSV and XLSX exports."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from assessments import export_formats
from assessments.actions.writes import (
    action_change_status,
    action_delete,
    action_update,
    actions_carry,
)
from assessments.export_formats import (
    ACTION_COLUMNS,
    JOINTLY,
    actions_csv,
    export_bytes,
    restore,
)
from assessments.imports import read_table
from assessments.models import Action, ActionListing, QuestionSet
from assessments.questionsets import questionset_clone, questionset_publish
from assessments.results import build_results_context, results_json
from assessments.results.fingerprint import fingerprint
from assessments.workspace import assessment_follow_up

from .conftest import (
    download_prepared,
    make_action,
    make_assessment,
    make_partnership,
    make_respondent,
)
from .test_results import answer_level

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _scan(assessment, alfa_rs4, beta_rs4):
    """Alfa and Beta answer 3 everywhere, except RS4 at the given levels (in a
    follow-up the people copied from the first scan answer)."""
    alfa, beta = assessment.partnership.organisations.order_by("position")
    people = {r.label: r for r in assessment.respondents.all()}
    for label, org in (("Anna", alfa), ("Bert", beta), ("Ada", alfa), ("Bob", beta)):
        if label not in people:
            people[label] = make_respondent(assessment, org, label)
    answer_level(people["Anna"], 3, None)
    answer_level(people["Bert"], 3, None)
    answer_level(people["Ada"], None, {"RS4": alfa_rs4})
    answer_level(people["Bob"], None, {"RS4": beta_rs4})


def _follow_up(assessment, **extra):
    return assessment_follow_up(
        assessment=assessment,
        question_set=extra.pop("question_set", assessment.question_set),
        title="Na een jaar",
        **extra,
    )


class TestCarry:
    def test_the_follow_up_lists_the_same_actions(self, assessment):
        carried = make_action(assessment, title="Doorlopend")
        make_action(assessment, title="Niet mee")
        follow_up = _follow_up(assessment, actions=[carried])
        assert list(Action.objects.listed_under(follow_up)) == [carried]
        assert Action.objects.listed_under(assessment).count() == 2
        action_change_status(action=carried, status="done", note="", user=None)
        for scan in (assessment, follow_up):
            listed = Action.objects.listed_under(scan).get(pk=carried.pk)
            assert listed.status == "done"

    def test_carrying_twice_lists_once_and_never_across_partnerships(
        self, assessment, question_set, outsider
    ):
        action = make_action(assessment)
        follow_up = _follow_up(assessment, actions=[action])
        assert actions_carry(actions=[action], into=follow_up) == 0
        elsewhere = make_assessment(make_partnership(outsider), question_set)
        assert actions_carry(actions=[action], into=elsewhere) == 0
        assert ActionListing.objects.filter(action=action).count() == 2

    def test_deleting_removes_it_from_every_scan(self, assessment):
        action = make_action(assessment)
        follow_up = _follow_up(assessment, actions=[action])
        action_delete(action=action)
        assert not Action.objects.listed_under(follow_up).exists()
        assert not ActionListing.objects.exists()


class TestTrend:
    def test_it_says_per_dimension_what_was_done_and_what_changed(self, assessment):
        _scan(assessment, alfa_rs4=2, beta_rs4=5)  # RS4: 25 and 100
        for title in ("Contractmodel", "Geschillenregeling"):
            done = make_action(assessment, title=title, dimension="RS4")
            action_change_status(action=done, status="done", note="", user=None)
        pending = make_action(assessment, title="Evaluatie", dimension="RS4")
        make_action(assessment, title="Algemeen", jointly=True, owners=[])
        follow_up = _follow_up(assessment, actions=[pending])
        _scan(follow_up, alfa_rs4=4, beta_rs4=5)  # RS4: 75 and 100

        context = build_results_context(follow_up, "nl")
        lines = {line["code"]: line for line in context["trend"]["action_lines"]}
        rs4 = lines["RS4"]
        assert (rs4["actions_done"], rs4["actions_pending"]) == (2, 1)
        # Each organisation's RS4 is the mean of its level-3 and its RS4 respondent:
        # then Alfa 37.5, Beta 75; now Alfa 62.5, Beta 75.
        assert (rs4["score_then"], rs4["score_now"]) == (56.25, 68.75)
        assert (rs4["gap_then"], rs4["gap_now"]) == (37.5, 12.5)
        assert lines[None]["actions_pending"] == 1
        assert context["trend"]["actions_done_total"] == 2
        assert context["trend"]["method_change"] is None
        # Dimensions without actions are in the table, not in these lines.
        assert "BV1" not in lines

    def test_the_page_and_the_pdf_say_it_in_one_line(self, client, owner, assessment):
        _scan(assessment, alfa_rs4=2, beta_rs4=5)
        done = make_action(assessment, dimension="RS4")
        action_change_status(action=done, status="done", note="", user=None)
        follow_up = _follow_up(assessment)
        _scan(follow_up, alfa_rs4=4, beta_rs4=5)
        client.force_login(owner)
        page = client.get(
            reverse("assessments:assessment-results", args=[follow_up.pk])
        ).text
        line = (
            "RS4</span> Afspraken en contracten: 1 actie afgerond · score 56 → 69 · "
            "verschil 38 → 13"
        )
        assert line in " ".join(page.split())
        context = build_results_context(follow_up, "en")
        context["generated_at"] = timezone.now()
        with translation.override("en"):
            html = render_to_string("assessments/report/_trend.html", context)
        assert (
            "RS4</strong> Agreements and contracts: 1 action done · score 56 → 69 · "
            "gap 38 → 13"
        ) in " ".join(html.split())

    def test_another_question_set_version_is_said(self, assessment, question_set):
        newer = questionset_clone(question_set=question_set)
        questionset_publish(question_set=newer)
        follow_up = _follow_up(assessment, question_set=newer)
        _scan(assessment, 2, 5)
        _scan(follow_up, 4, 5)
        trend = build_results_context(follow_up, "en")["trend"]
        assert trend["method_change"] == {
            "then": question_set.version,
            "now": newer.version,
            "same_set": True,
            "name_then": question_set.name,
            "name_now": newer.name,
            "settings": [],
            "dimensions": [],
            "added": [],
            "removed": [],
        }
        data = results_json(follow_up, "en")
        assert data["trend"]["method_change"]["now"] == newer.version
        assert QuestionSet.objects.count() == 2


class TestFingerprint:
    def test_every_change_to_an_action_changes_it(self, assessment):
        empty = fingerprint(assessment)
        stamps = [empty]
        action = make_action(assessment)
        stamps.append(fingerprint(assessment))
        action_change_status(action=action, status="under_way", note="", user=None)
        stamps.append(fingerprint(assessment))
        details = {
            "title": "Anders",
            "due_on": action.due_on,
            "description": "",
            "dimension": None,
            "question": None,
            "owners": [],
            "jointly": True,
            "person": "",
        }
        action_update(action=action, **details)
        stamps.append(fingerprint(assessment))
        assert len(set(stamps)) == len(stamps)
        action_delete(action=action)
        assert fingerprint(assessment) == empty  # as it was: nothing to show

    def test_it_changes_the_day_an_action_becomes_overdue(self, assessment):
        action = make_action(assessment)
        before = fingerprint(assessment)
        # A bulk update leaves updated_at alone: only "overdue today" moves.
        Action.objects.filter(pk=action.pk).update(due_on=TODAY - timedelta(days=1))
        Action.objects.filter(pk=action.pk).update(updated_at=action.updated_at)
        assert fingerprint(assessment) != before

    def test_the_follow_up_follows_the_previous_scans_actions(self, assessment):
        follow_up = _follow_up(assessment)
        before = fingerprint(follow_up)
        make_action(assessment)  # in the previous scan: the trend counts it
        assert fingerprint(follow_up) != before


class TestExports:
    @pytest.fixture
    def actions(self, assessment):
        tricky = make_action(
            assessment,
            title="=SUM(A1:A9)",
            description="Stap 1;=cmd|' /C calc'!A0\nStap 2: -overleg",
            dimension="RS4",
            person="@Jan",
        )
        joint = make_action(
            assessment,
            title="Samen evalueren",
            jointly=True,
            owners=[],
            due_on=TODAY + timedelta(days=30),
        )
        Action.objects.filter(pk=joint.pk).update(status="under_way")
        return tricky, joint

    def test_the_json_lists_each_action(self, assessment, actions):
        data = results_json(assessment, "en")
        first, second = data["actions"]
        assert {k: first[k] for k in ("dimension", "title", "owner", "status")} == {
            "dimension": "RS4",
            "title": "=SUM(A1:A9)",
            "owner": "Alfa",
            "status": "open",
        }
        assert first["due"] == TODAY + timedelta(days=14)
        assert (second["owner"], second["jointly"], second["owners"]) == (
            "all partners together",
            True,
            [],
        )
        # Serialisable as the download does it.
        assert '"due": "' in DjangoJSONEncoder().encode(data["actions"])

    def test_the_csv_gives_back_the_texts_and_runs_no_formula(
        self, assessment, actions
    ):
        text = actions_csv(assessment).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert tuple(rows[0]) == ACTION_COLUMNS
        tricky = dict(zip(ACTION_COLUMNS, rows[1], strict=True))
        for cell in rows[1]:
            assert not cell.startswith(("=", "+", "-", "@"))
        assert restore(tricky["title"]) == "=SUM(A1:A9)"
        assert restore(tricky["description"]) == actions[0].description
        assert restore(tricky["person"]) == "@Jan"
        assert (tricky["due"], tricky["overdue"], tricky["agreed_in"]) == (
            (TODAY + timedelta(days=14)).isoformat(),
            "false",
            str(assessment.pk),
        )
        joint = dict(zip(ACTION_COLUMNS, rows[2], strict=True))
        assert (joint["owner"], joint["status"]) == (JOINTLY, "under_way")

    def test_the_xlsx_has_an_actions_sheet_and_still_imports(
        self, assessment, actions, respondent
    ):
        answer_level(respondent, 4)
        data = export_bytes(assessment, "xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        assert workbook.sheetnames == ["answers", "actions"]
        rows = [list(r) for r in workbook["actions"].iter_rows(values_only=True)]
        workbook.close()
        assert tuple(rows[0]) == ACTION_COLUMNS
        tricky = dict(zip(ACTION_COLUMNS, rows[1], strict=True))
        assert restore(tricky["title"]) == "=SUM(A1:A9)"
        assert restore(tricky["description"]) == actions[0].description
        assert tricky["due"].date() == TODAY + timedelta(days=14)
        assert tricky["overdue"] is False
        # The import reads the first sheet, the answers, as before.
        table = read_table(data)
        assert table[0][:5] == [
            "respondent",
            "organisation",
            "dimension",
            "question",
            "value",
        ]
        assert len(table) == 1 + respondent.answers.count()


@pytest.mark.slow
def test_the_workbook_the_worker_makes_has_the_actions_too(
    client, owner, assessment, respondent, monkeypatch
):
    monkeypatch.setitem(export_formats.WORKER_ROWS, "xlsx", 10)
    answer_level(respondent, 4)
    make_action(assessment, title="Uit de werker")
    client.force_login(owner)
    url = reverse("assessments:assessment-export", args=[assessment.pk, "xlsx"])
    response = download_prepared(client, url)
    data = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    titles = [row[2] for row in workbook["actions"].iter_rows(values_only=True)]
    workbook.close()
    assert titles == ["title", "Uit de werker"]
