"""Respondents (a person or a workshop group of one organisation in one scan),
their answers and their comments per dimension."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..background.models import OutgoingMail
from ..tokens import token_hash, token_issue, token_recover
from .common import (
    COMMENT_MAX,
    LANGUAGE_CHOICES,
    NAME_MAX,
    SCALE_MAX,
    SCALE_MIN,
)
from .partnerships import Assessment, Organisation
from .questionsets import Dimension, Question


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
    # while the models are still loading.
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
