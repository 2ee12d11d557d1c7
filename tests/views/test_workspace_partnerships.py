"""Partnerships: create, edit, archive, and share with collaborators."""

import pytest
from django.urls import reverse

from assessments.models import Collaboration, Organisation, Partnership

from ..conftest import CONFIRMED, make_partnership, make_respondent, make_user

pytestmark = pytest.mark.django_db


def _form_data(name="Gamma & Delta", organisations=("Gamma", "Delta", "", ""), **extra):
    """POST data for the partnership form with its organisation formset."""
    data = {
        "name": name,
        "description": "",
        "organisations-TOTAL_FORMS": str(len(organisations)),
        "organisations-INITIAL_FORMS": "0",
        "organisations-MIN_NUM_FORMS": "2",
        "organisations-MAX_NUM_FORMS": "12",
    }
    for index, org_name in enumerate(organisations):
        data[f"organisations-{index}-name"] = org_name
    data.update(extra)
    return data


def _edit_data(partnership, names, delete=(), extra_names=()):
    """POST data that edits the existing organisations (in order) and adds more."""
    organisations = list(partnership.organisations.all())
    data = {
        "name": partnership.name,
        "description": partnership.description,
        "organisations-TOTAL_FORMS": str(len(organisations) + len(extra_names)),
        "organisations-INITIAL_FORMS": str(len(organisations)),
        "organisations-MIN_NUM_FORMS": "2",
        "organisations-MAX_NUM_FORMS": "12",
    }
    for index, (org, name) in enumerate(zip(organisations, names, strict=True)):
        data[f"organisations-{index}-id"] = str(org.pk)
        data[f"organisations-{index}-partnership"] = str(partnership.pk)
        data[f"organisations-{index}-name"] = name
        if org.name in delete:
            data[f"organisations-{index}-DELETE"] = "on"
    for offset, name in enumerate(extra_names):
        data[f"organisations-{len(organisations) + offset}-name"] = name
    return data


@pytest.fixture
def editor(partnership):
    user = make_user("editor")
    Collaboration.objects.create(partnership=partnership, user=user, can_edit=True)
    return user


class TestCreate:
    url = reverse("assessments:partnership-create")

    def test_it_creates_a_partnership_with_its_organisations(self, client, owner):
        client.force_login(owner)
        response = client.post(self.url, _form_data())
        partnership = Partnership.objects.get(name="Gamma & Delta")
        assert response.status_code == 302
        assert response.url == reverse(
            "assessments:partnership-detail", args=[partnership.pk]
        )
        assert partnership.owner == owner
        assert [o.name for o in partnership.organisations.all()] == ["Gamma", "Delta"]

    def test_it_requires_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize(
        "organisations, code",
        [
            (("Gamma", "", "", ""), "required"),
            (("Gamma", "gamma", "", ""), "duplicate"),
            (("", "", "", ""), "required"),
        ],
    )
    def test_it_refuses_fewer_than_two_distinct_organisations(
        self, client, owner, organisations, code
    ):
        client.force_login(owner)
        response = client.post(self.url, _form_data(organisations=organisations))
        assert response.status_code == 200
        formset = response.context["formset"]
        codes = {e.code for e in formset.non_form_errors().as_data()} | {
            e.code
            for form in formset
            for errors in form.errors.as_data().values()
            for e in errors
        }
        assert code in codes
        assert not Partnership.objects.exists()

    def test_a_duplicate_is_explained_in_dutch_and_english(self, client, owner):
        client.force_login(owner)
        data = _form_data(organisations=("Gamma", "Gamma", "", ""))
        dutch = client.post(self.url, data)
        assert "Gamma staat er twee keer in" in dutch.text
        english = client.post(self.url, data, HTTP_ACCEPT_LANGUAGE="en")
        assert "Gamma is listed twice" in english.text

    def test_a_blank_name_is_refused(self, client, owner):
        client.force_login(owner)
        response = client.post(self.url, _form_data(name=" "))
        assert response.status_code == 200
        assert "name" in response.context["form"].errors
        assert not Partnership.objects.exists()


class TestDetail:
    def _url(self, partnership):
        return reverse("assessments:partnership-detail", args=[partnership.pk])

    def test_the_owner_sees_scans_and_can_share(self, client, owner, assessment):
        client.force_login(owner)
        response = client.get(self._url(assessment.partnership))
        assert response.status_code == 200
        assert response.context["assessments"] == [assessment]
        assert response.context["collaborator_form"] is not None

    def test_a_read_only_collaborator_sees_it_without_write_buttons(
        self, client, collaborator, partnership
    ):
        client.force_login(collaborator)
        response = client.get(self._url(partnership))
        assert response.status_code == 200
        assert response.context["can_edit"] is False
        assert response.context["collaborator_form"] is None
        assert reverse("assessments:partnership-edit", args=[partnership.pk]) not in (
            response.text
        )

    def test_another_consultant_gets_404(self, client, outsider, partnership):
        client.force_login(outsider)
        assert client.get(self._url(partnership)).status_code == 404

    def test_it_requires_login(self, client, partnership):
        assert client.get(self._url(partnership)).status_code == 302

    def test_the_query_count_does_not_grow_with_scans(
        self, client, owner, partnership, question_set, django_assert_max_num_queries
    ):
        from ..conftest import make_assessment

        client.force_login(owner)
        make_assessment(partnership, question_set)
        # 13: one of them is the owner's activity (the audit trail), whose cost
        # tests/views/test_activity.py pins as it grows.
        with django_assert_max_num_queries(13) as few:
            client.get(self._url(partnership))
        for _ in range(10):
            make_assessment(partnership, question_set)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(self._url(partnership))


