"""The counts agree with each other: one rule per count, the same on every page.

A scan with a mix of respondents (not invited, without an e-mail address, invited
and not started, opened without answering, busy, submitted, a workshop group) is
rendered on the assessment page, the dashboard, the partnership page and the
results page; every count must follow the rules in assessments/workspace/progress.py.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, Question, Respondent
from assessments.questionnaire import workshop_finish, workshop_start
from assessments.workspace import invitations
from assessments.workspace.progress import (
    BUSY,
    NOT_STARTED,
    SUBMITTED,
    WORKSHOP_FINISHED,
    WORKSHOP_NONE,
    WORKSHOP_OPEN,
    assessment_progress,
)

from .conftest import CONFIRMED, answer_all, make_respondent, run_tasks

pytestmark = pytest.mark.django_db


def _answer(respondent, how_many):
    questions = Question.objects.filter(
        dimension__question_set=respondent.assessment.question_set
    ).order_by("dimension__position", "position")[:how_many]
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=3) for q in questions
    )


@pytest.fixture
def mix(assessment):
    """Alfa: six people in every state; Beta: one person and a workshop group."""
    alfa, beta = assessment.partnership.organisations.order_by("position")
    now = timezone.now()
    people = {
        "new": make_respondent(assessment, alfa, "Nieuw", email="n@example.org"),
        "no_email": make_respondent(assessment, alfa, "Zonder mail"),
        "invited": make_respondent(
            assessment, alfa, "Uitgenodigd", email="u@example.org", invited_at=now
        ),
        "opened": make_respondent(
            assessment,
            alfa,
            "Geopend",
            email="g@example.org",
            invited_at=now,
            started_at=now,
        ),
        "busy": make_respondent(
            assessment, alfa, "Bezig", email="b@example.org", started_at=now
        ),
        "submitted": make_respondent(
            assessment,
            alfa,
            "Klaar",
            email="k@example.org",
            invited_at=now,
            started_at=now,
            submitted_at=now,
        ),
        "beta": make_respondent(
            assessment, beta, "Beta-mens", email="bm@example.org", invited_at=now
        ),
    }
    _answer(people["busy"], 3)
    answer_all(people["submitted"])
    _answer(people["beta"], 1)
    groups = workshop_start(assessment=assessment)
    for group in groups:
        _answer(group, 2)
    people["groups"] = groups
    return people


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def _assessment_page(client, owner, assessment):
    url = reverse("assessments:assessment-detail", args=[assessment.pk])
    return _page(client, owner, url)


def _row(html, label):
    """The table row of one respondent on the assessment page."""
    match = re.search(r"<tr>\s*<td>\s*" + re.escape(label) + r".*?</tr>", html, re.S)
    assert match, label
    return match.group(0)


# --- started: at least one statement answered; opening the link is not starting --


def test_opening_the_link_is_not_starting(mix, assessment):
    started = set(assessment.respondents.started().values_list("label", flat=True))
    assert "Geopend" not in started
    assert {"Bezig", "Klaar", "Beta-mens"} <= started
    progress = assessment_progress(assessment)
    status = {
        r.label: r.status for o in progress["organisations"] for r in o.respondents
    }
    assert status["Geopend"] == NOT_STARTED
    assert status["Bezig"] == BUSY
    assert status["Klaar"] == SUBMITTED


def test_the_assessment_page_shows_an_opened_link_as_not_started(
    client, owner, mix, assessment
):
    html = _assessment_page(client, owner, assessment)
    row = _row(html, "Geopend")
    assert "niet begonnen" in row
    assert "bezig" not in row
    assert "link geopend op" in row


def test_started_and_submitted_agree_on_every_page(client, owner, mix, assessment):
    started = assessment.respondents.started().count()
    submitted = assessment.respondents.submitted().count()
    total = assessment.respondents.count()
    # Bezig, Klaar, Beta-mens and the two workshop groups.
    assert (started, submitted, total) == (5, 1, 9)
    counted = Assessment.objects.with_progress().get(pk=assessment.pk)
    assert counted.respondents_started == started
    assert counted.respondents_submitted == submitted
    assert counted.respondents_total == total

    progress = assessment_progress(assessment)
    busy = sum(o.busy for o in progress["organisations"])
    done = sum(o.submitted for o in progress["organisations"])
    assert (busy + done, done) == (started, submitted)

    dashboard = _page(client, owner, reverse("assessments:dashboard"))
    assert f"{submitted} van {total} ingeleverd" in dashboard
    partnership_page = _page(
        client,
        owner,
        reverse("assessments:partnership-detail", args=[assessment.partnership_id]),
    )
    assert f"{submitted} van {total} ingeleverd" in partnership_page

    results = _page(
        client, owner, reverse("assessments:assessment-results", args=[assessment.pk])
    )
    totals = re.search(r"<tfoot>.*?</tfoot>", results, re.S).group(0)
    cells = re.findall(r'<td class="text-end">(\d+)</td>', totals)
    assert cells[:3] == [str(total), str(started), str(submitted)]


# --- invited, not yet invited, remindable ------------------------------------------


def test_not_yet_invited_counts_exactly_the_rows_that_say_so(
    client, owner, mix, assessment
):
    html = _assessment_page(client, owner, assessment)
    not_yet = [
        label
        for label in Respondent.objects.filter(assessment=assessment).values_list(
            "label", flat=True
        )
        if "nog niet</span>" in _row(html, label)
    ]
    # Bezig opened a copied link and has an address: an invitation can still go.
    assert sorted(not_yet) == ["Bezig", "Nieuw"]
    assert "Uitnodigingen mailen (2 nog niet uitgenodigd)" in html
    assert "geen e-mailadres" in _row(html, "Zonder mail")
    assert "niet per e-mail" not in _row(html, "Klaar")  # e-mailed before


def test_the_reminder_button_counts_whom_it_reminds(client, owner, mix, assessment):
    html = _assessment_page(client, owner, assessment)
    # Uitgenodigd, Geopend and Beta-mens: invited, not submitted, with an address.
    assert "Herinneringen sturen (3 uitgenodigd, niet ingeleverd)" in html
    assert invitations.remindable(assessment).count() == 3
    assert html.count(">Herinneren<") == 3
    client.post(
        reverse("assessments:assessment-remind", args=[assessment.pk]), CONFIRMED
    )
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bm@example.org",
        "g@example.org",
        "u@example.org",
    ]


def test_the_invitation_button_sends_what_it_counts(client, owner, mix, assessment):
    assert invitations.invitable(assessment).count() == 2
    client.force_login(owner)
    client.post(
        reverse("assessments:assessment-invite", args=[assessment.pk]), CONFIRMED
    )
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.org", "n@example.org"]


# --- workshop groups -----------------------------------------------------------------


def test_a_workshop_group_is_shown_as_a_group_without_link_actions(
    client, owner, mix, assessment
):
    html = _assessment_page(client, owner, assessment)
    group = mix["groups"][0]
    row = _row(html, group.label)
    assert "Workshopgroep" in row
    assert "Link ingetrokken" not in row
    assert "Nieuwe link" not in row
    assert "Intrekken" not in row
    assert "nog niet" not in row
    assert "bezig (2 van" in row


@pytest.mark.parametrize("action", ["respondent-replace-link", "respondent-revoke"])
def test_a_workshop_group_gets_no_link(client, owner, mix, assessment, action):
    group = mix["groups"][0]
    client.force_login(owner)
    client.post(reverse(f"assessments:{action}", args=[assessment.pk, group.pk]))
    group.refresh_from_db()
    assert group.token_hash is None


def test_the_workshop_button_follows_the_workshop(client, owner, assessment):
    make_respondent(assessment, email="a@example.org")
    assert assessment_progress(assessment)["workshop"] == WORKSHOP_NONE
    assert "Workshop starten" in _assessment_page(client, owner, assessment)
    workshop_start(assessment=assessment)
    assert assessment_progress(assessment)["workshop"] == WORKSHOP_OPEN
    assert "Verder met de workshop" in _assessment_page(client, owner, assessment)
    workshop_finish(assessment=assessment)
    assert assessment_progress(assessment)["workshop"] == WORKSHOP_FINISHED
    html = _assessment_page(client, owner, assessment)
    assert "Verder met de workshop" not in html
    assert "Workshop afgerond" in html
    assert "Workshop bekijken of heropenen" in html


# --- queries stay constant -----------------------------------------------------------


def test_the_states_cost_no_query_per_row(assessment, django_assert_num_queries):
    for n in range(3):
        make_respondent(assessment, email=f"p{n}@example.org")
    with django_assert_num_queries(4) as few:
        assessment_progress(assessment)
    for n in range(3, 12):
        make_respondent(assessment, email=f"p{n}@example.org")
    with django_assert_num_queries(len(few.captured_queries)):
        assessment_progress(assessment)
