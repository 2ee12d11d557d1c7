"""Scoring and the results page.

- Scoring alone: one assessment of 50 respondents x 14 dimensions x 4-6 questions,
  plain values in, `score_assessment` out (no database). Target well under 50 ms.
- The results page for a scan of the default question set with 50 respondents in two
  organisations and a previous scan (so the trend is computed too), as a ratio of
  the bare template view's throughput, requested by the same client alternating
  with ours (`common.interleaved`). Target >= 0.33.
  Repeated views are served from the cache while nothing changed (the usual case:
  a consultant presenting); the first view after a change is reported beside it.
"""

import random
import statistics
import time

from bench.common import get_ok, interleaved, measure, ratio

RESPONDENTS = 50
SCORING_TARGET_MS = 50
PAGE_TARGET = 0.33


def _plain_assessment(rng):
    from assessments import scoring

    dimensions = []
    for i in range(14):
        code = f"BV{i + 1}" if i < 5 else f"RS{i - 4}"
        questions = tuple(
            scoring.QuestionSpec(f"{code}.{q}", rng.choice([1, 1, 2]), q == 3)
            for q in range(1, rng.randint(4, 6) + 1)
        )
        kind = scoring.CONDITION if i < 5 else scoring.LINK
        dimensions.append(scoring.DimensionSpec(code, kind, questions))
    codes = [q.code for d in dimensions for q in d.questions]
    values = [None, 1, 2, 3, 4, 5]
    responses = tuple(
        scoring.Response(
            f"R{n}", ("Alfa", "Beta")[n % 2], {c: rng.choice(values) for c in codes}
        )
        for n in range(RESPONDENTS)
    )
    return scoring.Method(), tuple(dimensions), responses


def _scoring_ms():
    from assessments import scoring

    method, dimensions, responses = _plain_assessment(random.Random(1))
    timings = []
    for _ in range(60):
        start = time.perf_counter()
        scoring.score_assessment(method, dimensions, responses, ("Alfa", "Beta"))
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _scan_with_answers(partnership, question_set, questions, rng, previous=None):
    from assessments.models import Answer, Assessment, Respondent

    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set, previous=previous
    )
    organisations = list(partnership.organisations.all())
    respondents = Respondent.objects.bulk_create(
        Respondent(
            assessment=assessment,
            organisation=organisations[n % 2],
            label=f"Respondent {n}",
        )
        for n in range(RESPONDENTS)
    )
    Answer.objects.bulk_create(
        Answer(respondent=r, question=q, value=rng.choice([None, 1, 2, 3, 4, 5]))
        for r in respondents
        for q in questions
    )
    return assessment


def _results_url(client):
    from django.contrib.auth import get_user_model

    from assessments.models import Organisation, Partnership, Question
    from assessments.questionsets import questionset_install_default

    question_set = questionset_install_default()[0]
    user = get_user_model().objects.create_user("bench-results")
    partnership = Partnership.objects.create(name="Bench results", owner=user)
    for position, name in enumerate(["Alfa", "Beta"]):
        Organisation.objects.create(
            partnership=partnership, name=name, position=position
        )
    questions = list(Question.objects.filter(dimension__question_set=question_set))
    rng = random.Random(2)
    previous = _scan_with_answers(partnership, question_set, questions, rng)
    current = _scan_with_answers(
        partnership, question_set, questions, rng, previous=previous
    )
    client.force_login(user)
    return f"/assessments/{current.pk}/results/"


def _cold(call):
    """The first view after answers changed: nothing cached, both scans scored."""
    from django.core.cache import cache

    def cold_call():
        cache.clear()
        return call()

    return cold_call


def run(client, base):
    scoring_ms = _scoring_ms()
    page_call = get_ok(client, _results_url(client))
    page = measure(page_call)
    cold = measure(_cold(page_call), seconds=1.0, warmup=2)
    # For information: against the anonymous baseline taken at the start of the run,
    # which does not pay for a session and user and drifts with the machine's load.
    page_ratio = ratio(page, base["bare_template"])
    page_base, base_alternating = interleaved(
        page_call, get_ok(client, "/bench/template/")
    )
    page_interleaved = page_base["rps"] / base_alternating["rps"]
    return [
        {
            "name": f"scoring: {RESPONDENTS} respondents x 14 dimensions (median)",
            "value": scoring_ms,
            "unit": "ms",
            "target": f"< {SCORING_TARGET_MS} ms",
            "ok": scoring_ms < SCORING_TARGET_MS,
        },
        {
            "name": f"results page, {RESPONDENTS} respondents + trend",
            "value": page["rps"],
            "unit": "req/s",
        },
        {
            "name": "results page, first view after a change (no cache)",
            "value": cold["rps"],
            "unit": "req/s",
        },
        {
            "name": "results page / bare template view, interleaved",
            "value": page_interleaved,
            "unit": "x",
            "target": f">= {PAGE_TARGET}",
            "ok": page_interleaved >= PAGE_TARGET,
        },
        {
            "name": "(info) results page / anonymous bare template, start of run",
            "value": page_ratio,
            "unit": "x",
        },
    ]
