"""Admins edit question sets; a set in use is read-only and can be cloned."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from assessments.models import Question, QuestionSet

from ..conftest import make_user, questionset_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def _change_url(question_set):
    return reverse("admin:assessments_questionset_change", args=[question_set.pk])


def test_every_admin_list_works(admin_client, assessment, respondent):
    for model in (
        "questionset",
        "dimension",
        "question",
        "partnership",
        "assessment",
        "respondent",
        "answer",
        "organisation",
    ):
        response = admin_client.get(reverse(f"admin:assessments_{model}_changelist"))
        assert response.status_code == 200, model


def test_a_draft_set_can_be_edited(admin_client, question_set):
    question_set.status = QuestionSet.Status.DRAFT
    question_set.save()
    response = admin_client.get(_change_url(question_set))
    assert response.context["has_change_permission"]


def test_a_set_in_use_is_shown_read_only(admin_client, question_set, assessment):
    response = admin_client.get(_change_url(question_set))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert (
        "New draft version" in response.text or "Nieuwe conceptversie" in response.text
    )
    dimension = question_set.dimensions.first()
    response = admin_client.get(
        reverse("admin:assessments_dimension_change", args=[dimension.pk])
    )
    assert not response.context["has_change_permission"]


def test_posting_changes_to_a_set_in_use_is_refused(
    admin_client, question_set, assessment
):
    response = admin_client.post(_change_url(question_set), {"name": "Hacked"})
    assert response.status_code == 403
    question_set.refresh_from_db()
    assert question_set.name == "Partnerscan"


def test_new_draft_version_from_the_change_page(admin_client, question_set, assessment):
    url = reverse("admin:assessments_questionset_clone", args=[question_set.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    clone = QuestionSet.objects.get(version=3)
    assert response.status_code == 302 and response.url == _change_url(clone)
    assert clone.status == QuestionSet.Status.DRAFT
    assert clone.dimensions.count() == 14


def test_export_downloads_json(admin_client, question_set):
    url = reverse("admin:assessments_questionset_export", args=[question_set.pk])
    response = admin_client.get(url)
    assert response["Content-Disposition"].endswith('partnerscan-v2.json"')
    assert json.loads(response.content)["slug"] == "partnerscan"


def test_import_uploads_a_new_set(admin_client, no_question_set):
    upload = SimpleUploadedFile(
        "set.json", json.dumps(questionset_data()).encode(), "application/json"
    )
    response = admin_client.post(
        reverse("admin:assessments_questionset_import"),
        {"file": upload, "publish": "on"},
    )
    assert response.status_code == 302
    assert QuestionSet.objects.get().status == QuestionSet.Status.PUBLISHED


def test_import_of_a_broken_file_names_the_problem_and_changes_nothing(
    admin_client, no_question_set
):
    data = questionset_data()
    data["dimensions"][0]["kind"] = "wrong"
    upload = SimpleUploadedFile("set.json", json.dumps(data).encode())
    with translation.override("en"):
        response = admin_client.post(
            reverse("admin:assessments_questionset_import"),
            {"file": upload},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert "kind must be" in response.text or "soort moet" in response.text
    assert not QuestionSet.objects.exists()


def test_import_of_non_json_is_refused(admin_client):
    upload = SimpleUploadedFile("set.json", b"\x00\xffnot json")
    response = admin_client.post(
        reverse("admin:assessments_questionset_import"), {"file": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_consultants_cannot_reach_the_admin(client, owner):
    client.force_login(owner)
    response = client.get(reverse("admin:assessments_questionset_changelist"))
    assert response.status_code == 302


def test_an_overlong_statement_is_refused_and_changes_nothing(
    admin_client, question_set
):
    question_set.status = QuestionSet.Status.DRAFT
    question_set.save()
    question = Question.objects.filter(dimension__question_set=question_set).first()
    url = reverse("admin:assessments_question_change", args=[question.pk])
    form = admin_client.get(url).context["adminform"].form
    assert 'maxlength="1000"' in str(form["text_nl"])
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data["text_nl"] = "x" * 1001
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "niet meer dan 1000 tekens" in errors
    question.refresh_from_db()
    assert question.text_nl != "x" * 1001


class TestPublishingLivesOnTheSetsPage:
    """The admin stays declarative: publishing and retiring are links to the set's
    own page (views/questionsets.py), which asks first and shows the diff."""

    def test_the_admin_links_to_the_versions_pages(self, admin_client, question_set):
        page = admin_client.get(
            reverse("admin:assessments_questionset_change", args=[question_set.pk])
        ).text
        detail = reverse("assessments:questionset-detail", args=[question_set.pk])
        assert f'href="{detail}"' in page
        listing = admin_client.get(
            reverse("admin:assessments_questionset_changelist")
        ).text
        assert f'href="{reverse("assessments:questionset-list")}"' in listing

    def test_there_are_no_publish_or_retire_actions(self, admin_client, question_set):
        response = admin_client.post(
            reverse("admin:assessments_questionset_changelist"),
            {"action": "publish", "_selected_action": [question_set.pk]},
        )
        question_set.refresh_from_db()
        assert question_set.status == QuestionSet.Status.PUBLISHED
        assert response.status_code in (200, 302)


def test_background_work_is_listed_read_only_without_mail_text(
    admin_client, assessment, respondent
):
    from assessments.models import OutgoingMail, PreparedFile

    mail = OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.PASSWORD_RESET,
        to="someone@example.org",
        subject="Reset",
        body="https://scan.example.org/reset/SECRET-LINK/",
        status=OutgoingMail.Status.FAILED,
        last_error="unreachable: Connection refused",
    )
    PreparedFile.objects.create(assessment=assessment, kind="report", language="nl")
    for model in ("outgoingmail", "preparedfile"):
        listing = admin_client.get(reverse(f"admin:assessments_{model}_changelist"))
        assert listing.status_code == 200, model
        assert (
            admin_client.get(reverse(f"admin:assessments_{model}_add")).status_code
            == 403
        )
    detail = admin_client.get(
        reverse("admin:assessments_outgoingmail_change", args=[mail.pk])
    )
    assert detail.status_code == 200
    assert (
        "de mailserver was niet bereikbaar (Connection refused)"
        in detail.content.decode()
    )
    assert "SECRET-LINK" not in detail.content.decode()
    assert "SECRET-LINK" not in listing.content.decode()
