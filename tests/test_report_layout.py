"""The PDF report for any number of partners (issue 16): 2, 3, 6 and 12 organisations
and an empty scan render without text outside its box or on top of other text,
without pages left mostly empty, with the draft mark exactly while the scan is open,
identified as PDF/UA-1, with header cells in every table and alternative text on
every chart. The demo report's pages go to the test run's artifacts as PNG.

Geometry is read back from the PDF with pdfplumber: every character's box, and the
marked-content id (one per text run in the tagged PDF) that tells text of one cell
from text of the next."""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from assessments.demo import demo_seed
from assessments.models import Assessment, DimensionComment
from assessments.report import (
    build_report_context,
    render_pdf,
    report_fingerprint,
)
from assessments.workspace import assessment_close

from .conftest import make_assessment, make_partnership, make_respondent
from .test_report import answer_pattern

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", "/tmp/partnerscan-artifacts"))

# Real-looking names of every length up to the report's 40-character label.
NAMES = [
    "Zorggroep Delta",
    "Thuiszorg Rivierland",
    "Gemeente Midden-Waard",
    "Huisartsencoöperatie De Waard",
    "Stichting Welzijn Oost",
    "GGZ Regio Noord",
    "Woningcorporatie Thuis aan de Rivier",
    "Ziekenhuis Rivierenland",
    "Wijkteam Zuid",
    "Apotheek Centrum",
    "Stichting Jeugdzorg Gelderland-Zuid",
    "Sportbedrijf Tiel",
]
DRAFT = {"nl": "Concept — de scan loopt nog", "en": "Draft — the scan is still open"}

MM = 72 / 25.4
# report.css: @page margins (top, right, bottom, left); the cover has none.
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = (
    24 * MM,
    19 * MM,
    22 * MM,
    21 * MM,
)
# Chapter headings (h1) are 20 pt; nothing else on a page is that large.
HEADING_SIZE = 19
# The invisible carriers of the running strings (report.css, .running-strings).
HIDDEN_SIZE = 2


def scan(owner, question_set, organisations, respondents=2, status=None):
    """A scan of `organisations` (NAMES[:n]) with `respondents` each, answered in
    a different pattern per person, and a comment."""
    partnership = make_partnership(
        owner, name="Samenwerking in de Waard", organisations=NAMES[:organisations]
    )
    assessment = make_assessment(partnership, question_set)
    for position, organisation in enumerate(partnership.organisations.all()):
        for i in range(respondents):
            respondent = make_respondent(
                assessment, organisation, label=f"{organisation.name} {i}"
            )
            answer_pattern(respondent, shift=position * 2 + i)
            last = respondent
    if respondents:
        DimensionComment.objects.create(
            respondent=last,
            dimension=question_set.dimensions.get(code="RS4"),
            text="Eerst de contracten bespreken, dan pas de processen.",
        )
    if status == Assessment.Status.CLOSED:
        assessment_close(assessment=assessment)
        assessment.refresh_from_db()
    return assessment


def render(assessment, language="nl"):
    return render_pdf(build_report_context(assessment, language))


# What a reader sees: read back from the PDF ---------------------------------------


class Page:
    """A page as read back once: its size and its visible characters (parsing is
    the slow part, about 0.2 s of CPU a page)."""

    def __init__(self, page):
        self.width, self.height = page.width, page.height
        self.chars = [
            c for c in page.chars if c["size"] >= HIDDEN_SIZE and c["text"].strip()
        ]


def read_pages(pdf):
    """The PDF's pages (`Page`); pages already read pass through."""
    if not isinstance(pdf, bytes):
        return pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [Page(page) for page in document.pages]


def visible_chars(page):
    return page.chars


def outside_the_page_margins(page, cover):
    """Characters that stick out sideways: past the page's margins (the cover: past
    the paper). A flag or name running out of its table ends up here."""
    left, right = (0, page.width) if cover else (MARGIN_LEFT, page.width - MARGIN_RIGHT)
    return [
        c["text"]
        for c in visible_chars(page)
        if c["x0"] < left - 0.5
        or c["x1"] > right + 0.5
        or c["top"] < 0
        or c["bottom"] > page.height
    ]


