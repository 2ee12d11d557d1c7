"""The database itself refuses what the domain forbids (named constraints)."""

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Answer, Question, QuestionSet, Respondent

from .conftest import make_respondent

pytestmark = pytest.mark.django_db


def _question(question_set):
    return Question.objects.filter(dimension__question_set=question_set).first()


@pytest.mark.parametrize("value", [0, 6, 99])
def test_the_database_refuses_an_answer_outside_1_to_5(respondent, value):
    question = _question(respondent.assessment.question_set)
    with pytest.raises(IntegrityError, match="(?i)value_range|check"):
        with transaction.atomic():
            Answer.objects.create(respondent=respondent, question=question, value=value)
    assert not Answer.objects.exists()


@pytest.mark.parametrize("value", [1, 5, None])
def test_the_database_accepts_the_scale_and_dont_know(respondent, value):
    question = _question(respondent.assessment.question_set)
    Answer.objects.create(respondent=respondent, question=question, value=value)
    assert Answer.objects.get().value == value


def test_the_database_refuses_a_second_answer_to_the_same_question(respondent):
    question = _question(respondent.assessment.question_set)
    Answer.objects.create(respondent=respondent, question=question, value=3)
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Answer.objects.create(respondent=respondent, question=question, value=4)
    assert Answer.objects.get().value == 3


def test_a_duplicate_email_in_one_assessment_is_refused(assessment):
    make_respondent(assessment, label="A", email="same@example.org")
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            make_respondent(assessment, label="B", email="same@example.org")


def test_respondents_without_email_do_not_collide(assessment):
    make_respondent(assessment, label="A")
    make_respondent(assessment, label="B")
    assert assessment.respondents.count() == 2


def test_one_workshop_group_per_organisation(assessment):
    organisation = assessment.partnership.organisations.first()
    make_respondent(assessment, organisation, label="Group 1", is_group=True)
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            make_respondent(assessment, organisation, label="Group 2", is_group=True)


def test_thresholds_out_of_order_are_refused(question_set):
    question_set.amber_threshold = 80
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            question_set.save()


def test_coverage_above_one_is_refused(question_set):
    question_set.min_coverage = 1.5
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            question_set.save()


class TestInvitationTokens:
    def test_the_token_is_not_stored_but_finds_its_respondent(self, respondent):
        token = respondent.raw_token
        assert len(token) >= 32  # >= 128 bits as hex
        stored = Respondent.objects.filter(pk=respondent.pk).values().get()
        assert token not in {str(v) for v in stored.values()}
        assert Respondent.objects.by_token(token).get() == respondent

    def test_the_consultant_can_copy_the_same_link_again(self, respondent):
        again = Respondent.objects.get(pk=respondent.pk)
        assert again.token == respondent.raw_token
        assert again.invitation_url().endswith(f"/{respondent.raw_token}/")

    def test_a_revoked_token_finds_nobody(self, respondent):
        respondent.revoke_token()
        respondent.save()
        assert not Respondent.objects.by_token(respondent.raw_token).exists()
        assert respondent.invitation_url() is None

    def test_a_replaced_token_invalidates_the_old_link(self, respondent):
        new = respondent.issue_token()
        respondent.save()
        assert not Respondent.objects.by_token(respondent.raw_token).exists()
        assert Respondent.objects.by_token(new).get() == respondent

    def test_two_respondents_never_share_a_token(self, assessment):
        tokens = {make_respondent(assessment).raw_token for _ in range(20)}
        assert len(tokens) == 20

    @pytest.mark.parametrize("token", ["", "x", "a" * 500])
    def test_garbage_tokens_find_nobody(self, respondent, token):
        assert not Respondent.objects.by_token(token).exists()


def test_a_new_question_set_starts_as_draft():
    assert QuestionSet().status == QuestionSet.Status.DRAFT
