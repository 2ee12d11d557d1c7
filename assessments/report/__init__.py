"""The readiness report as a PDF: gather once, render with WeasyPrint.

`build_report_context` does every query up front and takes every figure from
`assessments.results.build_results_context` (the same context as the results page),
so the PDF and the browser can never disagree. `render_pdf` only renders. The
worker renders and stores it ahead of the click (`assessments.background.files`);
the web process only serves stored files.

WeasyPrint fetches stylesheets, images, fonts and attachments through a url fetcher.
Ours serves the app's own static files and refuses everything else, so nothing a
partnership name or a comment contains can make the renderer reach the network or
the file system.
"""

import hashlib
import posixpath
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML, __version__ as weasyprint_version
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .. import scoring
from ..branding import branding_of, word_of
from ..models import (
    LANGUAGE_CODES,
    Assessment,
)
from ..results import build_results_context
from ..results.fingerprint import fingerprint
from . import render_guard
from .limits import limit_report

# The documents' base URL. ".invalid" never resolves (RFC 2606); the fetcher below
# answers for this origin itself and for nothing else.
REPORT_ORIGIN = "https://report.partnerscan.invalid"
STATIC_PREFIX = "/static/"
TEMPLATE = "assessments/report/report.html"
# The consultant's logo, served from memory by the fetcher (templates: LOGO_PATH).
LOGO_PATH = "branding/logo"
LOGO_URL = f"{REPORT_ORIGIN}/{LOGO_PATH}"
REPORT_LANGUAGES = LANGUAGE_CODES
# PDF/UA-1 (WeasyPrint's `pdf/ua-1` variant: PDF 1.7, tagged, the PDF/UA
# identification in the XMP metadata, the title shown instead of the file name): the
# PDF carries its structure (headings, tables with their header cells, lists, reading
# order, the charts' alternative text), so screen readers can follow it and readers
# can reflow it. Backgrounds, borders and rules are drawn as artifacts, which is why
# decorative bars are CSS backgrounds, not images. Tagging costs about 12 % more
# render time; the identification nothing measurable (bench/README.md).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}

# What the report may load from static/: stylesheets, fonts, images. No HTML, no JS.
_ALLOWED_SUFFIXES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class RefusedURL(ValueError):
    """A URL the report may not load (anything outside the app's static files)."""


