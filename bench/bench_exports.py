"""Exports and imports for a scan of the default question set with 50 respondents.

- Downloads of the raw answers (CSV, XLSX; 50 x 72 = 3,600 rows) and of the results
  (JSON) through the full stack, median latency. Target: each well under a second,
  so a download feels like a click (CSV and JSON < 250 ms, XLSX < 1 s).
- Importing the CSV export back (3,600 rows, every respondent known so every answer
  is replaced): parse, validate and write. Target < 1 s.
- The worker threshold (`export_formats.WORKER_ROWS`): the cost per row of writing
  each format on a scan of 400 respondents (28,800 rows), and what a direct download
  at the threshold therefore costs. Target < 1 s, so that below the threshold a
  download is still a click and above it the worker takes over.
"""

import random

from bench.common import get_ok, measure

RESPONDENTS = 50
LARGE_RESPONDENTS = 400
TARGETS_MS = {"csv": 250, "json": 250, "xlsx": 1000, "import": 1000}
THRESHOLD_TARGET_MS = 1000


def _scan(respondents=RESPONDENTS, name="bench-exports"):
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
    user = get_user_model().objects.create_user(name)
    partnership = Partnership.objects.create(name=name, owner=user)
    organisations = [
        Organisation.objects.create(partnership=partnership, name=name, position=i)
        for i, name in enumerate(["Alfa", "Beta"])
    ]
    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set
    )
    people = Respondent.objects.bulk_create(
        Respondent(
            assessment=assessment,
            organisation=organisations[n % 2],
            label=f"Respondent {n}",
        )
        for n in range(respondents)
    )
    questions = Question.objects.filter(dimension__question_set=question_set)
    rng = random.Random(3)
    Answer.objects.bulk_create(
        (
            Answer(respondent=r, question=q, value=rng.choice([None, 1, 2, 3, 4, 5]))
            for r in people
            for q in questions
        ),
        batch_size=5000,
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
    rows.extend(_threshold_rows())
    return rows


def _threshold_rows():
    """Per-row cost of each raw-answer format on a large scan, and a direct
    download's cost at the row count above which the worker makes the file."""
    import time

    from assessments.export_formats import (
        WORKER_ROWS,
        answer_row_count,
        answers_csv,
        answers_xlsx,
    )

    _user, large = _scan(LARGE_RESPONDENTS, "bench-exports-large")
    count = answer_row_count(large)
    rows = []
    for fmt, write in (("csv", answers_csv), ("xlsx", answers_xlsx)):
        seconds = []
        for _ in range(3):
            start = time.perf_counter()
            write(large)
            seconds.append(time.perf_counter() - start)
        per_row = sorted(seconds)[1] / count
        at_threshold_ms = per_row * WORKER_ROWS[fmt] * 1000
        rows.append(
            {
                "name": f"(info) export {fmt}: per row, {count} rows (median of 3)",
                "value": per_row * 1e6,
                "unit": "us",
            }
        )
        rows.append(
            {
                "name": f"export {fmt}: direct download at the worker threshold "
                f"({WORKER_ROWS[fmt]} rows)",
                "value": at_threshold_ms,
                "unit": "ms",
                "target": f"< {THRESHOLD_TARGET_MS} ms",
                "ok": at_threshold_ms < THRESHOLD_TARGET_MS,
            }
        )
    return rows
