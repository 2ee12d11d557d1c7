"""The form that shares a scan's results with the partners: for whom, and until
when (`assessments.sharing`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ..sharing import MAX_DAYS, default_expiry, latest_expiry

ALL_PARTNERS = ""


class SharedLinkForm(forms.Form):
    organisation = forms.ChoiceField(
        label=_("For"),
        required=False,
        help_text=_(
            "A link for one organisation greets it by name; every link shows the "
            "same results of the whole partnership."
        ),
    )
    last_day = forms.DateField(
        label=_("Open until (last day)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the last day the link opens."),
            "invalid": _("Enter a date, such as 2026-12-31."),
        },
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {
            str(o.pk): o for o in assessment.partnership.organisations.all()
        }
        self.fields["organisation"].choices = [(ALL_PARTNERS, _("All partners"))] + [
            (pk, o.name) for pk, o in self.organisations.items()
        ]
        self.fields["last_day"].initial = default_expiry()
        self.fields["last_day"].widget.attrs |= {
            "min": timezone.localdate().isoformat(),
            "max": latest_expiry().isoformat(),
        }

    def clean_organisation(self):
        value = self.cleaned_data["organisation"]
        return None if value == ALL_PARTNERS else self.organisations[value]

    def clean_last_day(self):
        value = self.cleaned_data["last_day"]
        if value < timezone.localdate():
            raise ValidationError(
                _("That day has passed. Choose today or a later date."), code="past"
            )
        if value > latest_expiry():
            raise ValidationError(
                _("A link opens for at most %(days)s days: choose %(day)s or earlier.")
                % {
                    "days": MAX_DAYS,
                    "day": formats.date_format(latest_expiry(), "j F Y"),
                },
                code="too_late",
            )
        return value
