"""The question-set preview (issue 17): the participant's pages for a draft or a
published set, in Dutch or English, without a respondent or an answer written."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from assessments.models import Answer, DimensionComment, Respondent
from assessments.questionsets import questionset_clone

from ..conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = make_user("editor", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_questionset"))
    return user


@pytest.fixture
def draft(question_set):
    return questionset_clone(question_set=question_set)


def _url(name, question_set, *args):
    return reverse(
        f"assessments:questionset-preview{name}", args=[question_set.pk, *args]
    )


def test_the_preview_needs_login_and_the_permission(client, draft):
    welcome = _url("-welcome", draft, "nl")
    assert client.get(welcome).status_code == 302
    client.force_login(make_user("consultant"))
    for url in (_url("", draft), welcome, _url("-step", draft, "nl", 1)):
        assert client.get(url).status_code == 403


def test_a_missing_set_step_or_language_is_404(client, editor, draft):
    client.force_login(editor)
    assert client.get(_url("-welcome", draft, "fr")).status_code == 404
    assert client.get(_url("-step", draft, "nl", 99)).status_code == 404
    missing = reverse("assessments:questionset-preview-welcome", args=[999_999, "nl"])
    assert client.get(missing).status_code == 404


def test_the_welcome_page_and_every_step_render_for_a_draft(client, editor, draft):
    client.force_login(editor)
    statement = draft.dimensions.get(code="BV1").questions.order_by("position").first()
    statement.text_nl = "Een stelling die alleen in het concept staat."
    statement.save()
    welcome = client.get(_url("-welcome", draft, "nl")).content.decode()
    assert "Begin met de scan" in welcome
    assert _url("-step", draft, "nl", 1) in welcome
    assert "/q/" not in welcome  # no link to a participant's own pages
    first = client.get(_url("-step", draft, "nl", 1)).content.decode()
    assert statement.text_nl in first
    assert "data-hx-post" not in first  # nothing autosaves
    for step in range(2, 15):
        assert client.get(_url("-step", draft, "nl", step)).status_code == 200
    assert client.get(_url("-review", draft, "nl")).status_code == 200


def test_english_shows_the_english_texts(client, editor, question_set):
    client.force_login(editor)
    step = question_set.dimensions.order_by("position")[2]
    html = client.get(_url("-step", question_set, "en", 3)).content.decode()
    assert '<html lang="en">' in html
    assert step.name_en in html
    assert step.questions.first().text_en in html
    assert "Step 3 of 14" in html
    assert _url("-step", question_set, "nl", 3) in html  # the other language


def test_clicking_through_the_preview_writes_nothing(client, editor, question_set):
    client.force_login(editor)
    before = (Respondent.objects.count(), Answer.objects.count())
    question = question_set.dimensions.order_by("position")[0].questions.first()
    response = client.post(
        _url("-step", question_set, "nl", 1),
        {f"q{question.pk}": "4", "nav": "next"},
    )
    assert response["Location"] == _url("-step", question_set, "nl", 2)
    response = client.post(_url("-step", question_set, "nl", 14), {"nav": "next"})
    assert response["Location"] == _url("-review", question_set, "nl")
    response = client.post(_url("-submit", question_set, "nl"))
    assert response["Location"] == _url("-review", question_set, "nl")
    assert (Respondent.objects.count(), Answer.objects.count()) == before
    assert not DimensionComment.objects.exists()


def test_the_framing_page_offers_language_width_and_step(client, editor, draft):
    client.force_login(editor)
    response = client.get(
        _url("", draft), {"lang": "en", "width": "phone", "step": "3"}
    )
    html = response.content.decode()
    assert _url("-step", draft, "en", 3) in html
    assert "qs-preview-phone" in html
    # The framed page may be framed by this site only.
    framed = client.get(_url("-step", draft, "en", 3))
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]


def test_a_published_set_not_in_use_shows_its_latest_texts(
    client, editor, question_set
):
    client.force_login(editor)
    url = _url("-step", question_set, "nl", 1)
    assert client.get(url).status_code == 200  # the steps are read once
    statement = question_set.dimensions.order_by("position")[0].questions.first()
    statement.text_nl = "Net in de editor herschreven."
    statement.save()
    assert "Net in de editor herschreven." in client.get(url).content.decode()
