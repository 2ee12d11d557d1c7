"""The PDF report's statement by statement chapter (report/_statements.html,
report/limits.py): its figures, its columns for any number of organisations, and
pages on which nothing runs off the paper."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from assessments import scoring
from assessments.report import build_report_context, render_pdf
from assessments.report.limits import ORGS_PER_TABLE
from assessments.results import results_json

from .conftest import PASSWORD, download_prepared, make_assessment, make_partnership
from .test_report import fill, pdf_text

pytestmark = pytest.mark.django_db

LONG = " Stichting voor Zorg, Welzijn en Wonen in de regio Midden"


def _scan(owner, question_set, organisations):
    partnership = make_partnership(owner, name="Samen", organisations=organisations)
    assessment = make_assessment(partnership, question_set)
    fill(assessment, per_organisation=2)
    return assessment


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_downloaded_report_has_the_statements_chapter(client, owner, question_set):
    assessment = _scan(owner, question_set, ("Noord", "Oost", "Zuid"))
    client.login(username=owner.username, password=PASSWORD)
    url = reverse("assessments:assessment-report", kwargs={"pk": assessment.pk})
    response = download_prepared(client, f"{url}?lang=nl")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "Stelling voor stelling" in text
    assert "De stellingen waarover de partners het meest verschillen" in text
    assert "Alle stellingen, per dimensie" in text
    data = results_json(assessment, "nl")
    first = data["most_disagreed_statements"][0]
    dimension = next(d for d in data["dimensions"] if d["code"] == first["dimension"])
    statement = next(s for s in dimension["statements"] if s["code"] == first["code"])
    # The top statement with its rank, code, the start of its text and its gap.
    words = " ".join(statement["text"].split()[:5])
    assert f"1 {first['code']} {words}" in text
    cells = statement["organisations"]
    counts = "·".join(str(n) for n in cells[0]["counts"])
    assert f"{counts} ?{cells[0]['dont_know']}" in text
    assert str(scoring.display(first["gap"])) in text


def test_up_to_four_organisations_get_a_column_each(owner, question_set):
    assessment = _scan(owner, question_set, ("Noord", "Oost", "Zuid", "West"))
    context = build_report_context(assessment, "en")
    assert context["statement_columns"] == ["Noord", "Oost", "Zuid", "West"]
    assert context["statement_class"] == "statements-4"
    assert context["statement_span"] == 7  # code, text, four, gap
    statement = context["dimensions"][0]["statements"][0]
    assert "ends" not in statement
    assert [c["label"] for c in statement["organisations"]] == [
        "Noord",
        "Oost",
        "Zuid",
        "West",
    ]
    assert context["report_limits"] == []


def test_more_organisations_show_each_statements_two_ends(owner, question_set):
    names = [f"Partner {i}" for i in range(ORGS_PER_TABLE + 2)]
    assessment = _scan(owner, question_set, names)
    context = build_report_context(assessment, "en")
    assert context["statement_columns"] is None
    assert (context["statement_class"], context["statement_span"]) == ("ends", 5)
    for row in context["dimensions"]:
        for statement in row["statements"]:
            ends = statement["ends"]
            scores = [c["score"] for c in statement["organisations"]]
            assert ends["high"]["score"] == max(scores)
            assert ends["low"]["score"] == min(scores)
            assert ends["high"]["score"] - ends["low"]["score"] == statement["gap"]
    assert any(
        "the statement tables show for each statement" in limit
        for limit in context["report_limits"]
    )


def _right_margin_ink(png):
    """Dark pixels right of the text column (A4, 19 mm right margin)."""
    image = Image.open(png).convert("L")
    edge = round(image.width * (210 - 18) / 210)
    band = image.crop((edge, 0, image.width, image.height))
    return sum(band.histogram()[:200])


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")
@pytest.mark.parametrize("count", [3, 4, 6])
def test_the_statement_pages_stay_inside_the_paper(
    owner, question_set, tmp_path, count
):
    """Long names, four columns or two ends: nothing of a statement table runs into
    the margin (a gap mark, a band, a name)."""
    names = [f"Organisatie {i}{LONG}"[:60] for i in range(count)]
    assessment = _scan(owner, question_set, names)
    pdf = render_pdf(build_report_context(assessment, "nl"))
    reader = PdfReader(io.BytesIO(pdf))
    pages = [
        number
        for number, page in enumerate(reader.pages, start=1)
        if "Stelling voor stelling" in (page.extract_text() or "")
    ][1:]  # the first is the table of contents
    assert len(pages) >= 2
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", str(pages[0]), "-l", str(pages[-1]), "-png"]
        + ["report.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == len(pages)
    assert [_right_margin_ink(png) for png in rendered] == [0] * len(pages)
