"""Settings really take effect on the live connection and in production mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_transactions_take_the_write_lock_immediately(monkeypatch):
    statements = []
    connection.close()
    connection.ensure_connection()
    connection.connection.set_trace_callback(statements.append)
    from django.db import transaction

    with transaction.atomic():
        pass
    connection.connection.set_trace_callback(None)
    assert any(s.upper().startswith("BEGIN IMMEDIATE") for s in statements), statements


def test_dutch_is_the_default_language_and_english_is_available(settings):
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]
    assert settings.USE_I18N


def _settings_in_subprocess(env):
    code = (
        "import django;from django.conf import settings;"
        "django.setup();print(settings.DEBUG)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "partnerscan.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_production_refuses_to_start_without_a_real_secret_key():
    env = {"DJANGO_ENV": "production", "SECRET_KEY": ""}
    result = _settings_in_subprocess(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_production_turns_debug_off_by_default():
    env = {"DJANGO_ENV": "production", "SECRET_KEY": "a-real-random-key-" * 4}
    env.pop("DEBUG", None)
    result = _settings_in_subprocess({**env, "DEBUG": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_passwords_are_hashed_with_djangos_default_pbkdf2():
    # The suite swaps in a fast hasher (tests/conftest.py); the project must not.
    import partnerscan.settings as project

    hashers = getattr(project, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
