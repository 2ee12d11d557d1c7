"""The consultant's own account details."""

from django import forms
from django.contrib.auth import forms as auth_forms, get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..accounts import password_mail
from ..background.mail import mail_queue
from .fields import NameField


class AccountForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email"]
        # The name signs invitation e-mails.
        field_classes = {"first_name": NameField, "last_name": NameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "Respondents' replies to your invitations go here, and so do password "
            "reset links."
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = (
            get_user_model()
            .objects.filter(email__iexact=email)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                _("Another account already uses this e-mail address."),
                code="duplicate",
            )
        return email


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, doing the same work whether an address has an account.

    Handing a message to SMTP takes 50-200 ms that an unknown address would not
    cost, and that difference told which addresses exist. So every request renders
    one message (for an unknown address, to a stand-in account that is never saved
    and never mailed) and queues the real ones, if any, for the worker
    (`background.mail`): the response waits for no mail server.
    """

    def get_users(self, email):
        users = list(super().get_users(email))
        return users or [get_user_model()(email=email)]

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        mail = password_mail(
            to=to_email,
            context=context,
            subject_template=subject_template_name,
            body_template=email_template_name,
        )
        if context["user"].pk is not None:
            self.outgoing.append(mail)

    def save(self, **kwargs):
        self.outgoing = []
        super().save(**kwargs)
        mail_queue(self.outgoing)
