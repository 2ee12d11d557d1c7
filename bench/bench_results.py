"""Scoring and the results page.

- Scoring alone: one assessment of 50 respondents x 14 dimensions x 4-6 questions,
  plain values in, `score_assessment` out (no database). Target well under 50 ms.
- The results page for a scan of the default question set with 50 respondents in two
  organisations and a previous scan (so the trend is computed too), as a ratio of
  the bare template view's throughput, requested by the same client alternating
  with ours (`common.interleaved`). Target >= 0.33.
  Repeated views are served from the cache while nothing changed (the usual case:
  a consultant presenting); the first view after a change is reported beside it.
- On PostgreSQL (`BENCH_DATABASE_URL`, or with `BENCH_LARGE=1` on SQLite) also a
  cached results page of one large scan, 2,000 respondents x 72 answers, where the
  cache check's aggregate over the answers is most of the work, with PostgreSQL's
  plan of that aggregate (bench/out/explain-results.txt).
- The partners' page behind a shared link (issue 16.7) of the same scan, as a ratio
  of the bare template view, alternating: the same target as the results page (it
  renders the same context, plus the UPDATE that logs each opening).
- For information, the queries `build_results_context` makes, from the cache and
  after a change (both scans read and scored).
"""

import os
import random
import statistics
import time

from bench.common import (
    OUT,
    explain,
    get_ok,
    interleaved,
    is_postgres,
    measure,
    ratio,
    vacuum_analyze,
)

RESPONDENTS = 50
LARGE_RESPONDENTS = 2000
# On PostgreSQL the large scan shares the answers table with this many copies of it
# (other partnerships' scans), as in production: with its own answers nearly the
# whole table, a sequential scan is the right plan whatever the query says.
LARGE_OTHER_SCANS = 9
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


def _scan_with_answers(
    partnership, question_set, questions, rng, previous=None, respondents=RESPONDENTS
):
    from assessments.models import Answer, Assessment, Respondent

    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set, previous=previous
    )
    organisations = list(partnership.organisations.all())
    people = Respondent.objects.bulk_create(
        (
            Respondent(
                assessment=assessment,
                organisation=organisations[n % 2],
                label=f"Respondent {n}",
            )
            for n in range(respondents)
        ),
        batch_size=1000,
    )
    Answer.objects.bulk_create(
        (
            Answer(respondent=r, question=q, value=rng.choice([None, 1, 2, 3, 4, 5]))
            for r in people
            for q in questions
        ),
        batch_size=5000,
    )
    return assessment


def _results_scans(client, respondents=RESPONDENTS, with_previous=True):
    """(url, current scan) of a new partnership of the bench consultant."""
    from django.contrib.auth import get_user_model

    from assessments.models import Organisation, Partnership, Question
    from assessments.questionsets import questionset_install_default

    question_set = questionset_install_default()[0]
    user = get_user_model().objects.get_or_create(username="bench-results")[0]
    partnership = Partnership.objects.create(
        name=f"Bench results {respondents}", owner=user
    )
    for position, name in enumerate(["Alfa", "Beta"]):
        Organisation.objects.create(
            partnership=partnership, name=name, position=position
        )
    questions = list(Question.objects.filter(dimension__question_set=question_set))
    rng = random.Random(2)
    previous = None
    if with_previous:
        previous = _scan_with_answers(
            partnership, question_set, questions, rng, respondents=respondents
        )
    current = _scan_with_answers(
        partnership,
        question_set,
        questions,
        rng,
        previous=previous,
        respondents=respondents,
    )
    vacuum_analyze()
    client.force_login(user)
    return f"/assessments/{current.pk}/results/", current


