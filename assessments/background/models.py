"""What the worker prepares and sends, with its state.

Imported by `assessments.models`, so these are ordinary models of the app. A row
says how far the work got and, when it failed for good, why; pages read it, the
worker writes it. Rows belong to a scan (or a respondent) and go with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PreparedFile(models.Model):
    """A file made by the worker ahead of the click: a scan's report in one
    language, or a large export. One row per scan × kind × language; the stored file
    is the latest one made, `fingerprint` says for which state of the scan.

    The row points at a file only once the file is complete, so a worker killed
    mid-render leaves no half-written report behind a download.
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("report")
        XLSX = "xlsx", _("Excel export")
        CSV = "csv", _("CSV export")

    class Status(models.TextChoices):
        # Asked for, not started: `due_at` says from when (the debounce).
        WAITING = "waiting", _("waiting")
        WORKING = "working", _("being made")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="prepared_files",
        verbose_name=_("assessment"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The report's language; empty for exports, which are language-neutral.
    language = models.CharField(_("language"), max_length=2, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # The scan's fingerprint the stored file was made for (empty: no file yet).
    fingerprint = models.CharField(max_length=64, blank=True)
    file = models.FileField(_("file"), blank=True, max_length=255)
    # Not before: the scan has to be quiet until then (answers still coming in).
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The current (or last) attempt's start; when the stored file was completed.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the scan was read for the stored file (its render's start): a newer file
    # never gives way to an older one, and "made since you asked" is this.
    made_at = models.DateTimeField(_("made from the scan as of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("prepared file")
        verbose_name_plural = _("prepared files")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind", "language"],
                name="assessments_preparedfile_one_per_output",
            ),
            models.CheckConstraint(
                condition=Q(kind="report") | Q(language=""),
                name="assessments_preparedfile_language_only_for_reports",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.language} #{self.assessment_id}"


class OutgoingMail(models.Model):
    """One e-mail to send, sent, or that could not be sent, and why.

    The worker claims a row (`claimed_by`) in the same UPDATE that moves it from
    queued to sending, so two workers never send the same mail. Mail to a
    respondent is rendered when it is sent, from the respondent's current data; only
    mail with no row to render from (password reset) keeps its text here, and loses
    it once sent.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        REMINDER = "reminder", _("reminder")
        # Automatic reminders, each at most once per respondent.
        REMINDER_AFTER_INVITATION = "remind_after", _("automatic reminder")
        REMINDER_BEFORE_CLOSE = "remind_close", _("reminder before closing")
        # To the consultant.
        ORGANISATION_COMPLETE = "org_complete", _("organisation complete")
        SCAN_CLOSED = "scan_closed", _("scan closed")
        # The weekly digest of a consultant's actions due soon or overdue.
        ACTIONS_DUE = "actions_due", _("weekly actions digest")
        # A month before a scan's personal data is anonymised.
        RETENTION_WARNING = "retention", _("retention warning")
        PASSWORD_RESET = "password", _("password reset")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("not sent")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_mail",
        verbose_name=_("assessment"),
    )
    respondent = models.ForeignKey(
        "assessments.Respondent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_mail",
        verbose_name=_("respondent"),
    )
    organisation = models.ForeignKey(
        "assessments.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # Whom the mail is from (name, reply-to, signature); to whom when it is the
    # consultant's own mail.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sender"),
    )
    to = models.EmailField(_("to"), blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    # Only for mail that cannot be rendered again when it is sent; cleared once sent.
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    # The week a weekly digest is for (its Monday): one digest per consultant per
    # week, whichever machine's schedule makes it first.
    week = models.DateField(_("week of"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("reason"), blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["respondent", "kind", "-created_at"],
                name="assessments_mail_latest",
            ),
        ]
        constraints = [
            # Automatic reminders go at most once each to a respondent.
            models.UniqueConstraint(
                fields=["respondent", "kind"],
                condition=Q(kind__in=["remind_after", "remind_close"]),
                name="assessments_outgoingmail_auto_reminder_once",
            ),
            # One digest per organisation per scan, one closing notice per scan.
            models.UniqueConstraint(
                fields=["assessment", "organisation", "kind"],
                condition=Q(kind="org_complete"),
                name="assessments_outgoingmail_digest_once",
            ),
            models.UniqueConstraint(
                fields=["assessment", "kind"],
                condition=Q(kind="scan_closed"),
                name="assessments_outgoingmail_closing_notice_once",
            ),
            models.UniqueConstraint(
                fields=["sender", "week"],
                condition=Q(kind="actions_due"),
                name="assessments_outgoingmail_actions_digest_weekly",
            ),
            models.CheckConstraint(
                condition=~Q(kind="actions_due") | Q(week__isnull=False),
                name="assessments_outgoingmail_actions_digest_has_week",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="assessments_outgoingmail_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to or self.respondent_id}"
