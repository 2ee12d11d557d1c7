"""The live session under load (issue 14): `make load-live`.

    python -m bench.load.run --live [--phones 200] [--seconds 75] [--db postgres]

One server: gunicorn as gunicorn.conf.py configures it (2 x cores + 1 sync workers)
on PostgreSQL (database partnerscan_load_live, dropped and created) unless told
otherwise, the database cache, PROXY_COUNT=1. The facilitator (a consultant logged
in by the seed) sets up a session on every dimension through the real views (names
asked, no automatic reveal) and starts it; then one locust run
(bench/load/live_locustfile.py): `phones` phones join by code, all from 127.0.0.1
as behind one NAT address, poll every 2 s and answer each step (autosave per
statement, then the hand-in); the projector polls every 2 s; the facilitator
reveals a step when everyone handed in and moves on a few seconds later.

Targets: phone poll p95 < 50 ms, answer save p95 < 100 ms (the autosave and the
hand-in, each), the projector shows a hand-in within 3 s of its acknowledgement
(p95 and max), every acknowledged answer in the database. The machine's load
average is sampled through the run.
"""

import json
import os
import re
import resource
import statistics
import threading
import time
from contextlib import closing
from pathlib import Path

import requests

from tests.gunicorn_server import Gunicorn

from .run import (
    ROOT,
    endpoint_rows,
    endpoint_table,
    fresh_folder,
    locust,
    query,
    server_errors,
    site_for,
    warm_up,
)
from .starvation import LoadSampler, p95

LOCUSTFILE = Path(__file__).resolve().parent / "live_locustfile.py"
# The locustfile's request names (not imported: importing locust patches this
# whole process).
PHONE_POLL = "/live/phone/poll/"
PROJECTOR_POLL = "/live/screen/[token]/poll/"
ANSWER = "/live/phone/answer/"
HAND_IN = "/live/phone/hand-in/"
TARGETS = {PHONE_POLL: 50, ANSWER: 100, HAND_IN: 100}
READINESS_TARGET_MS = 3000


def seed(site, out):
    site.manage("migrate", "--noinput")
    site.manage("createcachetable")
    plan = json.loads(
        site.manage(
            "shell",
            "-c",
            "import runpy; runpy.run_module('bench.load.live_seed', "
            "run_name='__main__')",
        )
        .strip()
        .splitlines()[-1]
    )
    (out / "seed.json").write_text(json.dumps(plan))
    return plan


def open_session(url, plan):
    """The facilitator sets up and starts the session through its views; returns
    the facilitator page's path, the join code and the projector link's token."""
    browser = requests.Session()
    cookie = plan["facilitator_session"]
    browser.cookies.set(cookie["cookie"], cookie["key"])
    start = f"{url}/assessments/{plan['assessment']}/live/"
    browser.get(start).raise_for_status()
    created = browser.post(
        start,
        {
            "dimensions": plan["dimensions"],
            "ask_names": "on",
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken"),
        },
        headers={"Referer": start},
    )
    created.raise_for_status()
    path = created.url.removeprefix(url)
    page = created.text
    position = re.search(r'name="position" value="(\d+)"', page).group(1)
    browser.post(
        f"{url}{path}control/",
        {
            "action": "start",
            "position": position,
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken"),
        },
        headers={"Referer": f"{url}{path}"},
    ).raise_for_status()
    return {
        "facilitator_path": path,
        "join_code": re.search(r'data-join-code="(\w+)"', page).group(1),
        "projector_token": re.search(r"/live/screen/([^/\"]+)/", page).group(1),
    }


