"""The question-set preview: the questionnaire exactly as a participant sees it.

The participant's own templates render a question set (draft or published) for a
stand-in participant that is never saved: no Respondent, no Answer, no comment is
written, and the pages' buttons only move between preview pages. One page frames
the preview at a phone's or a desktop's width, in Dutch or English.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info, gettext as _, ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from ..access import get_question_set_for_admin
from ..models import (
    COMMENT_MAX,
    LANGUAGE_CODES,
    Assessment,
    Dimension,
    Organisation,
    Partnership,
    Respondent,
)
from ..questionnaire import questionnaire_steps
from ._answering import (
    comment_cells,
    review_sections,
    scale_choices,
    statement_rows,
    step_or_404,
)
from .questionnaire import SECONDS_PER_STATEMENT

WIDTHS = {"phone": 360, "desktop": 1280}

# The preview pages may be shown in the framing page of the same site, nowhere else.
_frameable = csp_replace({"frame-ancestors": [SELF]})


def _preview_url(name, question_set, lang, *args):
    return reverse(
        f"assessments:questionset-preview-{name}",
        args=[question_set.pk, lang, *args],
    )


def questionset_preview(request, pk):
    """The preview framed at phone or desktop width, with its language chosen."""
    question_set = get_question_set_for_admin(request, pk)
    lang = request.GET.get("lang", "nl")
    lang = lang if lang in LANGUAGE_CODES else "nl"
    width = request.GET.get("width", "phone")
    width = width if width in WIDTHS else "phone"
    step = request.GET.get("step", "")
    steps = questionnaire_steps(question_set, fresh=True)
    if step.isdigit() and 1 <= int(step) <= len(steps):
        page_url = _preview_url("step", question_set, lang, int(step))
    else:
        page_url = _preview_url("welcome", question_set, lang)
    context = {
        "question_set": question_set,
        "lang": lang,
        "width": width,
        "widths": WIDTHS,
        "step": step,
        "steps": steps,
        "languages": [
            (code, get_language_info(code)["name_local"]) for code in LANGUAGE_CODES
        ],
        "page_url": page_url,
    }
    return render(request, "assessments/questionset_editor_preview.html", context)


def _stand_in(question_set, lang):
    """A participant who is never saved: what the templates read of one."""
    partnership = Partnership(name=_("Example partnership"))
    assessment = Assessment(
        partnership=partnership,
        question_set=question_set,
        allow_comments=True,
        privacy_minimum=Assessment._meta.get_field("privacy_minimum").get_default(),
    )
    organisation = Organisation(partnership=partnership, name=_("Your organisation"))
    return Respondent(assessment=assessment, organisation=organisation, language=lang)


def _render(request, question_set, lang, template, context):
    if lang not in LANGUAGE_CODES:
        raise Http404
    other = next(code for code in LANGUAGE_CODES if code != lang)
    page = request.resolver_match.url_name.removeprefix("questionset-preview-")
    kwargs = dict(request.resolver_match.kwargs, lang=other)
    with translation.override(lang):
        respondent = _stand_in(question_set, lang)
        context = {
            "respondent": respondent,
            "locked": None,
            "branding": None,
            "preview": {
                "pk": question_set.pk,
                "lang": lang,
                "question_set": question_set,
                "editor_url": reverse(
                    "assessments:questionset-edit", args=[question_set.pk]
                ),
                "other_language": other,
                "other_language_name": get_language_info(other)["name_local"],
                "other_language_url": reverse(
                    f"assessments:questionset-preview-{page}", kwargs=kwargs
                ),
            },
            **context(respondent),
        }
        return render(request, template, context)


@_frameable
@xframe_options_sameorigin
def preview_welcome(request, pk, lang):
    question_set = get_question_set_for_admin(request, pk)
    steps = questionnaire_steps(question_set, fresh=True)

    def context(respondent):
        statements = sum(len(step.questions) for step in steps)
        minutes = max(5, round(statements * SECONDS_PER_STATEMENT / 60 / 5) * 5)
        return {
            "steps_count": len(steps),
            "statements": statements,
            "minutes": minutes,
            "conditions": [
                s for s in steps if s.dimension.kind == Dimension.Kind.CONDITION
            ],
            "links": [s for s in steps if s.dimension.kind == Dimension.Kind.LINK],
            "resume_url": None,
        }

    return _render(
        request, question_set, lang, "assessments/questionnaire_welcome.html", context
    )


@_frameable
@xframe_options_sameorigin
def preview_step(request, pk, lang, step):
    question_set = get_question_set_for_admin(request, pk)
    steps = questionnaire_steps(question_set, fresh=True)
    current = step_or_404(steps, step)
    if request.method == "POST":  # the step's buttons: move on, save nothing
        return redirect(
            _next_page(request.POST.get("nav"), question_set, lang, step, steps)
        )

    def context(respondent):
        return {
            "steps": steps,
            "step": current,
            "scale": scale_choices(),
            "rows": statement_rows(current, {}, [respondent]),
            "comments": comment_cells(current, {}, [respondent]),
            "comment_max": COMMENT_MAX,
            "save_url": None,
            "form": None,
            "answered": 0,
            "total": sum(len(s.questions) for s in steps),
        }

    return _render(
        request, question_set, lang, "assessments/questionnaire_step.html", context
    )


def _next_page(nav, question_set, lang, number, steps):
    if nav == "back":
        if number > 1:
            return _preview_url("step", question_set, lang, number - 1)
        return _preview_url("welcome", question_set, lang)
    if nav == "next" and number < len(steps):
        return _preview_url("step", question_set, lang, number + 1)
    return _preview_url("review", question_set, lang)


@_frameable
@xframe_options_sameorigin
def preview_review(request, pk, lang):
    question_set = get_question_set_for_admin(request, pk)
    steps = questionnaire_steps(question_set, fresh=True)

    def context(respondent):
        sections = review_sections(steps, [respondent], {}, {})
        total = sum(len(s.questions) for s in steps)
        return {
            "steps": steps,
            "sections": sections,
            "unanswered": total,
            "open_title": ngettext(
                "%(open)d of %(total)d statements is still open",
                "%(open)d of %(total)d statements are still open",
                total,
            )
            % {"open": total, "total": total},
            "first_open_url": _preview_url("step", question_set, lang, 1),
        }

    return _render(
        request, question_set, lang, "assessments/questionnaire_review.html", context
    )


@_frameable
@xframe_options_sameorigin
@require_POST
def preview_submit(request, pk, lang):
    """ "Send my answers" in a preview: nothing to send; say so."""
    question_set = get_question_set_for_admin(request, pk)
    with translation.override(lang if lang in LANGUAGE_CODES else "nl"):
        messages.info(request, _("This is a preview: nothing was sent."))
    return redirect(_preview_url("review", question_set, lang))
