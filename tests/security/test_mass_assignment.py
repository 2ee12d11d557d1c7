"""Forged and extra POST fields (mass assignment) on every consultant and
participant form change only what the form is for."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import (
    Answer,
    Assessment,
    Collaboration,
    Partnership,
    Question,
    Respondent,
)
from assessments.questionsets import questionset_clone

from ..conftest import PASSWORD
from .helpers import _as_participant, _fingerprint, _login, _post_page_form

pytestmark = pytest.mark.django_db


# Fields no form of ours has, posted with values that would hand an attacker something.
def _forged(world, outsider):
    theirs = world["their_partnership"]
    return {
        "owner": outsider.pk,
        "user": outsider.pk,
        "partnership": theirs.pk,
        "assessment": world["their_assessment"].pk,
        "respondent": world["their_respondent"].pk,
        "previous": world["their_assessment"].pk,
        "submitted_at": "2001-01-01 00:00",
        "started_at": "2001-01-01 00:00",
        "closed_at": "2001-01-01 00:00",
        "archived_at": "2001-01-01 00:00",
        "status": "closed",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "",
        "is_group": "on",
        "token_hash": "0" * 64,
        "token_seed": "0" * 32,
        "username": "hijacked",
        "password": "hijacked-password",
        "id": "999",
        "pk": "999",
    }


def _their_world(world):
    """The outsider's objects and every account's rights: no form may touch them."""
    fingerprint = _fingerprint()
    theirs = world["their_partnership"].pk
    their_assessment = world["their_assessment"].pk
    return {
        "users": fingerprint["users"],
        "partnerships": [p for p in fingerprint["partnerships"] if p[0] == theirs],
        "assessments": [a for a in fingerprint["assessments"] if a[1] == theirs],
        "respondents": [
            r for r in fingerprint["respondents"] if r[1] == their_assessment
        ],
        "answers": list(
            Answer.objects.filter(respondent__assessment=their_assessment)
            .order_by("pk")
            .values_list("respondent", "question", "value")
        ),
    }


def _assert_done(response):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert b"is-invalid" not in response.content, "the form refused the post"


@pytest.fixture
def forger(client, world, owner, outsider):
    _login(client, owner)
    return client, _forged(world, outsider)


def test_creating_a_partnership_ignores_forged_fields(forger, world, owner):
    client, forged = forger
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:partnership-create"),
        **forged,
        **{"name": "Forged & Co", "organisations-0-name": "One"},
        **{"organisations-1-name": "Two"},
    )
    _assert_done(response)
    created = Partnership.objects.get(name="Forged & Co")
    assert created.owner == owner
    assert created.archived_at is None
    assert sorted(created.organisations.values_list("name", flat=True)) == [
        "One",
        "Two",
    ]
    assert _their_world(world) == before


def test_editing_a_partnership_ignores_forged_fields(forger, world, owner):
    client, forged = forger
    partnership = world["partnership"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:partnership-edit", args=[partnership.pk]),
        **forged,
        name="Renamed",
    )
    _assert_done(response)
    partnership.refresh_from_db()
    assert (partnership.name, partnership.owner, partnership.archived_at) == (
        "Renamed",
        owner,
        None,
    )
    assert _their_world(world) == before


def test_creating_a_scan_ignores_forged_fields(forger, world):
    client, forged = forger
    partnership = world["partnership"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:assessment-create", args=[partnership.pk]),
        **forged,
        title="Forged scan",
    )
    _assert_done(response)
    created = Assessment.objects.get(title="Forged scan")
    assert created.partnership == partnership
    assert created.status == Assessment.Status.OPEN
    assert created.previous_id in (None, world["assessment"].pk)
    assert created.closed_at is None
    assert _their_world(world) == before


def test_editing_a_scan_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment = world["assessment"]
    question_set = assessment.question_set_id
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:assessment-edit", args=[assessment.pk]),
        **forged,
        question_set="999",
        title="Edited",
    )
    _assert_done(response)
    assessment.refresh_from_db()
    assert assessment.title == "Edited"
    assert assessment.partnership == world["partnership"]
    assert assessment.status == Assessment.Status.OPEN
    assert assessment.question_set_id == question_set
    assert _their_world(world) == before


def _assert_plain_new_respondent(respondent, assessment):
    assert respondent.assessment == assessment
    assert respondent.organisation.partnership == assessment.partnership
    assert respondent.submitted_at is None and respondent.started_at is None
    assert not respondent.is_group
    assert respondent.token_hash != "0" * 64


def test_adding_a_respondent_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment = world["assessment"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:respondent-add", args=[assessment.pk]),
        **forged,
        label="Forged respondent",
        organisation=str(world["partnership"].organisations.first().pk),
    )
    _assert_done(response)
    _assert_plain_new_respondent(
        Respondent.objects.get(label="Forged respondent"), assessment
    )
    assert _their_world(world) == before


def test_a_respondent_cannot_be_put_in_another_partnerships_organisation(forger, world):
    client, _forged_fields = forger
    assessment = world["assessment"]
    foreign = world["their_partnership"].organisations.first()
    before = _fingerprint()
    response = _post_page_form(
        client,
        reverse("assessments:respondent-add", args=[assessment.pk]),
        label="Smuggled",
        organisation=str(foreign.pk),
    )
    assert response.status_code in (200, 400)
    assert _fingerprint() == before


def test_editing_a_respondent_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment, respondent = world["assessment"], world["respondent"]
    token_hash = respondent.token_hash
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:respondent-edit", args=[assessment.pk, respondent.pk]),
        **forged,
        label="Anna B.",
    )
    _assert_done(response)
    respondent.refresh_from_db()
    assert respondent.label == "Anna B."
    assert respondent.token_hash == token_hash
    assert respondent.submitted_at is None and not respondent.is_group
    assert respondent.assessment == assessment
    assert _their_world(world) == before


def test_pasting_respondents_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment = world["assessment"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:respondent-paste", args=[assessment.pk]),
        **forged,
        rows="Pasted One;;Alfa;nl\nPasted Two;;Beta;en",
    )
    _assert_done(response)
    for label in ("Pasted One", "Pasted Two"):
        _assert_plain_new_respondent(Respondent.objects.get(label=label), assessment)
    assert _their_world(world) == before


def test_adding_a_collaborator_ignores_forged_fields(forger, world, outsider):
    client, forged = forger
    partnership = world["partnership"]
    before = _their_world(world)
    forged.pop("user")
    response = _post_page_form(
        client,
        reverse("assessments:collaborator-add", args=[partnership.pk]),
        **forged,
        user=outsider.username,
    )
    _assert_done(response)
    added = Collaboration.objects.get(partnership=partnership, user=outsider)
    assert not added.can_edit or "can_edit" in response.request.get("QUERY_STRING", "")
    assert _their_world(world)["partnerships"] == before["partnerships"]
    assert not get_user_model().objects.filter(is_staff=True).exists()


def test_the_account_form_cannot_grant_rights_or_rename_the_login(forger, owner):
    client, forged = forger
    response = _post_page_form(
        client,
        reverse("assessments:account"),
        **forged,
        first_name="Olga",
        email="olga@example.org",
    )
    _assert_done(response)
    owner.refresh_from_db()
    assert owner.first_name == "Olga"
    assert (owner.username, owner.is_staff, owner.is_superuser, owner.is_active) == (
        "owner",
        False,
        False,
        True,
    )
    assert owner.check_password(PASSWORD)


def _participant_forgery(world, question):
    their = world["their_respondent"]
    return {
        "respondent": their.pk,
        "assessment": world["their_assessment"].pk,
        "submitted_at": "2001-01-01 00:00",
        "is_group": "on",
        "status": "closed",
        # The workshop's per-respondent prefix, aimed at someone else's answers.
        f"r{their.pk}-q-{question.pk}": "1",
    }


@pytest.mark.parametrize("view", ["questionnaire-save", "questionnaire-step"])
def test_a_participants_post_changes_only_their_own_answers(client, world, view):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    question = Question.objects.filter(
        dimension__question_set=respondent.assessment.question_set
    ).order_by("dimension__position", "position")[0]
    before = _their_world(world)
    args = [1] if view == "questionnaire-step" else []
    response = client.post(
        reverse(f"assessments:{view}", args=args),
        {f"q-{question.pk}": "1", **_participant_forgery(world, question)},
    )
    assert response.status_code in (200, 302)
    assert Answer.objects.get(respondent=respondent, question=question).value == 1
    respondent.refresh_from_db()
    assert respondent.submitted_at is None and not respondent.is_group
    assert respondent.assessment == world["assessment"]
    assert Assessment.objects.get(pk=world["assessment"].pk).status == "open"
    assert _their_world(world) == before


def test_a_participant_cannot_answer_a_question_outside_their_scan(
    client, world, question_set
):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    other_set = questionset_clone(question_set=question_set)
    foreign = Question.objects.filter(dimension__question_set=other_set).first()
    before = _fingerprint()
    response = client.post(
        reverse("assessments:questionnaire-save"), {f"q-{foreign.pk}": "2"}
    )
    assert response.status_code == 400
    assert _fingerprint() == before


def test_a_workshop_post_cannot_reach_a_respondent_outside_its_groups(
    client, world, owner
):
    _login(client, owner)
    assessment = world["assessment"]
    assert (
        client.post(
            reverse("assessments:workshop-start", args=[assessment.pk])
        ).status_code
        == 302
    )
    question = Question.objects.filter(
        dimension__question_set=assessment.question_set
    ).first()
    before = _fingerprint()
    for target in (world["respondent"], world["their_respondent"]):
        response = client.post(
            reverse("assessments:workshop-save", args=[assessment.pk]),
            {f"r{target.pk}-q-{question.pk}": "1"},
        )
        assert response.status_code == 400
    assert _fingerprint() == before
