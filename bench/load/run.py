"""`make load`: gunicorn with several workers and the background worker on 127.0.0.1,
locust headless against them, then every acknowledged answer counted in the database.

    python -m bench.load.run --db sqlite|postgres [--users 50] [--seconds 60]
    python -m bench.load.run --starvation [--db postgres] [--downloaders 5]
    python -m bench.load.run --live [--phones 200] [--seconds 60]

Prints requests/s and p50/p95/p99 per endpoint (a Markdown table for
bench/README.md) and exits non-zero on any 5xx, any "database is locked", or any
acknowledged answer that is not in the database. `--starvation` measures, in one
run, what report downloads cost participants (bench/load/starvation.py).
"""

import argparse
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from bench.background import WorkerProcess
from tests.gunicorn_server import Gunicorn, Site

ROOT = Path(__file__).resolve().parent.parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def _postgres_database(name):
    import psycopg

    with closing(psycopg.connect(POSTGRES_ADMIN, autocommit=True)) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def query(site, sql):
    """Rows of one SQL statement on the site's database, outside Django."""
    if "DATABASE_URL" in site.env:
        import psycopg

        with closing(psycopg.connect(site.env["DATABASE_URL"])) as db:
            return db.execute(sql).fetchall()
    with closing(sqlite3.connect(site.env["SQLITE_PATH"])) as db:
        return db.execute(sql).fetchall()


def _stored_answers(site):
    """Every answer in the load database (it holds nothing but this run)."""
    rows = query(
        site, "SELECT respondent_id, question_id, value FROM assessments_answer"
    )
    return {(str(r), str(q)): v for r, q, v in rows}


def missing_answers(site, acknowledged):
    """The acknowledged answers ({respondent: {question: value}}) that the database
    does not hold with that value."""
    wanted = {
        (respondent, question): value
        for respondent, answers in acknowledged.items()
        for question, value in answers.items()
    }
    stored = _stored_answers(site)
    return wanted, [key for key, value in wanted.items() if stored.get(key) != value]


def background_worker(site, nice=None):
    """`manage.py worker` beside gunicorn, as in production, on the site's database
    and environment; at its own default priority (nice 10) unless told."""
    args = [] if nice is None else ["--nice", str(nice)]
    return WorkerProcess(site.env, site.folder / "worker.log", *args).start()


def task_counts(site):
    """Background tasks in the database by status (django-tasks-db's table)."""
    rows = query(
        site,
        "SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult "
        "GROUP BY status",
    )
    return {status: count for status, count in rows}


def warm_up(url, workers):
    """Let every worker import the whole app before the clock starts, as a server
    that has been up for a while has."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def get(path):
        # Our own server on 127.0.0.1, over http.
        with urllib.request.urlopen(url + path, timeout=60) as response:  # noqa: S310  # nosec B310
            response.read()

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(get, ["/login/", "/"] * workers * 2))


def endpoint_rows(prefix):
    rows = []
    with open(f"{prefix}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            rows.append(
                {
                    "name": row["Name"],
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": row["50%"],
                    "p95": row["95%"],
                    "p99": row["99%"],
                }
            )
    return rows


def endpoint_table(endpoints):
    lines = [
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in endpoints:
        name = (
            row["name"]
            if row["name"] == "Aggregated"
            else (f"{row['method']} {row['name']}")
        )
        lines.append(
            f"| {name} | {row['requests']} | {row['failures']} | {row['rps']:.1f} | "
            f"{row['p50']} | {row['p95']} | {row['p99']} |"
        )
    return lines


def markdown(result):
    lines = [
        f"{result['db']}: {result['users']} participants + {result['consultants']} "
        f"consultants for {result['seconds']} s, gunicorn {result['workers']} sync "
        f"workers, {result['cache']} cache",
        "",
        *endpoint_table(result["endpoints"]),
    ]
    lines += [
        "",
        f"acknowledged answers: {result['acknowledged']}, found in the database: "
        f"{result['found']}, missing or different: {len(result['missing'])}; "
        f'5xx: {result["server_errors"]}; "database is locked": {result["locked"]}; '
        f"status codes: {result['statuses']}",
    ]
    return "\n".join(lines)


def seed(site, out, users, consultants, downloaders=0):
    """Migrate and seed the site's database; return the path of the plan."""
    site.manage("migrate", "--noinput")
    site.manage("createcachetable")
    plan_path = out / "plan.json"
    plan_path.write_text(
        site.manage(
            "shell",
            "-c",
            "import runpy, sys; sys.argv = ['seed', '--participants', "
            f"'{users}', '--consultants', '{consultants}', '--downloaders', "
            f"'{downloaders}']; "
            "runpy.run_module('bench.load.seed', run_name='__main__')",
        )
        .strip()
        .splitlines()[-1]
    )
    return plan_path


def site_for(db, out, database, **env):
    """A load site on a fresh database: SQLite in `out`, or the PostgreSQL
    database `database`, (re)created."""
    env = {"PROXY_COUNT": "1", "CACHE_BACKEND": "database", **env}
    if db == "postgres":
        env["DATABASE_URL"] = _postgres_database(database)
    site = Site(out, **env)
    if db != "postgres":
        site.env.pop("DATABASE_URL", None)
    return site


def fresh_folder(path):
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*"):
        old.unlink()
    return path


def lowered(nice):
    """A child's preexec: `nice`, in a session of its own whose autogroup gets the
    same nice (with autogroup scheduling, nice alone orders processes only within
    one session; see `lower_priority` in assessments/management/commands/worker.py)."""

    def lower():
        os.nice(nice)
        os.setsid()
        try:
            with open("/proc/self/autogroup", "w") as autogroup:
                autogroup.write(str(nice))
        except OSError:
            pass

    return lower


