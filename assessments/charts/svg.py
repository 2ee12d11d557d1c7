"""The SVG building blocks of the charts: colours, escaped elements and text,
markers, legends, the `<svg>` wrapper (the one `mark_safe`).

Strict CSP: presentation attributes only, never `style=""`. All text goes through
`_text`/`_title`, which escape it (organisation names are user input). Each chart has
`role="img"` with a title and a description, and never relies on colour alone:
every series has its own marker shape and line pattern, the second side of the
zipper is hatched, gap flags carry a symbol (▲ / ▲▲, `scoring.gap_mark`) and a
number. No text is ever cut short: labels wrap over `<tspan>` lines and the chart
grows to fit. The page shows an equivalent table next to each chart.

Nothing here queries or scores.
"""

import functools
import hashlib
import html
import textwrap

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import scoring

INK = "#212529"
MUTED = "#5c636a"
GRID = "#ced4da"
PARTNERSHIP_COLOUR = "#212529"
# Okabe-Ito colours (safe for colour-blind readers), each with its own dash and marker.
SERIES = [
    ("#0072b2", "", "circle"),
    ("#d55e00", "7 4", "square"),
    ("#009e73", "2 3", "triangle"),
    ("#cc79a7", "9 3 2 3", "diamond"),
    ("#56b4e9", "4 4", "circle"),
    ("#e69f00", "1 3", "square"),
]
FLAG_COLOURS = {scoring.ATTENTION: "#8a5300", scoring.SIGNIFICANT: "#b3261e"}
WIDTH = 760
LEGEND_CHARS = 60  # a legend label longer than this wraps within its item

# Several charts can share one page: ids must differ.


def _f(value):
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return str(value)


def _escape(text):
    # The standard library's escape: same characters as Django's, a lot cheaper
    # for the thousands of attributes of a chart. str() resolves lazy text.
    return html.escape(str(text), quote=True)


def _attribute(name, value):
    if isinstance(value, (int, float)):
        return f' {_attribute_name(name)}="{_f(value)}"'
    return f' {_attribute_name(name)}="{_escape(value)}"'


@functools.cache
def _attribute_name(name):
    return name.rstrip("_").replace("_", "-")


def _el(tag, body="", **attrs):
    """An element; `stroke_width=2` becomes stroke-width="2", values are escaped."""
    parts = "".join(
        _attribute(name, value)
        for name, value in attrs.items()
        if value is not None and value != ""
    )
    return f"<{tag}{parts}>{body}</{tag}>" if body else f"<{tag}{parts}/>"


def _title(text):
    return _el("title", _escape(text)) if text else ""


def _text(x, y, text, tip="", **attrs):
    attrs.setdefault("font_size", 12)
    attrs.setdefault("fill", INK)
    return _el("text", _title(tip) + _escape(text), x=x, y=y, **attrs)


# Helvetica's average glyph is a little over half the font size wide: the
# estimate that decides where a label wraps (generous, so nothing reaches an edge).
CHAR_WIDTH = 0.6


def _chars(width, font_size):
    """How many characters of `font_size` fit in `width` px (at least 10)."""
    return max(10, int(width / (CHAR_WIDTH * font_size)))


def _wrap(text, chars):
    """`text` over lines of at most `chars` characters, broken at spaces only, so
    the lines joined by spaces give the text back whole (never "…")."""
    text = " ".join(str(text).split())
    return textwrap.wrap(
        text, chars, break_long_words=False, break_on_hyphens=False
    ) or [""]


def _lines(x, y, lines, line_height, tip="", **attrs):
    """One `<text>` of several lines (`<tspan>`s), the first on baseline `y`."""
    attrs.setdefault("font_size", 12)
    attrs.setdefault("fill", INK)
    body = _title(tip) + "".join(
        _el("tspan", _escape(line), x=x, dy=0 if i == 0 else line_height)
        for i, line in enumerate(lines)
    )
    return _el("text", body, x=x, y=y, **attrs)


