"""Database queries per page must not grow with the data behind the page.

Each page is requested twice, against a small and a large set of data (respondents,
partnerships, assessments, statements on a step), with the cache cleared first so the
count is the uncached one; the two counts must be equal.
"""

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SMALL, LARGE = 4, 40


def _count(call):
    cache.clear()
    call()  # warm up per-process state (translations, templates)
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def _get(client, url):
    def call():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return call


def _consultant(name, partnerships, respondents, question_set):
    from tests.conftest import (
        answer_all,
        make_assessment,
        make_partnership,
        make_respondent,
        make_user,
    )

    user = make_user(name)
    assessment = None
    for number in range(partnerships):
        partnership = make_partnership(user, name=f"{name} partnership {number}")
        assessment = make_assessment(partnership, question_set)
    for number in range(respondents):
        organisation = assessment.partnership.organisations.all()[number % 2]
        answer_all(make_respondent(assessment, organisation), value=number % 5 + 1)
    client = Client()
    client.force_login(user)
    return client, assessment


def _row(page, what, small, large):
    return {
        "name": f"queries: {page} ({what}: {SMALL} -> {LARGE})",
        "value": large,
        "unit": "queries",
        "target": f"== {small} (no growth)",
        "ok": large == small,
    }


def run(client, base):
    from assessments.questionsets import questionset_install_default
    from assessments.report import build_report_context
    from tests.conftest import make_respondent

    question_set, _ = questionset_install_default()
    few, few_scan = _consultant("bench-q-small", SMALL, SMALL, question_set)
    many, many_scan = _consultant("bench-q-large", LARGE, LARGE, question_set)
    rows = [
        _row(
            "dashboard",
            "partnerships",
            _count(_get(few, "/dashboard/")),
            _count(_get(many, "/dashboard/")),
        )
    ]
    for page, path in (
        ("assessment page", "/assessments/{}/"),
        ("results page", "/assessments/{}/results/"),
        ("CSV export", "/assessments/{}/export/csv/"),
    ):
        rows.append(
            _row(
                page,
                "respondents",
                _count(_get(few, path.format(few_scan.pk))),
                _count(_get(many, path.format(many_scan.pk))),
            )
        )
    rows.append(
        _row(
            "report context",
            "respondents",
            _count(lambda: build_report_context(few_scan, "nl")),
            _count(lambda: build_report_context(many_scan, "nl")),
        )
    )
    # A participant's step pages hold from 4 to 7 statements.
    participant = Client()
    respondent = make_respondent(few_scan, label="Bench participant")
    participant.get(f"/i/{respondent.raw_token}/")
    sizes = {
        step: dimension.questions.count()
        for step, dimension in enumerate(
            question_set.dimensions.order_by("position", "code"), start=1
        )
    }
    smallest = min(sizes, key=sizes.get)
    largest = max(sizes, key=sizes.get)
    rows.append(
        {
            **_row(
                "questionnaire step",
                "statements",
                _count(_get(participant, f"/q/step/{smallest}/")),
                _count(_get(participant, f"/q/step/{largest}/")),
            ),
            "name": (
                f"queries: questionnaire step (statements: {sizes[smallest]} -> "
                f"{sizes[largest]})"
            ),
        }
    )
    return rows
