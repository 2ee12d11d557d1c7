"""Results shared with the partners through a link (views/sharing.py, issue 16.7)."""

import io
import re
import time
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.branding import branding_save, consultant_word_save
from assessments.models import DimensionComment, SharedLink
from assessments.sharing import MAX_DAYS, shared_link_create, shared_link_revoke
from assessments.web import throttle

from ..conftest import CONFIRMED, make_action, make_respondent, png_logo, run_tasks
from ..test_results import answer_level

pytestmark = pytest.mark.django_db

# Unique markers seeded where only the consultant may see them.
NAME = "Zwaluwstaart Respondentnaam"
EMAIL = "uniek.adres@partner-alfa.example"


@pytest.fixture(autouse=True)
def _fresh_throttles(monkeypatch):
    cache.clear()
    now = time.time()
    monkeypatch.setattr(throttle, "time", type("Clock", (), {"time": lambda: now}))
    yield
    cache.clear()


@pytest.fixture
def answered(assessment):
    alfa, beta = assessment.partnership.organisations.all()
    answer_level(make_respondent(assessment, alfa, label=NAME, email=EMAIL), 4)
    answer_level(make_respondent(assessment, beta, label="Bert Beta"), 2)
    return assessment


def _share(assessment, organisation=None, days=30):
    return shared_link_create(
        assessment=assessment,
        organisation=organisation,
        last_day=timezone.localdate() + timedelta(days=days),
        created_by=assessment.partnership.owner,
    )


def _add_url(assessment):
    return reverse("assessments:shared-link-add", args=[assessment.pk])


def _revoke_url(link):
    return reverse("assessments:shared-link-revoke", args=[link.assessment_id, link.pk])


def _open(client, link, language="en"):
    return client.get(link.url, HTTP_ACCEPT_LANGUAGE=language)


# The consultant's side: share, see, revoke.


def test_an_editor_shares_the_results_until_a_chosen_day(client, owner, assessment):
    client.force_login(owner)
    last_day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        _add_url(assessment), {"organisation": "", "last_day": last_day.isoformat()}
    )
    assert response.status_code == 302
    link = SharedLink.objects.get(assessment=assessment)
    assert link.organisation is None
    assert timezone.localtime(link.expires_at).date() == last_day + timedelta(days=1)
    assert link.last_day == last_day
    page = client.get(response.url.split("#")[0], HTTP_ACCEPT_LANGUAGE="en")
    assert link.url in page.content.decode()


def test_the_token_is_stored_hashed_only(owner, assessment):
    link = _share(assessment)
    token = link.url.strip("/").split("/")[-1]
    assert len(token) >= 32
    row = SharedLink.objects.filter(pk=link.pk).values().get()
    assert token not in {str(value) for value in row.values()}


def test_a_link_for_one_organisation_greets_it(client, owner, answered):
    beta = answered.partnership.organisations.get(name="Beta")
    client.force_login(owner)
    client.post(
        _add_url(answered),
        {
            "organisation": str(beta.pk),
            "last_day": timezone.localdate().isoformat(),
        },
    )
    link = SharedLink.objects.get()
    assert link.organisation == beta
    client.logout()
    html = _open(client, link).content.decode()
    assert "For Beta" in html
    assert "Beta <span" in html and "(your organisation)" in html
    # The same figures as the link for everyone: only the greeting differs.
    everyone = _open(client, _share(answered)).content.decode()
    assert _scores_table(html) == _scores_table(everyone)


