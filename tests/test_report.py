"""The PDF report: contents, safety, query count, looks and speed path (the worker
that makes and stores it: tests/test_prepared_files.py)."""

import io
import re
import shutil
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfReader

from assessments import report, scoring
from assessments.models import Answer, Assessment, DimensionComment, Question
from assessments.report import (
    RefusedURL,
    StaticFilesFetcher,
    build_report_context,
    html_to_pdf,
    limits as report_limits,
    render_pdf,
    report_filename,
    static_path,
)
from assessments.results import VERDICT_LABELS, results_json

from .conftest import answer_all, make_assessment, make_partnership, make_respondent

STATIC = f"{report.REPORT_ORIGIN}/static/"


def answer_pattern(respondent, shift=0, submitted=True):
    """Answers that vary per question (1-5), shifted per respondent."""
    questions = Question.objects.filter(
        dimension__question_set=respondent.assessment.question_set
    ).order_by("dimension__position", "position")
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=(i * 7 + shift) % 5 + 1)
        for i, q in enumerate(questions)
    )
    if submitted:
        respondent.submitted_at = timezone.now()
        respondent.save(update_fields=["submitted_at", "updated_at"])


def fill(assessment, per_organisation=2):
    for position, organisation in enumerate(assessment.partnership.organisations.all()):
        for i in range(per_organisation):
            respondent = make_respondent(
                assessment, organisation, label=f"{organisation.name[:190]} {i}"
            )
            answer_pattern(respondent, shift=position * 2 + i)


