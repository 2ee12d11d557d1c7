"""The charts show everything (issue 16, point 4): every dimension and organisation
name whole in the SVG's visible text, never "…", gap marks as in the tables."""

import json

import pytest
from defusedxml import ElementTree as ET
from django.utils import translation

from assessments import charts, scoring
from assessments.questionsets import _default_questionset_text

SVG = "{http://www.w3.org/2000/svg}"
DEFAULT = json.loads(_default_questionset_text())
LONG_ORGANISATION = (
    "Stichting Regionale Samenwerking voor Zorg, Welzijn en Wonen in de Gemeenten "
    "Noord-Holland Noord"
)


def _rows(names, organisations, language="nl"):
    rows = []
    for i, dim in enumerate(DEFAULT["dimensions"]):
        scores = [(20 + 37 * (i + j)) % 101 for j in range(len(organisations))]
        gap = max(scores) - min(scores) if len(scores) > 1 else None
        rows.append(
            {
                "code": dim["code"],
                "name": names.get(dim["code"], dim["name"][language]),
                "partnership": sum(scores) / len(scores),
                "organisations": [
                    {"name": name, "score": score}
                    for name, score in zip(organisations, scores, strict=True)
                ],
                "gap": gap,
                "gap_flag": scoring.gap_flag(gap, scoring.Method()),
                "gap_flag_label": "",
            }
        )
    return rows


def visible_texts(svg):
    """The text of every <text> element as a reader sees it: its lines joined by
    spaces, tooltips (<title>) left out."""
    root = ET.fromstring(str(svg))
    texts = []
    for text in root.iter(f"{SVG}text"):
        parts = [text.text or ""]
        for child in text:
            if child.tag != f"{SVG}title":
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        texts.append(" ".join(" ".join(parts).split()))
    return texts


def _organisations(n):
    names = [f"Organisatie {chr(65 + i)} uit de regio" for i in range(n)]
    names[-1] = LONG_ORGANISATION
    return names


@pytest.mark.parametrize("n", [2, 3, 6, 12])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_dimension_and_organisation_name_appears_whole(n, language):
    organisations = _organisations(n)
    rows = _rows({}, organisations, language)
    for svg in (
        charts.radar_chart(rows, organisations),
        charts.zipper_chart(rows, organisations, scoring.Method()),
    ):
        assert "…" not in svg
        texts = visible_texts(svg)
        everything = " | ".join(texts)
        for row in rows:
            assert row["name"] in everything, row["name"]
        for name in organisations:
            assert name in everything, name


def test_a_name_far_longer_than_the_default_wraps_rather_than_being_cut():
    long = "Samen leren, verbeteren en vernieuwen " * 5
    long = long.strip()
    organisations = _organisations(3)
    rows = _rows({"RS7": long}, organisations)
    for svg in (
        charts.radar_chart(rows, organisations),
        charts.zipper_chart(rows, organisations[:2], scoring.Method()),
        charts.zipper_chart(rows, organisations, scoring.Method()),
    ):
        assert "…" not in svg
        assert any(long in text for text in visible_texts(svg))


def test_the_zipper_marks_gaps_as_the_tables_do():
    rows = _rows({}, ["Alfa", "Beta"])
    flags = {row["gap_flag"] for row in rows}
    assert {scoring.ATTENTION, scoring.SIGNIFICANT} <= flags
    with translation.override("en"):
        svg = charts.zipper_chart(rows, ["Alfa", "Beta"], scoring.Method())
    texts = visible_texts(svg)
    assert not any("!" in text for text in texts)
    significant = next(r for r in rows if r["gap_flag"] == scoring.SIGNIFICANT)
    assert f"▲▲ {scoring.display(significant['gap'])}" in texts
    assert any(text.startswith("▲ a gap of 25") for text in texts)


def test_the_legend_wraps_within_the_chart():
    organisations = _organisations(12)
    svg = charts.zipper_chart(_rows({}, organisations), organisations, scoring.Method())
    root = ET.fromstring(str(svg))
    width = float(root.get("width"))
    height = float(root.get("height"))
    for text in root.iter(f"{SVG}text"):
        for element in [text, *text.iter(f"{SVG}tspan")]:
            if element.get("x"):
                assert 0 <= float(element.get("x")) <= width
        assert 0 < float(text.get("y")) < height
