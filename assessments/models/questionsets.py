"""Question sets, their dimensions (basisvoorwaarden and ritsschakels) and statements.

A question set is locked once a scan uses it: results already given stay as they are."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    Q,
)
from django.utils.translation import gettext_lazy as _

from .common import (
    GUIDANCE_MAX,
    NAME_MAX,
    STATEMENT_MAX,
    VERSION_MAX,
    WEIGHT_MAX,
    WEIGHT_RANGE_MESSAGE,
    _percentage_field,
    _weight_field,
    localized,
    validate_above_zero,
)


class QuestionSetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=QuestionSet.Status.PUBLISHED)

    def locked(self):
        """Frozen sets: retired, or published and pinned by at least one assessment.

        The one definition of the lock; `QuestionSet.is_locked`, the admin and the
        validation of dimensions and questions all ask this.
        """
        from .partnerships import Assessment  # a scan pins its question set

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
