"""Question-set numbers stay in sane ranges and hostile JSON gets messages, not 500s.

Issue 11, section 6: weights of 1e308 made every page of a scan crash for good (the
set locks once used); deep nesting, huge integers and lists where objects belong gave
500s in the admin import; an unvalidated slug reached the download header.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from assessments.models import Dimension, Question, QuestionSet
from assessments.questionsets import (
    QuestionSetFormatError,
    questionset_import,
    questionset_parse,
    validate_questionset_data,
)

from .conftest import make_user, questionset_data
from .html_forms import form_data, post_forms

pytestmark = pytest.mark.django_db


def _change_form(html):
    """An admin page's own form (the header's log-out form is a POST form too)."""
    return next(form for form in post_forms(html) if "logout" not in form["action"])


def _with(change):
    data = questionset_data()
    change(data)
    return data


def _set(path, value):
    """A change that puts `value` at `path` (keys and list indexes) of the data."""

    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


Q1 = ("dimensions", 0, "questions", 0)

OUT_OF_RANGE = {
    "question weight 1e308": (_set((*Q1, "weight"), 1e308), "weight"),
    "question weight 101": (_set((*Q1, "weight"), 101), "weight"),
    "question weight 0": (_set((*Q1, "weight"), 0), "weight"),
    "question weight 10**400": (_set((*Q1, "weight"), 10**400), "weight"),
    "dimension weight 1e308": (_set(("dimensions", 0, "weight"), 1e308), "weight"),
    "block weight 1e308": (_set(("condition_weight",), 1e308), "condition_weight"),
    "block weight -1": (_set(("link_weight",), -1), "link_weight"),
    "min_coverage 0": (_set(("min_coverage",), 0), "min_coverage"),
    "min_coverage 2": (_set(("min_coverage",), 2), "min_coverage"),
    "green 1e308": (_set(("thresholds", "green"), 1e308), "green"),
    "version 10**30": (_set(("version",), 10**30), "version"),
    "version 2**31": (_set(("version",), 2**31), "version"),
}

HOSTILE = {
    "weight as text": (_set((*Q1, "weight"), "1"), "weight"),
    "dimension as a list": (_set(("dimensions", 0), []), "Dimension 1"),
    "dimension code as an object": (_set(("dimensions", 0, "code"), {}), "code"),
    "question code as a list": (_set((*Q1, "code"), [1]), "code"),
    "name as a list": (_set(("name",), ["x"]), '"name"'),
    "thresholds as a list": (_set(("thresholds",), [75]), '"thresholds"'),
    "advice as a list": (_set(("dimensions", 0, "advice"), []), "advice"),
    "text as a number": (_set((*Q1, "text"), 5), "BV1.1"),
    "questions as an object": (_set(("dimensions", 0, "questions"), {}), "questions"),
    "slug with a line break": (
        _set(("slug",), "x\r\nContent-Type: text/html"),
        '"slug"',
    ),
    "slug with a quote": (_set(("slug",), 'a"; filename="evil.exe'), '"slug"'),
    "NUL in a statement": (_set((*Q1, "text", "nl"), "a\x00b"), "control"),
    "overlong question code": (_set((*Q1, "code"), "Q" * 21), "code"),
    "overlong dimension code": (_set(("dimensions", 0, "code"), "D" * 11), "code"),
    "too many questions": (
        _set(("dimensions", 0, "questions"), [{"code": f"X{i}"} for i in range(101)]),
        "100",
    ),
    "too many dimensions": (_set(("dimensions",), [{}] * 51), "50"),
}


class TestValidation:
    @pytest.fixture(autouse=True)
    def _english(self):
        with translation.override("en"):
            yield

    @pytest.mark.parametrize("case", OUT_OF_RANGE)
    def test_out_of_range_numbers_are_refused_with_the_field_named(self, case):
        change, field = OUT_OF_RANGE[case]
        errors = validate_questionset_data(_with(change))
        assert errors and any(field in error for error in errors), errors

    @pytest.mark.parametrize("case", HOSTILE)
    def test_hostile_structures_give_messages_not_exceptions(
        self, case, no_question_set
    ):
        change, field = HOSTILE[case]
        errors = validate_questionset_data(_with(change))
        assert errors and any(field in error for error in errors), errors
        with pytest.raises(QuestionSetFormatError):
            questionset_import(data=_with(change))
        assert not QuestionSet.objects.exists()

    def test_the_edges_of_the_ranges_are_accepted(self):
        data = questionset_data()
        data["dimensions"][0]["questions"][0]["weight"] = 100
        data["dimensions"][0]["weight"] = 0.001
        data["min_coverage"] = 1
        data["condition_weight"], data["link_weight"] = 0, 100
        data["version"] = 1_000_000
        assert validate_questionset_data(data) == []

    @pytest.mark.parametrize(
        "raw",
        [
            b"[" * 100_000 + b"]" * 100_000,
            b'{"version": ' + b"9" * 5000 + b"}",
            b"\xff\xfe{}",
            b"{not json",
        ],
        ids=["deep nesting", "5000 digits", "not UTF-8", "broken"],
    )
    def test_unreadable_json_is_a_format_error(self, raw):
        with pytest.raises(QuestionSetFormatError) as excinfo:
            questionset_parse(raw)
        assert excinfo.value.errors


class TestDatabase:
    """The named constraints hold whatever path writes (PostgreSQL and SQLite)."""

    @pytest.mark.parametrize("weight", [0, -1, 100.5, 1e308, float("inf")])
    def test_question_and_dimension_weights_are_bounded(self, question_set, weight):
        question = Question.objects.filter(dimension__question_set=question_set)[0]
        for model, pk in ((Question, question.pk), (Dimension, question.dimension_id)):
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=pk).update(weight=weight)

    @pytest.mark.parametrize(
        "field, value",
        [
            ("min_coverage", 0),
            ("condition_weight", 1e308),
            ("link_weight", 101),
            ("green_threshold", 1e308),
            ("gap_significant", 1e308),
        ],
    )
    def test_set_values_are_bounded(self, question_set, field, value):
        with pytest.raises(IntegrityError), transaction.atomic():
            QuestionSet.objects.filter(pk=question_set.pk).update(**{field: value})

    def test_model_validation_names_the_field(self, question_set):
        question = Question.objects.filter(dimension__question_set=question_set)[0]
        question.weight = 1e308
        with pytest.raises(ValidationError) as excinfo:
            question.full_clean()
        assert "weight" in excinfo.value.message_dict


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def _upload(admin_client, raw):
    return admin_client.post(
        reverse("admin:assessments_questionset_import"),
        {"file": SimpleUploadedFile("set.json", raw, "application/json")},
    )


class TestAdmin:
    @pytest.mark.parametrize("case", [*OUT_OF_RANGE, *HOSTILE])
    def test_the_import_names_the_problem_instead_of_a_500(
        self, admin_client, case, no_question_set
    ):
        change = {**OUT_OF_RANGE, **HOSTILE}[case][0]
        response = _upload(admin_client, json.dumps(_with(change)).encode())
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert not QuestionSet.objects.exists()

    @pytest.mark.parametrize(
        "raw",
        [b"[" * 100_000 + b"]" * 100_000, b'{"version": ' + b"9" * 5000 + b"}"],
        ids=["deep nesting", "5000 digits"],
    )
    def test_unreadable_json_is_named_instead_of_a_500(self, admin_client, raw):
        response = _upload(admin_client, raw)
        assert response.status_code == 200
        assert "JSON" in str(response.context["form"].errors["file"])

    def test_a_weight_out_of_range_is_refused_in_the_question_admin(
        self, admin_client, question_set
    ):
        QuestionSet.objects.filter(pk=question_set.pk).update(status="draft")
        question = Question.objects.filter(dimension__question_set=question_set)[0]
        url = reverse("admin:assessments_question_change", args=[question.pk])
        form = _change_form(admin_client.get(url).text)
        response = admin_client.post(url, form_data(form, weight="1e308"))
        assert response.status_code == 200
        assert "weight" in response.context["adminform"].form.errors
        question.refresh_from_db()
        assert question.weight == 1

    def test_the_scoring_values_are_checked_in_the_set_admin(
        self, admin_client, question_set
    ):
        QuestionSet.objects.filter(pk=question_set.pk).update(status="draft")
        url = reverse("admin:assessments_questionset_change", args=[question_set.pk])
        form = _change_form(admin_client.get(url).text)
        data = form_data(form, min_coverage="0", condition_weight="1e308")
        response = admin_client.post(url, data)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert {"min_coverage", "condition_weight"} <= set(errors)

    def test_the_export_header_cannot_be_injected(self, admin_client, question_set):
        # A slug stored before slugs were validated.
        QuestionSet.objects.filter(pk=question_set.pk).update(
            slug='x"\r\nSet-Cookie: a=b; filename="evil.exe'
        )
        url = reverse("admin:assessments_questionset_export", args=[question_set.pk])
        response = admin_client.get(url)
        header = response["Content-Disposition"]
        assert "\r" not in header and "\n" not in header
        assert (
            header == 'attachment; filename="x-set-cookie-ab-filenameevilexe-v2.json"'
        )


class TestCommand:
    @pytest.mark.parametrize("case", ["question weight 1e308", "dimension as a list"])
    def test_the_command_names_the_problem(self, tmp_path, case, no_question_set):
        change = {**OUT_OF_RANGE, **HOSTILE}[case][0]
        target = tmp_path / "set.json"
        target.write_text(json.dumps(_with(change)))
        with pytest.raises(CommandError, match="nothing changed"):
            call_command("import_questionset", str(target), lang="en")
        assert not QuestionSet.objects.exists()

    def test_deep_nesting_is_refused_with_a_message(self, tmp_path):
        target = tmp_path / "set.json"
        target.write_bytes(b"[" * 100_000 + b"]" * 100_000)
        with pytest.raises(CommandError, match="JSON"):
            call_command("import_questionset", str(target), lang="en")
