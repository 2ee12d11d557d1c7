"""Respondents of a scan: add one, paste a list, edit, remove, links and e-mail."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, OutgoingMail, Question, Respondent

from ..conftest import CONFIRMED, make_respondent, run_tasks

pytestmark = pytest.mark.django_db


def _url(name, assessment, respondent=None):
    args = [assessment.pk] + ([respondent.pk] if respondent else [])
    return reverse(f"assessments:{name}", args=args)


def _one(assessment, **extra):
    alfa = assessment.partnership.organisations.get(name="Alfa")
    return {
        "label": "Anna",
        "organisation": alfa.pk,
        "email": "Anna@Example.org",
        "language": "en",
        **extra,
    }


class TestAdd:
    def test_it_adds_a_respondent_with_a_working_link(self, client, owner, assessment):
        client.force_login(owner)
        response = client.post(_url("respondent-add", assessment), _one(assessment))
        assert response.status_code == 302
        assert response.url.endswith("#respondents")
        anna = assessment.respondents.get()
        assert (anna.label, anna.email, anna.language) == (
            "Anna",
            "anna@example.org",
            "en",
        )
        assert Respondent.objects.by_token(anna.token).get() == anna

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"organisation": ""}, "organisation"),
            ({"email": "ANNA@example.org", "label": "Other"}, "email"),
            ({"label": "anna", "email": ""}, "label"),
            ({"email": "not-an-address"}, "email"),
        ],
    )
    def test_bad_input_is_refused_with_a_reason(
        self, client, owner, assessment, change, field
    ):
        make_respondent(assessment, label="Anna", email="anna@example.org")
        client.force_login(owner)
        response = client.post(
            _url("respondent-add", assessment), _one(assessment, **change)
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert assessment.respondents.count() == 1

    def test_reasons_are_given_in_dutch_and_english(self, client, owner, assessment):
        make_respondent(assessment, label="Anna", email="anna@example.org")
        client.force_login(owner)
        data = _one(assessment, label="Other")
        dutch = client.post(_url("respondent-add", assessment), data)
        assert "anna@example.org is al uitgenodigd voor deze scan" in dutch.text
        english = client.post(
            _url("respondent-add", assessment), data, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "anna@example.org is already invited to this scan" in english.text
        data = _one(assessment, organisation="")
        english = client.post(
            _url("respondent-add", assessment), data, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Choose the organisation this respondent answers for" in english.text

    def test_an_organisation_of_another_partnership_is_refused(
        self, client, owner, assessment, other_respondent
    ):
        client.force_login(owner)
        data = _one(assessment, organisation=other_respondent.organisation_id)
        response = client.post(_url("respondent-add", assessment), data)
        assert "organisation" in response.context["form"].errors
        assert not assessment.respondents.exists()


class TestPaste:
    def test_it_adds_every_line(self, client, owner, assessment):
        client.force_login(owner)
        rows = (
            "Anna de Vries; anna@example.org; Alfa; nl\n"
            "\n"
            "Bram\tbram@example.org\tbeta\tEN\n"
            "Cas;;Beta\n"
        )
        response = client.post(_url("respondent-paste", assessment), {"rows": rows})
        assert response.status_code == 302
        people = {r.label: r for r in assessment.respondents.all()}
        assert set(people) == {"Anna de Vries", "Bram", "Cas"}
        assert people["Bram"].organisation.name == "Beta"
        assert people["Bram"].language == "en"
        assert people["Cas"].email == "" and people["Cas"].language == "nl"
        assert all(person.token for person in people.values())

    def test_it_reports_every_bad_line_by_number_and_adds_none(
        self, client, owner, assessment
    ):
        make_respondent(assessment, label="Old", email="old@example.org")
        client.force_login(owner)
        rows = "\n".join(
            [
                "Good; good@example.org; Alfa; nl",
                "No Org; x@example.org",
                "Twin; old@example.org; Alfa",
                "Lingo; l@example.org; Beta; de",
                "Stranger; s@example.org; Gamma",
                "Good; other@example.org; Beta",
                "Dup; good@example.org; Beta",
            ]
        )
        response = client.post(_url("respondent-paste", assessment), {"rows": rows})
        assert response.status_code == 200
        errors = response.context["form"].errors["rows"]
        assert [error.split(":")[0] for error in errors] == [
            "Regel 2",
            "Regel 3",
            "Regel 4",
            "Regel 5",
            "Regel 6",
            "Regel 7",
        ]
        assert "de organisatie ontbreekt" in errors[0]
        assert "Gamma is geen organisatie van deze samenwerking" in errors[3]
        assert assessment.respondents.count() == 1

    def test_lines_are_explained_in_english_too(self, client, owner, assessment):
        client.force_login(owner)
        response = client.post(
            _url("respondent-paste", assessment),
            {"rows": "Ann; bad-address; Alfa"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "Line 1: bad-address is not a valid e-mail address." in response.text


class TestEdit:
    def test_it_saves_changes(self, client, owner, assessment, respondent):
        client.force_login(owner)
        url = _url("respondent-edit", assessment, respondent)
        data = _one(assessment, label="Anna B", email="")
        assert client.post(url, data).status_code == 302
        respondent.refresh_from_db()
        assert (respondent.label, respondent.language) == ("Anna B", "en")

    def test_it_refuses_another_respondents_email(
        self, client, owner, assessment, respondent
    ):
        make_respondent(assessment, label="Bo", email="bo@example.org")
        client.force_login(owner)
        url = _url("respondent-edit", assessment, respondent)
        response = client.post(url, _one(assessment, email="bo@example.org"))
        assert "email" in response.context["form"].errors

    def test_a_respondent_of_another_scan_is_404(
        self, client, owner, assessment, other_respondent
    ):
        client.force_login(owner)
        url = _url("respondent-edit", assessment, other_respondent)
        assert client.get(url).status_code == 404


class TestLinks:
    def test_revoking_stops_the_link(self, client, owner, assessment, respondent):
        client.force_login(owner)
        client.post(_url("respondent-revoke", assessment, respondent), CONFIRMED)
        assert not Respondent.objects.by_token(respondent.raw_token).exists()
        respondent.refresh_from_db()
        assert respondent.token is None

    def test_a_new_link_replaces_the_old_one_and_keeps_answers(
        self, client, owner, assessment, respondent
    ):
        question = Question.objects.filter(
            dimension__question_set=assessment.question_set
        ).first()
        Answer.objects.create(respondent=respondent, question=question, value=4)
        client.force_login(owner)
        client.post(_url("respondent-replace-link", assessment, respondent), CONFIRMED)
        respondent.refresh_from_db()
        assert respondent.token and respondent.token != respondent.raw_token
        assert not Respondent.objects.by_token(respondent.raw_token).exists()
        assert respondent.answers.count() == 1

    def test_sending_to_one_invites_first_and_reminds_after(
        self, client, owner, assessment
    ):
        anna = make_respondent(assessment, label="Anna", email="anna@example.org")
        client.force_login(owner)
        url = _url("respondent-send", assessment, anna)
        client.post(url)
        run_tasks()
        client.post(url)
        run_tasks()
        assert [m.subject.split(":")[0] for m in mail.outbox] == [
            "Uitnodiging",
            "Herinnering",
        ]
        anna.refresh_from_db()
        assert anna.invited_at and anna.reminded_at


class TestRemove:
    def test_a_respondent_who_has_not_started_can_go(
        self, client, owner, assessment, respondent
    ):
        client.force_login(owner)
        client.post(_url("respondent-delete", assessment, respondent), CONFIRMED)
        assert not assessment.respondents.exists()

    def test_a_respondent_who_only_opened_the_link_can_go(
        self, client, owner, assessment
    ):
        opened = make_respondent(assessment, started_at=timezone.now())
        client.force_login(owner)
        client.post(_url("respondent-delete", assessment, opened), CONFIRMED)
        assert not assessment.respondents.filter(pk=opened.pk).exists()

    def test_a_respondent_who_answered_goes_after_a_page_that_counts(
        self, client, owner, assessment
    ):
        """An erasure request: the answers go with them, once confirmed."""
        started = make_respondent(assessment, started_at=timezone.now())
        question = Question.objects.filter(
            dimension__question_set=assessment.question_set
        ).first()
        Answer.objects.create(respondent=started, question=question, value=None)
        client.force_login(owner)
        url = _url("respondent-delete", assessment, started)
        response = client.post(url)
        assert "1 antwoord" in response.text
        assert "tellen niet meer mee" in response.text
        assert assessment.respondents.filter(pk=started.pk).exists()
        client.post(url, CONFIRMED)
        assert not assessment.respondents.filter(pk=started.pk).exists()
        assert not Answer.objects.filter(respondent_id=started.pk).exists()

    def test_the_row_and_the_view_ask_one_rule(self, client, owner, assessment):
        """`Respondent.may_be_removed`, alone or on the annotated rows."""
        fresh = make_respondent(assessment, label="Fresh")
        answered = make_respondent(assessment, label="Answered")
        sent = make_respondent(assessment, label="Sent", submitted_at=timezone.now())
        question = Question.objects.filter(
            dimension__question_set=assessment.question_set
        ).first()
        Answer.objects.create(respondent=answered, question=question, value=3)
        assert fresh.may_be_removed
        assert not answered.may_be_removed and not sent.may_be_removed
        rows = {r.label: r for r in assessment.respondents.with_states()}
        assert [label for label, r in rows.items() if r.may_be_removed] == ["Fresh"]
        client.force_login(owner)
        page = client.get(
            reverse("assessments:assessment-detail", args=[assessment.pk])
        )
        assert _url("respondent-delete", assessment, fresh) in page.text
        assert _url("respondent-delete", assessment, answered) not in page.text
        assert _url("respondent-delete", assessment, sent) not in page.text


class TestConfirmation:
    """Revoke, new link and remove ask first: a GET or a plain POST only shows what
    will happen; the confirmation page's own button acts."""

    @pytest.mark.parametrize(
        "name, says",
        [
            ("respondent-revoke", "De link die Anna per mail kreeg, werkt daarna"),
            ("respondent-replace-link", "De link die Anna per mail kreeg, werkt"),
            ("respondent-delete", "Anna wordt uit deze scan verwijderd"),
        ],
    )
    def test_the_first_click_only_asks(self, client, owner, assessment, name, says):
        anna = make_respondent(assessment, label="Anna", invited_at=timezone.now())
        client.force_login(owner)
        url = _url(name, assessment, anna)
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 200
            assert says in response.text
            assert 'name="confirmed" value="yes"' in response.text
            assert f'href="{_url("assessment-detail", assessment)}#respondents"' in (
                response.text
            )
        anna.refresh_from_db()
        assert Respondent.objects.by_token(anna.raw_token).get() == anna

    def test_a_link_never_mailed_is_called_the_current_link(
        self, client, owner, assessment, respondent
    ):
        client.force_login(owner)
        response = client.get(_url("respondent-revoke", assessment, respondent))
        assert "De huidige link van Anna werkt daarna niet meer" in response.text

    def test_confirming_revokes(self, client, owner, assessment, respondent):
        client.force_login(owner)
        url = _url("respondent-revoke", assessment, respondent)
        response = client.post(url, CONFIRMED)
        assert response.status_code == 302
        assert not Respondent.objects.by_token(respondent.raw_token).exists()


