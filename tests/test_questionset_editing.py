"""The editor's services (questionsets/editing.py): codes stay, order changes,
locked sets refuse, and a Dutch text changed after its English one is flagged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Dimension, Question
from assessments.questionsets import questionset_clone
from assessments.questionsets.editing import (
    QuestionSetLocked,
    dimension_add,
    dimension_move,
    dimension_remove,
    english_outdated,
    question_add,
    question_move,
    question_remove,
    questionset_update,
)

from .conftest import make_assessment, make_partnership, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(question_set):
    return questionset_clone(question_set=question_set)


def _dimension(question_set, code):
    return question_set.dimensions.get(code=code)


def _codes(dimension):
    return list(dimension.questions.order_by("position").values_list("code", flat=True))


def test_a_new_statement_gets_the_next_free_code_of_its_dimension(draft):
    rs4 = _dimension(draft, "RS4")
    before = _codes(rs4)
    question = question_add(dimension=rs4)
    assert question.code == f"RS4.{len(before) + 1}"
    assert _codes(rs4) == [*before, question.code]


def test_a_code_of_an_earlier_version_is_not_reused(draft, question_set):
    rs4 = _dimension(draft, "RS4")
    last = rs4.questions.order_by("-position").first()
    question_remove(question=last)  # still in the published version
    assert question_add(dimension=rs4).code != last.code


def test_moving_a_statement_keeps_every_code(draft):
    bv1 = _dimension(draft, "BV1")
    first, second, *rest = _codes(bv1)
    question_move(question=bv1.questions.get(code=second), offset=-1)
    assert _codes(bv1) == [second, first, *rest]
    question_move(question=bv1.questions.get(code=second), offset=-1)  # at the top
    assert _codes(bv1) == [second, first, *rest]


def test_dimensions_move_and_new_ones_take_a_missing_standard_code(draft):
    codes = lambda: list(  # noqa: E731
        draft.dimensions.order_by("position").values_list("code", flat=True)
    )
    start = codes()
    dimension_move(dimension=_dimension(draft, "BV2"), offset=1)
    assert codes()[:3] == ["BV1", "BV3", "BV2"]
    dimension_remove(dimension=_dimension(draft, "RS3"))
    assert "RS3" not in codes()
    added = dimension_add(question_set=draft, kind=Dimension.Kind.LINK)
    assert added.code == "RS3" and codes()[-1] == "RS3"
    extra = dimension_add(question_set=draft, kind=Dimension.Kind.CONDITION)
    assert extra.code == "BV6"
    assert codes().index("BV6") == 5  # after the last basic condition
    assert len(codes()) == len(start) + 1


def test_locked_sets_refuse_every_write(question_set):
    make_assessment(make_partnership(make_user("o")), question_set)
    bv1 = _dimension(question_set, "BV1")
    question = bv1.questions.first()
    for write in (
        lambda: question_add(dimension=bv1),
        lambda: question_move(question=question, offset=1),
        lambda: question_remove(question=question),
        lambda: dimension_remove(dimension=bv1),
        lambda: questionset_update(
            question_set=question_set,
            settings={"name": "Other"},
            dimensions={},
            questions={},
        ),
    ):
        with pytest.raises(QuestionSetLocked):
            write()
    assert Question.objects.filter(pk=question.pk).exists()
    question_set.refresh_from_db()
    assert question_set.name != "Other"


def test_a_dutch_text_changed_after_its_english_is_flagged_until_the_english_changes(
    draft,
):
    question = _dimension(draft, "BV1").questions.first()
    assert english_outdated(question) == []

    def update(**values):
        questionset_update(
            question_set=draft,
            settings={},
            dimensions={},
            questions={question.pk: values},
        )
        question.refresh_from_db()

    update(text_nl="Nieuwe Nederlandse tekst.", text_en=question.text_en)
    assert english_outdated(question) == ["text"]
    update(text_nl="Nieuwe Nederlandse tekst.", text_en="A new English text.")
    assert english_outdated(question) == []
    # Both changed in one save: neither is older.
    update(text_nl="Weer anders.", text_en="Different again.")
    assert english_outdated(question) == []


def test_ticking_the_english_still_fits_clears_the_flag(draft):
    question = _dimension(draft, "BV1").questions.first()
    earlier = (timezone.now() - timedelta(minutes=5)).isoformat()
    question.texts_changed_at = {
        "text_nl": timezone.now().isoformat(),
        "text_en": earlier,
    }
    question.save()
    assert english_outdated(question) == ["text"]
    questionset_update(
        question_set=draft,
        settings={},
        dimensions={},
        questions={},
        english_checked=frozenset({("question", question.pk, "text")}),
    )
    question.refresh_from_db()
    assert english_outdated(question) == []


def test_values_of_another_sets_objects_are_ignored(draft, question_set):
    other = _dimension(question_set, "BV1").questions.first()
    questionset_update(
        question_set=draft,
        settings={},
        dimensions={},
        questions={other.pk: {"text_nl": "Gekaapt"}},
    )
    other.refresh_from_db()
    assert other.text_nl != "Gekaapt"
