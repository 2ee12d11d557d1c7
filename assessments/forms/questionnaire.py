"""The questionnaire's forms, built from the question set.

Pages render the answer scale with lean hand-written markup (Django's RadioSelect is
~20x slower for a full set); these forms only validate and normalise what comes back.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import COMMENT_MAX

NOT_APPLICABLE = "na"

# The agreement scale, labels written out; "weet niet / n.v.t." is stored as None.
SCALE = [
    ("1", _("Strongly disagree")),
    ("2", _("Disagree")),
    ("3", _("Neutral")),
    ("4", _("Agree")),
    ("5", _("Strongly agree")),
    (NOT_APPLICABLE, _("Don't know / not applicable")),
]

_KEY = re.compile(r"([qc])-(.*)", re.DOTALL)
# Ids are ASCII digits only: `str.isdigit` also accepts "²", which int() refuses.
_ID = re.compile(r"[0-9]{1,18}")
_GROUP_KEY = re.compile(r"r(.*?)-[qc]-", re.DOTALL)


def _parse_id(text):
    """The id in `text`, or None unless it is 1-18 ASCII digits."""
    return int(text) if _ID.fullmatch(text) else None


def answer_name(question_id):
    return f"q-{question_id}"


def comment_name(dimension_id):
    return f"c-{dimension_id}"


def value_to_choice(value):
    """A stored answer as the scale choice it shows as ("" when unanswered)."""
    if value is None:
        return NOT_APPLICABLE
    return str(value)


class AnswersForm(forms.Form):
    """Answers to statements of one question set, and comments on its dimensions.

    `questions` maps every question id of the set to its dimension id. Only what the
    page posts becomes a field (radios cannot be cleared, so an absent statement is
    simply not answered yet): one form serves a whole step and a one-answer autosave,
    at a cost that follows the post, not the size of the set. A key naming a
    statement or dimension outside the set makes the whole form invalid.
    """

    def __init__(self, data, *, questions, prefix=None):
        super().__init__(data, prefix=prefix)
        self.unknown = []
        self._targets = {}
        dimensions = set(questions.values())
        start = self.add_prefix("")
        for key in data:
            if not key.startswith(start):
                continue
            match = _KEY.fullmatch(key[len(start) :])
            if match is None:
                continue
            kind, raw_id = match.groups()
            pk = _parse_id(raw_id)
            known = questions if kind == "q" else dimensions
            if pk not in known:
                self.unknown.append(key)
                continue
            name = f"{kind}-{pk}"
            self._targets[name] = (kind, pk)
            self.fields[name] = _answer_field() if kind == "q" else _comment_field()

    @property
    def is_empty(self):
        return not self._targets and not self.unknown

    def clean(self):
        if self.unknown:
            raise ValidationError(
                _("Some answers are not part of this scan. Nothing was saved."),
                code="unknown_question",
            )
        return super().clean()

    @property
    def values(self):
        """{question id: 1-5 or None} for the statements answered in this post."""
        values = {}
        for name, (kind, pk) in self._targets.items():
            choice = self.cleaned_data.get(name)
            if kind == "q" and choice:
                values[pk] = None if choice == NOT_APPLICABLE else int(choice)
        return values

    @property
    def comments(self):
        """{dimension id: text} for the comments in this post ("" removes one)."""
        return {
            pk: self.cleaned_data.get(name, "")
            for name, (kind, pk) in self._targets.items()
            if kind == "c"
        }

    def first_error(self):
        """One message for a small status line (the page shows them all)."""
        for errors in self.errors.values():
            return errors[0]
        return ""


def _answer_field():
    return forms.ChoiceField(
        choices=SCALE,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose a value from 1 to 5, or “don't know / not applicable”."
            )
        },
    )


def _comment_field():
    return forms.CharField(
        max_length=COMMENT_MAX,
        required=False,
        error_messages={
            "max_length": _(
                "A comment can be at most %(limit_value)d characters "
                "(this one has %(show_value)d)."
            )
        },
    )


class WorkshopForm:
    """A workshop screen: one AnswersForm per organisation's group.

    Fields are prefixed `r<respondent id>-`; a prefix naming a respondent that is not
    one of this assessment's groups makes the screen invalid.
    """

    def __init__(self, data, *, groups, questions):
        self.forms = {
            group.pk: AnswersForm(data, questions=questions, prefix=f"r{group.pk}")
            for group in groups
        }
        self.unknown = [
            key
            for key in data
            if (match := _GROUP_KEY.match(key))
            and _parse_id(match[1]) not in self.forms
        ]

    def is_valid(self):
        valid = [form.is_valid() for form in self.forms.values()]
        return all(valid) and not self.unknown

    @property
    def is_empty(self):
        return not self.unknown and all(f.is_empty for f in self.forms.values())

    @property
    def errors(self):
        """Every field error, keyed by the prefixed field name."""
        return {
            form.add_prefix(name): errors
            for form in self.forms.values()
            for name, errors in form.errors.items()
        }

    def non_field_errors(self):
        if self.unknown:
            return [_("Some answers are not part of this scan. Nothing was saved.")]
        errors = []
        for form in self.forms.values():
            errors.extend(e for e in form.non_field_errors() if e not in errors)
        return errors

    def first_error(self):
        for message in self.non_field_errors():
            return message
        for form in self.forms.values():
            if message := form.first_error():
                return message
        return ""
