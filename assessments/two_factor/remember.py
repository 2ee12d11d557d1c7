""" "Remember this device": a browser that passed the second step may skip it for
PARTNERSCAN_2FA_REMEMBER_DAYS days.

The cookie is signed (Django's signing, with the SECRET_KEY), HttpOnly, SameSite=Lax
and Secure on HTTPS. It names the user and the device that verified them, plus a
fingerprint of the user's password hash and that device's secret and creation time:
changing the password, turning two-step verification off, a staff member deleting
the devices or enrolling a new phone each change the fingerprint or remove the
device, and every remembered browser has to give a code again. It only ever skips
the code: the password is still asked. For another user on the same browser it is
simply not valid.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.models import Device

COOKIE_NAME = "partnerscan_2fa_remember"
_SALT = "assessments.two_factor.remember"


def _max_age() -> timedelta:
    return timedelta(days=settings.PARTNERSCAN_2FA_REMEMBER_DAYS)


def _fingerprint(user, device) -> str:
    material = "|".join(
        [
            str(user.pk),
            user.password,
            device.persistent_id,
            getattr(device, "key", ""),
            device.created_at.isoformat() if device.created_at else "",
        ]
    )
    return salted_hmac(_SALT, material).hexdigest()


def remember_browser(response, *, request, device) -> None:
    """Set the cookie on `response` after `device` verified `request.user`."""
    value = signing.dumps(
        {
            "u": request.user.pk,
            "d": device.persistent_id,
            "f": _fingerprint(request.user, device),
        },
        salt=_SALT,
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(_max_age().total_seconds()),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def remembered_device(request, user):
    """The device this browser was remembered with for `user`, or None."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw or settings.PARTNERSCAN_2FA_REMEMBER_DAYS <= 0:
        return None
    try:
        data = signing.loads(raw, salt=_SALT, max_age=_max_age())
    except signing.BadSignature:  # also an expired one
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    device = Device.from_persistent_id(str(data.get("d", "")))
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    if not constant_time_compare(str(data.get("f", "")), _fingerprint(user, device)):
        return None
    return device


def forget_browser(response) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")
