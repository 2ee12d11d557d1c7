"""The question-set editor (issue 17): one page for a whole draft.

The ladder: anonymous -> login; a consultant without the permission -> 403; staff
with it edit drafts; a locked set shows read-only and refuses writes; a set that
does not exist -> 404. Problems the JSON import would name appear at their field,
in Dutch, and a refused save changes nothing.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from assessments.models import Dimension, Question, QuestionSet
from assessments.questionsets import questionset_clone, questionset_to_dict

from ..conftest import CONFIRMED, make_assessment, make_partnership, make_user
from ..html_forms import form_data, post_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = make_user("editor", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_questionset"))
    return user


@pytest.fixture
def draft(question_set):
    return questionset_clone(question_set=question_set)


def _edit_url(question_set):
    return reverse("assessments:questionset-edit", args=[question_set.pk])


def _page_data(client, question_set, **overrides):
    """The editor form's fields as the page has them, with `overrides`."""
    response = client.get(_edit_url(question_set))
    form = next(f for f in post_forms(response.content.decode()) if f["action"] == "")
    return form_data(form, **overrides)


def _shown_at(html, field_id, message):
    """The message follows the field closely (its own block, not a list far away)."""
    field = html.index(f'id="{field_id}"')
    return 0 < html.find(message, field) - field < 1500


def _question(question_set, code):
    return Question.objects.get(dimension__question_set=question_set, code=code)


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    response = client.get(_edit_url(draft))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("is_staff", [False, True])
def test_users_without_the_question_set_permission_get_403(client, draft, is_staff):
    client.force_login(make_user("consultant", is_staff=is_staff))
    assert client.get(_edit_url(draft)).status_code == 403
    assert client.post(_edit_url(draft), {"name": "X"}).status_code == 403
    index = reverse("assessments:questionset-list")
    assert client.get(index).status_code == 403
    draft.refresh_from_db()
    assert draft.name != "X"


def test_a_set_that_does_not_exist_is_404(client, editor):
    client.force_login(editor)
    missing = reverse("assessments:questionset-edit", args=[999_999])
    assert client.get(missing).status_code == 404


