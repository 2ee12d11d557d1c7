"""Partnerships, their organisations and collaborators, and their scans."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Count,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .common import (
    COMMENT_MAX,
    NAME_MAX,
    add_months,
)
from .questionsets import QuestionSet


class PartnershipQuerySet(models.QuerySet):
    def for_user(self, user):
        """Partnerships the user owns or collaborates on."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner=user) | Q(collaborations__user=user)).distinct()

    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def search(self, text):
        """Name or an organisation's name contains `text` (case-insensitive)."""
        text = text.strip()
        if not text:
            return self
        matching_organisations = Organisation.objects.filter(name__icontains=text)
        return self.filter(
            Q(name__icontains=text)
            | Q(pk__in=matching_organisations.values("partnership"))
        )

    def with_latest_activity(self):
        """Annotate `latest_activity`: the newest change to it, its scans or answers.

        Subqueries rather than joins, so the visibility join in `for_user` cannot
        multiply rows.
        """
        newest_assessment = Assessment.objects.filter(
            partnership=OuterRef("pk")
        ).order_by("-updated_at")
        from .respondents import Respondent  # a respondent belongs to a scan

        newest_respondent = Respondent.objects.filter(
            assessment__partnership=OuterRef("pk")
        ).order_by("-updated_at")
        own = models.F("updated_at")
        return self.annotate(
            latest_activity=Greatest(
                own,
                Coalesce(Subquery(newest_assessment.values("updated_at")[:1]), own),
                Coalesce(Subquery(newest_respondent.values("updated_at")[:1]), own),
            )
        )

    def with_latest_assessment_id(self):
        newest = Assessment.objects.filter(partnership=OuterRef("pk")).order_by(
            "-created_at", "-pk"
        )
        return self.annotate(latest_assessment_id=Subquery(newest.values("pk")[:1]))


class Partnership(models.Model):
    """Two or more organisations considering a strategic partnership."""

    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), blank=True, max_length=COMMENT_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("consultant"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def accepts_new_scans(self):
        """An archived partnership gets no new scan (nor follow-up) until restored;
        `workspace.assessment_create` and `assessment_follow_up` enforce it."""
        return self.archived_at is None


class Organisation(models.Model):
    """A partner organisation within one partnership."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="organisations",
        verbose_name=_("partnership"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["partnership", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="assessments_organisation_unique"
            ),
        ]

    def __str__(self):
        return self.name


class Collaboration(models.Model):
    """Another consultant given access to a partnership."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="collaborations",
        verbose_name=_("partnership"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="collaborations",
        verbose_name=_("consultant"),
    )
    can_edit = models.BooleanField(_("may edit"), default=False)

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user"], name="assessments_collaboration_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.partnership}"


# Ten years: long enough for any real agreement, short enough to stay a date.
RETENTION_MONTHS_MAX = 120


def default_retention_months():
    return settings.PARTNERSCAN_RETENTION_MONTHS


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(partnership__in=Partnership.objects.for_user(user))

    def with_progress(self):
        """Annotate `respondents_total`, `respondents_started` (submitted included)
        and `respondents_submitted`, counted by the respondents' own rules."""
        from .respondents import Respondent  # a respondent belongs to a scan

        respondents = Respondent.objects.all()
        return self.annotate(
            respondents_total=_count_per_assessment(respondents),
            respondents_started=_count_per_assessment(respondents.started()),
            respondents_submitted=_count_per_assessment(respondents.submitted()),
        )


def _count_per_assessment(respondents):
    """A subquery counting `respondents` of the outer assessment (0 for none).

    A subquery per count rather than `Count(..., filter=...)` over one join: the
    rules (see RespondentQuerySet) are written once, as querysets, and reused here.
    """
    counted = (
        respondents.filter(assessment=OuterRef("pk"))
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


class Assessment(models.Model):
    """One scan of one partnership, pinned to one published question set."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("partnership"),
    )
    question_set = models.ForeignKey(
        QuestionSet,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("question set"),
    )
    title = models.CharField(_("title"), max_length=NAME_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("previous assessment"),
    )
    allow_comments = models.BooleanField(
        _("anonymous comments in the results"), default=True
    )
    privacy_minimum = models.PositiveSmallIntegerField(
        _("privacy minimum per organisation"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "Organisations with fewer respondents are not shown separately in the "
            "results."
        ),
    )
    closes_on = models.DateField(_("closing date"), null=True, blank=True)
    # A scan that runs itself (assessments/background/schedule.py): reminders to those
    # who have not submitted, closing at the closing date, a note to the consultant.
    remind_after_days = models.PositiveSmallIntegerField(
        _("automatic reminder, days after the invitation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Empty: no automatic reminder."),
    )
    remind_before_close_days = models.PositiveSmallIntegerField(
        _("automatic reminder, days before the closing date"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Empty: no reminder before closing."),
    )
    close_automatically = models.BooleanField(
        _("close automatically after the closing date"), default=True
    )
    notify_organisation_complete = models.BooleanField(
        _("e-mail me when an organisation has all its answers in"), default=True
    )
    # Personal data (assessments/erasure/, docs/privacy.md): how long names,
    # addresses and comments stay after closing, and whether participants agree to
    # the privacy notice before their first step.
    retention_months = models.PositiveSmallIntegerField(
        _("keep personal data for (months after closing)"),
        default=default_retention_months,
        validators=[MinValueValidator(1), MaxValueValidator(RETENTION_MONTHS_MAX)],
        help_text=_(
            "Then names, e-mail addresses and comments are anonymised; the scores "
            "and the report remain."
        ),
    )
    require_consent = models.BooleanField(
        _("participants agree to the privacy notice before they start"),
        default=False,
    )
    retention_warned_at = models.DateTimeField(
        _("retention warning sent at"), null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(privacy_minimum__gte=1),
                name="assessments_assessment_privacy_minimum",
            ),
            models.CheckConstraint(
                condition=~Q(previous=models.F("id")),
                name="assessments_assessment_not_own_previous",
            ),
            models.CheckConstraint(
                condition=Q(retention_months__gte=1)
                & Q(retention_months__lte=RETENTION_MONTHS_MAX),
                name="assessments_assessment_retention_range",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.partnership} #{self.pk}"

    @property
    def is_open(self):
        if self.status != self.Status.OPEN:
            return False
        return self.closes_on is None or timezone.localdate() <= self.closes_on

    @property
    def retention_ends_on(self):
        """The day names, addresses and comments are anonymised; None while open
        (the period runs from closing)."""
        if self.closed_at is None:
            return None
        return add_months(timezone.localdate(self.closed_at), self.retention_months)
