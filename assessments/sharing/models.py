"""Links that share a scan's results with the partner organisations, without an
account (issue 16, point 7).

Imported by `assessments.models`, so this is an ordinary model of the app. The
token is kept like an invitation token (`Respondent`): a random seed and the
SHA-256 of the token, the token being an HMAC of the seed under SECRET_KEY. The
database alone never gives a working link, yet the consultant can copy the link
again later. Revoking clears both; an expired link keeps them until it is revoked
but is refused by `SharedLinkQuerySet.active`.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..tokens import token_hash, token_issue, token_recover

TOKEN_MAX = 100  # longer input is never a token: refused before hashing
LINK_SALT = "partnerscan.shared-results"


class SharedLinkQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None) -> "SharedLinkQuerySet":
        """Links that open: not revoked and not expired."""
        now = now or timezone.now()
        return self.filter(token_hash__isnull=False, expires_at__gt=now)

    def by_token(self, token: str) -> "SharedLinkQuerySet":
        if not token or len(token) > TOKEN_MAX:
            return self.none()
        return self.filter(token_hash=token_hash(token))


class SharedLink(models.Model):
    """One read-only link to a scan's results, for the whole partnership or
    addressed to one of its organisations."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="shared_links",
        verbose_name=_("assessment"),
    )
    # Empty: addressed to all partners. Set: the page greets this organisation;
    # the figures are the partnership's either way (never more data).
    organisation = models.ForeignKey(
        "assessments.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shared_links",
        verbose_name=_("organisation"),
    )
    token_seed = models.CharField(max_length=64, blank=True, editable=False)
    token_hash = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    open_count = models.PositiveIntegerField(_("times opened"), default=0)
    first_opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True)

    objects = SharedLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared link")
        verbose_name_plural = _("shared links")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=Q(token_hash__isnull=False),
                name="assessments_sharedlink_token_unique",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(token_hash__isnull=True),
                name="assessments_sharedlink_revoked_has_no_token",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="assessments_sharedlink_expires_after_created",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} → {self.organisation or _('all partners')}"

    def issue_token(self) -> str:
        """A fresh token (an earlier one stops working); the caller saves."""
        self.token_seed, token, self.token_hash = token_issue(LINK_SALT)
        return token

    def clear_token(self) -> None:
        self.token_seed = ""
        self.token_hash = None

    @property
    def token(self) -> str | None:
        """The current token, or None when revoked (or SECRET_KEY moved)."""
        return token_recover(LINK_SALT, self.token_seed, self.token_hash)

    @property
    def url(self) -> str | None:
        token = self.token
        return reverse("assessments:shared-results", args=[token]) if token else None

    @property
    def last_day(self) -> date:
        """The last day the link opens (it expires at the start of the next)."""
        return timezone.localdate(self.expires_at - timedelta(microseconds=1))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired
