"""The question-set JSON Schema: it agrees with the models, and its errors read well.

Issue 12, point 7: the structure of a question-set file is checked by
`assessments/data/questionset.schema.json`; Python keeps the rules that compare
values, and a value the file leaves out gets the model field's default.
"""

import json

import pytest
from django.utils import translation
from jsonschema import Draft202012Validator

from assessments.models import (
    GUIDANCE_MAX,
    NAME_MAX,
    STATEMENT_MAX,
    VERSION_MAX,
    WEIGHT_MAX,
    Dimension,
    Question,
    QuestionSet,
)
from assessments.questionsets import (
    questionset_import,
    questionset_parse,
    validate_questionset_data,
)
from assessments.questionsets.validation import load_schema

from .conftest import questionset_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _at(pointer):
    """The schema node at a JSON pointer such as `/$defs/question`."""
    node = load_schema()
    for key in pointer.strip("/").split("/"):
        node = node[key]
    return node


def _max_length(model, field):
    return model._meta.get_field(field).max_length


class TestTheSchemaFile:
    def test_it_is_a_valid_draft_2020_12_schema(self):
        schema = load_schema()
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)

    @pytest.mark.parametrize(
        "pointer, expected",
        [
            ("/properties/name/maxLength", _max_length(QuestionSet, "name")),
            ("/properties/slug/maxLength", _max_length(QuestionSet, "slug")),
            (
                "/properties/description/properties/nl/maxLength",
                _max_length(QuestionSet, "description_nl"),
            ),
            (
                "/$defs/dimension/properties/code/maxLength",
                _max_length(Dimension, "code"),
            ),
            (
                "/$defs/question/properties/code/maxLength",
                _max_length(Question, "code"),
            ),
            ("/$defs/bilingualName/properties/en/maxLength", NAME_MAX),
            ("/$defs/bilingualGuidance/properties/en/maxLength", GUIDANCE_MAX),
            ("/$defs/bilingualStatement/properties/en/maxLength", STATEMENT_MAX),
            ("/$defs/weight/maximum", WEIGHT_MAX),
            ("/$defs/weight/exclusiveMinimum", 0),
            ("/$defs/blockWeight/maximum", WEIGHT_MAX),
            ("/properties/version/maximum", VERSION_MAX),
            ("/$defs/dimension/properties/kind/enum", Dimension.Kind.values),
        ],
    )
    def test_its_limits_are_the_models(self, pointer, expected):
        assert _at(pointer) == expected

    def test_the_bilingual_texts_have_the_model_fields_lengths(self):
        fields = {
            "bilingualName": (Dimension, "name"),
            "bilingualGuidance": (Dimension, "advice_red"),
            "bilingualStatement": (Question, "text"),
        }
        for definition, (model, field) in fields.items():
            for lang in ("nl", "en"):
                limit = _at(f"/$defs/{definition}/properties/{lang}/maxLength")
                assert limit == _max_length(model, f"{field}_{lang}")

    def test_every_keyword_that_can_fail_has_a_message(self):
        """A new keyword in the schema needs its sentence in validation.py."""

        def keywords(node):
            if isinstance(node, dict):
                yield from node
                for value in node.values():
                    yield from keywords(value)
            elif isinstance(node, list):
                for value in node:
                    yield from keywords(value)

        assertions = set(keywords(load_schema())) & set(Draft202012Validator.VALIDATORS)
        assert assertions == {
            "$ref",
            "type",
            "required",
            "properties",
            "items",
            "enum",
            "not",
            "pattern",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minimum",
            "exclusiveMinimum",
            "maximum",
        }

    @pytest.mark.parametrize(
        "path, value",
        [
            (("name",), "x" * 201),
            (("slug",), "a b"),
            (("version",), 0),
            (("min_coverage",), 1.5),
            (("thresholds", "gap_attention"), 0),
            (("dimensions", 0, "kind"), "zipper"),
            (("dimensions", 0, "weight"), 0),
            (("dimensions", 0, "advice"), {"red": {"nl": "x", "en": "y"}}),
            (("dimensions", 0, "questions"), []),
            (("dimensions", 0, "questions", 0, "text", "nl"), "a\x00b"),
            (("dimensions", 0, "questions", 0, "text", "en"), " "),
            (("dimensions", 0, "questions", 0, "reverse"), "yes"),
        ],
    )
    def test_an_editor_with_the_linked_file_finds_what_the_import_finds(
        self, path, value
    ):
        """The file as published (with its references) refuses what we refuse."""
        data = questionset_data()
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        editor = Draft202012Validator(load_schema())
        assert editor.is_valid(questionset_data())
        assert not editor.is_valid(data)
        assert validate_questionset_data(data)


