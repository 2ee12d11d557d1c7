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
