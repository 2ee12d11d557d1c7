"""Logging in and out, the login throttle, passwords and the account page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from assessments.web import throttle

from ..conftest import PASSWORD, make_user, run_tasks

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _login(client, username="owner", password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_a_consultant_logs_in_to_the_dashboard(client, owner):
    response = _login(client)
    assert response.status_code == 302
    assert response.url == reverse("assessments:dashboard")
    page = client.get(response.url)
    assert reverse("logout") in page.text  # the nav offers a log-out form


def test_the_login_page_links_to_password_reset(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert reverse("password_reset") in response.text


def test_a_wrong_password_is_refused_with_a_message(client, owner):
    response = _login(client, password="wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_throttled_per_address_and_username(client, owner):
    limit, _window = throttle.LIMITS["login"]
    for _ in range(limit):
        assert _login(client, password="wrong").status_code == 200
    blocked = _login(client)  # even the right password waits now
    assert blocked.status_code == 429
    assert "Retry-After" in blocked
    assert "_auth_user_id" not in client.session
    # A colleague at the same address, and the same name elsewhere, still get in.
    make_user("colleague")
    assert _login(client, username="colleague").status_code == 302
    assert _login(client, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_a_successful_login_clears_the_failures(client, owner):
    limit, _window = throttle.LIMITS["login"]
    for _ in range(limit - 1):
        _login(client, password="wrong")
    assert _login(client).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        _login(client, password="wrong")
    assert _login(client).status_code == 302


def test_logging_out_is_a_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_logged_in_consultant_skips_the_login_page(client, owner):
    client.force_login(owner)
    response = client.get(LOGIN)
    assert response.url == reverse("assessments:dashboard")


def test_changing_the_password_applies_the_validators(client, owner):
    client.force_login(owner)
    url = reverse("password_change")
    weak = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    good = "a-much-longer-passphrase-2026"
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": good, "new_password2": good},
    )
    assert response.url == reverse("password_change_done")
    owner.refresh_from_db()
    assert owner.check_password(good)


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, owner):
    response = client.post(reverse("password_reset"), {"email": "owner@example.org"})
    assert response.url == reverse("password_reset_done")
    run_tasks()  # sent by the worker, outside the request (tests/test_auth_security)
    (message,) = mail.outbox
    assert message.subject == "Partnerscan: kies een nieuw wachtwoord"
    link = re.search(r"https?://[^/]+(/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "another-long-passphrase-2026"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
    )
    owner.refresh_from_db()
    assert owner.check_password(new)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "who@example.org"})
    assert response.url == reverse("password_reset_done")
    run_tasks()
    assert mail.outbox == []


def test_reset_requests_are_throttled_per_address(client):
    limit, _window = throttle.LIMITS["login"]
    for _ in range(limit):
        client.post(reverse("password_reset"), {"email": "who@example.org"})
    response = client.post(reverse("password_reset"), {"email": "who@example.org"})
    assert response.status_code == 429


def test_an_invalid_reset_link_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert response.status_code == 200
    assert "Deze link werkt niet meer" in response.text


class TestAccountPage:
    url = reverse("assessments:account")

    def test_it_saves_name_and_email(self, client, owner):
        client.force_login(owner)
        response = client.post(
            self.url,
            {"first_name": "Olga", "last_name": "Owner", "email": "Olga@Example.org"},
        )
        assert response.status_code == 302
        owner.refresh_from_db()
        assert (owner.get_full_name(), owner.email) == (
            "Olga Owner",
            "olga@example.org",
        )

    def test_an_address_in_use_is_refused(self, client, owner, outsider):
        client.force_login(owner)
        response = client.post(
            self.url,
            {"first_name": "", "last_name": "", "email": "OUTSIDER@example.org"},
        )
        assert response.status_code == 200
        assert "Een ander account gebruikt dit e-mailadres al" in response.text
        owner.refresh_from_db()
        assert owner.email == "owner@example.org"

    def test_it_requires_login(self, client):
        assert client.get(self.url).url.startswith(LOGIN)


def test_consultants_are_not_staff(owner):
    assert not get_user_model().objects.get(pk=owner.pk).is_staff