def missing_answers(site, acknowledged):
    """Acknowledged answers ({phone label: {question: value}}) the database does
    not hold with that value (the phone's label is its respondent's)."""
    rows = query(
        site,
        "SELECT r.label, a.question_id, a.value FROM assessments_answer a "
        "JOIN assessments_respondent r ON r.id = a.respondent_id",
    )
    stored = {(label, str(q)): v for label, q, v in rows}
    wanted = {
        (label, str(question)): value
        for label, answers in acknowledged.items()
        for question, value in answers.items()
    }
    return wanted, [key for key, value in wanted.items() if stored.get(key) != value]


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid, children=False):
    """utime + stime of a process (and of its reaped children), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    used = int(fields[11]) + int(fields[12])
    if children:
        used += int(fields[13]) + int(fields[14])
    return used / TICKS


def _children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid == pid:
                found.append(int(entry))
    return found


class CpuSampler(threading.Thread):
    """CPU seconds used by the server during the run, sampled every second: the
    gunicorn master with its workers, and the PostgreSQL backends serving this
    run's database (the last reading of each backend counts; one that exits loses
    at most its last second). gunicorn's figure is a total at each sample: the
    master's own time, its reaped children's (a worker recycled by max_requests
    moves there whole when the master reaps it) and its live workers'. Until
    session 3 each worker's first and last reading were added to the master's
    children's time, so a recycled worker's whole life counted twice (about half
    of the figure in a 200-phone run with five recycled workers)."""

    def __init__(self, master_pid, database_url=None, every=1.0):
        super().__init__(daemon=True)
        self.master = master_pid
        self.database_url = database_url
        self.every = every
        self.stopped = threading.Event()
        self.gunicorn = None  # (first, last) total
        self.postgres = {}  # pid -> (first, last) reading
        self.series = []  # (time, gunicorn, postgres) after every sample

    def _read(self, table, pid):
        used = _cpu_seconds(pid)
        if used is not None:
            first = table.get(pid, (used, used))[0]
            table[pid] = (first, used)

    def sample(self, db):
        total = _cpu_seconds(self.master, children=True)
        if total is not None:
            total += sum(_cpu_seconds(pid) or 0.0 for pid in _children(self.master))
            self.gunicorn = ((self.gunicorn or (total,))[0], total)
        if db is not None:
            pids = db.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchall()
            for (pid,) in pids:
                self._read(self.postgres, pid)
        self.series.append((time.time(), *self.used()))

    def used_since(self, since):
        """(gunicorn, postgres) CPU seconds from the first sample at or after
        `since` (a time.time()) to the last."""
        after = [sample for sample in self.series if sample[0] >= since]
        if len(after) < 2:
            return None, None, 0.0
        first, last = after[0], after[-1]
        return (
            round(last[1] - first[1], 2),
            round(last[2] - first[2], 2),
            last[0] - first[0],
        )

    def run(self):
        db = None
        if self.database_url:
            import psycopg

            db = psycopg.connect(self.database_url, autocommit=True)
        with closing(db) if db else _nothing():
            self.sample(db)
            while not self.stopped.wait(self.every):
                self.sample(db)

    def used(self):
        """(gunicorn, postgres) CPU seconds since the first sample."""
        first, last = self.gunicorn or (0.0, 0.0)
        postgres = sum(end - start for start, end in self.postgres.values())
        return round(last - first, 2), round(postgres, 2)


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def server_timings(log, names):
    """Each request's time inside the gunicorn worker (its access log's %D), ms,
    by the locustfile's name of its path."""
    found = {name: [] for name in names}
    pattern = re.compile(r'"(?:GET|POST) ([^ ?]+)[^"]*" (\d+) \S+ (\d+)us')
    for line in log.read_text(errors="replace").splitlines():
        match = pattern.search(line)
        if not match:
            continue
        path = re.sub(r"/live/screen/[^/]+/", "/live/screen/[token]/", match[1])
        if path in found:
            found[path].append(int(match[3]) / 1000)
    return found


