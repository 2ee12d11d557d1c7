"""Two-step login (issue 18, point 6): enrolment, the code after the password,
replay and brute force, recovery codes, who must use it, remembered browsers,
turning it off, and the admin. Codes are real TOTP codes computed here."""

import hashlib
import re
import time
from http.cookies import SimpleCookie

import pytest
from django.contrib.admin import site as admin_site
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.demo import ADMIN_PASSWORD, ADMIN_USERNAME
from assessments.two_factor import remember
from assessments.two_factor.devices import recovery_codes_replace
from assessments.two_factor.models import RecoveryCode, RecoveryCodeDevice
from assessments.web.throttle import LIMITS
from tests.conftest import CONFIRMED, PASSWORD, make_user
from tests.test_settings import _settings_in_subprocess

DASHBOARD = "/dashboard/"
VERIFY = "/login/code/"
ENROL = "/account/two-factor/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def totp_code(device, steps=0):
    """The code the user's app shows now (or `steps` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(user):
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, recovery_codes_replace(user=user)


def password_login(client, user, next_url=DASHBOARD, password=PASSWORD):
    return client.post(
        reverse("login"),
        {"username": user.username, "password": password, "next": next_url},
    )


def send_code(client, code, next_url=DASHBOARD, **extra):
    return client.post(VERIFY, {"code": code, "next": next_url, **extra})


def unthrottle(device):
    """django-otp makes a device wait 1, 2, 4 … s after each wrong code; a test
    that goes on at once with a right one lets that wait pass."""
    device.refresh_from_db()
    device.throttle_reset()


@pytest.fixture
def consultant(db):
    return make_user("consultant")


@pytest.fixture
def staff(db, staff_two_factor):
    return make_user("staffer", is_staff=True, is_superuser=True)


# Enrolment


def test_enrolment_shows_a_qr_code_and_the_key_and_needs_a_code(client, consultant):
    client.force_login(consultant)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=consultant)
    assert not device.confirmed
    secret = page.context["secret"].replace(" ", "")
    assert secret in html.replace(" ", "")
    assert len(secret) == 32  # 20 bytes of key in base32
    # A reload keeps the same key (the QR code already scanned stays valid).
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=consultant).count() == 1

    wrong = client.post(
        ENROL, {"code": "000000" if totp_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "Deze code klopt niet" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not RecoveryCodeDevice.objects.filter(user=consultant).exists()

    unthrottle(device)
    done = client.post(ENROL, {"code": totp_code(device)})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = done.context["codes"]
    assert len(codes) == 10
    for code in codes:
        assert code in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    # The session counts as verified: the workspace opens.
    assert client.get(DASHBOARD).status_code == 200
    assert "Aan sinds" in client.get(reverse("assessments:account")).content.decode()


def test_recovery_codes_are_stored_hashed(consultant):
    _device, codes = enrol(consultant)
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        plain = code.replace("-", "")
        assert code not in stored and plain not in stored
        assert hashlib.sha256(plain.encode()).hexdigest() in stored
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", code)


# Logging in


def test_password_then_code_opens_the_workspace(client, consultant):
    device, _codes = enrol(consultant)
    response = password_login(client, consultant)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert "next=%2Fdashboard%2F" in response.url
    # Nothing else opens before the code.
    blocked = client.get(DASHBOARD)
    assert blocked.status_code == 302 and blocked.url.startswith(VERIFY)
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    done = send_code(client, totp_code(device))
    assert done.status_code == 302 and done.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_code_cannot_be_used_twice(client, consultant):
    device, _codes = enrol(consultant)
    code = totp_code(device)
    password_login(client, consultant)
    assert send_code(client, code).status_code == 302
    client.post(reverse("logout"))

    password_login(client, consultant)
    replay = send_code(client, code)
    assert replay.status_code == 200
    assert "Deze code klopt niet" in replay.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    # The next period's code still works (after the wait for the wrong one).
    unthrottle(device)
    assert send_code(client, totp_code(device, steps=1)).status_code == 302


def test_wrong_codes_are_throttled_per_user_and_address(client, consultant):
    device, _codes = enrol(consultant)
    password_login(client, consultant)
    limit = LIMITS["login"][0]
    right = totp_code(device)
    wrong = "123456" if right != "123456" else "654321"
    for _attempt in range(limit):
        response = send_code(client, wrong)
        assert response.status_code == 200
    blocked = send_code(client, right)
    assert blocked.status_code == 429
    assert blocked["Retry-After"]
    assert client.get(DASHBOARD).status_code == 302
    # django-otp's own back-off counted the failures the device itself saw.
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_the_device_backs_off_after_a_wrong_code(client, consultant):
    device, _codes = enrol(consultant)
    password_login(client, consultant)
    right = totp_code(device)
    wrong = "123456" if right != "123456" else "654321"
    send_code(client, wrong)
    response = send_code(client, right)  # within the second it must wait
    assert response.status_code == 200
    assert "Te veel verkeerde codes" in response.content.decode()
    assert client.get(DASHBOARD).status_code == 302


def test_a_recovery_code_works_once(client, consultant):
    _device, codes = enrol(consultant)
    password_login(client, consultant)
    done = send_code(client, codes[0].upper().replace("-", " "))
    assert done.status_code == 302
    page = client.get(DASHBOARD)
    assert "nog 9" in page.content.decode()
    assert RecoveryCode.objects.filter(device__user=consultant).count() == 9
    client.post(reverse("logout"))

    password_login(client, consultant)
    again = send_code(client, codes[0])
    assert again.status_code == 200
    assert "Deze code klopt niet" in again.content.decode()


def test_an_unsafe_next_is_not_followed(client, consultant):
    device, _codes = enrol(consultant)
    password_login(client, consultant)
    done = send_code(client, totp_code(device), next_url="https://evil.example/")
    assert done.url == DASHBOARD


# Who must use it


def test_staff_without_a_device_must_enrol_before_anything_else(client, staff):
    response = password_login(client, staff, next_url="/admin/")
    assert client.get(response.url, follow=False).url.startswith(ENROL)
    for path in ("/admin/", DASHBOARD, reverse("assessments:account")):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.url.startswith(ENROL), path
    # Log-out and public pages stay open.
    assert client.get("/").status_code == 200
    page = client.get(ENROL)
    assert "nodig" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    client.post(ENROL, {"code": totp_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_asks_for_the_code_of_an_enrolled_staff_member(client, staff):
    device, _codes = enrol(staff)
    client.force_login(staff)
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked.url.startswith(VERIFY)
    # The admin site's own check, without the middleware in front.
    request = RequestFactory().get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    request.session = client.session
    assert not admin_site.has_permission(request)

    send_code(client, totp_code(device), next_url="/admin/")
    assert client.get("/admin/").status_code == 200


def test_the_setting_makes_every_consultant_enrol(client, consultant, settings):
    client.force_login(consultant)
    assert client.get(DASHBOARD).status_code == 200
    settings.PARTNERSCAN_REQUIRE_2FA = True
    # A changed setting reaches sessions that started before it.
    blocked = client.get(DASHBOARD)
    assert blocked.status_code == 302 and blocked.url.startswith(ENROL)
    fresh = Client()
    response = password_login(fresh, consultant)
    assert fresh.get(response.url).url.startswith(ENROL)


def test_without_the_setting_a_consultant_needs_only_the_password(client, consultant):
    response = password_login(client, consultant)
    assert response.url == DASHBOARD
    page = client.get(reverse("assessments:account"))
    assert "Twee-stapsverificatie" in page.content.decode()
    assert "Twee-stapsverificatie instellen" in page.content.decode()


def test_production_refuses_staff_without_two_factor():
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "a-real-random-key-" * 4,
        "PARTNERSCAN_STAFF_REQUIRE_2FA": "false",
    }
    result = _settings_in_subprocess(env)
    assert result.returncode != 0
    assert "PARTNERSCAN_STAFF_REQUIRE_2FA" in result.stderr


# Remembering a browser


def _remembered_client(user, device):
    client = Client()
    password_login(client, user)
    response = send_code(client, totp_code(device), remember="on")
    cookie = response.cookies[remember.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 30 * 24 * 3600
    client.post(reverse("logout"))
    return client


def test_a_remembered_browser_skips_the_code(consultant):
    device, _codes = enrol(consultant)
    client = _remembered_client(consultant, device)
    response = password_login(client, consultant)
    assert client.get(response.url).url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_the_remember_cookie_is_secure_over_https(consultant, settings):
    device, _codes = enrol(consultant)
    client = Client()
    password_login(client, consultant)
    response = client.post(
        VERIFY,
        {"code": totp_code(device), "next": DASHBOARD, "remember": "on"},
        secure=True,
    )
    assert response.cookies[remember.COOKIE_NAME]["secure"]


def test_the_remember_cookie_does_not_help_another_user(consultant):
    device, _codes = enrol(consultant)
    client = _remembered_client(consultant, device)
    other = make_user("colleague")
    enrol(other)
    response = password_login(client, other)
    page = client.get(response.url)
    assert page.status_code == 200  # the code page: asked for a code
    assert client.get(DASHBOARD).status_code == 302


def test_the_remember_cookie_ends_with_a_new_password(consultant):
    device, _codes = enrol(consultant)
    client = _remembered_client(consultant, device)
    consultant.set_password("another-long-passphrase-2026")
    consultant.save()
    response = password_login(
        client, consultant, password="another-long-passphrase-2026"
    )
    assert client.get(response.url).status_code == 200  # asks for a code


def test_the_remember_cookie_ends_when_two_factor_is_turned_off(consultant):
    device, _codes = enrol(consultant)
    client = _remembered_client(consultant, device)
    cookie = client.cookies[remember.COOKIE_NAME].value
    other = Client()
    password_login(other, consultant)
    send_code(other, totp_code(device, steps=1))
    other.post(
        reverse("assessments:two-factor-disable"),
        {**CONFIRMED, "code": _codes[0]},
    )
    assert not TOTPDevice.objects.filter(user=consultant).exists()
    new_device, _ = enrol(consultant)
    client.cookies = SimpleCookie({remember.COOKIE_NAME: cookie})
    response = password_login(client, consultant)
    assert client.get(response.url).status_code == 200  # asks for a code
    assert client.get(DASHBOARD).status_code == 302
    assert new_device.pk


def test_a_forged_cookie_is_ignored(consultant):
    enrol(consultant)
    client = Client()
    client.cookies = SimpleCookie({remember.COOKIE_NAME: "eyJ1IjoxfQ:forged:sig"})
    response = password_login(client, consultant)
    assert client.get(response.url).status_code == 200


# Managing it


def test_turning_it_off_asks_first_and_needs_a_current_code(client, consultant):
    device, codes = enrol(consultant)
    password_login(client, consultant)
    send_code(client, totp_code(device))
    url = reverse("assessments:two-factor-disable")

    page = client.post(url)  # the button on the account page
    assert page.status_code == 200
    assert "Terug zonder iets te wijzigen" in page.content.decode()
    assert TOTPDevice.objects.filter(user=consultant).exists()

    missing = client.post(url, CONFIRMED)
    assert missing.status_code == 200
    wrong = client.post(url, {**CONFIRMED, "code": "not-a-code"})
    assert "Deze code klopt niet" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=consultant).exists()

    unthrottle(RecoveryCodeDevice.objects.get(user=consultant))
    done = client.post(url, {**CONFIRMED, "code": codes[1]})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=consultant).exists()
    assert not RecoveryCodeDevice.objects.filter(user=consultant).exists()
    assert client.get(DASHBOARD).status_code == 200
    client.post(reverse("logout"))
    assert password_login(client, consultant).url == DASHBOARD


def test_staff_who_turn_it_off_set_it_up_again_at_once(client, staff):
    device, codes = enrol(staff)
    password_login(client, staff)
    send_code(client, totp_code(device))
    client.post(
        reverse("assessments:two-factor-disable"), {**CONFIRMED, "code": codes[0]}
    )
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked.url.startswith(ENROL)


def test_new_recovery_codes_replace_the_old_ones(client, consultant):
    device, old = enrol(consultant)
    password_login(client, consultant)
    send_code(client, totp_code(device))
    url = reverse("assessments:two-factor-recovery-codes")
    ask = client.post(url)
    assert "Terug zonder iets te wijzigen" in ask.content.decode()
    assert RecoveryCode.objects.filter(device__user=consultant).count() == 10
    new = client.post(url, CONFIRMED).context["codes"]
    assert set(new).isdisjoint(old)
    client.post(reverse("logout"))
    password_login(client, consultant)
    assert send_code(client, old[0]).status_code == 200
    unthrottle(RecoveryCodeDevice.objects.get(user=consultant))
    assert send_code(client, new[0]).status_code == 302


def test_staff_reset_a_users_devices_in_the_admin(client, consultant, staff):
    enrol(consultant)
    staff_device, _ = enrol(staff)
    password_login(client, staff, next_url="/admin/")
    send_code(client, totp_code(staff_device), next_url="/admin/")
    for model in ("otp_totp/totpdevice", "assessments/recoverycodedevice"):
        listing = client.get(f"/admin/{model}/?q=consultant")
        assert listing.status_code == 200, model
    totp = TOTPDevice.objects.get(user=consultant)
    recovery = RecoveryCodeDevice.objects.get(user=consultant)
    client.post(f"/admin/otp_totp/totpdevice/{totp.pk}/delete/", {"post": "yes"})
    client.post(
        f"/admin/assessments/recoverycodedevice/{recovery.pk}/delete/", {"post": "yes"}
    )
    assert not TOTPDevice.objects.filter(user=consultant).exists()
    assert not RecoveryCodeDevice.objects.filter(user=consultant).exists()
    assert password_login(Client(), consultant).url == DASHBOARD


def test_the_pages_need_a_login(client):
    for path in (VERIFY, ENROL, reverse("assessments:two-factor-disable")):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/login/")


# The demo


def test_the_demo_admin_logs_in_with_a_printed_recovery_code(db, staff_two_factor):
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out)
    codes = re.findall(
        r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", out.getvalue()
    )
    assert len(codes) == 3
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD, "next": "/admin/"},
    )
    assert response.url.startswith(VERIFY)
    send_code(client, codes[0], next_url="/admin/")
    assert client.get("/admin/").status_code == 200


def test_create_consultant_says_when_two_factor_is_required(db, settings):
    from io import StringIO

    settings.PARTNERSCAN_REQUIRE_2FA = True
    out = StringIO()
    call_command(
        "create_consultant",
        "ilse",
        "--email",
        "ilse@example.org",
        "--password",
        "a-long-passphrase-1",
        lang="en",
        stdout=out,
    )
    assert "Two-step verification is required" in out.getvalue()


def test_the_code_page_speaks_english_on_request(client, consultant, settings):
    device, _codes = enrol(consultant)
    password_login(client, consultant)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    wrong = "123456" if totp_code(device) != "123456" else "654321"
    page = send_code(client, wrong).content.decode()
    assert "Log-in code" in page
    assert "This code is not right" in page
    assert "Inlogcode" not in page


def test_staff_reset_two_factor_from_the_user_list_after_confirming(
    client, consultant, staff
):
    enrol(consultant)
    staff_device, _ = enrol(staff)
    password_login(client, staff, next_url="/admin/")
    send_code(client, totp_code(staff_device), next_url="/admin/")
    url = reverse("admin:auth_user_changelist")
    form = {"action": "reset_two_factor", "_selected_action": [consultant.pk]}
    ask = client.post(url, form)
    assert ask.status_code == 200
    assert "Terug zonder iets te wijzigen" in ask.content.decode()
    assert TOTPDevice.objects.filter(user=consultant).exists()

    done = client.post(url, {**form, **CONFIRMED})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=consultant).exists()
    assert not RecoveryCodeDevice.objects.filter(user=consultant).exists()
    assert TOTPDevice.objects.filter(user=staff).exists()
    assert password_login(Client(), consultant).url == DASHBOARD
