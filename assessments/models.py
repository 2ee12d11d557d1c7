"""Partnerscan's domain: question sets, partnerships, assessments and answers.

See docs/domain.md for the picture. Derived figures (scores, gaps, verdicts) are never
stored: `assessments.scoring` recomputes them from answers and the pinned question set.
"""

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info, gettext_lazy as _

from .tokens import token_hash, token_issue, token_recover

# The languages of the UI, the questionnaire, the texts of a question set and the
# report: settings.LANGUAGES, written once. Each language is offered in its own
# name ("Nederlands", "English").
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
LANGUAGE_CHOICES = [
    (code, get_language_info(code)["name_local"]) for code in LANGUAGE_CODES
]

SCALE_MIN = 1
SCALE_MAX = 5

# Length caps keep free text bounded everywhere it is shown (pages, PDF, exports).
NAME_MAX = 200
COMMENT_MAX = 2000
# Question-set texts (admin and import only): a statement is one sentence or two;
# descriptions and advice a paragraph or three. The default set's longest is ~440.
STATEMENT_MAX = 1000
GUIDANCE_MAX = 4000

# Weights are relative, so any range works; a bounded one keeps every sum and product
# in scoring finite (1e308 made NaN scores that broke every page showing the scan).
WEIGHT_MAX = 100
# Far above any real version, far below every database's integer limit.
VERSION_MAX = 1_000_000


# The messages spell WEIGHT_MAX out: a lazy translation cannot be %-formatted here.
WEIGHT_RANGE_MESSAGE = _("The weight must be above 0 and at most 100.")


def validate_above_zero(value):
    # `not value > 0` also refuses NaN, which MinValueValidator lets through.
    if not value > 0:
        raise ValidationError(_("Enter a number above 0."), code="min_value")


def _weight_field(verbose_name, **options):
    return models.FloatField(
        verbose_name,
        validators=[validate_above_zero, MaxValueValidator(WEIGHT_MAX)],
        help_text=_("A number above 0, at most 100."),
        **options,
    )


def _percentage_field(verbose_name, default):
    return models.FloatField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


def localized(obj, field, language=None):
    """Return `obj.<field>_<lang>` for the active language, falling back to Dutch."""
    lang = (language or get_language() or "nl")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in LANGUAGE_CODES else ""
    return value or getattr(obj, f"{field}_nl")


class QuestionSetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=QuestionSet.Status.PUBLISHED)

    def locked(self):
        """Frozen sets: retired, or published and pinned by at least one assessment.

        The one definition of the lock; `QuestionSet.is_locked`, the admin and the
        validation of dimensions and questions all ask this.
        """
        in_use = Assessment.objects.values("question_set_id")
        return self.filter(
            Q(status=QuestionSet.Status.RETIRED)
            | Q(status=QuestionSet.Status.PUBLISHED, pk__in=in_use)
        )

    def editable(self):
        return self.exclude(pk__in=QuestionSet.objects.locked().values("pk"))

    def newest_published(self, slug="partnerscan"):
        return self.published().filter(slug=slug).order_by("-version").first()


