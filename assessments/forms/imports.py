"""The upload form for answers collected on paper or in a spreadsheet."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..imports import MAX_BYTES

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".txt")


class ResponsesUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Answers file (CSV or XLSX)"),
        help_text=_(
            "The format of the CSV or XLSX export: one row per respondent and "
            "question. New names become respondents; known names get their answers "
            "replaced, except answers a participant already sent."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)s MB; split it into smaller files."),
                code="too_large",
                params={"mb": MAX_BYTES // (1024 * 1024)},
            )
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
        return upload
