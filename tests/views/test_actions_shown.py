"""Agreed actions where the consultant meets them: the results page (by dimension,
overdue marked, "Add an action" under each discussion point), the scan's page, the
dashboard (across partnerships, a pinned number of queries), the follow-up that
carries them, and the live session's reveal (issue 15)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.live.models import LiveSession
from assessments.models import Action, Assessment, Collaboration

from ..conftest import (
    answer_all,
    make_action,
    make_assessment,
    make_partnership,
    make_respondent,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _results(client, assessment):
    return client.get(
        reverse("assessments:assessment-results", args=[assessment.pk]), **EN
    )


def _answered(assessment):
    alfa, beta = assessment.partnership.organisations.order_by("position")
    answer_all(make_respondent(assessment, alfa, "Anna"), 2)
    answer_all(make_respondent(assessment, beta, "Bert"), 5)


def _overdue(action, days=3):
    Action.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - timedelta(days=days)
    )


class TestResultsPage:
    def test_actions_are_grouped_by_dimension_with_overdue_marked(
        self, client, owner, assessment
    ):
        _answered(assessment)
        late = make_action(assessment, title="Contract tekenen", dimension="RS4")
        _overdue(late)
        make_action(assessment, title="Kennismaken", dimension="BV1", person="Jan")
        make_action(assessment, title="Algemeen overleg", jointly=True, owners=[])
        client.force_login(owner)
        page = _results(client, assessment).text
        section = page[page.index('id="actions"') :]
        # In the question set's order, general actions last.
        assert (
            section.index("Kennismaken")
            < section.index("Contract tekenen")
            < section.index("Algemeen overleg")
        )
        assert re.search(r"Contract tekenen</a>.*?overdue", section, re.S)
        assert "1 is overdue." in section
        assert "all partners together" in section
        assert "3 actions listed with this scan, 3 of them open or under way." in (
            section
        )

    def test_each_discussion_point_offers_an_action_to_editors_only(
        self, client, owner, collaborator, assessment
    ):
        _answered(assessment)
        client.force_login(owner)
        response = _results(client, assessment)
        first = response.context["agenda"][0]["code"]
        add = reverse("assessments:action-add", args=[assessment.pk])
        assert f"{add}?dimension={first}&amp;back=results" in response.text
        client.force_login(collaborator)
        read_only = _results(client, assessment).text
        assert add not in read_only
        make_action(assessment, dimension=first)
        read_only = _results(client, assessment).text
        assert "Samen de afspraken vastleggen" in read_only  # they see them
        assert "1 action agreed" in read_only

    def test_a_change_to_an_action_shows_at_once(self, client, owner, assessment):
        """The page is cached under the scan's fingerprint, which covers actions."""
        _answered(assessment)
        action = make_action(assessment, title="Eerste versie")
        client.force_login(owner)
        assert "Eerste versie" in _results(client, assessment).text
        client.post(
            reverse("assessments:action-status", args=[assessment.pk, action.pk]),
            {"status": "done"},
        )
        page = _results(client, assessment)
        assert page.context["actions"][0]["status"] == "done"
        action.title = "Tweede versie"
        action.save()
        assert "Tweede versie" in _results(client, assessment).text

    def test_actions_show_before_there_are_results(self, client, owner, assessment):
        make_action(assessment, title="Eerst de scan invullen")
        client.force_login(owner)
        response = _results(client, assessment)
        assert not response.context["has_results"]
        assert "Eerst de scan invullen" in response.text


def test_the_scan_page_lists_its_actions(client, owner, assessment):
    make_action(assessment, title="Stuurgroep inrichten")
    client.force_login(owner)
    page = client.get(reverse("assessments:assessment-detail", args=[assessment.pk]))
    assert "Stuurgroep inrichten" in page.text
    assert reverse("assessments:action-add", args=[assessment.pk]) + "?back=scan" in (
        page.text
    )


