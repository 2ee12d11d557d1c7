"""Server-made SVG charts, one implementation for the results page and the PDF.

Strict CSP: presentation attributes only, never `style=""`. All text goes through
`_text`/`_title`, which escape it (organisation names are user input). Each chart has
`role="img"` with a title and a description, and never relies on colour alone:
every series has its own marker shape and line pattern, the second side of the
zipper is hatched, gap flags carry a symbol and a number. The page shows an
equivalent table next to each chart.

Input: the `dimensions` rows of `results.build_results_context` and the names of
the organisations shown. Nothing here queries or scores.
"""

import functools
import hashlib
import html
import math

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import scoring

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
FLAG_MARKS = {scoring.ATTENTION: "!", scoring.SIGNIFICANT: "!!"}
FLAG_COLOURS = {scoring.ATTENTION: "#8a5300", scoring.SIGNIFICANT: "#b3261e"}
WIDTH = 760

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


def _short(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    """items: (label, colour, dash, shape, line width), wrapped over lines."""
    parts, x = [], 20
    for label, colour, dash, shape, stroke in items:
        text = _short(label, 44)
        item_width = 44 + 6.5 * len(text)
        if x + item_width > WIDTH - 10 and x > 20:
            x, y = 20, y + 22
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
        parts.append(_text(x + 36, y + 4, text))
        x += item_width + 16
    return "".join(parts), y


def _flag_legend(method, y):
    text = _(
        "! a gap of %(attention)s or more needs attention · !! %(significant)s or "
        "more is significant"
    ) % {
        "attention": scoring.display(method.gap_attention),
        "significant": scoring.display(method.gap_significant),
    }
    return _text(20, y + 4, text)


# Radar ----------------------------------------------------------------------------


RADAR_CX, RADAR_CY, RADAR_R = WIDTH / 2, 300, 190


def _radar_point(i, n, value):
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = RADAR_R * value / 100
    return RADAR_CX + r * math.cos(angle), RADAR_CY + r * math.sin(angle)


def _radar_grid(rows):
    n, parts = len(rows), []
    for level in (25, 50, 75, 100):
        ring = _points(_radar_point(i, n, level) for i in range(n))
        dash = "4 3" if level in (50, 75) else ""
        parts.append(
            _el("polygon", points=ring, fill="none", stroke=GRID, stroke_dasharray=dash)
        )
        x, y = _radar_point(0, n, level)
        parts.append(_text(x + 4, y + 4, str(level), font_size=10, fill=MUTED))
    for i, row in enumerate(rows):
        x, y = _radar_point(i, n, 100)
        parts.append(_el("line", x1=RADAR_CX, y1=RADAR_CY, x2=x, y2=y, stroke=GRID))
        lx, ly = _radar_point(i, n, 112)
        if abs(lx - RADAR_CX) < 20:
            anchor = "middle"
        else:
            anchor = "start" if lx > RADAR_CX else "end"
        ly += 4 if ly > RADAR_CY else -2
        parts.append(
            _text(
                lx, ly, row["code"], row["name"], font_weight="bold", text_anchor=anchor
            )
            + _text(
                lx,
                ly + 13,
                _short(row["name"], 24 if anchor == "middle" else 30),
                font_size=10.5,
                text_anchor=anchor,
                fill=MUTED,
            )
        )
    return "".join(parts)


def _radar_line(rows, values, colour, dash, stroke, shape, label):
    """A closed line through the defined values; None lifts the pen."""
    n, path, pen_down = len(rows), [], False
    for i, value in enumerate([*values, values[0]]):
        if value is None:
            pen_down = False
            continue
        x, y = _radar_point(i % n, n, value)
        path.append(f"{'L' if pen_down else 'M'}{_f(x)} {_f(y)}")
        pen_down = True
    out = []
    if path:
        out.append(
            _el(
                "path",
                d=" ".join(path),
                fill="none",
                stroke=colour,
                stroke_width=stroke,
                stroke_linejoin="round",
                stroke_dasharray=dash,
            )
        )
    for i, value in enumerate(values):
        if value is not None:
            tip = f"{label}, {rows[i]['code']}: {_score_text(value)}"
            out.append(_marker(shape, *_radar_point(i, n, value), colour, tip=tip))
    return "".join(out)


def radar_chart(rows, shown):
    """One axis per dimension (0 at the centre, 100 at the edge), one line per shown
    organisation plus the partnership. A missing score breaks the line there."""
    n = len(rows)
    if n == 0:
        return _svg(40, _("Scores per dimension"), _("No dimensions."), "")
    series = _series(shown, rows)
    parts = [_radar_grid(rows)]
    partnership = [row["partnership"] for row in rows]
    if None not in partnership:
        area = _points(_radar_point(i, n, v) for i, v in enumerate(partnership))
        parts.append(
            _el("polygon", points=area, fill=PARTNERSHIP_COLOUR, fill_opacity=0.06)
        )
    for name, colour, dash, shape in series:
        values = [_org_score(r, name) for r in rows]
        parts.append(_radar_line(rows, values, colour, dash, 2, shape, name))
    parts.append(
        _radar_line(
            rows, partnership, PARTNERSHIP_COLOUR, "", 3, "bar", _("Partnership")
        )
    )
    everyone = _("Partnership (each organisation counts equally)")
    legend, bottom = _legend(
        [(name, colour, dash, shape, 2) for name, colour, dash, shape in series]
        + [(everyone, PARTNERSHIP_COLOUR, "", "bar", 3)],
        RADAR_CY + RADAR_R + 62,
    )
    parts.append(legend)
    desc = _(
        "Radar chart of %(n)s dimensions on a 0-100 scale, 0 at the centre and 100 at "
        "the edge, dashed rings at 50 and 75. Lines: %(names)s and the partnership. "
        "The table with the chart gives the same figures."
    ) % {"n": n, "names": ", ".join(s[0] for s in series) or _("none")}
    return _svg(bottom + 20, _("Scores per dimension"), desc, "".join(parts))


# Zipper ---------------------------------------------------------------------------


def zipper_chart(rows, shown, method):
    """Two organisations: mirrored bars per dimension, left and right of the spine
    (longer is higher), so teeth that do not line up show where the partners differ.
    One or more than two organisations: each dimension is a 0-100 line with every
    organisation's marker, the band from lowest to highest being the gap."""
    series = _series(shown, rows)
    if len(series) == 2:
        return _mirrored(rows, series, method)
    return _ranges(rows, series, method)


def _row_label(row, y):
    name = _escape(_short(row["name"], 26))
    body = _title(row["name"]) + _el("tspan", _escape(row["code"]), font_weight="bold")
    return _el("text", f"{body} {name}", x=8, y=y, font_size=12, fill=INK)


def _gap_cell(row, y):
    flag = row["gap_flag"]
    text = "" if row["gap"] is None else str(scoring.display(row["gap"]))
    label = f"{FLAG_MARKS.get(flag, '')} {text}".strip() or "–"
    tip = " ".join(filter(None, [_("gap"), text, str(row["gap_flag_label"] or "")]))
    return _text(
        WIDTH - 8,
        y,
        label,
        tip,
        text_anchor="end",
        fill=FLAG_COLOURS.get(flag, INK),
        font_weight="bold" if flag else "",
    )


def _gap_heading():
    return _text(WIDTH - 8, 20, _("gap"), text_anchor="end")


def _mirrored(rows, series, method):
    top, row_h, scale = 64, 28, 2.3  # 100 points = 230 px on each side
    spine_l, spine_r = 440, 452
    (left, lc, _ld, _ls), (right, rc, _rd, _rs) = series
    hatch = f"zip-hatch-{_id(rows, series)}"
    parts = [
        _el(
            "defs",
            _el(
                "pattern",
                _el("rect", width=6, height=6, fill=rc)
                + _el("line", x1=0, y1=0, x2=0, y2=6, stroke="#fff", stroke_width=2),
                id=hatch,
                width=6,
                height=6,
                patternUnits="userSpaceOnUse",
                patternTransform="rotate(45)",
            ),
        ),
        _text(
            spine_l - 4,
            20,
            f"◀ {_short(left, 30)}",
            font_size=13,
            font_weight="bold",
            text_anchor="end",
        ),
        _text(
            spine_r + 4, 20, f"{_short(right, 30)} ▶", font_size=13, font_weight="bold"
        ),
        _gap_heading(),
    ]
    bottom = top + row_h * len(rows)
    for level in (method.amber, method.green, 100):
        for x in (spine_l - level * scale, spine_r + level * scale):
            parts.append(
                _el(
                    "line",
                    x1=x,
                    y1=top - 8,
                    x2=x,
                    y2=bottom,
                    stroke=GRID,
                    stroke_dasharray="" if level == 100 else "4 3",
                )
                + _text(
                    x,
                    top - 12,
                    str(scoring.display(level)),
                    font_size=10,
                    text_anchor="middle",
                    fill=MUTED,
                )
            )
    sides = ((left, lc, lc, -1, spine_l), (right, rc, f"url(#{hatch})", 1, spine_r))
    for i, row in enumerate(rows):
        y = top + i * row_h
        mid = y + row_h / 2 + 4
        parts.append(_row_label(row, mid))
        for name, colour, fill, side, base in sides:
            value = _org_score(row, name)
            anchor = "end" if side < 0 else "start"
            if value is None:
                parts.append(
                    _text(
                        base + side * 6,
                        mid,
                        _("no data"),
                        font_size=11,
                        text_anchor=anchor,
                        fill=MUTED,
                    )
                )
                continue
            length = max(value * scale, 1)
            tip = f"{name}, {row['code']}: {_score_text(value)}"
            parts.append(
                _el(
                    "rect",
                    _title(tip),
                    x=base - length if side < 0 else base,
                    y=y + 5,
                    width=length,
                    height=row_h - 10,
                    fill=fill,
                    stroke=colour,
                )
                + _text(
                    base + side * (length + 4),
                    mid,
                    str(scoring.display(value)),
                    font_size=11,
                    text_anchor=anchor,
                )
            )
        parts.append(_gap_cell(row, mid))
    centre = (spine_l + spine_r) / 2
    parts.append(
        _el(
            "line",
            x1=centre,
            y1=top - 8,
            x2=centre,
            y2=bottom,
            stroke=INK,
            stroke_width=2,
            stroke_dasharray="3 3",
        )
    )
    legend_y = bottom + 24
    parts.append(
        _el("rect", x=20, y=legend_y - 7, width=28, height=14, fill=lc)
        + _text(56, legend_y + 4, _short(left, 36))
        + _el(
            "rect",
            x=380,
            y=legend_y - 7,
            width=28,
            height=14,
            fill=f"url(#{hatch})",
            stroke=rc,
        )
        + _text(416, legend_y + 4, _short(right, 36))
        + _flag_legend(method, legend_y + 24)
    )
    desc = _(
        "Mirrored bars per dimension: %(left)s to the left, %(right)s to the right, "
        "longer means a higher score (0-100, dashed lines at %(amber)s and %(green)s). "
        "Where the bars differ in length the partners see the dimension differently; "
        "the gap column marks ! for a gap that needs attention and !! for a "
        "significant one. The table with the chart gives the same figures."
    ) % {
        "left": left,
        "right": right,
        "amber": scoring.display(method.amber),
        "green": scoring.display(method.green),
    }
    return _svg(legend_y + 40, _("Where the partners differ"), desc, "".join(parts))


def _ranges(rows, series, method):
    top, row_h, x0, scale = 44, 28, 250, 4.3  # 0-100 over 430 px
    parts = [_gap_heading()]
    bottom = top + row_h * len(rows)
    for level in (0, 25, method.amber, method.green, 100):
        x = x0 + level * scale
        dashed = level in (method.amber, method.green)
        parts.append(
            _el(
                "line",
                x1=x,
                y1=top - 8,
                x2=x,
                y2=bottom,
                stroke=GRID,
                stroke_dasharray="4 3" if dashed else "",
            )
            + _text(
                x,
                top - 12,
                str(scoring.display(level)),
                font_size=10,
                text_anchor="middle",
                fill=MUTED,
            )
        )
    for i, row in enumerate(rows):
        mid = top + i * row_h + row_h / 2
        parts.append(_row_label(row, mid + 4))
        values = [(s, _org_score(row, s[0])) for s in series]
        defined = [v for _s, v in values if v is not None]
        if len(defined) >= 2:
            parts.append(
                _el(
                    "line",
                    x1=x0 + min(defined) * scale,
                    y1=mid,
                    x2=x0 + max(defined) * scale,
                    y2=mid,
                    stroke=GRID,
                    stroke_width=8,
                    stroke_linecap="round",
                )
            )
        if row["partnership"] is not None:
            tip = (
                f"{_('Partnership')}, {row['code']}: {_score_text(row['partnership'])}"
            )
            parts.append(
                _marker(
                    "bar",
                    x0 + row["partnership"] * scale,
                    mid,
                    PARTNERSHIP_COLOUR,
                    tip=tip,
                )
            )
        else:
            parts.append(_text(x0 + 6, mid + 4, _("no data"), font_size=11, fill=MUTED))
        for (name, colour, _dash, shape), value in values:
            if value is not None:
                tip = f"{name}, {row['code']}: {_score_text(value)}"
                parts.append(_marker(shape, x0 + value * scale, mid, colour, 5.5, tip))
        parts.append(_gap_cell(row, mid + 4))
    legend, legend_y = _legend(
        [(name, colour, "", shape, 0) for name, colour, _d, shape in series]
        + [(_("Partnership"), PARTNERSHIP_COLOUR, "", "bar", 0)],
        bottom + 24,
    )
    parts.append(legend + _flag_legend(method, legend_y + 24))
    desc = _(
        "One line per dimension on a 0-100 scale (dashed at %(amber)s and %(green)s) "
        "with a marker per organisation (%(names)s) and an upright bar for the "
        "partnership; the grey band from the lowest to the highest organisation is "
        "the gap, marked ! when it needs attention and !! when significant. The table "
        "with the chart gives the same figures."
    ) % {
        "amber": scoring.display(method.amber),
        "green": scoring.display(method.green),
        "names": ", ".join(s[0] for s in series) or _("none"),
    }
    return _svg(legend_y + 44, _("Where the partners differ"), desc, "".join(parts))
