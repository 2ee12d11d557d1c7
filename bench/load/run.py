"""`make load`: gunicorn with several workers on 127.0.0.1, locust headless against it,
then every acknowledged answer counted in the database.

    python -m bench.load.run --db sqlite|postgres [--users 50] [--seconds 60]

Prints requests/s and p50/p95/p99 per endpoint (a Markdown table for
bench/README.md) and exits non-zero on any 5xx, any "database is locked", or any
acknowledged answer that is not in the database.
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


def _stored_answers(site):
    """Every answer in the load database (it holds nothing but this run)."""
    query = "SELECT respondent_id, question_id, value FROM assessments_answer"
    if "DATABASE_URL" in site.env:
        import psycopg

        with closing(psycopg.connect(site.env["DATABASE_URL"])) as db:
            rows = db.execute(query).fetchall()
    else:
        with closing(sqlite3.connect(site.env["SQLITE_PATH"])) as db:
            rows = db.execute(query).fetchall()
    return {(str(r), str(q)): v for r, q, v in rows}


def _warm_up(url, workers):
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


def _endpoint_rows(prefix):
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


def _markdown(result):
    lines = [
        f"{result['db']}: {result['users']} participants + {result['consultants']} "
        f"consultants for {result['seconds']} s, gunicorn {result['workers']} sync "
        f"workers, {result['cache']} cache",
        "",
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["endpoints"]:
        name = (
            row["name"]
            if row["name"] == "Aggregated"
            else (f"{row['method']} {row['name']}")
        )
        lines.append(
            f"| {name} | {row['requests']} | {row['failures']} | {row['rps']:.1f} | "
            f"{row['p50']} | {row['p95']} | {row['p99']} |"
        )
    lines += [
        "",
        f"acknowledged answers: {result['acknowledged']}, found in the database: "
        f"{result['found']}, missing or different: {len(result['missing'])}; "
        f'5xx: {result["server_errors"]}; "database is locked": {result["locked"]}; '
        f"status codes: {result['statuses']}",
    ]
    return "\n".join(lines)


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
    out = Path(out or ROOT / "bench" / "out" / "load" / db)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        old.unlink()
    env = {"PROXY_COUNT": "1", "CACHE_BACKEND": "database"}
    if db == "postgres":
        env["DATABASE_URL"] = _postgres_database(database)
    site = Site(out, **env)
    if db != "postgres":
        site.env.pop("DATABASE_URL", None)
    site.manage("migrate", "--noinput")
    site.manage("createcachetable")
    plan_path = out / "plan.json"
    plan_path.write_text(
        site.manage(
            "shell",
            "-c",
            "import runpy, sys; sys.argv = ['seed', '--participants', "
            f"'{users}', '--consultants', '{consultants}']; "
            "runpy.run_module('bench.load.seed', run_name='__main__')",
        )
        .strip()
        .splitlines()[-1]
    )
    acknowledged_path = out / "acknowledged.json"
    server = Gunicorn(site, workers=workers).start()
    _warm_up(server.url, workers)
    started = time.monotonic()
    try:
        locust = subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--users",
                str(users + consultants),
                "--spawn-rate",
                str(max(10, users)),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                server.url,
                "--csv",
                str(out / "locust"),
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
            },
            capture_output=True,
            text=True,
            timeout=seconds + 300,
        )
        (out / "locust.log").write_text(locust.stdout + locust.stderr)
        if locust.returncode != 0:
            raise RuntimeError(f"locust failed: {locust.stderr[-3000:]}")
    finally:
        server.stop()
    elapsed = time.monotonic() - started

    record = json.loads(acknowledged_path.read_text())
    wanted = {
        (respondent, question): value
        for respondent, answers in record["acknowledged"].items()
        for question, value in answers.items()
    }
    stored = _stored_answers(site)
    missing = [key for key, value in wanted.items() if stored.get(key) != value]
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
        "endpoints": _endpoint_rows(out / "locust"),
        "acknowledged": len(wanted),
        "found": len(wanted) - len(missing),
        "missing": missing[:20],
        "statuses": statuses,
        "server_errors": sum(
            count for code, count in statuses.items() if re.fullmatch(r"5\d\d", code)
        )
        + statuses.get("connection error", 0),
        "locked": len(record["locked"]) + server_log.count("database is locked"),
    }
    result["ok"] = (
        result["acknowledged"] > 0
        and not result["missing"]
        and result["server_errors"] == 0
        and result["locked"] == 0
    )
    (out / "summary.json").write_text(json.dumps(result, indent=2))
    (out / "summary.md").write_text(_markdown(result) + "\n")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--consultants", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    result = run(
        db=args.db,
        users=args.users,
        consultants=args.consultants,
        seconds=args.seconds,
        workers=args.workers,
    )
    print(_markdown(result))
    print("OK" if result["ok"] else "FAILED")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
