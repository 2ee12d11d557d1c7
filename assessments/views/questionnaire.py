"""The participant's questionnaire, reached through a personal invitation link.

The link's token is exchanged for a session at once, and every later page works from
that session and a clean URL, so the token does not linger in the address bar,
history or Referer. How long that session lasts, what revoking a link does to it
and the receipt left after submitting: participant_session.py. Opening the link of
a submitted scan gives that receipt.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..branding import branding_of, profile_of_owner
from ..erasure import respondent_data
from ..erasure.notice import privacy_controller
from ..export_formats import CONTENT_TYPES, own_answers_csv
from ..forms.questionnaire import AnswersForm
from ..models import COMMENT_MAX, Dimension, Respondent
from ..questionnaire import (
    AnswersLocked,
    answers_lock,
    answers_of,
    answers_save,
    comments_of,
    first_open_step,
    needs_consent,
    open_statements,
    question_dimension_ids,
    questionnaire_steps,
    respondent_consent,
    respondent_open,
    respondent_submit,
)
from ..web import throttle
from ._answering import (
    comment_cells,
    review_sections,
    save_status,
    scale_choices,
    statement_rows,
    step_or_404,
)
from .branding import logo_response
from .confirm import confirm_page, is_confirmed
from .erasure import json_download
from .participant_session import (
    SESSION_RECEIPT,
    _invalid_link,
    _receipt_respondent,
    _session_respondent,
    _start_receipt,
    _start_session,
    respondent_required,
)

# About 12.5 seconds per statement: the default set's 85 statements take some 20
# minutes.
SECONDS_PER_STATEMENT = 12.5


def _resume_url(respondent, answers=None):
    """Where the link takes a returning participant: the first unanswered step."""
    if respondent.is_submitted:
        return reverse("assessments:questionnaire-thanks")
    if answers is None:
        answers = answers_of([respondent])
    if not answers:
        return reverse("assessments:questionnaire-welcome")
    steps = questionnaire_steps(respondent.assessment.question_set)
    step = first_open_step(steps, lambda q: (respondent.pk, q.pk) in answers)
    if step is None:
        return reverse("assessments:questionnaire-review")
    return reverse("assessments:questionnaire-step", kwargs={"step": step.number})


def _set_language_cookie(response, language):
    """What `set_language` does: the participant's pages open in their language."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_not_required
@never_cache
def open_invitation(request, token):
    """Exchange the link's token for a session, then leave the token behind."""
    client = throttle.client_key(request)
    if throttle.is_blocked("token", client):
        return throttle.too_many_requests(request, "token")
    respondent = (
        Respondent.objects.by_token(token)
        .filter(is_group=False)
        .select_related("assessment__question_set")
        .first()
    )
    if respondent is None or not respondent.assessment.is_open:
        throttle.hit("token", client)
        response = _invalid_link(request)
    elif respondent.is_submitted:
        _start_receipt(request, respondent)
        response = redirect("assessments:questionnaire-thanks")
    else:
        _start_session(request, respondent)
        respondent_open(respondent=respondent)
        response = redirect(_resume_url(respondent))
        _set_language_cookie(response, respondent.language)
    response["Referrer-Policy"] = "no-referrer"
    return response


CONSENT_REFUSED = gettext_lazy(
    "This scan asks you to agree to its privacy notice before you answer. Read "
    "it below and tick the box to start."
)


def _welcome(request, respondent, *, consent_error="", status=200):
    assessment = respondent.assessment
    steps = questionnaire_steps(assessment.question_set)
    statements = sum(len(step.questions) for step in steps)
    minutes = max(5, round(statements * SECONDS_PER_STATEMENT / 60 / 5) * 5)
    answers = answers_of([respondent])
    context = {
        "respondent": respondent,
        "steps_count": len(steps),
        "statements": statements,
        "minutes": minutes,
        "conditions": [
            s for s in steps if s.dimension.kind == Dimension.Kind.CONDITION
        ],
        "links": [s for s in steps if s.dimension.kind == Dimension.Kind.LINK],
        "resume_url": _resume_url(respondent, answers) if answers else None,
        "locked": answers_lock(respondent.assessment, [respondent]),
        "branding": branding_of(assessment),
        "controller": privacy_controller(assessment),
        "needs_consent": needs_consent(respondent),
        "consent_error": consent_error,
    }
    return render(
        request, "assessments/questionnaire_welcome.html", context, status=status
    )


