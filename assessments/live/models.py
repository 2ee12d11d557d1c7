"""A live session's state, its participants and the answers of each round.

Imported by `assessments.models`, so these are ordinary models of the app. The
session's state lives here on the server (status, current step, round, reveal);
`state_version` moves with every change the phones show, `progress_version` with
every join and hand-in that the projector counts. Polls compare versions only
(assessments/live/polling.py).

Answers given on a phone are ordinary `Answer` rows of the participant's
respondent (the last round counts in the results); `LiveAnswer` keeps each round,
so the results can show a gap before and after the discussion.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..tokens import token_issue, token_recover

# Six characters without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B): 23**6 is
# about 148 million codes, and guessing is throttled per client.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
JOIN_CODE_LENGTH = 6
AGREEMENT_MAX = 2000
ROUNDS = (1, 2)
PROJECTOR_SALT = "partnerscan.projector"


class LiveSession(models.Model):
    """A facilitated session in which participants answer on their own phones."""

    class Status(models.TextChoices):
        LOBBY = "lobby", _("waiting to start")
        RUNNING = "running", _("running")
        ENDED = "ended", _("ended")

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="live_sessions",
        verbose_name=_("assessment"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LOBBY
    )
    paused = models.BooleanField(_("paused"), default=False)
    # Index into the session's steps (LiveStep.position) of the step on screen.
    position = models.PositiveSmallIntegerField(_("current step"), default=0)
    auto_reveal = models.BooleanField(
        _("reveal automatically when everyone has handed in"), default=False
    )
    ask_names = models.BooleanField(
        _("ask participants for a name or pseudonym"), default=False
    )
    # Valid only while the session has not ended (cleared on ending). NULL, not "",
    # so that the unique constraints leave ended sessions out.
    join_code = models.CharField(  # noqa: DJ001
        _("join code"), max_length=JOIN_CODE_LENGTH, null=True, blank=True
    )
    # The projector's link, kept like an invitation token: a seed and a hash.
    projector_seed = models.CharField(max_length=64, blank=True, editable=False)
    projector_hash = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    state_version = models.PositiveIntegerField(default=1, editable=False)
    progress_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=~Q(status="ended"),
                name="assessments_livesession_one_running",
            ),
            models.UniqueConstraint(
                fields=["join_code"],
                condition=Q(join_code__isnull=False),
                name="assessments_livesession_join_code_unique",
            ),
            models.UniqueConstraint(
                fields=["projector_hash"],
                condition=Q(projector_hash__isnull=False),
                name="assessments_livesession_projector_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["lobby", "running", "ended"]),
                name="assessments_livesession_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended")
                | (Q(join_code__isnull=True) & Q(projector_hash__isnull=True)),
                name="assessments_livesession_ended_has_no_keys",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} live #{self.pk}"

    @property
    def is_over(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def version(self) -> str:
        """What a projector or facilitator poll compares: state and progress."""
        return f"{self.state_version}.{self.progress_version}"

    def issue_projector_token(self) -> str:
        """A fresh projector link (the old one stops working); the caller saves."""
        self.projector_seed, token, self.projector_hash = token_issue(PROJECTOR_SALT)
        return token

    def revoke_projector_token(self) -> None:
        self.projector_seed = ""
        self.projector_hash = None

    @property
    def projector_token(self) -> str | None:
        """The current projector token, or None when revoked (or SECRET_KEY moved)."""
        return token_recover(PROJECTOR_SALT, self.projector_seed, self.projector_hash)


class LiveStep(models.Model):
    """One dimension the session runs, in order, with its round and reveal."""

    session = models.ForeignKey(
        LiveSession,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("live session"),
    )
    dimension = models.ForeignKey(
        "assessments.Dimension",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dimension"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    revealed = models.BooleanField(_("revealed"), default=False)

    class Meta:
        verbose_name = _("live step")
        verbose_name_plural = _("live steps")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"],
                name="assessments_livestep_position_unique",
            ),
            models.UniqueConstraint(
                fields=["session", "dimension"],
                name="assessments_livestep_dimension_unique",
            ),
            models.CheckConstraint(
                condition=Q(round__gte=1) & Q(round__lte=2),
                name="assessments_livestep_round_range",
            ),
        ]

    def __str__(self):
        return f"{self.session} step {self.position + 1}"


class LiveParticipant(models.Model):
    """A phone that joined: a respondent of the scan for one organisation."""

    session = models.ForeignKey(
        LiveSession,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("live session"),
    )
    respondent = models.OneToOneField(
        "assessments.Respondent",
        on_delete=models.CASCADE,
        related_name="live_participant",
        verbose_name=_("respondent"),
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("live participant")
        verbose_name_plural = _("live participants")

    def __str__(self):
        return str(self.respondent)


class LiveAnswer(models.Model):
    """One participant's answer in one round; value None means "weet niet"."""

    participant = models.ForeignKey(
        LiveParticipant,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("live participant"),
    )
    question = models.ForeignKey(
        "assessments.Question",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("question"),
    )
    round = models.PositiveSmallIntegerField(_("round"))
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("live answer")
        verbose_name_plural = _("live answers")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "question", "round"],
                name="assessments_liveanswer_unique",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=1) & Q(value__lte=5)),
                name="assessments_liveanswer_value_range",
            ),
            models.CheckConstraint(
                condition=Q(round__gte=1) & Q(round__lte=2),
                name="assessments_liveanswer_round_range",
            ),
        ]

    def __str__(self):
        return f"{self.participant} r{self.round} {self.question_id}={self.value}"


class LiveHandIn(models.Model):
    """A participant is done with a step's round ("klaar"); withdrawn to change."""

    participant = models.ForeignKey(
        LiveParticipant,
        on_delete=models.CASCADE,
        related_name="hand_ins",
        verbose_name=_("live participant"),
    )
    step = models.ForeignKey(
        LiveStep,
        on_delete=models.CASCADE,
        related_name="hand_ins",
        verbose_name=_("live step"),
    )
    round = models.PositiveSmallIntegerField(_("round"))
    handed_in_at = models.DateTimeField(_("handed in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hand-in")
        verbose_name_plural = _("hand-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "step", "round"],
                name="assessments_livehandin_unique",
            ),
        ]

    def __str__(self):
        return f"{self.participant} {self.step} r{self.round}"


class AgreementNote(models.Model):
    """What the partners agreed on for one dimension, noted during a reveal.

    Kept with the scan (not the session), shown on the results page and in the
    report."""

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="agreement_notes",
        verbose_name=_("assessment"),
    )
    dimension = models.ForeignKey(
        "assessments.Dimension",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dimension"),
    )
    text = models.TextField(_("agreement"), max_length=AGREEMENT_MAX)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("noted by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"],
                name="assessments_agreementnote_unique",
            ),
        ]

    def __str__(self):
        return f"{self.assessment} {self.dimension_id}"
