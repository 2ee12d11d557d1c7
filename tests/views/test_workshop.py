"""Workshop mode ("samen invullen"): the partners answer side by side on one screen."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, DimensionComment, Respondent
from assessments.questionnaire import questionnaire_steps
from tests.conftest import CONFIRMED, PASSWORD, make_respondent

pytestmark = pytest.mark.django_db


def url(name, assessment, *args):
    return reverse(f"assessments:workshop-{name}", args=[assessment.pk, *args])


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def consultant(client, owner):
    return login(client, owner)


@pytest.fixture
def groups(consultant, assessment):
    consultant.post(url("start", assessment))
    return list(
        Respondent.objects.filter(assessment=assessment, is_group=True).order_by(
            "organisation__position"
        )
    )


def steps_of(assessment):
    return questionnaire_steps(assessment.question_set)


def values(group):
    return dict(
        Answer.objects.filter(respondent=group).values_list("question_id", "value")
    )


def field(group, question):
    return f"r{group.pk}-q-{question.pk}"


# --- the ladder ---------------------------------------------------------------


def test_starting_creates_one_group_per_organisation_and_opens_step_one(
    consultant, assessment
):
    response = consultant.post(url("start", assessment))
    assert response.status_code == 302
    assert response.url == url("step", assessment, 1)
    created = Respondent.objects.filter(assessment=assessment, is_group=True)
    assert sorted(created.values_list("label", flat=True)) == [
        "Alfa (workshop)",
        "Beta (workshop)",
    ]
    assert all(group.started_at for group in created)
    assert all(group.token_hash is None for group in created)  # no link to leak


def test_starting_twice_is_harmless(consultant, assessment):
    consultant.post(url("start", assessment))
    consultant.post(url("start", assessment))
    assert Respondent.objects.filter(assessment=assessment, is_group=True).count() == 2


def test_a_label_already_taken_gets_a_number(consultant, assessment):
    make_respondent(assessment, label="Alfa (workshop)")
    consultant.post(url("start", assessment))
    labels = set(
        Respondent.objects.filter(assessment=assessment, is_group=True).values_list(
            "label", flat=True
        )
    )
    assert labels == {"Alfa (workshop) 2", "Beta (workshop)"}


def test_workshop_pages_require_login(client, assessment):
    for response in (
        client.post(url("start", assessment)),
        client.get(url("step", assessment, 1)),
        client.post(url("save", assessment)),
        client.get(url("review", assessment)),
        client.post(url("finish", assessment)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_outsider_finds_nothing(client, outsider, assessment, groups):
    login(client, outsider)
    assert client.post(url("start", assessment)).status_code == 404
    assert client.get(url("step", assessment, 1)).status_code == 404
    assert client.get(url("review", assessment)).status_code == 404
    question = steps_of(assessment)[0].questions[0]
    response = client.post(url("save", assessment), {field(groups[0], question): "3"})
    assert response.status_code == 404
    assert values(groups[0]) == {}


def test_a_read_only_collaborator_may_not_run_a_workshop(
    client, collaborator, assessment, groups
):
    login(client, collaborator)
    assert client.post(url("start", assessment)).status_code == 403
    assert client.get(url("step", assessment, 1)).status_code == 403
    question = steps_of(assessment)[0].questions[0]
    response = client.post(url("save", assessment), {field(groups[0], question): "3"})
    assert response.status_code == 403
    assert client.get(url("finish", assessment)).status_code == 403
    assert client.post(url("finish", assessment), CONFIRMED).status_code == 403
    assert values(groups[0]) == {}
    assert not any(g.submitted_at for g in Respondent.objects.filter(is_group=True))


def test_an_outsider_cannot_finish(client, outsider, assessment, groups):
    login(client, outsider)
    assert client.get(url("finish", assessment)).status_code == 404
    assert client.post(url("finish", assessment), CONFIRMED).status_code == 404
    assert not any(g.submitted_at for g in Respondent.objects.filter(is_group=True))


def test_start_save_and_reopen_only_accept_post(consultant, assessment):
    assert consultant.get(url("start", assessment)).status_code == 405
    assert consultant.get(url("save", assessment)).status_code == 405
    assert consultant.get(url("reopen", assessment)).status_code == 405
    assert not Respondent.objects.filter(assessment=assessment).exists()


def test_a_step_before_the_start_offers_to_start(consultant, assessment):
    response = consultant.get(url("step", assessment, 1))
    assert response.status_code == 200
    assert url("start", assessment) in response.text


# --- answering side by side ------------------------------------------------------


def test_a_step_shows_one_answer_row_per_organisation(consultant, assessment, groups):
    response = consultant.get(url("step", assessment, 2))
    assert response.status_code == 200
    text = response.text
    step = steps_of(assessment)[1]
    # One fieldset per statement plus one per organisation inside it.
    assert text.count("<fieldset") == len(step.questions) * 3
    assert text.count('<legend class="org-name">Alfa</legend>') == len(step.questions)
    assert text.count('<legend class="org-name">Beta</legend>') == len(step.questions)
    question = step.questions[0]
    for group in groups:
        assert f'name="{field(group, question)}"' in text
    assert "Stap 2 van 14" in text
    assert "style=" not in text


def test_autosave_stores_each_organisations_answers_and_marks_differences(
    consultant, assessment, groups
):
    alfa, beta = groups
    first, second = steps_of(assessment)[0].questions[:2]
    response = consultant.post(
        url("save", assessment),
        {
            field(alfa, first): "2",
            field(beta, first): "4",
            field(alfa, second): "3",
            field(beta, second): "4",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Opgeslagen om" in response.text
    assert values(alfa) == {first.pk: 2, second.pk: 3}
    assert values(beta) == {first.pk: 4, second.pk: 4}
    text = response.text
    marked = text.split(f'id="diff-{first.pk}"')[1].split("</span>\n")[0]
    assert "Verschil: 2 punten uit elkaar" in marked
    unmarked = text.split(f'id="diff-{second.pk}"')[1].split('<span id="diff')[0]
    assert "Verschil" not in unmarked
    page = consultant.get(url("step", assessment, 1)).text
    assert page.count("Verschil: 2 punten uit elkaar") == 1


def test_weet_niet_never_counts_as_a_difference(consultant, assessment, groups):
    alfa, beta = groups
    question = steps_of(assessment)[0].questions[0]
    response = consultant.post(
        url("save", assessment),
        {field(alfa, question): "na", field(beta, question): "5"},
    )
    assert "Verschil:" not in response.text
    assert values(alfa) == {question.pk: None}


def test_a_comment_per_organisation_is_kept(consultant, assessment, groups):
    alfa, beta = groups
    dimension = steps_of(assessment)[0].dimension
    consultant.post(
        url("save", assessment),
        {
            f"r{alfa.pk}-c-{dimension.pk}": "Alfa twijfelt.",
            f"r{beta.pk}-c-{dimension.pk}": "",
        },
    )
    assert DimensionComment.objects.get(respondent=alfa).text == "Alfa twijfelt."
    assert not DimensionComment.objects.filter(respondent=beta).exists()


def test_a_plain_post_saves_and_moves_on(consultant, assessment, groups):
    alfa, beta = groups
    step = steps_of(assessment)[0]
    data = {field(g, q): "3" for g in groups for q in step.questions}
    response = consultant.post(url("step", assessment, 1), {**data, "nav": "next"})
    assert response.status_code == 302
    assert response.url == url("step", assessment, 2)
    assert values(alfa) == {q.pk: 3 for q in step.questions}
    pause = consultant.post(url("step", assessment, 2), {"nav": "pause"})
    assert pause.url == reverse("assessments:assessment-detail", args=[assessment.pk])
    back = consultant.post(url("step", assessment, 2), {"nav": "back"})
    assert back.url == url("step", assessment, 1)
    last = consultant.post(url("step", assessment, 14), {"nav": "next"})
    assert last.url == url("review", assessment)


def test_the_session_resumes_at_the_first_incomplete_step(
    consultant, assessment, groups
):
    steps = steps_of(assessment)
    alfa, beta = groups
    Answer.objects.bulk_create(
        Answer(respondent=g, question=q, value=3)
        for g in groups
        for step in steps[:2]
        for q in step.questions
    )
    # Alfa went on to step 3 alone; Beta has not answered it yet.
    Answer.objects.bulk_create(
        Answer(respondent=alfa, question=q, value=3) for q in steps[2].questions
    )
    assert consultant.post(url("start", assessment)).url == url("step", assessment, 3)


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "6", "x"])
def test_a_value_outside_the_scale_changes_nothing(
    consultant, assessment, groups, value
):
    alfa, beta = groups
    question = steps_of(assessment)[0].questions[0]
    response = consultant.post(
        url("save", assessment),
        {field(alfa, question): "4", field(beta, question): value},
    )
    assert response.status_code == 400
    assert "Kies een waarde van 1 tot 5" in response.text
    assert values(alfa) == {} and values(beta) == {}
    page = consultant.post(
        url("step", assessment, 1),
        {field(alfa, question): "4", field(beta, question): value, "nav": "next"},
    )
    assert page.status_code == 400
    assert f'id="{field(beta, question)}-error"' in page.text
    assert values(alfa) == {}


def test_answers_for_someone_outside_the_workshop_change_nothing(
    consultant, assessment, groups, respondent, other_respondent
):
    question = steps_of(assessment)[0].questions[0]
    for outsider in (respondent, other_respondent):
        response = consultant.post(
            url("save", assessment),
            {field(groups[0], question): "4", field(outsider, question): "1"},
        )
        assert response.status_code == 400
        assert "horen niet bij deze scan" in response.text
    assert not Answer.objects.exists()


def test_a_closed_scan_cannot_be_started_or_answered(consultant, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status="closed")
    response = consultant.post(url("start", assessment), follow=True)
    assert "gesloten" in response.text
    assert not Respondent.objects.filter(assessment=assessment).exists()


def test_closing_during_a_workshop_stops_saving(consultant, assessment, groups):
    Assessment.objects.filter(pk=assessment.pk).update(status="closed")
    question = steps_of(assessment)[0].questions[0]
    response = consultant.post(
        url("save", assessment), {field(groups[0], question): "4"}
    )
    assert response.status_code == 409
    assert "gesloten" in response.text
    assert values(groups[0]) == {}


# --- review and finish -----------------------------------------------------------


def test_the_review_shows_both_views_and_what_is_missing(
    consultant, assessment, groups
):
    alfa, beta = groups
    question = steps_of(assessment)[0].questions[0]
    Answer.objects.create(respondent=alfa, question=question, value=1)
    Answer.objects.create(respondent=beta, question=question, value=5)
    text = consultant.get(url("review", assessment)).text
    assert '<th scope="col">Alfa</th>' in text
    assert "Helemaal oneens" in text and "Helemaal eens" in text
    assert "84 stellingen zijn nog niet door elke organisatie beantwoord" in text
    assert text.count('<span aria-hidden="true">⚠</span> Verschil</span>') == 1
    # Back goes to the first statement an organisation has not answered yet.
    second = steps_of(assessment)[0].questions[1]
    first_open = f'href="{url("step", assessment, 1)}#s-{second.pk}"'
    assert f"{first_open}>Naar de eerste open stelling" in text


def test_the_review_goes_back_to_the_last_step_when_all_is_answered(
    consultant, assessment, groups
):
    questions = [q for step in steps_of(assessment) for q in step.questions]
    Answer.objects.bulk_create(
        Answer(respondent=group, question=q, value=3)
        for group in groups
        for q in questions
    )
    text = consultant.get(url("review", assessment)).text
    assert f'href="{url("step", assessment, 14)}">Terug naar de laatste stap' in text


def test_finishing_asks_first_and_says_what_is_open(consultant, assessment, groups):
    question = steps_of(assessment)[0].questions[0]
    Answer.objects.create(respondent=groups[0], question=question, value=1)
    for response in (
        consultant.get(url("finish", assessment)),
        consultant.post(url("finish", assessment)),
    ):
        assert response.status_code == 200
        assert "Workshop afronden?" in response.text
        assert "85 van 85 stellingen zijn nog niet door elke organisatie" in (
            response.text
        )
        assert f'href="{url("step", assessment, 1)}#s-{question.pk}"' in response.text
        assert f'href="{url("review", assessment)}"' in response.text
    assert not any(g.submitted_at for g in Respondent.objects.filter(is_group=True))


def test_finishing_locks_every_groups_answers(consultant, assessment, groups):
    question = steps_of(assessment)[0].questions[0]
    consultant.post(url("save", assessment), {field(groups[0], question): "2"})
    response = consultant.post(url("finish", assessment), CONFIRMED, follow=True)
    assert "afgerond" in response.text
    assert all(g.submitted_at for g in Respondent.objects.filter(is_group=True))
    refused = consultant.post(
        url("save", assessment), {field(groups[0], question): "5"}
    )
    assert refused.status_code == 409
    assert values(groups[0]) == {question.pk: 2}
    # Finished already: nothing to ask, finishing again is harmless.
    again = consultant.post(url("finish", assessment))
    assert again.status_code == 302
    assert consultant.post(url("start", assessment)).url == url("review", assessment)


def test_a_finished_workshop_can_be_reopened_and_keeps_its_answers(
    consultant, assessment, groups, respondent
):
    question = steps_of(assessment)[0].questions[0]
    consultant.post(url("save", assessment), {field(groups[0], question): "2"})
    consultant.post(url("finish", assessment), CONFIRMED)
    # An individual respondent's submission is not the workshop's to unlock.
    Respondent.objects.filter(pk=respondent.pk).update(submitted_at=timezone.now())
    review = consultant.get(url("review", assessment))
    assert url("reopen", assessment) in review.text

    response = consultant.post(url("reopen", assessment), follow=True)
    assert "weer open" in response.text
    assert not Respondent.objects.filter(is_group=True, submitted_at__isnull=False)
    assert Respondent.objects.get(pk=respondent.pk).submitted_at is not None
    assert values(groups[0]) == {question.pk: 2}
    saved = consultant.post(url("save", assessment), {field(groups[0], question): "5"})
    assert saved.status_code == 200
    assert values(groups[0]) == {question.pk: 5}
    # Reopening an open workshop changes nothing and says nothing.
    again = consultant.post(url("reopen", assessment), follow=True)
    assert "weer open" not in again.text


def test_a_closed_scans_workshop_cannot_be_reopened(consultant, assessment, groups):
    consultant.post(url("finish", assessment), CONFIRMED)
    Assessment.objects.filter(pk=assessment.pk).update(status="closed")
    assert (
        url("reopen", assessment) not in consultant.get(url("review", assessment)).text
    )
    response = consultant.post(url("reopen", assessment), follow=True)
    assert "gesloten" in response.text
    assert all(g.submitted_at for g in Respondent.objects.filter(is_group=True))


def test_reopening_is_for_editors_only(
    client, collaborator, outsider, assessment, groups
):
    client.post(url("finish", assessment), CONFIRMED)
    client.logout()
    login(client, collaborator)
    assert client.post(url("reopen", assessment)).status_code == 403
    login(client, outsider)
    assert client.post(url("reopen", assessment)).status_code == 404
    assert all(g.submitted_at for g in Respondent.objects.filter(is_group=True))


# --- query counts ------------------------------------------------------------------


def test_a_workshop_step_costs_a_fixed_number_of_queries(
    consultant, assessment, groups, django_assert_num_queries
):
    steps = steps_of(assessment)
    Answer.objects.bulk_create(
        Answer(respondent=g, question=q, value=3)
        for g in groups
        for step in steps
        for q in step.questions
    )
    # session, user, assessment, groups, answers, comments (the owner needs no
    # rights query; the locked set's structure is cached)
    with django_assert_num_queries(6):
        assert consultant.get(url("step", assessment, 1)).status_code == 200
    with django_assert_num_queries(6):
        assert consultant.get(url("step", assessment, 9)).status_code == 200
