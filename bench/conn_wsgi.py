"""WSGI app for bench_deploy: the project's stack plus one view that runs 5 queries."""

import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerscan.settings")
application = get_wsgi_application()
# This module is its own URLconf: only the view below.
settings.ROOT_URLCONF = __name__


@login_not_required
def five_queries(request):
    with connection.cursor() as cursor:
        for number in range(5):
            cursor.execute("SELECT %s", [number])
            cursor.fetchone()
    return HttpResponse("ok")


urlpatterns = [path("bench/five-queries/", five_queries)]
