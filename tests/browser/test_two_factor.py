"""Two-step login in Chromium: a consultant enrols with the QR page's key, logs in
with password and code, and a remembered browser skips the code next time."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import serious_violations
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret, steps=0):
    key = b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def _password(page, live_server, username):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _log_out(page):
    page.get_by_role("button", name="Uitloggen").click()


def test_enrol_then_log_in_with_a_code_then_remember_the_browser(
    page, live_server, settings
):
    settings.PARTNERSCAN_REQUIRE_2FA = True
    make_user("anna")
    # Password first: the setting sends her to enrolment, and nowhere else.
    _password(page, live_server, "anna")
    page.wait_for_url("**/account/two-factor/**")
    page.goto(live_server.url + "/dashboard/")
    page.wait_for_url("**/account/two-factor/**")
    assert page.locator(".two-factor-qr svg").is_visible()
    assert serious_violations(page) == []
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"/tmp/otp-enrol-{width}.png", full_page=True)
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
    secret = page.locator(".two-factor-secret").inner_text()
    page.get_by_label("Code uit de app").fill(_code(secret))
    page.get_by_role("button", name="Twee-stapsverificatie aanzetten").click()

    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path="/tmp/otp-codes-360.png", full_page=True)
    page.get_by_role("link", name="Ik heb mijn herstelcodes bewaard").click()
    page.wait_for_url("**/dashboard/")
    _log_out(page)

    # Password, then a wrong code, then the right one with "remember".
    _password(page, live_server, "anna")
    page.wait_for_url("**/login/code/**")
    assert serious_violations(page) == []
    page.get_by_label("Code").fill("000000" if _code(secret, 1) != "000000" else "1")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_text("Deze code klopt niet").is_visible()
    page.screenshot(path="/tmp/otp-code-wrong-360.png", full_page=True)
    time.sleep(1.2)  # django-otp's back-off after one wrong code
    page.get_by_label("Code").fill(_code(secret, 1))
    page.get_by_label("Dit apparaat 30 dagen onthouden").check()
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/dashboard/")
    cookie = next(
        c for c in page.context.cookies() if c["name"] == "partnerscan_2fa_remember"
    )
    assert cookie["httpOnly"]
    _log_out(page)

    # The remembered browser: the password alone opens the workspace.
    _password(page, live_server, "anna")
    page.wait_for_url("**/dashboard/")
    page.goto(live_server.url + "/account/")
    assert page.get_by_text("nog 10 herstelcodes over", exact=False).is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/otp-account-1280.png", full_page=True)
