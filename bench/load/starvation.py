"""Starvation (issue 13): what consultants downloading reports cost participants.

    python -m bench.load.run --starvation [--db postgres] [--seconds 60]

One run, one server: gunicorn as gunicorn.conf.py configures it (2 x cores + 1 sync
workers) and `manage.py worker` beside it, on PostgreSQL (database partnerscan_load)
unless told otherwise. 50 participants answer the whole time (`Participant`: the
autosave, now and then a whole step, the review page); 5 consultants
(`ReportDownloader`), each with a fully answered scan of its own, change an answer
and download its report, again and again, but only in every other window of
`window` seconds: quiet and downloading windows alternate, `seconds` of each in
all. Alternating, both kinds of window see the same machine: on a shared machine
other work comes and goes, and two phases one after the other would each see
different neighbours. The first `guard` seconds of every window are not counted
(the previous window's downloads, polls and renders die down; at the start, every
participant opens their link). After the last window the users go on for `finish`
seconds, unmeasured, so that a download clicked late still reaches its PDF.

Recorded: the autosave's p95 in each kind of window (exact, from every response
time) and their ratio (target <= 1.2), each download's time from the click to the
PDF (the PDF in the response, or after a "being prepared" page: the harness follows
whichever the server does), the machine's load average in each kind of window, and
the background tasks in the database afterwards. `debounce` is the server's and
the worker's REPORT_DEBOUNCE_SECONDS: short by default, so that every change is
rendered within its window (with the 60 s of production a window would end before
the first render, and nothing would compete with the participants).
"""

import json
import math
import os
import statistics
import subprocess
import sys
import threading
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
KINDS = ("quiet", "downloading")


def p95(values):
    """The nearest-rank 95th percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


class LoadSampler(threading.Thread):
    """The machine's 1-minute load average every few seconds, with the time."""

    def __init__(self, every=5.0):
        super().__init__(daemon=True)
        self.every = every
        self.samples = []
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(self.every):
            self.samples.append((time.time(), os.getloadavg()[0]))


# A pure-Python busy loop at the lowest priority, in the downloading windows only
# (`--burner`): what any CPU-bound process beside gunicorn costs participants on this
# machine, however nice, with no render and no download at all. Starts quiet.
BURNER = """
import os, sys, time
os.nice(19)
window, windows = float(sys.argv[1]), int(sys.argv[2])
start = time.monotonic()
while True:
    number = int((time.monotonic() - start) // window)
    if number >= windows:
        break
    if number % 2:
        while int((time.monotonic() - start) // window) == number:
            pass
    else:
        time.sleep(0.05)
"""


def run(
    db="postgres",
    users=50,
    downloaders=5,
    seconds=60,
    window=30,
    guard=10,
    debounce=5,
    burner=False,
    worker_nice=None,
    finish=30,
    out=None,
    database="partnerscan_load",
):
    out = fresh_folder(Path(out or ROOT / "bench" / "out" / "load" / "starvation"))
    site = site_for(db, out, database, REPORT_DEBOUNCE_SECONDS=str(debounce))
    plan_path = seed(site, out, users, consultants=3, downloaders=downloaders)
    windows = 2 * math.ceil(seconds / window)
    server = Gunicorn(site, workers=None).start()
    worker = background_worker(site, nice=worker_nice)
    sampler = LoadSampler()
    try:
        warm_up(server.url, 5)
        gunicorn_workers = server.log.read_text().count("Booting worker")
        # Every gunicorn worker has served every participant page before the clock
        # starts, as on a server that has been up a while.
        locust(
            server.url,
            plan_path,
            out / "warm-up",
            users,
            WARM_UP_SECONDS,
            classes=["Participant"],
        )
        sampler.start()
        started = time.time()
        if burner:
            # Locust takes a few seconds to start its users, the windows begin
            # then: the burner's windows lead by those seconds, inside the guard.
            burning = subprocess.Popen(
                [sys.executable, "-c", BURNER, str(window), str(windows)]
            )
        record = locust(
            server.url,
            plan_path,
            out / "locust",
            users + downloaders,
            # A few seconds for every user to start before the first window, and
            # `finish` seconds after the last for downloads clicked in it to reach
            # the PDF (a render takes seconds; nothing is measured then).
            windows * window + 5 + finish,
            classes=["Participant", "ReportDownloader"],
            env={
                "LOAD_WINDOW_SECONDS": str(window),
                "LOAD_GUARD_SECONDS": str(guard),
                "LOAD_WINDOWS": str(windows),
            },
        )
    finally:
        sampler.stopped.set()
        if burner:
            burning.kill()
            burning.wait()
        server.stop()
        worker.stop()

    wanted, missing = missing_answers(site, record["acknowledged"])
    statuses = record["statuses"]
    clicks = record["timings"].get(CLICK_TO_PDF, [])
    kinds = {}
    for kind in KINDS:
        saves = record["timings"].get(f"{AUTOSAVE} {kind}", [])
        kinds[kind] = {
            "name": kind,
            "autosaves": len(saves),
            "autosave_p50_ms": statistics.median(saves) if saves else None,
            "autosave_p95_ms": p95(saves),
        }
    kinds["downloading"]["downloads"] = len(clicks)
    kinds["downloading"]["download_ms"] = (
        {
            "min": min(clicks),
            "p50": statistics.median(clicks),
            "p95": p95(clicks),
            "max": max(clicks),
        }
        if clicks
        else None
    )
    kinds["downloading"]["download_steps"] = record["downloads"]
    for kind, load in _load_by_kind(sampler.samples, started, window, windows).items():
        kinds[kind]["load_mean"] = load
    quiet, busy = kinds["quiet"], kinds["downloading"]
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
        "window": window,
        "windows": windows,
        "guard": guard,
        "debounce": debounce,
        "finish": finish,
        "burner": burner,
        "worker_nice": 10 if worker_nice is None else worker_nice,
        "gunicorn_workers": gunicorn_workers,
        "cores": os.cpu_count(),
        "phases": [quiet, busy],
        "ratio": ratio,
        "target": TARGET,
        "target_met": ratio is not None and ratio <= TARGET,
        "tasks_after": task_counts(site),
        "endpoints": endpoint_rows(out / "locust"),
        "acknowledged": len(wanted),
        "found": len(wanted) - len(missing),
        "missing": missing[:20],
        "statuses": statuses,
        "server_errors": server_errors(statuses),
        "locked": server.log.read_text().count("database is locked")
        + len(record["locked"]),
    }
    # The harness worked: answers kept, no 5xx, and reports did come.
    result["harness_ok"] = (
        result["acknowledged"] > 0
        and not result["missing"]
        and result["server_errors"] == 0
        and result["locked"] == 0
        and (busy["downloads"] > 0 or not downloaders)
    )
    result["ok"] = result["harness_ok"] and result["target_met"]
    (out / "summary.json").write_text(json.dumps(result, indent=2))
    (out / "summary.md").write_text(markdown(result) + "\n")
    return result


