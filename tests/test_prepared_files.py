"""Files the worker prepares: scheduling and its debounce (background/files.py), the
task that makes them (background/making.py), their deletion and the periodic
re-queue of renders stopped with their worker. The downloads: views/test_report.py
and views/test_exports.py; a real worker process: test_worker_process.py."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import report
from assessments.background import schedule
from assessments.background.files import (
    LOST_AFTER,
    SLACK,
    file_request,
    file_state,
    files_requeue,
    report_schedule,
)
from assessments.background.making import file_fingerprint
from assessments.background.models import PreparedFile
from assessments.background.retry import MAX_ATTEMPTS
from assessments.erasure import respondent_erase
from assessments.models import Answer, Assessment, DimensionComment
from assessments.questionnaire import (
    answers_save,
    respondent_submit,
    workshop_finish,
    workshop_start,
)
from assessments.report import render_guard
from assessments.workspace import assessment_close, assessment_reopen

from .conftest import answer_all, make_assessment, make_respondent, run_tasks
from .test_report import fill

pytestmark = pytest.mark.django_db

Status = PreparedFile.Status
REPORT = PreparedFile.Kind.REPORT


@pytest.fixture
def storage(settings, tmp_path):
    """Stored files of this test only, listed by name."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return lambda: sorted(
        str(path.relative_to(tmp_path))
        for path in tmp_path.rglob("*")
        if path.is_file()
    )


@pytest.fixture
def renders(monkeypatch):
    """A cheap stand-in for WeasyPrint in the worker; records each language."""
    calls = []

    def fake(context):
        calls.append(context["language"])
        return f"%PDF-fake {len(calls)} {context['language']}".encode()

    monkeypatch.setattr(report, "render_pdf_guarded", fake)
    return calls


def queued(assessment=None):
    """The files tasks waiting in the queue, as (scan id, run after)."""
    tasks = [
        (task.args_kwargs["args"][0], task.run_after)
        for task in DBTaskResult.objects.filter(
            status="READY", task_path__endswith="prepare_files"
        )
    ]
    return [t for t in tasks if assessment is None or t[0] == assessment.pk]


def time_passes(assessment, until=None):
    """The clock reaches the rows' due time (and the queued tasks' run_after)."""
    until = until or timezone.now()
    PreparedFile.objects.filter(assessment=assessment, due_at__gt=until).update(
        due_at=until
    )
    DBTaskResult.objects.filter(status="READY").update(run_after=until)


def rows(assessment):
    return {
        (row.kind, row.language): row
        for row in PreparedFile.objects.filter(assessment=assessment)
    }


def report_row(assessment, language="nl"):
    return PreparedFile.objects.get(
        assessment=assessment, kind=REPORT, language=language
    )


def save_one(respondent, value=3):
    question = respondent.assessment.question_set.dimensions.first().questions.first()
    answers_save(respondent=respondent, values={question.pk: value}, comments={})


# Scheduling and its debounce ----------------------------------------------------------


def test_the_first_save_after_a_quiet_period_queues_one_task_for_its_end(
    respondent, settings
):
    before = timezone.now()
    save_one(respondent)
    row = report_row(respondent.assessment)
    assert row.status == Status.WAITING
    window = timedelta(seconds=settings.REPORT_DEBOUNCE_SECONDS)
    assert before + window <= row.due_at <= timezone.now() + window
    assert queued() == [(respondent.assessment.pk, row.due_at)]


def _a_while_ago(assessment, seconds):
    """The due time as a save `seconds` ago left it."""
    PreparedFile.objects.filter(assessment=assessment).update(
        due_at=F("due_at") - timedelta(seconds=seconds)
    )


def test_a_busy_scan_keeps_one_task_and_moves_its_due_time(
    respondent, assessment, settings
):
    other = make_respondent(assessment, label="Bert")
    save_one(respondent)
    first_due = report_row(assessment).due_at
    for value in (1, 2, 3, 4, 5):
        save_one(other, value)
        save_one(respondent, value)
    assert len(queued()) == 1
    # Saves within a tenth of the window leave the due time where it is...
    assert report_row(assessment).due_at == first_due
    # ...later ones move it on: the scan has to be quiet for (most of) the window.
    _a_while_ago(assessment, settings.REPORT_DEBOUNCE_SECONDS * SLACK + 1)
    save_one(other, 2)
    assert report_row(assessment).due_at > first_due
    assert len(queued()) == 1


