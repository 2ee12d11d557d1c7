"""Logging in and resetting a password under attack (issue 11, section 6).

The admin's own log-in view shares the throttle of ours; look-alike spellings of a
username count as that username; a reset request takes as long for an unknown
address as for a known one, even when the mail server is slow.
"""

import statistics
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from assessments.views.accounts import login_username
from assessments.web import throttle

from .conftest import PASSWORD, make_user, run_tasks
from .slow_mail import DELAY_SECONDS

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _fresh_throttles(monkeypatch):
    """Fresh counters, and the throttle's clock held at one moment: its windows are
    fixed (every 5 minutes on the clock), and a test that straddled the end of one
    would see its count start afresh halfway (a 429 expected, a 200 given)."""
    cache.clear()
    now = time.time()
    monkeypatch.setattr(throttle, "time", type("Clock", (), {"time": lambda: now}))
    yield
    cache.clear()


@pytest.fixture
def admin_user(db):
    return make_user("admin", is_staff=True, is_superuser=True)


def _post(client, url, username, password="wrong"):  # noqa: S107
    return client.post(url, {"username": username, "password": password})


def test_the_admin_login_is_throttled_like_ours(client, admin_user):
    limit, window = throttle.LIMITS["login"]
    for _ in range(limit):
        assert _post(client, ADMIN_LOGIN, "admin").status_code == 200
    blocked = _post(client, ADMIN_LOGIN, "admin")
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == str(window)
    # The right password after the lock is refused too, and nobody is logged in.
    assert _post(client, ADMIN_LOGIN, "admin", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_and_our_login_share_one_count(client, admin_user):
    limit, _window = throttle.LIMITS["login"]
    for number in range(limit):
        url = ADMIN_LOGIN if number % 2 else reverse("login")
        _post(client, url, "admin")
    assert _post(client, reverse("login"), "admin", PASSWORD).status_code == 429
    assert _post(client, ADMIN_LOGIN, "admin", PASSWORD).status_code == 429


def test_a_successful_admin_login_clears_the_failures(client, admin_user):
    limit, _window = throttle.LIMITS["login"]
    for _ in range(limit - 1):
        _post(client, ADMIN_LOGIN, "admin")
    response = _post(client, ADMIN_LOGIN, "admin", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    for _ in range(limit - 1):
        _post(client, ADMIN_LOGIN, "admin")
    assert _post(client, ADMIN_LOGIN, "admin", PASSWORD).status_code == 302


def test_the_admin_login_page_still_shows(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert reverse("admin:login") == ADMIN_LOGIN


LOOK_ALIKES = [
    "ｏｗｎｅｒ",  # fullwidth
    "\U0001d428\U0001d430\U0001d427\U0001d41e\U0001d42b",  # mathematical bold
    "OWNER",
    " owner ",
]


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_look_alike_spellings_share_the_usernames_key(spelling):
    assert login_username(spelling) == login_username("owner") == "owner"


def test_a_look_alike_spelling_reaches_the_account(client, owner):
    # Why the key must fold them: Django's login form normalises to NFKC, so this
    # spelling logs in as `owner`.
    response = _post(client, reverse("login"), "ｏｗｎｅｒ", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


@pytest.mark.parametrize("url", [reverse("login"), ADMIN_LOGIN])
@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_look_alike_usernames_stay_locked_out(client, owner, url, spelling):
    limit, _window = throttle.LIMITS["login"]
    owner.is_staff = True
    owner.save()
    for _ in range(limit):
        _post(client, url, "owner")
    assert _post(client, url, spelling).status_code == 429
    assert _post(client, url, spelling, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


# Password reset ----------------------------------------------------------------------


def _reset_seconds(client, email):
    started = time.perf_counter()
    response = client.post(reverse("password_reset"), {"email": email})
    elapsed = time.perf_counter() - started
    assert response.url == reverse("password_reset_done")
    return elapsed


@pytest.mark.slow
def test_a_reset_takes_as_long_for_unknown_as_for_known_addresses(
    client, owner, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.slow_mail.SlowEmailBackend"
    monkeypatch.setitem(throttle.LIMITS, "login", (1000, 300))
    known, unknown = [], []
    for _ in range(7):
        known.append(_reset_seconds(client, "owner@example.org"))
        unknown.append(_reset_seconds(client, "nobody@example.org"))
        run_tasks()
    known_ms = statistics.median(known) * 1000
    unknown_ms = statistics.median(unknown) * 1000
    print(f"reset: known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms (median of 7)")
    # Before: known waited for the mail server (+200 ms here), unknown did not.
    assert abs(known_ms - unknown_ms) < DELAY_SECONDS * 1000 / 4
    assert len(mail.outbox) == 7
    assert {tuple(m.to) for m in mail.outbox} == {("owner@example.org",)}


def test_an_unknown_address_gets_no_mail_even_from_the_stand_in(client):
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    run_tasks()
    assert mail.outbox == []
