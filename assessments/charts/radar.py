"""The radar chart: one axis per dimension, one line per shown organisation plus
the partnership (`radar_chart`)."""

import math

from django.utils.translation import gettext as _

from .svg import (
    GRID,
    MUTED,
    PARTNERSHIP_COLOUR,
    WIDTH,
    _chars,
    _el,
    _f,
    _legend,
    _lines,
    _marker,
    _org_score,
    _points,
    _score_text,
    _series,
    _svg,
    _text,
    _wrap,
)

RADAR_CX, RADAR_R = WIDTH / 2, 190
LABEL_AT = 112  # labels sit just outside the 100 ring
LINE = 13  # px between the lines of a label
TOP_MARGIN = 16


def _radar_point(i, n, value, cy):
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = RADAR_R * value / 100
    return RADAR_CX + r * math.cos(angle), cy + r * math.sin(angle)


def _radar_labels(rows):
    """Each axis's label as (x, y of its first line, anchor, name lines), with the
    centre at y=0: a name wraps to the room beside its axis end, and a label
    above the centre grows upwards, one below it downwards, one beside it both
    ways, so no label runs into the rings or off the chart."""
    n, labels = len(rows), []
    for i, row in enumerate(rows):
        lx, ly = _radar_point(i, n, LABEL_AT, 0)
        if abs(lx - RADAR_CX) < 20:
            anchor, room = "middle", 2 * min(lx, WIDTH - lx) - 16
            room = min(room, 190)
        elif lx > RADAR_CX:
            anchor, room = "start", WIDTH - lx - 8
        else:
            anchor, room = "end", lx - 8
        lines = _wrap(row["name"], _chars(min(room, 190), 10.5))
        height = LINE * len(lines)  # the code line and the name lines below it
        if ly < -30:
            top = ly - height - 2
        elif ly > 30:
            top = ly + 10
        else:
            top = ly - height / 2 + 4
        labels.append((lx, top, anchor, lines))
    return labels


def _radar_grid(rows, labels, cy):
    n, parts = len(rows), []
    for level in (25, 50, 75, 100):
        ring = _points(_radar_point(i, n, level, cy) for i in range(n))
        dash = "4 3" if level in (50, 75) else ""
        parts.append(
            _el("polygon", points=ring, fill="none", stroke=GRID, stroke_dasharray=dash)
        )
        x, y = _radar_point(0, n, level, cy)
        parts.append(_text(x + 4, y + 4, str(level), font_size=10, fill=MUTED))
    for i, (row, (lx, top, anchor, lines)) in enumerate(zip(rows, labels, strict=True)):
        x, y = _radar_point(i, n, 100, cy)
        parts.append(_el("line", x1=RADAR_CX, y1=cy, x2=x, y2=y, stroke=GRID))
        parts.append(
            _text(
                lx,
                cy + top,
                row["code"],
                row["name"],
                font_weight="bold",
                text_anchor=anchor,
            )
            + _lines(
                lx,
                cy + top + LINE,
                lines,
                LINE,
                font_size=10.5,
                text_anchor=anchor,
                fill=MUTED,
            )
        )
    return "".join(parts)


def _radar_line(rows, values, colour, dash, stroke, shape, label, cy):
    """A closed line through the defined values; None lifts the pen."""
    n, path, pen_down = len(rows), [], False
    for i, value in enumerate([*values, values[0]]):
        if value is None:
            pen_down = False
            continue
        x, y = _radar_point(i % n, n, value, cy)
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
            out.append(_marker(shape, *_radar_point(i, n, value, cy), colour, tip=tip))
    return "".join(out)


def radar_chart(rows, shown):
    """One axis per dimension (0 at the centre, 100 at the edge), one line per shown
    organisation plus the partnership. A missing score breaks the line there."""
    n = len(rows)
    if n == 0:
        return _svg(40, _("Scores per dimension"), _("No dimensions."), "")
    series = _series(shown, rows)
    labels = _radar_labels(rows)
    # The centre sits low enough for the highest label, the legend below the
    # lowest one: the chart is as tall as its labels need.
    cy = max(TOP_MARGIN + 10 - min(top for _x, top, _a, _l in labels), RADAR_R + 60)
    label_bottom = max(top + LINE * len(lines) for _x, top, _a, lines in labels)
    parts = [_radar_grid(rows, labels, cy)]
    partnership = [row["partnership"] for row in rows]
    if None not in partnership:
        area = _points(_radar_point(i, n, v, cy) for i, v in enumerate(partnership))
        parts.append(
            _el("polygon", points=area, fill=PARTNERSHIP_COLOUR, fill_opacity=0.06)
        )
    for name, colour, dash, shape in series:
        values = [_org_score(r, name) for r in rows]
        parts.append(_radar_line(rows, values, colour, dash, 2, shape, name, cy))
    parts.append(
        _radar_line(
            rows, partnership, PARTNERSHIP_COLOUR, "", 3, "bar", _("Partnership"), cy
        )
    )
    everyone = _("Partnership (each organisation counts equally)")
    legend, bottom = _legend(
        [(name, colour, dash, shape, 2) for name, colour, dash, shape in series]
        + [(everyone, PARTNERSHIP_COLOUR, "", "bar", 3)],
        cy + max(label_bottom, RADAR_R) + 30,
    )
    parts.append(legend)
    desc = _(
        "Radar chart of %(n)s dimensions on a 0-100 scale, 0 at the centre and 100 at "
        "the edge, dashed rings at 50 and 75. Lines: %(names)s and the partnership. "
        "The table with the chart gives the same figures."
    ) % {"n": n, "names": ", ".join(s[0] for s in series) or _("none")}
    return _svg(bottom + 20, _("Scores per dimension"), desc, "".join(parts))