@respondent_required
def show_welcome(request, respondent):
    return _welcome(request, respondent)


@require_POST
@respondent_required
def give_consent(request, respondent):
    """The participant agrees to the privacy notice (scans that ask for it)."""
    if request.POST.get("agree") != "yes":
        return _welcome(
            request, respondent, consent_error=str(CONSENT_REFUSED), status=400
        )
    respondent_consent(respondent=respondent)
    return redirect(
        _resume_url(respondent)
        if answers_of([respondent])
        else (reverse("assessments:questionnaire-step", kwargs={"step": 1}))
    )


def _to_consent(request):
    """Where a participant who has not agreed yet is sent, with the reason."""
    messages.error(request, CONSENT_REFUSED)
    return redirect(reverse("assessments:questionnaire-welcome") + "#consent")


@respondent_required
def show_welcome_logo(request, respondent):
    """The logo of the consultancy running the participant's own scan."""
    return logo_response(profile_of_owner(respondent.assessment))


@respondent_required
def answer_step(request, respondent, step):
    if needs_consent(respondent):
        return _to_consent(request)
    steps = questionnaire_steps(respondent.assessment.question_set)
    current = step_or_404(steps, step)
    form, status = None, 200
    if request.method == "POST":
        form, status = _save_step(request, respondent, steps)
        if status == 200:
            return redirect(_navigate(request.POST.get("nav"), current, steps))
    answers = answers_of([respondent])
    comments = comments_of([respondent], current.dimension)
    forms = {respondent.pk: form} if form is not None else None
    context = {
        "respondent": respondent,
        "steps": steps,
        "step": current,
        "scale": scale_choices(),
        "rows": statement_rows(current, answers, [respondent], forms),
        "comments": comment_cells(current, comments, [respondent], forms),
        "comment_max": COMMENT_MAX,
        "save_url": reverse("assessments:questionnaire-save"),
        "form": form,
        "locked": answers_lock(respondent.assessment, [respondent]),
        "answered": len(answers),
        "total": sum(len(s.questions) for s in steps),
    }
    return render(
        request, "assessments/questionnaire_step.html", context, status=status
    )


def _save_step(request, respondent, steps):
    """Save a step posted as a plain form (no JavaScript); return (form, status)."""
    questions = {q.pk: s.dimension.pk for s in steps for q in s.questions}
    form = AnswersForm(request.POST, questions=questions)
    if not form.is_valid():
        return form, 400
    try:
        if form.values or form.comments:
            answers_save(
                respondent=respondent, values=form.values, comments=form.comments
            )
    except AnswersLocked as exc:
        messages.error(request, exc.message)
        return form, 409
    return form, 200


def _navigate(nav, current, steps):
    if nav == "back" and current.number > 1:
        return reverse("assessments:questionnaire-step", args=[current.number - 1])
    if nav == "back":
        return reverse("assessments:questionnaire-welcome")
    if nav == "next" and current.number < len(steps):
        return reverse("assessments:questionnaire-step", args=[current.number + 1])
    return reverse("assessments:questionnaire-review")


@require_POST
@respondent_required
def save_answers(request, respondent):
    """The htmx autosave: one upsert, answered with a small status fragment."""
    if needs_consent(respondent):
        return save_status(request, error=str(CONSENT_REFUSED), status=403)
    questions = question_dimension_ids(respondent.assessment.question_set)
    form = AnswersForm(request.POST, questions=questions)
    if form.is_empty:
        error = _("There was nothing to save in this request.")
        return save_status(request, error=error, status=400)
    if not form.is_valid():
        return save_status(request, error=form.first_error(), status=400)
    try:
        answers_save(respondent=respondent, values=form.values, comments=form.comments)
    except AnswersLocked as exc:
        return save_status(request, error=exc.message, status=409)
    # The step's "x of y answered" follows along (an out-of-band swap), so the
    # participant sees progress without a page load.
    progress = {"answered": respondent.answers.count(), "total": len(questions)}
    return save_status(request, saved_at=timezone.now(), extra=progress)


