"""The zipper chart: where the partners differ, per dimension (`zipper_chart`).
Mirrored bars for two organisations, ranges for one or more than two."""

from django.utils.translation import gettext as _

from .. import scoring
from .svg import (
    FLAG_COLOURS,
    GRID,
    INK,
    MUTED,
    PARTNERSHIP_COLOUR,
    WIDTH,
    _chars,
    _el,
    _escape,
    _flag_legend,
    _id,
    _legend,
    _lines,
    _marker,
    _org_score,
    _score_text,
    _series,
    _svg,
    _text,
    _title,
    _wrap,
)


def zipper_chart(rows, shown, method):
    """Two organisations: mirrored bars per dimension, left and right of the spine
    (longer is higher), so teeth that do not line up show where the partners differ.
    One or more than two organisations: each dimension is a 0-100 line with every
    organisation's marker, the band from lowest to highest being the gap."""
    series = _series(shown, rows)
    if len(series) == 2:
        return _mirrored(rows, series, method)
    return _ranges(rows, series, method)


LINE = 13  # px between the lines of a row label


def _row_layout(rows, label_width, top):
    """Each row's (y, height, label lines): a dimension's code and name wrap over
    as many lines as the label column needs, and the row grows with them."""
    chars, y, layout = _chars(label_width, 11), top, []
    for row in rows:
        lines = _wrap(f"{row['code']} {row['name']}", chars)
        height = max(28, LINE * len(lines) + 10)
        layout.append((y, height, lines))
        y += height
    return layout, y


def _row_label(row, y, height, lines):
    first = y + height / 2 + 4 - LINE * (len(lines) - 1) / 2
    code, rest = lines[0].split(" ", 1) if " " in lines[0] else (lines[0], "")
    body = (
        _title(row["name"])
        + _el("tspan", _escape(code), x=8, font_weight="bold")
        + (_el("tspan", " " + _escape(rest)) if rest else "")
        + "".join(_el("tspan", _escape(line), x=8, dy=LINE) for line in lines[1:])
    )
    return _el("text", body, x=8, y=first, font_size=11, fill=INK)


def _gap_cell(row, y):
    flag = row["gap_flag"]
    text = "" if row["gap"] is None else str(scoring.display(row["gap"]))
    label = f"{scoring.gap_mark(flag)} {text}".strip() or "–"
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
    row_h, scale = 28, 2.3  # 100 points = 230 px on each side
    spine_l, spine_r = 440, 452
    (left, lc, _ld, _ls), (right, rc, _rd, _rs) = series
    hatch = f"zip-hatch-{_id(rows, series)}"
    # Organisation names wrap over as many header lines as they need.
    left_lines = _wrap(f"◀ {left}", _chars(spine_l - 12, 13))
    right_lines = _wrap(f"{right} ▶", _chars(WIDTH - spine_r - 60, 13))
    header = 16 * max(len(left_lines), len(right_lines))
    top = 48 + header
    layout, bottom = _row_layout(rows, 174, top)
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
        _lines(
            spine_l - 4,
            20,
            left_lines,
            16,
            font_size=13,
            font_weight="bold",
            text_anchor="end",
        ),
        _lines(spine_r + 4, 20, right_lines, 16, font_size=13, font_weight="bold"),
        _gap_heading(),
    ]
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
    for row, (y, height, lines) in zip(rows, layout, strict=True):
        mid = y + height / 2 + 4
        bar_y = y + height / 2 - (row_h - 10) / 2
        parts.append(_row_label(row, y, height, lines))
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
                    y=bar_y,
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
    left_key = _wrap(left, _chars(300, 12))
    right_key = _wrap(right, _chars(WIDTH - 416 - 10, 12))
    flags, last = _flag_legend(
        method, legend_y + 16 * max(len(left_key), len(right_key)) + 8
    )
    parts.append(
        _el("rect", x=20, y=legend_y - 7, width=28, height=14, fill=lc)
        + _lines(56, legend_y + 4, left_key, 16)
        + _el(
            "rect",
            x=380,
            y=legend_y - 7,
            width=28,
            height=14,
            fill=f"url(#{hatch})",
            stroke=rc,
        )
        + _lines(416, legend_y + 4, right_key, 16)
        + flags
    )
    desc = _(
        "Mirrored bars per dimension: %(left)s to the left, %(right)s to the right, "
        "longer means a higher score (0-100, dashed lines at %(amber)s and %(green)s). "
        "Where the bars differ in length the partners see the dimension differently; "
        "the gap column marks %(mark)s for a gap that needs attention and %(marks)s "
        "for a significant one. The table with the chart gives the same figures."
    ) % {
        "left": left,
        "right": right,
        "amber": scoring.display(method.amber),
        "green": scoring.display(method.green),
        "mark": scoring.gap_mark(scoring.ATTENTION),
        "marks": scoring.gap_mark(scoring.SIGNIFICANT),
    }
    return _svg(last + 24, _("Where the partners differ"), desc, "".join(parts))


def _ranges(rows, series, method):
    top, x0, scale = 44, 250, 4.3  # 0-100 over 430 px
    layout, bottom = _row_layout(rows, 230, top)
    parts = [_gap_heading()]
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
    for row, (y, height, lines) in zip(rows, layout, strict=True):
        mid = y + height / 2
        parts.append(_row_label(row, y, height, lines))
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
    flags, last = _flag_legend(method, legend_y + 24)
    parts.append(legend + flags)
    desc = _(
        "One line per dimension on a 0-100 scale (dashed at %(amber)s and %(green)s) "
        "with a marker per organisation (%(names)s) and an upright bar for the "
        "partnership; the grey band from the lowest to the highest organisation is "
        "the gap, marked %(mark)s when it needs attention and %(marks)s when "
        "significant. The table with the chart gives the same figures."
    ) % {
        "amber": scoring.display(method.amber),
        "green": scoring.display(method.green),
        "names": ", ".join(s[0] for s in series) or _("none"),
        "mark": scoring.gap_mark(scoring.ATTENTION),
        "marks": scoring.gap_mark(scoring.SIGNIFICANT),
    }
    return _svg(last + 24, _("Where the partners differ"), desc, "".join(parts))
