"""A user who must pass the second step, or enrol first, can open nothing else.

Runs after LoginRequiredMiddleware and django-otp's OTPMiddleware. Public views
(`login_not_required`: the landing page, participants' links, log-in) stay as they
are; the pages of the second step itself and log-out are marked `two_factor_exempt`
or named here.
"""

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .devices import (
    is_enrolled,
    must_enrol,
    remember_requirement,
    session_requires_code,
)

_OPEN_URL_NAMES = {"logout"}


def two_factor_exempt(view):
    """Mark a view that a half logged-in user may open (the code and enrolment
    pages)."""
    view.two_factor_exempt = True
    return view


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Public views first: asking for the user loads the session, which the live
        # session's keyed poll must not pay for (assessments/web/login_required.py).
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        if getattr(view_func, "two_factor_exempt", False):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in _OPEN_URL_NAMES:
            return None
        if user.is_verified() or not session_requires_code(request):
            return None
        enrolled = is_enrolled(user)
        if not enrolled and not must_enrol(user):
            # Staff deleted the devices of a user who may do without: decide again.
            remember_requirement(request, user)
            return None
        target = (
            "assessments:two-factor-verify"
            if enrolled
            else "assessments:two-factor-enrol"
        )
        return redirect_to_login(request.get_full_path(), reverse(target))
