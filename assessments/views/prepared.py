"""Downloads of files the worker prepares (the PDF report, large exports).

A current stored file is served at once; otherwise the page says the file is being
made and how far it got (`assessments/prepared_file.html`). With JavaScript, htmx
asks the status view every two seconds and is sent on to the download when the
file is ready (HX-Redirect); without it, the page refreshes itself. The views of
each kind (`views/report.py`, `views/exports.py`) check access and call these.
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from ..audit import Event, audit_event
from ..background.files import FileState, file_state, usual_seconds
from ..background.models import PreparedFile
from ..background.retry import MAX_ATTEMPTS

# How often the page asks (htmx) and refreshes itself (without JavaScript).
POLL_SECONDS = 2
REFRESH_SECONDS = 5


@dataclass(frozen=True)
class Prepared:
    """One downloadable file: what it is, where its views are, how it is named."""

    kind: str
    language: str
    content_type: str
    filename: Callable[[date], str]
    download_url: str
    status_url: str
    retry_url: str
    title: str  # "The report is being prepared…"
    # Where "back" leads. Set for a page opened without an account (a shared
    # link): then the page shows no breadcrumb into the workspace either.
    back_url: str = ""

    def query(self, since: datetime | None) -> str:
        params = {"lang": self.language} if self.language else {}
        if since is not None:
            params["since"] = f"{since.timestamp():.6f}"
        return f"?{urlencode(params)}" if params else ""


def since_of(request) -> datetime | None:
    """The moment the person started waiting (`?since=`, seconds since the epoch)."""
    try:
        value = float(request.GET.get("since", ""))
    except ValueError:
        return None
    if not math.isfinite(value) or not 0 < value < 1e11:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def download(request, assessment, prepared: Prepared) -> HttpResponse:
    """The stored file when it is current, else the progress page."""
    since = since_of(request)
    state = _state(assessment, prepared, since)
    if state.ready:
        try:
            response = _file_response(state.row, prepared)
            audit_event(
                request, _download_event(prepared), assessment, fmt=prepared.kind
            )
            return response
        except OSError:  # replaced by a newer file a moment ago
            state = _state(assessment, prepared, since)
    response = render(
        request,
        "assessments/prepared_file.html",
        _context(assessment, prepared, state, since or timezone.now()),
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _download_event(prepared: Prepared) -> str:
    if prepared.kind == PreparedFile.Kind.REPORT:
        return Event.REPORT_DOWNLOADED
    return Event.EXPORT_DOWNLOADED


def status(request, assessment, prepared: Prepared) -> HttpResponse:
    """The progress fragment, or (htmx) on to the download once it is ready."""
    since = since_of(request) or timezone.now()
    state = _state(assessment, prepared, since)
    if state.ready:
        target = prepared.download_url + prepared.query(since)
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
        else:
            response = HttpResponseRedirect(target)
    else:
        context = _context(assessment, prepared, state, since)
        # The status line is a live region: sent again only when it changed, so
        # that a screen reader does not repeat it every two seconds.
        context["changed"] = request.GET.get("seen") != context["seen"]
        response = render(
            request, "assessments/includes/_prepared_file_update.html", context
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _state(assessment, prepared: Prepared, since) -> FileState:
    return file_state(
        assessment=assessment,
        kind=prepared.kind,
        language=prepared.language,
        since=since,
    )


def _file_response(row: PreparedFile, prepared: Prepared) -> FileResponse:
    response = FileResponse(
        default_storage.open(row.file.name, "rb"),
        as_attachment=True,
        # The date the file was made, as on the report's cover.
        filename=prepared.filename(timezone.localdate(row.made_at)),
        content_type=prepared.content_type,
    )
    # Confidential: no shared caches, and no copy kept around by the browser.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _context(assessment, prepared: Prepared, state: FileState, since):
    row = state.row
    waiting_since = None
    if row is not None:
        working = row.status == PreparedFile.Status.WORKING
        waiting_since = row.started_at if working else row.due_at
    # What the status line shows, in a few characters (`status` sends it again
    # only when this changes).
    shown = repr([row and (row.status, row.error, waiting_since), state.late])
    seen = hashlib.sha256(shown.encode()).hexdigest()[:12]
    return {
        "assessment": assessment,
        "partnership": assessment.partnership,
        "prepared": prepared,
        "state": state,
        "row": row,
        "reason": reason_text(row.error) if row and row.error else "",
        "waiting_since": waiting_since,
        "next_attempt": min((row.attempts if row else 0) + 1, MAX_ATTEMPTS),
        "max_attempts": MAX_ATTEMPTS,
        "usual_seconds": _rounded(usual_seconds(prepared.kind)),
        "seen": seen,
        "poll_url": f"{prepared.status_url}{prepared.query(since)}&seen={seen}",
        "refresh_url": prepared.download_url + prepared.query(since),
        "poll_seconds": POLL_SECONDS,
        "refresh_seconds": REFRESH_SECONDS,
    }


def _rounded(seconds: float | None) -> int | None:
    return None if seconds is None else max(1, round(seconds))


def reason_text(error: str) -> str:
    """The stored reason (`background.making.reason_of`) in the reader's language."""
    code, _sep, detail = error.partition(": ")
    if code == "budget":
        return _(
            "it took longer or needed more memory than one file may (%(detail)s)"
        ) % {"detail": detail}
    if code == "stopped":
        return _("the worker stopped while making it (a restart, or out of memory)")
    return _("an error occurred (%(detail)s)") % {"detail": detail or error}