def test_a_day_too_far_or_past_is_refused_with_a_message(client, owner, assessment):
    client.force_login(owner)
    today = timezone.localdate()
    for day, message in (
        (today + timedelta(days=MAX_DAYS + 1), "at most 180 days"),
        (today - timedelta(days=1), "That day has passed"),
    ):
        response = client.post(
            _add_url(assessment),
            {"organisation": "", "last_day": day.isoformat()},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not SharedLink.objects.exists()


def test_an_organisation_of_another_partnership_is_refused(
    client, owner, assessment, other_respondent
):
    client.force_login(owner)
    foreign = other_respondent.organisation
    response = client.post(
        _add_url(assessment),
        {"organisation": str(foreign.pk), "last_day": timezone.localdate().isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SharedLink.objects.exists()


def test_the_form_proposes_a_month(client, owner, assessment):
    client.force_login(owner)
    html = client.get(_add_url(assessment)).content.decode()
    assert (timezone.localdate() + timedelta(days=30)).isoformat() in html


def test_a_read_only_collaborator_sees_links_but_cannot_share(
    client, collaborator, assessment
):
    link = _share(assessment)
    client.force_login(collaborator)
    page = client.get(
        reverse("assessments:assessment-detail", args=[assessment.pk])
    ).content.decode()
    assert link.url in page
    assert _add_url(assessment) not in page
    assert _revoke_url(link) not in page
    response = client.post(
        _add_url(assessment),
        {"organisation": "", "last_day": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert client.post(_revoke_url(link), CONFIRMED).status_code == 403
    link.refresh_from_db()
    assert link.is_active
    assert SharedLink.objects.count() == 1


def test_an_outsider_gets_404(client, outsider, assessment):
    link = _share(assessment)
    client.force_login(outsider)
    assert client.get(_add_url(assessment)).status_code == 404
    assert client.post(_revoke_url(link), CONFIRMED).status_code == 404
    link.refresh_from_db()
    assert link.is_active


def test_sharing_requires_login(client, assessment):
    response = client.get(_add_url(assessment))
    assert response.status_code == 302
    assert "/login" in response.url


def test_revoking_asks_first(client, owner, assessment):
    link = _share(assessment)
    client.force_login(owner)
    page = client.post(_revoke_url(link), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'name="confirmed" value="yes"' in page.content.decode()
    assert client.get(_revoke_url(link)).status_code == 200
    link.refresh_from_db()
    assert link.is_active
    response = client.post(_revoke_url(link), CONFIRMED)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.is_revoked
    assert link.token_hash is None


# The partners' side: the page behind the link.


def test_the_link_shows_the_results_without_an_account(client, answered):
    link = _share(answered)
    response = _open(client, link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "readiness index" in html
    assert "Weakest link" in html
    assert 'id="scores-table"' in html
    assert "Report (PDF)" in html


def test_the_page_keeps_out_of_caches_indexes_and_referers(client, answered):
    response = _open(client, _share(answered))
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in response.content.decode()


def test_the_page_shows_no_names_answers_exports_or_workspace(client, owner, answered):
    alfa = answered.partnership.organisations.get(name="Alfa")
    answered.allow_comments = True
    answered.save()
    respondent = answered.respondents.get(label=NAME)
    dimension = answered.question_set.dimensions.get(code="BV1")
    DimensionComment.objects.create(
        respondent=respondent, dimension=dimension, text="Opmerking zichtbaar"
    )
    make_action(answered, title="Gedeelde actie", owners=[alfa])
    client.force_login(owner)  # even a logged-in consultant sees the partners' page
    link = _share(answered)
    html = _open(client, link).content.decode()
    assert NAME not in html
    assert EMAIL not in html
    assert "Bert Beta" not in html
    assert "Gedeelde actie" in html  # the agreed actions are shown
    assert "Opmerking zichtbaar" in html  # anonymous, as on the results page
    # Only the links of the page itself: no workspace, exports, edits or logout.
    paths = set(re.findall(r'(?:href|action)="(/[^"#?]*)', html))
    assert link.url + "report/" in paths
    allowed = (link.url, "/static/", "/i18n/setlang/")
    assert all(path.startswith(allowed) for path in paths), paths
    assert "/assessments/" not in html
    assert "csv" not in html.lower().replace("text/csv", "")
    assert "Log out" not in html


def test_an_unknown_token_is_404(client, answered):
    _share(answered)
    response = client.get(reverse("assessments:shared-results", args=["x" * 64]))
    assert response.status_code == 404


def test_a_revoked_link_is_404_like_an_unknown_one(client, owner, answered):
    link = _share(answered)
    url = link.url
    client.force_login(owner)
    client.post(_revoke_url(link), CONFIRMED)
    client.logout()
    revoked = client.get(url)
    unknown = client.get(reverse("assessments:shared-results", args=["y" * 64]))
    assert revoked.status_code == unknown.status_code == 404
    assert _page(revoked, url) == _page(unknown, "/r/" + "y" * 64 + "/")
    assert client.get(url + "report/").status_code == 404


def test_the_link_opens_through_its_last_day_then_expires(
    client, answered, monkeypatch
):
    link = _share(answered, days=2)
    url = link.url
    last_day = timezone.localdate() + timedelta(days=2)

    def clock_at(moment):
        aware = timezone.make_aware(moment)
        monkeypatch.setattr(timezone, "now", lambda: aware)

    clock_at(datetime.combine(last_day, datetime.max.time()))
    assert client.get(url).status_code == 200
    clock_at(datetime.combine(last_day + timedelta(days=1), datetime.min.time()))
    assert client.get(url).status_code == 404


def test_opening_is_logged_and_shown_to_the_consultant(client, owner, answered):
    link = _share(answered)
    _open(client, link)
    _open(client, link)
    link.refresh_from_db()
    assert link.open_count == 2
    assert link.first_opened_at <= link.last_opened_at
    client.force_login(owner)
    page = client.get(
        reverse("assessments:assessment-detail", args=[answered.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "2 times, last on" in page


def test_guessing_tokens_is_throttled(client, answered):
    link = _share(answered)
    limit = throttle.LIMITS["token"][0]
    for i in range(limit):
        assert client.get(f"/r/{i:064d}/").status_code == 404
    assert client.get(f"/r/{'9' * 64}/").status_code == 429
    # Blocked clients are refused before the lookup, valid links included.
    assert _open(client, link).status_code == 429
    link.refresh_from_db()
    assert link.open_count == 0


def test_the_page_rejects_post(client, answered):
    assert client.post(_share(answered).url).status_code == 405


@pytest.mark.slow
def test_the_pdf_is_served_from_the_stored_report(client, answered):
    link = _share(answered)
    url = link.url + "report/?lang=en"
    waiting = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert waiting.status_code == 200
    html = waiting.content.decode()
    assert "being prepared" in html
    assert "/assessments/" not in html
    assert "no-store" in waiting["Cache-Control"]
    run_tasks()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Alfa" in text
    assert NAME not in text
    assert "Bert Beta" not in text


def _scores_table(html):
    """The figures of the scores table (its body, without the column headers)."""
    start = html.index("<tbody", html.index('id="scores-table"'))
    return html[start : html.index("</table>", start)]


def _page(response, path):
    """The page without what differs per request: the CSRF token and the path the
    language switch returns to."""
    html = response.content.decode().replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# What the results page shows besides the figures (issue 16.7): branding, the
# consultant's word, the statement figures.

BRAND = {
    "firm_name": "Rits & Partners Advies",
    "accent_colour": "#1f4e79",
    "contact_name": "Carla Consultant",
    "contact_email": "carla@rits.example",
}


def test_the_shared_page_carries_the_consultants_branding(client, owner, answered):
    branding_save(consultant=owner, fields=BRAND, logo=png_logo())
    link = _share(answered)
    html = _open(client, link).content.decode()
    assert "Rits &amp; Partners Advies" in html
    assert "carla@rits.example" in html
    assert f'src="{link.url}logo/?v=' in html
    assert f'href="{link.url}branding.css?v=' in html
    # The workspace's login routes are never used from the partners' page.
    assert f"/assessments/{answered.pk}/logo/" not in html
    logo = client.get(link.url + "logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert "no-store" in logo["Cache-Control"]
    css = client.get(link.url + "branding.css")
    assert css.status_code == 200 and "#1f4e79" in css.content.decode()


def test_the_logo_and_stylesheet_close_with_the_link(client, owner, answered):
    branding_save(consultant=owner, fields=BRAND, logo=png_logo())
    link = _share(answered)
    logo_url, css_url = link.url + "logo/", link.url + "branding.css"
    assert client.get(logo_url).status_code == 200
    link.refresh_from_db()
    shared_link_revoke(link=link)
    assert client.get(logo_url).status_code == 404
    assert client.get(css_url).status_code == 404
    other = reverse("assessments:shared-logo", args=["y" * 64])
    assert client.get(other).status_code == 404


def test_without_a_profile_the_shared_page_is_neutral(client, answered):
    link = _share(answered)
    html = _open(client, link).content.decode()
    assert "results-branding" not in html
    assert client.get(link.url + "logo/").status_code == 404


def test_the_shared_page_shows_the_consultants_word_sanitised(client, owner, answered):
    branding_save(consultant=owner, fields=BRAND)
    consultant_word_save(
        assessment=answered,
        foreword="<strong>Samen</strong> verder.<script>alert(1)</script><img src=x>",
        recommendations=["Eerst de businesscase", "Dan de cultuur"],
        commentary={"RS1": "De baten zijn nog niet helder."},
    )
    html = _open(client, _share(answered), "nl").content.decode()
    assert "Het woord van de adviseur (Rits &amp; Partners Advies)" in html
    assert "Eerst de businesscase" in html and "Dan de cultuur" in html
    assert "De baten zijn nog niet helder." in html
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html and 'src="x"' not in html
    assert "Schrijf een voorwoord" not in html  # nothing to edit here


def test_the_shared_page_shows_the_statement_figures(client, answered):
    html = _open(client, _share(answered), "nl").content.decode()
    statement = answered.question_set.dimensions.get(code="BV1").questions.first()
    assert "Stelling voor stelling" in html
    assert statement.text_nl in html
    assert NAME not in html and "Bert Beta" not in html
