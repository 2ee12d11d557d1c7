"""The codes of two-step login: from the authenticator app or a recovery code."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext, gettext_lazy as _


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=40,
            strip=True,
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "autocapitalize": "off",
                    "spellcheck": "false",
                    "autofocus": True,
                }
            ),
            **kwargs,
        )


class LoginCodeForm(forms.Form):
    code = CodeField(
        label=_("Code"),
        help_text=_(
            "The six digits your authenticator app shows now, or one of your "
            "recovery codes."
        ),
    )
    remember = forms.BooleanField(
        required=False,
        help_text=_("Only on a computer that you alone use."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.PARTNERSCAN_2FA_REMEMBER_DAYS
        if days <= 0:
            del self.fields["remember"]
        else:
            self.fields["remember"].label = gettext(
                "Remember this device for %(days)s days"
            ) % {"days": days}


class EnrolmentForm(forms.Form):
    code = CodeField(
        label=_("Code from the app"),
        help_text=_("The six digits the app shows after you added Partnerscan."),
    )


class DisableForm(forms.Form):
    code = CodeField(
        label=_("Current code"),
        help_text=_("From your authenticator app, or a recovery code."),
    )
