"""The question-set editor: one page for a whole set, and its structural actions.

For staff with the question-set change permission (`get_question_set_for_admin`).
A draft is edited in one form; the buttons that add, move or remove statements and
dimensions are submit buttons of that same form, so what was typed is saved first
and nothing needs JavaScript. Removing asks first (confirm.py). A locked set shows
read-only with a button for a new draft version. The writes are the services in
`questionsets.editing`; the preview is in `questionset_preview.py`.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST

from ..access import get_question_set_for_admin
from ..forms.questionset_editor import (
    BANDS,
    THRESHOLD_FIELDS,
    QuestionSetEditorForm,
    gap_steps,
    scale_equivalent,
    shown_number,
)
from ..models import (
    GUIDANCE_MAX,
    LOCKED_MESSAGE,
    NAME_MAX,
    STATEMENT_MAX,
    WEIGHT_MAX,
    Dimension,
    Question,
)
from ..questionsets import questionset_clone
from ..questionsets.editing import (
    QuestionSetLocked,
    dimension_add,
    dimension_move,
    dimension_remove,
    english_outdated,
    question_add,
    question_move,
    question_remove,
    questionset_update,
)
from ..questionsets.validation import KIND_OF_CODE
from .confirm import confirm_page, is_confirmed


def _edit_url(question_set, anchor=""):
    url = reverse("assessments:questionset-edit", kwargs={"pk": question_set.pk})
    return f"{url}#{anchor}" if anchor else url


def _dimensions(question_set):
    """The set's dimensions in order, statements prefetched in order (2 queries)."""
    return list(
        question_set.dimensions.order_by("position", "code").prefetch_related(
            Prefetch(
                "questions", queryset=Question.objects.order_by("position", "code")
            )
        )
    )


