"""What the partners agreed to do, who does it by when, and how far it got.

Imported by `assessments.models`, so these are ordinary models of the app. An
action is agreed in one scan (`Action.assessment`) and listed under every scan of
the partnership that carries it (`ActionListing`): a follow-up scan lists the open
actions of the scan it follows, and they stay one row, so closing one closes it
everywhere. Its status is the action's own; `ActionStatusChange` keeps each change
with its note.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
PERSON_MAX = 200
NOTE_MAX = 500


class ActionQuerySet(models.QuerySet):
    def listed_under(self, assessment: models.Model) -> ActionQuerySet:
        """The actions a scan lists: agreed in it, or carried into it."""
        return self.filter(listings__assessment=assessment)

    def for_user(self, user: models.Model) -> ActionQuerySet:
        """Actions of the active partnerships the user owns or shares."""
        from ..models import Partnership

        visible = Partnership.objects.for_user(user).active()
        return self.filter(assessment__partnership__in=visible)

    def pending(self) -> ActionQuerySet:
        """Open or under way: not done, not dropped."""
        return self.filter(status__in=Action.PENDING)

    def overdue(self, today: date) -> ActionQuerySet:
        return self.pending().filter(due_on__lt=today)

    def due_by(self, day: date) -> ActionQuerySet:
        """Pending and due on `day` or before (overdue ones included)."""
        return self.pending().filter(due_on__lte=day)


class Action(models.Model):
    """An action the partners agreed on, optionally about one dimension (and one of
    its statements)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UNDER_WAY = "under_way", _("under way")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    PENDING = (Status.OPEN, Status.UNDER_WAY)

    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="agreed_actions",
        verbose_name=_("agreed in scan"),
    )
    listed_under = models.ManyToManyField(
        "assessments.Assessment",
        through="ActionListing",
        related_name="actions",
        verbose_name=_("listed under"),
    )
    dimension = models.ForeignKey(
        "assessments.Dimension",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dimension"),
    )
    question = models.ForeignKey(
        "assessments.Question",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statement"),
    )
    title = models.CharField(_("action"), max_length=TITLE_MAX)
    description = models.TextField(
        _("description"), blank=True, max_length=DESCRIPTION_MAX
    )
    owners = models.ManyToManyField(
        "assessments.Organisation",
        blank=True,
        related_name="actions",
        verbose_name=_("owner organisations"),
    )
    jointly = models.BooleanField(_("all partners together"), default=False)
    person = models.CharField(
        _("person responsible"), max_length=PERSON_MAX, blank=True
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Every write touches it (owners and listings included): the results'
    # fingerprint reads it to know the action changed.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="assessments_action_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "under_way", "done", "dropped"]),
                name="assessments_action_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="assessments_action_title_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(question__isnull=True) | Q(dimension__isnull=False),
                name="assessments_action_statement_needs_dimension",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    def is_overdue(self, today: date) -> bool:
        return self.is_pending and self.due_on < today


class ActionListing(models.Model):
    """An action listed under a scan: the one it was agreed in, or a follow-up
    that carried it."""

    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("action"),
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="action_listings",
        verbose_name=_("assessment"),
    )
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action listing")
        verbose_name_plural = _("action listings")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "assessment"],
                name="assessments_actionlisting_unique",
            ),
        ]

    def __str__(self):
        return f"{self.action} @ {self.assessment_id}"


class ActionStatusChange(models.Model):
    """One step in an action's history: the status it got, when, by whom, why."""

    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("action"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Action.Status.choices)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "under_way", "done", "dropped"]),
                name="assessments_actionstatuschange_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.action} → {self.status}"
