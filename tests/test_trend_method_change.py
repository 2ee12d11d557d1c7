"""A follow-up on another question-set version: the results page and the PDF say
what changed in the method and mark the dimensions concerned (issue 17)."""

import pytest
from django.urls import reverse

from assessments.models import QuestionSet
from assessments.questionsets import (
    questionset_clone,
    questionset_method_change,
    questionset_publish,
)
from assessments.report import build_report_context, render_pdf
from assessments.results import build_results_context
from assessments.workspace import assessment_follow_up

from .conftest import answer_all, make_respondent
from .test_report import pdf_text


@pytest.fixture
def newer(question_set):
    """The next version: one RS4 statement weighs more, green starts at 80."""
    newer = questionset_clone(question_set=question_set)
    statement = newer.dimensions.get(code="RS4").questions.order_by("position")[0]
    statement.weight += 1
    statement.save()
    QuestionSet.objects.filter(pk=newer.pk).update(green_threshold=80)
    newer.refresh_from_db()
    questionset_publish(question_set=newer)
    return newer


@pytest.fixture
def follow_up(assessment, newer):
    for org in assessment.partnership.organisations.all():
        for value in (3, 4):
            answer_all(make_respondent(assessment, org), value)
    follow_up = assessment_follow_up(
        assessment=assessment, question_set=newer, title="Na een jaar"
    )
    for respondent in follow_up.respondents.all():
        answer_all(respondent, 4)
    return follow_up


def test_the_method_change_names_dimensions_and_settings(question_set, newer):
    change = questionset_method_change(then=question_set, now=newer)
    assert change["dimensions"] == ["RS4"]
    assert [str(label) for label in change["settings"]] == ["Groen vanaf"]
    assert (change["then"], change["now"], change["same_set"]) == (
        question_set.version,
        newer.version,
        True,
    )
    assert change["then"] != change["now"]
    assert questionset_method_change(then=newer, now=newer) is None


def _says_the_versions(then, now):
    assert then != now
    return (
        f"Deze scan gebruikt versie {now} van de vragenset, "
        f"de vorige scan versie {then}."
    )


def test_the_trend_marks_the_changed_dimension_only(follow_up):
    trend = build_results_context(follow_up, "nl")["trend"]
    marked = [row["code"] for row in trend["dimensions"] if row["method_changed"]]
    assert marked == ["RS4"]


def test_the_results_page_says_so(client, owner, question_set, newer, follow_up):
    client.force_login(owner)
    page = client.get(reverse("assessments:assessment-results", args=[follow_up.pk]))
    text = " ".join(page.text.split())
    assert _says_the_versions(question_set.version, newer.version) in text
    assert "stellingen, gewichten of omgekeerde scoring gewijzigd voor RS4" in text
    assert "gewijzigd voor elke dimensie: Groen vanaf" in text
    assert text.count('method-changed">methode gewijzigd') == 1


@pytest.mark.slow
def test_the_pdf_says_so(question_set, newer, follow_up):
    text = pdf_text(render_pdf(build_report_context(follow_up, "nl")))
    assert _says_the_versions(question_set.version, newer.version) in text
    assert "gewijzigd voor RS4" in text
    assert "METHODE GEWIJZIGD" in text.upper()


def test_only_texts_changed_says_that(assessment, question_set):
    newer = questionset_clone(question_set=question_set)
    dimension = newer.dimensions.get(code="BV1")
    dimension.advice_red_nl = "Ander advies."
    dimension.save()
    questionset_publish(question_set=newer)
    follow_up = assessment_follow_up(
        assessment=assessment, question_set=newer, title="Na een jaar"
    )
    change = questionset_method_change(then=question_set, now=newer)
    assert change["dimensions"] == [] and change["settings"] == []
    trend_rows = build_results_context(follow_up, "nl")["trend"]
    assert trend_rows is None or not any(
        row["method_changed"] for row in trend_rows["dimensions"]
    )
