"""Respondents of a scan: one at a time, or pasted as a list."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from ..models import LANGUAGE_CHOICES, NAME_MAX, Respondent
from ..text import single_line
from ..workspace import RespondentRow
from .fields import NameField

MAX_PASTED_ROWS = 500
LANGUAGE_CODES = [code for code, _label in LANGUAGE_CHOICES]


class RespondentForm(forms.ModelForm):
    """One respondent, added or edited within an assessment."""

    class Meta:
        model = Respondent
        fields = ["label", "organisation", "email", "language"]
        field_classes = {"label": NameField}
        labels = {"label": _("Name")}
        help_texts = {
            "label": _("A name or a pseudonym; shown to you and in exports."),
            "email": _("Optional: needed to send the invitation by e-mail."),
        }

    def __init__(self, *args, assessment, **kwargs):
        self.assessment = assessment
        super().__init__(*args, **kwargs)
        self.fields[
            "organisation"
        ].queryset = assessment.partnership.organisations.all()
        self.fields["organisation"].empty_label = _("Choose an organisation")
        self.fields["organisation"].error_messages["required"] = _(
            "Choose the organisation this respondent answers for."
        )

    def _others(self):
        others = Respondent.objects.filter(assessment=self.assessment)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return others

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if self._others().filter(label__iexact=label).exists():
            raise ValidationError(
                _("This scan already has a respondent called %(name)s.")
                % {"name": label},
                code="duplicate",
            )
        return label

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and self._others().filter(email__iexact=email).exists():
            raise ValidationError(
                _("%(email)s is already invited to this scan.") % {"email": email},
                code="duplicate",
            )
        return email

    def row(self):
        data = self.cleaned_data
        return RespondentRow(
            label=data["label"],
            organisation=data["organisation"],
            email=data["email"],
            language=data["language"],
        )


_SEPARATOR = re.compile(r"\s*[;\t]\s*")


def paste_examples(assessment):
    """The organisations the paste help's example lines name (evaluated here, so
    that the template makes no query)."""
    return list(assessment.partnership.organisations.all()[:2])


class RespondentPasteForm(forms.Form):
    """Many respondents at once, one per line: name; e-mail; organisation; nl|en.

    All or nothing: every bad line is reported by number and none is added.
    """

    rows = forms.CharField(
        label=_("Respondents, one per line"),
        # Room for MAX_PASTED_ROWS generous lines; caps the work a single post causes.
        max_length=MAX_PASTED_ROWS * 300,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Per line: name; e-mail; organisation; language (nl or en). E-mail and "
            "language may be left empty. Columns copied from a spreadsheet work too."
        ),
    )

    def __init__(self, *args, assessment, **kwargs):
        self.assessment = assessment
        super().__init__(*args, **kwargs)

    def clean_rows(self):
        organisations = {
            org.name.casefold(): org
            for org in self.assessment.partnership.organisations.all()
        }
        existing = self.assessment.respondents.values_list("label", "email")
        labels = {label.casefold() for label, _email in existing}
        emails = {email.casefold() for _label, email in existing if email}
        rows, errors = [], []
        lines = [
            (number, line)
            for number, line in enumerate(self.cleaned_data["rows"].splitlines(), 1)
            if line.strip()
        ]
        if len(lines) > MAX_PASTED_ROWS:
            raise ValidationError(
                _("Paste at most %(max)d lines at a time.") % {"max": MAX_PASTED_ROWS},
                code="too_many",
            )
        for number, line in lines:
            try:
                row = _parse_line(line, organisations, labels, emails)
            except ValidationError as error:
                errors.append(
                    ValidationError(
                        _("Line %(number)d: %(problem)s")
                        % {"number": number, "problem": error.messages[0]},
                        code="line",
                    )
                )
                continue
            labels.add(row.label.casefold())
            if row.email:
                emails.add(row.email)
            rows.append(row)
        if errors:
            raise ValidationError(errors)
        return rows


def _parse_line(line, organisations, labels, emails):
    """One pasted line as a `RespondentRow`, or a ValidationError saying why not."""
    columns = [single_line(column) for column in _SEPARATOR.split(line.strip())]
    if len(columns) > 4:
        raise ValidationError(
            _("expected at most four columns: name; e-mail; organisation; language.")
        )
    label, email, organisation_name, language = [*columns, "", "", ""][:4]
    email = email.lower()
    if not label:
        raise ValidationError(_("the name is missing."))
    if len(label) > NAME_MAX:
        raise ValidationError(_("the name is too long."))
    if label.casefold() in labels:
        raise ValidationError(
            _("%(name)s is already a respondent of this scan.") % {"name": label}
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("%(email)s is not a valid e-mail address.") % {"email": email}
            ) from None
        if email in emails:
            raise ValidationError(
                _("%(email)s is already invited to this scan.") % {"email": email}
            )
    if not organisation_name:
        raise ValidationError(_("the organisation is missing."))
    organisation = organisations.get(organisation_name.casefold())
    if organisation is None:
        raise ValidationError(
            _("%(name)s is not an organisation of this partnership.")
            % {"name": organisation_name}
        )
    language = language.lower() or "nl"
    if language not in LANGUAGE_CODES:
        raise ValidationError(
            _("the language must be nl or en, not %(language)s.")
            % {"language": language}
        )
    return RespondentRow(
        label=label, organisation=organisation, email=email, language=language
    )
