"""Two-step login: the code page after the password, enrolment, recovery codes and
turning it off (assessments/two_factor/)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _, ngettext

from ..forms.two_factor import DisableForm, EnrolmentForm, LoginCodeForm
from ..live.qr import qr_svg
from ..two_factor import devices, remember
from ..two_factor.middleware import two_factor_exempt
from ..two_factor.models import RecoveryCodeDevice
from ..web import throttle
from .confirm import confirm_page, is_confirmed


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("assessments:dashboard")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _attempt(request, form, check):
    """One code attempt with `form`'s code: counted per client address and user like
    the password's (a 429 response once over the limit), refused while the user's
    devices back off after wrong codes, else `check(code)`. Returns (result, None)
    when the code was right (the count starts again), (None, None) with the error
    on the form when not, or (None, the 429 response)."""
    key = f"otp|{throttle.client_key(request)}|{request.user.pk}"
    if throttle.hit("login", key):
        return None, throttle.too_many_requests(request, "login")
    wait = devices.locked_seconds(request.user)
    if wait:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes. Wait %(seconds)s second and try again.",
                "Too many wrong codes. Wait %(seconds)s seconds and try again.",
                wait,
            )
            % {"seconds": wait},
        )
        return None, None
    result = check(form.cleaned_data["code"])
    if result is None:
        form.add_error(
            "code",
            _(
                "This code is not right. Type the code your authenticator app shows "
                "now (it changes every 30 seconds), or a recovery code you have not "
                "used yet."
            ),
        )
        return None, None
    throttle.reset("login", key)
    return result, None


def _recovery_codes_page(request, codes, next_url):
    response = render(
        request,
        "assessments/recovery_codes.html",
        {"codes": codes, "next": next_url},
    )
    add_never_cache_headers(response)
    return response


@two_factor_exempt
def verify_login(request):
    """The second step after the password: a code from the app or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not devices.is_enrolled(user):
        if devices.must_enrol(user):
            return redirect(_with_next("assessments:two-factor-enrol", next_url))
        return redirect(next_url)
    device = remember.remembered_device(request, user)
    if device is not None:
        devices.verified_login(request, device)
        return redirect(next_url)
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, refused = _attempt(
            request, form, lambda code: devices.code_check(user, code)
        )
        if refused:
            return refused
        if device is not None:
            devices.verified_login(request, device)
            response = redirect(next_url)
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(request, _recovery_used_message(device))
            if form.cleaned_data.get("remember"):
                remember.remember_browser(response, request=request, device=device)
            return response
    return render(
        request, "assessments/verify_login.html", {"form": form, "next": next_url}
    )


def _recovery_used_message(device) -> str:
    left = device.codes.count()
    return ngettext(
        "You logged in with a recovery code; %(count)s is left. Make new ones on "
        "your account page.",
        "You logged in with a recovery code; %(count)s are left. Make new ones on "
        "your account page.",
        left,
    ) % {"count": left}


@two_factor_exempt
def enrol_two_factor(request):
    """Set up an authenticator app: QR code and secret, then one code to confirm."""
    user = request.user
    next_url = _next_url(request)
    if devices.is_enrolled(user) and not user.is_verified():
        return redirect(_with_next("assessments:two-factor-verify", next_url))
    if devices.totp_device(user) is not None:
        return redirect("assessments:account")
    device = devices.pending_totp_device(user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes, refused = _attempt(
            request,
            form,
            lambda code: devices.enrolment_confirm(
                request=request, device=device, code=code
            ),
        )
        if refused:
            return refused
        if codes is not None:
            return _recovery_codes_page(request, codes, next_url)
    response = render(
        request,
        "assessments/enrol_two_factor.html",
        {
            "form": form,
            "next": next_url,
            "qr": qr_svg(device.config_url),
            "secret": devices.secret_for_typing(device),
            "required": devices.must_enrol(user),
        },
    )
    add_never_cache_headers(response)
    return response


def regenerate_recovery_codes(request):
    """New recovery codes, shown once; the old ones stop working. Asks first."""
    if not devices.is_enrolled(request.user):
        return redirect("assessments:account")
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Make new recovery codes"),
            consequences=[
                _(
                    "You get ten new recovery codes, shown once. Your current "
                    "recovery codes stop working at once, also the ones you wrote "
                    "down or printed."
                )
            ],
            button=_("Make new recovery codes"),
            cancel_url=reverse("assessments:account"),
        )
    codes = devices.recovery_codes_replace(user=request.user)
    return _recovery_codes_page(request, codes, reverse("assessments:account"))


def disable_two_factor(request):
    """Turn two-step verification off: asks first, and for a current code."""
    user = request.user
    if not devices.is_enrolled(user):
        return redirect("assessments:account")
    form = DisableForm(request.POST if is_confirmed(request) else None)
    if form.is_bound and form.is_valid():
        device, refused = _attempt(
            request, form, lambda code: devices.code_check(user, code)
        )
        if refused:
            return refused
        if device is not None:
            devices.two_factor_disable(request=request, user=user)
            messages.success(request, _("Two-step verification is off."))
            response = redirect("assessments:account")
            remember.forget_browser(response)
            return response
    return render(
        request,
        "assessments/disable_two_factor.html",
        {"form": form, "required": devices.must_enrol(user)},
    )
