"""Downloads of a scan's results and answers, and the upload of answers."""

import time
from functools import partial

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from ..access import (
    get_assessment_answers_for_user,
    get_assessment_for_owner,
    get_assessment_for_user,
    get_assessment_for_user_rw,
)
from ..audit import Event, audit_event
from ..background.files import file_retry
from ..export_formats import (
    CONTENT_TYPES,
    RAW_ANSWER_FORMATS,
    WORKER_ROWS,
    answer_row_count,
    export_bytes,
    export_filename,
)
from ..forms.imports import ResponsesUploadForm
from ..imports import (
    HeldAnswers,
    ResponsesImportError,
    read_table,
    responses_import,
    responses_replace,
)
from ..web import throttle
from . import prepared
from .confirm import confirm_page, is_confirmed

# The error page lists at most this many bad lines and counts the rest.
SHOWN_PROBLEMS = 500
# Answers an import held back wait this long for the owner's decision.
HELD_SECONDS = 60 * 60


@require_safe
def export_results(request, pk, fmt):
    """The export as an attachment. Raw answers above `WORKER_ROWS` rows are made
    by the worker: the page says so until the file is ready (`views/prepared.py`)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    if fmt in RAW_ANSWER_FORMATS:
        assessment = get_assessment_answers_for_user(request, pk)
        if answer_row_count(assessment) > WORKER_ROWS[fmt]:
            return prepared.download(request, assessment, _export(assessment, fmt))
    else:
        assessment = get_assessment_for_user(request, pk)
    response = HttpResponse(
        export_bytes(assessment, fmt), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(assessment, fmt)
    )
    # Answers and scores are personal data: keep them out of shared caches.
    response["Cache-Control"] = "private, no-store"
    audit_event(request, Event.EXPORT_DOWNLOADED, assessment, fmt=fmt)
    return response


@require_safe
def export_status(request, pk, fmt):
    """How far a large export is (htmx polls this), or on to the download."""
    assessment = _raw_answers(request, pk, fmt)
    return prepared.status(request, assessment, _export(assessment, fmt))


@require_POST
def retry_export(request, pk, fmt):
    """Try an export that could not be made again."""
    assessment = _raw_answers(request, pk, fmt)
    export = _export(assessment, fmt)
    file_retry(assessment=assessment, kind=export.kind)
    return redirect(export.download_url)


def _raw_answers(request, pk, fmt):
    if fmt not in RAW_ANSWER_FORMATS:
        raise Http404
    return get_assessment_answers_for_user(request, pk)


def _export(assessment, fmt) -> prepared.Prepared:
    args = [assessment.pk, fmt]
    return prepared.Prepared(
        kind=fmt,
        language="",
        content_type=CONTENT_TYPES[fmt],
        filename=partial(export_filename, assessment, fmt),
        download_url=reverse("assessments:assessment-export", args=args),
        status_url=reverse("assessments:assessment-export-status", args=args),
        retry_url=reverse("assessments:assessment-export-retry", args=args),
        title=_("The export is being prepared…"),
    )


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
            audit_event(
                request,
                Event.ANSWERS_IMPORTED,
                assessment,
                created=summary.respondents_created,
                updated=summary.respondents_updated,
                answers=summary.answers_written,
            )
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
            return _after_import(request, assessment, summary.skipped)
    context = {
        "assessment": assessment,
        "partnership": assessment.partnership,
        "form": form,
        "problems": problems[:SHOWN_PROBLEMS],
        "problem_count": len(problems),
        "more_problems": max(0, len(problems) - SHOWN_PROBLEMS),
    }
    return render(request, "assessments/import_responses.html", context, status=400)


def _held_key(assessment):
    return f"import_held_{assessment.pk}"


def _after_import(request, assessment, skipped):
    """Say who was skipped; the owner may then choose to replace their answers."""
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(n)d respondent in the file had already sent their answers; "
                "they were not replaced: %(names)s.",
                "%(n)d respondents in the file had already sent their answers; "
                "they were not replaced: %(names)s.",
                len(skipped),
            )
            % {"n": len(skipped), "names": ", ".join(h.label for h in skipped)},
        )
    if skipped and assessment.partnership.owner_id == request.user.pk:
        # The session keeps the file's answers for them, not the file.
        request.session[_held_key(assessment)] = {
            "at": time.time(),
            "held": [
                [h.respondent_id, h.label, list(h.answers.items())] for h in skipped
            ],
        }
        return redirect("assessments:assessment-import-replace", pk=assessment.pk)
    return redirect("assessments:assessment-detail", pk=assessment.pk)


def _held_answers(request, assessment):
    stored = request.session.get(_held_key(assessment)) or {}
    if time.time() - stored.get("at", 0) > HELD_SECONDS:
        return []
    return [
        HeldAnswers(pk, label, dict(answers))
        for pk, label, answers in stored.get("held", [])
    ]


@require_http_methods(["GET", "POST"])
def replace_imported_answers(request, pk):
    """The owner's explicit choice to let an import replace submitted answers."""
    assessment = get_assessment_for_owner(request, pk)
    held = _held_answers(request, assessment)
    detail = reverse("assessments:assessment-detail", args=[assessment.pk])
    if not held:
        messages.info(request, _("No imported answers are waiting for a decision."))
        return redirect(detail)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Replace answers that were already sent?"),
            consequences=[
                ngettext(
                    "The file you imported also holds answers of %(n)d respondent "
                    "who already sent their own. Their answers were kept.",
                    "The file you imported also holds answers of %(n)d respondents "
                    "who already sent their own. Their answers were kept.",
                    len(held),
                )
                % {"n": len(held)},
                _(
                    "Replacing them puts the file's answers in place of what these "
                    "participants sent. This cannot be undone."
                ),
            ],
            items=[item.label for item in held],
            button=_("Replace their answers"),
            cancel_url=detail,
            context={"assessment": assessment, "partnership": assessment.partnership},
        )
    try:
        written = responses_replace(assessment=assessment, held=held)
    except ResponsesImportError as exc:
        messages.error(request, "; ".join(str(p) for p in exc.problems))
    else:
        audit_event(request, Event.ANSWERS_IMPORTED, assessment, replaced=len(held))
        messages.success(
            request,
            ngettext(
                "Answers of %(n)d respondent replaced (%(answers)d answers).",
                "Answers of %(n)d respondents replaced (%(answers)d answers).",
                len(held),
            )
            % {"n": len(held), "answers": written},
        )
    request.session.pop(_held_key(assessment), None)
    return redirect(detail)