def collisions(page):
    """Pairs of text runs that touch or overlap on one line: text of one box running
    into the next ("GROEN12", two column heads read as one word). Runs are told
    apart by their marked-content id; within a run, letters touch by design."""
    chars = sorted(visible_chars(page), key=lambda c: (round(c["top"]), c["x0"]))
    found = []
    for i, a in enumerate(chars):
        for b in chars[i + 1 : i + 40]:
            if b["top"] > a["bottom"]:
                break
            if a.get("mcid") == b.get("mcid"):
                continue
            overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if overlap_y < 0.5 * min(a["height"], b["height"]):
                continue
            gap = max(b["x0"] - a["x1"], a["x0"] - b["x1"])
            if gap < 0.3:
                found.append(f"{a['text']}|{b['text']} at y={a['top']:.0f}")
    return found


def content_depth(page):
    """How far down the content area the page's text reaches, 0-1 (the running
    header and footer in the margins do not count)."""
    body = [
        c
        for c in visible_chars(page)
        if c["top"] >= MARGIN_TOP - 1 and c["bottom"] <= page.height - MARGIN_BOTTOM + 1
    ]
    if not body:
        return 0.0
    height = page.height - MARGIN_TOP - MARGIN_BOTTOM
    return (max(c["bottom"] for c in body) - MARGIN_TOP) / height


def starts_a_chapter(page):
    return any(c["size"] >= HEADING_SIZE for c in visible_chars(page))


def footer_text(page):
    bottom = page.height - MARGIN_BOTTOM
    return " ".join(
        "".join(c["text"] for c in visible_chars(page) if c["top"] > bottom).split()
    )


def page_text(page):
    return "".join(c["text"] for c in visible_chars(page))


def layout_problems(pdf):
    """Every problem a reader would see, as readable lines (empty: none)."""
    problems = []
    pages = read_pages(pdf)
    for number, page in enumerate(pages, start=1):
        cover = number == 1
        if stray := outside_the_page_margins(page, cover):
            problems.append(f"page {number}: outside the margins: {stray[:10]}")
        if touching := collisions(page):
            problems.append(f"page {number}: text runs into text: {touching[:5]}")
        last_of_section = number == len(pages) or starts_a_chapter(pages[number])
        if not cover and not last_of_section and content_depth(page) < 1 / 3:
            problems.append(
                f"page {number}: only {content_depth(page):.0%} filled, "
                "and not the last page of its section"
            )
    return problems


def draft_marks(pdf, language="nl"):
    """(cover has the mark, [pages 2.. whose footer has it], page count)."""
    mark = "".join(DRAFT[language].split())
    pages = read_pages(pdf)
    footers = [
        number
        for number, page in enumerate(pages[1:], start=2)
        if mark in "".join(footer_text(page).split())
    ]
    return mark in page_text(pages[0]), footers, len(pages)


