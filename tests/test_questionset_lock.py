"""A question set in use never changes, whatever admin page or form writes to it.

Issue 11, section 6: adding a statement to, or moving one into, a dimension of a
locked set went through the question admin; historic results changed and duplicate
codes made cloning fail. The lock lives in `QuestionSetQuerySet.locked`; the models'
`clean()` and the admin's permissions and choices all ask it.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Dimension, Question, QuestionSet
from assessments.questionsets import questionset_clone, questionset_import

from .conftest import make_user, questionset_data
from .html_forms import form_data, post_forms

pytestmark = pytest.mark.django_db


def _change_form(html):
    """An admin page's own form (the header's log-out form is a POST form too)."""
    return next(form for form in post_forms(html) if "logout" not in form["action"])


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def locked(question_set, assessment):
    """The default set, pinned by a scan."""
    assert question_set.is_locked
    return question_set


@pytest.fixture
def draft(db):
    data = questionset_data()
    data["slug"] = "experiment"
    return questionset_import(data=data)


def _question(question_set, code="BV1.1"):
    return Question.objects.get(dimension__question_set=question_set, code=code)


def _dimension(question_set, code="BV1"):
    return Dimension.objects.get(question_set=question_set, code=code)


def _admin_form(admin_client, url, **overrides):
    """The admin page's form as a browser would post it, with `overrides`."""
    page = admin_client.get(url)
    assert page.status_code == 200
    return form_data(_change_form(page.text), **overrides)


def _snapshot(question_set):
    return sorted(
        Question.objects.filter(dimension__question_set=question_set).values_list(
            "code", "dimension__code", "text_nl", "weight"
        )
    )


class TestTheRule:
    def test_drafts_and_unused_published_sets_are_editable(self, question_set, draft):
        assert set(QuestionSet.objects.editable()) == {question_set, draft}
        assert not QuestionSet.objects.locked().exists()

    def test_used_and_retired_sets_are_locked(self, locked, draft):
        draft.status = QuestionSet.Status.RETIRED
        draft.save()
        assert set(QuestionSet.objects.locked()) == {locked, draft}
        assert not QuestionSet.objects.editable().exists()

    def test_a_statement_cannot_join_a_locked_dimension(self, locked):
        question = Question(
            dimension=_dimension(locked), code="BV1.99", text_nl="x", text_en="x"
        )
        with pytest.raises(ValidationError) as excinfo:
            question.full_clean()
        codes = [e.code for errors in excinfo.value.error_dict.values() for e in errors]
        assert "locked" in codes

    def test_a_statement_cannot_move_into_or_out_of_a_locked_set(self, locked, draft):
        into = _question(draft)
        into.dimension = _dimension(locked, "BV2")
        out = _question(locked)
        out.dimension = _dimension(draft, "BV2")
        for question in (into, out):
            with pytest.raises(ValidationError):
                question.full_clean()

    def test_a_dimension_of_a_locked_set_cannot_change(self, locked):
        dimension = _dimension(locked)
        dimension.weight = 2
        with pytest.raises(ValidationError):
            dimension.full_clean()

    def test_a_code_is_unique_in_the_whole_set(self, draft):
        question = Question(
            dimension=_dimension(draft, "BV2"),
            code="BV1.1",
            text_nl="x",
            text_en="x",
        )
        with pytest.raises(ValidationError) as excinfo:
            question.full_clean()
        assert "code" in excinfo.value.message_dict

    def test_editing_a_draft_statement_stays_possible(self, draft):
        question = _question(draft)
        question.text_nl = "Nieuwe tekst"
        question.full_clean()