def test_staff_with_the_permission_see_the_whole_set_on_one_page(
    client, editor, draft, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(20):
        response = client.get(_edit_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    statement = _question(draft, "RS4.1")
    assert statement.text_nl in html and statement.text_en in html
    assert 'name="min_coverage" value="66.67"' in html  # 2/3 as a percentage
    assert 'name="condition_share" value="50"' in html
    assert html.count('class="qs-dimension"') == 14
    assert "Django" not in html


def test_the_staff_navigation_and_the_set_pages_link_to_the_editor(
    client, editor, draft
):
    client.force_login(editor)
    index = reverse("assessments:questionset-list")
    assert index in client.get(reverse("assessments:dashboard")).content.decode()
    detail = reverse("assessments:questionset-detail", args=[draft.pk])
    assert detail in client.get(index).content.decode()
    assert _edit_url(draft) in client.get(detail).content.decode()


def test_saving_rewords_a_statement_and_changes_weights(client, editor, draft):
    client.force_login(editor)
    statement = _question(draft, "BV1.1")
    dimension = draft.dimensions.get(code="BV2")
    data = _page_data(
        client,
        draft,
        **{
            f"q{statement.pk}-text_nl": "Wij kozen elkaar bewust.",
            f"q{statement.pk}-text_en": "We chose each other on purpose.",
            f"q{statement.pk}-weight": "2,5",
            f"d{dimension.pk}-weight": "3",
            f"d{dimension.pk}-advice_red_nl": "Begin met een gesprek.",
            "min_coverage": "50",
            "condition_share": "40",
            "green": "80",
        },
    )
    response = client.post(_edit_url(draft), data)
    assert response.status_code == 302
    statement.refresh_from_db()
    dimension.refresh_from_db()
    draft.refresh_from_db()
    assert statement.text_nl == "Wij kozen elkaar bewust."
    assert statement.text_en == "We chose each other on purpose."
    assert statement.weight == 2.5 and statement.code == "BV1.1"
    assert dimension.weight == 3
    assert dimension.advice_red_nl == "Begin met een gesprek."
    assert draft.min_coverage == 0.5
    assert (draft.condition_weight, draft.link_weight) == (40, 60)
    assert draft.green_threshold == 80


def test_saving_unchanged_values_changes_nothing(client, editor, draft):
    client.force_login(editor)
    before = questionset_to_dict(draft)
    response = client.post(_edit_url(draft), _page_data(client, draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert questionset_to_dict(draft) == before  # 2/3 stays 2/3, not 0.6667


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("q-weight", "0", "moet een getal boven 0 en hoogstens 100 zijn"),
        ("q-text_nl", "x" * 1001, "1001 tekens lang"),
        ("amber", "90", "moet lager zijn dan"),
        ("min_coverage", "0", "Vul een percentage"),
    ],
)
def test_a_problem_is_named_at_its_field_in_dutch_and_nothing_is_saved(
    client, editor, draft, field, value, message
):
    client.force_login(editor)
    statement = _question(draft, "BV1.1")
    name = field.replace("q-", f"q{statement.pk}-")
    before = questionset_to_dict(draft)
    data = _page_data(client, draft, **{name: value})
    data[f"q{statement.pk}-text_en"] = "Changed as well"
    response = client.post(_edit_url(draft), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is niets opgeslagen" in html
    assert _shown_at(html, f"id-{name}", message)
    assert "dimensions[0]" not in html  # the JSON path is for files, not fields
    assert f'name="q{statement.pk}-text_en"' in html and "Changed as well" in html
    assert questionset_to_dict(draft) == before


def test_a_missing_translation_is_saved_as_a_draft_and_shown_at_its_field(
    client, editor, draft
):
    client.force_login(editor)
    statement = _question(draft, "BV1.1")
    data = _page_data(client, draft, **{f"q{statement.pk}-text_en": ""})
    assert client.post(_edit_url(draft), data).status_code == 302
    html = client.get(_edit_url(draft)).content.decode()
    assert "Nog te doen" in html
    assert _shown_at(html, f"id-q{statement.pk}-text_en", "Deze tekst ontbreekt.")
    assert f'href="#id-q{statement.pk}-text_en"' in html  # listed at the top too


def test_a_dimension_without_statements_is_named_at_its_statements(
    client, editor, draft
):
    client.force_login(editor)
    dimension = draft.dimensions.get(code="BV3")
    dimension.questions.all().delete()
    html = client.get(_edit_url(draft)).content.decode()
    section = html.index(f'id="d{dimension.pk}"')
    assert html.index("heeft geen vragen", section) < html.index(
        'class="qs-dimension"', section + 10
    )


def test_changing_the_dutch_only_flags_the_english_as_older(client, editor, draft):
    client.force_login(editor)
    statement = _question(draft, "BV1.1")
    data = _page_data(client, draft, **{f"q{statement.pk}-text_nl": "Anders."})
    client.post(_edit_url(draft), data)
    html = client.get(_edit_url(draft)).content.decode()
    item = html.index(f'id="q{statement.pk}"')
    flagged = html.index("Engels ouder dan Nederlands", item)
    assert flagged < html.index("qs-statement-options", item)
    assert f'name="q{statement.pk}-en_ok-text"' in html
    data = _page_data(client, draft, **{f"q{statement.pk}-text_en": "Different."})
    client.post(_edit_url(draft), data)
    html = client.get(_edit_url(draft)).content.decode()
    assert f'name="q{statement.pk}-en_ok-text"' not in html


def test_the_buttons_add_and_reorder_statements_after_saving_what_was_typed(
    client, editor, draft
):
    client.force_login(editor)
    rs4 = draft.dimensions.get(code="RS4")
    codes = lambda: list(  # noqa: E731
        rs4.questions.order_by("position").values_list("code", flat=True)
    )
    count = len(codes())
    first = rs4.questions.order_by("position").first()
    data = _page_data(
        client, draft, op=f"q-add:{rs4.pk}", **{f"q{first.pk}-text_nl": "Eerst."}
    )
    response = client.post(_edit_url(draft), data)
    new = rs4.questions.get(code=f"RS4.{count + 1}")
    assert response["Location"].endswith(f"#q{new.pk}")
    first.refresh_from_db()
    assert first.text_nl == "Eerst."
    second = codes()[1]
    data = _page_data(client, draft, op=f"q-up:{_question(draft, second).pk}")
    client.post(_edit_url(draft), data)
    assert codes()[:2] == [second, first.code]
    data = _page_data(client, draft, op=f"d-down:{draft.dimensions.get(code='BV1').pk}")
    client.post(_edit_url(draft), data)
    order = list(draft.dimensions.order_by("position").values_list("code", flat=True))
    assert order[:2] == ["BV2", "BV1"]


def test_removing_a_statement_asks_first(client, editor, draft):
    client.force_login(editor)
    statement = _question(draft, "RS4.2")
    response = client.post(
        _edit_url(draft), _page_data(client, draft, op=f"q-remove:{statement.pk}")
    )
    remove = reverse(
        "assessments:questionset-question-remove", args=[draft.pk, statement.pk]
    )
    assert response["Location"] == remove
    page = client.get(remove)
    assert "Terug zonder iets te wijzigen" in page.content.decode()
    assert Question.objects.filter(pk=statement.pk).exists()
    assert client.post(remove).status_code == 200  # no confirmation: asks again
    assert client.post(remove, CONFIRMED).status_code == 302
    assert not Question.objects.filter(pk=statement.pk).exists()


def test_removing_a_dimension_asks_first(client, editor, draft):
    client.force_login(editor)
    dimension = draft.dimensions.get(code="RS9")
    remove = reverse(
        "assessments:questionset-dimension-remove", args=[draft.pk, dimension.pk]
    )
    assert "RS9" in client.get(remove).content.decode()
    assert Dimension.objects.filter(pk=dimension.pk).exists()
    client.post(remove, CONFIRMED)
    assert not Dimension.objects.filter(pk=dimension.pk).exists()
    html = client.get(_edit_url(draft)).content.decode()
    assert "Dimensie RS9 ontbreekt" in html


def test_a_locked_set_is_read_only_and_offers_a_new_draft(client, editor, question_set):
    make_assessment(make_partnership(make_user("owner")), question_set)
    client.force_login(editor)
    html = client.get(_edit_url(question_set)).content.decode()
    assert "<fieldset disabled" in html
    assert 'value="q-add:' not in html
    name = question_set.name
    response = client.post(_edit_url(question_set), {"name": "Anders"})
    assert response.status_code == 302
    question_set.refresh_from_db()
    assert question_set.name == name
    statement = question_set.dimensions.get(code="BV1").questions.first()
    remove = reverse(
        "assessments:questionset-question-remove",
        args=[question_set.pk, statement.pk],
    )
    client.post(remove, CONFIRMED)
    assert Question.objects.filter(pk=statement.pk).exists()
    response = client.post(
        reverse("assessments:questionset-new-draft", args=[question_set.pk])
    )
    new = QuestionSet.objects.get(
        slug=question_set.slug, version=question_set.version + 1
    )
    assert response["Location"] == _edit_url(new)
    assert new.status == QuestionSet.Status.DRAFT


def test_new_draft_only_takes_posts(client, editor, question_set):
    client.force_login(editor)
    url = reverse("assessments:questionset-new-draft", args=[question_set.pk])
    assert client.get(url).status_code == 405


def test_a_statement_of_another_set_is_404(client, editor, draft, question_set):
    client.force_login(editor)
    other = question_set.dimensions.get(code="BV1").questions.first()
    remove = reverse(
        "assessments:questionset-question-remove", args=[draft.pk, other.pk]
    )
    assert client.get(remove).status_code == 404
    data = _page_data(client, draft, op=f"q-up:{other.pk}")
    assert client.post(_edit_url(draft), data).status_code == 404