class TestDashboard:
    URL = reverse("assessments:dashboard")

    def test_it_lists_the_open_actions_across_partnerships(
        self, client, owner, outsider, assessment, question_set
    ):
        other = make_assessment(
            make_partnership(owner, name="Haven & Stad", organisations=("H", "S")),
            question_set,
        )
        late = make_action(other, title="Havenplan")
        _overdue(late)
        make_action(assessment, title="Kennismaken")
        done = make_action(assessment, title="Al gedaan")
        Action.objects.filter(pk=done.pk).update(status="done")
        make_action(
            make_assessment(make_partnership(outsider), question_set), title="Niet van"
        )
        client.force_login(owner)
        response = client.get(self.URL, **EN)
        rows = response.context["actions"]["rows"]
        assert [row["title"] for row in rows] == ["Havenplan", "Kennismaken"]
        assert response.context["actions"]["overdue"] == 1
        assert "Havenplan" in response.text and "Haven &amp; Stad" in response.text
        assert "Al gedaan" not in response.text and "Niet van" not in response.text

    def test_archived_partnerships_stay_off_it(self, client, owner, assessment):
        make_action(assessment, title="Oud plan")
        assessment.partnership.archived_at = timezone.now()
        assessment.partnership.save()
        client.force_login(owner)
        assert client.get(self.URL).context["actions"]["total"] == 0

    def test_the_query_count_does_not_grow_with_actions(
        self, client, owner, question_set, django_assert_max_num_queries
    ):
        def scan(index):
            partnership = make_partnership(owner, name=f"P{index}")
            return make_assessment(partnership, question_set)

        for index in range(2):
            make_action(scan(index), dimension="BV1")
        client.force_login(owner)
        with django_assert_max_num_queries(30) as few:
            client.get(self.URL)
        for index in range(2, 12):
            make_action(scan(index), dimension="RS2", person="Iemand")
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(self.URL)
        assert response.context["actions"]["total"] == 12
        assert len(response.context["actions"]["rows"]) == 10
        assert response.context["actions"]["more"] == 2


class TestFollowUp:
    def _url(self, assessment):
        return reverse("assessments:assessment-follow-up", args=[assessment.pk])

    def test_it_shows_and_carries_the_open_actions(self, client, owner, assessment):
        pending = make_action(assessment, title="Nog bezig", dimension="RS4")
        left = make_action(assessment, title="Laten liggen")
        done = make_action(assessment, title="Klaar")
        Action.objects.filter(pk=done.pk).update(status="done")
        client.force_login(owner)
        page = client.get(self._url(assessment), **EN)
        assert "Nog bezig" in page.text and "Laten liggen" in page.text
        assert "Klaar" not in page.text
        assert "has 2 open actions" in page.text
        response = client.post(
            self._url(assessment), {"title": "Vervolg", "actions": [pending.pk]}
        )
        assert response.status_code == 302
        follow_up = Assessment.objects.get(title="Vervolg")
        assert list(Action.objects.listed_under(follow_up)) == [pending]
        assert Action.objects.listed_under(assessment).count() == 3
        assert not left.listings.filter(assessment=follow_up).exists()

    def test_an_action_of_another_scan_cannot_be_carried(
        self, client, owner, assessment, question_set
    ):
        elsewhere = make_action(
            make_assessment(make_partnership(owner, name="Ander"), question_set)
        )
        make_action(assessment)
        client.force_login(owner)
        response = client.post(
            self._url(assessment), {"title": "Vervolg", "actions": [elsewhere.pk]}
        )
        assert response.status_code == 200  # the form says which choice is wrong
        assert not Assessment.objects.filter(title="Vervolg").exists()


def test_an_action_is_added_from_the_live_sessions_reveal(client, owner, assessment):
    client.force_login(owner)
    client.post(
        reverse("assessments:live-start", args=[assessment.pk]),
        {"dimensions": [assessment.question_set.dimensions.get(code="RS4").pk]},
    )
    session = LiveSession.objects.get()
    control = reverse("assessments:live-control", args=[assessment.pk, session.pk])
    facilitator = reverse(
        "assessments:live-facilitator", args=[assessment.pk, session.pk]
    )
    for step in ("start", "reveal"):
        client.post(control, {"action": step, "position": 0})
    page = client.get(facilitator, **EN)
    assert "Actions on RS4" in page.text
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*live-action-form', page.text
    )
    alfa = assessment.partnership.organisations.get(name="Alfa")
    response = client.post(
        form.group(1).replace("&amp;", "&"),
        {
            "title": "Proefcontract opstellen",
            "dimension": "RS4",
            "owners": [alfa.pk],
            "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "back": f"live-{session.pk}",
        },
    )
    assert response.url == facilitator + "#live-actions"
    action = Action.objects.get()
    assert (action.title, action.dimension.code) == ("Proefcontract opstellen", "RS4")
    assert "Proefcontract opstellen" in client.get(facilitator).text
    # The projector shows no actions: they are the consultant's notes.
    assert (
        "Proefcontract"
        not in Client()
        .get(reverse("assessments:live-projector", args=[session.projector_token]))
        .text
    )


def test_a_shared_collaborator_with_edit_rights_adds_actions(
    client, assessment, outsider
):
    Collaboration.objects.create(
        partnership=assessment.partnership, user=outsider, can_edit=True
    )
    client.force_login(outsider)
    alfa = assessment.partnership.organisations.get(name="Alfa")
    response = client.post(
        reverse("assessments:action-add", args=[assessment.pk]),
        {
            "title": "Gedeeld",
            "owners": [alfa.pk],
            "due_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Action.objects.get().created_by == outsider
