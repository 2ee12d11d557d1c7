"""Admin for the records of a scan: assessments with their respondents, answers
and comments (a view on everything for staff)."""

from django.contrib import admin

from ..models import (
    Action,
    ActionStatusChange,
    Answer,
    Assessment,
    DimensionComment,
    QuestionSet,
    Respondent,
)


class RespondentInline(admin.TabularInline):
    model = Respondent
    fields = ["label", "organisation", "email", "language", "is_group", "submitted_at"]
    readonly_fields = ["submitted_at"]
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partnership", "question_set", "status", "created_at"]
    list_filter = ["status", "question_set"]
    search_fields = ["title", "partnership__name"]
    list_select_related = ["partnership", "question_set"]
    inlines = [RespondentInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "question_set":
            kwargs["queryset"] = QuestionSet.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["respondent", "question", "value", "updated_at"]
    list_select_related = ["respondent__organisation", "question"]
    search_fields = ["respondent__label", "question__code"]


@admin.register(DimensionComment)
class DimensionCommentAdmin(admin.ModelAdmin):
    list_display = ["respondent", "dimension", "updated_at"]
    list_select_related = ["respondent__organisation", "dimension"]


class ActionStatusChangeInline(admin.TabularInline):
    model = ActionStatusChange
    fields = ["status", "note", "changed_by", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    """Agreed actions, to look at: consultants change them in the app, where the
    forms keep the owners, dimensions and dates consistent."""

    list_display = ["title", "assessment", "dimension", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["assessment__partnership", "dimension"]
    search_fields = ["title", "assessment__partnership__name"]
    inlines = [ActionStatusChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
