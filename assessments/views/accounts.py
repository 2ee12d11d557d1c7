"""Logging in (with a throttle on attempts), resetting a password, the account page."""

import unicodedata
from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..forms.accounts import AccountForm, PasswordResetForm
from ..two_factor import devices
from ..web import throttle


def login_username(raw: str) -> str:
    """The posted username as authentication sees it, folded for the throttle key.

    Django's login form normalises the name to NFKC before looking the user up, so
    a fullwidth or mathematical-bold spelling reaches the same account; the key must
    fold those spellings together too, or each one would get a fresh count.
    """
    name = unicodedata.normalize("NFKC", raw).strip()
    return unicodedata.normalize("NFKC", name.casefold())[:150]


def _login_key(request):
    """Attempts count per client address and username, so one attacker cannot lock
    a colleague out from elsewhere and one address cannot try many passwords."""
    username = login_username(request.POST.get("username", ""))
    return f"{throttle.client_key(request)}|{username}"


def throttled_login(view):
    """Put a log-in view (ours, the admin's) behind the "login" throttle.

    Every attempt counts before its password is checked, and a successful one
    resets the count: parallel guesses cannot all pass a check that none of them
    has counted yet.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        key = _login_key(request)
        if throttle.hit("login", key):
            return throttle.too_many_requests(request, "login")
        before = request.user
        response = view(request, *args, **kwargs)
        if request.user is not before:  # auth.login() replaced it: a success
            throttle.reset("login", key)
        return response

    return login_not_required(wrapper)


class LoginView(auth_views.LoginView):
    """The password; then, for a user with two-step verification, the code page
    (assessments/views/two_factor.py), which the middleware also insists on."""

    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        # request.user is now the bare user auth.login() set, without django-otp's
        # is_verified(); a password log-in is never verified yet anyway. The code
        # page also takes a remembered browser straight on to `url`.
        if devices.session_requires_code(self.request):
            query = urlencode({"next": url})
            return f"{reverse('assessments:two-factor-verify')}?{query}"
        return url


login = throttled_login(LoginView.as_view())
# Django's admin has its own log-in view; it answers the same guesses.
admin_login = throttled_login(admin.site.login)


class PasswordResetView(auth_views.PasswordResetView):
    """Each request may send an e-mail: count them per client address."""

    form_class = PasswordResetForm

    def post(self, request, *args, **kwargs):
        key = f"reset|{throttle.client_key(request)}"
        if throttle.hit("login", key):
            return throttle.too_many_requests(request, "login")
        return super().post(request, *args, **kwargs)


def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details are saved."))
        return redirect("assessments:account")
    recovery = devices.recovery_device(request.user)
    context = {
        "form": form,
        "totp_device": devices.totp_device(request.user),
        "recovery_codes_left": recovery.codes.count() if recovery else 0,
        "two_factor_required": devices.must_enrol(request.user),
    }
    return render(request, "assessments/account.html", context)
