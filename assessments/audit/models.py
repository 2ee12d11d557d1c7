"""The audit trail's two tables: ours and django-auditlog's.

- `AuditEvent`: what a model signal cannot see (logins, opening results, downloads,
  links, erasures), written by `assessments.audit.audit_event`. It is what the
  owner reads on a partnership's page ("Activiteit") and staff in the admin.
- django-auditlog's `LogEntry`: a change to a registered model
  (assessments/audit/registry.py), scrubbed of what is personal as it is saved
  (`receivers.scrub_change`).

Neither stores free text someone typed: objects are referred to by type and id and
named when the trail is shown, from the live rows. An erasure therefore needs no
rewrite of the trail: once a respondent, scan or partnership is gone, its entries
read "a deleted scan" and hold nothing that could identify anyone but the
consultant who acted (a foreign key, emptied when that account is erased).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def for_partnership(self, partnership_id: int):
        return self.filter(partnership_id=partnership_id).order_by("-timestamp", "-pk")

    def older_than(self, moment):
        return self.filter(timestamp__lt=moment)


class AuditEvent(models.Model):
    """One thing a person did that the owner or staff may later ask about."""

    class Event(models.TextChoices):
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login-failed", _("failed to log in")
        RESULTS_OPENED = "results-opened", _("opened the results")
        REPORT_DOWNLOADED = "report-downloaded", _("downloaded the report")
        EXPORT_DOWNLOADED = "export-downloaded", _("downloaded an export")
        ANSWERS_IMPORTED = "answers-imported", _("imported answers")
        LINK_CREATED = "link-created", _("created a participant link")
        LINK_REVOKED = "link-revoked", _("revoked a participant link")
        LINK_REISSUED = "link-reissued", _("issued a new participant link")
        SHARED_LINK_CREATED = "shared-link-created", _("shared the results")
        SHARED_LINK_REVOKED = "shared-link-revoked", _("revoked a results link")
        SHARED_LINK_OPENED = "shared-link-opened", _("opened a results link")
        COLLABORATOR_ADDED = "collaborator-added", _("shared the partnership")
        LIVE_SESSION_STARTED = "live-session-started", _("started a live session")
        QUESTIONSET_PUBLISHED = "questionset-published", _("published a question set")
        ERASURE = "erasure", _("erased data")

    timestamp = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # SET_NULL: erasing a consultant's account leaves "a deleted account" behind.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    event = models.CharField(_("what"), max_length=30, choices=Event.choices)
    # Plain numbers, not foreign keys: the entry outlives the object (an erasure is
    # itself an entry) and deleting a scan must not cascade into its trail.
    partnership_id = models.PositiveBigIntegerField(
        _("partnership"), null=True, blank=True
    )
    assessment_id = models.PositiveBigIntegerField(_("scan"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=30, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    # Counts, formats and ids only: `audit_event` refuses anything else.
    details = models.JSONField(_("details"), default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-timestamp", "-pk"]
        indexes = [
            models.Index(
                fields=["partnership_id", "-timestamp"],
                name="assessments_auditevent_trail",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(object_id__isnull=True) | ~Q(object_type=""),
                name="assessments_auditevent_object_typed",
            ),
        ]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.event}"
