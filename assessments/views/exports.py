"""Downloads of a scan's results and answers, and the upload of answers."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import throttle
from ..access import get_assessment_for_user, get_assessment_for_user_rw
from ..exports import CONTENT_TYPES, export_bytes, export_filename
from ..forms.imports import ResponsesUploadForm
from ..imports import ResponsesImportError, read_table, responses_import

# The error page lists at most this many bad lines and counts the rest.
SHOWN_PROBLEMS = 500


@require_safe
def export_results(request, pk, fmt):
    assessment = get_assessment_for_user(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(
        export_bytes(assessment, fmt), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(assessment, fmt)
    )
    # Answers and scores are personal data: keep them out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def import_responses(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    # Reading a workbook is heavy work: a consultant gets a fair number per window.
    if throttle.hit("import", f"user:{request.user.pk}"):
        return throttle.too_many_requests(
            request,
            "import",
            _(
                "You imported many files in a short time. Please wait ten minutes "
                "and try again."
            ),
        )
    form = ResponsesUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            summary = responses_import(
                assessment=assessment,
                rows=read_table(form.cleaned_data["file"].read()),
            )
        except ResponsesImportError as exc:
            problems = exc.problems
        else:
            messages.success(
                request,
                _(
                    "Answers imported: %(created)s new and %(updated)s existing "
                    "respondents, %(answers)s answers."
                )
                % {
                    "created": summary.respondents_created,
                    "updated": summary.respondents_updated,
                    "answers": summary.answers_written,
                },
            )
            return redirect("assessments:assessment-detail", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "partnership": assessment.partnership,
        "form": form,
        "problems": problems[:SHOWN_PROBLEMS],
        "problem_count": len(problems),
        "more_problems": max(0, len(problems) - SHOWN_PROBLEMS),
    }
    return render(request, "assessments/import_responses.html", context, status=400)