def edit_questionset(request, pk):
    question_set = get_question_set_for_admin(request, pk)
    locked = question_set.is_locked
    if request.method == "POST" and locked:
        messages.error(request, LOCKED_MESSAGE)
        return redirect(_edit_url(question_set))
    dimensions = _dimensions(question_set)
    form = QuestionSetEditorForm(
        question_set, dimensions, request.POST if request.method == "POST" else None
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                return _save_and_act(request, question_set, form)
            except QuestionSetLocked:
                messages.error(request, LOCKED_MESSAGE)
                return redirect(_edit_url(question_set))
        messages.error(request, _("Nothing was saved. Please check the marked fields."))
        status = 400
    context = _editor_context(question_set, dimensions, form, locked)
    return render(
        request, "assessments/questionset_editor.html", context, status=status
    )


def _save_and_act(request, question_set, form):
    """Save the typed values, then do what the pressed button asks."""
    changed = questionset_update(
        question_set=question_set,
        settings=form.settings,
        dimensions=form.dimension_values,
        questions=form.question_values,
        english_checked=form.english_checked(),
    )
    action, _sep, arg = request.POST.get("op", "save").partition(":")
    anchor = ""
    if action in ("q-up", "q-down", "q-remove"):
        question = _question_of(question_set, arg)
        if action == "q-remove":
            return redirect(
                "assessments:questionset-question-remove",
                pk=question_set.pk,
                question_pk=question.pk,
            )
        question_move(question=question, offset=-1 if action == "q-up" else 1)
        anchor = f"q{question.pk}"
    elif action in ("d-up", "d-down", "d-remove"):
        dimension = _dimension_of(question_set, arg)
        if action == "d-remove":
            return redirect(
                "assessments:questionset-dimension-remove",
                pk=question_set.pk,
                dimension_pk=dimension.pk,
            )
        dimension_move(dimension=dimension, offset=-1 if action == "d-up" else 1)
        anchor = f"d{dimension.pk}"
    elif action == "q-add":
        question = question_add(dimension=_dimension_of(question_set, arg))
        messages.success(
            request,
            _("Statement %(code)s added: write its texts.") % {"code": question.code},
        )
        anchor = f"q{question.pk}"
    elif action == "d-add" and arg in Dimension.Kind.values:
        dimension = dimension_add(question_set=question_set, kind=arg)
        messages.success(
            request,
            _("Dimension %(code)s added: name it and add statements.")
            % {"code": dimension.code},
        )
        anchor = f"d{dimension.pk}"
    if changed or action == "save":
        messages.success(request, _("Saved."))
    return redirect(_edit_url(question_set, anchor))


def _question_of(question_set, pk):
    question = (
        Question.objects.select_related("dimension")
        .filter(dimension__question_set=question_set, pk=pk if pk.isdigit() else 0)
        .first()
    )
    if question is None:
        raise Http404
    return question


def _dimension_of(question_set, pk):
    return get_object_or_404(
        Dimension, question_set=question_set, pk=pk if pk.isdigit() else 0
    )


def _editor_context(question_set, dimensions, form, locked):
    return {
        "question_set": question_set,
        "form": form,
        "locked": locked,
        "settings": _settings_rows(question_set, form),
        "dimensions": [_dimension_row(dim, form) for dim in dimensions],
        "name_max": NAME_MAX,
        "guidance_max": GUIDANCE_MAX,
        "statement_max": STATEMENT_MAX,
        "weight_max": WEIGHT_MAX,
        "description": _pair(
            form,
            "set",
            "description",
            question_set,
            "description" in english_outdated(question_set),
        ),
    }


def _number_value(form, name, initial):
    return form.value(name, shown_number(initial))


def _settings_rows(question_set, form):
    """The set's numbers as people say them, with the 1-5 scale beside the 0-100."""
    total = question_set.condition_weight + question_set.link_weight
    share = 100 * question_set.condition_weight / total
    thresholds = []
    for name, field in THRESHOLD_FIELDS.items():
        stored = form.settings.get(field)
        thresholds.append(
            {
                "name": name,
                "value": form.value(name, shown_number(getattr(question_set, field))),
                "errors": form.errors.get(name, []),
                "scale": (
                    gap_steps(stored)
                    if name.startswith("gap")
                    else scale_equivalent(stored)
                ),
            }
        )
    return {
        "min_coverage": _number_value(
            form, "min_coverage", question_set.min_coverage * 100
        ),
        "condition_share": _number_value(form, "condition_share", share),
        "link_share": shown_number(100 - share),
        "thresholds": thresholds,
    }


def _dimension_row(dimension, form):
    outdated = english_outdated(dimension)
    texts = [
        _pair(form, f"d{dimension.pk}", field, dimension, field in outdated)
        for field in ("name", "description")
    ]
    advice = [
        _pair(
            form,
            f"d{dimension.pk}",
            f"advice_{band}",
            dimension,
            f"advice_{band}" in outdated,
        )
        for band in BANDS
    ]
    quick_win = _pair(
        form, f"d{dimension.pk}", "quick_win", dimension, "quick_win" in outdated
    )
    return {
        "dimension": dimension,
        "prefix": f"d{dimension.pk}",
        "weight": _number_value(form, f"d{dimension.pk}-weight", dimension.weight),
        "weight_errors": form.errors.get(f"d{dimension.pk}-weight", []),
        "advice_problems": any(
            side["errors"] or side["incomplete"]
            for pair in [*advice, quick_win]
            for side in pair["sides"]
        ),
        "texts": texts,
        "advice": advice,
        "quick_win": quick_win,
        "questions_problems": form.incomplete.get(f"d{dimension.pk}-questions", []),
        "questions": [
            {
                "question": question,
                "prefix": f"q{question.pk}",
                "text": _pair(
                    form,
                    f"q{question.pk}",
                    "text",
                    question,
                    "text" in english_outdated(question),
                ),
                "weight": _number_value(
                    form, f"q{question.pk}-weight", question.weight
                ),
                "weight_errors": form.errors.get(f"q{question.pk}-weight", []),
                "reverse": form.question_values[question.pk]["reverse"],
            }
            for question in dimension.questions.all()
        ],
    }


def _pair(form, prefix, field, obj, outdated):
    """A Dutch and English text side by side, with their problems."""
    sides = []
    for lang in ("nl", "en"):
        name = f"{prefix}-{field}_{lang}"
        sides.append(
            {
                "lang": lang,
                "name": name,
                "value": form.value(name, getattr(obj, f"{field}_{lang}")),
                "errors": form.errors.get(name, []),
                "incomplete": form.incomplete.get(name, []),
            }
        )
    return {"field": field, "prefix": prefix, "sides": sides, "outdated": outdated}


@require_POST
def new_draft(request, pk):
    """A new draft version of a (locked) set, opened in the editor."""
    question_set = get_question_set_for_admin(request, pk)
    draft = questionset_clone(question_set=question_set)
    messages.success(
        request,
        _("Version %(version)s is a new draft: edit it here.")
        % {"version": draft.version},
    )
    return redirect(_edit_url(draft))


def remove_question(request, pk, question_pk):
    question_set = get_question_set_for_admin(request, pk)
    question = _question_of(question_set, str(question_pk))
    back = _edit_url(question_set, f"q{question.pk}")
    if question_set.is_locked:
        messages.error(request, LOCKED_MESSAGE)
        return redirect(back)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove statement %(code)s?") % {"code": question.code},
            consequences=[
                _(
                    "The statement is removed from this draft version, in Dutch and "
                    "English. Published versions keep it."
                ),
                _("Its code %(code)s is not given to another statement.")
                % {"code": question.code},
            ],
            items=[question.text or question.code],
            button=_("Remove statement"),
            cancel_url=back,
        )
    try:
        question_remove(question=question)
    except QuestionSetLocked:
        messages.error(request, LOCKED_MESSAGE)
        return redirect(back)
    messages.success(
        request, _("Statement %(code)s removed.") % {"code": question.code}
    )
    return redirect(_edit_url(question_set, f"d{question.dimension_id}"))


def remove_dimension(request, pk, dimension_pk):
    question_set = get_question_set_for_admin(request, pk)
    dimension = _dimension_of(question_set, str(dimension_pk))
    back = _edit_url(question_set, f"d{dimension.pk}")
    if question_set.is_locked:
        messages.error(request, LOCKED_MESSAGE)
        return redirect(back)
    if not is_confirmed(request):
        count = dimension.questions.count()
        return confirm_page(
            request,
            title=_("Remove dimension %(code)s?") % {"code": dimension.code},
            consequences=[
                ngettext(
                    "The dimension is removed from this draft version with its "
                    "%(count)s statement, its advice and its quick win.",
                    "The dimension is removed from this draft version with its "
                    "%(count)s statements, its advice and its quick win.",
                    count,
                )
                % {"count": count},
                *(
                    [
                        _(
                            "A question set needs the 5 basic conditions and 9 "
                            "zipper links: without this one the draft cannot be "
                            "published."
                        )
                    ]
                    if dimension.code in KIND_OF_CODE
                    else []
                ),
            ],
            items=[str(dimension)],
            button=_("Remove dimension"),
            cancel_url=back,
        )
    try:
        dimension_remove(dimension=dimension)
    except QuestionSetLocked:
        messages.error(request, LOCKED_MESSAGE)
        return redirect(back)
    messages.success(
        request, _("Dimension %(code)s removed.") % {"code": dimension.code}
    )
    return redirect(_edit_url(question_set))
