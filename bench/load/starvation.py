"""Starvation (issue 13): what consultants downloading reports cost participants.

    python -m bench.load.run --starvation [--db postgres] [--seconds 60]

One run, one server: gunicorn as gunicorn.conf.py configures it (2 x cores + 1 sync
workers) and `manage.py worker` beside it, on PostgreSQL (database partnerscan_load)
unless told otherwise. Two phases of `seconds` each, one after the other:

1. quiet: 50 participants answering (the autosave and the rest of `Participant`),
   no consultant;
2. downloading: the same 50 participants plus 5 consultants, each changing an answer
   in their own fully answered scan and downloading its report, again and again
   (`ReportDownloader`).

Recorded: the autosave's p95 in each phase (exact, from every response time) and
their ratio (target <= 1.2), each download's time from the click to the PDF (the
PDF in the response, or after a "being prepared" page: the harness follows
whichever the server does), the machine's load average around each phase, and the
background tasks the worker ran. `debounce` is the server's and the worker's
REPORT_DEBOUNCE_SECONDS: short by default, so that during a one-minute phase every
change is rendered (with the 60 s of production a phase would end before the first
render, and nothing would compete with the participants).
"""

import json
import math
import os
import statistics
import time
from pathlib import Path

from tests.gunicorn_server import Gunicorn

from .run import (
    ROOT,
    background_worker,
    endpoint_rows,
    endpoint_table,
    fresh_folder,
    locust,
    missing_answers,
    seed,
    server_errors,
    site_for,
    task_counts,
    warm_up,
)

TARGET = 1.2
WARM_UP_SECONDS = 10
AUTOSAVE = "/q/save/ (autosave)"
CLICK_TO_PDF = "click -> PDF"


