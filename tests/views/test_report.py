"""The PDF download: assessments/views/report.py with views/prepared.py. The worker
makes the report (background/making.py); the download serves it or says how far it
got."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from assessments import report
from assessments.background.files import report_schedule
from assessments.background.models import PreparedFile
from assessments.background.retry import MAX_ATTEMPTS
from assessments.report import render_guard
from assessments.web import throttle

from ..conftest import PASSWORD, download_prepared, make_respondent, run_tasks
from ..test_report import fill, pdf_text

pytestmark = pytest.mark.django_db

Status = PreparedFile.Status


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # throttle counters
    yield
    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """A cheap stand-in for WeasyPrint in the worker that records the language."""
    calls = []

    def fake(context):
        calls.append(context["language"])
        return b"%PDF-1.7 fake " + context["language"].encode()

    monkeypatch.setattr(report, "render_pdf_guarded", fake)
    return calls


def forbid_rendering(monkeypatch):
    """Rendering in this (the web) process is impossible from here on."""

    def refuse(*args, **kwargs):
        pytest.fail("a report was rendered in the web process")

    monkeypatch.setattr(report, "html_to_pdf", refuse)
    monkeypatch.setattr(report, "render_pdf_guarded", refuse)


def url(assessment, lang=None, view="assessment-report"):
    base = reverse(f"assessments:{view}", kwargs={"pk": assessment.pk})
    return f"{base}?lang={lang}" if lang else base


def body(response):
    return b"".join(response.streaming_content)


def row(assessment, language="nl"):
    return PreparedFile.objects.get(
        assessment=assessment, kind=PreparedFile.Kind.REPORT, language=language
    )


@pytest.fixture
def owner_client(client, owner):
    client.login(username=owner.username, password=PASSWORD)
    return client


# Ready: served from storage at once ------------------------------------------------


@pytest.mark.slow
def test_a_report_the_worker_made_downloads_at_once_without_rendering_here(
    owner_client, assessment, monkeypatch
):
    fill(assessment)
    report_schedule(assessment, at_once=True)
    assert run_tasks() == 1  # the worker renders, with the real WeasyPrint
    forbid_rendering(monkeypatch)

    response = owner_client.get(url(assessment, "nl"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = body(response)
    assert pdf.startswith(b"%PDF-")
    assert "Alfa & Beta" in pdf_text(pdf)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="partnerscan-alfa-beta-')
    assert disposition.endswith('-nl.pdf"')
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_stored_report_is_served_as_long_as_nothing_it_shows_changes(
    owner_client, assessment, renders, monkeypatch
):
    report_schedule(assessment, at_once=True)
    run_tasks()
    forbid_rendering(monkeypatch)
    first = body(owner_client.get(url(assessment, "nl")))
    # The next morning: nothing changed, the same file.
    PreparedFile.objects.update(made_at=timezone.now() - timedelta(days=1))
    second = owner_client.get(url(assessment, "nl"))
    assert body(second) == first == b"%PDF-1.7 fake nl"
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert second["Content-Disposition"].endswith(f'-{yesterday}-nl.pdf"')


# Not ready: the page says it is being made ------------------------------------------


def test_without_a_current_report_the_page_says_it_is_being_made_and_asks_for_it(
    owner_client, assessment, renders
):
    response = owner_client.get(url(assessment, "en"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    page = response.text
    assert "Het rapport wordt gemaakt" in page
    # htmx asks the status view; without JavaScript the page refreshes itself.
    status = reverse("assessments:assessment-report-status", args=[assessment.pk])
    assert f'data-hx-get="{status}?lang=en&amp;since=' in page
    assert '<meta http-equiv="refresh" content="5; url=' in page
    assert "Vernieuwen" in page
    assert renders == []  # nothing rendered in the request
    assert row(assessment, "en").status == Status.WAITING
    assert row(assessment, "en").due_at <= timezone.now()

    assert run_tasks() == 1
    assert renders == ["en"]
    response = owner_client.get(url(assessment, "en"))
    assert body(response) == b"%PDF-1.7 fake en"


def test_the_status_sends_the_browser_on_to_the_download_when_it_is_ready(
    owner_client, assessment, renders
):
    page = owner_client.get(url(assessment, "nl"))
    since = page.text.split("since=")[1].split('"')[0]
    status = url(assessment, view="assessment-report-status")
    waiting = owner_client.get(
        f"{status}?lang=nl&since={since}", HTTP_HX_REQUEST="true"
    )
    assert waiting.status_code == 200
    assert "Wacht op zijn beurt" in waiting.text
    assert "HX-Redirect" not in waiting

    run_tasks()
    ready = owner_client.get(f"{status}?lang=nl&since={since}", HTTP_HX_REQUEST="true")
    assert ready.status_code == 204
    target = ready["HX-Redirect"]
    assert target.startswith(url(assessment, "nl") + "&since=")
    assert body(owner_client.get(target)) == b"%PDF-1.7 fake nl"
    # Without htmx, a plain redirect.
    assert owner_client.get(f"{status}?lang=nl").url.startswith(url(assessment))


def test_the_status_line_is_sent_again_only_when_it_changed(
    owner_client, assessment, renders
):
    """The status line is a live region: repeating it every two seconds would make
    a screen reader say it again and again."""
    page = owner_client.get(url(assessment, "nl")).text
    poll = page.split('id="prepared-poll" data-hx-get="')[1].split('"')[0]
    poll = poll.replace("&amp;", "&")
    same = owner_client.get(poll, HTTP_HX_REQUEST="true").text
    assert 'id="prepared-poll"' in same  # the next ask
    assert 'id="prepared-status"' not in same
    PreparedFile.objects.update(status=Status.WORKING, started_at=timezone.now())
    changed = owner_client.get(poll, HTTP_HX_REQUEST="true").text
    assert 'id="prepared-status" data-hx-swap-oob="innerHTML"' in changed
    assert "Wordt gemaakt sinds" in changed


def test_the_page_says_when_it_is_being_made_and_how_long_that_usually_takes(
    owner_client, assessment, renders
):
    owner_client.get(url(assessment, "nl"))
    run_tasks()  # one made: now there is a usual time
    made = row(assessment)
    PreparedFile.objects.filter(pk=made.pk).update(
        made_at=made.finished_at - timedelta(seconds=4)
    )
    make_respondent(assessment, label="Late")  # the report is no longer current
    PreparedFile.objects.filter(pk=made.pk).update(
        status=Status.WORKING, started_at=timezone.now()
    )
    page = owner_client.get(url(assessment, "nl")).text
    assert "Wordt gemaakt sinds" in page
    assert "ongeveer 4 seconden" in page


def test_a_busy_scan_still_gets_the_report_made_since_the_click(
    owner_client, assessment, renders, respondent
):
    """Answers keep coming in: the report made after the click is served, though
    the scan changed again while it was made."""
    page = owner_client.get(url(assessment, "nl"))
    since = page.text.split("since=")[1].split('"')[0]
    run_tasks()
    respondent.label = "Anna B."  # a change after the render
    respondent.save()
    response = owner_client.get(f"{url(assessment, 'nl')}&since={since}")
    assert body(response) == b"%PDF-1.7 fake nl"
    # Without the moment of the click, the report is not current: made again.
    assert "prepared-status" in owner_client.get(url(assessment, "nl")).text


def test_the_page_says_so_when_no_worker_seems_to_be_running(
    owner_client, assessment, renders
):
    owner_client.get(url(assessment, "nl"))
    PreparedFile.objects.update(due_at=timezone.now() - timedelta(minutes=5))
    page = owner_client.get(url(assessment, "nl")).text
    assert "Er lijkt geen achtergrondproces te draaien" in page


# Failed: the reason and a retry -----------------------------------------------------


def test_a_failed_report_says_why_and_can_be_tried_again(
    owner_client, assessment, monkeypatch
):
    def too_slow(context):
        raise render_guard.RenderBudgetExceeded("not done after 20.0 s")

    monkeypatch.setattr(report, "render_pdf_guarded", too_slow)
    owner_client.get(url(assessment, "nl"))
    PreparedFile.objects.update(attempts=MAX_ATTEMPTS - 1)
    run_tasks()
    assert row(assessment).status == Status.FAILED

    page = owner_client.get(url(assessment, "nl"))
    assert page.status_code == 200
    assert "kon niet worden gemaakt" in page.text
    assert "not done after 20.0 s" in page.text
    assert "data-hx-get" not in page.text  # nothing to wait for
    retry = reverse("assessments:assessment-report-retry", args=[assessment.pk])
    assert f'action="{retry}"' in page.text

    monkeypatch.setattr(report, "render_pdf_guarded", lambda context: b"%PDF-ok")
    response = owner_client.post(retry, {"lang": "nl"})
    assert response.status_code == 302
    assert response.url == url(assessment, "nl")
    made = row(assessment)
    assert (made.status, made.attempts, made.error) == (Status.WAITING, 0, "")
    run_tasks()
    assert body(owner_client.get(url(assessment, "nl"))) == b"%PDF-ok"


def test_a_failed_attempt_that_will_be_retried_says_when(
    owner_client, assessment, monkeypatch
):
    def broken(context):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "render_pdf_guarded", broken)
    owner_client.get(url(assessment, "nl"))
    run_tasks()
    page = owner_client.get(url(assessment, "nl")).text
    assert "disk full" in page
    assert f"poging 2 van {MAX_ATTEMPTS}" in page
    assert "data-hx-get" in page  # still on its way


# The language, access, methods, throttle -----------------------------------------


def test_the_language_defaults_to_the_pages_language(owner_client, assessment, renders):
    download_prepared(owner_client, url(assessment))
    owner_client.cookies["django_language"] = "en"
    response = download_prepared(owner_client, url(assessment))
    assert response["Content-Disposition"].endswith('-en.pdf"')
    assert renders == ["nl", "en"]


@pytest.mark.parametrize("lang", ["xx", "../../etc", "EN", ""])
def test_an_unknown_language_falls_back_to_the_default(
    owner_client, assessment, renders, lang
):
    response = download_prepared(owner_client, url(assessment, lang))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-nl.pdf"')


@pytest.mark.parametrize("since", ["x", "nan", "inf", "-1", "1e300"])
def test_a_bad_moment_of_asking_is_ignored(owner_client, assessment, renders, since):
    response = owner_client.get(f"{url(assessment, 'nl')}&since={since}")
    assert response.status_code == 200
    assert "prepared-status" in response.text


@pytest.mark.parametrize("view", ["assessment-report", "assessment-report-status"])
def test_it_requires_a_login(client, assessment, renders, view):
    response = client.get(url(assessment, view=view))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not PreparedFile.objects.exists()


@pytest.mark.parametrize("view", ["assessment-report", "assessment-report-status"])
def test_an_outsider_gets_404_and_nothing_is_made(
    client, outsider, assessment, renders, view
):
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(url(assessment, view=view)).status_code == 404
    retry = url(assessment, view="assessment-report-retry")
    assert client.post(retry, {"lang": "nl"}).status_code == 404
    assert not PreparedFile.objects.exists()


def test_an_outsider_gets_404_for_a_report_that_is_ready(
    client, owner_client, outsider, assessment, renders
):
    download_prepared(owner_client, url(assessment, "nl"))
    client.logout()
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(url(assessment, "nl")).status_code == 404


def test_a_missing_assessment_is_404(owner_client, renders):
    response = owner_client.get(reverse("assessments:assessment-report", args=[999]))
    assert response.status_code == 404


def test_a_read_only_collaborator_may_download_and_retry(
    client, collaborator, assessment, renders
):
    client.login(username=collaborator.username, password=PASSWORD)
    response = download_prepared(client, url(assessment, "en"))
    assert body(response) == b"%PDF-1.7 fake en"
    retry = url(assessment, view="assessment-report-retry")
    assert client.post(retry, {"lang": "en"}).status_code == 302


def test_post_is_not_allowed_and_retry_is_post_only(owner_client, assessment, renders):
    assert owner_client.post(url(assessment)).status_code == 405
    retry = url(assessment, view="assessment-report-retry")
    assert owner_client.get(retry).status_code == 405


def test_too_many_downloads_get_a_friendly_429(
    owner_client, owner, assessment, renders
):
    limit, _window = throttle.LIMITS["report"]
    for _ in range(limit):
        throttle.hit("report", f"user:{owner.pk}")
    response = owner_client.get(url(assessment))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert not PreparedFile.objects.exists()