class TestEdit:
    def _url(self, partnership):
        return reverse("assessments:partnership-edit", args=[partnership.pk])

    def test_it_renames_reorders_and_adds(self, client, owner, partnership):
        client.force_login(owner)
        data = _edit_data(partnership, ["Alfa BV", "Beta"], extra_names=["Gamma"])
        response = client.post(self._url(partnership), data)
        assert response.status_code == 302
        names = [o.name for o in partnership.organisations.all()]
        assert names == ["Alfa BV", "Beta", "Gamma"]

    def test_two_organisations_can_swap_names(self, client, owner, partnership):
        client.force_login(owner)
        client.post(self._url(partnership), _edit_data(partnership, ["Beta", "Alfa"]))
        assert [o.name for o in partnership.organisations.all()] == ["Beta", "Alfa"]

    def test_it_removes_an_organisation_without_respondents(
        self, client, owner, partnership
    ):
        Organisation.objects.create(partnership=partnership, name="Gamma", position=2)
        client.force_login(owner)
        data = _edit_data(partnership, ["Alfa", "Beta", "Gamma"], delete=["Gamma"])
        assert client.post(self._url(partnership), data).status_code == 302
        assert partnership.organisations.count() == 2

    def test_it_refuses_to_remove_an_organisation_with_respondents(
        self, client, owner, assessment
    ):
        partnership = assessment.partnership
        make_respondent(assessment, partnership.organisations.get(name="Beta"))
        Organisation.objects.create(partnership=partnership, name="Gamma", position=2)
        client.force_login(owner)
        data = _edit_data(partnership, ["Alfa", "Beta", "Gamma"], delete=["Beta"])
        response = client.post(self._url(partnership), data)
        assert response.status_code == 200
        assert [
            e.code for e in response.context["formset"].non_form_errors().as_data()
        ] == ["in_use"]
        assert partnership.organisations.count() == 3

    def test_it_refuses_to_drop_below_two(self, client, owner, partnership):
        client.force_login(owner)
        data = _edit_data(partnership, ["Alfa", "Beta"], delete=["Beta"])
        response = client.post(self._url(partnership), data)
        assert response.status_code == 200
        assert partnership.organisations.count() == 2

    def test_dropping_below_two_says_a_partnership_needs_two(
        self, client, owner, partnership
    ):
        # The formset's own message, not Django's generic "Verstuur minimaal 2
        # formulieren." (error_messages given to the factory reach the forms only).
        client.force_login(owner)
        data = _edit_data(partnership, ["Alfa", "Beta"], delete=["Beta"])
        dutch = client.post(self._url(partnership), data)
        assert "Een samenwerking heeft minstens 2 organisaties nodig." in dutch.text
        assert "formulieren" not in dutch.text
        english = client.post(self._url(partnership), data, HTTP_ACCEPT_LANGUAGE="en")
        assert "A partnership needs at least 2 organisations." in english.text
        assert [
            e.code for e in english.context["formset"].non_form_errors().as_data()
        ] == ["too_few_forms"]

    def test_an_editing_collaborator_may_edit(self, client, editor, partnership):
        client.force_login(editor)
        data = _edit_data(partnership, ["Alfa", "Beta"])
        data["name"] = "Renamed"
        assert client.post(self._url(partnership), data).status_code == 302
        partnership.refresh_from_db()
        assert partnership.name == "Renamed"

    def test_a_read_only_collaborator_gets_403(self, client, collaborator, partnership):
        client.force_login(collaborator)
        assert client.get(self._url(partnership)).status_code == 403
        data = _edit_data(partnership, ["X", "Y"])
        assert client.post(self._url(partnership), data).status_code == 403
        assert partnership.organisations.filter(name="X").count() == 0

    def test_another_consultant_gets_404(self, client, outsider, partnership):
        client.force_login(outsider)
        assert client.get(self._url(partnership)).status_code == 404


