"""The branding profile, its logo and the consultant's word (views/branding.py),
and where they show: the results page and the participant's welcome page."""

import io
import os

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assessments.branding import branding_save, consultant_word_save
from assessments.branding.models import BrandingProfile, ConsultantWord

from ..conftest import png_logo
from ..test_results import _people
from .test_questionnaire import WELCOME, start

pytestmark = pytest.mark.django_db

BRANDING = reverse("assessments:branding")
OWN_LOGO = reverse("assessments:branding-logo")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def logo_file(kind="PNG", name="logo.png"):
    out = io.BytesIO()
    Image.new("RGB", (200, 80), (20, 60, 120)).save(out, kind)
    out.name = name
    out.seek(0)
    return out


def word_url(assessment):
    return reverse("assessments:assessment-word", args=[assessment.pk])


def results_url(assessment):
    return reverse("assessments:assessment-results", args=[assessment.pk])


def logo_url(assessment):
    return reverse("assessments:assessment-logo", args=[assessment.pk])


# --- the profile -----------------------------------------------------------------


def test_a_consultant_sets_up_branding_with_a_logo(client, owner):
    client.force_login(owner)
    response = client.post(
        BRANDING,
        {
            "firm_name": "Adviesbureau Rits",
            "accent_colour": "#7A1F5C",
            "contact_email": "kim@rits.example",
            "logo_upload": logo_file(),
        },
    )
    assert response.status_code == 302
    profile = BrandingProfile.objects.get(consultant=owner)
    assert profile.firm_name == "Adviesbureau Rits"
    assert profile.accent_colour == "#7a1f5c"
    logo = client.get(OWN_LOGO)
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "The logo must be a PNG or JPEG image."),
        ("nl", "Het logo moet een PNG- of JPEG-afbeelding zijn."),
    ],
)
def test_a_gif_logo_is_refused_in_the_users_language(client, owner, language, message):
    client.force_login(owner)
    response = client.post(
        BRANDING,
        {"firm_name": "Rits", "logo_upload": logo_file("GIF", "logo.gif")},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert message in response.text
    assert not BrandingProfile.objects.exists()


def noise_png(side):
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    out.name = "logo.png"
    out.seek(0)
    return out


def test_a_logo_of_almost_2_mb_is_accepted(client, owner):
    logo = noise_png(800)  # random pixels do not compress: about 1.9 MB
    assert 1.8e6 < len(logo.getvalue()) < 2 * 1024 * 1024
    client.force_login(owner)
    response = client.post(BRANDING, {"firm_name": "Rits", "logo_upload": logo})
    assert response.status_code == 302
    assert BrandingProfile.objects.get(consultant=owner).logo


def test_a_logo_over_2_mb_gets_a_clear_message(client, owner):
    client.force_login(owner)
    response = client.post(
        BRANDING,
        {"firm_name": "Rits", "logo_upload": noise_png(900)},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 200
    assert "Het logo mag hoogstens 2 MB groot zijn." in response.text
    assert not BrandingProfile.objects.exists()


def test_an_svg_logo_is_refused(client, owner):
    client.force_login(owner)
    svg = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    svg.name = "logo.svg"
    response = client.post(
        BRANDING, {"firm_name": "Rits", "logo_upload": svg}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "not a readable PNG or JPEG image" in response.text
    assert not BrandingProfile.objects.exists()


def test_a_colour_that_is_not_hex_is_refused(client, owner):
    client.force_login(owner)
    response = client.post(
        BRANDING,
        {"firm_name": "Rits", "accent_colour": "#12345g"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "six hexadecimal digits" in response.text
    assert not BrandingProfile.objects.exists()


def test_a_pale_colour_is_accepted_with_a_note_that_it_only_decorates(client, owner):
    client.force_login(owner)
    client.post(BRANDING, {"firm_name": "Rits", "accent_colour": "#ffcc00"})
    response = client.get(BRANDING, HTTP_ACCEPT_LANGUAGE="en")
    assert "used for bars and lines only" in response.text


def test_the_logo_can_be_removed(client, owner):
    branding_save(consultant=owner, fields={"firm_name": "Rits"}, logo=png_logo())
    client.force_login(owner)
    client.post(BRANDING, {"firm_name": "Rits", "remove_logo": "on"})
    assert not BrandingProfile.objects.get(consultant=owner).logo
    assert client.get(OWN_LOGO).status_code == 404


def test_the_profile_requires_login(client):
    response = client.get(BRANDING)
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- the logo on a scan's pages --------------------------------------------------


def test_the_scans_logo_reaches_collaborators_but_not_outsiders(
    client, owner, collaborator, outsider, assessment
):
    branding_save(consultant=owner, fields={"firm_name": "Rits"}, logo=png_logo())
    for user, status in ((owner, 200), (collaborator, 200), (outsider, 404)):
        client.force_login(user)
        assert client.get(logo_url(assessment)).status_code == status


# --- the results page ------------------------------------------------------------


def test_the_results_page_shows_the_owners_branding(
    client, owner, collaborator, assessment
):
    branding_save(
        consultant=owner,
        fields={"firm_name": "Adviesbureau Rits", "contact_phone": "020 123"},
        logo=png_logo(),
    )
    client.force_login(collaborator)
    text = client.get(results_url(assessment), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Adviesbureau Rits" in text and "020 123" in text
    assert f'src="{logo_url(assessment)}?v=' in text


def test_without_a_profile_the_results_page_is_neutral(client, owner, assessment):
    client.force_login(owner)
    text = client.get(results_url(assessment)).text
    assert "results-branding" not in text


# --- the consultant's word -------------------------------------------------------


def test_an_editor_writes_the_word_and_it_shows_on_the_results_page(
    client, owner, assessment
):
    _people(assessment, "Alfa", [4, 5])
    _people(assessment, "Beta", [2])
    client.force_login(owner)
    response = client.post(
        word_url(assessment),
        {
            "foreword": "Beide partners zijn <em>klaar</em>.\n\nTweede alinea.",
            "recommendation_1": "Leg de afspraken vast",
            "recommendation_3": "Begin klein",
            "commentary_RS4": "Contracten eerst.",
        },
    )
    assert response.status_code == 302
    word = ConsultantWord.objects.get(assessment=assessment)
    assert word.recommendations == ["Leg de afspraken vast", "Begin klein"]
    assert word.commentary == {"RS4": "Contracten eerst."}
    text = client.get(results_url(assessment), HTTP_ACCEPT_LANGUAGE="en").text
    assert "<p>Beide partners zijn <em>klaar</em>.</p><p>Tweede alinea.</p>" in text
    assert "<li>Leg de afspraken vast</li>" in text
    assert "Contracten eerst." in text


def test_script_and_images_in_the_foreword_never_reach_the_page(
    client, owner, assessment
):
    consultant_word_save(
        assessment=assessment,
        foreword='Tekst <script>alert(1)</script><img src="https://evil.example/x">',
        recommendations=["<script>alert(2)</script>"],
        commentary={},
    )
    client.force_login(owner)
    text = client.get(results_url(assessment)).text
    assert "alert(1)" not in text
    assert "evil.example" not in text
    # A recommendation is plain text: shown, escaped, never run.
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text


def test_read_only_collaborators_read_the_word_but_cannot_write_it(
    client, collaborator, assessment
):
    consultant_word_save(
        assessment=assessment, foreword="Ons woord", recommendations=[], commentary={}
    )
    client.force_login(collaborator)
    text = client.get(results_url(assessment)).text
    assert "Ons woord" in text
    assert word_url(assessment) not in text
    assert client.get(word_url(assessment)).status_code == 403
    response = client.post(word_url(assessment), {"foreword": "Overschreven"})
    assert response.status_code == 403
    assert ConsultantWord.objects.get(assessment=assessment).foreword == "Ons woord"


def test_outsiders_get_404_on_the_word(client, outsider, assessment):
    client.force_login(outsider)
    assert client.get(word_url(assessment)).status_code == 404
    assert client.post(word_url(assessment), {"foreword": "x"}).status_code == 404
    assert not ConsultantWord.objects.exists()


def test_a_too_long_foreword_is_refused_and_nothing_is_stored(
    client, owner, assessment
):
    client.force_login(owner)
    response = client.post(
        word_url(assessment), {"foreword": "x" * 7000}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "at most 6000 characters" in response.text
    assert not ConsultantWord.objects.exists()


# --- the participant's welcome page ----------------------------------------------


def test_the_welcome_page_says_on_whose_behalf(client, owner, respondent):
    branding_save(
        consultant=owner,
        fields={"firm_name": "Adviesbureau Rits", "contact_email": "kim@rits.example"},
    )
    start(client, respondent)
    text = client.get(WELCOME).text
    assert "namens <strong>Adviesbureau Rits</strong>" in text
    assert "kim@rits.example" in text


def test_without_branding_the_welcome_page_is_neutral(client, respondent):
    start(client, respondent)
    assert "welcome-branding" not in client.get(WELCOME).text
    assert client.get(reverse("assessments:questionnaire-logo")).status_code == 404


def test_the_participant_sees_the_logo_of_their_own_scan_only(
    client, owner, respondent, other_respondent
):
    branding_save(consultant=owner, fields={"firm_name": "Rits"}, logo=png_logo())
    logo = reverse("assessments:questionnaire-logo")
    start(client, respondent)
    assert f'src="{logo}?v=' in client.get(WELCOME).text
    assert client.get(logo).status_code == 200
    client.logout()
    start(client, other_respondent)  # another consultant's scan, unbranded
    assert client.get(logo).status_code == 404


# --- the stored report -----------------------------------------------------------


@pytest.mark.slow
def test_a_stored_report_is_made_again_when_the_branding_or_the_word_changes(
    client, owner, assessment
):
    from ..conftest import download_prepared
    from ..test_report import fill, pdf_text

    fill(assessment)
    client.force_login(owner)
    url = reverse("assessments:assessment-report", args=[assessment.pk])
    neutral = download_prepared(client, url, {"lang": "nl"})
    assert "Adviesbureau Rits" not in pdf_text(b"".join(neutral.streaming_content))

    branding_save(
        consultant=owner, fields={"firm_name": "Adviesbureau Rits"}, logo=png_logo()
    )
    consultant_word_save(
        assessment=assessment,
        foreword="Ons voorwoord.",
        recommendations=["Begin klein"],
        commentary={},
    )
    stale = client.get(url, {"lang": "nl"})
    assert not stale.has_header("Content-Disposition")  # not the old file
    branded = download_prepared(client, url, {"lang": "nl"})
    pdf = b"".join(branded.streaming_content)
    text = pdf_text(pdf)
    assert "Een rapport van Adviesbureau Rits" in text
    # The logo went through the render guard's child process to the cover.
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    assert "Ons voorwoord." in text and "Begin klein" in text


# --- the accent colour on the scan's pages ---------------------------------------


def css_url(assessment):
    return reverse("assessments:assessment-branding-css", args=[assessment.pk])


@pytest.mark.parametrize(
    "colour, colours_text", [("#7a1f5c", True), ("#ffcc00", False)]
)
def test_the_accent_colours_text_only_when_legible(
    client, owner, collaborator, assessment, colour, colours_text
):
    branding_save(
        consultant=owner, fields={"firm_name": "Rits", "accent_colour": colour}
    )
    client.force_login(collaborator)
    assert css_url(assessment) in client.get(results_url(assessment)).text
    css = client.get(css_url(assessment)).content.decode()
    assert f"border-bottom: 0.25rem solid {colour}" in css
    assert (f"color: {colour}" in css) is colours_text


def test_outsiders_get_404_on_the_accent_stylesheet(
    client, owner, outsider, assessment
):
    branding_save(
        consultant=owner, fields={"firm_name": "Rits", "accent_colour": "#7a1f5c"}
    )
    client.force_login(outsider)
    assert client.get(css_url(assessment)).status_code == 404