def pdf_text(pdf):
    """All text of the PDF, whitespace collapsed (lines wrap differently)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())


# The url fetcher -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{STATIC}css/report.css",
        f"{STATIC}img/logo.svg",
    ],
)
def test_the_fetcher_serves_the_apps_own_static_files(url):
    response = StaticFilesFetcher().fetch(url)
    assert response.read()
    assert response.content_type in {"text/css", "image/svg+xml"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/report.css",
        "https://example.org/x.png",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "ftp://127.0.0.1/x.css",
        f"{STATIC}../partnerscan/settings.py",
        f"{STATIC}%2e%2e/%2e%2e/etc/passwd",
        f"{STATIC}css/../../manage.py",
        f"{STATIC}css/report.css?x=1",
        f"{STATIC}/etc/passwd.css",
        f"{STATIC}css\\..\\x.css",
        f"{report.REPORT_ORIGIN}/admin/",
        f"{STATIC}css/missing.css",
        "https://report.partnerscan.invalid.evil.example/static/css/report.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(url)


def test_only_allowed_kinds_of_static_file_qualify():
    assert static_path(f"{STATIC}css/report.css") == "css/report.css"
    with pytest.raises(RefusedURL):
        static_path(f"{STATIC}js/anything.js")


# Contents --------------------------------------------------------------------------


@pytest.fixture
def scanned(assessment):
    assessment.title = "Nulmeting"
    assessment.save()
    fill(assessment)
    first = assessment.respondents.first()
    dimension = assessment.question_set.dimensions.get(code="RS4")
    DimensionComment.objects.create(
        respondent=first, dimension=dimension, text="Contracten eerst bespreken."
    )
    return assessment


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_report_shows_names_dimensions_figures_and_method(scanned, language):
    context = build_report_context(scanned, language)
    pdf = render_pdf(context)
    text = pdf_text(pdf)
    data = results_json(scanned, language)

    assert "Alfa & Beta" in text
    assert "Alfa" in text and "Beta" in text
    for dimension in scanned.question_set.dimensions.all():
        assert getattr(dimension, f"name_{language}") in text
    # Figure for figure what the JSON export says, displayed as the page does.
    index = scoring.display(data["readiness_index"])
    label = "Readiness index" if language == "en" else "Gereedheidsindex"
    assert re.search(rf"{label}\s+{index}\s*/\s*100", text, re.IGNORECASE)
    with translation.override(language):
        verdict = str(VERDICT_LABELS[data["verdict"]])
    assert verdict in text
    for row in data["dimensions"]:
        assert f"{row['code']} " in text
    # The method appendix with the pinned question list.
    question = scanned.question_set.dimensions.get(code="BV1").questions.first()
    assert " ".join(getattr(question, f"text_{language}").split()[:6]) in text
    appendix = "Appendix" if language == "en" else "Bijlage"
    assert appendix in text
    assert "Contracten eerst bespreken." in text
    reader = PdfReader(io.BytesIO(pdf))
    assert "Alfa & Beta" in reader.metadata.title
    # Tagged, in the report's language: screen readers get structure and voice.
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith(language)


@pytest.mark.django_db
def test_comments_stay_out_when_the_scan_does_not_allow_them(scanned):
    scanned.allow_comments = False
    scanned.save()
    context = build_report_context(scanned, "nl")
    assert all(not row["report_comments"] for row in context["dimensions"])


@pytest.mark.django_db
def test_the_report_quotes_a_few_comments_per_dimension_and_cuts_long_ones(scanned):
    dimension = scanned.question_set.dimensions.get(code="BV2")
    organisation = scanned.partnership.organisations.first()
    for i in range(report_limits.COMMENTS_PER_DIMENSION + 3):
        respondent = make_respondent(scanned, organisation, label=f"Extra {i}")
        DimensionComment.objects.create(
            respondent=respondent, dimension=dimension, text=f"{i} " + "x" * 1900
        )
    context = build_report_context(scanned, "nl")
    row = next(r for r in context["dimensions"] if r["code"] == "BV2")
    assert len(row["report_comments"]) == report_limits.COMMENTS_PER_DIMENSION
    assert row["more_comments"] == 3
    assert all(len(c) <= report_limits.COMMENT_CHARS for c in row["report_comments"])


@pytest.mark.slow
@pytest.mark.django_db
def test_a_follow_up_scan_reports_the_trend(scanned, question_set):
    follow_up = make_assessment(scanned.partnership, question_set, previous=scanned)
    fill(follow_up)
    context = build_report_context(follow_up, "en")
    assert context["trend"] is not None
    text = pdf_text(render_pdf(context))
    assert "Change since the previous scan" in text


@pytest.mark.slow
@pytest.mark.django_db
def test_a_scan_without_answers_still_gets_a_report(assessment):
    """A short one that says so (tests/test_report_layout.py looks at its pages)."""
    text = pdf_text(render_pdf(build_report_context(assessment, "en")))
    assert "No answers yet" in text
    assert "0 of 0 respondents submitted" in text


@pytest.mark.slow
@pytest.mark.django_db
def test_three_partners_get_their_gaps_pair_by_pair(owner, question_set):
    partnership = make_partnership(
        owner, name="Drie", organisations=("Noord", "Oost", "Zuid")
    )
    assessment = make_assessment(partnership, question_set)
    fill(assessment, per_organisation=1)
    text = pdf_text(render_pdf(build_report_context(assessment, "nl")))
    assert "Noord – Oost:" in text
    assert "Oost – Zuid:" in text


# Safety ----------------------------------------------------------------------------


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll, so that shutdown() returns at once rather than after ~0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    # The counter works: a plain request is seen.
    urllib.request.urlopen(f"{base}/probe", timeout=5).read()
    assert hits == ["/probe"]
    hits.clear()
    yield base, hits
    server.shutdown()
    server.server_close()


def payloads(base):
    return [
        f'<img src="{base}/img">',
        f'<link rel="stylesheet" href="{base}/css">',
        f"<style>@import url({base}/import);</style>",
        f'<a rel="attachment" href="{base}/attach">a</a>',
        '<img src="file:///etc/passwd">',
        f"url({base}/url) url(file:///etc/passwd)",
    ]


def test_hostile_markup_fetches_nothing_even_unescaped(listener, tmp_path):
    base, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("do not embed")
    html = (
        "<html><head>"
        f'<link rel="stylesheet" href="{base}/head.css">'
        f'<link rel="attachment" href="{base}/head-attach">'
        f'<link rel="attachment" href="file://{secret}">'
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg) }}"
        "</style></head><body>"
        + "".join(payloads(base))
        + f'<a rel="attachment" href="file://{secret}">s</a>'
        f'<img src="{STATIC}../../manage.py">'
        "<p>hello</p></body></html>"
    )
    pdf = html_to_pdf(html)
    assert hits == []
    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    assert b"do not embed" not in pdf


@pytest.mark.slow
@pytest.mark.django_db
def test_hostile_content_in_every_text_is_shown_literally_and_fetches_nothing(
    listener, assessment, monkeypatch
):
    base, hits = listener
    evil = payloads(base)
    partnership = assessment.partnership
    partnership.name = evil[0]
    partnership.save()
    owner = partnership.owner
    owner.first_name = evil[3][:150]
    owner.save()
    alfa, beta = partnership.organisations.all()
    alfa.name, beta.name = evil[1], evil[4]
    alfa.save()
    beta.save()
    assessment.title = evil[2]
    assessment.save()
    for position, organisation in enumerate((alfa, beta)):
        respondent = make_respondent(assessment, organisation, label=evil[5][:200])
        answer_pattern(respondent, shift=position)
        for dimension in assessment.question_set.dimensions.all():
            DimensionComment.objects.create(
                respondent=respondent, dimension=dimension, text=" ".join(evil)
            )
        break  # one label per assessment (unique); the second below
    respondent = make_respondent(assessment, beta, label=evil[2][:200])
    answer_pattern(respondent, shift=3)
    assessment.question_set.dimensions.update(
        advice_red_nl=" ".join(evil),
        advice_amber_nl=" ".join(evil),
        advice_green_nl=" ".join(evil),
    )
    fetched = []
    original = StaticFilesFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", recording)

    fresh = Assessment.objects.get(pk=assessment.pk)
    pdf = render_pdf(build_report_context(fresh, "nl"))

    assert hits == []
    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    # Only our own stylesheet and images were asked for.
    assert sorted(set(fetched)) == [
        f"{STATIC}css/report.css",
        f"{STATIC}img/logo.svg",
        f"{STATIC}img/report-zipper.svg",
    ]
    text = pdf_text(pdf)
    for payload in (evil[0], evil[1], evil[4]):
        assert payload in text
    assert f"@import url({base}/import);" in text


# Queries ---------------------------------------------------------------------------


def _queries_for_report(question_set, owner, people):
    partnership = make_partnership(owner, name=f"Scan {people}")
    assessment = make_assessment(partnership, question_set)
    previous = make_assessment(partnership, question_set)
    assessment.previous = previous
    assessment.save()
    fill(previous, per_organisation=people)
    fill(assessment, per_organisation=people)
    for respondent in assessment.respondents.all():
        DimensionComment.objects.create(
            respondent=respondent,
            dimension=question_set.dimensions.first(),
            text="Opmerking",
        )
    fresh = Assessment.objects.select_related("partnership", "question_set").get(
        pk=assessment.pk
    )
    with CaptureQueriesContext(connection) as queries:
        context = build_report_context(fresh, "nl")
    assert context["trend"] is not None
    return len(queries)


@pytest.mark.django_db
def test_the_report_context_takes_the_same_queries_for_2_or_20_respondents(
    question_set, owner
):
    few = _queries_for_report(question_set, owner, 1)
    many = _queries_for_report(question_set, owner, 10)
    assert few == many
    # The fingerprint (8), the page context (organisations, previous scan, question
    # set, comments, agreements), the one loader (5, both scans), the live rounds,
    # the agreed actions (their rows, the trend's count), the consultant, and the
    # consultancy's part (the owner's branding profile, the consultant's word).
    assert few <= 25


@pytest.mark.django_db
def test_the_fingerprint_takes_eight_queries_however_many_respondents(
    scanned, django_assert_num_queries
):
    """The one fingerprint (results.fingerprint) that the scored result, the results
    page and the PDF share: a fixed number of small aggregate queries."""
    with django_assert_num_queries(8):
        report.report_fingerprint(scanned, "nl")
    for index in range(5):
        answer_all(make_respondent(scanned, label=f"Extra {index}"), 3)
    with django_assert_num_queries(8):
        report.report_fingerprint(scanned, "nl")


# Looks -----------------------------------------------------------------------------


def _ink(png):
    """Share of a page's pixels that are not (near) white."""
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:230])
    return dark / (image.width * image.height)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")