class QuestionSet(models.Model):
    """A versioned instrument: the dimensions, questions, weights and thresholds.

    Lifecycle draft -> published -> retired. A set that an assessment uses is frozen
    (`is_locked`): changing it means cloning a new draft version, so historic results
    never change.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    name = models.CharField(_("name"), max_length=NAME_MAX)
    slug = models.SlugField(_("slug"), max_length=100)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(VERSION_MAX)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    description_nl = models.TextField(
        _("description (Dutch)"), blank=True, max_length=GUIDANCE_MAX
    )
    description_en = models.TextField(
        _("description (English)"), blank=True, max_length=GUIDANCE_MAX
    )
    min_coverage = models.FloatField(
        _("minimum coverage"),
        default=2 / 3,
        validators=[validate_above_zero, MaxValueValidator(1)],
        help_text=_(
            "Share of a dimension's question weight a respondent must answer for a "
            "score (above 0, at most 1)."
        ),
    )
    condition_weight = models.FloatField(
        _("weight of the basic conditions block"),
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(WEIGHT_MAX)],
    )
    link_weight = models.FloatField(
        _("weight of the zipper links block"),
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(WEIGHT_MAX)],
    )
    green_threshold = _percentage_field(_("green from"), 75)
    amber_threshold = _percentage_field(_("amber from"), 50)
    gap_attention = _percentage_field(_("gap needs attention from"), 25)
    gap_significant = _percentage_field(_("gap is significant from"), 40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # As Dimension.texts_changed_at, for the set's description.
    texts_changed_at = models.JSONField(
        _("texts changed at"), default=dict, blank=True, editable=False
    )

    objects = QuestionSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "version"],
                name="assessments_questionset_version_unique",
            ),
            # One version per slug is the one new scans use (questionset_publish).
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(status="published"),
                name="assessments_questionset_one_published",
                violation_error_message=_(
                    "Another version of this question set is already published."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_coverage__gt=0) & Q(min_coverage__lte=1),
                name="assessments_questionset_coverage_range",
                violation_error_message=_(
                    "The minimum coverage must be above 0 and at most 1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amber_threshold__gte=0)
                & Q(amber_threshold__lt=models.F("green_threshold"))
                & Q(green_threshold__lte=100),
                name="assessments_questionset_band_order",
                violation_error_message=_(
                    "Amber must start below green, both between 0 and 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(gap_attention__gt=0)
                & Q(gap_attention__lte=models.F("gap_significant"))
                & Q(gap_significant__lte=100),
                name="assessments_questionset_gap_order",
                violation_error_message=_(
                    "The attention gap must be above 0 and at most the significant "
                    "gap, which is at most 100."
                ),
            ),
            models.CheckConstraint(
                condition=Q(condition_weight__gte=0)
                & Q(condition_weight__lte=WEIGHT_MAX)
                & Q(link_weight__gte=0)
                & Q(link_weight__lte=WEIGHT_MAX)
                & (Q(condition_weight__gt=0) | Q(link_weight__gt=0)),
                name="assessments_questionset_block_weights",
                violation_error_message=_(
                    "The block weights must be between 0 and 100, not both 0."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version} ({self.get_status_display()})"

    @property
    def description(self):
        return localized(self, "description")

    @property
    def label(self):
        """ "Partnerscan version 3": how pages offer and name one version."""
        return _("%(name)s version %(version)s") % {
            "name": self.name,
            "version": self.version,
        }

    @property
    def is_in_use(self):
        return self.assessments.exists()

    @property
    def is_locked(self):
        """Frozen as stored: see `QuestionSetQuerySet.locked`."""
        return (
            self.pk is not None
            and QuestionSet.objects.locked().filter(pk=self.pk).exists()
        )


LOCKED_MESSAGE = _(
    "This question set is in use and can no longer change: results already "
    "given must stay as they are. Make a new draft version instead."
)


def _refuse_locked(question_set_ids):
    """ValidationError when any of these sets is locked (Nones are ignored)."""
    ids = {pk for pk in question_set_ids if pk is not None}
    if ids and QuestionSet.objects.locked().filter(pk__in=ids).exists():
        raise ValidationError(LOCKED_MESSAGE, code="locked")


class Dimension(models.Model):
    """One of the 5 basisvoorwaarden or 9 ritsschakels of a question set."""

    class Kind(models.TextChoices):
        CONDITION = "condition", _("basic condition")
        LINK = "link", _("zipper link")

    question_set = models.ForeignKey(
        QuestionSet,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("question set"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(
        _("code"),
        max_length=10,
        help_text=_("Stable across versions (BV1-BV5, RS1-RS9) so trends can compare."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    weight = _weight_field(_("weight"), default=1)
    name_nl = models.CharField(_("name (Dutch)"), max_length=NAME_MAX)
    name_en = models.CharField(_("name (English)"), max_length=NAME_MAX)
    description_nl = models.TextField(_("description (Dutch)"), max_length=GUIDANCE_MAX)
    description_en = models.TextField(
        _("description (English)"), max_length=GUIDANCE_MAX
    )
    advice_red_nl = models.TextField(_("advice red (Dutch)"), max_length=GUIDANCE_MAX)
    advice_red_en = models.TextField(_("advice red (English)"), max_length=GUIDANCE_MAX)
    advice_amber_nl = models.TextField(
        _("advice amber (Dutch)"), max_length=GUIDANCE_MAX
    )
    advice_amber_en = models.TextField(
        _("advice amber (English)"), max_length=GUIDANCE_MAX
    )
    advice_green_nl = models.TextField(
        _("advice green (Dutch)"), max_length=GUIDANCE_MAX
    )
    advice_green_en = models.TextField(
        _("advice green (English)"), max_length=GUIDANCE_MAX
    )
    # "Begin klein": how to build a first small success on this dimension when it is
    # a strength. Blank in sets made before quick wins had their own text; the report
    # then leaves the dimension out of the quick wins rather than re-use its advice.
    quick_win_nl = models.TextField(
        _("quick win (Dutch)"), blank=True, max_length=GUIDANCE_MAX
    )
    quick_win_en = models.TextField(
        _("quick win (English)"), blank=True, max_length=GUIDANCE_MAX
    )
    # When each text was last changed in the editor, {"text_nl": ISO time, ...}: a
    # Dutch text changed after its English one marks the English as out of date
    # ("Engels ouder dan Nederlands"). Empty for imported texts: nothing is stale.
    texts_changed_at = models.JSONField(
        _("texts changed at"), default=dict, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["question_set", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["question_set", "code"], name="assessments_dimension_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=WEIGHT_MAX),
                name="assessments_dimension_weight_range",
                violation_error_message=WEIGHT_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["condition", "link"]),
                name="assessments_dimension_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        """A dimension of a locked set neither changes nor joins nor leaves it."""
        super().clean()
        stored = (
            Dimension.objects.filter(pk=self.pk).values_list("question_set_id").first()
            if self.pk
            else None
        )
        _refuse_locked([self.question_set_id, stored and stored[0]])
        if stored and stored[0] != self.question_set_id:
            raise ValidationError(
                {
                    "question_set": _(
                        "A dimension stays in its question set; copy the set instead."
                    )
                },
                code="moved",
            )

    @property
    def name(self):
        return localized(self, "name")

    @property
    def description(self):
        return localized(self, "description")

    def advice(self, band, language=None):
        """Advice text for a band ("red", "amber" or "green")."""
        return localized(self, f"advice_{band}", language)

    def quick_win(self, language=None):
        """The "begin klein" text; blank for sets made before it existed."""
        return localized(self, "quick_win", language)


class Question(models.Model):
    """A statement answered on a 1-5 agreement scale, or "weet niet / n.v.t."."""

    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("dimension"),
    )
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_nl = models.TextField(_("statement (Dutch)"), max_length=STATEMENT_MAX)
    text_en = models.TextField(_("statement (English)"), max_length=STATEMENT_MAX)
    weight = _weight_field(_("weight"), default=1)
    reverse = models.BooleanField(
        _("reverse scored"),
        default=False,
        help_text=_("Agreeing is a bad sign: 5 scores 0 and 1 scores 100."),
    )
    # As Dimension.texts_changed_at.
    texts_changed_at = models.JSONField(
        _("texts changed at"), default=dict, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["dimension", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "code"], name="assessments_question_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=WEIGHT_MAX),
                name="assessments_question_weight_range",
                violation_error_message=WEIGHT_RANGE_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"

    def clean(self):
        """Locked sets stay as they are; a code is unique in its whole set.

        Exports, imports and clones find a statement by its code alone, so a second
        one in another dimension of the set breaks them.
        """
        super().clean()
        try:
            question_set_id = self.dimension.question_set_id
        except Dimension.DoesNotExist:  # no dimension chosen: the field says so
            return
        stored = (
            Question.objects.filter(pk=self.pk)
            .values_list("dimension__question_set_id")
            .first()
            if self.pk
            else None
        )
        _refuse_locked([question_set_id, stored and stored[0]])
        if (
            question_set_id is not None
            and Question.objects.filter(
                dimension__question_set_id=question_set_id, code=self.code
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {
                    "code": _(
                        "Another statement of this question set already has the "
                        "code %(code)s."
                    )
                    % {"code": self.code}
                },
                code="duplicate_code",
            )

    @property
    def text(self):
        return localized(self, "text")


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


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def has_started(*, answered: int, submitted: bool) -> bool:
    """The one rule for "started": at least one statement answered ("don't know"
    counts), or submitted. Opening the link is not starting.

    `RespondentQuerySet.started` is the same rule as a query; results, progress and
    the consultant's pages all count with one or the other.
    """
    return submitted or answered > 0


# Who an invitation or a reminder e-mail can go to: a person (not a workshop group)
# with an address and a working link who has not submitted, and to whom the same
# kind of e-mail is not already on its way (queued for the worker, or being sent).
# Written once, used both to send (the querysets) and to count and mark rows (the
# annotations).
_PERSON_TO_MAIL = Q(is_group=False, submitted_at__isnull=True, token_hash__isnull=False)
_MAILABLE = _PERSON_TO_MAIL & ~Q(email="")
_REMINDERS = ["reminder", "remind_after", "remind_close"]
INVITATION_SALT = "partnerscan.invitation"


def _mail_on_its_way(kinds):
    # A function, not a constant: the subquery is built when a query needs it, not
    # while this module (and OutgoingMail, imported at its end) is still loading.
    return Exists(
        OutgoingMail.objects.filter(
            respondent=OuterRef("pk"),
            kind__in=kinds,
            status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.SENDING],
        )
    )


def _invitable():
    return _MAILABLE & Q(invited_at__isnull=True) & ~_mail_on_its_way(["invitation"])


def _remindable():
    return _MAILABLE & Q(invited_at__isnull=False) & ~_mail_on_its_way(_REMINDERS)


class RespondentQuerySet(models.QuerySet):
    def by_token(self, token):
        """The respondent an invitation token belongs to (revoked tokens match none)."""
        if not token or len(token) > 200:
            return self.none()
        return self.filter(token_hash=token_hash(token))

    def individuals(self):
        """People with a personal link, not workshop groups."""
        return self.filter(is_group=False)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def waiting(self):
        """Not submitted yet: the complement of `submitted`."""
        return self.filter(submitted_at__isnull=True)

    def started(self):
        """Answered at least one statement, or submitted (see `has_started`)."""
        answered = Answer.objects.filter(respondent=OuterRef("pk"))
        return self.filter(Q(submitted_at__isnull=False) | Exists(answered))

    def invited(self):
        """People e-mailed their invitation (a reminder implies one)."""
        return self.individuals().filter(invited_at__isnull=False)

    def invitable(self):
        """Not invited yet, no invitation on its way, and one can go to them."""
        return self.filter(_invitable())

    def remindable(self):
        """Invited, not submitted, no reminder on its way, and one can go to them."""
        return self.filter(_remindable())

    def with_answer_count(self):
        """Annotate `answers_given`: questions answered so far ("weet niet" counts)."""
        return self.annotate(answers_given=Count("answers"))

    def with_states(self):
        """`answers_given`, plus `may_invite` and `may_remind` by the same rules as
        `invitable()` and `remindable()`, so rows and their counts agree."""
        return self.with_answer_count().annotate(
            may_invite=ExpressionWrapper(_invitable(), output_field=BooleanField()),
            may_remind=ExpressionWrapper(_remindable(), output_field=BooleanField()),
        )


class Respondent(models.Model):
    """A person (or, in workshop mode, an organisation's group) answering the scan.

    The invitation token is never stored. We keep a random seed (128 bits) and the
    SHA-256 of the token; the token itself is an HMAC of the seed under SECRET_KEY, so
    the consultant can copy the link again while a database dump alone reveals no
    working link. Revoking clears both.
    """

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="respondents",
        verbose_name=_("assessment"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="respondents",
        verbose_name=_("organisation"),
    )
    label = models.CharField(
        _("name or pseudonym"),
        max_length=NAME_MAX,
        help_text=_("Stable label used in exports and imports."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=LANGUAGE_CHOICES, default="nl"
    )
    is_group = models.BooleanField(
        _("workshop group"),
        default=False,
        help_text=_("Answers for the whole organisation in a joint session."),
    )
    token_seed = models.CharField(max_length=64, blank=True, editable=False)
    token_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # When the link was first opened (a workshop group: when the session began).
    # Whether someone has *started* is decided by their answers (`has_started`).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # When they agreed to the privacy notice (scans that ask for it).
    consented_at = models.DateTimeField(
        _("agreed to the privacy notice at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["assessment", "organisation__position", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "label"],
                name="assessments_respondent_label_unique",
            ),
            models.UniqueConstraint(
                fields=["assessment", "email"],
                condition=~Q(email=""),
                name="assessments_respondent_email_unique",
            ),
            models.UniqueConstraint(
                fields=["assessment", "organisation"],
                condition=Q(is_group=True),
                name="assessments_respondent_one_group_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.organisation})"

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @property
    def may_be_removed(self):
        """Only someone who has not started (`has_started`) may be removed: their
        answers would go with them, so a started respondent's link is revoked
        instead. Uses the `answers_given` annotation of the respondent rows when
        present (no query), else asks the database."""
        answered = getattr(self, "answers_given", None)
        if answered is None:
            answered = int(self.answers.exists())
        return not has_started(answered=answered, submitted=self.is_submitted)

    @property
    def has_valid_token(self):
        return bool(self.token_hash)

    def issue_token(self):
        """Give the respondent a fresh invitation token (the old link stops working).

        Returns the token; the caller saves the respondent.
        """
        self.token_seed, token, self.token_hash = token_issue(INVITATION_SALT)
        return token

    def revoke_token(self):
        self.token_seed = ""
        self.token_hash = None

    @property
    def token(self):
        """The current invitation token, or None when revoked."""
        return token_recover(INVITATION_SALT, self.token_seed, self.token_hash)

    def invitation_path(self):
        token = self.token
        if token is None:
            return None
        return reverse("assessments:invitation", kwargs={"token": token})

    def invitation_url(self):
        path = self.invitation_path()
        return f"{settings.SITE_URL}{path}" if path else None


class Answer(models.Model):
    """One respondent's answer to one question; value None means "weet niet"."""

    respondent = models.ForeignKey(
        Respondent,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("respondent"),
        # Served by assessments_answer_summary, which starts with it.
        db_index=False,
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
    )
    value = models.PositiveSmallIntegerField(
        _("value"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)],
        help_text=_("1-5; empty means don't know / not applicable."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            # Covers the aggregates that tell whether a scan changed (the one
            # fingerprint, results.fingerprint) without reading the table: they run on
            # every results view and PDF download, cached or not (bench/README.md).
            models.Index(
                fields=["respondent", "question", "value", "updated_at"],
                name="assessments_answer_summary",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="assessments_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True)
                | (Q(value__gte=SCALE_MIN) & Q(value__lte=SCALE_MAX)),
                name="assessments_answer_value_range",
            ),
        ]

    def __str__(self):
        return f"{self.respondent} {self.question.code}={self.value}"


class DimensionComment(models.Model):
    """A respondent's optional comment on one dimension."""

    respondent = models.ForeignKey(
        Respondent,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("respondent"),
    )
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("dimension"),
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "dimension"], name="assessments_comment_unique"
            ),
        ]

    def __str__(self):
        return f"{self.respondent} {self.dimension.code}"


# Agreed actions, background work (what the worker prepares and sends) and live
# sessions keep their models beside the code that uses them; importing them here
# makes them models of this app.
from .actions.models import Action, ActionListing, ActionStatusChange  # noqa: E402, F401
from .audit.models import AuditEvent  # noqa: E402, F401
from .background.models import OutgoingMail, PreparedFile  # noqa: E402, F401
from .branding.models import BrandingProfile, ConsultantWord  # noqa: E402, F401
from .live.models import (  # noqa: E402, F401
    AgreementNote,
    LiveAnswer,
    LiveHandIn,
    LiveParticipant,
    LiveSession,
    LiveStep,
)
from .sharing.models import SharedLink  # noqa: E402, F401
from .two_factor.models import RecoveryCode, RecoveryCodeDevice  # noqa: E402, F401
