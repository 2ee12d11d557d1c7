"""Logins, token guesses and PDF downloads are throttled with 429 and Retry-After,
per client behind a proxy, under parallel guesses and across processes."""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.web import throttle

from ..conftest import PASSWORD
from ..shared_cache import TEST_REDIS_URL, redis_or_skip
from .helpers import _login

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_failed_logins_are_throttled_with_429_and_retry_after(client, owner):
    limit, window = throttle.LIMITS["login"]
    for _ in range(limit):
        response = client.post(reverse("login"), {"username": "owner", "password": "x"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "owner", "password": "x"})
    assert response.status_code == 429
    assert response["Retry-After"] == str(window)
    assert "Te veel pogingen" in response.content.decode()
    # Even the right password waits until the window has passed.
    response = client.post(
        reverse("login"), {"username": "owner", "password": PASSWORD}
    )
    assert response.status_code == 429


@pytest.mark.django_db(transaction=True)
def test_parallel_password_guesses_cannot_all_slip_past_the_login_throttle(owner):
    limit, _window = throttle.LIMITS["login"]
    guesses = limit * 2
    start = threading.Barrier(guesses)

    def guess(_):
        start.wait()
        try:
            response = Client().post(
                reverse("login"), {"username": "owner", "password": "x"}
            )
            return response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(guesses) as pool:
        statuses = list(pool.map(guess, range(guesses)))
    # At most `limit` passwords were checked; every other guess was turned away.
    assert statuses.count(200) == limit
    assert statuses.count(429) == guesses - limit


def test_token_guessing_is_throttled_with_429_and_retry_after(client, world):
    limit, window = throttle.LIMITS["token"]
    for _ in range(limit):
        assert client.get(f"/i/{secrets.token_hex(32)}/").status_code == 404
    response = client.get(f"/i/{secrets.token_hex(32)}/")
    assert response.status_code == 429
    assert response["Retry-After"] == str(window)
    # A real link waits too: guessing must not be able to continue past the limit.
    assert client.get(f"/i/{world['respondent'].raw_token}/").status_code == 429


@pytest.mark.slow
def test_pdf_downloads_are_throttled_with_429_and_retry_after(
    client, world, owner, monkeypatch
):
    monkeypatch.setitem(throttle.LIMITS, "report", (2, 60))
    _login(client, owner)
    url = reverse("assessments:assessment-report", args=[world["assessment"].pk])
    # A render can take seconds on a busy machine; a run that straddles the
    # throttle's fixed 60 s window starts counting afresh, so it is repeated once.
    for _attempt in range(2):
        cache.clear()
        window = time.time() // 60
        statuses = [client.get(url).status_code for _ in range(3)]
        if time.time() // 60 == window:
            break
    assert statuses == [200, 200, 429]
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_throttles_count_each_client_address_behind_a_proxy(client, settings):
    settings.PROXY_COUNT = 1
    limit, _window = throttle.LIMITS["token"]
    for _ in range(limit + 1):
        client.get(
            f"/i/{secrets.token_hex(32)}/",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",
        )
    blocked = client.get(
        f"/i/{secrets.token_hex(32)}/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert blocked.status_code == 429
    # Another client behind the same proxy is not blocked, and a forged left-most
    # entry does not let the blocked client pass as someone else.
    other = client.get(
        f"/i/{secrets.token_hex(32)}/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert other.status_code == 404
    forged = client.get(
        f"/i/{secrets.token_hex(32)}/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
    )
    assert forged.status_code == 429


def _subprocess_env(**extra):
    """Environment for a second process on this test's database."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "partnerscan.settings"
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    env.update(extra)
    return env


def _failed_logins_in_a_new_process(username, count, env):
    result = subprocess.run(
        [sys.executable, "-m", "tests.throttle_probe", username, str(count)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared_cache_env(request, transactional_db):
    if request.param == "redis":
        url = redis_or_skip()
        yield {"REDIS_URL": url, "CACHE_KEY_PREFIX": f"test-{secrets.token_hex(4)}"}
    else:
        # The table production's settings name (this process caches in memory).
        call_command("createcachetable", "partnerscan_cache", verbosity=0)
        yield {"CACHE_BACKEND": "database"}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shared_cache_env", ["redis", "database"], indirect=True)
def test_the_login_throttle_holds_across_two_processes(shared_cache_env):
    limit, window = throttle.LIMITS["login"]
    env = _subprocess_env(**shared_cache_env)
    # Counters are per fixed window: a run that straddles a window boundary starts
    # counting afresh halfway, so it is repeated once (it cannot straddle twice).
    for attempt in range(2):
        started = time.time() // window
        victim = f"victim-{attempt}-{secrets.token_hex(4)}"
        first = _failed_logins_in_a_new_process(victim, limit - 4, env)
        second = _failed_logins_in_a_new_process(victim, 5, env)
        if time.time() // window == started:
            break
    assert first == [200] * (limit - 4)
    assert second == [200, 200, 200, 200, 429]


@pytest.mark.slow
def test_the_redis_url_setting_selects_the_shared_redis_cache():
    redis_or_skip()
    code = (
        "import django;from django.conf import settings;django.setup();"
        "print(settings.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_subprocess_env(REDIS_URL=TEST_REDIS_URL),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
