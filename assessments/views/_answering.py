"""What the questionnaire and the workshop pages share: rows to render, save status.

Rows are plain dicts built in one pass so templates stay lean (no per-field widget
rendering, no queries): one row per statement, one cell per answering respondent
(one for a participant, one per organisation in a workshop).
"""

from django.http import Http404
from django.shortcuts import render

from ..forms.questionnaire import SCALE, answer_name, comment_name, value_to_choice
from ..scoring import answer_spread

# A workshop marks a statement when the organisations' answers lie this far apart:
# two steps on the 1-5 scale is 50 points, twice the scoring's "attention" gap.
DIFFERENCE_POINTS = 2

_LABELS = dict(SCALE)


def step_or_404(steps, number):
    if not 1 <= number <= len(steps):
        raise Http404
    return steps[number - 1]


def scale_choices():
    """The scale as (value, label) pairs, labels resolved once per request."""
    return [(value, str(label)) for value, label in SCALE]


def _field_name(respondent, name, prefixed):
    return f"r{respondent.pk}-{name}" if prefixed else name


def statement_rows(step, answers, respondents, forms=None, prefixed=False):
    """One row per statement of a step with a cell per respondent.

    `answers` is {(respondent id, question id): value}; `forms` maps respondent id to
    a bound AnswersForm whose errors are shown beside their fields.
    """
    rows = []
    for number, question in enumerate(step.questions, start=1):
        name = answer_name(question.pk)
        cells, values = [], []
        for respondent in respondents:
            key = (respondent.pk, question.pk)
            form = forms.get(respondent.pk) if forms else None
            values.append(answers.get(key, ""))
            cells.append(
                {
                    "respondent": respondent,
                    "name": _field_name(respondent, name, prefixed),
                    "value": value_to_choice(answers[key]) if key in answers else "",
                    "errors": form.errors.get(name) if form is not None else None,
                }
            )
        gap = answer_spread(values)
        rows.append(
            {
                "question": question,
                "number": number,
                "cells": cells,
                "gap": gap,
                "differs": gap is not None and gap >= DIFFERENCE_POINTS,
            }
        )
    return rows


def comment_cells(step, comments, respondents, forms=None, prefixed=False):
    """The optional comment of each respondent on a step's dimension."""
    name = comment_name(step.dimension.pk)
    cells = []
    for respondent in respondents:
        form = forms.get(respondent.pk) if forms else None
        text = comments.get((respondent.pk, step.dimension.pk), "")
        if form is not None and name in form.fields:
            text = form.data.get(form.add_prefix(name), text)
        cells.append(
            {
                "respondent": respondent,
                "name": _field_name(respondent, name, prefixed),
                "text": text,
                "errors": form.errors.get(name) if form is not None else None,
            }
        )
    return cells


def review_sections(steps, respondents, answers, comments):
    """Every step's statements with each respondent's answer, for a review page."""
    sections = []
    for step in steps:
        items, unanswered = [], 0
        for number, question in enumerate(step.questions, start=1):
            cells, values = [], []
            for respondent in respondents:
                key = (respondent.pk, question.pk)
                answered = key in answers
                values.append(answers.get(key, ""))
                label = _LABELS[value_to_choice(answers[key])] if answered else None
                cells.append(
                    {
                        "respondent": respondent,
                        "value": answers.get(key),
                        "label": label,
                    }
                )
            missing = any(cell["label"] is None for cell in cells)
            unanswered += missing
            gap = answer_spread(values)
            items.append(
                {
                    "question": question,
                    "number": number,
                    "cells": cells,
                    "missing": missing,
                    "differs": gap is not None and gap >= DIFFERENCE_POINTS,
                }
            )
        notes = [
            (respondent, comments[(respondent.pk, step.dimension.pk)])
            for respondent in respondents
            if (respondent.pk, step.dimension.pk) in comments
        ]
        sections.append(
            {"step": step, "items": items, "unanswered": unanswered, "comments": notes}
        )
    return sections


def save_status(request, *, saved_at=None, error=None, status=200, extra=None):
    """The autosave's answer: a status line (and, in a workshop, difference marks)."""
    context = {"saved_at": saved_at, "error": error, **(extra or {})}
    return render(
        request,
        "assessments/includes/_questionnaire_save_status.html",
        context,
        status=status,
    )