def test_a_save_on_a_busy_scan_costs_one_read_and_writes_nothing(
    respondent, django_assert_num_queries
):
    save_one(respondent)
    with django_assert_num_queries(1) as captured:
        report_schedule(respondent.assessment)
    assert captured.captured_queries[0]["sql"].startswith("SELECT")


def test_a_busy_scan_moves_its_due_time_with_one_update_a_tenth_of_the_window(
    respondent, django_assert_num_queries, settings
):
    save_one(respondent)
    _a_while_ago(respondent.assessment, settings.REPORT_DEBOUNCE_SECONDS * SLACK + 1)
    with django_assert_num_queries(2) as captured:
        report_schedule(respondent.assessment)
    assert [q["sql"].split()[0] for q in captured.captured_queries] == [
        "SELECT",
        "UPDATE",
    ]


def test_the_task_run_before_the_scan_is_quiet_queues_itself_for_then(
    respondent, renders
):
    save_one(respondent)
    # The first task's time comes, but the scan was busy meanwhile: the due time
    # moved on. The task renders nothing and is queued again for the new time.
    DBTaskResult.objects.update(run_after=timezone.now())
    save_one(respondent, 5)
    due = report_row(respondent.assessment).due_at
    assert run_tasks() == 1
    assert renders == []
    assert queued() == [(respondent.assessment.pk, due)]
    time_passes(respondent.assessment)
    run_tasks()
    assert renders == ["nl"]
    assert report_row(respondent.assessment).status == Status.READY
    assert queued() == []


def test_the_first_save_after_the_report_was_made_queues_again(respondent, renders):
    save_one(respondent)
    time_passes(respondent.assessment)
    run_tasks()
    assert report_row(respondent.assessment).status == Status.READY
    save_one(respondent, 5)
    assert report_row(respondent.assessment).status == Status.WAITING
    assert len(queued()) == 1


@pytest.mark.parametrize(
    "event", ["submit", "workshop finished", "close", "reopen", "import"]
)
def test_these_make_the_report_due_at_once(assessment, respondent, event):
    answer_all(respondent)
    if event == "submit":
        respondent_submit(respondent=respondent)
    elif event == "workshop finished":
        workshop_start(assessment=assessment)
        workshop_finish(assessment=assessment)
    elif event == "close":
        assessment_close(assessment=assessment)
    elif event == "reopen":
        assessment_close(assessment=assessment)
        DBTaskResult.objects.all().delete()
        assessment_reopen(assessment=assessment)
    else:
        from assessments.imports import read_table, responses_import

        data = "respondent,organisation,dimension,question,value\r\n"
        question = assessment.question_set.dimensions.first().questions.first()
        data += f"Piet,Alfa,{question.dimension.code},{question.code},4\r\n"
        responses_import(assessment=assessment, rows=read_table(data.encode()))
    assert report_row(assessment).due_at <= timezone.now()
    assert [scan for scan, when in queued() if when <= timezone.now()] == [
        assessment.pk
    ]


def test_a_deleted_respondent_makes_the_report_due_after_the_quiet_period(
    assessment, respondent
):
    respondent_erase(respondent=respondent)
    assert report_row(assessment).due_at > timezone.now()
    assert len(queued()) == 1


def test_a_report_asked_for_at_once_is_not_put_off_by_a_busy_scan(respondent):
    report_schedule(respondent.assessment, at_once=True)
    save_one(respondent)
    assert report_row(respondent.assessment).due_at <= timezone.now()


def test_saves_do_not_revive_a_report_that_failed_for_good(respondent):
    save_one(respondent)
    PreparedFile.objects.update(status=Status.FAILED, error="budget: too big")
    DBTaskResult.objects.all().delete()
    save_one(respondent, 5)
    assert report_row(respondent.assessment).status == Status.FAILED
    assert queued() == []


def test_the_report_is_kept_in_every_respondents_language(assessment, renders):
    make_respondent(assessment, label="Anna", language="nl")
    english = make_respondent(assessment, label="John", language="en")
    save_one(english)
    time_passes(assessment)
    run_tasks()
    assert {key: row.status for key, row in rows(assessment).items()} == {
        (REPORT, "nl"): Status.READY,
        (REPORT, "en"): Status.READY,
    }
    assert sorted(renders) == ["en", "nl"]


# The task -----------------------------------------------------------------------------


