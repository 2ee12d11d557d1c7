"""Forms of the live session: the facilitator's set-up and agreement note, the
phone's join code and organisation. Answers use questionnaire.AnswersForm."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..live.models import AGREEMENT_MAX, JOIN_CODE_LENGTH
from ..live.sessions import normalise_join_code
from ..models import NAME_MAX, Dimension
from .fields import NameField


class LiveSessionForm(forms.Form):
    dimensions = forms.ModelMultipleChoiceField(
        label=_("Dimensions to run, in this order"),
        queryset=Dimension.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one dimension.")},
    )
    auto_reveal = forms.BooleanField(
        label=_("Reveal automatically when everyone who joined has handed in"),
        required=False,
    )
    ask_names = forms.BooleanField(
        label=_("Ask participants for a name or pseudonym"),
        help_text=_("Without one, a phone is listed as “<organisation> (live)”."),
        required=False,
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        dimensions = assessment.question_set.dimensions.order_by("position", "code")
        self.fields["dimensions"].queryset = dimensions
        self.fields["dimensions"].label_from_instance = lambda d: f"{d.code} {d.name}"
        if not self.is_bound:
            self.initial["dimensions"] = list(dimensions)

    @property
    def chosen(self):
        """The chosen dimensions in the question set's order."""
        chosen = set(self.cleaned_data["dimensions"])
        return [d for d in self.fields["dimensions"].queryset if d in chosen]


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six characters on the screen in the room."),
        error_messages={"required": _("Enter the code shown on the screen.")},
    )

    def clean_code(self):
        code = normalise_join_code(self.cleaned_data["code"])
        if len(code) != JOIN_CODE_LENGTH:
            raise ValidationError(
                _("A code has %(n)d characters, like ACD 479."),
                code="length",
                params={"n": JOIN_CODE_LENGTH},
            )
        return code


class JoinForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Your organisation"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your organisation.")},
    )
    label = NameField(
        label=_("Your name or a pseudonym"),
        max_length=NAME_MAX - 10,
        required=False,
        help_text=_("Shown to the consultant only, never on the screen in the room."),
    )

    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my answers are "
            "processed as it says."
        ),
        error_messages={
            "required": _(
                "This scan asks you to agree to its privacy notice before you "
                "answer. Tick the box to take part."
            )
        },
    )

    def __init__(self, *args, organisations, ask_names, ask_consent=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_consent:
            del self.fields["consent"]
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        if ask_names:
            self.fields["label"].required = True
            self.fields["label"].error_messages["required"] = _(
                "Enter a name or a pseudonym."
            )
        else:
            del self.fields["label"]


class AgreementForm(forms.Form):
    text = forms.CharField(
        label=_("What the partners agreed on"),
        max_length=AGREEMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the scan, shown on the results page and in the report."),
        error_messages={
            "max_length": _(
                "An agreement can be at most %(limit_value)d characters "
                "(this one has %(show_value)d)."
            )
        },
    )
