"""Production mode (DJANGO_ENV=production) is secure by default.

Settings are read once per process, so production runs in subprocesses here: Django's
own deployment check, and a probe (tests/deploy_probe.py) that serves real pages on a
fresh database with collected static files.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _production_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a
        # production process (a deploy check rightly flags it).
        if key
        not in {
            "DEBUG",
            "DATABASE_URL",
            "REDIS_URL",
            "CACHE_BACKEND",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="partnerscan.settings",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="partnerscan.example.org",
        SQLITE_PATH=str(tmp_path / "production.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


def _run(args, env, timeout=300):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_check_deploy_finds_nothing_in_production(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "secret_key",
    [
        "",
        "django-insecure-local-development-key-not-for-production",
        "too-short",
        "x" * 64,
        "django-insecure-" + secrets.token_urlsafe(60),
    ],
    ids=["empty", "the-development-key", "short", "one-character", "insecure-prefix"],
)
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, secret_key):
    result = _run(
        ["manage.py", "check"], _production_env(tmp_path, SECRET_KEY=secret_key)
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    result = _run(["-m", "tests.deploy_probe"], _production_env(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


PAGES = ["home", "not_found", "admin_login", "login", "csrf_missing"]


@pytest.mark.slow
def test_the_probe_saw_the_pages_it_expected(probe):
    assert probe["home"]["status"] == 200
    assert probe["not_found"]["status"] == 404
    assert probe["admin_login"]["status"] == 200
    assert probe["login"]["status"] == 200
    assert probe["csrf_missing"]["status"] == 403
    assert probe["logged_in"]["status"] == 302


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_page_carries_the_security_headers(probe, page):
    headers = probe[page]["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_page_carries_the_strict_content_security_policy(probe, page):
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in probe[page]["headers"]["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    every_source = " ".join(" ".join(sources) for sources in policy.values())
    assert "unsafe-inline" not in every_source
    assert "unsafe-eval" not in every_source
    assert "*" not in every_source


@pytest.mark.slow
def test_cookies_are_secure_host_prefixed_and_http_only_for_the_session(probe):
    csrf = probe["home"]["cookies"]["__Host-csrftoken"]
    session = probe["logged_in"]["cookies"]["__Host-sessionid"]
    for cookie in (csrf, session):
        # What browsers demand of a __Host- cookie: Secure, Path=/, no Domain.
        assert cookie["secure"]
        assert cookie["path"] == "/"
        assert not cookie["domain"]
        assert cookie["samesite"] == "Lax"
    assert session["httponly"]
    assert "sessionid" not in probe["logged_in"]["cookies"]


@pytest.mark.slow
def test_the_language_cookie_is_secure_in_production(probe):
    cookie = probe["set_language"]["cookies"]["django_language"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.slow
def test_plain_http_is_redirected_to_https(probe):
    response = probe["plain_http"]
    assert response["status"] == 301
    assert response["headers"]["Location"] == "https://partnerscan.example.org/"


@pytest.mark.slow
def test_static_files_are_served_compressed_with_hashed_names(probe):
    stylesheet = probe["stylesheet"]
    # CompressedManifestStaticFilesStorage: name.<hash>.css, cacheable forever.
    assert re.fullmatch(
        r"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", stylesheet["url"]
    )
    assert stylesheet["status"] == 200
    assert stylesheet["headers"]["Content-Encoding"] == "gzip"
    assert "immutable" in stylesheet["headers"]["Cache-Control"]


@pytest.mark.slow
def test_a_missing_csrf_token_gets_the_friendly_page(probe):
    body = probe["csrf_missing"]["body"]
    assert "<html" in body and "CSRF verification failed" not in body


def _variables_read(path):
    text = (ROOT / path).read_text()
    pattern = r'(?:environ\.get|environ\[|_env_bool|_env_list|_int)\(?\s*"([A-Z_]+)"'
    return set(re.findall(pattern, text))


def test_every_setting_read_from_the_environment_is_documented():
    documented = (ROOT / "docs" / "deployment.md").read_text()
    variables = _variables_read("partnerscan/settings.py") | _variables_read(
        "gunicorn.conf.py"
    )
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "GUNICORN_WORKERS"} <= variables
    missing = sorted(v for v in variables if f"`{v}`" not in documented)
    assert not missing, f"not in docs/deployment.md: {missing}"