def test_the_task_makes_nothing_again_while_the_stored_file_is_current(
    assessment, renders, storage
):
    report_schedule(assessment, at_once=True)
    run_tasks()
    stored = report_row(assessment).file.name
    report_schedule(assessment, at_once=True)  # asked again, nothing changed
    run_tasks()
    assert renders == ["nl"]
    row = report_row(assessment)
    assert (row.status, row.file.name) == (Status.READY, stored)
    assert storage() == [stored]
    assert str(assessment.pk) in stored and "-nl-" in stored
    assert row.fingerprint[:20] in stored


@pytest.mark.parametrize(
    "change",
    [
        "answer",
        "bulk answers",
        "name",
        "organisation",
        "status",
        "comment",
        "bulk comments",
        "respondent",
        "previous",
    ],
)
def test_the_report_is_made_again_when_what_it_shows_changes(
    assessment, renders, question_set, change
):
    fill(assessment)
    first = assessment.respondents.first()
    dimension = assessment.question_set.dimensions.get(code="RS4")
    DimensionComment.objects.create(respondent=first, dimension=dimension, text="Eerst")
    file_state(assessment=assessment, kind=REPORT, language="nl")
    run_tasks()
    if change == "answer":
        answer = Answer.objects.filter(respondent__assessment=assessment).first()
        answer.value = answer.value % 5 + 1
        answer.save()
    elif change == "bulk answers":  # no updated_at: the weighted sums still move
        Answer.objects.filter(respondent__assessment=assessment, value=2).update(
            value=3
        )
    elif change == "bulk comments":
        DimensionComment.objects.update(text="Anders verwoord.")
    elif change == "name":
        assessment.partnership.name = "Gamma & Delta"
        assessment.partnership.save()
    elif change == "organisation":
        organisation = assessment.partnership.organisations.first()
        organisation.name = "Alfa Zorg"
        organisation.save()
    elif change == "status":
        assessment.status = Assessment.Status.CLOSED
        assessment.save()
    elif change == "comment":
        comment = DimensionComment.objects.get(respondent__assessment=assessment)
        comment.text = "Anders verwoord."
        comment.save()
    elif change == "respondent":
        make_respondent(assessment, label="Late")
    elif change == "previous":
        assessment.previous = make_assessment(assessment.partnership, question_set)
        assessment.save()
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert not file_state(assessment=fresh, kind=REPORT, language="nl").ready
    run_tasks()
    assert file_state(assessment=fresh, kind=REPORT, language="nl").ready
    assert len(renders) == 2


def test_the_report_fingerprint_holds_overnight(assessment, monkeypatch):
    """A quiet scan's report still downloads at once the next morning: the cover
    says when it was made, the fingerprint does not hold today's date."""
    today = file_fingerprint(assessment, REPORT, "nl")
    tomorrow = timezone.now() + timedelta(days=1, hours=2)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert file_fingerprint(assessment, REPORT, "nl") == today
    assert file_fingerprint(assessment, REPORT, "en") != today


