"""The dashboard's batch verdicts agree with the results page, in a few queries."""

import random

import pytest

from assessments.models import Answer, Organisation, Question
from assessments.results import build_results_context
from assessments.results.verdicts import verdicts_for

from .conftest import make_assessment, make_partnership, make_respondent

pytestmark = pytest.mark.django_db


def _answer(respondent, rng, share=1.0, leaning=3.5):
    questions = list(
        Question.objects.filter(
            dimension__question_set=respondent.assessment.question_set
        )
    )
    chosen = questions[: int(len(questions) * share)]
    Answer.objects.bulk_create(
        Answer(
            respondent=respondent,
            question=q,
            value=None
            if rng.random() < 0.05
            else round(min(5, max(1, rng.gauss(leaning, 1)))),
        )
        for q in chosen
    )


def _scans(owner, question_set, count, seed=7):
    rng = random.Random(seed)
    scans = []
    for index in range(count):
        partnership = make_partnership(owner, name=f"P{index}")
        if index % 3 == 0:
            Organisation.objects.create(
                partnership=partnership, name="Third", position=2
            )
        assessment = make_assessment(partnership, question_set)
        for org in partnership.organisations.all():
            for _ in range(rng.randint(0, 3)):
                respondent = make_respondent(assessment, org)
                _answer(
                    respondent,
                    rng,
                    share=rng.choice([0.1, 0.6, 1.0]),
                    leaning=rng.uniform(1.5, 4.8),
                )
        scans.append(assessment)
    return scans


def test_batch_verdicts_match_the_results_page(owner, question_set):
    scans = _scans(owner, question_set, 9)
    summaries = verdicts_for(scans)
    bands = set()
    for assessment in scans:
        context = build_results_context(assessment, with_charts=False)
        summary = summaries[assessment.pk]
        assert summary.band == context["verdict"]["band"], assessment
        assert summary.index == pytest.approx(context["index"]), assessment
        bands.add(summary.band)
    assert len(bands) >= 2  # the cases are not all alike


def test_the_number_of_queries_does_not_grow_with_assessments(
    owner, question_set, django_assert_max_num_queries
):
    scans = _scans(owner, question_set, 8)
    with django_assert_max_num_queries(5):
        verdicts_for(scans[:2])
    with django_assert_max_num_queries(5):
        verdicts_for(scans)


def test_no_assessments_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert verdicts_for([]) == {}
