"""Form fields the workspace forms share."""

from django import forms

from ..text import single_line


class NameField(forms.CharField):
    """A name or label on one line (assessments.text.single_line)."""

    def to_python(self, value):
        return single_line(super().to_python(value))
