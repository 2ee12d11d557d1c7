"""Admin for background work: the files the worker prepared and the mail it sent or
could not send, read-only, so an operator sees what failed and why. The task queue
itself is django-tasks-db's own admin ("Database task results")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..background.mail import mail_reason
from ..models import OutgoingMail, PreparedFile


class ReadOnlyAdmin(admin.ModelAdmin):
    """The worker writes these rows; people read them (and retry from the app)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PreparedFile)
class PreparedFileAdmin(ReadOnlyAdmin):
    list_display = [
        "assessment",
        "kind",
        "language",
        "status",
        "attempts",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["assessment__partnership"]
    search_fields = ["assessment__title", "assessment__partnership__name"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "to",
        "respondent",
        "status",
        "reason",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["respondent"]
    # The text of a queued password-reset mail holds a working reset link: the list
    # and the detail page never show it.
    exclude = ["subject", "body", "last_error"]
    readonly_fields = ["reason"]
    search_fields = ["to", "respondent__label"]

    @admin.display(description=_("reason"))
    def reason(self, mail):
        return mail_reason(mail)
