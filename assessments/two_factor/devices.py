"""Who needs a second step, and the devices that give it."""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, login as otp_login, verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCode, RecoveryCodeDevice, hash_code, new_code

RECOVERY_CODE_COUNT = 10
# The session remembers whether its user needs the second step, and under which
# settings that was decided (a changed setting decides again).
SESSION_KEY = "two_factor"


def must_enrol(user) -> bool:
    """Whether this account may not be used without two-step verification."""
    if user.is_staff or user.is_superuser:
        return settings.PARTNERSCAN_STAFF_REQUIRE_2FA
    return settings.PARTNERSCAN_REQUIRE_2FA


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or RecoveryCodeDevice.objects.filter(user=user, confirmed=True).exists()
    )


def _policy():
    return [settings.PARTNERSCAN_REQUIRE_2FA, settings.PARTNERSCAN_STAFF_REQUIRE_2FA]


def session_requires_code(request) -> bool:
    """Whether this session's user must pass the second step (or enrol).

    Decided at log-in (`remember_requirement`) and kept in the session, so that a
    consultant without two-step verification costs no query per request.
    """
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("policy") != _policy():
        stored = remember_requirement(request, request.user)
    return stored["required"]


def remember_requirement(request, user) -> dict:
    stored = {
        "policy": _policy(),
        "required": must_enrol(user) or is_enrolled(user),
    }
    request.session[SESSION_KEY] = stored
    return stored


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator device of an enrolment in progress (the same
    secret on every visit until it is confirmed, so a reload keeps the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


def recovery_codes_replace(*, user, count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """A new set of recovery codes; the old ones stop working. Returns the codes in
    plain text, the only time they exist outside the user's hands."""
    codes = [new_code() for _ in range(count)]
    with transaction.atomic():
        device, _created = RecoveryCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "Recovery codes", "confirmed": True}
        )
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(device=device, code_hash=hash_code(code)) for code in codes]
        )
    return codes


def enrolment_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Activate an enrolment once the app's first code checks out.

    Returns the new recovery codes, or None when the code is wrong (nothing changes
    but the device's failure count). The session counts as verified from here.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        codes = recovery_codes_replace(user=device.user)
    verified_login(request, device)
    return codes


def code_check(user, code: str):
    """The device that accepts `code` (a six-digit app code or a recovery code), or
    None. Each device counts its own failures and refuses while it backs off."""
    code = "".join(code.split())
    device = totp_device(user) if code.isdigit() else recovery_device(user)
    if device is None:
        return None
    return verify_token(user, device.persistent_id, code)


def locked_seconds(user) -> int:
    """How long the user's devices still refuse codes after failures (0: not)."""
    waits = []
    for device in [
        *TOTPDevice.objects.filter(user=user),
        *RecoveryCodeDevice.objects.filter(user=user),
    ]:
        allowed, detail = device.verify_is_allowed()
        if not allowed and detail and detail.get("locked_until"):
            waits.append((detail["locked_until"] - timezone.now()).total_seconds())
    return max([0, *[int(w) + 1 for w in waits]])


def verified_login(request, device) -> None:
    """Mark the session as having passed the second step with `device`."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_KEY] = {"policy": _policy(), "required": True}


def two_factor_disable(*, request, user) -> None:
    """Delete every device of `user` (authenticator app and recovery codes); a
    remembered browser stops being remembered with them (`remember`)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
    if request is not None and request.user.pk == user.pk:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        remember_requirement(request, user)


def secret_for_typing(device: TOTPDevice) -> str:
    """The app's secret in base32, in groups of four, for typing it in by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
