"""One scan: create, settings, progress, e-mails, close/reopen and follow-up."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks_db.models import DBTaskResult

from assessments.models import (
    Answer,
    Assessment,
    OutgoingMail,
    Question,
    QuestionSet,
    Respondent,
)
from assessments.questionsets import questionset_clone, questionset_publish
from assessments.workspace import (
    PartnershipArchived,
    assessment_create,
    assessment_follow_up,
)
from assessments.workspace.invitations import ScanClosed, invitation_send, reminder_send

from ..conftest import (
    CONFIRMED,
    answer_all,
    make_action,
    make_respondent,
    make_user,
    run_tasks,
)

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - timedelta(days=1)
NEXT_WEEK = timezone.localdate() + timedelta(days=7)


def _settings(**extra):
    return {
        "title": "Nulmeting",
        "allow_comments": "on",
        "privacy_minimum": "2",
        "closes_on": "",
        **extra,
    }


def _detail(assessment):
    return reverse("assessments:assessment-detail", args=[assessment.pk])


class TestCreate:
    def _url(self, partnership):
        return reverse("assessments:assessment-create", args=[partnership.pk])

    def test_it_creates_a_scan_on_the_newest_published_set(
        self, client, owner, partnership, question_set
    ):
        newer = questionset_clone(question_set=question_set)
        questionset_publish(question_set=newer)
        client.force_login(owner)
        form = client.get(self._url(partnership)).context["form"]
        assert form.fields["question_set"].initial == newer.pk
        data = _settings(question_set=newer.pk, closes_on=NEXT_WEEK.isoformat())
        response = client.post(self._url(partnership), data)
        assessment = Assessment.objects.get()
        assert response.url == _detail(assessment)
        assert assessment.question_set == newer
        assert (assessment.privacy_minimum, assessment.closes_on) == (2, NEXT_WEEK)

    def test_drafts_and_retired_sets_are_not_offered(
        self, client, owner, partnership, question_set
    ):
        draft = questionset_clone(question_set=question_set)
        QuestionSet.objects.filter(pk=question_set.pk).update(
            status=QuestionSet.Status.RETIRED
        )
        client.force_login(owner)
        form = client.get(self._url(partnership)).context["form"]
        assert list(form.fields["question_set"].queryset) == []
        response = client.post(self._url(partnership), _settings(question_set=draft.pk))
        assert "question_set" in response.context["form"].errors
        assert not Assessment.objects.exists()

    def test_a_closing_date_in_the_past_is_refused(
        self, client, owner, partnership, question_set
    ):
        client.force_login(owner)
        data = _settings(question_set=question_set.pk, closes_on=YESTERDAY.isoformat())
        response = client.post(self._url(partnership), data)
        assert response.status_code == 200
        assert "De sluitingsdatum ligt in het verleden" in response.text
        english = client.post(self._url(partnership), data, HTTP_ACCEPT_LANGUAGE="en")
        assert "The closing date lies in the past" in english.text
        assert not Assessment.objects.exists()

    def test_an_archived_partnership_gets_no_new_scan(
        self, client, owner, partnership, question_set
    ):
        partnership.archived_at = timezone.now()
        partnership.save()
        client.force_login(owner)
        data = _settings(question_set=question_set.pk)
        response = client.post(self._url(partnership), data, follow=True)
        assert "Deze samenwerking is gearchiveerd" in response.text
        assert not Assessment.objects.exists()

    def test_the_domain_refuses_a_scan_in_an_archived_partnership(
        self, partnership, question_set
    ):
        assert partnership.accepts_new_scans
        partnership.archived_at = timezone.now()
        assert not partnership.accepts_new_scans
        with pytest.raises(PartnershipArchived):
            assessment_create(partnership=partnership, question_set=question_set)
        assert not Assessment.objects.exists()

    def test_read_only_gets_403_and_outsider_404(
        self, client, collaborator, outsider, partnership, question_set
    ):
        data = _settings(question_set=question_set.pk)
        client.force_login(collaborator)
        assert client.post(self._url(partnership), data).status_code == 403
        client.force_login(outsider)
        assert client.post(self._url(partnership), data).status_code == 404
        assert not Assessment.objects.exists()


class TestDetail:
    def test_it_shows_progress_per_organisation_and_respondent(
        self, client, owner, assessment
    ):
        alfa, beta = assessment.partnership.organisations.all()
        done = make_respondent(assessment, alfa, submitted_at=timezone.now())
        answer_all(done)
        busy = make_respondent(assessment, alfa, started_at=timezone.now())
        questions = Question.objects.filter(
            dimension__question_set=assessment.question_set
        )[:5]
        Answer.objects.bulk_create(
            Answer(respondent=busy, question=q) for q in questions
        )
        make_respondent(assessment, beta)
        client.force_login(owner)
        response = client.get(_detail(assessment))
        groups = response.context["organisations"]
        assert [(g.total, g.submitted, g.busy, g.not_started) for g in groups] == [
            (2, 1, 1, 0),
            (1, 0, 0, 1),
        ]
        assert "bezig (5 van 85)" in response.text
        assert done.invitation_url() in response.text

    def test_the_privacy_note_follows_the_results_rule_not_submission(
        self, client, owner, assessment
    ):
        # The results show an organisation once enough respondents have a score,
        # submitted or not; the note on this page says and checks the same.
        assessment.privacy_minimum = 2
        assessment.save()
        alfa, beta = assessment.partnership.organisations.all()
        for _ in range(2):
            answer_all(make_respondent(assessment, alfa, started_at=timezone.now()))
        answer_all(make_respondent(assessment, beta, started_at=timezone.now()))
        make_respondent(assessment, beta)
        client.force_login(owner)
        rows = client.get(_detail(assessment)).text.split('<th scope="row">')
        note = "zodra 2 deelnemers genoeg hebben ingevuld voor een score"
        alfa_row = next(r for r in rows if r.startswith("Alfa"))
        beta_row = next(r for r in rows if r.startswith("Beta"))
        assert note not in alfa_row.split("</tr>")[0]
        assert note in beta_row.split("</tr>")[0]
        results = client.get(
            reverse("assessments:assessment-results", args=[assessment.pk])
        )
        assert results.context["shown_organisations"] == ["Alfa"]

    def test_a_read_only_collaborator_sees_progress_but_no_links(
        self, client, collaborator, assessment, respondent
    ):
        client.force_login(collaborator)
        response = client.get(_detail(assessment))
        assert response.status_code == 200
        assert respondent.label in response.text
        assert respondent.invitation_url() not in response.text
        assert reverse("assessments:assessment-close", args=[assessment.pk]) not in (
            response.text
        )

    def test_another_consultant_gets_404_and_anonymous_logs_in(
        self, client, outsider, assessment
    ):
        assert client.get(_detail(assessment)).status_code == 302
        client.force_login(outsider)
        assert client.get(_detail(assessment)).status_code == 404

    @pytest.mark.parametrize(
        "language, labels, foreign",
        [
            ("nl", ["Rapport (PDF, Nederlands)", "Rapport (PDF, Engels)"], "Report"),
            ("en", ["Report (PDF, Dutch)", "Report (PDF, English)"], "Rapport"),
        ],
    )
    def test_both_reports_are_offered_in_the_pages_language(
        self, client, owner, assessment, language, labels, foreign
    ):
        client.force_login(owner)
        response = client.get(_detail(assessment), HTTP_ACCEPT_LANGUAGE=language)
        for label in labels:
            assert label in response.text
        assert f"{foreign} (PDF" not in response.text

    def test_the_query_count_does_not_grow_with_respondents(
        self, client, owner, assessment, django_assert_max_num_queries
    ):
        client.force_login(owner)
        make_respondent(assessment, email="a@example.org")
        make_action(assessment)
        # The agreed actions: their rows with their owners, for the page and for
        # the results context (and the fingerprint's count); the shared links (one).
        with django_assert_max_num_queries(35) as few:
            client.get(_detail(assessment))
        for index in range(12):
            make_respondent(assessment, email=f"r{index}@example.org")
            make_action(assessment, person=f"Persoon {index}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(_detail(assessment))


class TestSettings:
    def _url(self, assessment):
        return reverse("assessments:assessment-edit", args=[assessment.pk])

    def test_it_saves_settings(self, client, owner, assessment):
        client.force_login(owner)
        data = _settings(closes_on=NEXT_WEEK.isoformat(), allow_comments="")
        assert client.post(self._url(assessment), data).status_code == 302
        assessment.refresh_from_db()
        assert assessment.closes_on == NEXT_WEEK
        assert not assessment.allow_comments

    def test_a_new_date_in_the_past_is_refused_but_an_old_one_may_stay(
        self, client, owner, assessment
    ):
        client.force_login(owner)
        data = _settings(closes_on=YESTERDAY.isoformat())
        assert client.post(self._url(assessment), data).status_code == 200
        assessment.refresh_from_db()
        assert assessment.closes_on is None
        Assessment.objects.filter(pk=assessment.pk).update(closes_on=YESTERDAY)
        assert client.post(self._url(assessment), data).status_code == 302

    def test_a_privacy_minimum_below_one_is_refused(self, client, owner, assessment):
        client.force_login(owner)
        response = client.post(self._url(assessment), _settings(privacy_minimum="0"))
        assert "privacy_minimum" in response.context["form"].errors

    def test_read_only_gets_403(self, client, collaborator, assessment):
        client.force_login(collaborator)
        assert client.get(self._url(assessment)).status_code == 403

    def test_it_saves_the_automation_and_the_page_says_what_is_planned(
        self, client, owner, assessment
    ):
        client.force_login(owner)
        form = client.get(self._url(assessment)).text
        assert "Zoveel dagen na hun uitnodiging" in form  # help texts explain
        data = _settings(
            closes_on=NEXT_WEEK.isoformat(),
            remind_after_days="7",
            remind_before_close_days="2",
            close_automatically="on",
        )
        assert client.post(self._url(assessment), data).status_code == 302
        assessment.refresh_from_db()
        assert (assessment.remind_after_days, assessment.remind_before_close_days) == (
            7,
            2,
        )
        assert assessment.close_automatically
        assert not assessment.notify_organisation_complete  # left unticked
        page = client.get(_detail(assessment)).text
        assert "Automatische herinnering: 7 dagen na de uitnodiging" in page
        assert "Automatische herinnering: 2 dagen voor de sluitingsdatum" in page
        assert f"Sluit automatisch na {NEXT_WEEK.day} " in page
        assert "als een organisatie compleet is" not in page

    def test_a_reminder_before_closing_without_a_closing_date_is_refused(
        self, client, owner, assessment
    ):
        client.force_login(owner)
        response = client.post(
            self._url(assessment), _settings(remind_before_close_days="3")
        )
        assert response.status_code == 200
        assert "is een sluitingsdatum nodig" in response.text
        assessment.refresh_from_db()
        assert assessment.remind_before_close_days is None

    @pytest.mark.parametrize("days", ["0", "91", "x"])
    def test_reminder_days_out_of_range_are_refused(
        self, client, owner, assessment, days
    ):
        client.force_login(owner)
        response = client.post(self._url(assessment), _settings(remind_after_days=days))
        assert "remind_after_days" in response.context["form"].errors
        assessment.refresh_from_db()
        assert assessment.remind_after_days is None

    def test_a_new_scan_gets_the_automation_settings_too(
        self, client, owner, partnership, question_set
    ):
        client.force_login(owner)
        url = reverse("assessments:assessment-create", args=[partnership.pk])
        data = _settings(
            question_set=question_set.pk,
            remind_after_days="5",
            notify_organisation_complete="on",
        )
        assert client.post(url, data).status_code == 302
        scan = Assessment.objects.get()
        assert scan.remind_after_days == 5 and scan.notify_organisation_complete
        assert not scan.close_automatically


class TestCloseAndReopen:
    def test_close_then_reopen(self, client, owner, assessment):
        client.force_login(owner)
        url = reverse("assessments:assessment-close", args=[assessment.pk])
        client.post(url, CONFIRMED)
        assessment.refresh_from_db()
        assert assessment.status == "closed" and assessment.closed_at
        client.post(reverse("assessments:assessment-reopen", args=[assessment.pk]))
        assessment.refresh_from_db()
        assert assessment.is_open

    def test_reopening_clears_a_closing_date_that_passed(
        self, client, owner, assessment
    ):
        Assessment.objects.filter(pk=assessment.pk).update(closes_on=YESTERDAY)
        client.force_login(owner)
        client.post(reverse("assessments:assessment-reopen", args=[assessment.pk]))
        assessment.refresh_from_db()
        assert assessment.is_open and assessment.closes_on is None

    def test_closing_asks_first_and_says_who_has_not_sent(
        self, client, owner, assessment
    ):
        make_respondent(assessment, label="Anna")
        make_respondent(assessment, label="Bert", submitted_at=timezone.now())
        make_respondent(assessment, label="Alfa (workshop)", is_group=True)
        client.force_login(owner)
        url = reverse("assessments:assessment-close", args=[assessment.pk])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 200
            assert "1 deelnemer heeft de antwoorden nog niet verstuurd" in (
                response.text
            )
            assert "Je kunt de scan later heropenen" in response.text
            assert f'href="{_detail(assessment)}"' in response.text
        assessment.refresh_from_db()
        assert assessment.is_open

    @pytest.mark.parametrize(
        "name",
        [
            "assessment-close",
            "assessment-follow-up",
            "assessment-invite",
            "assessment-remind",
        ],
    )
    def test_asking_pages_are_guarded(
        self, client, collaborator, outsider, assessment, name
    ):
        url = reverse(f"assessments:{name}", args=[assessment.pk])
        client.force_login(collaborator)
        assert client.get(url).status_code == 403
        assert client.post(url, CONFIRMED).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, CONFIRMED).status_code == 404
        assessment.refresh_from_db()
        assert assessment.status == "open"
        assert Assessment.objects.count() == 1

    @pytest.mark.parametrize("name", ["assessment-reopen"])
    def test_writes_are_post_only_and_guarded(
        self, client, owner, collaborator, outsider, assessment, name
    ):
        url = reverse(f"assessments:{name}", args=[assessment.pk])
        client.force_login(owner)
        assert client.get(url).status_code == 405
        client.force_login(collaborator)
        assert client.post(url).status_code == 403
        client.force_login(outsider)
        assert client.post(url).status_code == 404
        assessment.refresh_from_db()
        assert assessment.status == "open"
        assert Assessment.objects.count() == 1


class TestFollowUp:
    def _url(self, assessment):
        return reverse("assessments:assessment-follow-up", args=[assessment.pk])

    def test_it_opens_a_form_that_says_what_happens_and_changes_nothing(
        self, client, owner, assessment
    ):
        make_respondent(assessment, label="Anna")
        make_respondent(assessment, label="Bo")
        client.force_login(owner)
        response = client.get(self._url(assessment))
        assert response.status_code == 200
        month = date_format(timezone.localdate(), "YEAR_MONTH_FORMAT")
        title = response.context["form"]["title"].value()
        assert title == f"Alfa & Beta — vervolgscan {month}"
        assert "#" not in title
        assert "De 2 deelnemers worden meegenomen" in response.text
        assert "blijft zoals hij is" in response.text
        assert Assessment.objects.count() == 1

    def test_an_archived_partnership_gets_no_follow_up(
        self, client, owner, assessment, question_set
    ):
        partnership = assessment.partnership
        partnership.archived_at = timezone.now()
        partnership.save()
        with pytest.raises(PartnershipArchived):
            assessment_follow_up(
                assessment=assessment, question_set=question_set, title="Later"
            )
        client.force_login(owner)
        assert self._url(assessment) not in client.get(_detail(assessment)).text
        response = client.post(self._url(assessment), {"title": "Later"}, follow=True)
        assert "Deze samenwerking is gearchiveerd" in response.text
        assert Assessment.objects.count() == 1

    def test_an_empty_post_creates_nothing(self, client, owner, assessment):
        client.force_login(owner)
        response = client.post(self._url(assessment))
        assert response.status_code == 200
        assert "title" in response.context["form"].errors
        assert Assessment.objects.count() == 1

    def test_a_closing_date_in_the_past_is_refused_clearly(
        self, client, owner, assessment
    ):
        client.force_login(owner)
        data = {"title": "Vervolg", "closes_on": YESTERDAY.isoformat()}
        response = client.post(self._url(assessment), data)
        assert response.status_code == 200
        assert "De sluitingsdatum ligt in het verleden" in response.text
        assert Assessment.objects.count() == 1

    def test_it_copies_respondents_with_new_links_and_points_back(
        self, client, owner, assessment
    ):
        alfa, beta = assessment.partnership.organisations.all()
        anna = make_respondent(assessment, alfa, label="Anna", email="a@example.org")
        make_respondent(assessment, beta, label="Bo", language="en")
        make_respondent(assessment, beta, label="Beta (group)", is_group=True)
        Assessment.objects.filter(pk=assessment.pk).update(
            privacy_minimum=3, remind_after_days=5, close_automatically=False
        )
        client.force_login(owner)
        data = {"title": "Na een jaar", "closes_on": NEXT_WEEK.isoformat()}
        response = client.post(self._url(assessment), data)
        follow_up = Assessment.objects.exclude(pk=assessment.pk).get()
        assert response.url == _detail(follow_up)
        assert str(follow_up) == "Na een jaar"
        assert follow_up.closes_on == NEXT_WEEK
        assert follow_up.previous == assessment
        assert follow_up.privacy_minimum == 3
        assert follow_up.remind_after_days == 5  # the automation comes along
        assert not follow_up.close_automatically
        copies = {r.label: r for r in follow_up.respondents.all()}
        assert set(copies) == {"Anna", "Bo"}
        assert copies["Anna"].email == "a@example.org"
        assert copies["Bo"].language == "en"
        assert copies["Anna"].token and copies["Anna"].token != anna.raw_token
        assert copies["Anna"].invited_at is None
        anna.refresh_from_db()
        assert Respondent.objects.by_token(anna.raw_token).get() == anna

    def test_it_uses_the_newest_published_version_of_the_set(
        self, client, owner, assessment
    ):
        newer = questionset_clone(question_set=assessment.question_set)
        questionset_publish(question_set=newer)
        client.force_login(owner)
        client.post(self._url(assessment), {"title": "Vervolg"})
        assert Assessment.objects.get(previous=assessment).question_set == newer

    def test_without_a_published_set_it_explains_and_changes_nothing(
        self, client, owner, assessment
    ):
        QuestionSet.objects.update(status=QuestionSet.Status.RETIRED)
        client.force_login(owner)
        response = client.post(self._url(assessment), {"title": "Vervolg"}, follow=True)
        assert "Er is geen gepubliceerde vragenset" in response.text
        assert Assessment.objects.count() == 1


class TestEmails:
    @pytest.fixture
    def people(self, assessment):
        alfa, beta = assessment.partnership.organisations.all()
        return {
            "nl": make_respondent(assessment, alfa, label="Anna", email="a@x.org"),
            "en": make_respondent(
                assessment, beta, label="Bob", email="b@x.org", language="en"
            ),
            "no_email": make_respondent(assessment, beta, label="Cas"),
            "revoked": make_respondent(assessment, alfa, label="Dirk", email="d@x.org"),
            "done": make_respondent(
                assessment,
                beta,
                label="Eva",
                email="e@x.org",
                submitted_at=timezone.now(),
            ),
        }

    def test_invitations_go_out_in_each_respondents_language(
        self, client, owner, assessment, people
    ):
        people["revoked"].revoke_token()
        people["revoked"].save()
        owner.first_name, owner.last_name = "Olga", "Owner"
        owner.save()
        client.force_login(owner)
        url = reverse("assessments:assessment-invite", args=[assessment.pk])
        for asked in (client.get(url), client.post(url)):
            assert "De uitnodigingen naar 2 mensen mailen?" in asked.text
            assert "<li>Anna &lt;a@x.org&gt;</li>" in asked.text
        assert mail.outbox == []
        response = client.post(url, CONFIRMED, follow=True)
        assert "2 e-mails worden verstuurd" in response.text
        assert mail.outbox == []  # the worker sends them
        run_tasks()
        by_address = {message.to[0]: message for message in mail.outbox}
        assert set(by_address) == {"a@x.org", "b@x.org"}
        dutch, english = by_address["a@x.org"], by_address["b@x.org"]
        assert dutch.subject == "Uitnodiging: Partnerscan voor Alfa & Beta"
        assert english.subject == "Invitation: Partnerscan for Alfa & Beta"
        assert people["nl"].invitation_url() in dutch.body
        assert "Olga Owner" in english.body
        assert dutch.reply_to == ["owner@example.org"]
        invited = Respondent.objects.filter(invited_at__isnull=False)
        assert set(invited.values_list("label", flat=True)) == {"Anna", "Bob"}
        # A second click has nobody left to invite, and nothing to ask.
        mail.outbox.clear()
        assert client.post(url).status_code == 302
        run_tasks()
        assert mail.outbox == []

    def test_reminders_go_to_invited_people_who_have_not_submitted(
        self, client, owner, assessment, people
    ):
        Respondent.objects.filter(label__in=["Anna", "Eva"]).update(
            invited_at=timezone.now()
        )
        client.force_login(owner)
        url = reverse("assessments:assessment-remind", args=[assessment.pk])
        assert "Een herinnering sturen naar 1 persoon?" in client.post(url).text
        assert mail.outbox == []
        client.post(url, CONFIRMED)
        run_tasks()
        assert [m.to for m in mail.outbox] == [["a@x.org"]]
        assert mail.outbox[0].subject.startswith("Herinnering")
        assert Respondent.objects.get(label="Anna").reminded_at is not None

    def test_a_closed_scan_sends_nothing(self, client, owner, assessment, people):
        Assessment.objects.filter(pk=assessment.pk).update(status="closed")
        client.force_login(owner)
        url = reverse("assessments:assessment-invite", args=[assessment.pk])
        response = client.post(url, follow=True)
        assert "De scan is gesloten" in response.text
        assert mail.outbox == []

    @pytest.mark.parametrize("send", [invitation_send, reminder_send])
    def test_the_domain_sends_nothing_in_a_closed_scan(
        self, owner, assessment, people, send
    ):
        Respondent.objects.update(invited_at=timezone.now())
        if send is invitation_send:
            Respondent.objects.update(invited_at=None)
        Assessment.objects.filter(pk=assessment.pk).update(status="closed")
        with pytest.raises(ScanClosed):
            send(respondents=assessment.respondents.all(), consultant=owner)
        run_tasks()
        assert mail.outbox == []

    def test_a_mail_server_failure_is_a_status_not_a_500(
        self, client, owner, assessment, people, monkeypatch
    ):
        def fail(*args, **kwargs):
            raise ConnectionRefusedError(111, "Connection refused")

        monkeypatch.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", fail
        )
        client.force_login(owner)
        url = reverse("assessments:assessment-invite", args=[assessment.pk])
        response = client.post(url, CONFIRMED, follow=True)
        assert response.status_code == 200
        assert "3 e-mails worden verstuurd" in response.text
        run_tasks()
        page = client.get(_detail(assessment))
        assert page.status_code == 200
        assert "3 e-mails staan in de wachtrij" in page.text
        assert "de mailserver was niet bereikbaar (Connection refused)" in page.text
        assert not Respondent.objects.filter(invited_at__isnull=False).exists()


def test_an_editing_collaborator_may_run_the_scan(client, partnership, assessment):
    from assessments.models import Collaboration

    editor = make_user("editor")
    Collaboration.objects.create(partnership=partnership, user=editor, can_edit=True)
    client.force_login(editor)
    url = reverse("assessments:assessment-close", args=[assessment.pk])
    assert client.post(url, CONFIRMED).status_code == 302


class TestMailStatus:
    """Per respondent: invited on, reminded on, in the queue, or not sent and why,
    with a button to try again for those who may edit."""

    @pytest.fixture
    def rows(self, assessment, owner):
        now = timezone.now()
        people = {
            label: make_respondent(assessment, label=label, email=f"{label}@x.org")
            for label in ("Queued", "Failed", "Sent", "Reminded")
        }
        Respondent.objects.filter(label__in=["Sent", "Reminded"]).update(invited_at=now)
        Respondent.objects.filter(label="Reminded").update(reminded_at=now)
        for label, status, error in [
            ("Queued", "queued", ""),
            ("Failed", "failed", "refused: 550 5.1.1 No such mailbox"),
        ]:
            OutgoingMail.objects.create(
                kind="invitation",
                status=status,
                last_error=error,
                assessment=assessment,
                respondent=people[label],
                sender=owner,
            )
        return people

    def _row(self, html, label):
        return re.search(rf"<tr>\s*<td>\s*{label}.*?</tr>", html, re.S).group(0)

    def test_each_respondent_shows_how_their_e_mail_fared(
        self, client, owner, assessment, rows
    ):
        client.force_login(owner)
        html = client.get(_detail(assessment)).text
        day = timezone.localdate().day
        assert f"uitgenodigd op {day} " in self._row(html, "Sent")
        assert f"herinnerd op {day} " in self._row(html, "Reminded")
        assert "in de wachtrij" in self._row(html, "Queued")
        failed = self._row(html, "Failed")
        assert (
            "uitnodiging niet verstuurd: de mailserver weigerde hem "
            "(550 5.1.1 No such mailbox)" in failed
        )
        retry = reverse(
            "assessments:respondent-mail-retry", args=[assessment.pk, rows["Failed"].pk]
        )
        assert f'action="{retry}"' in failed
        assert ">Mailen<" not in failed  # the retry is the one button
        assert "1 e-mail kon niet worden verstuurd" in html
        assert "1 e-mail staat in de wachtrij" in html

    def test_read_only_collaborators_see_the_status_but_no_retry(
        self, client, collaborator, assessment, rows
    ):
        client.force_login(collaborator)
        html = client.get(_detail(assessment)).text
        assert "uitnodiging niet verstuurd" in html
        assert "retry-mail" not in html

    def test_a_submitted_respondent_shows_no_failure(
        self, client, owner, assessment, rows
    ):
        Respondent.objects.filter(label="Failed").update(submitted_at=timezone.now())
        client.force_login(owner)
        html = client.get(_detail(assessment)).text
        assert "niet verstuurd" not in html

    def test_the_query_count_does_not_grow_with_e_mails(
        self, client, owner, assessment, rows, django_assert_max_num_queries
    ):
        client.force_login(owner)
        with django_assert_max_num_queries(33) as few:  # + the shared links
            client.get(_detail(assessment))
        for index in range(12):
            person = make_respondent(assessment, email=f"r{index}@example.org")
            for status in ("failed", "sent", "queued"):
                OutgoingMail.objects.create(
                    kind="reminder",
                    status=status,
                    sent_at=timezone.now() if status == "sent" else None,
                    assessment=assessment,
                    respondent=person,
                    sender=owner,
                )
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(_detail(assessment))


class TestBulkSend:
    def _post(self, client, assessment):
        url = reverse("assessments:assessment-invite", args=[assessment.pk])
        return client.post(url, CONFIRMED)

    def test_inviting_200_queues_them_in_a_fixed_number_of_queries(
        self, client, owner, assessment, django_assert_max_num_queries
    ):
        """The request only queues: its query count does not grow with the number
        of people, save the database's own insert batches (SQLite takes ~58 rows a
        statement, PostgreSQL all of them in one)."""
        from django.db import connection

        client.force_login(owner)

        def add(n, start):
            for index in range(start, start + n):
                make_respondent(assessment, email=f"p{index}@example.org")

        add(5, 0)
        with django_assert_max_num_queries(30) as few:
            assert self._post(client, assessment).status_code == 302
        add(200, 5)
        fields = [f for f in OutgoingMail._meta.concrete_fields if not f.primary_key]
        batch = connection.ops.bulk_batch_size(fields, [None] * 200)
        extra_batches = -(-200 // batch) - 1
        started = time.perf_counter()
        with django_assert_max_num_queries(len(few.captured_queries) + extra_batches):
            response = self._post(client, assessment)
        print(f"200 invitations queued in {time.perf_counter() - started:.2f} s")
        assert response.status_code == 302
        assert mail.outbox == []  # nothing sent in the request
        assert OutgoingMail.objects.filter(status="queued").count() == 205
        assert DBTaskResult.objects.count() == 2  # one task per click
