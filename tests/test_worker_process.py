"""A real `manage.py worker` process against the test database (SQLite, or
PostgreSQL when DATABASE_URL is set) makes the report a consultant asked for; killed
mid-render it leaves nothing half-written behind a download, and the render is
queued again and completes."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.background.models import PreparedFile
from assessments.models import DimensionComment

from .test_report import fill, pdf_text

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
Status = PreparedFile.Status


def _database_env():
    """The environment that points a new process at this test database."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(database["NAME"])}
    user = database["USER"] or ""
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return {
        "DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"
    }


class Worker:
    """`manage.py worker` in its own process group (its render children too)."""

    def __init__(self, media, log, *args):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "SQLITE_PATH"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="partnerscan.settings",
            MEDIA_ROOT=str(media),
            DEBUG="0",
            **_database_env(),
        )
        self.log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", *args],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def media(settings, tmp_path):
    """One storage folder for this test process and the worker processes."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    return folder


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def _wait_for(condition, log, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"not reached in {seconds} s; worker log:\n{log.read_text()[-3000:]}")


def _row(assessment, language="nl"):
    return PreparedFile.objects.get(assessment=assessment, language=language)


def _pdf(response):
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_a_worker_process_makes_the_report_that_is_then_downloaded(
    client, owner, assessment, media, tmp_path
):
    fill(assessment)
    client.force_login(owner)
    url = reverse("assessments:assessment-report", args=[assessment.pk]) + "?lang=en"
    assert "prepared-status" in client.get(url).text  # asked for, being made

    log = tmp_path / "worker.log"
    worker = Worker(media, log)
    try:
        _wait_for(lambda: _row(assessment, "en").status == Status.READY, log)
        # And in the language the respondents speak, ahead of anyone's click.
        _wait_for(lambda: _row(assessment, "nl").status == Status.READY, log)
    finally:
        worker.stop()

    text = pdf_text(_pdf(client.get(url)))
    assert "Alfa & Beta" in text
    assert "Readiness index" in text
    assert len(_files(media)) == 2


def test_a_worker_killed_mid_render_leaves_nothing_and_the_render_is_made_again(
    client, owner, assessment, media, tmp_path
):
    fill(assessment, per_organisation=4)
    dimensions = list(assessment.question_set.dimensions.all())
    DimensionComment.objects.bulk_create(
        DimensionComment(respondent=respondent, dimension=dimension, text="Lang " * 80)
        for respondent in assessment.respondents.all()
        for dimension in dimensions
    )
    client.force_login(owner)
    url = reverse("assessments:assessment-report", args=[assessment.pk]) + "?lang=nl"
    client.get(url)

    log = tmp_path / "worker.log"
    worker = Worker(media, log, "--no-schedule")
    _wait_for(lambda: _row(assessment).status == Status.WORKING, log)
    time.sleep(0.5)  # into WeasyPrint, which takes seconds for this report
    working = _row(assessment)
    assert working.status == Status.WORKING, "the render ended before the kill"
    worker.kill()

    # Nothing half-written: no file, and the row points at none.
    killed = _row(assessment)
    assert (killed.status, killed.file.name) == (Status.WORKING, "")
    assert _files(media) == []
    page = client.get(url)
    assert page["Content-Type"].startswith("text/html")
    assert "prepared-status" in page.text

    # Later: the render's budget has passed. A worker's periodic job (run when it
    # starts) queues it again, and it is made.
    PreparedFile.objects.update(started_at=timezone.now() - timedelta(minutes=10))
    worker = Worker(media, log)
    try:
        _wait_for(lambda: _row(assessment).status == Status.READY, log)
    finally:
        worker.stop()
    done = _row(assessment)
    assert done.attempts == 0 and done.error == ""
    assert _files(media) == [Path(done.file.name)]
    assert "Alfa & Beta" in pdf_text(_pdf(client.get(url)))
