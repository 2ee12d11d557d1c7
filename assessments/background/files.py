"""Files made by the worker ahead of the click: a scan's PDF report in every language
it needs, and large exports (`PreparedFile`). The web process never renders; it
serves a stored file whose fingerprint is current, or asks for one and shows how far
it got (`views/prepared.py`).

When reports are made:

- A participant's save (`report_schedule`) is debounced: the scan's report rows
  wait until its answers have been quiet for `REPORT_DEBOUNCE_SECONDS`. The first
  save after a quiet period moves the rows to WAITING in one conditional UPDATE and
  queues the scan's one task; every later save only moves `due_at` on (one UPDATE,
  nothing queued). The task, run before `due_at`, queues itself again for then.
- A submission, a finished workshop, closing or reopening the scan make them due at
  once (`at_once=True`), and so does a download that finds no current file
  (`file_request`).
- A failed render is retried with `retry.next_try_at` up to `retry.MAX_ATTEMPTS`,
  then shown with its reason; `file_retry` (the page's button) starts afresh.
- A render stopped with its worker (killed, out of memory, a restart) is made again
  by the periodic `files_requeue` once it has run past its budget.

The languages: the site's (`LANGUAGE_CODE`), every respondent's (added by the
task), and any other that someone asked for (its row stays and is kept current).
The task itself is `background.making.prepare_files`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from ..models import Assessment
from .making import EXPORT_TIMEOUT, REPORT, Status, enqueue, file_fingerprint
from .models import PreparedFile
from .retry import gives_up

# How far a busy scan's due time may fall behind before a save moves it on.
SLACK = 0.1
# A due file not started after this long: no worker seems to be running.
LATE = timedelta(minutes=2)
# A render still "working" this long past its budget was stopped with its worker.
STALE_MARGIN = timedelta(seconds=60)
# A due file whose task went missing (it failed before it got to the file) gets a
# task again after this long, at most once per period.
LOST_AFTER = timedelta(minutes=10)


def report_schedule(assessment: Assessment, *, at_once: bool = False) -> None:
    """Have the scan's reports made again: once the scan has been quiet for
    `REPORT_DEBOUNCE_SECONDS`, or at once. Failed reports stay failed until someone
    retries them.

    On the autosave path this costs one read while the scan is busy (one UPDATE a
    tenth of the window), and a few statements plus the task's row for the first
    save after a quiet period.
    """
    now = timezone.now()
    rows = PreparedFile.objects.filter(assessment_id=assessment.pk, kind=REPORT)
    if at_once:
        rows.exclude(status=Status.FAILED).update(status=Status.WAITING, due_at=now)
        _create_row(assessment.pk, REPORT, settings.LANGUAGE_CODE, now)
        enqueue(assessment.pk, now)
        return
    window = timedelta(seconds=settings.REPORT_DEBOUNCE_SECONDS)
    due = now + window
    # Busy: the task of this quiet period is queued; its time moves on. Rows due
    # already (asked for at once) are not put off by the scan's activity.
    waiting = rows.filter(status=Status.WAITING, due_at__gt=now)
    # Most saves of a busy scan find the due time moved on less than a tenth of
    # the window ago: a read, no write (no second commit beside the answers', no
    # row lock for fifty participants to queue on). The debounce is then quiet
    # for 90-100 % of the window.
    if waiting.filter(due_at__gte=due - window * SLACK).exists():
        return
    if waiting.update(due_at=due):
        return
    # The first change after a quiet period: only the caller whose UPDATE moved
    # the rows queues the task (a second caller finds them WAITING already).
    if rows.filter(status__in=[Status.READY, Status.WORKING]).update(
        status=Status.WAITING, due_at=due
    ):
        enqueue(assessment.pk, due)
    elif _create_row(assessment.pk, REPORT, settings.LANGUAGE_CODE, due):
        enqueue(assessment.pk, due)  # the scan's first change


def file_request(*, assessment: Assessment, kind: str, language: str = "") -> None:
    """A download found no current file: have it made now (unless it failed for
    good: that waits for `file_retry`)."""
    now = timezone.now()
    PreparedFile.objects.filter(
        assessment_id=assessment.pk, kind=kind, language=language
    ).exclude(status=Status.FAILED).update(status=Status.WAITING, due_at=now)
    _create_row(assessment.pk, kind, language, now)
    enqueue(assessment.pk, now)


def file_retry(*, assessment: Assessment, kind: str, language: str = "") -> None:
    """Try a failed file again from the first attempt."""
    now = timezone.now()
    PreparedFile.objects.filter(
        assessment_id=assessment.pk, kind=kind, language=language, status=Status.FAILED
    ).update(status=Status.WAITING, due_at=now, attempts=0, error="")
    file_request(assessment=assessment, kind=kind, language=language)


def _create_row(assessment_id: int, kind: str, language: str, due: datetime) -> bool:
    """Create the row WAITING when it does not exist; True when this call did."""
    if PreparedFile.objects.filter(
        assessment_id=assessment_id, kind=kind, language=language
    ).exists():
        return False
    # A parallel request may create it first: that is fine, it is there.
    created = PreparedFile.objects.bulk_create(
        [
            PreparedFile(
                assessment_id=assessment_id,
                kind=kind,
                language=language,
                status=Status.WAITING,
                due_at=due,
            )
        ],
        ignore_conflicts=True,
    )
    return bool(created)


# What a download finds ----------------------------------------------------------------


@dataclass(frozen=True)
class FileState:
    """A prepared file as a download sees it: `ready` to serve, `failed` with its
    reason (`row.error`), or on its way (`row.status` waiting or working)."""

    row: PreparedFile | None
    ready: bool = False
    failed: bool = False
    late: bool = False  # due for minutes and not started: is a worker running?


def file_state(
    *,
    assessment: Assessment,
    kind: str,
    language: str = "",
    since: datetime | None = None,
) -> FileState:
    """Whether the file can be served, and if not, have it made.

    Served: a file made from the scan as it is now (its fingerprint is current),
    or, for someone waiting since `since`, one made from the scan as it was at that
    moment or later, so that a scan whose answers keep changing still gets its
    report. A file neither waiting nor being made is asked for at once.
    """
    now = timezone.now()
    current = file_fingerprint(assessment, kind, language)
    row = _row(assessment, kind, language)
    if row is not None and row.file:
        made_since = since is not None and row.made_at and row.made_at >= since
        if row.fingerprint == current or made_since:
            return FileState(row, ready=True)
    if row is not None and row.status == Status.FAILED:
        return FileState(row, failed=True)
    on_its_way = row is not None and (
        row.status == Status.WORKING
        or (row.status == Status.WAITING and row.due_at and row.due_at <= now)
    )
    if not on_its_way:
        file_request(assessment=assessment, kind=kind, language=language)
        row = _row(assessment, kind, language)
    return FileState(row, late=_is_late(row, now))


def _row(assessment: Assessment, kind: str, language: str) -> PreparedFile | None:
    return PreparedFile.objects.filter(
        assessment_id=assessment.pk, kind=kind, language=language
    ).first()


def _is_late(row: PreparedFile, now: datetime) -> bool:
    if row.status == Status.WAITING:
        return row.due_at is not None and row.due_at < now - LATE
    if row.status == Status.WORKING:
        return row.started_at is not None and row.started_at < now - _budget(row.kind)
    return False


def _budget(kind: str) -> timedelta:
    """How long one file of `kind` may take, plus the margin around the render
    (reading the scan, writing the file)."""
    seconds = settings.PDF_RENDER_TIMEOUT if kind == REPORT else EXPORT_TIMEOUT
    return timedelta(seconds=seconds) + STALE_MARGIN


def usual_seconds(kind: str) -> float | None:
    """How long making a file of `kind` took lately (the median of the last 20),
    for the progress page; None before there is any."""
    durations = sorted(
        (finished - made).total_seconds()
        for made, finished in PreparedFile.objects.filter(
            kind=kind, made_at__isnull=False, finished_at__isnull=False
        )
        .order_by("-finished_at")
        .values_list("made_at", "finished_at")[:20]
    )
    return durations[len(durations) // 2] if durations else None


# Periodic: renders stopped with their worker -----------------------------------------


def files_requeue(now: datetime) -> int:
    """Make again what a stopped worker left "working" past its budget (after
    `MAX_ATTEMPTS` tries it fails, with that reason), and queue a task again for
    files that have been due for long without one. Returns how many rows it moved.
    """
    moved, scans = 0, set()
    stale = Q(kind=REPORT, started_at__lt=now - _budget(REPORT)) | (
        ~Q(kind=REPORT) & Q(started_at__lt=now - _budget(PreparedFile.Kind.XLSX))
    )
    for row in PreparedFile.objects.filter(stale, status=Status.WORKING):
        reason = "stopped: the worker stopped while making the file"
        if gives_up(row.attempts):
            fields = {"status": Status.FAILED, "error": reason}
        else:
            fields = {"status": Status.WAITING, "due_at": now, "error": reason}
        if PreparedFile.objects.filter(
            pk=row.pk, status=Status.WORKING, started_at=row.started_at
        ).update(**fields):
            moved += 1
            if fields["status"] == Status.WAITING:
                scans.add(row.assessment_id)
    lost = PreparedFile.objects.filter(
        status=Status.WAITING,
        due_at__lt=now - LOST_AFTER,
        updated_at__lt=now - LOST_AFTER,
    )
    for row in lost:
        if PreparedFile.objects.filter(pk=row.pk, updated_at=row.updated_at).update(
            updated_at=now
        ):
            moved += 1
            scans.add(row.assessment_id)
    for assessment_id in scans:
        enqueue(assessment_id, now)
    return moved


# A row's file goes with the row -------------------------------------------------------


@receiver(post_delete, sender=PreparedFile, dispatch_uid="prepared_file_delete_file")
def _delete_stored_file(sender: type, instance: PreparedFile, **kwargs: object) -> None:
    """Delete the stored file once the row's deletion is committed. A signal, so
    that it also runs when the row goes with its scan or partnership (cascades do
    not call `delete()`, but they do send this signal)."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: default_storage.delete(name), robust=True)
