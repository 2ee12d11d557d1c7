"""Logging in and switching language never redirect to another site."""

import pytest
from django.urls import reverse

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_to_another_site(client, owner, target):
    response = client.post(
        reverse("login") + f"?next={target}",
        {"username": "owner", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert not response["Location"].startswith("javascript:")


def test_the_language_switch_never_redirects_to_another_site(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.get("Location", "")
