"""Shared benchmark harness: an isolated database, an in-process client, baselines.

Every figure is a ratio against a baseline measured in the same run on the same
machine, so the numbers travel between machines. Requests go through Django's full
middleware stack via the test client (no network, no HTTP server), which is what we
compare: our views against the cheapest views the same stack can serve.
"""

import atexit
import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


# `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnerscan_bench` runs the
# benches on PostgreSQL. The database named there is dropped and created afresh, so
# only a name of the bench's own is accepted (never the test suite's `test`).
BENCH_DATABASE_PREFIX = "partnerscan_bench"


def setup():
    """Configure Django on a fresh database and migrate it: a SQLite file under
    bench/out/, or the PostgreSQL database of `BENCH_DATABASE_URL`."""
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerscan.settings")
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        os.environ["DATABASE_URL"] = _fresh_postgres(url)
    else:
        # An inherited DATABASE_URL would point the bench at someone else's data.
        os.environ.pop("DATABASE_URL", None)
        db = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(db)
    os.environ.setdefault("DEBUG", "0")
    # Reports and exports the worker stores: the bench's own folder.
    os.environ["MEDIA_ROOT"] = str(OUT / "media")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def _fresh_postgres(url):
    """Drop and create the bench's own PostgreSQL database; drop it again at exit."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") or BENCH_DATABASE_PREFIX
    if not name.startswith(BENCH_DATABASE_PREFIX):
        raise SystemExit(
            f"BENCH_DATABASE_URL must name a database starting with "
            f"{BENCH_DATABASE_PREFIX!r} (it is dropped and created), not {name!r}"
        )
    # The server's maintenance database, to create and drop ours from.
    admin = urlunsplit(parts._replace(path="/postgres"))

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close_and_drop():
        from django.db import connections

        connections.close_all()
        drop()

    # Not Django's connections here: touching them would read the settings before
    # DATABASE_URL points at this database.
    drop()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    atexit.register(close_and_drop)
    return urlunsplit(parts._replace(path=f"/{name}"))


def is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


def vacuum_analyze():
    """After a bulk load, as autovacuum would do soon after: fresh statistics, and a
    visibility map that lets PostgreSQL answer from an index alone. No-op on SQLite
    (whose planner needs no statistics for these queries)."""
    from django.db import connection

    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def explain(sql, params):
    """PostgreSQL's plan of one query, with actual times, as a list of lines."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def measure(call, seconds=2.0, warmup=10):
    """Call `call()` repeatedly for about `seconds`; return rate and latency figures."""
    for _ in range(warmup):
        call()
    timings = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return _figures(timings)


def interleaved(call, baseline_call, seconds=3.0, warmup=5):
    """Requests/s of `call` and of `baseline_call`, alternating request by request.

    A ratio against a baseline measured minutes earlier drifts: the machine's load
    changes, and so does the process (every module leaves objects behind that the
    garbage collector walks again). Alternating, both calls see the same conditions.
    Returns (figures of call, figures of baseline_call) as `measure` does.
    """
    for _ in range(warmup):
        call(), baseline_call()
    timings = {"call": [], "base": []}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for name, each in (("call", call), ("base", baseline_call)):
            start = time.perf_counter()
            each()
            timings[name].append(time.perf_counter() - start)
    return _figures(timings["call"]), _figures(timings["base"])


def _figures(timings):
    timings = sorted(timings)
    return {
        "rps": len(timings) / sum(timings),
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95) - 1] * 1000,
        "n": len(timings),
    }


def get_ok(client, url, **kwargs):
    """A GET that must succeed; a benchmark of an error page would be worthless."""

    def call():
        response = client.get(url, **kwargs)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return call


def baselines(client):
    """The two reference views every ratio is measured against."""
    return {
        "bare_view": measure(get_ok(client, "/bench/bare/")),
        "bare_template": measure(get_ok(client, "/bench/template/")),
    }


def ratio(result, baseline):
    return result["rps"] / baseline["rps"]
