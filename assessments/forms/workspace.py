"""Forms of the consultant's workspace: they validate and normalise, nothing more."""

from operator import attrgetter

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _, ngettext_lazy

from ..models import (
    NAME_MAX,
    Action,
    Assessment,
    Collaboration,
    Organisation,
    Partnership,
    QuestionSet,
    default_retention_months,
)
from ..workspace import OrganisationRow
from .fields import NameField

MIN_ORGANISATIONS = 2
MAX_ORGANISATIONS = 12


class DashboardFilterForm(forms.Form):
    SORT_CHOICES = [
        ("name", _("name")),
        ("activity", _("latest activity")),
    ]
    SHOW_CHOICES = [
        ("active", _("active")),
        ("archived", _("archived")),
        ("all", _("all")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=NAME_MAX)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)

    def values(self):
        """Cleaned values, falling back to defaults for anything invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "sort": data.get("sort") or "activity",
            "show": data.get("show") or "active",
        }


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "description"]
        field_classes = {"name": NameField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class _OrganisationFormSetBase(forms.BaseInlineFormSet):
    """Two or more organisations, distinct names, none removed that has answers."""

    # On the formset class: the factory's `error_messages` go to the forms' Meta,
    # so the count messages would fall back to Django's generic wording.
    default_error_messages = {
        "too_few_forms": ngettext_lazy(
            "A partnership needs at least %(num)d organisation.",
            "A partnership needs at least %(num)d organisations.",
            "num",
        ),
        "too_many_forms": ngettext_lazy(
            "A partnership can have at most %(num)d organisation.",
            "A partnership can have at most %(num)d organisations.",
            "num",
        ),
    }

    def clean(self):
        self._check_ids()
        # Our own checks first: they say more than Django's generic duplicate error.
        if any(self.errors):
            return
        self._check_names()
        super().clean()

    def _check_ids(self):
        """The listed organisations are exactly this partnership's, each once.

        Anything else is a tampered form or a page older than the last change: saving
        it would drop organisations that were never shown (or fail on their
        respondents), so nothing is saved.
        """
        listed = [form.instance.pk for form in self.initial_forms]
        existing = {organisation.pk for organisation in self.get_queryset()}
        if None in listed or len(set(listed)) != len(listed) or set(listed) != existing:
            raise ValidationError(
                _(
                    "The organisations on this page no longer match the partnership. "
                    "Reload the page and make your changes again."
                ),
                code="unknown_organisation",
            )

    @property
    def is_stale(self):
        """True when the post names organisations this partnership does not have."""
        return any(
            error.code == "unknown_organisation"
            for error in self.non_form_errors().as_data()
        )

    def _check_names(self):
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            name = form.cleaned_data.get("name", "")
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk and form.instance.respondents.exists():
                    raise ValidationError(
                        _(
                            "%(name)s has respondents in a scan and cannot be "
                            "removed. Rename it instead."
                        )
                        % {"name": form.instance.name},
                        code="in_use",
                    )
                continue
            if name.casefold() in seen:
                raise ValidationError(
                    _("%(name)s is listed twice. Give each organisation its own name.")
                    % {"name": name},
                    code="duplicate",
                )
            seen.add(name.casefold())

    def rows(self):
        """The organisations to keep, in order, as `OrganisationRow`s."""
        return [
            OrganisationRow(name=form.cleaned_data["name"], pk=form.instance.pk)
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]


OrganisationFormSet = forms.inlineformset_factory(
    Partnership,
    Organisation,
    formset=_OrganisationFormSetBase,
    fields=["name"],
    field_classes={"name": NameField},
    extra=2,
    min_num=MIN_ORGANISATIONS,
    validate_min=True,
    max_num=MAX_ORGANISATIONS,
    validate_max=True,
    can_delete=True,
)


class CollaboratorForm(forms.Form):
    user = forms.CharField(
        label=_("Consultant"),
        max_length=254,
        help_text=_("Their username or e-mail address."),
    )
    can_edit = forms.TypedChoiceField(
        label=_("Rights"),
        choices=[("0", _("read only")), ("1", _("may edit"))],
        coerce=lambda value: value == "1",
        initial="0",
    )

    def __init__(self, *args, partnership, **kwargs):
        self.partnership = partnership
        super().__init__(*args, **kwargs)

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        user = (
            get_user_model()
            .objects.filter(Q(username__iexact=value) | Q(email__iexact=value))
            .filter(is_active=True)
            .first()
        )
        if user is None:
            raise ValidationError(
                _("No consultant has that username or e-mail address."),
                code="unknown",
            )
        if user.pk == self.partnership.owner_id:
            raise ValidationError(
                _("That is the owner of this partnership."), code="owner"
            )
        if Collaboration.objects.filter(
            partnership=self.partnership, user=user
        ).exists():
            raise ValidationError(
                _("%(user)s already collaborates on this partnership.")
                % {"user": user.get_username()},
                code="duplicate",
            )
        return user


class CollaboratorRightsForm(forms.Form):
    can_edit = forms.BooleanField(label=_("May edit"), required=False)


class AssessmentSettingsForm(forms.ModelForm):
    """The settings a consultant may change while the scan runs."""

    closes_on = forms.DateField(
        label=_("Closing date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. Links stop working after this day."),
    )

    class Meta:
        model = Assessment
        fields = [
            "title",
            "allow_comments",
            "privacy_minimum",
            "closes_on",
            "remind_after_days",
            "remind_before_close_days",
            "close_automatically",
            "notify_organisation_complete",
            "retention_months",
            "require_consent",
        ]
        field_classes = {"title": NameField}
        help_texts = {
            "title": _("For example: baseline 2026, or follow-up after one year."),
            "allow_comments": _(
                "Show respondents' comments, without names, in the results."
            ),
            "remind_after_days": _(
                "Optional. This many days after their invitation e-mail, everyone "
                "who has not sent their answers gets one reminder, in their own "
                "language. Empty: no automatic reminder."
            ),
            "remind_before_close_days": _(
                "Optional, needs a closing date. This many days before it, everyone "
                "who has not sent their answers gets one reminder. Empty: none."
            ),
            "close_automatically": _(
                "The day after the closing date the scan closes by itself and you "
                "get an e-mail that the report is ready. Only with a closing date."
            ),
            "notify_organisation_complete": _(
                "One e-mail to the owner per organisation, once all its "
                "respondents have sent their answers."
            ),
            "retention_months": _(
                "Counted from the day the scan closes; the participants' welcome "
                "page says it. Then names, e-mail addresses and comments are "
                "anonymised, and the owner hears a month before. Scores and the "
                "report remain."
            ),
            "require_consent": _(
                "Participants tick that they have read the privacy notice before "
                "their first step; the time is stored with their answers."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remind_before_close_days") and not cleaned.get("closes_on"):
            self.add_error(
                "remind_before_close_days",
                ValidationError(
                    _("A reminder before the closing date needs a closing date."),
                    code="no_closing_date",
                ),
            )
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "retention_months" in self.fields:
            # Empty means the default period (the setting).
            self.fields["retention_months"].required = False

    def clean_retention_months(self):
        value = self.cleaned_data["retention_months"]
        return default_retention_months() if value is None else value

    def save(self, commit=True):
        # A changed retention period gets its own warning a month before it ends.
        if "retention_months" in self.changed_data:
            self.instance.retention_warned_at = None
        return super().save(commit)

    def clean_closes_on(self):
        value = self.cleaned_data["closes_on"]
        # A date that has passed may stay when other settings change; a new one
        # may not lie in the past.
        unchanged = self.instance.pk and value == self.instance.closes_on
        if value is not None and value < timezone.localdate() and not unchanged:
            raise ValidationError(
                _("The closing date lies in the past. Choose today or a later date."),
                code="past",
            )
        return value


class FollowUpForm(AssessmentSettingsForm):
    """A follow-up scan's own title and closing date; the rest comes from the scan
    it follows (settings, respondents). Also the confirmation: the page says what
    starting it does, and an empty post creates nothing."""

    class Meta(AssessmentSettingsForm.Meta):
        fields = ["title", "closes_on"]
        help_texts = {
            "title": _("How the follow-up is listed in the partnership and reports.")
        }

    actions = forms.ModelMultipleChoiceField(
        label=_("Open actions to carry into the follow-up"),
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They stay the same actions, now listed under both scans: a status "
            "changed in one is changed in the other."
        ),
    )

    def __init__(self, *args, previous, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].initial = follow_up_title(previous)
        self.pending_actions = pending = list(
            Action.objects.listed_under(previous)
            .pending()
            .select_related("dimension")
            .order_by("due_on", "pk")
        )
        if pending:
            field = self.fields["actions"]
            field.queryset = Action.objects.filter(pk__in=[a.pk for a in pending])
            field.label_from_instance = _carried_label
            field.initial = pending
        else:
            del self.fields["actions"]


def _carried_label(action):
    due = date_format(action.due_on, "j M Y")
    where = f"{action.dimension.code} · " if action.dimension else ""
    return f"{where}{action.title} ({action.get_status_display()}, {due})"


def follow_up_title(previous):
    """ "Alfa & Beta — follow-up June 2026": a name that says what and when."""
    month = date_format(timezone.localdate(), "YEAR_MONTH_FORMAT")
    title = _("%(partnership)s — follow-up %(month)s") % {
        "partnership": previous.partnership.name,
        "month": month,
    }
    return title[:NAME_MAX]


class AssessmentForm(AssessmentSettingsForm):
    """A new scan: the settings plus the question set it is pinned to."""

    question_set = forms.ModelChoiceField(
        label=_("Question set"),
        queryset=QuestionSet.objects.published().order_by("name", "slug"),
        empty_label=None,
        help_text=_(
            "The current version of each question set; older versions are retired."
        ),
    )

    class Meta(AssessmentSettingsForm.Meta):
        fields = ["title", "question_set", *AssessmentSettingsForm.Meta.fields[1:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = QuestionSet.objects.newest_published()
        if default is not None:
            self.fields["question_set"].initial = default.pk
        self.fields["question_set"].label_from_instance = attrgetter("label")
