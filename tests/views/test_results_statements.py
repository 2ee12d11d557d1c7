"""The results page's statement by statement section (views/results.py,
includes/_results_statements.html): kept apart from test_results.py."""

import re

import pytest
import tinyhtml5
from django.urls import reverse

from assessments import scoring
from assessments.results import results_json

from ..test_results import _people
from .test_results import XHTML, _text

pytestmark = pytest.mark.django_db


def _get(client, user, assessment, language="en"):
    client.force_login(user)
    return client.get(
        reverse("assessments:assessment-results", args=[assessment.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.fixture
def answered(assessment):
    _people(assessment, "Alfa", [4, 5])
    _people(assessment, "Beta", [2])
    return assessment


def _by_id(root, id_):
    return next(e for e in root.iter() if e.get("id") == id_)


def test_every_dimension_has_a_closed_drill_down_with_its_statements(
    client, owner, answered
):
    html = _get(client, owner, answered).content.decode()
    root = tinyhtml5.parse(html)
    drill_downs = [
        d
        for d in root.iter(f"{XHTML}details")
        if "results-statements" in d.get("class")
    ]
    assert len(drill_downs) == 14
    # Closed until opened: works without JavaScript, like every <details>.
    assert not any(d.get("open") is not None for d in drill_downs)
    assert _text(next(drill_downs[0].iter(f"{XHTML}summary"))).startswith("BV1 ")
    (table,) = drill_downs[0].iter(f"{XHTML}table")
    groups = list(table.iter(f"{XHTML}tbody"))
    assert len(groups) == 7  # BV1 has seven statements, a row group each
    head = [_text(th) for th in table.find(f"{XHTML}thead").iter(f"{XHTML}th")]
    assert head == [
        "Organisation",
        "Score",
        "answered 1",
        "answered 2",
        "answered 3",
        "answered 4",
        "answered 5",
        "don't know",
    ]


def test_the_page_shows_the_statement_figures_of_results_json(client, owner, answered):
    html = _get(client, owner, answered).content.decode()
    root = tinyhtml5.parse(html)
    data = results_json(answered, "en")
    for number, dimension in enumerate(data["dimensions"], start=1):
        for position, statement in enumerate(dimension["statements"], start=1):
            block = _by_id(root, f"statement-{number}-{position}")
            assert statement["code"] in _text(block)
            # A row per organisation, headed by its name, between the statement
            # and its gap.
            rows = [
                [_text(cell) for cell in row]
                for row in block.iter(f"{XHTML}tr")
                if row[0].get("scope") == "row"
            ]
            for row, cell in zip(rows, statement["organisations"], strict=True):
                assert row[0] == cell["name"]
                assert row[1].split()[0] == str(scoring.display(cell["score"]))
                assert [int(n) for n in row[2:7]] == cell["counts"]
                assert int(row[7]) == cell["dont_know"]
            gap = re.search(r"organisations: (\d+)", _text(block)).group(1)
            assert int(gap) == scoring.display(statement["gap"])


def test_each_of_the_most_disagreed_links_to_its_statement(client, owner, answered):
    html = _get(client, owner, answered).content.decode()
    root = tinyhtml5.parse(html)
    links = re.findall(r'<a href="#(statement-\d+-\d+)">All statements of (\w+)', html)
    data = results_json(answered, "en")
    assert len(links) == len(data["most_disagreed_statements"]) == 10
    for (anchor, dimension), listed in zip(
        links, data["most_disagreed_statements"], strict=True
    ):
        target = _by_id(root, anchor)
        assert listed["code"] in _text(target)
        assert dimension == listed["dimension"]


def test_it_says_so_when_no_statement_differs(client, owner, assessment):
    _people(assessment, "Alfa", [3])
    _people(assessment, "Beta", [3])
    html = _get(client, owner, assessment).content.decode()
    assert "No difference between the organisations on any statement yet" in html
    assert "All statements of" not in html


def test_it_speaks_dutch_by_default(client, owner, answered):
    html = _get(client, owner, answered, language="nl").content.decode()
    assert "De stellingen waarover de partners het meest verschillen" in html
    assert "Stelling voor stelling" in html
    assert "weet niet" in html


def test_the_statement_section_loads_only_its_own_script(client, owner, answered):
    html = _get(client, owner, answered).content.decode()
    assert html.count("js/statements.js") == 1
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert " style=" not in html


def test_an_editor_adds_an_action_from_a_dimensions_drill_down(
    client, owner, collaborator, answered
):
    html = _get(client, owner, answered).content.decode()
    root = tinyhtml5.parse(html)
    drill_down = _by_id(root, "statements-1")  # BV1
    links = [
        a.get("href")
        for a in drill_down.iter(f"{XHTML}a")
        if "action-add-link" in (a.get("class") or "")
    ]
    assert links == [
        reverse("assessments:action-add", args=[answered.pk])
        + "?dimension=BV1&back=results"
    ]
    # A read-only colleague reads the same statements without the link.
    html = _get(client, collaborator, answered).content.decode()
    drill_down = _by_id(tinyhtml5.parse(html), "statements-1")
    assert not any(
        "action-add-link" in (a.get("class") or "")
        for a in drill_down.iter(f"{XHTML}a")
    )
    assert len(list(drill_down.iter(f"{XHTML}tbody"))) == 7
