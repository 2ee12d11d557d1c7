"""The results page (views/results.py)."""

import re

import pytest
import tinyhtml5
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import scoring
from assessments.models import Organisation
from assessments.results import results_json

from ..conftest import make_assessment, make_respondent
from ..test_results import _people, answer_level

pytestmark = pytest.mark.django_db

XHTML = "{http://www.w3.org/1999/xhtml}"


def _url(assessment):
    return reverse("assessments:assessment-results", args=[assessment.pk])


def _get(client, user, assessment, language="en"):
    client.force_login(user)
    return client.get(_url(assessment), HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def answered(assessment):
    _people(assessment, "Alfa", [4, 5])
    _people(assessment, "Beta", [2])
    return assessment


def test_it_shows_the_verdict_and_the_reason(client, owner, answered):
    response = _get(client, owner, answered)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ready, with conditions" in html
    assert "Discussion agenda" in html
    assert 'role="img"' in html  # both charts
    assert html.count("<svg") == 2
    assert (
        response["Cache-Control"].startswith("private")
        or "private" in (response["Cache-Control"])
    )


def test_it_requires_login(client, answered):
    response = client.get(_url(answered))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_outsider_gets_404(client, outsider, answered):
    assert _get(client, outsider, answered).status_code == 404


def test_a_read_only_collaborator_can_view(client, collaborator, answered):
    assert _get(client, collaborator, answered).status_code == 200


def test_it_rejects_post(client, owner, answered):
    client.force_login(owner)
    assert client.post(_url(answered)).status_code == 405


def test_an_unknown_assessment_is_404_not_500(client, owner):
    client.force_login(owner)
    assert client.get("/assessments/999999/results/").status_code == 404


def test_a_scan_without_answers_says_so(client, owner, assessment):
    make_respondent(assessment, label="Nobody yet")
    response = _get(client, owner, assessment)
    assert response.status_code == 200
    assert "Not enough answers yet" in response.content.decode()


def test_insufficient_data_is_shown_in_dutch(client, owner, assessment):
    _people(assessment, "Alfa", [4])
    answer_level(make_respondent(assessment, label="B"), 3, {"RS1": 3})
    html = _get(client, owner, assessment, "nl").content.decode()
    assert "onvoldoende gegevens" in html


def test_a_folded_organisation_gets_no_column(client, owner, assessment):
    assessment.privacy_minimum = 2
    assessment.save()
    _people(assessment, "Alfa", [4, 4])
    _people(assessment, "Beta", [2])
    html = _get(client, owner, assessment).content.decode()
    table = _table(html, "scores-table")
    assert table[0] == ["Dimension", "Alfa", "Partnership", "Gap"]
    assert "Privacy: Beta has fewer than 2 respondents" in html
    assert "Beta" in _table(html, "responses-table")[2][0]


def test_the_trend_is_shown_for_a_follow_up(client, owner, answered, question_set):
    follow_up = make_assessment(answered.partnership, question_set, previous=answered)
    _people(follow_up, "Alfa", [4], prefix="Later Alfa")
    _people(follow_up, "Beta", [4], prefix="Later Beta")
    html = _get(client, owner, follow_up).content.decode()
    assert "Trend since the previous scan" in html
    assert "narrowed" in html
    assert "Trend since" not in _get(client, owner, answered).content.decode()


def test_names_are_escaped_everywhere(client, owner, assessment):
    Organisation.objects.filter(name="Alfa").update(name='<script>x</script>"Alfa"')
    _people(assessment, '<script>x</script>"Alfa"', [4])
    _people(assessment, "Beta", [3])
    html = _get(client, owner, assessment).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_the_page_has_no_inline_styles_or_scripts(client, owner, answered):
    html = _get(client, owner, answered).content.decode()
    assert " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert re.search(r"\son[a-z]+=", html) is None


def _text(element):
    return " ".join("".join(element.itertext()).split())


def _table(html, table_id):
    root = tinyhtml5.parse(html)
    table = next(t for t in root.iter(f"{XHTML}table") if t.get("id") == table_id)
    return [[_text(cell) for cell in row] for row in table.iter(f"{XHTML}tr")]


def _scores(cell):
    """Whole numbers in a table cell, or None for "insufficient data"."""
    found = re.findall(r"\d+", cell)
    return int(found[0]) if found else None


def test_the_page_shows_the_figures_of_results_json(client, owner, assessment):
    _people(assessment, "Alfa", [5, 4, 3])
    _people(assessment, "Beta", [2, 3])
    answer_level(make_respondent(assessment, label="Half"), 4, {"BV1": 4, "RS2": 2})
    html = _get(client, owner, assessment).content.decode()
    data = results_json(assessment, "en")
    rows = {row[0].split()[0]: row for row in _table(html, "scores-table")[1:]}
    for dim in data["dimensions"]:
        row = rows[dim["code"]]
        expected = [scoring.display(o["score"]) for o in dim["organisations"]]
        expected += [scoring.display(dim["partnership"]), scoring.display(dim["gap"])]
        assert [_scores(cell) for cell in row[1:]] == expected, dim["code"]
    index = re.search(r'results-index">(\d+)<', html).group(1)
    assert int(index) == scoring.display(data["readiness_index"])
    agenda = re.findall(r'results-rank" aria-hidden="true">\d+</span> (\w+)', html)
    assert agenda == [item["code"] for item in data["agenda"]]


def _page_queries(client, assessment):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(assessment)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_respondents(client, owner, assessment):
    client.force_login(owner)
    _people(assessment, "Alfa", [4])
    _people(assessment, "Beta", [3])
    two = _page_queries(client, assessment)
    _people(assessment, "Alfa", [3, 4, 5] * 3, prefix="More Alfa")
    _people(assessment, "Beta", [2, 3, 4] * 3, prefix="More Beta")
    assert _page_queries(client, assessment) == two
