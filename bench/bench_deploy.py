"""Persistent database connections (CONN_MAX_AGE) on PostgreSQL, measured.

A 5-query view served by one gunicorn worker over real HTTP, once with a new database
connection per request (CONN_MAX_AGE=0) and once with persistent connections
(CONN_MAX_AGE=60). The test client cannot show this: it keeps Django from closing
connections between requests. Skipped (reported as such) without PostgreSQL.
"""

import http.client
import os
import time

from bench import common
from tests.gunicorn_server import Gunicorn, Site

POSTGRES = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def _postgres_available():
    try:
        import psycopg

        psycopg.connect(POSTGRES, connect_timeout=2).close()
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False
    return True


def _serve_and_measure(folder, conn_max_age, seconds=3.0):
    site = Site(
        folder,
        DATABASE_URL=POSTGRES,
        CONN_MAX_AGE=str(conn_max_age),
    )
    server = Gunicorn(site, workers=1, wsgi="bench.conn_wsgi").start()
    try:

        def call():
            connection = http.client.HTTPConnection(
                "127.0.0.1", server.port, timeout=30
            )
            connection.request("GET", "/bench/five-queries/")
            response = connection.getresponse()
            assert response.status == 200, response.status
            response.read()
            connection.close()

        return common.measure(call, seconds=seconds, warmup=20)
    finally:
        server.stop()


def run(client, base):
    if not _postgres_available():
        return [
            {
                "name": "CONN_MAX_AGE on PostgreSQL: skipped (no server)",
                "value": 0,
                "unit": "",
            }
        ]
    folder = common.OUT / "conn_max_age"
    folder.mkdir(parents=True, exist_ok=True)
    fresh = _serve_and_measure(folder, 0)
    time.sleep(0.5)
    persistent = _serve_and_measure(folder, 60)
    return [
        {
            "name": "5-query view, new connection per request",
            "value": fresh["rps"],
            "unit": "req/s",
        },
        {
            "name": "5-query view, persistent connection (CONN_MAX_AGE=60)",
            "value": persistent["rps"],
            "unit": "req/s",
        },
        {
            "name": "persistent / new connection per request",
            "value": common.ratio(persistent, fresh),
            "unit": "x",
            "target": "> 1",
            "ok": common.ratio(persistent, fresh) > 1,
        },
    ]
