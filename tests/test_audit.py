"""The audit trail (assessments/audit/): every listed event is recorded once when
its view runs, through the real views; nothing a person typed ends up in it; old
entries are pruned by the schedule."""

from datetime import timedelta

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assessments.audit import ChangeLogEntry, audit_event, audit_prune
from assessments.background.schedule import JOBS, schedule_tick
from assessments.models import (
    AuditEvent,
    Collaboration,
    LiveSession,
    Question,
    QuestionSet,
    SharedLink,
)
from assessments.questionsets import questionset_clone
from assessments.sharing import shared_link_create

from .conftest import (
    CONFIRMED,
    PASSWORD,
    answer_all,
    download_prepared,
    make_action,
    make_respondent,
    make_user,
)

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event
# Typed into every free-text field a test can reach; never in the trail.
MARKER = "Zq7MarkerPersonal"


def _url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def _only(event):
    """The one entry of this kind: recorded exactly once."""
    entries = list(AuditEvent.objects.filter(event=event))
    assert len(entries) == 1, [e.event for e in AuditEvent.objects.all()]
    return entries[0]


@pytest.fixture
def consultant(client, owner):
    client.force_login(owner)
    AuditEvent.objects.all().delete()  # the login itself
    return client


class TestEventsFromViews:
    def test_opening_the_results(self, consultant, owner, assessment):
        consultant.get(_url("assessment-results", assessment.pk))
        entry = _only(Event.RESULTS_OPENED)
        assert entry.actor == owner
        assert (entry.object_type, entry.object_id) == ("assessment", assessment.pk)
        assert entry.partnership_id == assessment.partnership_id
        assert entry.remote_addr == "127.0.0.1"  # consultants: on by default

    def test_a_refused_look_records_nothing(self, client, outsider, assessment):
        client.force_login(outsider)
        AuditEvent.objects.all().delete()
        assert client.get(_url("assessment-results", assessment.pk)).status_code == 404
        assert not AuditEvent.objects.exists()

    def test_downloading_the_report(self, consultant, owner, assessment, settings):
        settings.PDF_RENDER_TIMEOUT = 120  # a busy test machine is no failure here
        answer_all(make_respondent(assessment))
        response = download_prepared(
            consultant, _url("assessment-report", assessment.pk)
        )
        assert response["Content-Type"] == "application/pdf"
        entry = _only(Event.REPORT_DOWNLOADED)
        assert entry.details == {"fmt": "report"}
        assert entry.assessment_id == assessment.pk

    def test_the_progress_page_is_no_download(self, consultant, assessment):
        consultant.get(_url("assessment-report", assessment.pk))
        assert not AuditEvent.objects.filter(event=Event.REPORT_DOWNLOADED).exists()

    @pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
    def test_downloading_an_export(self, consultant, assessment, fmt):
        answer_all(make_respondent(assessment))
        response = consultant.get(_url("assessment-export", assessment.pk, fmt))
        assert response.status_code == 200
        assert _only(Event.EXPORT_DOWNLOADED).details == {"fmt": fmt}

    def test_downloading_the_actions(self, consultant, assessment):
        make_action(assessment)
        consultant.get(_url("action-export", assessment.pk))
        assert _only(Event.EXPORT_DOWNLOADED).details == {"fmt": "actions-csv"}

    def test_importing_answers(self, consultant, assessment):
        question = (
            Question.objects.filter(dimension__question_set=assessment.question_set)
            .select_related("dimension")
            .first()
        )
        text = (
            "respondent,organisation,dimension,question,value\r\n"
            f"{MARKER},Alfa,{question.dimension.code},{question.code},4\r\n"
        )
        response = consultant.post(
            _url("assessment-import", assessment.pk),
            {"file": SimpleUploadedFile("a.csv", text.encode())},
        )
        assert response.status_code == 302
        entry = _only(Event.ANSWERS_IMPORTED)
        assert entry.details == {"created": 1, "updated": 0, "answers": 1}

    def test_adding_one_respondent_and_pasting_many(self, consultant, assessment):
        alfa = assessment.partnership.organisations.get(name="Alfa")
        consultant.post(
            _url("respondent-add", assessment.pk),
            {"label": MARKER, "organisation": alfa.pk, "email": "", "language": "nl"},
        )
        added = _only(Event.LINK_CREATED)
        assert added.object_type == "respondent"
        AuditEvent.objects.all().delete()
        consultant.post(
            _url("respondent-paste", assessment.pk),
            {"rows": f"{MARKER}a; ; Alfa\n{MARKER}b; ; Beta\n"},
        )
        assert _only(Event.LINK_CREATED).details == {"respondents": 2}

    def test_revoking_and_reissuing_a_link(self, consultant, assessment, respondent):
        args = (assessment.pk, respondent.pk)
        consultant.get(_url("respondent-revoke", *args))  # the question first
        assert not AuditEvent.objects.exists()
        consultant.post(_url("respondent-revoke", *args), CONFIRMED)
        assert _only(Event.LINK_REVOKED).object_id == respondent.pk
        consultant.post(_url("respondent-replace-link", *args), CONFIRMED)
        assert _only(Event.LINK_REISSUED).object_id == respondent.pk

    def test_sharing_revoking_and_opening_a_results_link(
        self, consultant, client, assessment
    ):
        last_day = (timezone.localdate() + timedelta(days=5)).isoformat()
        consultant.post(
            _url("shared-link-add", assessment.pk),
            {"organisation": "", "last_day": last_day},
        )
        link = SharedLink.objects.get()
        created = _only(Event.SHARED_LINK_CREATED)
        assert (created.object_type, created.object_id) == ("sharedlink", link.pk)
        assert created.assessment_id == assessment.pk

        consultant.logout()
        partner = shared_link_create(
            assessment=assessment,
            organisation=None,
            last_day=timezone.localdate(),
            created_by=assessment.partnership.owner,
        )
        client.get(partner.url)
        opened = _only(Event.SHARED_LINK_OPENED)
        assert opened.actor is None
        assert opened.remote_addr is None  # participants: off by default

        client.force_login(assessment.partnership.owner)
        client.post(_url("shared-link-revoke", assessment.pk, link.pk), CONFIRMED)
        assert _only(Event.SHARED_LINK_REVOKED).object_id == link.pk

    def test_partner_addresses_when_the_setting_says_so(
        self, client, assessment, settings
    ):
        settings.PARTNERSCAN_AUDIT_PARTICIPANT_ADDRESSES = True
        link = shared_link_create(
            assessment=assessment,
            organisation=None,
            last_day=timezone.localdate(),
            created_by=assessment.partnership.owner,
        )
        client.get(link.url)
        assert _only(Event.SHARED_LINK_OPENED).remote_addr == "127.0.0.1"

    def test_consultant_addresses_can_be_switched_off(
        self, consultant, assessment, settings
    ):
        settings.PARTNERSCAN_AUDIT_CONSULTANT_ADDRESSES = False
        consultant.get(_url("assessment-results", assessment.pk))
        assert _only(Event.RESULTS_OPENED).remote_addr is None

    def test_sharing_the_partnership_with_a_colleague(self, consultant, partnership):
        colleague = make_user("colleague")
        consultant.post(
            _url("collaborator-add", partnership.pk),
            {"user": "colleague", "can_edit": "0"},
        )
        entry = _only(Event.COLLABORATOR_ADDED)
        assert entry.partnership_id == partnership.pk
        assert entry.details == {"user": colleague.pk}

    def test_starting_a_live_session(self, consultant, assessment):
        dimensions = [d.pk for d in assessment.question_set.dimensions.all()]
        consultant.post(_url("live-start", assessment.pk), {"dimensions": dimensions})
        session = LiveSession.objects.get()
        entry = _only(Event.LIVE_SESSION_STARTED)
        assert (entry.object_type, entry.object_id) == ("livesession", session.pk)

    def test_publishing_a_question_set_on_its_page(self, client, question_set):
        staff = make_user("staff", is_staff=True, is_superuser=True)
        draft = questionset_clone(question_set=question_set)
        client.force_login(staff)
        client.post(
            reverse("assessments:questionset-publish", args=[draft.pk]), CONFIRMED
        )
        draft.refresh_from_db()
        assert draft.status == QuestionSet.Status.PUBLISHED
        # (The shipped set's own publication, made with the test database, is the
        # other entry of this kind.)
        entry = AuditEvent.objects.get(
            event=Event.QUESTIONSET_PUBLISHED, object_id=draft.pk
        )
        assert (entry.actor, entry.object_id) == (staff, draft.pk)


