"""Admin for people: partnerships with their organisations and collaborators,
organisations, respondents, and the user accounts (consultants)."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _, ngettext

from ..accounts import password_link_send
from ..models import (
    Collaboration,
    Organisation,
    Partnership,
    RecoveryCodeDevice,
    Respondent,
)
from ..two_factor import devices as two_factor_devices


class OrganisationInline(admin.TabularInline):
    model = Organisation
    extra = 0


class CollaborationInline(admin.TabularInline):
    model = Collaboration
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created_at", "archived_at"]
    list_filter = ["archived_at"]
    search_fields = ["name", "organisations__name", "owner__username"]
    list_select_related = ["owner"]
    inlines = [OrganisationInline, CollaborationInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership"]
    search_fields = ["name", "partnership__name"]
    list_select_related = ["partnership"]


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["label", "organisation", "assessment", "language", "submitted_at"]
    list_filter = ["language", "is_group"]
    search_fields = ["label", "email", "organisation__name"]
    list_select_related = ["organisation", "assessment__partnership"]
    readonly_fields = ["started_at", "submitted_at", "invited_at", "reminded_at"]


class ConsultantCreationForm(AdminUserCreationForm):
    """New accounts are consultants: ordinary users with an e-mail address."""

    class Meta(AdminUserCreationForm.Meta):
        fields = ["username", "email", "first_name", "last_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class ConsultantUserAdmin(UserAdmin):
    """Adding a user here creates a consultant; tick "staff" only for admins."""

    add_form = ConsultantCreationForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
                "description": _(
                    "Creates a consultant who logs in to the workspace (not staff). "
                    "Without a password, use the action “E-mail a link to choose a "
                    "password” afterwards."
                ),
            },
        )
    ]
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "last_login",
    ]
    actions = ["send_password_link", "reset_two_factor"]

    @admin.action(description=_("E-mail a link to choose a password"))
    def send_password_link(self, request, queryset):
        users = [user for user in queryset if user.email and user.is_active]
        for user in users:
            password_link_send(user=user, request=request)
        self.message_user(
            request,
            ngettext("Sent %d e-mail.", "Sent %d e-mails.", len(users)) % len(users),
        )

    @admin.action(description=_("Reset two-step verification"))
    def reset_two_factor(self, request, queryset):
        """For a user who lost both phone and recovery codes. Asks first, as
        Django's "delete selected" does."""
        affected = [user for user in queryset if two_factor_devices.is_enrolled(user)]
        if not affected:
            self.message_user(
                request,
                _("None of them uses two-step verification."),
                messages.WARNING,
            )
            return None
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Reset two-step verification?"),
                "consequences": [
                    _(
                        "Their authenticator app and recovery codes stop working, "
                        "and no browser is remembered any more. They log in with "
                        "their password and, when their account needs it, set up "
                        "two-step verification again. Make sure it is really them "
                        "who asked."
                    )
                ],
                "affected": affected,
                "queryset": queryset,
                "action": request.POST.get("action", ""),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "button": _("Reset two-step verification"),
            }
            return TemplateResponse(
                request, "admin/auth/user/reset_two_factor.html", context
            )
        for user in affected:
            two_factor_devices.two_factor_disable(request=request, user=user)
        self.message_user(
            request,
            ngettext(
                "Reset two-step verification of %d user.",
                "Reset two-step verification of %d users.",
                len(affected),
            )
            % len(affected),
        )
        return None


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ConsultantUserAdmin)


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    """A user's recovery codes, as a count: the codes themselves are stored hashed.
    Deleting them here, with the user's TOTP device, resets their two-step
    verification (docs/consultant-guide.md)."""

    list_display = ["user", "created_at", "last_used_at", "codes_left"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "created_at", "last_used_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(codes_left=Count("codes"))

    @admin.display(description=_("codes left"), ordering="codes_left")
    def codes_left(self, device):
        return device.codes_left

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
