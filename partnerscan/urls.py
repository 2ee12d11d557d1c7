from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from assessments.views import accounts, pages
from assessments.views.errors import bad_request, server_error

# Friendly pages for oversized or malformed requests and for transient faults.
handler400 = bad_request
handler500 = server_error

urlpatterns = [
    path("", pages.home, name="home"),
    # Participants switch language before (and without) logging in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The admin's log-in behind the same throttle as ours, ahead of the admin's own
    # route to it (same address, so `admin:login` still points here).
    path("admin/login/", accounts.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    # Throttled versions first; the rest of Django's account views follow.
    path("login/", accounts.login, name="login"),
    path(
        "password_reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
]
