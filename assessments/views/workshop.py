"""Workshop mode ("samen invullen"): the partners fill in the scan together.

The consultant runs the session on one screen under their own login (edit rights on
the partnership); every statement shows one answer row per organisation, stored as
that organisation's group respondent. Every change is saved at once, so the session
can be left at any moment and resumed from the assessment page.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext as _, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..access import get_assessment_for_user_rw
from ..forms.questionnaire import WorkshopForm
from ..models import COMMENT_MAX
from ..questionnaire import (
    AnswersLocked,
    answers_lock,
    answers_of,
    comments_of,
    first_open_step,
    open_statements,
    questionnaire_steps,
    workshop_answers_save,
    workshop_finish,
    workshop_groups,
    workshop_reopen,
    workshop_start,
)
from ..scoring import answer_spread
from ._answering import (
    DIFFERENCE_POINTS,
    comment_cells,
    review_sections,
    save_status,
    scale_choices,
    statement_rows,
    step_or_404,
)
from .confirm import confirm_page, is_confirmed


def _assessment_url(assessment):
    return reverse("assessments:assessment-detail", args=[assessment.pk])


def _resume_url(assessment, groups):
    """The first step where an organisation still lacks an answer, else the review."""
    answers = answers_of(groups)
    steps = questionnaire_steps(assessment.question_set)
    step = first_open_step(
        steps, lambda q: all((g.pk, q.pk) in answers for g in groups)
    )
    if step is None:
        return reverse("assessments:workshop-review", args=[assessment.pk])
    return reverse("assessments:workshop-step", args=[assessment.pk, step.number])


def _open_statements(assessment, groups, steps, answers):
    """Statements some organisation has not answered, and a link to the first
    one (or to the last step when none is open)."""
    still_open = open_statements(
        steps, lambda q: all((g.pk, q.pk) in answers for g in groups)
    )
    step = still_open.step.number if still_open.step else len(steps)
    url = reverse("assessments:workshop-step", args=[assessment.pk, step])
    if still_open.question is not None:
        url += f"#s-{still_open.question.pk}"
    return still_open, url


def _question_map(steps):
    return {q.pk: s.dimension.pk for s in steps for q in s.questions}


@require_POST
def start_workshop(request, pk):
    """Open (or resume) the joint session; idempotent."""
    assessment = get_assessment_for_user_rw(request, pk)
    closed = answers_lock(assessment)
    if closed is None:
        groups = workshop_start(assessment=assessment, language=get_language()[:2])
    else:
        groups = workshop_groups(assessment)
        if not groups:
            messages.error(request, closed.message)
            return redirect(_assessment_url(assessment))
    if answers_lock(assessment, groups):
        return redirect("assessments:workshop-review", pk=assessment.pk)
    return redirect(_resume_url(assessment, groups))


@never_cache
def answer_workshop_step(request, pk, step):
    assessment = get_assessment_for_user_rw(request, pk)
    groups = workshop_groups(assessment)
    if not groups:
        return render(
            request, "assessments/workshop_not_started.html", {"assessment": assessment}
        )
    steps = questionnaire_steps(assessment.question_set)
    current = step_or_404(steps, step)
    form, status = None, 200
    if request.method == "POST":
        form, status = _save_step(request, groups, steps)
        if status == 200:
            nav = request.POST.get("nav")
            return redirect(_navigate(nav, assessment, current, steps))
    forms = form.forms if form is not None else None
    answers = answers_of(groups)
    comments = comments_of(groups, current.dimension)
    context = {
        "assessment": assessment,
        "groups": groups,
        "steps": steps,
        "step": current,
        "scale": scale_choices(),
        "rows": statement_rows(current, answers, groups, forms, prefixed=True),
        "comments": comment_cells(current, comments, groups, forms, prefixed=True),
        "comment_max": COMMENT_MAX,
        "save_url": reverse("assessments:workshop-save", args=[assessment.pk]),
        "workshop": True,
        "form": form,
        "locked": answers_lock(assessment, groups),
        "difference_points": DIFFERENCE_POINTS,
        "back_url": _assessment_url(assessment),
    }
    return render(request, "assessments/workshop_step.html", context, status=status)


def _save_step(request, groups, steps):
    """Save a screen posted as a plain form (no JavaScript); return (form, status)."""
    form = WorkshopForm(request.POST, groups=groups, questions=_question_map(steps))
    if not form.is_valid():
        return form, 400
    try:
        _save(form, groups)
    except AnswersLocked as exc:
        messages.error(request, exc.message)
        return form, 409
    return form, 200


def _save(form, groups):
    entries = [
        (group, form.forms[group.pk].values, form.forms[group.pk].comments)
        for group in groups
        if form.forms[group.pk].values or form.forms[group.pk].comments
    ]
    if entries:
        workshop_answers_save(entries=entries)


def _navigate(nav, assessment, current, steps):
    if nav == "pause":
        return _assessment_url(assessment)
    if nav == "back" and current.number > 1:
        number = current.number - 1
    elif nav == "next" and current.number < len(steps):
        number = current.number + 1
    else:
        return reverse("assessments:workshop-review", args=[assessment.pk])
    return reverse("assessments:workshop-step", args=[assessment.pk, number])


@require_POST
def save_workshop_answers(request, pk):
    """The htmx autosave of a workshop screen, with updated difference marks."""
    assessment = get_assessment_for_user_rw(request, pk)
    groups = workshop_groups(assessment)
    steps = questionnaire_steps(assessment.question_set)
    form = WorkshopForm(request.POST, groups=groups, questions=_question_map(steps))
    if not groups or form.is_empty:
        error = _("There was nothing to save in this request.")
        return save_status(request, error=error, status=400)
    if not form.is_valid():
        return save_status(request, error=form.first_error(), status=400)
    try:
        _save(form, groups)
    except AnswersLocked as exc:
        return save_status(request, error=exc.message, status=409)
    answers = answers_of(groups)
    posted = {pk for f in form.forms.values() for pk in f.values}
    differences = []
    for question_id in sorted(posted):
        gap = answer_spread([answers.get((g.pk, question_id)) for g in groups])
        differs = gap is not None and gap >= DIFFERENCE_POINTS
        differences.append({"question_id": question_id, "differs": differs, "gap": gap})
    return save_status(
        request, saved_at=timezone.now(), extra={"differences": differences}
    )


@never_cache
def review_workshop(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    groups = workshop_groups(assessment)
    if not groups:
        return render(
            request, "assessments/workshop_not_started.html", {"assessment": assessment}
        )
    steps = questionnaire_steps(assessment.question_set)
    answers = answers_of(groups)
    sections = review_sections(steps, groups, answers, comments_of(groups))
    context = {
        "assessment": assessment,
        "groups": groups,
        "steps": steps,
        "sections": sections,
        "unanswered": sum(s["unanswered"] for s in sections),
        "first_open_url": _open_statements(assessment, groups, steps, answers)[1],
        "locked": answers_lock(assessment, groups),
        "back_url": _assessment_url(assessment),
    }
    return render(request, "assessments/workshop_review.html", context)


@require_http_methods(["GET", "POST"])
def finish_workshop(request, pk):
    if not is_confirmed(request):
        assessment = get_assessment_for_user_rw(request, pk)
        groups = workshop_groups(assessment)
        if groups and not answers_lock(assessment, groups):
            return _confirm_finish(request, assessment, groups)
        if request.method == "GET":
            return redirect("assessments:workshop-review", pk=assessment.pk)
    return _lock_or_unlock(
        request,
        pk,
        workshop_finish,
        _("The workshop is finished: the answers are locked."),
    )


def _confirm_finish(request, assessment, groups):
    steps = questionnaire_steps(assessment.question_set)
    still_open, url = _open_statements(assessment, groups, steps, answers_of(groups))
    consequences = [
        _(
            "The answers of every organisation are locked and count in the results "
            "as they are."
        )
    ]
    if still_open.count:
        consequences.append(
            ngettext(
                "%(open)d of %(total)d statements is not answered by every "
                "organisation yet; it stays open.",
                "%(open)d of %(total)d statements are not answered by every "
                "organisation yet; they stay open.",
                still_open.count,
            )
            % {"open": still_open.count, "total": still_open.total}
        )
    consequences.append(
        _("While the scan is open you can reopen the workshop; nothing is lost.")
    )
    return confirm_page(
        request,
        title=_("Finish the workshop?"),
        consequences=consequences,
        button=_("Finish the workshop"),
        alternative=(
            (_("To the first open statement"), url) if still_open.count else None
        ),
        cancel_url=reverse("assessments:workshop-review", args=[assessment.pk]),
        danger=False,
        context={"assessment": assessment, "partnership": assessment.partnership},
        base="assessments/questionnaire_base.html",
    )


@require_POST
def reopen_workshop(request, pk):
    return _lock_or_unlock(
        request,
        pk,
        workshop_reopen,
        _("The workshop is open again: the answers can be changed."),
    )


def _lock_or_unlock(request, pk, change, done_message):
    """Finish or reopen: say so when something changed, explain a refusal."""
    assessment = get_assessment_for_user_rw(request, pk)
    try:
        if change(assessment=assessment):
            messages.success(request, done_message)
    except AnswersLocked as exc:
        messages.error(request, exc.message)
    return redirect("assessments:workshop-review", pk=assessment.pk)
