"""Creating consultant accounts: the command and the admin."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from .conftest import make_user, run_tasks

pytestmark = pytest.mark.django_db

User = get_user_model()


def _run(*args):
    out = StringIO()
    call_command("create_consultant", *args, lang="en", stdout=out)
    return out.getvalue()


def test_it_creates_an_ordinary_user_with_the_given_password():
    _run("ilse", "--email", "Ilse@Example.org", "--password", "a-long-passphrase-1")
    ilse = User.objects.get(username="ilse")
    assert ilse.email == "ilse@example.org"
    assert not ilse.is_staff and not ilse.is_superuser
    assert ilse.check_password("a-long-passphrase-1")


def test_it_prints_a_random_password_once(client):
    output = _run("ilse", "--email", "ilse@example.org", "--random-password")
    password = output.split("Password (shown once): ")[1].split()[0]
    assert User.objects.get(username="ilse").check_password(password)
    assert client.login(username="ilse", password=password)


def test_without_a_terminal_it_falls_back_to_a_random_password(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    output = _run("ilse", "--email", "ilse@example.org")
    assert "Password (shown once):" in output


@pytest.mark.parametrize(
    "args, problem",
    [
        (["owner", "--email", "new@example.org"], "taken"),
        (["new", "--email", "OWNER@example.org"], "already uses"),
        (["new", "--email", "not-an-address"], "valid email"),
        (["new", "--email", "new@example.org", "--password", "123"], "too short"),
    ],
)
def test_it_refuses_bad_input_and_creates_nothing(owner, args, problem):
    if "--password" not in args:
        args = [*args, "--password", "a-long-passphrase-1"]
    with pytest.raises(CommandError, match=problem):
        _run(*args)
    assert User.objects.count() == 1


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_adds_a_consultant_who_is_not_staff(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "ilse",
            "email": "ilse@example.org",
            "first_name": "Ilse",
            "last_name": "",
            "usable_password": "false",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ilse = User.objects.get(username="ilse")
    assert not ilse.is_staff and not ilse.has_usable_password()


def test_the_admin_emails_a_link_to_choose_a_password(admin_client, client):
    ilse = make_user("ilse")
    ilse.set_unusable_password()
    ilse.save()
    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_password_link", "_selected_action": [ilse.pk]},
    )
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["ilse@example.org"]
    assert "/reset/" in message.body
