"""Logging in (with a throttle on failures), resetting a password, the account page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import throttle
from ..forms.accounts import AccountForm


def _login_key(request):
    """Failures count per client address and username, so one attacker cannot lock
    a colleague out from elsewhere and one address cannot try many passwords."""
    username = request.POST.get("username", "")[:150].strip().casefold()
    return f"{throttle.client_key(request)}|{username}"


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Every attempt counts before its password is checked, and a successful one
        # resets the count: parallel guesses cannot all pass a check that none of
        # them has counted yet.
        if throttle.hit("login", _login_key(request)):
            return throttle.too_many_requests(request, "login")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        throttle.reset("login", _login_key(self.request))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Each request sends an e-mail: count them per client address."""

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
    return render(request, "assessments/account.html", {"form": form})
