"""The erasure and access-request views (issue 18, points 1, 3 and 4): the ladder
for each (works, login, outsider 404, read-only 403, asks first, bad input), the
privacy notice in both languages and the participant's agreement to it."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessments.branding import branding_save
from assessments.live.sessions import live_session_create
from assessments.models import (
    Answer,
    Assessment,
    Collaboration,
    OutgoingMail,
    Partnership,
    Question,
    Respondent,
)
from assessments.questionnaire import answers_save, respondent_submit
from tests.conftest import CONFIRMED, PASSWORD, answer_all, make_respondent

pytestmark = pytest.mark.django_db

WELCOME = reverse("assessments:questionnaire-welcome")
CONSENT = reverse("assessments:questionnaire-consent")
OWN_DATA = reverse("assessments:questionnaire-own-data")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def _scan_delete(assessment):
    return reverse("assessments:assessment-delete", args=[assessment.pk])


def _partnership_delete(partnership):
    return reverse("assessments:partnership-delete", args=[partnership.pk])


def _data(assessment, respondent):
    return reverse("assessments:respondent-data", args=[assessment.pk, respondent.pk])


class TestDeleteScan:
    def test_it_asks_with_counts_then_deletes(self, client, owner, assessment):
        anna = make_respondent(assessment, label="Anna")
        answer_all(anna)
        client.force_login(owner)
        asked = client.get(_scan_delete(assessment))
        assert asked.status_code == 200
        statements = Question.objects.filter(
            dimension__question_set=assessment.question_set
        ).count()
        assert f"{statements} antwoorden" in asked.text and "1 deelnemer" in asked.text
        assert "Terug zonder iets te wijzigen" in asked.text
        assert Assessment.objects.filter(pk=assessment.pk).exists()
        response = client.post(_scan_delete(assessment), CONFIRMED)
        assert response.url == reverse(
            "assessments:partnership-detail", args=[assessment.partnership_id]
        )
        assert not Assessment.objects.filter(pk=assessment.pk).exists()
        assert not Answer.objects.filter(respondent_id=anna.pk).exists()

    def test_it_requires_login(self, client, assessment):
        assert client.post(_scan_delete(assessment), CONFIRMED).status_code == 302
        assert Assessment.objects.filter(pk=assessment.pk).exists()

    def test_another_consultant_gets_404(self, client, outsider, assessment):
        client.force_login(outsider)
        assert client.post(_scan_delete(assessment), CONFIRMED).status_code == 404
        assert Assessment.objects.filter(pk=assessment.pk).exists()

    @pytest.mark.parametrize("can_edit", [False, True])
    def test_collaborators_get_403(self, client, collaborator, assessment, can_edit):
        Collaboration.objects.filter(user=collaborator).update(can_edit=can_edit)
        client.force_login(collaborator)
        assert client.post(_scan_delete(assessment), CONFIRMED).status_code == 403
        assert Assessment.objects.filter(pk=assessment.pk).exists()

    def test_only_the_owner_sees_the_button(
        self, client, owner, collaborator, assessment
    ):
        client.force_login(owner)
        detail = reverse("assessments:assessment-detail", args=[assessment.pk])
        assert _scan_delete(assessment) in client.get(detail).text
        client.force_login(collaborator)
        assert _scan_delete(assessment) not in client.get(detail).text

    def test_twice_is_harmless(self, client, owner, assessment):
        client.force_login(owner)
        client.post(_scan_delete(assessment), CONFIRMED)
        assert client.post(_scan_delete(assessment), CONFIRMED).status_code == 404


class TestDeletePartnership:
    def test_it_asks_then_deletes(self, client, owner, partnership, assessment):
        client.force_login(owner)
        asked = client.post(_partnership_delete(partnership))
        assert "2 organisaties" in asked.text and "1 scan" in asked.text
        assert Partnership.objects.filter(pk=partnership.pk).exists()
        done = client.post(_partnership_delete(partnership), CONFIRMED, follow=True)
        assert "De samenwerking Alfa &amp; Beta is verwijderd." in done.text
        assert not Partnership.objects.filter(pk=partnership.pk).exists()

    def test_the_ladder(self, client, owner, collaborator, outsider, partnership):
        url = _partnership_delete(partnership)
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.post(url, CONFIRMED).status_code == 404
        client.force_login(collaborator)
        assert client.post(url, CONFIRMED).status_code == 403
        assert Partnership.objects.filter(pk=partnership.pk).exists()
        client.force_login(owner)
        page = client.get(
            reverse("assessments:partnership-detail", args=[partnership.pk])
        )
        assert url in page.text


class TestRespondentData:
    def test_it_downloads_everything_about_one_respondent(
        self, client, owner, assessment
    ):
        anna = make_respondent(
            assessment, label="Anna", email="anna@example.org", language="en"
        )
        dimension = assessment.question_set.dimensions.first()
        question = dimension.questions.first()
        answers_save(
            respondent=anna,
            values={question.pk: 4},
            comments={dimension.pk: "Goed begin"},
        )
        OutgoingMail.objects.create(
            kind=OutgoingMail.Kind.INVITATION,
            assessment=assessment,
            respondent=anna,
            sender=owner,
            to=anna.email,
        )
        make_respondent(assessment, label="Bram", email="bram@example.org")
        client.force_login(owner)
        response = client.get(_data(assessment, anna))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        data = json.loads(response.content)
        assert data["identity"]["name"] == "Anna"
        assert data["identity"]["email"] == "anna@example.org"
        assert data["answers"] == [
            {
                "dimension": dimension.code,
                "question": question.code,
                "statement": question.text,
                "value": 4,
                "updated_at": data["answers"][0]["updated_at"],
            }
        ]
        assert data["comments"][0]["text"] == "Goed begin"
        assert data["mails"][0]["kind"] == "invitation"
        assert data["timestamps"]["created_at"]
        assert "Bram" not in response.content.decode()
        assert anna.raw_token not in response.content.decode()

    def test_the_respondent_page_offers_download_and_erasure(
        self, client, owner, assessment, respondent
    ):
        client.force_login(owner)
        page = client.get(
            reverse("assessments:respondent-edit", args=[assessment.pk, respondent.pk])
        )
        assert _data(assessment, respondent) in page.text
        assert (
            reverse(
                "assessments:respondent-delete", args=[assessment.pk, respondent.pk]
            )
            in page.text
        )

    def test_the_ladder(self, client, collaborator, outsider, assessment, respondent):
        url = _data(assessment, respondent)
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(collaborator)  # read-only: no personal data
        assert client.get(url).status_code == 403

    def test_another_scans_respondent_is_404(
        self, client, owner, assessment, other_respondent
    ):
        client.force_login(owner)
        assert client.get(_data(assessment, other_respondent)).status_code == 404

    def test_it_takes_a_fixed_number_of_queries(
        self, client, owner, assessment, respondent, django_assert_max_num_queries
    ):
        answer_all(respondent)
        client.force_login(owner)
        with django_assert_max_num_queries(12):
            client.get(_data(assessment, respondent))


class TestDeleteAccount:
    def test_the_account_page_links_to_it(self, client, owner):
        client.force_login(owner)
        page = client.get(reverse("assessments:account"))
        assert reverse("assessments:account-delete") in page.text

    def test_it_needs_the_tick_and_the_password(self, client, owner, partnership):
        client.force_login(owner)
        response = client.post(
            reverse("assessments:account-delete"),
            {f"partnership_{partnership.pk}": "delete", "password": PASSWORD},
        )
        assert response.status_code == 400
        assert get_user_model().objects.filter(pk=owner.pk).exists()
        assert Partnership.objects.filter(pk=partnership.pk).exists()

    def test_it_requires_login(self, client):
        assert client.get(reverse("assessments:account-delete")).status_code == 302

    def test_an_account_without_partnerships_goes_and_is_logged_out(
        self, client, outsider
    ):
        client.force_login(outsider)
        page = client.get(reverse("assessments:account-delete"))
        assert "Je hebt geen eigen samenwerkingen." in page.text
        done = client.post(
            reverse("assessments:account-delete"),
            {"understood": "on", "password": PASSWORD},
        )
        assert done.url == reverse("login")
        assert not get_user_model().objects.filter(pk=outsider.pk).exists()
        dashboard = client.get(reverse("assessments:dashboard"))
        assert dashboard.status_code == 302  # logged out


def _participant(respondent):
    browser = Client()
    assert browser.get(respondent.invitation_path()).status_code == 302
    return browser


class TestPrivacyNotice:
    def test_it_names_the_consultancy_from_the_branding(self, owner, respondent):
        branding_save(
            consultant=owner,
            fields={
                "firm_name": "Verbinding & Co",
                "contact_email": "privacy@verbinding.nl",
            },
        )
        text = _participant(respondent).get(WELCOME).text
        assert "Verbinding &amp; Co, het adviesbureau dat deze scan uitvoert" in text
        assert "Vraag het aan privacy@verbinding.nl" in text
        assert "minstens 1 deelnemer heeft geantwoord" in text
        assert "24 maanden bewaard nadat de scan sluit" in text

    def test_without_branding_the_setting_names_it(self, settings, respondent):
        settings.PARTNERSCAN_CONTROLLER_NAME = "Adviesgroep Noord"
        settings.PARTNERSCAN_CONTROLLER_CONTACT = "fg@noord.example"
        text = _participant(respondent).get(WELCOME).text
        assert "Adviesgroep Noord, het adviesbureau" in text
        assert "fg@noord.example" in text

    def test_in_english(self, owner, assessment, respondent):
        Assessment.objects.filter(pk=assessment.pk).update(privacy_minimum=3)
        owner.first_name, owner.last_name = "Olga", "Owner"
        owner.save()
        browser = _participant(respondent)
        browser.cookies["django_language"] = "en"
        text = browser.get(WELCOME).text
        assert "Your privacy" in text
        assert "Olga Owner, the consultancy that runs this scan" in text
        assert "at least 3 participants who answered" in text
        assert "Personal data is kept 24 months after the scan closes" in text
        assert "Je privacy" not in text

    def test_the_live_session_join_page_has_it(self, owner, assessment):
        session = live_session_create(
            assessment=assessment,
            facilitator=owner,
            dimensions=[assessment.question_set.dimensions.first()],
        )
        phone = Client()
        phone.post(reverse("assessments:live-join"), {"code": session.join_code})
        text = phone.get(reverse("assessments:live-organisation")).text
        assert "Je privacy" in text and "Wie is verantwoordelijk" in text


class TestConsent:
    @pytest.fixture
    def asking(self, assessment):
        Assessment.objects.filter(pk=assessment.pk).update(require_consent=True)
        assessment.refresh_from_db()
        return assessment

    def test_no_answer_before_agreeing(self, asking, respondent):
        browser = _participant(respondent)
        welcome = browser.get(WELCOME).text
        assert 'id="consent"' in welcome
        step = browser.get(reverse("assessments:questionnaire-step", args=[1]))
        assert step.url == WELCOME + "#consent"
        question = asking.question_set.dimensions.first().questions.first()
        saved = browser.post(
            reverse("assessments:questionnaire-save"),
            {f"q{question.pk}": "4"},
            headers={"HX-Request": "true"},
        )
        assert saved.status_code == 403
        assert not Answer.objects.filter(respondent=respondent).exists()

    def test_without_the_tick_it_says_why(self, asking, respondent):
        browser = _participant(respondent)
        refused = browser.post(CONSENT, {})
        assert refused.status_code == 400
        assert "vink het vakje aan om te beginnen" in refused.text
        respondent.refresh_from_db()
        assert respondent.consented_at is None

    def test_agreeing_is_stored_with_the_time_and_opens_step_one(
        self, asking, respondent
    ):
        browser = _participant(respondent)
        response = browser.post(CONSENT, {"agree": "yes"})
        assert response.url == reverse("assessments:questionnaire-step", args=[1])
        respondent.refresh_from_db()
        assert respondent.consented_at is not None
        assert browser.get(response.url).status_code == 200

    def test_a_scan_that_does_not_ask_starts_at_once(self, respondent):
        browser = _participant(respondent)
        assert 'id="consent"' not in browser.get(WELCOME).text
        step = browser.get(reverse("assessments:questionnaire-step", args=[1]))
        assert step.status_code == 200

    def test_the_live_session_asks_too(self, owner, asking):
        session = live_session_create(
            assessment=asking,
            facilitator=owner,
            dimensions=[asking.question_set.dimensions.first()],
        )
        phone = Client()
        phone.post(reverse("assessments:live-join"), {"code": session.join_code})
        organisation = asking.partnership.organisations.first()
        url = reverse("assessments:live-organisation")
        refused = phone.post(url, {"organisation": organisation.pk})
        assert refused.status_code == 400
        assert "Vink het vakje aan om mee te doen" in refused.text
        joined = phone.post(url, {"organisation": organisation.pk, "consent": "on"})
        assert joined.status_code == 302
        assert Respondent.objects.get(assessment=asking).consented_at is not None


class TestOwnData:
    def test_after_sending_the_participant_downloads_their_own(self, respondent):
        answer_all(respondent)
        browser = _participant(respondent)
        browser.post(reverse("assessments:questionnaire-submit"), CONFIRMED)
        thanks = browser.get(reverse("assessments:questionnaire-thanks")).text
        assert OWN_DATA in thanks
        response = browser.get(OWN_DATA)
        assert response.status_code == 200
        data = json.loads(response.content)
        assert data["identity"]["name"] == "Anna"
        assert (
            len(data["answers"])
            == Question.objects.filter(
                dimension__question_set=respondent.assessment.question_set
            ).count()
        )

    def test_not_before_sending_nor_without_the_link(
        self, respondent, other_respondent
    ):
        assert Client().get(OWN_DATA).status_code == 404
        browser = _participant(respondent)
        assert browser.get(OWN_DATA).status_code == 404  # a running session
        respondent_submit(respondent=other_respondent)
        assert "Otto" not in browser.get(OWN_DATA).content.decode()