def _set(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


class TestMessages:
    def test_each_problem_is_named_with_its_json_path(self):
        data = questionset_data()
        _set(data, ("dimensions", 2, "questions", 0, "weight"), 0)
        _set(data, ("dimensions", 4, "advice", "red", "en"), "")
        _set(data, ("thresholds", "green"), 140)
        _set(data, ("thresholds", "amber"), 90)
        errors = validate_questionset_data(data)
        assert errors == [
            '"thresholds.green" must be a number between 0 and 100, not 140.',
            "dimensions[2].questions[0].weight: Question BV3.1 weight must be a "
            "number above 0 and at most 100, not 0.",
            'dimensions[4].advice.red.en: Dimension BV5 advice red "en" is missing.',
        ], errors
        # Green back in range: the rule that compares it with amber has its say.
        _set(data, ("thresholds", "green"), 80)
        assert 'Threshold "amber" must be below "green".' in (
            validate_questionset_data(data)
        )

    def test_the_messages_are_dutch_in_dutch(self):
        data = _set(questionset_data(), ("dimensions", 0, "questions", 0, "code"), [])
        with translation.override("nl"):
            errors = validate_questionset_data(data)
        assert errors == [
            "dimensions[0].questions[0].code: Vraag BV1#1 code moet tekst zijn, "
            "niet een lijst."
        ]

    def test_a_missing_key_is_named_by_its_own_path(self):
        data = questionset_data()
        del data["dimensions"][1]["name"]["nl"]
        assert validate_questionset_data(data) == [
            'dimensions[1].name.nl: Dimension BV2 name "nl" is missing.'
        ]

    def test_a_list_over_its_cap_is_reported_once_without_reading_it(self):
        data = questionset_data()
        data["dimensions"][0]["questions"] = [{"code": "X"}] * 100_000
        assert validate_questionset_data(data) == [
            "dimensions[0].questions: Dimension BV1 has more than 100 questions."
        ]

    @pytest.mark.parametrize(
        "raw, field",
        [
            ('"weight": NaN', "weight"),
            ('"weight": Infinity', "weight"),
            ('"weight": -Infinity', "weight"),
        ],
    )
    def test_numbers_that_json_allows_but_scoring_cannot_use_are_refused(
        self, raw, field
    ):
        text = json.dumps(questionset_data()).replace('"weight": 1', raw, 1)
        errors = validate_questionset_data(questionset_parse(text))
        assert len(errors) == 1 and field in errors[0], errors

    def test_a_version_written_as_a_decimal_is_refused(self):
        errors = validate_questionset_data(_set(questionset_data(), ("version",), 2.0))
        assert errors == [
            '"version" must be a whole number between 1 and 1,000,000, not 2.0.'
        ]

    def test_a_slug_ending_in_a_line_break_is_refused(self):
        # An anchored pattern would let it through: in Python `$` matches before it.
        errors = validate_questionset_data(_set(questionset_data(), ("slug",), "a\n"))
        assert len(errors) == 1 and errors[0].startswith('"slug" may only hold')

    def test_a_value_nested_thousands_deep_gives_a_message(self):
        deep = []
        for _ in range(5000):
            deep = [deep]
        data = _set(questionset_data(), ("dimensions", 0, "kind"), deep)
        assert validate_questionset_data(data) == [
            "This is not a valid JSON file: it is nested too deeply"
        ]


@pytest.mark.usefixtures("no_question_set")  # they import the shipped set's data
class TestDefaults:
    def test_values_left_out_get_the_model_fields_defaults(self):
        data = questionset_data()
        for key in ("min_coverage", "condition_weight", "link_weight", "thresholds"):
            del data[key]
        for dim in data["dimensions"]:
            dim.pop("weight")
            for question in dim["questions"]:
                question.pop("weight"), question.pop("reverse")
        question_set = questionset_import(data=data)
        for field in (
            "min_coverage",
            "condition_weight",
            "link_weight",
            "green_threshold",
            "amber_threshold",
            "gap_attention",
            "gap_significant",
        ):
            default = QuestionSet._meta.get_field(field).default
            assert getattr(question_set, field) == default, field
        assert set(question_set.dimensions.values_list("weight", flat=True)) == {
            Dimension._meta.get_field("weight").default
        }
        questions = Question.objects.filter(dimension__question_set=question_set)
        assert set(questions.values_list("weight", "reverse")) == {
            (
                Question._meta.get_field("weight").default,
                Question._meta.get_field("reverse").default,
            )
        }

    def test_the_defaults_are_read_from_the_model_not_repeated(self, monkeypatch):
        monkeypatch.setattr(QuestionSet._meta.get_field("min_coverage"), "default", 0.5)
        monkeypatch.setattr(
            QuestionSet._meta.get_field("green_threshold"), "default", 20
        )
        data = questionset_data()
        del data["min_coverage"], data["thresholds"]
        # The default green of 20 is below the default amber of 50: the rule that
        # compares them sees the defaults the import would store.
        assert validate_questionset_data(data) == [
            'Threshold "amber" must be below "green".'
        ]
        data["thresholds"] = {"amber": 10}
        question_set = questionset_import(data=data)
        assert (question_set.min_coverage, question_set.green_threshold) == (0.5, 20)