@pytest.mark.django_db
def test_the_pages_render_with_charts_that_are_not_blank(scanned, tmp_path):
    pdf = render_pdf(build_report_context(scanned, "nl"))
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "report.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 12 <= len(pages) <= 24
    reader = PdfReader(io.BytesIO(pdf))
    charts = next(
        n
        for n, page in enumerate(reader.pages)
        if "Radar:" in (page.extract_text() or "")
    )
    assert _ink(pages[charts]) > 0.08  # two charts fill the page
    assert _ink(pages[0]) > 0.2  # the cover's colour band
    assert all(_ink(page) > 0.005 for page in pages)  # no empty page


# The fast path: HarfBuzz subsetting ------------------------------------------------


def test_weasyprint_subsets_fonts_with_harfbuzz_not_fonttools(monkeypatch):
    """Without libharfbuzz-subset0 WeasyPrint silently falls back to fontTools,
    ~10x slower (README, "System packages")."""
    from weasyprint.pdf import fonts
    from weasyprint.text import ffi

    assert ffi.harfbuzz_subset is not None, "install libharfbuzz-subset0"
    assert ffi.harfbuzz.hb_version_atleast(4, 1, 0)

    used = []
    original = fonts.Font._harfbuzz_subset
    monkeypatch.setattr(
        fonts.Font,
        "_harfbuzz_subset",
        lambda self, *args: used.append(self.family) or original(self, *args),
    )
    monkeypatch.setattr(
        fonts.Font,
        "_fonttools_subset",
        lambda self, *args: pytest.fail("WeasyPrint fell back to fontTools"),
    )
    html_to_pdf("<p>Gereedheid · readiness</p>")
    assert used


