"""Tampered ids in posts get a 400 with a message, never a 500 (issue 11, section 6).

`str.isdigit` accepts "²", which `int()` refuses: ids are ASCII digits only.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments.models import Answer, Organisation
from assessments.questionnaire import questionnaire_steps
from tests.conftest import make_partnership, make_respondent, make_user
from tests.views.test_workspace_partnerships import _edit_data

pytestmark = pytest.mark.django_db

NOT_ASCII_IDS = ["²", "٣", "1²", "", "-1", "1.0", " 1", "9" * 30]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.mark.parametrize("raw_id", NOT_ASCII_IDS)
def test_an_autosave_key_with_a_tampered_id_is_a_400(client, respondent, raw_id):
    client.get(respondent.invitation_path())
    question = questionnaire_steps(respondent.assessment.question_set)[0].questions[0]
    for data in ({f"q-{raw_id}": "3"}, {f"q-{raw_id}": "3", f"q-{question.pk}": "4"}):
        response = client.post(reverse("assessments:questionnaire-save"), data)
        assert response.status_code == 400
        assert "horen niet bij deze scan" in response.text
    step = client.post(
        reverse("assessments:questionnaire-step", args=[1]), {f"c-{raw_id}": "x"}
    )
    assert step.status_code == 400
    assert not Answer.objects.exists()


@pytest.mark.parametrize("raw_id", NOT_ASCII_IDS)
def test_a_workshop_key_with_a_tampered_id_is_a_400(client, owner, assessment, raw_id):
    client.force_login(owner)
    client.post(reverse("assessments:workshop-start", args=[assessment.pk]))
    group = assessment.respondents.filter(is_group=True).first()
    question = questionnaire_steps(assessment.question_set)[0].questions[0]
    save = reverse("assessments:workshop-save", args=[assessment.pk])
    for key in (f"r{group.pk}-q-{raw_id}", f"r{raw_id}-q-{question.pk}"):
        response = client.post(save, {key: "3", f"r{group.pk}-q-{question.pk}": "4"})
        assert response.status_code == 400, key
        assert "horen niet bij deze scan" in response.text
    assert not Answer.objects.exists()


class TestPartnershipEdit:
    def _post(self, client, partnership, data):
        url = reverse("assessments:partnership-edit", args=[partnership.pk])
        return client.post(url, data)

    def _unchanged(self, partnership, names=("Alfa", "Beta")):
        return list(partnership.organisations.values_list("name", flat=True)) == list(
            names
        )

    @pytest.mark.parametrize("raw_id", ["²", "", "1.0", "9" * 30, "OTHER", "SAME"])
    def test_a_tampered_organisation_id_is_a_400_and_changes_nothing(
        self, client, owner, assessment, raw_id
    ):
        partnership = assessment.partnership
        alfa, beta = partnership.organisations.all()
        make_respondent(assessment, alfa)
        other = make_partnership(make_user("someone"), name="Other")
        data = _edit_data(partnership, ["Alfa 2", "Beta 2"])
        data["organisations-0-id"] = {
            "OTHER": str(other.organisations.first().pk),
            "SAME": str(beta.pk),
        }.get(raw_id, raw_id)
        client.force_login(owner)
        response = self._post(client, partnership, data)
        assert response.status_code == 400
        assert "Laad de pagina opnieuw" in response.text
        assert self._unchanged(partnership)
        assert Organisation.objects.filter(name="Alfa", partnership=other).exists()

    def test_a_post_that_leaves_out_an_organisation_is_a_400(
        self, client, owner, assessment
    ):
        partnership = assessment.partnership
        make_respondent(assessment, partnership.organisations.get(name="Alfa"))
        data = _edit_data(partnership, ["Alfa", "Beta"])
        # Posted as if the page had no organisations yet: Alfa would be dropped.
        data["organisations-INITIAL_FORMS"] = "0"
        client.force_login(owner)
        response = self._post(client, partnership, data)
        assert response.status_code == 400
        assert self._unchanged(partnership)

    def test_an_organisation_added_meanwhile_is_not_dropped(
        self, client, owner, partnership
    ):
        data = _edit_data(partnership, ["Alfa", "Beta"])
        Organisation.objects.create(partnership=partnership, name="Gamma", position=2)
        client.force_login(owner)
        response = self._post(client, partnership, data)
        assert response.status_code == 400
        assert self._unchanged(partnership, ("Alfa", "Beta", "Gamma"))
