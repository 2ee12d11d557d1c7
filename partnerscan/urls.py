from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from assessments.views import pages

urlpatterns = [
    path("", pages.home, name="home"),
    # Participants switch language before (and without) logging in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
]
