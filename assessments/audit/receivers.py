"""Logins and failed logins, from django.contrib.auth's signals (connected in
AssessmentsConfig.ready): the one place the trail listens instead of being called,
because every login path (ours, the admin's, a password reset) sends them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import Event, audit_event


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs):
    audit_event(request or user, Event.LOGIN, user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_failed_login(sender, credentials, request=None, **kwargs):
    # The account tried is recorded when it exists (its owner or staff may want to
    # know someone guessed at it); the name typed never is: a mistyped name is
    # often someone's e-mail address or a password typed in the wrong box, text
    # nobody could later find and erase.
    model = get_user_model()
    username = credentials.get(model.USERNAME_FIELD) or ""
    user = (
        model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
        if username
        else None
    )
    audit_event(request, Event.LOGIN_FAILED, user, known=user is not None)