def _score_text(value):
    return _("no data") if value is None else str(scoring.display(value))


def _points(points):
    return " ".join(f"{_f(x)},{_f(y)}" for x, y in points)


def _marker(shape, x, y, colour, size=4.5, tip=""):
    common = {"fill": colour, "stroke": "#fff", "stroke_width": 1}
    s = size * 1.2
    if shape == "square":
        s = size * 0.9
        return _el(
            "rect", _title(tip), x=x - s, y=y - s, width=2 * s, height=2 * s, **common
        )
    if shape == "triangle":
        pts = [(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)]
        return _el("polygon", _title(tip), points=_points(pts), **common)
    if shape == "diamond":
        pts = [(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
        return _el("polygon", _title(tip), points=_points(pts), **common)
    if shape == "bar":  # the partnership: a short upright bar
        return _el(
            "rect",
            _title(tip),
            x=x - 1.5,
            y=y - s * 1.4,
            width=3,
            height=s * 2.8,
            fill=colour,
        )
    return _el("circle", _title(tip), cx=x, cy=y, r=size, **common)


def _id(*parts):
    """An element id from what the chart shows: unique per chart on a page, and
    the same for the same figures (a counter made equal pages differ)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def _svg(height, title, desc, body):
    n = _id(title, desc, body)
    head = _title(title).replace("<title>", f'<title id="chart-{n}-title">', 1)
    # Built from _el/_text, which escape every text and attribute value.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ps-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {_f(height)}" width="{WIDTH}" height="{_f(height)}" '
        f'aria-labelledby="chart-{n}-title chart-{n}-desc" '
        f'font-family="Helvetica, Arial, sans-serif">{head}'
        f'<desc id="chart-{n}-desc">{_escape(desc)}</desc>{body}</svg>'
    )


def _series(shown, rows):
    """(name, colour, dash, shape) for each shown organisation with any score."""
    scored = {
        o["name"] for r in rows for o in r["organisations"] if o["score"] is not None
    }
    names = [name for name in shown if name in scored]
    return [(name, *SERIES[i % len(SERIES)]) for i, name in enumerate(names)]


def _org_score(row, name):
    return next((o["score"] for o in row["organisations"] if o["name"] == name), None)


def _legend(items, y):
    """items: (label, colour, dash, shape, line width), wrapped over lines; a long
    label wraps within its item. Returns the parts and the last line's y."""
    parts, x, row_height = [], 20, 22
    for label, colour, dash, shape, stroke in items:
        lines = _wrap(label, LEGEND_CHARS)
        item_width = 44 + 6.5 * max(len(line) for line in lines)
        if x + item_width > WIDTH - 10 and x > 20:
            x, y, row_height = 20, y + row_height, 22
        row_height = max(row_height, 16 * len(lines) + 6)
        if stroke:
            parts.append(
                _el(
                    "line",
                    x1=x,
                    y1=y,
                    x2=x + 28,
                    y2=y,
                    stroke=colour,
                    stroke_width=stroke,
                    stroke_dasharray=dash,
                )
            )
        parts.append(_marker(shape, x + 14, y, colour))
        parts.append(_lines(x + 36, y + 4, lines, 16))
        x += item_width + 16
    return "".join(parts), y + row_height - 22


def _flag_legend(method, y):
    """The gap marks explained, wrapped; returns the parts and the last line's y."""
    text = _(
        "%(mark)s a gap of %(attention)s or more needs attention · %(marks)s "
        "%(significant)s or more is significant"
    ) % {
        "mark": scoring.gap_mark(scoring.ATTENTION),
        "marks": scoring.gap_mark(scoring.SIGNIFICANT),
        "attention": scoring.display(method.gap_attention),
        "significant": scoring.display(method.gap_significant),
    }
    lines = _wrap(text, _chars(WIDTH - 40, 12))
    return _lines(20, y + 4, lines, 16), y + 16 * (len(lines) - 1)
