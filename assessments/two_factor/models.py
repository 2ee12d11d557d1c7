"""Recovery codes: one-time codes for a lost phone, stored as hashes.

django-otp's own static device keeps its tokens in plain text; these are hashed, so
a copy of the database does not open any account. The codes are random with 80 bits
of entropy, so one SHA-256 is enough (a slow hash only helps secrets a person
chose); the lookup stays one indexed query.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed
CODE_LENGTH = 16  # 16 of 31 symbols: 79 bits


def normalise_code(raw: str) -> str:
    """A typed code as stored: lower case, without spaces or dashes."""
    return "".join(raw.split()).replace("-", "").lower()


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_code() -> str:
    """A fresh recovery code, grouped by four for reading: `abcd-efgh-jkmn-pqrs`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's set of recovery codes; each code works once."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        allowed, _detail = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(code_hash=hash_code(str(token))).delete()[0]
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return bool(used)


class RecoveryCode(models.Model):
    device = models.ForeignKey(
        RecoveryCodeDevice,
        on_delete=models.CASCADE,
        related_name="codes",
        verbose_name=_("recovery codes"),
    )
    code_hash = models.CharField(_("code (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "code_hash"],
                name="assessments_recoverycode_unique",
            )
        ]

    def __str__(self):
        return f"{self.code_hash[:8]}…"