def test_a_new_file_replaces_the_old_one_in_storage(
    assessment, renders, storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_request(assessment=assessment, kind=REPORT, language="nl")
        run_tasks()
        old = report_row(assessment).file.name
        make_respondent(assessment, label="Late")
        file_request(assessment=assessment, kind=REPORT, language="nl")
        run_tasks()
    new = report_row(assessment).file.name
    assert new != old
    assert storage() == [new]
    with default_storage.open(new) as file:
        assert file.read() == b"%PDF-fake 2 nl"


def test_a_failed_render_is_retried_with_a_backoff_then_reported_with_its_reason(
    assessment, monkeypatch
):
    tries = []

    def too_slow(context):
        tries.append(timezone.now())
        raise render_guard.RenderBudgetExceeded("not done after 20.0 s")

    monkeypatch.setattr(report, "render_pdf_guarded", too_slow)
    file_request(assessment=assessment, kind=REPORT, language="nl")
    run_tasks()
    row = report_row(assessment)
    assert (row.status, row.attempts) == (Status.WAITING, 1)
    assert row.error == "budget: not done after 20.0 s"
    # Tried again in 30 s, and the task is queued for then, not now.
    assert timedelta(seconds=25) < row.due_at - timezone.now() <= timedelta(seconds=30)
    assert queued() == [(assessment.pk, row.due_at)]
    assert run_tasks() == 0
    delays = [row.due_at - timezone.now()]
    for _ in range(MAX_ATTEMPTS - 1):
        time_passes(assessment)
        run_tasks()
        row = report_row(assessment)
        if row.status == Status.WAITING:
            delays.append(row.due_at - timezone.now())
    assert len(tries) == MAX_ATTEMPTS
    assert delays == sorted(delays)  # the pause grows
    assert (row.status, row.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert row.error == "budget: not done after 20.0 s"
    assert not row.file
    assert queued() == []


def test_a_storage_that_refuses_the_file_is_a_failure_with_its_reason(
    assessment, renders, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    def full(self, name, content, max_length=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "save", full)
    file_request(assessment=assessment, kind=REPORT, language="nl")
    run_tasks()
    row = report_row(assessment)
    assert (row.status, row.attempts, row.file.name) == (Status.WAITING, 1, "")
    assert row.error == "error: [Errno 28] No space left on device"
    assert queued() == [(assessment.pk, row.due_at)]


def test_a_scan_deleted_while_its_report_renders_leaves_nothing_behind(
    assessment, monkeypatch, storage
):
    def render_while_deleted(context):
        Assessment.objects.filter(pk=assessment.pk).delete()
        return b"%PDF-fake"

    monkeypatch.setattr(report, "render_pdf_guarded", render_while_deleted)
    file_request(assessment=assessment, kind=REPORT, language="nl")
    run_tasks()
    assert not PreparedFile.objects.exists()
    assert storage() == []


def test_a_file_of_an_older_state_never_replaces_a_newer_one(assessment, renders):
    from assessments.background.making import _store

    file_request(assessment=assessment, kind=REPORT, language="nl")
    run_tasks()
    row = report_row(assessment)
    name = default_storage.save("prepared/old.pdf", ContentFile(b"%PDF-older"))
    _store(row.pk, row.made_at - timedelta(seconds=5), name, "older")
    assert report_row(assessment).file.name == row.file.name
    assert not default_storage.exists(name)


# Deletion -----------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["row", "scan", "partnership"])
def test_a_stored_file_goes_with_its_row_scan_or_partnership(
    assessment, renders, storage, what, django_capture_on_commit_callbacks
):
    file_request(assessment=assessment, kind=REPORT, language="nl")
    run_tasks()
    assert len(storage()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        if what == "row":
            PreparedFile.objects.all().delete()
        elif what == "scan":
            assessment.delete()
        else:
            assessment.partnership.delete()
    assert storage() == []


# Renders stopped with their worker ----------------------------------------------------


def _stopped(assessment, minutes_ago, attempts=1):
    file_request(assessment=assessment, kind=REPORT, language="nl")
    DBTaskResult.objects.all().delete()  # its task was running when the worker died
    PreparedFile.objects.update(
        status=Status.WORKING,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        attempts=attempts,
    )


def test_a_render_stopped_with_its_worker_is_queued_again_and_made(assessment, renders):
    _stopped(assessment, minutes_ago=5)
    assert schedule.schedule_tick()["prepared_files"] == 1
    row = report_row(assessment)
    assert row.status == Status.WAITING
    assert row.error.startswith("stopped:")
    assert len(queued(assessment)) == 1
    time_passes(assessment)
    run_tasks()
    assert report_row(assessment).status == Status.READY
    assert renders == ["nl"]


def test_a_render_still_within_its_budget_is_left_alone(assessment):
    _stopped(assessment, minutes_ago=0)
    assert files_requeue(timezone.now()) == 0
    assert report_row(assessment).status == Status.WORKING
    assert queued() == []


def test_a_render_stopped_time_after_time_fails_with_that_reason(assessment):
    _stopped(assessment, minutes_ago=5, attempts=MAX_ATTEMPTS)
    files_requeue(timezone.now())
    row = report_row(assessment)
    assert row.status == Status.FAILED
    assert row.error.startswith("stopped:")
    assert queued() == []


def test_a_due_file_whose_task_went_missing_gets_a_task_again_once(assessment, renders):
    file_request(assessment=assessment, kind=REPORT, language="nl")
    DBTaskResult.objects.all().delete()
    later = timezone.now() + LOST_AFTER + timedelta(minutes=1)
    PreparedFile.objects.update(updated_at=timezone.now())
    assert files_requeue(later) == 1
    assert files_requeue(later) == 0  # once per period, not every tick
    assert len(queued(assessment)) == 1
    time_passes(assessment)
    run_tasks()
    assert report_row(assessment).status == Status.READY
