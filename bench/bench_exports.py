"""Exports and imports for a scan of the default question set with 50 respondents.

- Downloads of the raw answers (CSV, XLSX; 50 x 72 = 3,600 rows) and of the results
  (JSON) through the full stack, median latency. Target: each well under a second,
  so a download feels like a click (CSV and JSON < 250 ms, XLSX < 1 s).
- Importing the CSV export back (3,600 rows, every respondent known so every answer
  is replaced): parse, validate and write. Target < 1 s.
"""

import random

from bench.common import get_ok, measure

RESPONDENTS = 50
TARGETS_MS = {"csv": 250, "json": 250, "xlsx": 1000, "import": 1000}


def _scan():
    from django.contrib.auth import get_user_model

    from assessments.models import (
        Answer,
        Assessment,
        Organisation,
        Partnership,
        Question,
        Respondent,
    )
    from assessments.questionsets import questionset_install_default

    question_set = questionset_install_default()[0]
    user = get_user_model().objects.create_user("bench-exports")
    partnership = Partnership.objects.create(name="Bench exports", owner=user)
    organisations = [
        Organisation.objects.create(partnership=partnership, name=name, position=i)
        for i, name in enumerate(["Alfa", "Beta"])
    ]
    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set
    )
    respondents = Respondent.objects.bulk_create(
        Respondent(
            assessment=assessment,
            organisation=organisations[n % 2],
            label=f"Respondent {n}",
        )
        for n in range(RESPONDENTS)
    )
    questions = Question.objects.filter(dimension__question_set=question_set)
    rng = random.Random(3)
    Answer.objects.bulk_create(
        Answer(respondent=r, question=q, value=rng.choice([None, 1, 2, 3, 4, 5]))
        for r in respondents
        for q in questions
    )
    return user, assessment


def _row(name, result, target_ms):
    return {
        "name": name,
        "value": result["p50_ms"],
        "unit": "ms",
        "target": f"< {target_ms} ms",
        "ok": result["p50_ms"] < target_ms,
    }


def run(client, base):
    from assessments.export_formats import answers_csv
    from assessments.imports import read_table, responses_import

    user, assessment = _scan()
    client.force_login(user)
    rows = []
    for fmt in ("csv", "xlsx", "json"):
        url = f"/assessments/{assessment.pk}/export/{fmt}/"
        result = measure(get_ok(client, url), seconds=2.0, warmup=2)
        rows.append(
            _row(
                f"download {fmt}, {RESPONDENTS} respondents (median)",
                result,
                TARGETS_MS[fmt],
            )
        )
    data = answers_csv(assessment)

    def import_again():
        responses_import(assessment=assessment, rows=read_table(data))

    result = measure(import_again, seconds=2.0, warmup=1)
    rows.append(
        _row(
            f"import csv, {RESPONDENTS} respondents x 72 answers (median)",
            result,
            TARGETS_MS["import"],
        )
    )
    return rows
