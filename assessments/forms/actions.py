"""Forms of the agreed actions: the one home of the rules on what an action may hold
(an owner of the partnership, a dimension and statement of the scan's question set,
a due date not in the past, bounded texts). The domain writes
(`assessments.actions.writes`) take what these have validated."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..actions.models import DESCRIPTION_MAX, NOTE_MAX, PERSON_MAX, TITLE_MAX, Action
from ..models import Assessment, Question
from .fields import NameField

_DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ActionForm(forms.Form):
    """A new action, or an existing one's details (`action`). Dimensions and
    statements are offered by code from the question set of the scan the action
    is agreed in, owners from the partnership's organisations."""

    title = NameField(
        label=_("Action"),
        max_length=TITLE_MAX,
        help_text=_("What will be done, in a few words."),
        error_messages={"required": _("Say what will be done: the title is empty.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what exactly, and how you will know it is done."),
    )
    dimension = forms.ChoiceField(label=_("Dimension"), required=False)
    statement = forms.ChoiceField(
        label=_("Statement"),
        required=False,
        help_text=_("Optional: the statement the action answers to."),
    )
    owners = forms.ModelMultipleChoiceField(
        label=_("Owner organisations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Choose owners among the organisations of this partnership."
            ),
            "invalid_pk_value": _(
                "Choose owners among the organisations of this partnership."
            ),
        },
    )
    jointly = forms.BooleanField(
        label=_("All partners together"),
        required=False,
        help_text=_("A joint action of every partner; no single owner needed."),
    )
    person = NameField(
        label=_("Person responsible"),
        max_length=PERSON_MAX,
        required=False,
        help_text=_("Optional: who takes it on, by name."),
    )
    due_on = forms.DateField(
        label=_("Due date"),
        widget=_DATE_INPUT,
        error_messages={"required": _("Choose a due date.")},
    )

    def __init__(self, *args, assessment: Assessment, action=None, **kwargs):
        self.action = action
        origin = action.assessment if action else assessment
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial_of(action)
        super().__init__(*args, **kwargs)
        organisations = assessment.partnership.organisations.order_by(
            "position", "name"
        )
        self.fields["owners"].queryset = organisations
        dimensions = list(origin.question_set.dimensions.order_by("position", "code"))
        self.fields["dimension"].choices = [("", _("— none: a general action —"))] + [
            (d.code, f"{d.code} {d.name}") for d in dimensions
        ]
        self._questions = {
            q.code: q
            for q in Question.objects.filter(
                dimension__question_set_id=origin.question_set_id
            )
            .select_related("dimension")
            .order_by("dimension__position", "position", "code")
        }
        self._dimensions = {d.code: d for d in dimensions}
        grouped = {}
        for question in self._questions.values():
            label = f"{question.dimension.code} {question.dimension.name}"
            grouped.setdefault(label, []).append(
                (question.code, f"{question.code} {Truncator(question.text).chars(90)}")
            )
        self.fields["statement"].choices = [("", _("— none —"))] + list(grouped.items())

    def clean_due_on(self):
        value = self.cleaned_data["due_on"]
        # A date that has passed may stay when other details change; a new one may
        # not lie in the past.
        unchanged = self.action is not None and value == self.action.due_on
        if value < timezone.localdate() and not unchanged:
            raise ValidationError(
                _("The due date lies in the past. Choose today or a later date."),
                code="past",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        dimension = cleaned.get("dimension")
        statement = cleaned.get("statement")
        if statement:
            question = self._questions[statement]
            if dimension and dimension != question.dimension.code:
                self.add_error(
                    "statement",
                    ValidationError(
                        _("This statement belongs to another dimension."),
                        code="other_dimension",
                    ),
                )
            cleaned["dimension"] = question.dimension.code
        if (
            not cleaned.get("jointly")
            and not cleaned.get("owners")
            and "owners" not in self.errors
        ):
            self.add_error(
                "owners",
                ValidationError(
                    _(
                        "Choose who owns the action: one or more organisations, or "
                        "all partners together."
                    ),
                    code="no_owner",
                ),
            )
        return cleaned

    def action_fields(self) -> dict:
        """The validated details as `action_create` / `action_update` take them."""
        data = self.cleaned_data
        dimension = self._dimensions.get(data["dimension"])
        statement = self._questions.get(data["statement"])
        return {
            "title": data["title"],
            "description": data["description"].strip(),
            "dimension": dimension,
            "question": statement,
            # All partners together: nobody in particular, so no list.
            "owners": [] if data["jointly"] else list(data["owners"]),
            "jointly": data["jointly"],
            "person": data["person"],
            "due_on": data["due_on"],
        }


def _initial_of(action):
    return {
        "title": action.title,
        "description": action.description,
        "dimension": action.dimension.code if action.dimension else "",
        "statement": action.question.code if action.question else "",
        "owners": list(action.owners.all()),
        "jointly": action.jointly,
        "person": action.person,
        "due_on": action.due_on,
    }


class ActionStatusForm(forms.Form):
    """A status change with its short note (the action's history)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=Action.Status.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_("A short note for the history: what happened, what is next."),
    )

    def __init__(self, *args, action, **kwargs):
        self.action = action
        kwargs.setdefault("initial", {"status": action.status})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == self.action.status and not cleaned.get("note"):
            raise ValidationError(
                _("Choose another status, or write a note to add to the history."),
                code="unchanged",
            )
        return cleaned