class TestLogins:
    def test_a_login_is_recorded(self, client, owner):
        client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
        entry = _only(Event.LOGIN)
        assert (entry.actor, entry.object_id) == (owner, owner.pk)
        assert entry.remote_addr == "127.0.0.1"

    def test_a_failed_login_names_the_account_tried(self, client, owner):
        client.post(reverse("login"), {"username": "owner", "password": "wrong"})
        entry = _only(Event.LOGIN_FAILED)
        assert entry.actor is None
        assert (entry.object_type, entry.object_id) == ("user", owner.pk)
        assert entry.details == {"known": True}
        assert entry.remote_addr == "127.0.0.1"

    def test_a_failed_login_never_keeps_the_name_typed(self, client, db):
        client.post(reverse("login"), {"username": MARKER, "password": "wrong"})
        entry = _only(Event.LOGIN_FAILED)
        assert entry.object_id is None and entry.details == {"known": False}
        assert MARKER not in _dump()


def _dump() -> str:
    """Every trail row, every field, as text."""
    return serializers.serialize("json", AuditEvent.objects.all()) + (
        serializers.serialize("json", ChangeLogEntry.objects.all())
    )


class TestNothingPersonal:
    def test_changes_are_recorded_without_names_mails_or_texts(
        self, consultant, owner, partnership, assessment
    ):
        partnership.name = f"{MARKER} partnership"
        partnership.description = MARKER
        partnership.save()
        assessment.title = f"{MARKER} scan"
        assessment.privacy_minimum = 3
        assessment.save()
        respondent = make_respondent(
            assessment, label=f"{MARKER} Anna", email="zq7marker@example.org"
        )
        respondent.label = f"{MARKER} Anna B"
        respondent.save()
        make_action(assessment, title=MARKER, description=MARKER, person=MARKER)
        consultant.get(_url("assessment-results", assessment.pk))
        consultant.post(
            _url("respondent-revoke", assessment.pk, respondent.pk), CONFIRMED
        )

        change = ChangeLogEntry.objects.get(
            object_pk=str(assessment.pk),
            content_type__model="assessment",
            action=ChangeLogEntry.Action.UPDATE,
        )
        assert change.changes == {"privacy_minimum": [1, 3]}
        assert change.object_repr == f"assessment #{assessment.pk}"
        created = ChangeLogEntry.objects.filter(content_type__model="respondent")
        assert created.exists()
        dump = _dump()
        assert MARKER not in dump
        assert "zq7marker" not in dump.lower()
        assert owner.email not in dump  # auditlog's actor_email stays empty

    def test_details_refuse_free_text(self, owner, assessment):
        with pytest.raises(ValueError):
            audit_event(owner, Event.ERASURE, assessment, name="Anna de Vries")
        audit_event(owner, Event.ERASURE, assessment, respondents=3, answers=80)
        assert _only(Event.ERASURE).details == {"respondents": 3, "answers": 80}

    def test_erasing_the_scan_leaves_an_entry_that_names_nothing(
        self, owner, assessment
    ):
        audit_event(owner, Event.ERASURE, assessment, respondents=2)
        assessment_id = assessment.pk
        assessment.delete()
        entry = _only(Event.ERASURE)
        assert entry.assessment_id == assessment_id

    def test_erasing_a_consultant_keeps_their_entries_without_them(
        self, consultant, owner, assessment
    ):
        consultant.get(_url("assessment-results", assessment.pk))
        Collaboration.objects.filter(user=owner).delete()
        assessment.partnership.owner = make_user("heir")
        assessment.partnership.save()
        owner.delete()
        assert _only(Event.RESULTS_OPENED).actor is None


