"""A short version of `make load` (bench/load/run.py): 10 participants and a
consultant for 15 s against gunicorn on this run's kind of database. Every answer
the server acknowledged is in the database; no 5xx, no "database is locked"."""

import importlib.util
import os

import pytest

pytestmark = pytest.mark.load


def test_a_short_load_run_loses_no_acknowledged_answer_and_has_no_5xx(tmp_path):
    # Looked up, not imported: importing locust monkey-patches this whole process.
    for package in ("locust", "gunicorn"):
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"{package} is not installed (requirements-dev.txt)")
    from bench.load.run import run

    db = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
    result = run(
        db=db,
        users=10,
        consultants=1,
        seconds=15,
        workers=2,
        out=tmp_path,
        database="partnerscan_load_smoke",
    )
    assert result["acknowledged"] > 0
    assert result["missing"] == []
    assert result["server_errors"] == 0, result["statuses"]
    assert result["locked"] == 0
    assert result["ok"]
