"""The consultancy's part (assessments/branding): logo checks, accent contrast, the
consultant's texts sanitised, the fingerprint, the PDF with and without branding,
and the invitation and reminder mails."""

import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from assessments import report
from assessments.branding import (
    accent_for_text,
    branding_of,
    branding_save,
    consultant_word_save,
    contrast_with_white,
    word_of,
)
from assessments.branding.logo import KEEP_MAX_SIZE, logo_clean
from assessments.branding.text import safe_html
from assessments.report import LOGO_URL, StaticFilesFetcher, build_report_context
from assessments.results.fingerprint import fingerprint
from assessments.workspace.invitations import invitation_send, reminder_send

from .conftest import make_respondent, png_logo, run_tasks
from .test_report import fill, pdf_text


def upload(data, name="logo.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def image_bytes(kind="PNG", size=(300, 100), **save):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind, **save)
    return out.getvalue()


# --- the logo --------------------------------------------------------------------


@pytest.mark.parametrize("kind, suffix", [("PNG", "png"), ("JPEG", "jpg")])
def test_a_png_or_jpeg_logo_is_kept_re_encoded(kind, suffix):
    data, got = logo_clean(upload(image_bytes(kind)))
    assert got == suffix
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == kind
        assert image.size == (300, 100)


def test_re_encoding_strips_metadata_and_trailing_data():
    exif = Image.Exif()
    exif[0x010E] = "secret GPS note"  # ImageDescription
    source = image_bytes("JPEG", exif=exif.tobytes()) + b"<script>trailer</script>"
    data, _suffix = logo_clean(upload(source, "logo.jpg"))
    assert b"secret GPS note" not in data
    assert b"trailer" not in data


def test_a_large_logo_is_scaled_down():
    data, _suffix = logo_clean(upload(image_bytes(size=(4000, 1000))))
    with Image.open(io.BytesIO(data)) as image:
        assert image.size[0] <= KEEP_MAX_SIZE[0]
        assert image.size[1] <= KEEP_MAX_SIZE[1]


@pytest.mark.parametrize(
    "data, code",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "logo_unreadable"),
        (b"GIF89a" + b"\x00" * 40, "logo_unreadable"),
        (image_bytes("GIF"), "logo_format"),
        (image_bytes("PNG")[:60], "logo_unreadable"),
        (b"\x00" * (2 * 1024 * 1024 + 1), "logo_too_large"),
    ],
    ids=["svg", "junk", "gif", "truncated png", "too many bytes"],
)
def test_anything_but_a_sound_png_or_jpeg_is_refused_with_a_reason(data, code):
    with pytest.raises(ValidationError) as error:
        logo_clean(upload(data))
    assert error.value.code == code


def test_a_decompression_bomb_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # small file, 100 megapixels
    with pytest.raises(ValidationError) as error:
        logo_clean(upload(out.getvalue()))
    assert error.value.code == "logo_pixels"


# --- the accent colour -----------------------------------------------------------


@pytest.mark.parametrize(
    "colour, ratio",
    [("#ffffff", 1.0), ("#000000", 21.0), ("#1f4e79", 8.66), ("#767676", 4.54)],
)
def test_contrast_against_white_follows_wcag(colour, ratio):
    assert contrast_with_white(colour) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    "colour, legible",
    [("#1f4e79", True), ("#767676", True), ("#777777", False), ("#ffcc00", False)],
)
def test_a_pale_accent_only_decorates(colour, legible):
    assert accent_for_text(colour) is legible


# --- the consultant's texts ------------------------------------------------------


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("Eerst <strong>samen</strong> kijken.", "<p>Eerst <strong>samen</strong>"),
        ("Eén\n\nTwee", "<p>Eén</p><p>Twee</p>"),
        ("<ul><li>a</li></ul>", "<ul><li>a</li></ul>"),
        ("<p onclick='x()'>a</p>", "<p>a</p>"),
        ('<a href="https://evil.example">link</a>', "<p>link</p>"),
    ],
)
def test_the_foreword_keeps_only_simple_formatting(typed, shown):
    assert shown in safe_html(typed)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="https://evil.example/pixel.png">',
        "<style>body{background:url(https://evil.example/)}</style>",
        '<iframe src="https://evil.example/"></iframe>',
    ],
)
def test_hostile_markup_is_dropped(hostile):
    html = safe_html(f"Voor {hostile} na")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<style" not in html and "evil.example" not in html
    assert "Voor" in html and "na" in html


# --- what outputs depend on ------------------------------------------------------


@pytest.mark.django_db
def test_the_fingerprint_moves_with_branding_and_the_consultants_word(
    owner, assessment
):
    before = fingerprint(assessment)
    branding_save(consultant=owner, fields={"firm_name": "Rits & Co"})
    with_branding = fingerprint(assessment)
    assert with_branding != before
    consultant_word_save(
        assessment=assessment, foreword="Hallo", recommendations=[], commentary={}
    )
    assert fingerprint(assessment) != with_branding


