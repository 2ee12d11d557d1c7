"""The radar chart: one axis per dimension, one line per shown organisation plus
the partnership (`radar_chart`)."""

import math

from django.utils.translation import gettext as _

from .svg import (
    GRID,
    MUTED,
    PARTNERSHIP_COLOUR,
    WIDTH,
    _el,
    _f,
    _legend,
    _marker,
    _org_score,
    _points,
    _score_text,
    _series,
    _short,
    _svg,
    _text,
)

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
