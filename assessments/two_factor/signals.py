"""Session bookkeeping at log-in, next to django-otp's own `user_logged_in` handler:
whether this session must pass the second step is decided once, here, so a request
of a consultant without two-step verification costs no extra query. Any log-in
counts (ours, the admin's, a test's `force_login`)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .devices import remember_requirement


@receiver(user_logged_in, dispatch_uid="two_factor_requirement")
def _note_requirement(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_requirement(request, user)