@pytest.mark.parametrize(
    "name",
    ["respondent-delete", "respondent-revoke", "respondent-replace-link"],
)
def test_confirmed_actions_are_guarded(
    client, owner, collaborator, outsider, assessment, respondent, name
):
    url = _url(name, assessment, respondent)
    client.force_login(collaborator)
    assert client.get(url).status_code == 403
    assert client.post(url, CONFIRMED).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, CONFIRMED).status_code == 404
    client.force_login(owner)
    assert client.put(url).status_code == 405
    respondent.refresh_from_db()
    assert respondent.token == respondent.raw_token


def test_sending_is_post_only_and_guarded(
    client, owner, collaborator, outsider, assessment, respondent
):
    url = _url("respondent-send", assessment, respondent)
    client.force_login(owner)
    assert client.get(url).status_code == 405
    client.force_login(collaborator)
    assert client.post(url).status_code == 403
    client.force_login(outsider)
    assert client.post(url).status_code == 404


class TestRetryMail:
    @pytest.fixture
    def failed(self, assessment, owner):
        anna = make_respondent(assessment, label="Anna", email="anna@example.org")
        return OutgoingMail.objects.create(
            kind="invitation",
            status="failed",
            last_error="unreachable: Connection refused",
            attempts=5,
            assessment=assessment,
            respondent=anna,
            sender=owner,
        )

    def test_it_sends_the_failed_mail_again(self, client, owner, assessment, failed):
        client.force_login(owner)
        url = _url("respondent-mail-retry", assessment, failed.respondent)
        response = client.post(url, follow=True)
        assert "De e-mail aan Anna wordt opnieuw verstuurd" in response.text
        failed.refresh_from_db()
        assert (failed.status, failed.attempts, failed.last_error) == ("queued", 0, "")
        # A second click, before the worker got to it, queues nothing more.
        response = client.post(url, follow=True)
        assert "Er is geen mislukte e-mail aan Anna" in response.text
        run_tasks()
        assert [m.to for m in mail.outbox] == [["anna@example.org"]]
        assert Respondent.objects.get(label="Anna").invited_at

    def test_a_closed_scan_sends_nothing_again(self, client, owner, assessment, failed):
        Assessment.objects.filter(pk=assessment.pk).update(status="closed")
        client.force_login(owner)
        url = _url("respondent-mail-retry", assessment, failed.respondent)
        response = client.post(url, follow=True)
        assert "De scan is gesloten" in response.text
        failed.refresh_from_db()
        assert failed.status == "failed"

    def test_it_is_post_only_and_guarded(
        self, client, owner, collaborator, outsider, assessment, failed
    ):
        url = _url("respondent-mail-retry", assessment, failed.respondent)
        client.force_login(owner)
        assert client.get(url).status_code == 405
        client.force_login(collaborator)
        assert client.post(url).status_code == 403
        client.force_login(outsider)
        assert client.post(url).status_code == 404
        failed.refresh_from_db()
        assert failed.status == "failed"

    def test_a_respondent_of_another_scan_is_404(
        self, client, owner, assessment, failed, other_respondent
    ):
        client.force_login(owner)
        url = _url("respondent-mail-retry", assessment, other_respondent)
        assert client.post(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["respondent-add", "respondent-paste", "respondent-edit"]
)
def test_forms_are_guarded(
    client, collaborator, outsider, assessment, respondent, name
):
    url = _url(name, assessment, respondent if name == "respondent-edit" else None)
    assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(collaborator)
    assert client.get(url).status_code == 403
    assert client.post(url, {"rows": "X; ; Alfa", "label": "X"}).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert assessment.respondents.count() == 1