def locust(
    url,
    plan_path,
    prefix,
    users,
    seconds,
    classes=(),
    env=None,
    locustfile=LOCUSTFILE,
    nice=None,
):
    """One headless locust run against `url`; its CSVs and record under `prefix`.
    Returns the record (acknowledged answers, statuses, timings, downloads).
    `nice`: run locust at that priority, in a scheduling group of its own."""
    acknowledged_path = Path(f"{prefix}_acknowledged.json")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(locustfile),
            *classes,
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(10, users)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "LOAD_PLAN": str(plan_path),
            "LOAD_ACKNOWLEDGED": str(acknowledged_path),
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=seconds + 300,
        preexec_fn=lowered(nice) if nice is not None else None,  # noqa: PLW1509
    )
    Path(f"{prefix}.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"locust failed: {result.stderr[-3000:]}")
    return json.loads(acknowledged_path.read_text())


def server_errors(statuses):
    return sum(
        count for code, count in statuses.items() if re.fullmatch(r"5\d\d", code)
    ) + statuses.get("connection error", 0)


def run(
    db="sqlite",
    users=50,
    consultants=3,
    seconds=60,
    workers=4,
    out=None,
    database="partnerscan_load",
):
    """One load run; returns the figures and checks as a dict. `database` names the
    PostgreSQL database it (re)creates."""
    out = fresh_folder(Path(out or ROOT / "bench" / "out" / "load" / db))
    site = site_for(db, out, database)
    plan_path = seed(site, out, users, consultants)
    server = Gunicorn(site, workers=workers).start()
    worker = background_worker(site)
    warm_up(server.url, workers)
    started = time.monotonic()
    try:
        record = locust(
            server.url,
            plan_path,
            out / "locust",
            users + consultants,
            seconds,
            classes=["Participant", "Consultant"],
        )
    finally:
        server.stop()
        worker.stop()
    elapsed = time.monotonic() - started

    wanted, missing = missing_answers(site, record["acknowledged"])
    server_log = server.log.read_text()
    statuses = record["statuses"]
    result = {
        "db": db,
        "users": users,
        "consultants": consultants,
        "seconds": seconds,
        "elapsed": round(elapsed, 1),
        "workers": workers,
        "cache": "database",
        "endpoints": endpoint_rows(out / "locust"),
        "acknowledged": len(wanted),
        "found": len(wanted) - len(missing),
        "missing": missing[:20],
        "statuses": statuses,
        "server_errors": server_errors(statuses),
        "locked": len(record["locked"]) + server_log.count("database is locked"),
    }
    result["ok"] = (
        result["acknowledged"] > 0
        and not result["missing"]
        and result["server_errors"] == 0
        and result["locked"] == 0
    )
    (out / "summary.json").write_text(json.dumps(result, indent=2))
    (out / "summary.md").write_text(markdown(result) + "\n")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--consultants", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--starvation",
        action="store_true",
        help="autosave p95 without and with report downloads, in one run",
    )
    parser.add_argument("--downloaders", type=int, default=5)
    parser.add_argument(
        "--burner",
        action="store_true",
        help="(--starvation, a diagnosis) a busy loop at nice 19 in the downloading "
        "windows; with --downloaders 0, what any CPU-bound neighbour costs",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=None,
        help="(--starvation) the worker's --nice (default: its own, 10)",
    )
    parser.add_argument(
        "--window",
        type=int,
        default=30,
        help="seconds of each quiet or downloading window (--starvation)",
    )
    parser.add_argument(
        "--debounce",
        type=int,
        default=5,
        help="REPORT_DEBOUNCE_SECONDS of the server and the worker (--starvation)",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="a live session: phones, projector, facilitator (bench/load/live.py)",
    )
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument(
        "--answer-seconds",
        default="0.5,1.5",
        help="(--live) a phone's think time per statement, 'min,max' seconds",
    )
    parser.add_argument(
        "--phone-pace",
        default="1,1",
        help="(--live) each phone's own pace: its think times times a factor "
        "drawn once, 'min,max' (default 1,1: every phone at the same pace)",
    )
    parser.add_argument(
        "--step-seconds",
        type=float,
        default=25,
        help="(--live) the facilitator reveals a step when everyone handed in, or "
        "after this many seconds",
    )
    parser.add_argument(
        "--client-nice",
        type=int,
        default=None,
        help="(--live) run locust at this nice, in a scheduling group of its own",
    )
    parser.add_argument(
        "--gunicorn",
        default="",
        help="(--live) extra gunicorn arguments, e.g. '--worker-class gthread "
        "--threads 4'",
    )
    args = parser.parse_args(argv)
    if args.live:
        from bench.load import live

        result = live.run(
            db=args.db or "postgres",
            phones=args.phones,
            seconds=args.seconds,
            answer_seconds=args.answer_seconds,
            phone_pace=args.phone_pace,
            step_seconds=args.step_seconds,
            client_nice=args.client_nice,
            gunicorn_args=args.gunicorn.split(),
        )
        print(live.markdown(result))
        print("OK" if result["ok"] else "FAILED")
        return 0 if result["ok"] else 1
    if args.starvation:
        from bench.load import starvation

        result = starvation.run(
            db=args.db or "postgres",
            users=args.users,
            downloaders=args.downloaders,
            seconds=args.seconds,
            window=args.window,
            debounce=args.debounce,
            burner=args.burner,
            worker_nice=args.worker_nice,
        )
        print(starvation.markdown(result))
        print("OK" if result["ok"] else "FAILED")
        return 0 if result["ok"] else 1
    result = run(
        db=args.db or "sqlite",
        users=args.users,
        consultants=args.consultants,
        seconds=args.seconds,
        workers=args.workers,
    )
    print(markdown(result))
    print("OK" if result["ok"] else "FAILED")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