# The file name ---------------------------------------------------------------------


def test_the_file_name_says_partnership_date_and_language(db, assessment):
    assessment.partnership.name = "Zorg & Welzijn: <b>Noord</b> / Zuid ü"
    day = timezone.localdate().replace(year=2026, month=3, day=1)
    name = report_filename(assessment, "en", day=day)
    assert name == "partnerscan-zorg-welzijn-bnoordb-zuid-u-2026-03-01-en.pdf"
    assessment.partnership.name = "???"
    assert report_filename(assessment, "nl", day=day).startswith(
        "partnerscan-partnership-2026-03-01"
    )


# The command -----------------------------------------------------------------------


@pytest.mark.django_db
def test_render_report_writes_the_pdf_in_the_language_asked(
    scanned, tmp_path, monkeypatch
):
    from assessments.management.commands import render_report

    languages = []

    def fake(context):
        languages.append(context["language"])
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(render_report, "render_pdf", fake)
    target = tmp_path / "report.pdf"
    call_command("render_report", scanned.pk, "-o", str(target), "--lang", "en")
    assert target.read_bytes() == b"%PDF-1.7 fake"
    assert languages == ["en"]


@pytest.mark.django_db
def test_render_report_refuses_an_unknown_assessment(tmp_path):
    with pytest.raises(CommandError, match="No assessment 999"):
        call_command("render_report", 999, "-o", str(tmp_path / "x.pdf"), lang="en")
    assert not (tmp_path / "x.pdf").exists()
