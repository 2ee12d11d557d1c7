"""The privacy minimum by difference: nothing shown may depend on the answers of an
organisation below the minimum (scoring.privacy_allows decides, every output asks).

Each test renders an output twice, once with the hidden organisation answering
everything 5 and once everything 1, and asserts the two are the same.
"""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from assessments import scoring
from assessments.models import Answer, Dimension, DimensionComment
from assessments.report import build_report_context, render_pdf
from assessments.results import build_results_context, results_json
from assessments.sharing import shared_link_create
from assessments.workspace.progress import latest_assessments

from .conftest import PASSWORD, make_assessment, make_partnership, make_respondent
from .test_results import answer_level

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_partners(owner, question_set):
    """Alfa (1 respondent, below a minimum of 3), Beta and Gamma (3 each)."""
    partnership = make_partnership(owner, organisations=("Alfa", "Beta", "Gamma"))
    assessment = make_assessment(partnership, question_set, privacy_minimum=3)
    orgs = {o.name: o for o in partnership.organisations.all()}
    for name, levels in (("Beta", [2, 2, 3]), ("Gamma", [4, 5, 4])):
        for i, level in enumerate(levels, start=1):
            answer_level(
                make_respondent(assessment, orgs[name], label=f"{name} {i}"), level
            )
    hidden = make_respondent(assessment, orgs["Alfa"], label="Alfa 1")
    answer_level(hidden, 5)
    return assessment, hidden


def _set_all(respondent, value):
    Answer.objects.filter(respondent=respondent).update(value=value)


def _twice(assessment, hidden, render):
    """`render()` with the hidden respondent answering all 5, then all 1."""
    _set_all(hidden, 5)
    high = render()
    _set_all(hidden, 1)
    low = render()
    return high, low


def test_the_rule_in_one_place():
    assert scoring.privacy_allows(3, 0, 3)
    assert not scoring.privacy_allows(2, 0, 3)
    # A workshop group answered in the room, together: nothing to hide.
    assert scoring.privacy_allows(0, 1, 3)
    # A group beside too few individuals would let one work out the individuals.
    assert not scoring.privacy_allows(2, 1, 3)
    assert scoring.privacy_allows(1, 0, 1)


def test_the_figures_do_not_move_with_the_hidden_answers(three_partners):
    assessment, hidden = three_partners

    def figures():
        context = build_results_context(assessment)
        return (
            context["index"],
            context["verdict"]["band"],
            context["blocks"],
            [
                (r["partnership"], r["gap"], r["organisations"], r["pairs"])
                for r in context["dimensions"]
            ],
            context["agenda"],
            context["quick_wins"],
            context["charts"],
        )

    high, low = _twice(assessment, hidden, figures)
    assert high == low
    context = build_results_context(assessment)
    assert context["folded_organisations"] == ["Alfa"]
    assert context["shown_organisations"] == ["Beta", "Gamma"]


def test_the_json_export_does_not_move(three_partners):
    assessment, hidden = three_partners
    high, low = _twice(assessment, hidden, lambda: results_json(assessment))
    assert high == low
    assert high["folded_organisations"] == ["Alfa"]


def test_the_results_page_text_is_identical(client, owner, three_partners):
    assessment, hidden = three_partners
    client.login(username=owner.username, password=PASSWORD)
    url = f"/assessments/{assessment.pk}/results/"

    def page():
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        # The CSRF token differs per request; nothing else may.
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    high, low = _twice(assessment, hidden, page)
    assert high == low
    assert "Privacy: Alfa has fewer than 3 respondents" in high


def test_the_shared_partner_page_is_identical(client, three_partners):
    """The page behind a shared link (issue 16.7) holds to the minimum too."""
    assessment, hidden = three_partners
    link = shared_link_create(
        assessment=assessment,
        organisation=None,
        last_day=timezone.localdate(),
        created_by=assessment.partnership.owner,
    )

    def page():
        html = client.get(link.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    high, low = _twice(assessment, hidden, page)
    assert high == low
    assert "Privacy: Alfa has fewer than 3 respondents" in high
    assert "Alfa 1" not in high


@pytest.mark.slow
def test_the_pdf_text_is_identical(three_partners):
    assessment, hidden = three_partners

    def text():
        pdf = render_pdf(build_report_context(assessment, "en"))
        return "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages
        )

    high, low = _twice(assessment, hidden, text)
    assert high == low
    assert "left out of every figure" in " ".join(high.split())


def test_the_dashboard_verdict_does_not_move(three_partners):
    assessment, hidden = three_partners

    def verdict():
        summary = latest_assessments([assessment.pk])[assessment.pk].verdict
        return summary.band, summary.index

    high, low = _twice(assessment, hidden, verdict)
    assert high == low
    assert high[1] == build_results_context(assessment)["index"]


def test_a_dimension_with_too_few_answers_is_hidden_for_that_organisation(
    three_partners,
):
    """Beta has three respondents, but only one answered RS9: Beta's RS9 is hidden
    and RS9's partnership figure rests on Gamma alone."""
    assessment, _hidden = three_partners
    Answer.objects.filter(
        respondent__label__in=["Beta 2", "Beta 3"], question__dimension__code="RS9"
    ).delete()
    context = build_results_context(assessment)
    row = next(r for r in context["dimensions"] if r["code"] == "RS9")
    beta, gamma = row["organisations"]
    assert beta["withheld"] and beta["score"] is None
    assert row["partnership"] == gamma["score"] and row["gap"] is None
    assert context["withheld_cells"]


def test_comments_of_a_hidden_organisation_are_not_shown(three_partners):
    assessment, hidden = three_partners
    dimension = Dimension.objects.get(question_set=assessment.question_set, code="BV1")
    DimensionComment.objects.create(
        respondent=hidden, dimension=dimension, text="Only Alfa would say this"
    )
    beta = assessment.respondents.get(label="Beta 1")
    DimensionComment.objects.create(
        respondent=beta, dimension=dimension, text="Beta says this"
    )
    row = next(
        r for r in build_results_context(assessment)["dimensions"] if r["code"] == "BV1"
    )
    assert row["comments"] == ["Beta says this"]


def test_a_workshop_group_is_shown_whatever_the_minimum(owner, question_set):
    partnership = make_partnership(owner)
    assessment = make_assessment(partnership, question_set, privacy_minimum=3)
    for org in partnership.organisations.all():
        answer_level(
            make_respondent(assessment, org, label=f"{org.name} group", is_group=True),
            4,
        )
    context = build_results_context(assessment)
    assert context["shown_organisations"] == ["Alfa", "Beta"]
    assert context["index"] == 75
