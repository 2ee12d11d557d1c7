"""The PDF report download: served from storage, made by the worker
(`views/prepared.py`, `background/files.py`)."""

from functools import partial

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import get_assessment_for_user
from ..background.files import file_retry
from ..background.models import PreparedFile
from ..report import REPORT_LANGUAGES, report_filename
from ..web import throttle
from . import prepared


@require_GET
def download_report(request, pk):
    """The readiness report as a PDF attachment, in `?lang=nl|en` (default: the
    page's language), or the page that says it is being made. Owner and
    collaborators only; downloads are throttled per user."""
    # A stored report needs no question set; the worker loads it for a render.
    assessment = get_assessment_for_user(request, pk, with_question_set=False)
    if throttle.hit("report", f"user:{request.user.pk}"):
        return throttle.too_many_requests(request, "report")
    return prepared.download(request, assessment, _report(assessment, request.GET))


@require_GET
def report_status(request, pk):
    """How far the report is (htmx polls this), or on to the download."""
    assessment = get_assessment_for_user(request, pk, with_question_set=False)
    return prepared.status(request, assessment, _report(assessment, request.GET))


@require_POST
def retry_report(request, pk):
    """Try a report that could not be made again (everyone who may download it)."""
    assessment = get_assessment_for_user(request, pk, with_question_set=False)
    report = _report(assessment, request.POST)
    file_retry(assessment=assessment, kind=report.kind, language=report.language)
    return redirect(report.download_url + report.query(None))


def _report(assessment, params) -> prepared.Prepared:
    language = report_language(params)
    args = [assessment.pk]
    return prepared.Prepared(
        kind=PreparedFile.Kind.REPORT,
        language=language,
        content_type="application/pdf",
        filename=partial(_filename, assessment, language),
        download_url=reverse("assessments:assessment-report", args=args),
        status_url=reverse("assessments:assessment-report-status", args=args),
        retry_url=reverse("assessments:assessment-report-retry", args=args),
        title=_("The report is being prepared…"),
    )


def report_language(params) -> str:
    """`lang` when it is a report language, else the page's (or the first)."""
    language = params.get("lang")
    if language not in REPORT_LANGUAGES:
        language = (get_language() or "nl")[:2]
        if language not in REPORT_LANGUAGES:
            language = REPORT_LANGUAGES[0]
    return language


def _filename(assessment, language, day):
    return report_filename(assessment, language, day=day)