class TestRetention:
    def test_the_schedule_prunes_old_entries_only(self, owner, assessment, settings):
        settings.PARTNERSCAN_AUDIT_RETENTION_DAYS = 30
        now = timezone.now()
        old = audit_event(owner, Event.RESULTS_OPENED, assessment)
        AuditEvent.objects.filter(pk=old.pk).update(timestamp=now - timedelta(days=31))
        ChangeLogEntry.objects.update(timestamp=now - timedelta(days=31))
        recent = audit_event(owner, Event.RESULTS_OPENED, assessment)
        changes = ChangeLogEntry.objects.count()
        assert changes  # the partnership and scan were created above

        assert ("audit_retention", audit_prune) in JOBS
        done = schedule_tick(now)
        assert done["audit_retention"] == 1 + changes
        # (The shipped question set's publication, made with the test database, is
        # recent too; only this scan's events are the test's.)
        kept = AuditEvent.objects.filter(event=Event.RESULTS_OPENED)
        assert list(kept) == [recent]
        assert not ChangeLogEntry.objects.exists()
        assert schedule_tick(now)["audit_retention"] == 0  # idempotent


def test_every_event_has_words_in_both_languages():
    from django.utils import translation

    from assessments.audit.trail import SENTENCES

    partnership_events = set(Event) - {
        Event.LOGIN,
        Event.LOGIN_FAILED,
        Event.QUESTIONSET_PUBLISHED,
    }
    assert set(SENTENCES) == partnership_events
    for sentence in SENTENCES.values():
        with translation.override("nl"):
            dutch = str(sentence)
        with translation.override("en"):
            english = str(sentence)
        assert dutch != english


class TestStaff:
    def test_staff_read_every_entry_in_the_admin_and_cannot_change_one(
        self, client, owner, assessment
    ):
        audit_event(owner, Event.RESULTS_OPENED, assessment)
        client.force_login(make_user("staff", is_staff=True, is_superuser=True))
        events = client.get(reverse("admin:assessments_auditevent_changelist"))
        assert events.status_code == 200
        assert "results-opened" in events.text or "opened the results" in events.text
        changes = client.get(reverse("admin:auditlog_logentry_changelist"))
        assert changes.status_code == 200
        entry = AuditEvent.objects.get(event=Event.RESULTS_OPENED)
        change_url = reverse("admin:assessments_auditevent_change", args=[entry.pk])
        client.post(change_url, {"event": Event.ERASURE})
        entry.refresh_from_db()
        assert entry.event == Event.RESULTS_OPENED
        assert (
            client.get(reverse("admin:assessments_auditevent_add")).status_code == 403
        )