def _load_by_kind(samples, started, window, windows):
    """The mean 1-minute load average over the samples taken in each kind of
    window (the locust run's start stands in for the windows' start, a few
    seconds early)."""
    by_kind = {kind: [] for kind in KINDS}
    for at, load in samples:
        number = int((at - started) // window)
        if 0 <= number < windows:
            by_kind[KINDS[number % 2]].append(load)
    return {
        kind: round(statistics.mean(loads), 2) if loads else None
        for kind, loads in by_kind.items()
    }


def _ms(value):
    return "—" if value is None else f"{value:.0f} ms"


def markdown(result):
    quiet, busy = result["phases"]
    ratio = "—" if result["ratio"] is None else f"{result['ratio']:.2f}"
    lines = [
        f"{result['db']}: {result['users']} participants throughout, "
        f"{result['downloaders']} consultants downloading reports in every other "
        f"window of {result['window']} s ({result['windows']} windows, the first "
        f"{result['guard']} s of each not counted); gunicorn as configured "
        f"({result['gunicorn_workers']} sync workers, {result['cores']} cores) and "
        f"`manage.py worker` at nice {result['worker_nice']}; "
        f"REPORT_DEBOUNCE_SECONDS={result['debounce']}"
        + (
            "; a busy loop at nice 19 in the downloading windows"
            if result["burner"]
            else ""
        ),
        "",
        "| windows | autosaves | autosave p50 | autosave p95 | downloads | "
        "click -> PDF p50 / p95 / max | load average (mean) |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for kind in (quiet, busy):
        times = kind.get("download_ms")
        download = (
            f"{times['p50'] / 1000:.1f} / {times['p95'] / 1000:.1f} / "
            f"{times['max'] / 1000:.1f} s"
            if times
            else "—"
        )
        lines.append(
            f"| {kind['name']} | {kind['autosaves']} | "
            f"{_ms(kind['autosave_p50_ms'])} | {_ms(kind['autosave_p95_ms'])} | "
            f"{kind.get('downloads', '—')} | {download} | {kind.get('load_mean')} |"
        )
    lines += [
        "",
        f"autosave p95 downloading / quiet: **{ratio}** (target <= {result['target']}: "
        f"{'met' if result['target_met'] else 'MISSED'})",
        "",
        f"download steps: {busy['download_steps']}; background tasks afterwards: "
        f"{result['tasks_after']}",
        "",
        f"acknowledged answers: {result['acknowledged']}, found in the database: "
        f"{result['found']}, missing or different: {len(result['missing'])}; "
        f'5xx: {result["server_errors"]}; "database is locked": {result["locked"]}; '
        f"status codes: {result['statuses']}",
        "",
        *endpoint_table(result["endpoints"]),
    ]
    return "\n".join(lines)
