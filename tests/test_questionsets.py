"""Question sets: the shipped default, versioning, and JSON import/export."""

import json

import pytest
from django.utils import translation

from assessments.models import Answer, Dimension, Question, QuestionSet
from assessments.questionsets import (
    QuestionSetFormatError,
    questionset_clone,
    questionset_import,
    questionset_install_default,
    questionset_to_dict,
    validate_questionset_data,
)

from .conftest import answer_all, make_respondent, questionset_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; the Dutch catalogue is checked in test_i18n.
    with translation.override("en"):
        yield


class TestDefaultSet:
    def test_it_has_5_basisvoorwaarden_and_9_ritsschakels(self, question_set):
        kinds = list(question_set.dimensions.values_list("kind", flat=True))
        assert kinds.count(Dimension.Kind.CONDITION) == 5
        assert kinds.count(Dimension.Kind.LINK) == 9
        codes = set(question_set.dimensions.values_list("code", flat=True))
        assert codes == {f"BV{i}" for i in range(1, 6)} | {
            f"RS{i}" for i in range(1, 10)
        }

    def test_every_dimension_has_at_least_4_statements_in_both_languages(
        self, question_set
    ):
        for dimension in question_set.dimensions.prefetch_related("questions"):
            questions = list(dimension.questions.all())
            assert len(questions) >= 4, dimension.code
            for q in questions:
                assert q.text_nl.strip() and q.text_en.strip()
                assert q.text_nl != q.text_en
            for band in ("red", "amber", "green"):
                assert dimension.advice(band, "nl") != dimension.advice(band, "en")

    def test_it_includes_reverse_scored_statements(self, question_set):
        reverse = Question.objects.filter(
            dimension__question_set=question_set, reverse=True
        )
        assert reverse.count() >= 5

    def test_it_is_published_and_installed_once(self, question_set):
        assert question_set.status == QuestionSet.Status.PUBLISHED
        again, created = questionset_install_default()
        assert again == question_set and not created
        assert QuestionSet.objects.count() == 1

    def test_the_shipped_file_passes_validation(self):
        assert validate_questionset_data(questionset_data()) == []


class TestVersioning:
    def test_a_published_set_without_assessments_is_not_locked(self, question_set):
        assert not question_set.is_locked

    def test_a_published_set_in_use_is_locked(self, question_set, assessment):
        assert question_set.is_locked

    def test_a_retired_set_is_locked(self, question_set):
        question_set.status = QuestionSet.Status.RETIRED
        question_set.save()
        assert question_set.is_locked

    def test_clone_makes_a_deep_draft_copy_with_the_next_version(self, question_set):
        clone = questionset_clone(question_set=question_set)
        assert clone.status == QuestionSet.Status.DRAFT
        assert clone.version == question_set.version + 1
        assert clone.slug == question_set.slug
        original = questionset_to_dict(question_set)
        copied = questionset_to_dict(clone)
        for key in ("version", "status"):
            original.pop(key), copied.pop(key)
        assert copied == original
        # Really copied: no row shared with the original.
        assert not clone.dimensions.filter(
            pk__in=question_set.dimensions.all()
        ).exists()

    def test_editing_the_clone_leaves_existing_answers_untouched(
        self, question_set, assessment
    ):
        respondent = make_respondent(assessment)
        answer_all(respondent, value=2)
        before = list(
            Answer.objects.filter(respondent=respondent).values_list(
                "question__code", "question__text_nl", "question__reverse", "value"
            )
        )
        clone = questionset_clone(question_set=question_set)
        Question.objects.filter(dimension__question_set=clone).update(
            text_nl="Gewijzigd", reverse=True, weight=3
        )
        clone.dimensions.update(weight=5)
        after = list(
            Answer.objects.filter(respondent=respondent).values_list(
                "question__code", "question__text_nl", "question__reverse", "value"
            )
        )
        assert after == before
        assert assessment.question_set_id == question_set.pk


