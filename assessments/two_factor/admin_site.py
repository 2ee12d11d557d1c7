"""The admin site asks for the same verified login as the rest of the app.

`AdminConfig` replaces "django.contrib.admin" in INSTALLED_APPS so that
`admin.site` (and every `@admin.register`) is this site. The middleware already
sends a half logged-in user to the code page; this check is the admin's own second
lock, like django-otp's OTPAdminSite, but it follows the same settings.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class PartnerscanAdminSite(admin.AdminSite):
    def has_permission(self, request):
        from .devices import session_requires_code

        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not session_requires_code(request)


class AdminConfig(DjangoAdminConfig):
    default_site = "assessments.two_factor.admin_site.PartnerscanAdminSite"