def static_path(url: str) -> str:
    """The static-file path `url` points to, or RefusedURL.

    Only `REPORT_ORIGIN/static/<path>` with an allowed suffix qualifies; the path is
    normalised first so `..` cannot climb out of the static folders.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise RefusedURL(f"Malformed URL: {url[:200]!r}") from error
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    if (
        origin != REPORT_ORIGIN
        or parts.query
        or not parts.path.startswith(STATIC_PREFIX)
    ):
        raise RefusedURL(f"Not one of the app's static files: {url[:200]!r}")
    relative = unquote(parts.path[len(STATIC_PREFIX) :])
    normalised = posixpath.normpath(relative)
    if (
        normalised != relative
        or normalised.startswith(("/", "."))
        or "\\" in normalised
        or "\x00" in normalised
        or posixpath.splitext(normalised)[1].lower() not in _ALLOWED_SUFFIXES
    ):
        raise RefusedURL(f"Not one of the app's static files: {url[:200]!r}")
    return normalised


class StaticFilesFetcher(URLFetcher):
    """Serves `REPORT_ORIGIN/static/...` from the staticfiles finders; refuses the rest.

    WeasyPrint catches the RefusedURL, logs a warning and renders without the
    resource: a hostile `<img src>` or `@import` costs nothing and fetches nothing.

    `resources` adds documents held in memory under fixed URLs (the consultant's
    logo at `LOGO_URL`: bytes Pillow re-encoded on upload, read from storage when
    the context was built). The fetcher never reads storage or a path itself, and
    a data: URI is refused like any other URL.
    """

    def __init__(
        self, resources: Mapping[str, tuple[bytes, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.resources = dict(resources or {})

    def fetch(
        self, url: str, headers: Mapping[str, str] | None = None
    ) -> URLFetcherResponse:
        if url in self.resources:
            body, content_type = self.resources[url]
            return URLFetcherResponse(url, body, headers={"Content-Type": content_type})
        relative = static_path(url)
        found = finders.find(relative)
        if not found:
            raise RefusedURL(f"No such static file: {relative!r}")
        with open(found, "rb") as file:
            body = file.read()
        content_type = _ALLOWED_SUFFIXES[posixpath.splitext(relative)[1].lower()]
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})


def render_pdf(context: Mapping[str, Any]) -> bytes:
    """The report as PDF bytes. Renders only: every figure is already in `context`.

    The report's language is the context's, whatever the request's.
    """
    with translation.override(context["language"]):
        html = render_to_string(TEMPLATE, context)
    return html_to_pdf(html, _resources(context))


def render_pdf_guarded(context: Mapping[str, Any]) -> bytes:
    """`render_pdf` in a child process with a time and memory budget
    (`render_guard`): a pathological document cannot take the worker down."""
    return render_guard.run_guarded(render_pdf, context)


def html_to_pdf(
    html: str, resources: Mapping[str, tuple[bytes, str]] | None = None
) -> bytes:
    """WeasyPrint on a string of our own HTML, with the static-only fetcher (plus
    the in-memory `resources`, see StaticFilesFetcher)."""
    document = HTML(
        string=html,
        base_url=f"{REPORT_ORIGIN}/",
        url_fetcher=StaticFilesFetcher(resources),
    )
    return document.write_pdf(**PDF_OPTIONS)


def _resources(context: Mapping[str, Any]) -> dict[str, tuple[bytes, str]]:
    logo = (context.get("branding") or {}).get("logo")
    return {LOGO_URL: logo} if isinstance(logo, tuple) else {}


# Context -----------------------------------------------------------------------------

_TOOLTIP = re.compile(r"<title>[^<]*</title>")
_CHART_TITLE = re.compile(r'(<title id="chart-[^"<>]*">)([^<]*)(</title>)')


def build_report_context(assessment: Assessment, language: str) -> dict[str, Any]:
    """Everything the report shows, gathered with a fixed number of queries.

    The figures, agenda, trend, comments, question list and charts come from
    `build_results_context` (the results page's own context); this adds only what a
    printed document needs: the cover, the date, and what fits on paper
    (`report.limits.limit_report`).
    """
    with translation.override(language):
        context = build_results_context(assessment, language)
        owner = assessment.partnership.owner  # one query, or none when selected
        shares = scoring.block_shares(context["method"])
        context.update(
            {
                # Whole seconds: the PDF's creation date takes no fractions.
                "generated_at": timezone.localtime().replace(microsecond=0),
                "consultant": owner.get_full_name() or owner.get_username(),
                "is_closed": assessment.status == Assessment.Status.CLOSED,
                "condition_share": shares[scoring.CONDITION],
                "link_share": shares[scoring.LINK],
                "largest_gap_ends": _ends(context["largest_gap"]),
                # The consultancy's part (None without a profile or texts).
                "branding": branding_of(assessment, with_logo_bytes=True),
                "word": word_of(assessment, context["dimensions"]),
            }
        )
        limit_report(context)
        if "charts" in context:
            alt = chart_alternative(context)
            context["charts"] = {
                name: _for_paper(svg, alt) for name, svg in context["charts"].items()
            }
    return context


def _for_paper(svg: str, alternative: str = "") -> SafeString:
    """The chart without the tooltip on every shape: it means nothing on paper and
    costs render time. The chart's own title (it has an id) and description stay;
    with `alternative` the title reads that text after its own: a tagged PDF takes
    a chart's alternative text from its title.

    Only whole `<title>` elements holding plain (already escaped) text go, so the
    markup stays as safe as charts/svg.py made it; `alternative` is escaped here.
    """
    svg = _TOOLTIP.sub("", str(svg))
    if alternative:
        svg = _CHART_TITLE.sub(
            lambda m: f"{m[1]}{m[2]}. {escape(alternative)}{m[3]}", svg, count=1
        )
    # Removing elements from already escaped SVG (see docstring) adds no markup.
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def chart_alternative(context: Mapping[str, Any]) -> str:
    """The charts' figures as one text, the same figures as the score table that is
    their table equivalent (_table.html): per dimension every organisation's score,
    the partnership's and the gap, in the report's language."""
    lines = []
    for row in context["dimensions"]:
        cells = [
            f"{cell['label']} {_figure(cell['score'])}"
            for cell in row["organisations"]
            if not cell["withheld"]
        ]
        lines.append(
            f"{row['code']} {row['name']}: "
            + ", ".join(
                [
                    *cells,
                    f"{_('Partnership')} {_figure(row['partnership'])}",
                    f"{_('Gap')} {_figure(row['gap'])}",
                ]
            )
        )
    return _("Scores per organisation") + ": " + "; ".join(lines) + "."


def _figure(value: float | None) -> str:
    return "–" if value is None else str(scoring.display(value))


def _ends(row: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The highest and the lowest organisation on a dimension (for "X vs Y")."""
    if not row:
        return None
    scored = [o for o in row["organisations"] if o["score"] is not None]
    if len(scored) < 2:
        return None
    return {
        "high": max(scored, key=lambda o: o["score"])["name"],
        "low": min(scored, key=lambda o: o["score"])["name"],
    }


# The stored PDF -------------------------------------------------------------------

# Bump when the template, the stylesheet or the context change what a PDF looks like.
REPORT_VERSION = "4"


def report_fingerprint(assessment: Assessment, language: str) -> str:
    """The scan's one fingerprint (`results.fingerprint`) plus what only the PDF
    depends on: its language, and the report's and the renderer's version.

    Not today's date: the cover says when the report was made ("Date of this
    report"), which stays true for as long as nothing it shows changes. So a quiet
    scan's report, made by the worker (`background.files`), still downloads at once
    the next morning instead of being made again for a new date on its cover.
    """
    parts = [fingerprint(assessment), language, REPORT_VERSION, weasyprint_version]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def report_filename(
    assessment: Assessment, language: str, day: date | None = None
) -> str:
    """partnerscan-<partnership>-<yyyy-mm-dd>-<lang>.pdf, plain ASCII."""
    slug = slugify(assessment.partnership.name)[:60].strip("-") or "partnership"
    day = day or timezone.localdate()
    return f"partnerscan-{slug}-{day.isoformat()}-{language}.pdf"
