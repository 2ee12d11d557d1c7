"""Run in a subprocess by tests/test_deploy.py with DJANGO_ENV=production: set up a
fresh database and collected static files, request a few pages over "HTTPS" (as a
proxy would forward them) and print what came back as JSON."""

import json
import re

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

HOST = "partnerscan.example.org"


def _describe(response):
    return {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            name: {
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
                "path": morsel["path"],
                "domain": morsel["domain"],
            }
            for name, morsel in response.cookies.items()
        },
        "body": ("" if response.streaming else response.content.decode()[:4000]),
    }


def main():
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    get_user_model().objects.create_user("probe", password="probe-password-123!")

    https = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST=HOST)
    out = {
        "home": _describe(https.get("/")),
        "not_found": _describe(https.get("/no-such-page/")),
        "admin_login": _describe(https.get("/admin/login/")),
        "login": _describe(https.get("/login/")),
        "plain_http": _describe(Client(HTTP_HOST=HOST).get("/")),
    }
    strict = Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_PROTO="https")
    out["csrf_missing"] = _describe(
        strict.post("/login/", {"username": "probe"}, HTTP_HOST=HOST)
    )
    out["logged_in"] = _describe(
        https.post("/login/", {"username": "probe", "password": "probe-password-123!"})
    )
    out["set_language"] = _describe(
        https.post("/i18n/setlang/", {"language": "en", "next": "/"})
    )
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', out["home"]["body"])[1]
    out["stylesheet"] = _describe(https.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip"))
    out["stylesheet"]["url"] = stylesheet
    del out["stylesheet"]["body"]
    print(json.dumps(out))


main()