class TestJsonRoundTrip:
    def test_export_then_import_gives_the_same_set(self, question_set):
        exported = questionset_to_dict(question_set)
        exported["version"] = 7
        imported = questionset_import(data=json.loads(json.dumps(exported)))
        again = questionset_to_dict(imported)
        assert again.pop("status") == "draft"
        exported.pop("status")
        assert again == exported

    def test_the_file_format_matches_the_documented_keys(self, question_set):
        data = questionset_to_dict(question_set)
        for key in (
            "name",
            "slug",
            "version",
            "min_coverage",
            "condition_weight",
            "link_weight",
            "thresholds",
            "dimensions",
        ):
            assert key in data
        dim = data["dimensions"][0]
        assert set(dim) >= {
            "code",
            "kind",
            "name",
            "description",
            "weight",
            "advice",
            "questions",
        }
        assert set(dim["advice"]) == {"red", "amber", "green"}
        assert set(dim["questions"][0]) >= {"code", "text", "weight", "reverse"}


def _without(data, code):
    data["dimensions"] = [d for d in data["dimensions"] if d["code"] != code]
    return data


class TestBrokenImports:
    @pytest.mark.parametrize(
        ("mutate", "message"),
        [
            (lambda d: _without(d, "RS4"), "RS4 is missing"),
            (lambda d: d["dimensions"][0].update(kind="zipper"), "kind must be"),
            (
                lambda d: d["dimensions"][0].update(kind="link"),
                'must have kind "condition"',
            ),
            (lambda d: d.update(min_coverage=1.5), "min_coverage"),
            (lambda d: d["thresholds"].update(green=140), "between 0 and 100"),
            (lambda d: d["thresholds"].update(amber=90), 'below "green"'),
            (
                lambda d: d["dimensions"][1].update(code="BV1"),
                "Duplicate dimension code BV1",
            ),
            (
                lambda d: d["dimensions"][2]["questions"][1].update(
                    code=d["dimensions"][2]["questions"][0]["code"]
                ),
                "Duplicate question code",
            ),
            (
                lambda d: d["dimensions"][0]["questions"][0].update(weight=-1),
                "weight must be",
            ),
            (
                lambda d: d["dimensions"][0]["questions"][0]["text"].pop("en"),
                '"en" is missing',
            ),
            (lambda d: d["dimensions"][0]["advice"].pop("amber"), "advice amber"),
            (lambda d: d["dimensions"][3].update(questions=[]), "has no questions"),
            (lambda d: d.pop("slug"), '"slug" is missing'),
            (lambda d: d.update(name="x" * 201), '"name" is longer than 200'),
            (
                lambda d: d["dimensions"][0]["questions"][0]["text"].update(
                    nl="x" * 1001
                ),
                '"nl" is 1001 characters long; at most 1000',
            ),
            (
                lambda d: d["dimensions"][4]["advice"]["red"].update(en="x" * 4001),
                "at most 4000",
            ),
            (
                lambda d: d["dimensions"][0]["name"].update(en="x" * 201),
                "at most 200",
            ),
        ],
    )
    def test_a_bad_file_is_refused_with_its_problem_named_and_changes_nothing(
        self, mutate, message, no_question_set
    ):
        data = questionset_data()
        mutate(data)
        with pytest.raises(QuestionSetFormatError) as excinfo:
            questionset_import(data=data)
        assert any(message in error for error in excinfo.value.errors), (
            excinfo.value.errors
        )
        assert not QuestionSet.objects.exists()
        assert not Dimension.objects.exists()

    def test_an_existing_version_is_refused(self, question_set):
        with pytest.raises(QuestionSetFormatError, match="already exists"):
            questionset_import(data=questionset_data())
        assert QuestionSet.objects.count() == 1

    def test_not_an_object_is_refused(self):
        with pytest.raises(QuestionSetFormatError):
            questionset_import(data=[1, 2, 3])
