from django.contrib import admin
from django.urls import include, path

from assessments.views import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]
