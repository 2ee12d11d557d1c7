"""The PDF download: assessments/views/report.py."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments import report
from assessments.report import render_guard
from assessments.web import throttle

from ..conftest import PASSWORD
from ..test_report import fill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # cached reports and throttle counters
    yield
    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """A cheap stand-in for WeasyPrint that records the language asked for."""
    calls = []

    def fake(context):
        calls.append(context["language"])
        return b"%PDF-1.7 fake " + context["language"].encode()

    monkeypatch.setattr(report, "render_pdf_guarded", fake)
    return calls


def url(assessment, lang=None):
    base = reverse("assessments:assessment-report", kwargs={"pk": assessment.pk})
    return f"{base}?lang={lang}" if lang else base


@pytest.mark.slow
def test_the_owner_downloads_the_report_as_a_pdf_attachment(client, owner, assessment):
    fill(assessment)
    client.login(username=owner.username, password=PASSWORD)
    response = client.get(url(assessment, "en"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="partnerscan-alfa-beta-')
    assert disposition.endswith('-en.pdf"')
    assert "no-store" in response["Cache-Control"]


def test_a_second_download_comes_from_the_cache(client, owner, assessment, renders):
    client.login(username=owner.username, password=PASSWORD)
    first = client.get(url(assessment, "nl"))
    second = client.get(url(assessment, "nl"))
    assert first.content == second.content
    assert renders == ["nl"]


def test_the_language_defaults_to_the_pages_language(
    client, owner, assessment, renders
):
    client.login(username=owner.username, password=PASSWORD)
    response = client.get(url(assessment))
    assert response["Content-Disposition"].endswith('-nl.pdf"')
    client.cookies["django_language"] = "en"
    response = client.get(url(assessment))
    assert response["Content-Disposition"].endswith('-en.pdf"')
    assert renders == ["nl", "en"]


@pytest.mark.parametrize("lang", ["xx", "../../etc", "EN", ""])
def test_an_unknown_language_falls_back_to_the_default(
    client, owner, assessment, renders, lang
):
    client.login(username=owner.username, password=PASSWORD)
    response = client.get(url(assessment, lang))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-nl.pdf"')


def test_it_requires_a_login(client, assessment, renders):
    response = client.get(url(assessment))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert renders == []


def test_an_outsider_gets_404(client, outsider, assessment, renders):
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(url(assessment)).status_code == 404
    assert renders == []


def test_a_missing_assessment_is_404(client, owner, renders):
    client.login(username=owner.username, password=PASSWORD)
    response = client.get(reverse("assessments:assessment-report", kwargs={"pk": 999}))
    assert response.status_code == 404


def test_a_read_only_collaborator_may_download(
    client, collaborator, assessment, renders
):
    client.login(username=collaborator.username, password=PASSWORD)
    response = client.get(url(assessment, "en"))
    assert response.status_code == 200
    assert renders == ["en"]


def test_post_is_not_allowed(client, owner, assessment, renders):
    client.login(username=owner.username, password=PASSWORD)
    assert client.post(url(assessment)).status_code == 405


def test_too_many_downloads_get_a_friendly_429(client, owner, assessment, renders):
    client.login(username=owner.username, password=PASSWORD)
    limit, _window = throttle.LIMITS["report"]
    for _ in range(limit):
        throttle.hit("report", f"user:{owner.pk}")
    response = client.get(url(assessment))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert renders == []


def test_a_render_over_budget_gets_a_friendly_503(
    client, owner, assessment, monkeypatch
):
    def too_slow(context):
        raise render_guard.RenderBudgetExceeded("not done after 20.0 s")

    monkeypatch.setattr(report, "render_pdf_guarded", too_slow)
    client.login(username=owner.username, password=PASSWORD)
    response = client.get(url(assessment))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "no-store" in response["Cache-Control"]
