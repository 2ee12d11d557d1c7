"""The background worker as the benches and the load harness drive it, and the one
place that knows how issue 13's report rendering is called.

Written against the files branch as it stood on 2026-12-03 15:20 UTC
(`assessments/background/files.py`, `making.py`). After the merge, check here, and
only here:

- `FILES_MODULE` is the module's name;
- `schedule_report_now` asks for a scan's reports due at once
  (`report_schedule(assessment, at_once=True)`; the task adds a report for every
  respondent's language);
- `current_reports` reads a finished render from `PreparedFile`: status ready, made
  (`made_at`, when the render started reading the scan) at or after the moment
  given, `finished_at` when it was stored;
- the debounce is read from `settings.REPORT_DEBOUNCE_SECONDS` when a participant's
  save schedules a render (so `override_settings` in the bench process and the env
  var of a worker process both act).

Nothing here imports Django at module level: bench/load/run.py runs outside it.
"""

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES_MODULE = "assessments.background.files"
REPORT_LANGUAGES = ("nl", "en")


def available():
    """Whether the worker renders reports (issue 13's files branch is merged)."""
    return importlib.util.find_spec(FILES_MODULE) is not None


def schedule_report_now(assessment):
    """Ask for `assessment`'s reports, due at once (no debounce)."""
    files = importlib.import_module(FILES_MODULE)
    files.report_schedule(assessment, at_once=True)


def current_reports(assessment, since, languages=REPORT_LANGUAGES):
    """The ready report rows of `assessment` in every one of `languages` made from
    the scan as it was at `since` or later (so they show every change before it),
    or None while any is missing."""
    from assessments.models import PreparedFile

    rows = list(
        PreparedFile.objects.filter(
            assessment=assessment,
            kind=PreparedFile.Kind.REPORT,
            language__in=languages,
            status=PreparedFile.Status.READY,
            made_at__gte=since,
        )
    )
    return rows if len(rows) == len(languages) else None


def render_seconds(row):
    """How long the worker took to make the row's file, reading to storing."""
    return (row.finished_at - row.made_at).total_seconds()


def wait_for(check, timeout, what, interval=0.1):
    """Call `check()` until it returns something true; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(interval)
    raise TimeoutError(f"{what}: nothing after {timeout} s")


def run_queued_tasks():
    """Run every due task in this process through django-tasks-db's own worker
    (what `manage.py worker` runs, without the schedule and the nice)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-in-process",
        excluded_queue_names=[],
    )
    worker.run()
    return worker._run_tasks


class WorkerProcess:
    """`manage.py worker` as its own process (nice 10 by its own doing), with the
    environment given (the database, MEDIA_ROOT, REPORT_DEBOUNCE_SECONDS)."""

    def __init__(self, env, log, *args):
        self.env = env
        self.log = Path(log)
        self.args = args
        self.process = None

    def start(self):
        log = open(self.log, "a")  # noqa: SIM115 - handed to the child process
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-startup-delay", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def stop(self, timeout=60):
        """SIGTERM: the worker finishes the task at hand, then exits."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
