"""The PDF report download."""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from ..access import get_assessment_for_user
from ..report import REPORT_LANGUAGES, report_filename, report_pdf
from ..web import throttle


@require_GET
def download_report(request, pk):
    """The readiness report as a PDF attachment, in `?lang=nl|en` (default: the
    page's language). Owner and collaborators only; rendering is throttled per user,
    a cached report is served as is."""
    # A cached report needs no question set; a render loads it when it does.
    assessment = get_assessment_for_user(request, pk, with_question_set=False)
    if throttle.hit("report", f"user:{request.user.pk}"):
        return throttle.too_many_requests(request, "report")
    language = request.GET.get("lang")
    if language not in REPORT_LANGUAGES:
        language = (get_language() or "nl")[:2]
        if language not in REPORT_LANGUAGES:
            language = REPORT_LANGUAGES[0]
    response = HttpResponse(report_pdf(assessment, language), "application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, report_filename(assessment, language)
    )
    # Confidential: no shared caches, and no copy kept around by the browser.
    patch_cache_control(response, private=True, no_store=True)
    return response
