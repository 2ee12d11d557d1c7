"""Admin for question sets, their dimensions and questions: editing for admins,
import, export, clone, new draft version, publish, retire.

A question set in use is frozen by permission methods (`_editable`), not by custom
views: the admin then shows it read-only and offers "new draft version" instead.
Every form also offers only editable sets and dimensions, and the models' `clean()`
refuses a change that reaches a locked set anyway (a page opened before the set was
first used, a forged post). `QuestionSetQuerySet.locked` defines the lock.
"""

from operator import attrgetter

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _, ngettext
from django.views.decorators.http import require_POST

from ..models import Dimension, Question, QuestionSet
from ..questionsets import (
    QuestionSetFormatError,
    questionset_clone,
    questionset_import,
    questionset_parse,
    questionset_publish,
    questionset_retire,
    questionset_to_json,
)


def _editable(question_set):
    return question_set is None or not question_set.is_locked


class LockedWhenInUseMixin:
    """Read-only once the question set is locked.

    `question_set_path` names the way from the edited object to its question set
    ("" for the set itself).
    """

    question_set_path = ""

    def _question_set(self, obj):
        return (
            attrgetter(self.question_set_path)(obj) if self.question_set_path else obj
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not _editable(self._question_set(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not _editable(self._question_set(obj)):
            return False
        return super().has_delete_permission(request, obj)


class LockedInlineMixin(LockedWhenInUseMixin):
    """For inlines, whose permission methods get the parent object."""

    def has_add_permission(self, request, obj=None):
        if obj is not None and not _editable(self._question_set(obj)):
            return False
        return super().has_add_permission(request, obj)


class DimensionInline(LockedInlineMixin, admin.TabularInline):
    model = Dimension
    fields = ["position", "code", "kind", "name_nl", "name_en", "weight"]
    extra = 0
    show_change_link = True
    ordering = ["position", "code"]


class QuestionInline(LockedInlineMixin, admin.TabularInline):
    model = Question
    fields = ["position", "code", "text_nl", "text_en", "weight", "reverse"]
    extra = 0
    ordering = ["position", "code"]
    question_set_path = "question_set"  # the inline's obj is the parent dimension
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }


class ImportQuestionSetForm(forms.Form):
    file = forms.FileField(label=_("Question set (JSON)"))
    publish = forms.BooleanField(label=_("Publish immediately"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="size")
        try:
            return questionset_parse(upload.read())
        except QuestionSetFormatError as exc:
            raise forms.ValidationError(exc.errors, code="json") from exc


@admin.register(QuestionSet)
class QuestionSetAdmin(LockedWhenInUseMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "version", "status", "published_at", "in_use"]
    list_filter = ["status", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["slug", "-version"]
    readonly_fields = ["status", "published_at", "created_at"]
    inlines = [DimensionInline]
    actions = ["new_draft_version", "publish", "retire"]
    change_form_template = "admin/assessments/questionset/change_form.html"
    change_list_template = "admin/assessments/questionset/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "version", "status", "published_at"]}),
        (_("Description"), {"fields": ["description_nl", "description_en"]}),
        (
            _("Scoring"),
            {
                "fields": [
                    "min_coverage",
                    "condition_weight",
                    "link_weight",
                    "green_threshold",
                    "amber_threshold",
                    "gap_attention",
                    "gap_significant",
                ]
            },
        ),
    ]

    @admin.display(boolean=True, description=_("in use"))
    def in_use(self, obj):
        return obj.is_in_use

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="assessments_questionset_import",
            ),
            path(
                "<int:pk>/export/",
                self.admin_site.admin_view(self.export_view),
                name="assessments_questionset_export",
            ),
            path(
                "<int:pk>/clone/",
                self.admin_site.admin_view(require_POST(self.clone_view)),
                name="assessments_questionset_clone",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportQuestionSetForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            status = (
                QuestionSet.Status.PUBLISHED
                if form.cleaned_data["publish"]
                else QuestionSet.Status.DRAFT
            )
            try:
                question_set = questionset_import(
                    data=form.cleaned_data["file"], status=status
                )
            except QuestionSetFormatError as exc:
                for error in exc.errors:
                    form.add_error("file", error)
            else:
                self.message_user(
                    request, _("Imported %(set)s.") % {"set": question_set}
                )
                return HttpResponseRedirect(
                    reverse(
                        "admin:assessments_questionset_change", args=[question_set.pk]
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Import question set"),
        }
        return TemplateResponse(
            request, "admin/assessments/questionset/import.html", context
        )

    def export_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        question_set = get_object_or_404(QuestionSet, pk=pk)
        response = HttpResponse(
            questionset_to_json(question_set), content_type="application/json"
        )
        # slugify: a slug from before slugs were validated may hold anything.
        name = slugify(question_set.slug) or "questionset"
        filename = f"{name}-v{question_set.version}.json"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def clone_view(self, request, pk):
        if not self.has_add_permission(request):
            raise PermissionDenied
        question_set = get_object_or_404(QuestionSet, pk=pk)
        clone = self._clone(request, question_set)
        if clone is None:
            return HttpResponseRedirect(
                reverse("admin:assessments_questionset_change", args=[pk])
            )
        self.message_user(
            request, _("Created %(set)s as a new draft.") % {"set": clone}
        )
        return HttpResponseRedirect(
            reverse("admin:assessments_questionset_change", args=[clone.pk])
        )

    def _clone(self, request, question_set):
        """The new draft, or None after telling why a set cannot be copied."""
        try:
            return questionset_clone(question_set=question_set)
        except QuestionSetFormatError as exc:
            self.message_user(
                request,
                _("%(set)s cannot be copied: %(problems)s")
                % {"set": question_set, "problems": " ".join(exc.errors)},
                messages.ERROR,
            )
            return None

    @admin.action(description=_("New draft version of the selected sets"))
    def new_draft_version(self, request, queryset):
        count = sum(
            self._clone(request, question_set) is not None for question_set in queryset
        )
        self.message_user(
            request,
            ngettext("Created %d new draft.", "Created %d new drafts.", count) % count,
        )

    def _confirm_action(
        self, request, queryset, *, title, consequences, affected, button
    ):
        """An intermediate page, as Django's "delete selected" has: the action only
        runs when the page's own button posts it again with `confirmed`."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "consequences": consequences,
            "affected": affected,
            "queryset": queryset,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "button": button,
        }
        return TemplateResponse(
            request, "admin/assessments/questionset/confirm_action.html", context
        )

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        drafts = list(queryset.filter(status=QuestionSet.Status.DRAFT))
        if drafts and request.POST.get("confirmed") != "yes":
            return self._confirm_action(
                request,
                queryset,
                title=_("Publish question sets?"),
                consequences=[
                    _(
                        "Consultants can start scans with these sets at once. Once "
                        "a scan uses a set, it can no longer change; it can only be "
                        "retired."
                    )
                ],
                affected=drafts,
                button=_("Publish"),
            )
        for question_set in drafts:
            questionset_publish(question_set=question_set, by=request.user)
        if queryset.exclude(status=QuestionSet.Status.PUBLISHED).exists():
            self.message_user(
                request,
                _("Only drafts can be published; others were left alone."),
                messages.WARNING,
            )
        return None

    @admin.action(description=_("Retire the selected sets"))
    def retire(self, request, queryset):
        published = queryset.filter(status=QuestionSet.Status.PUBLISHED)
        if published.exists() and request.POST.get("confirmed") != "yes":
            return self._confirm_action(
                request,
                queryset,
                title=_("Retire question sets?"),
                consequences=[
                    _(
                        "New scans can no longer use these sets, and a retired set "
                        "cannot be published again. Scans that use them keep their "
                        "answers and results."
                    )
                ],
                affected=list(published),
                button=_("Retire"),
            )
        for question_set in published:
            questionset_retire(question_set=question_set)
        return None


@admin.register(Dimension)
class DimensionAdmin(LockedWhenInUseMixin, admin.ModelAdmin):
    list_display = ["code", "name_nl", "kind", "weight", "question_set"]
    list_filter = ["kind", "question_set"]
    search_fields = ["code", "name_nl", "name_en"]
    ordering = ["question_set", "position"]
    inlines = [QuestionInline]
    fieldsets = [
        (None, {"fields": ["question_set", "code", "kind", "position", "weight"]}),
        (
            _("Texts"),
            {"fields": ["name_nl", "name_en", "description_nl", "description_en"]},
        ),
        (
            _("Advice per band"),
            {
                "fields": [
                    "advice_red_nl",
                    "advice_red_en",
                    "advice_amber_nl",
                    "advice_amber_en",
                    "advice_green_nl",
                    "advice_green_en",
                ]
            },
        ),
        (_("Quick win"), {"fields": ["quick_win_nl", "quick_win_en"]}),
    ]

    question_set_path = "question_set"

    def get_readonly_fields(self, request, obj=None):
        # A dimension stays in its set (Dimension.clean says why).
        if obj is not None:
            return ["question_set"]
        return super().get_readonly_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # New dimensions may only go into sets that can still change.
        if db_field.name == "question_set":
            kwargs["queryset"] = QuestionSet.objects.editable()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(LockedWhenInUseMixin, admin.ModelAdmin):
    list_display = ["code", "text_nl", "weight", "reverse", "dimension"]
    list_filter = ["reverse", "dimension__question_set", "dimension__kind"]
    search_fields = ["code", "text_nl", "text_en"]
    list_select_related = ["dimension"]
    question_set_path = "dimension.question_set"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Statements may only be added to, or moved into, sets that can still change.
        if db_field.name == "dimension":
            kwargs["queryset"] = Dimension.objects.filter(
                question_set__in=QuestionSet.objects.editable()
            ).select_related("question_set")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