def _context_queries(assessment):
    """Queries of `build_results_context` from the cache and after a change."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Assessment
    from assessments.results import build_results_context

    def count():
        scan = Assessment.objects.select_related("partnership", "question_set").get(
            pk=assessment.pk
        )
        with CaptureQueriesContext(connection) as context:
            build_results_context(scan, "nl")
        return len(context.captured_queries)

    cache.clear()
    count()  # per-process state (translations, the question set's structure)
    cache.clear()
    cold = count()
    warm = count()
    return warm, cold


def _other_scans_like(scan, copies):
    """`copies` other scans in other partnerships, each with the answers of `scan`
    (copied in SQL: bulk_create would take minutes for a million rows)."""
    from django.db import connection

    from assessments.models import Answer, Assessment, Partnership, Respondent

    people = list(scan.respondents.values_list("label", "organisation__position"))
    for copy in range(copies):
        partnership = Partnership.objects.create(
            name=f"Other {copy}", owner=scan.partnership.owner
        )
        organisations = {
            position: partnership.organisations.create(name=name, position=position)
            for position, name in enumerate(["Alfa", "Beta"])
        }
        other = Assessment.objects.create(
            partnership=partnership, question_set=scan.question_set
        )
        Respondent.objects.bulk_create(
            (
                Respondent(
                    assessment=other, organisation=organisations[pos], label=label
                )
                for label, pos in people
            ),
            batch_size=1000,
        )
        answer = connection.ops.quote_name(Answer._meta.db_table)
        respondent = connection.ops.quote_name(Respondent._meta.db_table)
        # Table names from the models, values as parameters.
        sql = (
            f"INSERT INTO {answer} (respondent_id, question_id, value, updated_at)"  # noqa: S608
            f" SELECT new.id, a.question_id, a.value, a.updated_at"
            f" FROM {answer} a JOIN {respondent} old ON old.id = a.respondent_id"
            f" JOIN {respondent} new ON new.label = old.label"
            f" AND new.assessment_id = %s WHERE old.assessment_id = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [other.pk, scan.pk])


def _large_scan(client):
    """The cached results page of one scan of 2,000 respondents x 72 answers, and
    PostgreSQL's plan of the answers aggregate its cache check runs."""
    from django.db import connection

    url, scan = _results_scans(
        client, respondents=LARGE_RESPONDENTS, with_previous=False
    )
    if is_postgres():
        _other_scans_like(scan, LARGE_OTHER_SCANS)
        vacuum_analyze()
    page_call = get_ok(client, url)
    start = time.perf_counter()
    page_call()  # scores the scan and fills the cache
    first_ms = (time.perf_counter() - start) * 1000
    # Not CaptureQueriesContext: each request empties the log it reads.
    queries = []

    def record(execute, sql, params, many, context):
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        page_call()
    page, base = interleaved(page_call, get_ok(client, "/bench/template/"))
    name = f"results page, {LARGE_RESPONDENTS} respondents x 72 (cached)"
    rows = [
        {"name": f"{name}: p50", "value": page["p50_ms"], "unit": "ms"},
        {
            "name": f"(info) {name} / bare template view",
            "value": page["rps"] / base["rps"],
            "unit": "x",
        },
        {
            "name": f"(info) {name.replace('(cached)', 'first view')}",
            "value": first_ms,
            "unit": "ms",
        },
    ]
    if not is_postgres():
        return rows
    # Every aggregate over the answers a cached view runs (the cache check).
    report = []
    for sql, params in queries:
        if '"assessments_answer"' not in sql or "COUNT(" not in sql.upper():
            continue
        plan = explain(sql, params)
        scans = [line.strip() for line in plan if "Scan" in line and "answer" in line]
        report.append(sql + "\n" + "\n".join(plan) + "\n")
        total = next(
            (line for line in plan if line.startswith("Execution Time")), "0 ms"
        )
        node = next((s for s in scans if "assessments_answer" in s), "?")
        rows.append(
            {
                "name": f"(info) answers aggregate, {LARGE_RESPONDENTS} respondents"
                f" (of {LARGE_RESPONDENTS * (LARGE_OTHER_SCANS + 1)} in the table): "
                + node.split("  (")[0].lstrip("-> "),
                "value": float(total.split(":")[1].split()[0]),
                "unit": "ms",
            }
        )
    (OUT / "explain-results.txt").write_text("\n".join(report))
    return rows


def _shared_page(client, scan):
    """The shared partner view of `scan`, alternating with the bare template view."""
    from django.utils import timezone

    from assessments.sharing import shared_link_create

    link = shared_link_create(
        assessment=scan,
        organisation=None,
        last_day=timezone.localdate(),
        created_by=scan.partnership.owner,
    )
    shared, base = interleaved(
        get_ok(client, link.url), get_ok(client, "/bench/template/")
    )
    return shared["rps"], shared["rps"] / base["rps"]


def _cold(call):
    """The first view after answers changed: nothing cached, both scans scored."""
    from django.core.cache import cache

    def cold_call():
        cache.clear()
        return call()

    return cold_call


def run(client, base):
    scoring_ms = _scoring_ms()
    url, current = _results_scans(client)
    page_call = get_ok(client, url)
    page = measure(page_call)
    cold = measure(_cold(page_call), seconds=1.0, warmup=2)
    # For information: against the anonymous baseline taken at the start of the run,
    # which does not pay for a session and user and drifts with the machine's load.
    page_ratio = ratio(page, base["bare_template"])
    page_base, base_alternating = interleaved(
        page_call, get_ok(client, "/bench/template/")
    )
    page_interleaved = page_base["rps"] / base_alternating["rps"]
    shared_rps, shared_ratio = _shared_page(client, current)
    warm_queries, cold_queries = _context_queries(current)
    large = []
    if is_postgres() or os.environ.get("BENCH_LARGE") == "1":
        large = _large_scan(client)
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
            "name": f"shared partner view, {RESPONDENTS} respondents + trend",
            "value": shared_rps,
            "unit": "req/s",
        },
        {
            "name": "shared partner view / bare template view, interleaved",
            "value": shared_ratio,
            "unit": "x",
            "target": f">= {PAGE_TARGET}",
            "ok": shared_ratio >= PAGE_TARGET,
        },
        {
            "name": "(info) results page / anonymous bare template, start of run",
            "value": page_ratio,
            "unit": "x",
        },
        {
            "name": "(info) results context queries, from the cache",
            "value": warm_queries,
            "unit": "queries",
        },
        {
            "name": "(info) results context queries, after a change (with trend)",
            "value": cold_queries,
            "unit": "queries",
        },
        *large,
    ]