def _open_statements(respondent, steps, answers):
    """The open statements and where the first one is (or the last step)."""
    still_open = open_statements(steps, lambda q: (respondent.pk, q.pk) in answers)
    if still_open.step is None:
        return still_open, reverse("assessments:questionnaire-step", args=[len(steps)])
    url = reverse("assessments:questionnaire-step", args=[still_open.step.number])
    return still_open, f"{url}#s-{still_open.question.pk}"


def _open_title(still_open):
    return ngettext(
        "%(open)d of %(total)d statements is still open",
        "%(open)d of %(total)d statements are still open",
        still_open.count,
    ) % {"open": still_open.count, "total": still_open.total}


@respondent_required
def review_answers(request, respondent):
    if needs_consent(respondent):
        return _to_consent(request)
    steps = questionnaire_steps(respondent.assessment.question_set)
    answers = answers_of([respondent])
    comments = comments_of([respondent])
    sections = review_sections(steps, [respondent], answers, comments)
    still_open, first_open_url = _open_statements(respondent, steps, answers)
    context = {
        "respondent": respondent,
        "steps": steps,
        "sections": sections,
        "unanswered": sum(s["unanswered"] for s in sections),
        "open_title": _open_title(still_open) if still_open.count else "",
        "first_open_url": first_open_url,
        "locked": answers_lock(respondent.assessment, [respondent]),
    }
    return render(request, "assessments/questionnaire_review.html", context)


def _confirm_send_open(request, still_open, first_open_url):
    """Sending with statements open is for good: say how many, offer the first."""
    return confirm_page(
        request,
        title=_open_title(still_open),
        consequences=[
            _(
                "If you send your answers now, the open statements stay unanswered: "
                "after sending you can read your answers, but no longer change them."
            )
        ],
        button=_("Send anyway"),
        alternative=(_("To the first open statement"), first_open_url),
        cancel_url=reverse("assessments:questionnaire-review"),
        base="assessments/questionnaire_base.html",
    )


@require_POST
@respondent_required
def submit_answers(request, respondent):
    if needs_consent(respondent):
        return _to_consent(request)
    locked = answers_lock(respondent.assessment, [respondent])
    if locked is None and not is_confirmed(request):
        steps = questionnaire_steps(respondent.assessment.question_set)
        still_open, url = _open_statements(respondent, steps, answers_of([respondent]))
        if still_open.count:
            return _confirm_send_open(request, still_open, url)
    try:
        respondent_submit(respondent=respondent)
    except AnswersLocked as exc:
        messages.error(request, exc.message)
        return redirect("assessments:questionnaire-review")
    _start_receipt(request, respondent)
    return redirect("assessments:questionnaire-thanks")


@login_not_required
@never_cache
def show_thanks(request):
    respondent = _receipt_respondent(request)
    if respondent is None:
        if _session_respondent(request) is not None:  # not sent yet
            return redirect("assessments:questionnaire-review")
        return _invalid_link(request)
    until = request.session[SESSION_RECEIPT]["until"]
    context = {
        "respondent": respondent,
        "download_until": datetime.fromtimestamp(until, tz=UTC),
    }
    return render(request, "assessments/questionnaire_thanks.html", context)


@login_not_required
@never_cache
def download_own_answers(request):
    """The participant's own answers as CSV, for a short while after sending."""
    respondent = _receipt_respondent(request)
    if respondent is None:
        return _invalid_link(request)
    steps = questionnaire_steps(respondent.assessment.question_set)
    answers = {q: value for (_r, q), value in answers_of([respondent]).items()}
    comments = {d: text for (_r, d), text in comments_of([respondent]).items()}
    scale = dict(scale_choices())
    response = HttpResponse(
        own_answers_csv(steps, answers, comments, scale),
        content_type=CONTENT_TYPES["csv"],
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _("partnerscan-my-answers.csv")
    )
    return response


@login_not_required
@never_cache
def download_own_data(request):
    """Everything stored about the participant (an access request) as JSON, for
    the same short while after sending as their answers, through their own
    session only."""
    respondent = _receipt_respondent(request)
    if respondent is None:
        return _invalid_link(request)
    return json_download(respondent_data(respondent), _("partnerscan-my-data.json"))