class TestQuestionAdmin:
    def test_adding_a_statement_to_a_locked_dimension_is_refused(
        self, admin_client, locked, draft
    ):
        url = reverse("admin:assessments_question_add")
        before = _snapshot(locked)
        data = _admin_form(
            admin_client,
            url,
            dimension=str(_dimension(locked).pk),
            code="BV1.99",
            text_nl="Nieuw",
            text_en="New",
            weight="1",
        )
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert "dimension" in response.context["adminform"].form.errors
        assert _snapshot(locked) == before
        choices = response.context["adminform"].form.fields["dimension"].queryset
        assert not choices.filter(question_set=locked).exists()
        assert choices.filter(question_set=draft).exists()

    def test_moving_a_statement_into_a_locked_dimension_is_refused(
        self, admin_client, locked, draft
    ):
        question = _question(draft)
        url = reverse("admin:assessments_question_change", args=[question.pk])
        before = _snapshot(locked)
        data = _admin_form(
            admin_client, url, dimension=str(_dimension(locked, "BV2").pk)
        )
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert _snapshot(locked) == before
        question.refresh_from_db()
        assert question.dimension.question_set == draft

    def test_a_statement_of_a_locked_set_is_read_only(self, admin_client, locked):
        question = _question(locked)
        url = reverse("admin:assessments_question_change", args=[question.pk])
        assert not admin_client.get(url).context["has_change_permission"]
        assert admin_client.post(url, {"text_nl": "Gehackt"}).status_code == 403
        delete = reverse("admin:assessments_question_delete", args=[question.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        assert _question(locked).text_nl != "Gehackt"

    def test_the_delete_action_leaves_a_locked_set_alone(self, admin_client, locked):
        before = _snapshot(locked)
        ids = [str(_question(locked).pk), str(_question(locked, "BV1.2").pk)]
        admin_client.post(
            reverse("admin:assessments_question_changelist"),
            {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        )
        assert _snapshot(locked) == before

    def test_a_duplicate_code_in_a_draft_is_refused(self, admin_client, draft):
        question = _question(draft, "BV2.1")
        url = reverse("admin:assessments_question_change", args=[question.pk])
        response = admin_client.post(url, _admin_form(admin_client, url, code="BV1.1"))
        assert response.status_code == 200
        assert "code" in response.context["adminform"].form.errors
        # The draft still copies: the refused change left it whole.
        assert questionset_clone(question_set=draft).version == draft.version + 1


class TestDimensionAdmin:
    def test_a_statement_added_inline_to_a_locked_dimension_is_refused(
        self, admin_client, locked
    ):
        dimension = _dimension(locked)
        url = reverse("admin:assessments_dimension_change", args=[dimension.pk])
        assert not admin_client.get(url).context["has_change_permission"]
        before = _snapshot(locked)
        data = {
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-code": "BV1.99",
            "questions-0-text_nl": "Nieuw",
            "questions-0-text_en": "New",
            "questions-0-weight": "1",
        }
        assert admin_client.post(url, data).status_code == 403
        assert _snapshot(locked) == before

    def test_a_statement_added_inline_to_a_draft_with_a_used_code_is_refused(
        self, admin_client, draft
    ):
        dimension = _dimension(draft, "BV2")
        url = reverse("admin:assessments_dimension_change", args=[dimension.pk])
        data = _admin_form(admin_client, url)
        total = int(data["questions-TOTAL_FORMS"])
        data.update(
            {
                "questions-TOTAL_FORMS": str(total + 1),
                f"questions-{total}-code": "BV1.1",
                f"questions-{total}-text_nl": "Nieuw",
                f"questions-{total}-text_en": "New",
                f"questions-{total}-weight": "1",
                f"questions-{total}-dimension": str(dimension.pk),
            }
        )
        response = admin_client.post(url, data)
        assert response.status_code == 200
        errors = response.context["inline_admin_formsets"][0].formset.errors
        assert "code" in errors[total], errors
        assert (
            Question.objects.filter(dimension__question_set=draft, code="BV1.1").count()
            == 1
        )

    def test_a_new_dimension_can_only_go_into_an_editable_set(
        self, admin_client, locked, draft
    ):
        response = admin_client.get(reverse("admin:assessments_dimension_add"))
        choices = response.context["adminform"].form.fields["question_set"].queryset
        assert list(choices) == [draft]

    def test_a_dimension_stays_in_its_set(self, admin_client, draft):
        dimension = _dimension(draft)
        url = reverse("admin:assessments_dimension_change", args=[dimension.pk])
        assert "question_set" not in _admin_form(admin_client, url)


def test_cloning_a_set_with_duplicate_codes_is_a_message_not_a_500(
    admin_client, no_question_set, draft
):
    # Written past validation, as the old admin allowed.
    Question.objects.filter(dimension__question_set=draft, code="BV2.1").update(
        code="BV1.1"
    )
    url = reverse("admin:assessments_questionset_clone", args=[draft.pk])
    response = admin_client.post(url, follow=True)
    assert response.status_code == 200
    assert "BV1.1" in response.text
    assert QuestionSet.objects.count() == 1
