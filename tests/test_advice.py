"""One advice per dimension, and quick wins with their own text (issue 16, point 5).

The partnership's band decides the advice everywhere (the dimension's section and
the bespreekpunten); the least ready organisation's band is named beside it when
lower. "Begin klein" shows the dimension's quick-win text, never its advice."""

import pytest
from django.urls import reverse

from assessments.models import Dimension
from assessments.results import build_results_context

from .conftest import make_assessment, make_partnership, make_respondent
from .test_results import answer_level

pytestmark = pytest.mark.django_db


@pytest.fixture
def scan(owner, question_set):
    """BV1: Alfa 25 (red), Beta 100: the partnership amber with a significant gap.
    Everything else 75 on both sides: green, no gap, so quick wins."""
    partnership = make_partnership(owner)
    assessment = make_assessment(partnership, question_set)
    levels = {d.code: 4 for d in question_set.dimensions.all()}
    for organisation, bv1 in zip(partnership.organisations.all(), (2, 5), strict=True):
        answer_level(
            make_respondent(assessment, organisation), None, levels | {"BV1": bv1}
        )
    return assessment


def test_the_agenda_gives_the_dimension_its_own_advice_and_names_the_lower_band(
    scan, question_set
):
    context = build_results_context(scan, "nl")
    row = next(r for r in context["dimensions"] if r["code"] == "BV1")
    item = next(i for i in context["agenda"] if i["code"] == "BV1")
    bv1 = question_set.dimensions.get(code="BV1")
    assert row["band"] == item["band"] == item["advice_band"] == "amber"
    assert item["advice"] == row["advice"] == bv1.advice("amber", "nl")
    assert item["lowest_band"] == "red" and item["lowest_band_differs"]
    assert str(item["lowest_band_label"]) == "rood"


def test_quick_wins_use_their_own_text(scan, question_set):
    context = build_results_context(scan, "en")
    assert context["quick_wins"]
    for win in context["quick_wins"]:
        dimension = question_set.dimensions.get(code=win["code"])
        assert win["quick_win"] == dimension.quick_win("en") != ""
        assert win["quick_win"] not in {
            dimension.advice(band, "en") for band in ("red", "amber", "green")
        }


def test_one_advice_per_dimension_on_the_page(client, owner, scan, question_set):
    client.force_login(owner)
    text = client.get(reverse("assessments:assessment-results", args=[scan.pk])).text
    bv1 = question_set.dimensions.get(code="BV1")
    assert bv1.advice("amber", "nl") in text
    assert bv1.advice("red", "nl") not in text
    assert "De minst gereede organisatie scoort hier rood" in text
    win = build_results_context(scan, "nl")["quick_wins"][0]
    dimension = question_set.dimensions.get(code=win["code"])
    assert dimension.quick_win("nl") in text
    assert dimension.advice("green", "nl") not in text


def test_a_set_without_quick_win_texts_shows_the_dimension_without_advice(
    client, owner, scan, question_set
):
    Dimension.objects.filter(question_set=question_set).update(
        quick_win_nl="", quick_win_en=""
    )
    context = build_results_context(scan, "nl")
    win = context["quick_wins"][0]
    assert win["quick_win"] == ""
    client.force_login(owner)
    text = client.get(reverse("assessments:assessment-results", args=[scan.pk])).text
    dimension = question_set.dimensions.get(code=win["code"])
    assert f"{win['code']} {dimension.name_nl}" in text
    assert dimension.advice("green", "nl") not in text
