"""A real gunicorn serving Partnerscan on 127.0.0.1, for fault and load tests.

`Site` prepares its own SQLite file (migrate + seed_demo) in a temporary folder;
`Gunicorn` starts, signals and restarts the server on that site. Nothing listens
beyond 127.0.0.1.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """A seeded database for a server: its environment and invitation links."""

    def __init__(self, folder, **env):
        self.folder = Path(folder)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="partnerscan.settings",
            SQLITE_PATH=str(self.folder / "site.sqlite3"),
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
        )
        self.env.update(env)

    def manage(self, *args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def seed(self):
        """Migrate and seed the demo; return the invitation paths it printed."""
        self.manage("migrate", "--noinput")
        output = self.manage("seed_demo")
        return re.findall(r"(/i/[^/\s]+/)", output)


class Gunicorn:
    """`workers=None` keeps gunicorn.conf.py's own number (2 x cores + 1)."""

    def __init__(self, site, workers=2, port=None, extra_args=(), wsgi=None):
        self.site = site
        self.wsgi = wsgi or "partnerscan.wsgi"
        self.workers = workers
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.process = None
        self.log = site.folder / "gunicorn.log"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        log = open(self.log, "a")  # noqa: SIM115 - handed to the child process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                *(["--workers", str(self.workers)] if self.workers else []),
                *self.extra_args,
                self.wsgi,
            ],
            cwd=ROOT,
            env=self.site.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop(signal.SIGKILL)
        raise RuntimeError("gunicorn did not start in time")

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """SIGTERM to the arbiter (a graceful stop, as a service manager does it);
        SIGKILL to the whole group, arbiter and workers (a crash). Then wait."""
        if self.process is None or self.process.poll() is not None:
            return
        if sig == signal.SIGKILL:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
