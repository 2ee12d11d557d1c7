"""A short version of `make load` (bench/load/run.py): 10 participants and a
consultant for 15 s against gunicorn on this run's kind of database. Every answer
the server acknowledged is in the database; no 5xx, no "database is locked".
And a short starvation run (bench/load/starvation.py): its harness measures both
kinds of window and gets reports to the consultant. And a short live session
(bench/load/live.py): phones join, answer and hand in, the projector follows."""

import importlib.util
import os

import pytest

pytestmark = pytest.mark.load


def _needs_locust_and_gunicorn():
    # Looked up, not imported: importing locust monkey-patches this whole process.
    for package in ("locust", "gunicorn"):
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"{package} is not installed (requirements-dev.txt)")
    return "postgres" if os.environ.get("DATABASE_URL") else "sqlite"


def test_a_short_load_run_loses_no_acknowledged_answer_and_has_no_5xx(tmp_path):
    db = _needs_locust_and_gunicorn()
    from bench.load.run import run

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


def test_the_starvation_run_measures_both_kinds_of_window_and_downloads_reports(
    tmp_path,
):
    db = _needs_locust_and_gunicorn()
    from bench.load import starvation

    result = starvation.run(
        db=db,
        users=5,
        downloaders=1,
        seconds=12,
        window=12,
        guard=3,
        debounce=1,
        out=tmp_path,
        database="partnerscan_load_smoke",
    )
    quiet, downloading = result["phases"]
    assert quiet["autosaves"] > 0
    assert downloading["autosaves"] > 0
    # A report reached the consultant: the PDF itself, timed from the click.
    assert downloading["downloads"] > 0, downloading["download_steps"]
    assert result["ratio"] is not None
    assert result["missing"] == []
    assert result["server_errors"] == 0, result["statuses"]
    assert result["harness_ok"]


def test_a_short_live_session_keeps_every_answer_and_the_projector_follows(tmp_path):
    """bench/load/live.py: a few phones join by code, answer and hand in; the
    facilitator reveals; the projector's count follows the hand-ins."""
    db = _needs_locust_and_gunicorn()
    from bench.load import live

    result = live.run(
        db=db,
        phones=6,
        seconds=20,
        step_seconds=10,
        out=tmp_path,
        database="partnerscan_load_smoke",
    )
    assert result["hand_ins"] > 0
    assert result["readiness"]["count"] > 0
    assert result["revealed_steps"] >= 1
    assert result["figures"]["/live/phone/poll/"]["count"] > 0
    assert result["acknowledged"] > 0
    assert result["missing"] == []
    assert result["server_errors"] == 0, result["statuses"]
    assert result["harness_ok"]
