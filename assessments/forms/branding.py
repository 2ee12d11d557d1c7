"""The branding profile and the consultant's word for a scan."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..branding import accent_for_text, contrast_with_white
from ..branding.logo import logo_clean
from ..branding.models import (
    COMMENTARY_MAX,
    FOREWORD_MAX,
    RECOMMENDATION_MAX,
    BrandingProfile,
)

FORMATTING_HELP = _(
    "Leave a blank line between paragraphs. Allowed formatting: <strong>bold</strong>, "
    "<em>italics</em> and lists (<ul>/<ol> with <li>); anything else is removed."
)


class BrandingForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 2 MB. Stored without its metadata."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = BrandingProfile
        fields = [
            "firm_name",
            "accent_colour",
            "contact_name",
            "contact_email",
            "contact_phone",
            "footer_text",
        ]
        help_texts = {
            "accent_colour": _(
                "For example #1f4e79. A colour lighter than 4.5:1 contrast against "
                "white is used only for bars and lines, never for text."
            ),
            "footer_text": _("Shown at the foot of every report page."),
        }

    def clean_accent_colour(self):
        return self.cleaned_data["accent_colour"].strip().lower()

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return logo_clean(upload) if upload else None

    def accent_note(self):
        """Tells the consultant when their colour only decorates."""
        colour = self.instance.accent_colour
        if self.errors or not colour:  # an invalid colour has an error of its own
            return ""
        if not accent_for_text(colour):
            return _(
                "Your accent colour has a contrast of %(ratio).1f:1 against white, "
                "below 4.5:1: it is used for bars and lines only, not for text."
            ) % {"ratio": contrast_with_white(colour)}
        return ""


class ConsultantWordForm(forms.Form):
    foreword = forms.CharField(
        label=_("Foreword / management summary"),
        required=False,
        max_length=FOREWORD_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=FORMATTING_HELP,
    )
    recommendation_1 = forms.CharField(
        label=_("Recommendation 1"), required=False, max_length=RECOMMENDATION_MAX
    )
    recommendation_2 = forms.CharField(
        label=_("Recommendation 2"), required=False, max_length=RECOMMENDATION_MAX
    )
    recommendation_3 = forms.CharField(
        label=_("Recommendation 3"), required=False, max_length=RECOMMENDATION_MAX
    )

    def __init__(self, *args, dimensions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension_fields = []
        for dimension in dimensions:
            name = f"commentary_{dimension.code}"
            self.fields[name] = forms.CharField(
                label=f"{dimension.code} {dimension.name}",
                required=False,
                max_length=COMMENTARY_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.dimension_fields.append((dimension.code, name))

    def recommendations(self):
        return [self.cleaned_data[f"recommendation_{i}"].strip() for i in (1, 2, 3)]

    def commentary(self):
        return {code: self.cleaned_data[name] for code, name in self.dimension_fields}
