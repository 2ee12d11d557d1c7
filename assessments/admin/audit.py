"""The whole audit trail for staff, read-only: the events (`AuditEvent`) here, the
recorded model changes in django-auditlog's own admin ("Log entries"). Nobody edits or
deletes an entry by hand; the schedule prunes old ones (assessments/audit/)."""

from django.contrib import admin

from ..models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "timestamp",
        "actor",
        "event",
        "object_type",
        "object_id",
        "partnership_id",
        "assessment_id",
        "remote_addr",
    ]
    list_filter = ["event", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["actor__username"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
