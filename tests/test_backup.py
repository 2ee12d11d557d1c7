"""Backups restore: `dumpdata` -> fresh database -> `loaddata`, and `pg_dump` ->
`pg_restore`, both with every row count equal afterwards (docs/deployment.md)."""

import json
import os
import shutil
import subprocess
from contextlib import closing

import pytest

from .gunicorn_server import Site

# Every test here migrates and seeds fresh databases in subprocesses.
pytestmark = pytest.mark.slow

# What docs/deployment.md says to leave out of a dumpdata backup: rows that `migrate`
# recreates (content types, permissions) and short-lived ones (sessions, admin log).
DUMP_EXCLUDES = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]

COUNT_ROWS = (
    "import json; from django.apps import apps; print(json.dumps({m._meta.label: "
    "m._default_manager.count() for m in apps.get_models()}))"
)


def _counts(site):
    return json.loads(site.manage("shell", "-c", COUNT_ROWS).strip().splitlines()[-1])


def _kept(counts):
    return {
        label: count
        for label, count in counts.items()
        if not any(
            label.lower() == excluded or label.lower().startswith(excluded + ".")
            for excluded in DUMP_EXCLUDES
        )
    }


def test_dumpdata_restores_into_a_fresh_database_with_equal_counts(tmp_path):
    source = Site(tmp_path / "source")
    source.folder.mkdir()
    source.seed()
    backup = tmp_path / "backup.json"
    source.manage(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *[f"--exclude={name}" for name in DUMP_EXCLUDES],
        "--output",
        str(backup),
    )
    restored = Site(tmp_path / "restored")
    restored.folder.mkdir()
    restored.manage("migrate", "--noinput")
    restored.manage("loaddata", str(backup))
    before, after = _kept(_counts(source)), _kept(_counts(restored))
    assert before["assessments.Answer"] > 0
    assert after == before


def _postgres_or_skip():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the PostgreSQL half of CI (DATABASE_URL=postgres://...)")
    psycopg = pytest.importorskip("psycopg")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not installed")
    try:
        psycopg.connect(ADMIN, connect_timeout=2).close()
    except psycopg.Error as error:
        pytest.skip(f"no PostgreSQL at {ADMIN}: {error}")
    return psycopg


ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def _fresh_database(psycopg, name):
    with closing(psycopg.connect(ADMIN, autocommit=True)) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return ADMIN.rsplit("/", 1)[0] + f"/{name}"


def test_pg_dump_restores_into_a_fresh_database_with_equal_counts(tmp_path):
    psycopg = _postgres_or_skip()
    source_url = _fresh_database(psycopg, "partnerscan_backup_source")
    target_url = _fresh_database(psycopg, "partnerscan_backup_target")
    source = Site(tmp_path, DATABASE_URL=source_url)
    source.seed()
    dump = tmp_path / "partnerscan.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source_url],
        check=True,
        timeout=120,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target_url}", dump],
        check=True,
        timeout=120,
    )
    restored = Site(tmp_path, DATABASE_URL=target_url)
    before, after = _counts(source), _counts(restored)
    assert before["assessments.Answer"] > 0
    assert after == before
    # The restored database is current: nothing left to migrate.
    assert "No migrations to apply" in restored.manage("migrate", "--noinput")
    for name in ("partnerscan_backup_source", "partnerscan_backup_target"):
        with closing(psycopg.connect(ADMIN, autocommit=True)) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