def structure(pdf):
    """The tagged PDF's structure elements as (type, element) pairs, depth first."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                found.append((str(node["/S"]), node))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") or isinstance(kid, (dict, list)):
                        walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(root)
    return reader, found


def descendants(element, kind):
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if str(node.get("/S")) == kind:
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object") or isinstance(kid, dict):
                        walk(kid)

    walk(element)
    return found


def accessibility_problems(pdf, language="nl"):
    reader, elements = structure(pdf)
    catalog = reader.trailer["/Root"]
    problems = []
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    if not re.search(r'pdfuaid:part(="1"|>1<)', metadata):
        problems.append("no PDF/UA-1 identification in the XMP metadata")
    if not str(catalog.get("/Lang", "")).startswith(language):
        problems.append(f"document language {catalog.get('/Lang')!r}")
    if not catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        problems.append("the viewer shows the file name, not the title")
    if "Samenwerking in de Waard" not in (reader.metadata.title or ""):
        problems.append(f"title {reader.metadata.title!r}")
    tables = [element for kind, element in elements if kind == "/Table"]
    if not tables:
        problems.append("no tagged table at all")
    for n, table in enumerate(tables, start=1):
        if not descendants(table, "/TH"):
            problems.append(f"table {n} of {len(tables)} has no header cell")
    for kind, element in elements:
        if kind == "/Figure" and not str(element.get("/Alt", "")).strip():
            problems.append("a figure without alternative text")
    return problems


# The tests ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("organisations", [2, 3, 6, 12])
def test_the_report_is_legible_for_any_number_of_partners(
    owner, question_set, organisations
):
    assessment = scan(owner, question_set, organisations)
    pdf = render(assessment)
    pages = read_pages(pdf)

    assert layout_problems(pages) == []
    # Open: a draft, on the cover and in every page's footer.
    cover, footers, count = draft_marks(pages)
    assert cover
    assert footers == list(range(2, count + 1))
    assert accessibility_problems(pdf) == []
    # Each chart's alternative text carries the score table's figures.
    _reader, elements = structure(pdf)
    alts = [str(e["/Alt"]) for kind, e in elements if kind == "/Figure"]
    charts = [alt for alt in alts if "BV1" in alt and "RS9" in alt]
    assert len(charts) == 2, alts
    assert all(NAMES[organisations - 1] in alt for alt in charts)
    # "Beide partners" only where there are two, "alle partners" otherwise.
    text = "".join(page_text(page) for page in pages)
    who = "beide" if organisations == 2 else "alle"
    assert f"Sterkepuntendie{who}partnersdelen" in text


@pytest.mark.slow
@pytest.mark.django_db
def test_a_closed_scans_report_is_no_draft(owner, question_set):
    assessment = scan(
        owner, question_set, 2, respondents=1, status=Assessment.Status.CLOSED
    )
    pdf = render(assessment, "en")
    pages = read_pages(pdf)
    cover, footers, _count = draft_marks(pages, "en")
    assert not cover and footers == []
    assert layout_problems(pages) == []
    assert accessibility_problems(pdf, "en") == []


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_empty_scan_gets_a_short_report_that_says_there_are_no_answers(
    owner, question_set, language
):
    assessment = scan(owner, question_set, 3, respondents=0)
    make_respondent(assessment, label="Nog niet begonnen")
    pdf = render(assessment, language)

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = len(document.pages)
        text = " ".join(page.extract_text() for page in document.pages)
    assert pages <= 3
    expected = {"nl": "Nogniemandheeft", "en": "Nobodyhasanswered"}[language]
    assert expected in "".join(text.split())
    # Not a section per dimension, each saying "no score".
    no_score = {"nl": "geen score", "en": "no score"}[language]
    assert not re.search(rf"{no_score}(?!s)", text, re.IGNORECASE)
    cover, footers, pages = draft_marks(pdf, language)
    assert cover and footers == list(range(2, pages + 1))
    assert layout_problems(pdf) == []
    assert accessibility_problems(pdf, language) == []


@pytest.mark.django_db
def test_closing_a_scan_gives_its_report_a_new_fingerprint(owner, question_set):
    """The draft mark is in what the stored report's fingerprint covers: the
    worker makes a new file when the scan closes, and again when it reopens."""
    assessment = scan(owner, question_set, 2, respondents=1)
    open_print = report_fingerprint(assessment, "nl")
    assessment_close(assessment=assessment)
    assessment.refresh_from_db()
    closed_print = report_fingerprint(assessment, "nl")
    assert closed_print != open_print
    assessment.status = Assessment.Status.OPEN
    assessment.save()
    assert report_fingerprint(assessment, "nl") not in {closed_print}


def test_the_layout_checks_see_what_a_reader_would(tmp_path):
    """The checks above catch text running out of the margin, text running into
    text and a page left nearly empty (a hand-made PDF with all three)."""
    from assessments.report import html_to_pdf

    pdf = html_to_pdf(
        '<html lang="nl"><head><title>x</title><link rel="stylesheet" '
        'href="static/css/report.css"></head><body>'
        "<p>omslag</p>"
        '<section class="chapter"><h1>Een</h1><p>kort</p>'
        '<p style="break-before: page; white-space: nowrap">'
        + "lang "
        * 60
        + '</p><p>GROEN<span style="margin-left: -2pt">12</span></p>'
        "</section><section class=chapter><h1>Twee</h1></section></body></html>"
    )
    problems = " ".join(layout_problems(pdf))
    assert "outside the margins" in problems
    assert "runs into text" in problems
    assert "filled" in problems


# The demo report, page by page, for people to look at -------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")
@pytest.mark.django_db
def test_the_demo_reports_pages_go_to_the_artifacts_as_png(question_set):
    """ARTIFACTS_DIR/report/: the demo report (two organisations) as PNG pages, the
    PDF beside them. Look at them after a change to the report."""
    assessment, _created = demo_seed()
    pdf = render(assessment)
    folder = ARTIFACTS / "report"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "demo-report-nl.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "demo-report-nl.pdf", "demo-report-nl"],
        cwd=folder,
        check=True,
    )
    pages = sorted(folder.glob("demo-report-nl-*.png"))
    assert len(pages) == len(PdfReader(io.BytesIO(pdf)).pages)
    assert layout_problems(pdf) == []
