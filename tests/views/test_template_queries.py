"""Templates make no queries: the views hand them evaluated data (issue 12).

A query in a template hides in a loop (`{{ follow_up }}` naming its partnership)
and escapes the view's query-count tests; this test spies on the rendering alone.
"""

import pytest
from django import shortcuts
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.actions.writes import actions_carry
from assessments.models import OutgoingMail
from tests.conftest import answer_all, make_action, make_assessment, make_respondent

pytestmark = pytest.mark.django_db

# The one query allowed: the add-respondent form's organisation <select> (a
# ModelChoiceField reads its choices as it renders; that is the form's, not the
# template's).
FORM_CHOICES = "assessments_organisation"


@pytest.fixture
def template_queries(monkeypatch):
    """{template name: [sql]} of the queries made while rendering it."""
    real = shortcuts.loader.render_to_string
    seen = {}

    def spy(name, context=None, request=None, using=None):
        with CaptureQueriesContext(connection) as queries:
            text = real(name, context, request, using)
        seen[name] = [query["sql"] for query in queries.captured_queries]
        return text

    monkeypatch.setattr(shortcuts.loader, "render_to_string", spy)
    return seen


def test_the_workspace_pages_render_without_queries(
    client, owner, assessment, template_queries
):
    partnership = assessment.partnership
    for organisation in partnership.organisations.all():
        person = make_respondent(assessment, organisation, submitted_at=timezone.now())
        answer_all(person)
    # Untitled scans name their partnership: a query per scan, unless loaded.
    follow_up = make_assessment(
        partnership, assessment.question_set, title="", previous=assessment
    )
    waiting = make_respondent(follow_up, label="Waiting", email="w@example.org")
    failed = make_respondent(follow_up, label="Failed", email="f@example.org")
    # E-mail states with their reasons: put into words by the view, not the page.
    for person, status in ((waiting, "queued"), (failed, "failed")):
        OutgoingMail.objects.create(
            kind="invitation",
            status=status,
            last_error="unreachable: Connection refused",
            assessment=follow_up,
            respondent=person,
            sender=owner,
        )
    # Agreed actions with owners, carried and not, on every page that lists them.
    action = make_action(assessment, dimension="RS4", person="Jan")
    make_action(follow_up, jointly=True, owners=[])
    actions_carry(actions=[action], into=follow_up)
    client.force_login(owner)
    pages = {
        "assessments:dashboard": [],
        "assessments:partnership-detail": [partnership.pk],
        "assessments:assessment-detail": [follow_up.pk],
        "assessments:assessment-results": [follow_up.pk],
        "assessments:respondent-paste": [follow_up.pk],
        "assessments:action-detail": [follow_up.pk, action.pk],
    }
    for name, args in pages.items():
        template_queries.clear()
        assert client.get(reverse(name, args=args)).status_code == 200
        for template, queries in template_queries.items():
            if template == "assessments/show_assessment.html":
                assert len(queries) == 1 and FORM_CHOICES in queries[0], queries
            else:
                assert queries == [], (template, queries)
