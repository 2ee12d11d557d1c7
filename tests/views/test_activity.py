"""A partnership's activity (the audit trail in words): on its page and on a page
of its own, for the owner alone."""

import pytest
from django.urls import reverse

from assessments.audit import Event, audit_event
from assessments.models import AuditEvent, Collaboration

from ..conftest import CONFIRMED, make_respondent, make_user

pytestmark = pytest.mark.django_db


def _activity(partnership):
    return reverse("assessments:partnership-activity", args=[partnership.pk])


def _detail(partnership):
    return reverse("assessments:partnership-detail", args=[partnership.pk])


def _named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def _opened_by(client, user, assessment, language="nl"):
    client.force_login(user)
    client.get(
        reverse("assessments:assessment-results", args=[assessment.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )


class TestOnThePartnershipPage:
    def test_the_owner_reads_who_opened_the_results_in_dutch_and_english(
        self, client, owner, collaborator, assessment
    ):
        assessment.title = "Scan 2026"
        assessment.save()
        _opened_by(client, _named(collaborator, "Anna", "Jansen"), assessment)
        client.force_login(owner)
        dutch = client.get(_detail(assessment.partnership)).text
        assert "Activiteit" in dutch
        assert "Anna Jansen opende de resultaten van Scan 2026." in dutch
        english = client.get(
            _detail(assessment.partnership), HTTP_ACCEPT_LANGUAGE="en"
        ).text
        assert "Anna Jansen opened the results of Scan 2026." in english

    def test_collaborators_do_not_see_the_trail(
        self, client, owner, collaborator, assessment
    ):
        _opened_by(client, owner, assessment)
        client.force_login(collaborator)
        page = client.get(_detail(assessment.partnership))
        assert page.status_code == 200
        assert 'id="activity-heading"' not in page.text

    def test_it_shows_the_newest_five_and_links_to_the_rest(
        self, client, owner, assessment
    ):
        for _ in range(6):
            audit_event(owner, Event.RESULTS_OPENED, assessment)
        client.force_login(owner)
        page = client.get(_detail(assessment.partnership)).text
        assert page.count("opende de resultaten") == 5
        assert _activity(assessment.partnership) in page

    def test_the_query_count_does_not_grow_with_the_trail(
        self, client, owner, assessment, django_assert_max_num_queries
    ):
        respondents = [make_respondent(assessment) for _ in range(3)]
        client.force_login(owner)
        audit_event(owner, Event.RESULTS_OPENED, assessment)
        audit_event(owner, Event.LINK_REVOKED, respondents[0])
        with django_assert_max_num_queries(15) as few:
            client.get(_detail(assessment.partnership))
        colleague = make_user("colleague")
        for respondent in respondents:
            audit_event(colleague, Event.LINK_REISSUED, respondent)
            audit_event(None, Event.SHARED_LINK_OPENED, assessment)
            audit_event(
                owner,
                Event.COLLABORATOR_ADDED,
                assessment.partnership,
                user=colleague.pk,
            )
        with django_assert_max_num_queries(len(few.captured_queries) + 1):
            client.get(_detail(assessment.partnership))


class TestActivityPage:
    def test_it_lists_everything_newest_first_in_words(
        self, client, owner, partnership, assessment, respondent
    ):
        client.force_login(owner)
        client.post(
            reverse(
                "assessments:respondent-revoke", args=[assessment.pk, respondent.pk]
            ),
            CONFIRMED,
        )
        _opened_by(client, owner, assessment)
        page = client.get(_activity(partnership), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        lines = page.context["lines"]
        assert [line.event for line in lines] == [
            Event.RESULTS_OPENED,
            Event.LINK_REVOKED,
        ]
        assert lines[1].sentence == (f"owner revoked the link of Anna in {assessment}.")

    def test_erased_objects_and_accounts_read_as_deleted(
        self, client, owner, partnership, assessment, respondent
    ):
        colleague = make_user("colleague")
        audit_event(colleague, Event.LINK_REVOKED, respondent)
        respondent.delete()
        colleague.delete()
        client.force_login(owner)
        page = client.get(_activity(partnership), HTTP_ACCEPT_LANGUAGE="en")
        assert "A deleted account revoked the link of a deleted respondent" in (
            page.text
        )

    def test_it_is_paginated(self, client, owner, partnership, assessment):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=owner,
                event=Event.RESULTS_OPENED,
                partnership_id=partnership.pk,
                assessment_id=assessment.pk,
                object_type="assessment",
                object_id=assessment.pk,
            )
            for _ in range(30)
        )
        client.force_login(owner)
        first = client.get(_activity(partnership))
        assert len(first.context["lines"]) == 25
        second = client.get(_activity(partnership), {"page": 2})
        assert len(second.context["lines"]) == 5
        assert client.get(_activity(partnership), {"page": "x"}).status_code == 200

    def test_another_partnerships_trail_is_not_mixed_in(
        self, client, owner, partnership, other_respondent
    ):
        audit_event(
            other_respondent.assessment.partnership.owner,
            Event.RESULTS_OPENED,
            other_respondent.assessment,
        )
        client.force_login(owner)
        assert client.get(_activity(partnership)).context["lines"] == []

    def test_it_requires_login(self, client, partnership):
        response = client.get(_activity(partnership))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_an_outsider_gets_404(self, client, outsider, partnership):
        client.force_login(outsider)
        assert client.get(_activity(partnership)).status_code == 404

    @pytest.mark.parametrize("can_edit", [False, True])
    def test_collaborators_get_403(self, client, collaborator, partnership, can_edit):
        Collaboration.objects.filter(user=collaborator).update(can_edit=can_edit)
        client.force_login(collaborator)
        assert client.get(_activity(partnership)).status_code == 403

    def test_it_refuses_post(self, client, owner, partnership):
        client.force_login(owner)
        assert client.post(_activity(partnership)).status_code == 405
