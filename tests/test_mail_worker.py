"""A real `manage.py worker` process, against the test database (SQLite, or
PostgreSQL when DATABASE_URL is set), sends the invitation a consultant queued."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from assessments.models import OutgoingMail, Respondent

from .conftest import CONFIRMED, make_respondent
from .gunicorn_server import ROOT


def _worker_env(mail_folder):
    database = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_ENV", "EMAIL_HOST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.worker_settings",
        EMAIL_FILE_PATH=str(mail_folder),
        LOG_LEVEL="WARNING",
    )
    if database["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(database["NAME"])
    else:
        user = quote(database["USER"] or "")
        password = quote(database["PASSWORD"] or "")
        env["DATABASE_URL"] = (
            f"postgres://{user}:{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    return env


@pytest.mark.slow
def test_a_worker_process_sends_the_queued_invitation(
    transactional_db, client, owner, assessment, tmp_path
):
    anna = make_respondent(assessment, label="Anna", email="anna@example.org")
    client.force_login(owner)
    url = reverse("assessments:assessment-invite", args=[assessment.pk])
    assert client.post(url, CONFIRMED).status_code == 302
    assert OutgoingMail.objects.get().status == "queued"
    mail_folder = tmp_path / "mail"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay"],
        cwd=ROOT,
        env=_worker_env(mail_folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60  # start-up, then one poll a second
        while OutgoingMail.objects.get().status != "sent":
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, "the worker sent nothing in 60 s"
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    (sent,) = mail_folder.iterdir()
    text = sent.read_text()
    assert "Subject: Uitnodiging: Partnerscan voor Alfa & Beta" in text
    assert "To: anna@example.org" in text
    assert anna.invitation_url() in text
    row = OutgoingMail.objects.get()
    assert row.claimed_by and row.sent_at
    assert Respondent.objects.get(pk=anna.pk).invited_at == row.sent_at
