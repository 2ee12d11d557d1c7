"""The background worker (`manage.py worker`) and the periodic schedule."""

from unittest import mock

import pytest
from django_tasks import task
from django_tasks_db.management.commands import db_worker

from assessments.background import schedule
from assessments.management.commands.worker import ScheduledWorker

_running = {}


@task()
def stop_the_worker(note):
    _running["notes"].append(note)
    _running["worker"].running = False


def _worker(**extra):
    return ScheduledWorker(
        queue_names=["*"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
        **extra,
    )


@pytest.mark.django_db
def test_the_worker_runs_the_schedule_and_then_the_queued_tasks(monkeypatch):
    seen = []
    monkeypatch.setattr(
        schedule, "JOBS", [("count", lambda now: seen.append(now) or 1)]
    )
    worker = _worker(schedule_every=3600)
    _running.update(worker=worker, notes=[])
    stop_the_worker.enqueue("done")
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
    assert len(seen) == 1
    assert _running["notes"] == ["done"]


@pytest.mark.django_db
def test_a_worker_told_not_to_schedule_runs_only_tasks(monkeypatch):
    seen = []
    monkeypatch.setattr(
        schedule, "JOBS", [("count", lambda now: seen.append(now) or 1)]
    )
    worker = _worker(schedule_every=None)
    _running.update(worker=worker, notes=[])
    stop_the_worker.enqueue("done")
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
    assert seen == []
    assert _running["notes"] == ["done"]


def test_a_failing_job_does_not_stop_the_others(monkeypatch, caplog):
    def broken(now):
        raise RuntimeError("mail server gone")

    monkeypatch.setattr(schedule, "JOBS", [("broken", broken), ("fine", lambda now: 3)])
    assert schedule.schedule_tick() == {"broken": -1, "fine": 3}
    assert "broken" in caplog.text


def test_retries_back_off_and_give_up_after_the_last_attempt():
    from datetime import UTC, datetime, timedelta

    from assessments.background import retry

    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    delays = [retry.next_try_at(n, now) - now for n in range(1, 9)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays[-1] == timedelta(minutes=30)  # capped
    assert not retry.gives_up(retry.MAX_ATTEMPTS - 1)
    assert retry.gives_up(retry.MAX_ATTEMPTS)


@pytest.mark.slow
def test_the_worker_process_runs_at_lower_priority_and_stops_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.gunicorn_server import ROOT, Site

    site = Site(tmp_path)
    site.manage("migrate", "--noinput")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay"],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        started = False
        while time.monotonic() < deadline and not started:
            time.sleep(0.2)
            assert worker.poll() is None, worker.stdout.read()
            started = os.getpriority(os.PRIO_PROCESS, worker.pid) == (
                os.getpriority(os.PRIO_PROCESS, 0) + 10
            )
        assert started, "the worker did not lower its CPU priority by 10"
        # Where the kernel schedules by session (autogroup), the worker's own group
        # is lowered too, or nice would not keep it from half a busy machine.
        autogroup = f"/proc/{worker.pid}/autogroup"
        if os.path.exists(autogroup):
            with open(autogroup) as group:
                assert group.read().split()[-1] == "10"
            assert os.getsid(worker.pid) == worker.pid  # a session of its own
        time.sleep(1)  # past Django's start-up, into the worker loop
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
