"""Agreed actions: add, read, change, change status, delete, download (issue 15).

Every view climbs the ladder: it works for the owner; it needs a login; another
consultant gets a 404; a read-only collaborator reads but gets a 403 on writes;
POST-only views refuse a GET; bad input gets a clear message and changes nothing.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.actions.writes import actions_carry
from assessments.live.sessions import live_session_create
from assessments.models import Action, ActionStatusChange

from ..conftest import (
    CONFIRMED,
    make_action,
    make_assessment,
    make_partnership,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _url(name, assessment, action=None):
    args = [assessment.pk] + ([action.pk] if action else [])
    return reverse(f"assessments:{name}", args=args)


def _in_a_week():
    return (timezone.localdate() + timedelta(days=7)).isoformat()


def _form(assessment, **change):
    alfa = assessment.partnership.organisations.get(name="Alfa")
    return {
        "title": "Contractmodel samen opstellen",
        "description": "Een eerste versie voor de stuurgroep.",
        "dimension": "RS4",
        "statement": "",
        "owners": [alfa.pk],
        "person": "Jan de Vries",
        "due_on": _in_a_week(),
        **change,
    }


class TestAdd:
    def test_it_adds_an_action_listed_with_the_scan(self, client, owner, assessment):
        client.force_login(owner)
        response = client.post(_url("action-add", assessment), _form(assessment))
        assert response.status_code == 302
        assert response.url == _url("assessment-results", assessment) + "#actions"
        action = Action.objects.get()
        assert (action.title, action.dimension.code, action.person) == (
            "Contractmodel samen opstellen",
            "RS4",
            "Jan de Vries",
        )
        assert [o.name for o in action.owners.all()] == ["Alfa"]
        assert action.status == "open" and action.created_by == owner
        assert list(action.listed_under.all()) == [assessment]
        assert [(c.status, c.changed_by) for c in action.history.all()] == [
            ("open", owner)
        ]

    def test_the_agenda_link_fills_in_the_dimension(self, client, owner, assessment):
        client.force_login(owner)
        page = client.get(_url("action-add", assessment) + "?dimension=BV2")
        assert page.status_code == 200
        assert page.context["form"]["dimension"].value() == "BV2"

    def test_a_statement_sets_its_dimension(self, client, owner, assessment):
        client.force_login(owner)
        question = assessment.question_set.dimensions.get(code="RS4").questions.first()
        data = _form(assessment, dimension="", statement=question.code)
        assert client.post(_url("action-add", assessment), data).status_code == 302
        action = Action.objects.get()
        assert (action.dimension.code, action.question) == ("RS4", question)

    def test_all_partners_together_needs_no_organisation(
        self, client, owner, assessment
    ):
        client.force_login(owner)
        data = _form(assessment, owners=[], jointly="on")
        assert client.post(_url("action-add", assessment), data).status_code == 302
        action = Action.objects.get()
        assert action.jointly and not action.owners.exists()

    @pytest.mark.parametrize(
        "change, field, message",
        [
            ({"title": "  "}, "title", "Say what will be done: the title is empty."),
            (
                {"due_on": "2020-01-01"},
                "due_on",
                "The due date lies in the past. Choose today or a later date.",
            ),
            ({"due_on": ""}, "due_on", "Choose a due date."),
            (
                {"owners": []},
                "owners",
                "Choose who owns the action: one or more organisations, or all "
                "partners together.",
            ),
            ({"title": "x" * 201}, "title", "at most 200 characters"),
            ({"description": "x" * 2001}, "description", "at most 2000 characters"),
            ({"person": "x" * 201}, "person", "at most 200 characters"),
            ({"dimension": "XX9"}, "dimension", "Select a valid choice."),
        ],
    )
    def test_bad_input_is_refused_with_a_reason(
        self, client, owner, assessment, change, field, message
    ):
        client.force_login(owner)
        response = client.post(
            _url("action-add", assessment), _form(assessment, **change), **EN
        )
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert message in response.text
        assert not Action.objects.exists()

    def test_an_owner_outside_the_partnership_is_refused(
        self, client, owner, assessment
    ):
        other = make_partnership(owner, name="Elders", organisations=("Gamma", "Delta"))
        gamma = other.organisations.get(name="Gamma")
        client.force_login(owner)
        response = client.post(
            _url("action-add", assessment), _form(assessment, owners=[gamma.pk]), **EN
        )
        assert response.status_code == 400
        assert "Choose owners among the organisations of this partnership." in (
            response.text
        )
        assert not Action.objects.exists()

    def test_a_statement_of_another_dimension_is_refused(
        self, client, owner, assessment
    ):
        question = assessment.question_set.dimensions.get(code="BV1").questions.first()
        client.force_login(owner)
        data = _form(assessment, dimension="RS4", statement=question.code)
        response = client.post(_url("action-add", assessment), data, **EN)
        assert response.status_code == 400
        assert "This statement belongs to another dimension." in response.text
        assert not Action.objects.exists()

    def test_it_goes_back_to_where_it_was_added(self, client, owner, assessment):
        client.force_login(owner)
        scan = client.post(
            _url("action-add", assessment) + "?back=scan", _form(assessment)
        )
        assert scan.url == _url("assessment-detail", assessment) + "#actions"
        session = live_session_create(
            assessment=assessment,
            facilitator=owner,
            dimensions=list(assessment.question_set.dimensions.all()[:2]),
        )
        live = client.post(
            _url("action-add", assessment), _form(assessment, back=f"live-{session.pk}")
        )
        assert (
            live.url
            == reverse("assessments:live-facilitator", args=[assessment.pk, session.pk])
            + "#live-actions"
        )
        # Anything else is the results page, never a URL from the request.
        elsewhere = client.post(
            _url("action-add", assessment),
            _form(assessment, back="https://evil.example/"),
        )
        assert elsewhere.url == _url("assessment-results", assessment) + "#actions"

    def test_the_ladder(self, client, owner, collaborator, outsider, assessment):
        url = _url("action-add", assessment)
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, _form(assessment)).status_code == 404
        client.force_login(collaborator)
        assert client.get(url).status_code == 403
        assert client.post(url, _form(assessment)).status_code == 403
        assert not Action.objects.exists()
        client.force_login(owner)
        assert client.get(url).status_code == 200


class TestShow:
    def test_everyone_who_shares_the_scan_reads_it(
        self, client, owner, collaborator, assessment
    ):
        action = make_action(assessment, dimension="RS4", person="Jan")
        client.force_login(collaborator)
        page = client.get(_url("action-detail", assessment, action), **EN)
        assert page.status_code == 200
        assert "Samen de afspraken vastleggen" in page.text
        assert "Jan" in page.text
        # Read only: no forms that change it.
        assert _url("action-status", assessment, action) not in page.text
        client.force_login(owner)
        page = client.get(_url("action-detail", assessment, action))
        assert _url("action-status", assessment, action) in page.text

    def test_the_ladder(self, client, outsider, assessment, question_set):
        action = make_action(assessment)
        url = _url("action-detail", assessment, action)
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        # Through a scan it is not listed under: 404 as well, even for the owner.
        other = make_assessment(assessment.partnership, question_set)
        client.force_login(assessment.partnership.owner)
        assert client.get(_url("action-detail", other, action)).status_code == 404


class TestEdit:
    def test_it_changes_the_details(self, client, owner, assessment):
        action = make_action(assessment)
        client.force_login(owner)
        data = _form(assessment, title="Ander plan", jointly="on", owners=[])
        response = client.post(_url("action-edit", assessment, action), data)
        assert response.status_code == 302
        action.refresh_from_db()
        assert (action.title, action.jointly, action.owners.count()) == (
            "Ander plan",
            True,
            0,
        )

    def test_a_past_due_date_may_stay_but_not_be_chosen(
        self, client, owner, assessment
    ):
        action = make_action(assessment)
        past = timezone.localdate() - timedelta(days=3)
        Action.objects.filter(pk=action.pk).update(due_on=past)
        client.force_login(owner)
        url = _url("action-edit", assessment, action)
        kept = client.post(url, _form(assessment, due_on=past.isoformat()))
        assert kept.status_code == 302
        earlier = (past - timedelta(days=1)).isoformat()
        refused = client.post(url, _form(assessment, title="Nieuw", due_on=earlier))
        assert refused.status_code == 400
        action.refresh_from_db()
        assert (action.due_on, action.title) == (past, "Contractmodel samen opstellen")

    def test_the_ladder(self, client, collaborator, outsider, assessment):
        action = make_action(assessment)
        url = _url("action-edit", assessment, action)
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(collaborator)
        assert client.get(url).status_code == 403
        assert client.post(url, _form(assessment, title="Nee")).status_code == 403
        action.refresh_from_db()
        assert action.title == "Samen de afspraken vastleggen"


class TestStatus:
    def test_a_change_is_kept_with_its_note(self, client, owner, assessment):
        action = make_action(assessment)
        client.force_login(owner)
        url = _url("action-status", assessment, action)
        response = client.post(url, {"status": "under_way", "note": "Eerste overleg"})
        assert response.status_code == 302
        response = client.post(url, {"status": "done", "note": ""})
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.status == "done"
        assert [(c.status, c.note) for c in action.history.all()] == [
            ("open", ""),
            ("under_way", "Eerste overleg"),
            ("done", ""),
        ]

    def test_closing_it_in_the_follow_up_closes_it_everywhere(
        self, client, owner, assessment, question_set
    ):
        action = make_action(assessment)
        follow_up = make_assessment(
            assessment.partnership, question_set, previous=assessment
        )
        actions_carry(actions=[action], into=follow_up)
        client.force_login(owner)
        url = _url("action-status", follow_up, action)
        assert client.post(url, {"status": "done"}).status_code == 302
        for scan in (assessment, follow_up):
            assert Action.objects.listed_under(scan).get().status == "done"

    @pytest.mark.parametrize(
        "data, message",
        [
            (
                {"status": "open"},
                "Choose another status, or write a note to add to the history.",
            ),
            ({"status": "finished"}, "Select a valid choice."),
            ({"status": "done", "note": "x" * 501}, "at most 500 characters"),
        ],
    )
    def test_bad_input_is_refused_with_a_reason(
        self, client, owner, assessment, data, message
    ):
        action = make_action(assessment)
        client.force_login(owner)
        response = client.post(_url("action-status", assessment, action), data, **EN)
        assert response.status_code == 400
        assert message in response.text
        action.refresh_from_db()
        assert action.status == "open" and action.history.count() == 1

    def test_the_ladder(self, client, collaborator, outsider, assessment):
        action = make_action(assessment)
        url = _url("action-status", assessment, action)
        client.force_login(outsider)
        assert client.get(url).status_code == 405
        assert client.post(url, {"status": "done"}).status_code == 404
        client.force_login(collaborator)
        assert client.post(url, {"status": "done"}).status_code == 403
        client.logout()
        assert client.post(url, {"status": "done"}).status_code == 302
        action.refresh_from_db()
        assert action.status == "open"


class TestDelete:
    def test_it_asks_first_and_deletes_on_confirmation(self, client, owner, assessment):
        action = make_action(assessment)
        client.force_login(owner)
        url = _url("action-delete", assessment, action)
        for asked in (client.get(url, **EN), client.post(url, **EN)):
            assert asked.status_code == 200
            assert "Delete the action" in asked.text
            assert 'name="confirmed" value="yes"' in asked.text
        assert Action.objects.exists()
        response = client.post(url, CONFIRMED)
        assert response.status_code == 302
        assert not Action.objects.exists()
        assert not ActionStatusChange.objects.exists()

    def test_it_says_a_carried_action_goes_from_every_scan(
        self, client, owner, assessment, question_set
    ):
        action = make_action(assessment)
        follow_up = make_assessment(
            assessment.partnership, question_set, previous=assessment
        )
        actions_carry(actions=[action], into=follow_up)
        client.force_login(owner)
        asked = client.get(_url("action-delete", follow_up, action), **EN)
        assert "It disappears from all 2 scans it is listed under." in asked.text

    def test_the_ladder(self, client, collaborator, outsider, assessment):
        action = make_action(assessment)
        url = _url("action-delete", assessment, action)
        assert client.post(url, CONFIRMED).status_code == 302  # to the login page
        client.force_login(outsider)
        assert client.post(url, CONFIRMED).status_code == 404
        client.force_login(collaborator)
        assert client.get(url).status_code == 403
        assert client.post(url, CONFIRMED).status_code == 403
        assert Action.objects.filter(pk=action.pk).exists()


class TestExport:
    def test_it_downloads_the_actions_as_csv(self, client, collaborator, assessment):
        make_action(assessment, title="=HYPERLINK(1)", dimension="RS4", person="Jan")
        client.force_login(collaborator)  # read-only sees the actions
        response = client.get(_url("action-export", assessment))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "actions" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 1
        assert rows[0]["title"] == "'=HYPERLINK(1)"
        assert (rows[0]["dimension"], rows[0]["owner"], rows[0]["status"]) == (
            "RS4",
            "Alfa",
            "open",
        )

    def test_the_ladder(self, client, outsider, assessment):
        url = _url("action-export", assessment)
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 405
