import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_landing_page_speaks_dutch_by_default(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert "basisvoorwaarden" in response.text


@pytest.mark.django_db
def test_the_landing_page_switches_to_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, follow=True
    )
    assert '<html lang="en">' in response.text
    assert "Ready for a strategic partnership?" in response.text


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_the_login_page_is_public_and_the_rest_is_not(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, words", [("nl", "Partnerscan meet hoe klaar"), ("en", "how ready")]
)
def test_pages_carry_a_translated_meta_description(client, language, words):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)
    assert '<meta name="description" content="' in response.text
    assert words in response.text.split('<meta name="description"')[1].split(">")[0]