@pytest.mark.django_db
def test_without_a_profile_nothing_is_branded(assessment):
    assert branding_of(assessment) is None
    assert word_of(assessment) is None


@pytest.mark.django_db
def test_collaborators_outputs_carry_the_owners_branding(
    owner, collaborator, assessment
):
    branding_save(consultant=collaborator, fields={"firm_name": "Collega BV"})
    branding_save(consultant=owner, fields={"firm_name": "Rits & Co"})
    assert branding_of(assessment)["firm"] == "Rits & Co"


@pytest.mark.django_db
def test_a_replaced_logo_file_is_deleted(owner, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    with django_capture_on_commit_callbacks(execute=True):
        first = branding_save(
            consultant=owner, fields={"firm_name": "Rits"}, logo=png_logo()
        ).logo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = branding_save(
            consultant=owner, fields={"firm_name": "Rits"}, logo=png_logo()
        ).logo.name
    assert first != second
    assert default_storage.exists(second) and not default_storage.exists(first)


# --- the PDF ---------------------------------------------------------------------


def test_the_fetcher_serves_the_logo_from_memory_and_still_refuses_data_uris():
    fetcher = StaticFilesFetcher({LOGO_URL: (b"png-bytes", "image/png")})
    assert fetcher.fetch(LOGO_URL).read() == b"png-bytes"
    with pytest.raises(report.RefusedURL):
        fetcher.fetch("data:image/png;base64,iVBORw0KGgo=")
    with pytest.raises(report.RefusedURL):
        fetcher.fetch("https://evil.example/logo.png")


def _images(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return [image for page in reader.pages[:1] for image in page.images]


@pytest.mark.slow
@pytest.mark.django_db
def test_the_branded_report_shows_logo_firm_contact_and_the_consultants_word(
    owner, assessment, monkeypatch
):
    fill(assessment)
    branding_save(
        consultant=owner,
        fields={
            "firm_name": "Adviesbureau Rits",
            "accent_colour": "#7a1f5c",
            "contact_name": "Kim de Vries",
            "contact_email": "kim@rits.example",
            "contact_phone": "+31 20 123 4567",
            "footer_text": "Rits · vertrouwelijk",
        },
        logo=png_logo(),
    )
    consultant_word_save(
        assessment=assessment,
        foreword=(
            "Beide partners zijn <strong>klaar</strong> om te beginnen."
            '<script>alert("x")</script><img src="https://evil.example/p.png">'
        ),
        recommendations=["Leg de afspraken vast", "Begin klein", ""],
        commentary={"RS4": "Contracten verdienen een eigen gesprek."},
    )
    fetched = []
    original = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    pdf = report.render_pdf(build_report_context(assessment, "nl"))
    text = pdf_text(pdf)

    assert "Adviesbureau Rits" in text
    assert "kim@rits.example" in text and "+31 20 123 4567" in text
    assert "Rits · vertrouwelijk" in text  # the running footer
    assert "klaar om te beginnen" in text
    assert "1. Leg de afspraken vast" in text or "Leg de afspraken vast" in text
    assert "Contracten verdienen een eigen gesprek." in text
    assert "alert" not in text and "evil.example" not in text
    assert not any("evil.example" in url for url in fetched)
    assert LOGO_URL in fetched
    assert len(_images(pdf)) == 1  # the logo on the cover


@pytest.mark.slow
@pytest.mark.django_db
def test_the_unbranded_report_stays_neutral(assessment):
    fill(assessment)
    pdf = report.render_pdf(build_report_context(assessment, "en"))
    text = pdf_text(pdf)
    assert "A report by" not in text
    assert "The consultant's word" not in text
    assert "Partnerscan ·" in text  # the neutral footer
    assert _images(pdf) == []


# --- e-mail ----------------------------------------------------------------------


@pytest.mark.django_db
def test_invitations_and_reminders_carry_the_firm_as_sender_and_signature(
    owner, assessment
):
    owner.first_name, owner.last_name = "Kim", "de Vries"
    owner.save()
    branding_save(
        consultant=owner,
        fields={"firm_name": "Adviesbureau Rits", "contact_phone": "020 123 4567"},
    )
    make_respondent(assessment, label="Anna", email="anna@example.org")
    invitation_send(respondents=assessment.respondents.all(), consultant=owner)
    run_tasks()
    reminder_send(respondents=assessment.respondents.all(), consultant=owner)
    run_tasks()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.from_email.startswith("Adviesbureau Rits <")
        assert message.body.rstrip().endswith(
            "Kim de Vries\nAdviesbureau Rits\n020 123 4567"
        )


@pytest.mark.django_db
def test_without_branding_mails_are_signed_by_the_consultant_alone(owner, assessment):
    owner.first_name, owner.last_name = "Kim", "de Vries"
    owner.save()
    make_respondent(assessment, label="Anna", email="anna@example.org")
    invitation_send(respondents=assessment.respondents.all(), consultant=owner)
    run_tasks()
    (message,) = mail.outbox
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.body.rstrip().endswith("Kim de Vries")
