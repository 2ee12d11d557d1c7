"""The consultant's workspace: the dashboard and the assessment page.

- Dashboard: a consultant with 40 partnerships (two pages), each with a scan of 10
  respondents who answered all 72 statements, so every row shows progress and a
  verdict (scored in one batch for the page). First page, sorted by latest activity.
- Assessment page: one scan with 50 respondents in two organisations, halfway
  answered: progress per organisation, every respondent's status and link.
Both as a ratio of the bare template view's throughput, requested by the same
consultant's client alternating with ours (`common.interleaved`).
"""

import random

from bench.common import get_ok, interleaved

PARTNERSHIPS = 40
RESPONDENTS_PER_SCAN = 10
PAGE_RESPONDENTS = 50
DASHBOARD_TARGET = 0.05
DETAIL_TARGET = 0.10


def _scan(partnership, question_set, questions, rng, respondents, share=1.0):
    from django.utils import timezone

    from assessments.models import Answer, Assessment, Respondent

    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set
    )
    organisations = list(partnership.organisations.all())
    people = []
    for n in range(respondents):
        person = Respondent(
            assessment=assessment,
            organisation=organisations[n % 2],
            label=f"Respondent {n}",
            email=f"r{n}@example.org",
            submitted_at=timezone.now() if n % 3 else None,
        )
        person.issue_token()
        people.append(person)
    Respondent.objects.bulk_create(people)
    answered = questions[: int(len(questions) * share)]
    Answer.objects.bulk_create(
        Answer(respondent=r, question=q, value=rng.choice([None, 2, 3, 4, 5]))
        for r in people
        for q in answered
    )
    return assessment


def _setup():
    from django.contrib.auth import get_user_model

    from assessments.models import Organisation, Partnership, Question
    from assessments.questionsets import questionset_install_default

    question_set, _ = questionset_install_default()
    questions = list(Question.objects.filter(dimension__question_set=question_set))
    user = get_user_model().objects.create_user("bench-consultant", "b@example.org")
    rng = random.Random(6)
    for index in range(PARTNERSHIPS):
        partnership = Partnership.objects.create(
            name=f"Partnership {index}", owner=user
        )
        Organisation.objects.bulk_create(
            Organisation(partnership=partnership, name=name, position=position)
            for position, name in enumerate(("Alfa", "Beta"))
        )
        _scan(partnership, question_set, questions, rng, RESPONDENTS_PER_SCAN)
    big = _scan(partnership, question_set, questions, rng, PAGE_RESPONDENTS, share=0.5)
    return user, big


def run(client, base):
    user, big = _setup()
    client.force_login(user)
    # The bare template view requested by the same logged-in client, alternating
    # with ours: both pay for the session and the user (LoginRequiredMiddleware
    # loads the user for every request that carries a session).
    bare_template = get_ok(client, "/bench/template/")
    dashboard, dashboard_base = interleaved(
        get_ok(client, "/dashboard/"), bare_template
    )
    detail, detail_base = interleaved(
        get_ok(client, f"/assessments/{big.pk}/"), bare_template
    )
    client.logout()
    dashboard_ratio = dashboard["rps"] / dashboard_base["rps"]
    detail_ratio = detail["rps"] / detail_base["rps"]
    return [
        {
            "name": "dashboard (20 rows with verdicts): p50",
            "value": dashboard["p50_ms"],
            "unit": "ms",
        },
        {
            "name": "dashboard / bare template view",
            "value": dashboard_ratio,
            "unit": "x",
            "target": f">= {DASHBOARD_TARGET}",
            "ok": dashboard_ratio >= DASHBOARD_TARGET,
        },
        {
            "name": "assessment page (50 respondents): p50",
            "value": detail["p50_ms"],
            "unit": "ms",
        },
        {
            "name": "assessment page / bare template view",
            "value": detail_ratio,
            "unit": "x",
            "target": f">= {DETAIL_TARGET}",
            "ok": detail_ratio >= DETAIL_TARGET,
        },
    ]
