"""The question-set pages: versions, one version, the diff, publish and retire,
the XLSX/JSON downloads and the upload of an edited workbook."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.forms.workspace import AssessmentForm
from assessments.models import Assessment, QuestionSet
from assessments.questionsets import (
    questionset_clone,
    questionset_to_dict,
)
from assessments.questionsets.spreadsheet import questionset_to_xlsx

from ..conftest import (
    CONFIRMED,
    answer_all,
    make_assessment,
    make_respondent,
    make_user,
)


@pytest.fixture
def set_admin(db):
    user = make_user("beheerder", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="change_questionset"),
        Permission.objects.get(codename="add_questionset"),
    )
    return user


@pytest.fixture
def draft(question_set):
    draft = questionset_clone(question_set=question_set)
    question = draft.dimensions.get(code="BV1").questions.get(code="BV1.1")
    question.text_nl, question.weight = "Herschreven stelling.", 2
    question.save()
    return draft


def _list():
    return reverse("assessments:questionset-list")


def _detail(question_set):
    return reverse("assessments:questionset-detail", args=[question_set.pk])


def _publish(question_set):
    return reverse("assessments:questionset-publish", args=[question_set.pk])


def _retire(question_set):
    return reverse("assessments:questionset-retire", args=[question_set.pk])


class TestAccess:
    def test_anonymous_visitors_are_sent_to_log_in(self, client, question_set):
        for url in (_list(), _detail(question_set)):
            assert client.get(url).status_code == 302
        assert client.post(_publish(question_set), CONFIRMED).status_code == 302

    @pytest.mark.parametrize("staff", [False, True])
    def test_without_the_permission_it_is_forbidden(self, client, question_set, staff):
        client.force_login(make_user("consultant", is_staff=staff))
        urls = [_list(), _detail(question_set), _publish(question_set)]
        urls.append(
            reverse("assessments:questionset-download", args=[question_set.pk, "xlsx"])
        )
        for url in urls:
            assert client.get(url).status_code == 403
        assert client.post(_retire(question_set), CONFIRMED).status_code == 403
        question_set.refresh_from_db()
        assert question_set.status == QuestionSet.Status.PUBLISHED

    def test_the_navigation_shows_the_link_only_to_set_admins(
        self, client, owner, set_admin
    ):
        client.force_login(owner)
        assert _list() not in client.get(reverse("assessments:dashboard")).text
        client.force_login(set_admin)
        assert f'href="{_list()}"' in client.get(reverse("assessments:dashboard")).text

    def test_an_unknown_set_is_404(self, client, set_admin):
        client.force_login(set_admin)
        assert (
            client.get(
                reverse("assessments:questionset-detail", args=[9999])
            ).status_code
            == 404
        )


class TestPages:
    def test_the_list_groups_versions_with_status_and_scans(
        self,
        client,
        set_admin,
        question_set,
        draft,
        assessment,
        django_assert_max_num_queries,
    ):
        client.force_login(set_admin)
        with django_assert_max_num_queries(8):
            page = client.get(_list()).text
        text = " ".join(page.split())
        assert f"Versie {draft.version}" in text
        assert f"Versie {question_set.version}" in text
        assert "concept" in text and "gepubliceerd" in text
        assert "Gebruikt door nieuwe scans" in text

    def test_the_detail_shows_settings_in_words_and_the_diff(
        self, client, set_admin, question_set, draft
    ):
        client.force_login(set_admin)
        page = " ".join(client.get(_detail(draft)).text.split())
        assert "67 % van het stellingsgewicht" in page
        assert "basisvoorwaarden 50 %, ritsschakels 50 %" in page
        assert "75 (op de schaal 1-5 4,0)" in page
        assert (
            f"Wat is er veranderd van versie {question_set.version} "
            f"naar versie {draft.version}"
        ) in page
        assert "Herschreven stelling." in page
        assert "methode gewijzigd" in page

    def test_any_two_versions_can_be_compared(
        self, client, set_admin, question_set, draft
    ):
        third = questionset_clone(question_set=draft)
        first, second = question_set.version, draft.version
        client.force_login(set_admin)
        page = client.get(_detail(third) + f"?compare={first}").text
        assert f"van versie {first} naar versie {third.version}" in " ".join(
            page.split()
        )
        page = client.get(_detail(third) + f"?compare={second}").text
        assert f"van versie {second} naar versie {third.version}" in " ".join(
            page.split()
        )
        # Nothing usable asked: a draft is compared with the published version.
        page = client.get(_detail(third) + "?compare=abc").text
        assert f"van versie {first} naar versie {third.version}" in " ".join(
            page.split()
        )


class TestPublish:
    def test_it_asks_first_and_shows_the_diff(
        self, client, set_admin, question_set, draft
    ):
        client.force_login(set_admin)
        for response in (client.get(_publish(draft)), client.post(_publish(draft))):
            assert response.status_code == 200
            text = " ".join(response.text.split())
            assert f"Partnerscan versie {draft.version} publiceren?" in text
            assert (
                f"Versie {question_set.version} wordt uitgefaseerd voor nieuwe scans"
            ) in text
            assert "Herschreven stelling." in text
            assert 'name="confirmed" value="yes"' in text
        draft.refresh_from_db()
        assert draft.status == QuestionSet.Status.DRAFT

    def test_publishing_retires_the_previous_version(
        self, client, set_admin, draft, question_set
    ):
        client.force_login(set_admin)
        response = client.post(_publish(draft), CONFIRMED, follow=True)
        assert f"Partnerscan versie {draft.version} is gepubliceerd" in response.text
        assert f"Versie {question_set.version} is uitgefaseerd" in response.text
        draft.refresh_from_db()
        question_set.refresh_from_db()
        assert draft.status == QuestionSet.Status.PUBLISHED
        assert question_set.status == QuestionSet.Status.RETIRED
        assert QuestionSet.objects.published().count() == 1

    def test_the_new_scan_form_offers_only_current_versions(
        self, client, set_admin, draft
    ):
        client.force_login(set_admin)
        client.post(_publish(draft), CONFIRMED)
        choices = list(AssessmentForm().fields["question_set"].choices)
        assert [label for _value, label in choices] == [
            f"Partnerscan versie {draft.version}"
        ]

    def test_an_old_scans_figures_stay_identical(
        self, client, set_admin, owner, draft, partnership, question_set
    ):
        from assessments.results import build_results_context

        old = make_assessment(partnership, question_set)
        for org in partnership.organisations.all():
            for value in (2, 4):
                answer_all(make_respondent(old, org), value)
        before = build_results_context(old, "nl")
        client.force_login(set_admin)
        client.post(_publish(draft), CONFIRMED)
        after = build_results_context(Assessment.objects.get(pk=old.pk), "nl")
        assert after["result"] == before["result"]
        assert after["question_set"].version == question_set.version
        assert after["question_set"].version != draft.version

    def test_only_a_draft_can_be_published(self, client, set_admin, question_set):
        client.force_login(set_admin)
        response = client.post(_publish(question_set), CONFIRMED, follow=True)
        assert "Alleen een concept kan worden gepubliceerd" in response.text
        question_set.refresh_from_db()
        assert question_set.status == QuestionSet.Status.PUBLISHED


class TestRetire:
    def test_it_asks_first_then_retires(self, client, set_admin, question_set):
        client.force_login(set_admin)
        assert "uitfaseren?" in client.post(_retire(question_set)).text
        question_set.refresh_from_db()
        assert question_set.status == QuestionSet.Status.PUBLISHED
        response = client.post(_retire(question_set), CONFIRMED, follow=True)
        assert "is uitgefaseerd" in response.text
        question_set.refresh_from_db()
        assert question_set.status == QuestionSet.Status.RETIRED


class TestRoundTrip:
    def test_downloads(self, client, set_admin, question_set):
        client.force_login(set_admin)
        xlsx = client.get(
            reverse("assessments:questionset-download", args=[question_set.pk, "xlsx"])
        )
        assert xlsx["Content-Disposition"].endswith(
            f'partnerscan-v{question_set.version}.xlsx"'
        )
        assert xlsx.content[:2] == b"PK"
        as_json = client.get(
            reverse("assessments:questionset-download", args=[question_set.pk, "json"])
        )
        assert as_json.json()["slug"] == "partnerscan"
        other = reverse(
            "assessments:questionset-download", args=[question_set.pk, "exe"]
        )
        assert client.get(other).status_code == 404

    def _upload(self, client, question_set, raw):
        return client.post(
            reverse("assessments:questionset-upload", args=[question_set.pk]),
            {"file": SimpleUploadedFile("set.xlsx", raw)},
        )

    def test_an_upload_becomes_the_next_draft(self, client, set_admin, question_set):
        client.force_login(set_admin)
        raw = questionset_to_xlsx(questionset_to_dict(question_set))
        response = self._upload(client, question_set, raw)
        draft = QuestionSet.objects.get(version=question_set.version + 1)
        assert response.url == _detail(draft)
        assert draft.status == QuestionSet.Status.DRAFT

    def test_a_bad_upload_names_the_problem_and_changes_nothing(
        self, client, set_admin, question_set
    ):
        client.force_login(set_admin)
        response = self._upload(client, question_set, b"geen werkboek")
        assert response.status_code == 400
        assert "Het bestand is geen leesbare XLSX-werkmap." in response.text
        assert "Er is niets veranderd" in response.text
        assert QuestionSet.objects.count() == 1

    def test_upload_is_post_only(self, client, set_admin, question_set):
        client.force_login(set_admin)
        url = reverse("assessments:questionset-upload", args=[question_set.pk])
        assert client.get(url).status_code == 405