class TestArchive:
    def test_archive_and_restore(self, client, owner, partnership):
        client.force_login(owner)
        archive = reverse("assessments:partnership-archive", args=[partnership.pk])
        unarchive = reverse("assessments:partnership-unarchive", args=[partnership.pk])
        assert client.post(archive, CONFIRMED).status_code == 302
        partnership.refresh_from_db()
        assert partnership.archived_at is not None
        assert client.post(unarchive).status_code == 302
        partnership.refresh_from_db()
        assert partnership.archived_at is None

    def test_archiving_asks_first(self, client, owner, partnership):
        client.force_login(owner)
        url = reverse("assessments:partnership-archive", args=[partnership.pk])
        detail = reverse("assessments:partnership-detail", args=[partnership.pk])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 200
            assert "Alfa &amp; Beta archiveren?" in response.text
            assert "de links van een open scan blijven werken" in response.text
            assert f'href="{detail}"' in response.text
        partnership.refresh_from_db()
        assert partnership.archived_at is None

    def test_restoring_is_post_only(self, client, owner, partnership):
        client.force_login(owner)
        url = reverse("assessments:partnership-unarchive", args=[partnership.pk])
        assert client.get(url).status_code == 405

    def test_read_only_gets_403_and_outsider_404(
        self, client, collaborator, outsider, partnership
    ):
        url = reverse("assessments:partnership-archive", args=[partnership.pk])
        client.force_login(collaborator)
        assert client.get(url).status_code == 403
        assert client.post(url, CONFIRMED).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, CONFIRMED).status_code == 404
        partnership.refresh_from_db()
        assert partnership.archived_at is None


class TestCollaborators:
    def _add(self, partnership):
        return reverse("assessments:collaborator-add", args=[partnership.pk])

    @pytest.mark.parametrize("identifier", ["newbie", "NEWBIE@example.org"])
    def test_the_owner_shares_by_username_or_email(
        self, client, owner, partnership, identifier
    ):
        newbie = make_user("newbie")
        client.force_login(owner)
        response = client.post(
            self._add(partnership), {"user": identifier, "can_edit": "1"}
        )
        assert response.status_code == 302
        assert Collaboration.objects.get(partnership=partnership, user=newbie).can_edit

    @pytest.mark.parametrize(
        "identifier, code",
        [("nobody", "unknown"), ("owner", "owner"), ("collaborator", "duplicate")],
    )
    def test_bad_collaborators_are_refused(
        self, client, owner, partnership, identifier, code
    ):
        client.force_login(owner)
        response = client.post(
            self._add(partnership), {"user": identifier, "can_edit": "0"}
        )
        assert response.status_code == 200
        assert [e.code for e in response.context["form"].errors.as_data()["user"]] == [
            code
        ]
        assert partnership.collaborations.count() == 1

    def test_only_the_owner_manages_collaborators(
        self, client, editor, outsider, partnership
    ):
        collaboration = partnership.collaborations.get(user=editor)
        urls = [
            self._add(partnership),
            reverse(
                "assessments:collaborator-rights",
                args=[partnership.pk, collaboration.pk],
            ),
            reverse(
                "assessments:collaborator-remove",
                args=[partnership.pk, collaboration.pk],
            ),
        ]
        client.force_login(editor)
        for url in urls:
            data = {"user": "outsider", **CONFIRMED}
            assert client.post(url, data).status_code == 403
        assert client.get(urls[-1]).status_code == 403
        client.force_login(outsider)
        for url in urls:
            assert client.post(url, CONFIRMED).status_code == 404
        assert client.get(urls[-1]).status_code == 404
        assert partnership.collaborations.count() == 2

    def test_the_owner_changes_rights_and_removes(
        self, client, owner, collaborator, partnership
    ):
        collaboration = partnership.collaborations.get(user=collaborator)
        client.force_login(owner)
        rights = reverse(
            "assessments:collaborator-rights", args=[partnership.pk, collaboration.pk]
        )
        client.post(rights, {"can_edit": "on"})
        collaboration.refresh_from_db()
        assert collaboration.can_edit
        client.post(rights, {})
        collaboration.refresh_from_db()
        assert not collaboration.can_edit
        remove = reverse(
            "assessments:collaborator-remove", args=[partnership.pk, collaboration.pk]
        )
        for response in (client.get(remove), client.post(remove)):
            assert response.status_code == 200
            assert "Niet meer delen met collaborator?" in response.text
            assert "collaborator kan deze samenwerking" in response.text
        assert partnership.collaborations.exists()
        client.post(remove, CONFIRMED)
        assert not partnership.collaborations.exists()
        client.force_login(collaborator)
        detail = reverse("assessments:partnership-detail", args=[partnership.pk])
        assert client.get(detail).status_code == 404

    def test_a_collaboration_of_another_partnership_is_404(
        self, client, owner, outsider, partnership
    ):
        other = make_partnership(outsider, name="Other")
        foreign = Collaboration.objects.create(partnership=other, user=owner)
        client.force_login(owner)
        url = reverse(
            "assessments:collaborator-remove", args=[partnership.pk, foreign.pk]
        )
        assert client.post(url, CONFIRMED).status_code == 404
        assert Collaboration.objects.filter(pk=foreign.pk).exists()