def p95(values):
    """The nearest-rank 95th percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def _phase(name, server, plan_path, out, users, seconds, classes, site):
    load_before = os.getloadavg()
    started = time.monotonic()
    record = locust(server.url, plan_path, out / name, users, seconds, classes=classes)
    autosaves = record["timings"].get(AUTOSAVE, [])
    clicks = record["timings"].get(CLICK_TO_PDF, [])
    return record, {
        "name": name,
        "elapsed": round(time.monotonic() - started, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "autosaves": len(autosaves),
        "autosave_p50_ms": statistics.median(autosaves) if autosaves else None,
        "autosave_p95_ms": p95(autosaves),
        "downloads": len(clicks),
        "download_ms": {
            "min": min(clicks),
            "p50": statistics.median(clicks),
            "p95": p95(clicks),
            "max": max(clicks),
        }
        if clicks
        else None,
        "download_steps": record["downloads"],
        "tasks_after": task_counts(site),
        "endpoints": endpoint_rows(out / name),
        "statuses": record["statuses"],
    }


def run(
    db="postgres",
    users=50,
    downloaders=5,
    seconds=60,
    debounce=5,
    out=None,
    database="partnerscan_load",
):
    out = fresh_folder(Path(out or ROOT / "bench" / "out" / "load" / "starvation"))
    site = site_for(db, out, database, REPORT_DEBOUNCE_SECONDS=str(debounce))
    plan_path = seed(site, out, users, consultants=3, downloaders=downloaders)
    server = Gunicorn(site, workers=None).start()
    worker = background_worker(site)
    try:
        warm_up(server.url, 5)
        gunicorn_workers = server.log.read_text().count("Booting worker")
        # Every gunicorn worker has served every participant page before the clock
        # starts, as on a server that has been up a while; else the first phase
        # alone pays for the first requests.
        locust(
            server.url,
            plan_path,
            out / "warm-up",
            users,
            WARM_UP_SECONDS,
            classes=["Participant"],
        )
        quiet_record, quiet = _phase(
            "quiet", server, plan_path, out, users, seconds, ["Participant"], site
        )
        busy_record, busy = _phase(
            "downloading",
            server,
            plan_path,
            out,
            users + downloaders,
            seconds,
            ["Participant", "ReportDownloader"],
            site,
        )
    finally:
        server.stop()
        worker.stop()

    # The later phase's answers are the later ones: they win where both saved.
    acknowledged = quiet_record["acknowledged"]
    for respondent, answers in busy_record["acknowledged"].items():
        acknowledged.setdefault(respondent, {}).update(answers)
    wanted, missing = missing_answers(site, acknowledged)
    statuses = {}
    for phase in (quiet, busy):
        for code, count in phase["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    locked = server.log.read_text().count("database is locked") + sum(
        len(record["locked"]) for record in (quiet_record, busy_record)
    )
    ratio = (
        busy["autosave_p95_ms"] / quiet["autosave_p95_ms"]
        if quiet["autosave_p95_ms"] and busy["autosave_p95_ms"]
        else None
    )
    result = {
        "db": db,
        "users": users,
        "downloaders": downloaders,
        "seconds": seconds,
        "debounce": debounce,
        "gunicorn_workers": gunicorn_workers,
        "cores": os.cpu_count(),
        "phases": [quiet, busy],
        "ratio": ratio,
        "target": TARGET,
        "target_met": ratio is not None and ratio <= TARGET,
        "acknowledged": len(wanted),
        "found": len(wanted) - len(missing),
        "missing": missing[:20],
        "statuses": statuses,
        "server_errors": server_errors(statuses),
        "locked": locked,
    }
    # The harness worked: answers kept, no 5xx, and reports did come.
    result["harness_ok"] = (
        result["acknowledged"] > 0
        and not result["missing"]
        and result["server_errors"] == 0
        and result["locked"] == 0
        and busy["downloads"] > 0
    )
    result["ok"] = result["harness_ok"] and result["target_met"]
    (out / "summary.json").write_text(json.dumps(result, indent=2))
    (out / "summary.md").write_text(markdown(result) + "\n")
    return result


def _ms(value):
    return "—" if value is None else f"{value:.0f} ms"


def markdown(result):
    quiet, busy = result["phases"]
    ratio = "—" if result["ratio"] is None else f"{result['ratio']:.2f}"
    lines = [
        f"{result['db']}: {result['users']} participants, then the same plus "
        f"{result['downloaders']} consultants downloading reports, "
        f"{result['seconds']} s each; gunicorn as configured "
        f"({result['gunicorn_workers']} sync workers, {result['cores']} cores) and "
        f"`manage.py worker`; REPORT_DEBOUNCE_SECONDS={result['debounce']}",
        "",
        "| phase | autosaves | autosave p50 | autosave p95 | downloads | "
        "click -> PDF p50 / p95 / max | load average before -> after |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for phase in (quiet, busy):
        times = phase["download_ms"]
        download = (
            f"{times['p50'] / 1000:.1f} / {times['p95'] / 1000:.1f} / "
            f"{times['max'] / 1000:.1f} s"
            if times
            else "—"
        )
        lines.append(
            f"| {phase['name']} | {phase['autosaves']} | "
            f"{_ms(phase['autosave_p50_ms'])} | {_ms(phase['autosave_p95_ms'])} | "
            f"{phase['downloads']} | {download} | "
            f"{phase['load_before'][0]} -> {phase['load_after'][0]} |"
        )
    lines += [
        "",
        f"autosave p95 downloading / quiet: **{ratio}** (target <= {result['target']}: "
        f"{'met' if result['target_met'] else 'MISSED'})",
        "",
        f"download steps: {busy['download_steps']}; background tasks after each "
        f"phase: {quiet['tasks_after']}, {busy['tasks_after']}",
        "",
        f"acknowledged answers: {result['acknowledged']}, found in the database: "
        f"{result['found']}, missing or different: {len(result['missing'])}; "
        f'5xx: {result["server_errors"]}; "database is locked": {result["locked"]}; '
        f"status codes: {result['statuses']}",
    ]
    for phase in (quiet, busy):
        lines += ["", f"{phase['name']}:", "", *endpoint_table(phase["endpoints"])]
    return "\n".join(lines)
