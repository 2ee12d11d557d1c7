"""The worker's side of prepared files: the task that makes a scan's due files.

`prepare_files(assessment_id)` (queue "files") makes every due file of one scan
current: its PDF reports (one per language, rendered in the render guard's child
process with its time and memory budget) and large exports. It is idempotent: a
file whose fingerprint is still the scan's is not made again. The scheduling side
(who asks for a file, and when) is `background.files`.

A file is written to storage first and the row points at it only afterwards, in one
locked update: a worker killed mid-render leaves the row on its previous, complete
file (or none), and a file nobody points at any more is deleted.
"""

import hashlib
import logging
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone
from django_tasks import task

from .. import report
from ..export_formats import (
    action_export_rows,
    answer_rows,
    write_answers_csv,
    write_answers_xlsx,
)
from ..models import LANGUAGE_CODES, Assessment, Respondent
from ..report import render_guard
from ..results.fingerprint import fingerprint
from .models import PreparedFile
from .retry import gives_up, next_try_at

logger = logging.getLogger(__name__)

REPORT = PreparedFile.Kind.REPORT
Status = PreparedFile.Status
# Bump when what an export file holds changes without any row changing.
EXPORT_VERSION = 2
# openpyxl writes about 30,000 rows a second on a quiet machine and a third of that
# under load (bench/README.md): two minutes hold the largest scans with room.
EXPORT_TIMEOUT = 120
_XLSX = PreparedFile.Kind.XLSX
_WRITERS = {
    PreparedFile.Kind.CSV: write_answers_csv,
    PreparedFile.Kind.XLSX: write_answers_xlsx,
}
_SUFFIXES = {
    REPORT: "pdf",
    PreparedFile.Kind.CSV: "csv",
    PreparedFile.Kind.XLSX: "xlsx",
}


def file_fingerprint(assessment: Assessment, kind: str, language: str = "") -> str:
    """What a stored file of `kind` shows, as one hash: the scan's fingerprint plus
    what only that file depends on."""
    if kind == REPORT:
        return report.report_fingerprint(assessment, language)
    parts = [fingerprint(assessment), kind, EXPORT_VERSION]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def enqueue(assessment_id: int, when: datetime) -> None:
    """Queue the scan's task to run at `when` (in the caller's transaction)."""
    prepare_files.using(run_after=when).enqueue(assessment_id)