def run(
    db="postgres",
    phones=200,
    seconds=75,
    step_seconds=25,
    out=None,
    database="partnerscan_load_live",
    answer_seconds="0.5,1.5",
    phone_pace="1,1",
    client_nice=None,
    gunicorn_args=(),
    join_seconds=30,
):
    out = fresh_folder(Path(out or ROOT / "bench" / "out" / "load" / f"live-{phones}"))
    site = site_for(db, out, database)
    plan = seed(site, out)
    server = Gunicorn(site, workers=None, extra_args=gunicorn_args).start()
    sampler = LoadSampler()
    cpu = CpuSampler(server.process.pid, site.env.get("DATABASE_URL"))
    try:
        warm_up(server.url, 5)
        gunicorn_workers = server.log.read_text().count("Booting worker")
        plan |= open_session(server.url, plan)
        plan_path = out / "plan.json"
        plan_path.write_text(json.dumps(plan))
        log_start = server.log.stat().st_size
        sampler.start()
        cpu.start()
        client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        record = locust(
            server.url,
            plan_path,
            out / "locust",
            phones + 2,
            seconds + join_seconds,
            classes=["Phone", "Projector", "Facilitator"],
            env={
                "LIVE_PHONES": str(phones),
                "LIVE_STEP_SECONDS": str(step_seconds),
                "LIVE_ANSWER_SECONDS": answer_seconds,
                "LIVE_PHONE_PACE": phone_pace,
            },
            locustfile=LOCUSTFILE,
            nice=client_nice,
        )
        elapsed = time.monotonic() - started
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.stopped.set()
        cpu.join()
    finally:
        sampler.stopped.set()
        cpu.stopped.set()
        server.stop()
    run_log = out / "gunicorn-run.log"
    with open(server.log, "rb") as whole:
        whole.seek(log_start)
        run_log.write_bytes(whole.read())
    served = server_timings(run_log, [*TARGETS, PROJECTOR_POLL])

    wanted, missing = missing_answers(site, record["acknowledged"])
    steps = query(
        site,
        "SELECT COUNT(*) FROM assessments_livestep WHERE revealed",
    )
    delays = record["readiness_delays"]
    figures = {}
    for name, target in (*TARGETS.items(), (PROJECTOR_POLL, None)):
        times = record["timings"].get(name, [])
        figures[name] = {
            "count": len(times),
            "p50": statistics.median(times) if times else None,
            "p95": p95(times),
            "max": max(times) if times else None,
            "target": target,
        }
    loads = [load for _at, load in sampler.samples]
    since = record["window"]["since"] or time.time()
    requests_served = record["window"]["requests"]
    gunicorn_cpu, postgres_cpu, window_seconds = cpu.used_since(since)
    gunicorn_cpu, postgres_cpu = gunicorn_cpu or 0.0, postgres_cpu or 0.0
    loads = [load for at, load in sampler.samples if at >= since] or loads
    client_cpu = round(
        client_after.ru_utime
        + client_after.ru_stime
        - client_before.ru_utime
        - client_before.ru_stime,
        2,
    )
    result = {
        "db": db,
        "phones": phones,
        "seconds": seconds,
        "gunicorn_workers": gunicorn_workers,
        "cores": os.cpu_count(),
        "load": {
            "min": round(min(loads), 2) if loads else None,
            "mean": round(statistics.mean(loads), 2) if loads else None,
            "max": round(max(loads), 2) if loads else None,
        },
        "figures": figures,
        "server": {
            name: {
                "count": len(times),
                "p50": statistics.median(times) if times else None,
                "p95": p95(times),
            }
            for name, times in served.items()
        },
        "cpu": {
            "seconds": round(window_seconds, 1),
            "run_seconds": round(elapsed, 1),
            "requests": requests_served,
            "gunicorn": gunicorn_cpu,
            "postgres": postgres_cpu,
            "client": client_cpu,
            "client_nice": client_nice,
            "server_ms_per_request": round(
                (gunicorn_cpu + postgres_cpu) * 1000 / max(requests_served, 1), 2
            ),
            # The generator's whole run (its start and the joins included).
            "client_ms_per_request": round(
                client_cpu * 1000 / max(sum(record["statuses"].values()), 1), 2
            ),
        },
        "answer_seconds": answer_seconds,
        "phone_pace": phone_pace,
        "step_seconds": step_seconds,
        "gunicorn_args": " ".join(gunicorn_args),
        "hand_ins": record["hand_ins"],
        "readiness": {
            "count": len(delays),
            "p50": statistics.median(delays) if delays else None,
            "p95": p95(delays),
            "max": max(delays) if delays else None,
        },
        "revealed_steps": steps[0][0],
        "endpoints": endpoint_rows(out / "locust"),
        "acknowledged": len(wanted),
        "found": len(wanted) - len(missing),
        "missing": missing[:20],
        "statuses": record["statuses"],
        "server_errors": server_errors(record["statuses"]),
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    result["harness_ok"] = (
        result["acknowledged"] > 0
        and not result["missing"]
        and result["server_errors"] == 0
        and result["readiness"]["count"] > 0
    )
    result["targets_met"] = (
        all(
            f["p95"] is not None and f["p95"] < f["target"]
            for f in figures.values()
            if f["target"]
        )
        and (result["readiness"]["max"] or 0) < READINESS_TARGET_MS
    )
    result["ok"] = result["harness_ok"] and result["targets_met"]
    (out / "summary.json").write_text(json.dumps(result, indent=2))
    (out / "summary.md").write_text(markdown(result) + "\n")
    return result


def _ms(value):
    return "—" if value is None else f"{value:.0f} ms"


def markdown(result):
    load = result["load"]
    cpu = result["cpu"]
    lines = [
        f"{result['db']}: {result['phones']} phones + projector + facilitator for "
        f"{result['seconds']} s ({result['at']}); gunicorn as configured "
        f"({result['gunicorn_workers']} sync workers, {result['cores']} cores); "
        f"load average {load['min']}–{load['max']} (mean {load['mean']})",
        "",
        "| figure | count | p50 | p95 | max | target (p95) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, f in result["figures"].items():
        target = f"< {f['target']} ms" if f["target"] else ""
        lines.append(
            f"| {name} | {f['count']} | {_ms(f['p50'])} | {_ms(f['p95'])} | "
            f"{_ms(f['max'])} | {target} |"
        )
    r = result["readiness"]
    lines += [
        f"| hand-in acknowledged -> projector shows it | {r['count']} | "
        f"{_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['max'])} | "
        f"max < {READINESS_TARGET_MS} ms |",
        "",
        f"targets {'met' if result['targets_met'] else 'MISSED'}; steps revealed: "
        f"{result['revealed_steps']}; hand-ins: {result['hand_ins']}; acknowledged "
        f"answers: {result['acknowledged']}, found in the database: {result['found']}, "
        f"missing or different: {len(result['missing'])}; 5xx: "
        f"{result['server_errors']}; status codes: {result['statuses']}",
        "",
        "",
        "Inside the gunicorn worker (access log, %D):",
        "",
        "| request | count | p50 | p95 |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {f['count']} | {_ms(f['p50'])} | {_ms(f['p95'])} |"
            for name, f in result["server"].items()
        ),
        "",
        f"CPU once every phone had joined ({cpu['seconds']} s of the "
        f"{cpu['run_seconds']} s run), {cpu['requests']} requests: gunicorn "
        f"{cpu['gunicorn']} s, PostgreSQL backends {cpu['postgres']} s "
        f"(server {cpu['server_ms_per_request']} ms a request), load generator "
        f"{cpu['client']} s in the whole run ({cpu['client_ms_per_request']} ms a "
        f"request, nice "
        f"{cpu['client_nice']}); think time per statement {result['answer_seconds']} "
        f"s, times each phone's pace {result['phone_pace']}; a step revealed when "
        f"all handed in or after {result['step_seconds']} s; gunicorn "
        f"{result['gunicorn_args'] or 'as configured'}",
        "",
        *endpoint_table(result["endpoints"]),
    ]
    return "\n".join(lines)