@task(queue_name="files")
def prepare_files(assessment_id: int) -> int:
    """Make every due file of the scan current; returns how many were made.

    Rows whose time has not come (the scan is still busy, or a failed render waits
    for its retry) get the task queued again for then.
    """
    assessment = (
        Assessment.objects.select_related("partnership__owner", "question_set")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        return 0  # deleted since; its rows and files went with it
    _add_report_languages(assessment)
    rows = PreparedFile.objects.filter(assessment_id=assessment_id)
    made = sum(
        _prepare(row, assessment)
        for row in rows.filter(
            status=Status.WAITING, due_at__lte=timezone.now()
        ).order_by("kind", "language")
    )
    later = rows.filter(status=Status.WAITING).aggregate(due=Min("due_at"))["due"]
    if later is not None and later > timezone.now():
        enqueue(assessment_id, later)
    return made


def _add_report_languages(assessment: Assessment) -> None:
    """A scan whose reports are kept gets one in each of its respondents'
    languages, besides the site's (which is there already). Asked here, in the
    worker, rather than on every participant's save."""
    existing = set(
        PreparedFile.objects.filter(assessment=assessment, kind=REPORT).values_list(
            "language", flat=True
        )
    )
    if not existing:
        return
    spoken = set(
        Respondent.objects.filter(assessment=assessment)
        .values_list("language", flat=True)
        .distinct()
    )
    missing = (spoken & set(LANGUAGE_CODES)) - existing
    PreparedFile.objects.bulk_create(
        [
            PreparedFile(
                assessment=assessment,
                kind=REPORT,
                language=language,
                status=Status.WAITING,
                due_at=timezone.now(),
            )
            for language in sorted(missing)
        ],
        ignore_conflicts=True,
    )


def _prepare(row: PreparedFile, assessment: Assessment) -> int:
    """Claim the row, make its file unless the stored one is current, store it."""
    started = timezone.now()
    claimed = PreparedFile.objects.filter(
        pk=row.pk, status=Status.WAITING, due_at__lte=started
    ).update(status=Status.WORKING, started_at=started, attempts=F("attempts") + 1)
    if not claimed:
        return 0  # another worker has it, or it was asked for again later
    row.refresh_from_db()
    # Read before the content: a change in between makes the stored fingerprint
    # older than the file, never newer, so a stale file is never taken as current.
    current = file_fingerprint(assessment, row.kind, row.language)
    if row.file and row.fingerprint == current:
        _settle(row, started, status=Status.READY, attempts=0, error="")
        return 0
    try:
        content = _make(assessment, row)
        name = default_storage.save(
            f"prepared/{assessment.pk}/{row.kind}-{row.language or 'all'}-"
            f"{current[:20]}.{_SUFFIXES[row.kind]}",
            ContentFile(content),
        )
    except Exception as error:  # recorded with its reason, retried with a backoff
        logger.warning("Could not make %s: %s", row, error)
        _failed(row, started, error)
        return 0
    _store(row.pk, started, name, current)
    return 1


def _make(assessment: Assessment, row: PreparedFile) -> bytes:
    if row.kind == REPORT:
        context = report.build_report_context(assessment, row.language)
        return report.render_pdf_guarded(context)
    # Rows are read here (the child process has no database of its own); the
    # spreadsheet is written under a budget like a render.
    rows = list(answer_rows(assessment))
    # The workbook has the actions on a sheet of their own.
    extra = (action_export_rows(assessment),) if row.kind == _XLSX else ()
    return render_guard.run_guarded(
        _WRITERS[row.kind], rows, *extra, timeout=EXPORT_TIMEOUT
    )


def _store(pk: int, started: datetime, name: str, fingerprint: str) -> None:
    """Point the row at the complete file `name`, unless the row went (its scan was
    deleted meanwhile) or holds a file of a later state already; then the new file
    goes. The file it replaces goes once this is committed."""
    with transaction.atomic():
        row = PreparedFile.objects.select_for_update().filter(pk=pk).first()
        if row is None or (row.made_at is not None and row.made_at >= started):
            default_storage.delete(name)
            return
        replaced = row.file.name
        row.file.name = name
        row.fingerprint = fingerprint
        row.made_at = started
        row.finished_at = timezone.now()
        # Still ours: done. Otherwise the scan changed while we worked and the row
        # waits for its next render; it keeps this file until then.
        if row.status == Status.WORKING and row.started_at == started:
            row.status, row.attempts, row.error = Status.READY, 0, ""
        row.save()
        if replaced and replaced != name:
            transaction.on_commit(lambda: default_storage.delete(replaced), robust=True)


def _failed(row: PreparedFile, started: datetime, error: Exception) -> None:
    reason = reason_of(error)
    if gives_up(row.attempts):
        _settle(row, started, status=Status.FAILED, error=reason)
    else:
        _settle(
            row,
            started,
            status=Status.WAITING,
            due_at=next_try_at(row.attempts),
            error=reason,
        )


def reason_of(error: Exception) -> str:
    """`code: detail` for the page to say in the reader's language
    (`views/prepared.py`): budget (too slow or too large), error (anything else)."""
    code = "budget" if isinstance(error, render_guard.RenderBudgetExceeded) else "error"
    detail = str(error) or type(error).__name__
    return f"{code}: {detail}"[:500]


def _settle(row: PreparedFile, started: datetime, **fields: object) -> int:
    """Write the outcome of the render that claimed the row at `started`, unless
    the row has moved on since (asked for again, claimed again)."""
    return PreparedFile.objects.filter(
        pk=row.pk, status=Status.WORKING, started_at=started
    ).update(**fields)
