"""gunicorn settings for Partnerscan: `gunicorn -c gunicorn.conf.py partnerscan.wsgi`.

Every value can be overridden from the environment (see docs/deployment.md). Sync
workers: a request holds its worker for its whole duration (a PDF render 2-3 s for
the 16-page report, cached downloads and questionnaire steps a few milliseconds), so
size `GUNICORN_WORKERS` for the PDF downloads you expect at once.

Run it only behind a buffering reverse proxy (nginx with proxy_request_buffering and
proxy_buffering on; docs/deployment.md has the configuration). A sync worker reads
the request and writes the response itself: without the proxy, six clients sending
or reading slowly held all five workers until `timeout` killed them. The proxy
receives the whole request before passing it on, and takes the response at once.
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# 2 x cores + 1 is gunicorn's rule of thumb for sync workers on I/O-bound apps.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
# Live sessions too: gthread (5 x 4 threads) served a 50-phone room no better (CPU-
# bound requests share one GIL per worker; bench/README.md, "Session 2").
worker_class = "sync"
# Longer than PDF_RENDER_TIMEOUT (20 s), so a slow render is stopped by the render
# guard with a friendly page before gunicorn kills the whole worker.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (deploys, restarts) let requests in flight finish their transaction.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so slow leaks (fonts, caches) cannot grow forever;
# the jitter keeps all workers from restarting at the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Load the app once in the master and fork the workers from it: a recycled worker
# is then ready in milliseconds instead of importing Django and the app again
# (about 1 s of CPU each). Evenly loaded workers reach max_requests together; in a
# 200-phone live session five restarts within three seconds held every request
# for up to 2.3 s (bench/README.md, "Session 3"). Nothing opens a database
# connection at import time, so no connection is shared across the fork. The
# price: a HUP reloads configuration but not code (deploys restart the service).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# The heartbeat file lives in memory: a slow or full disk must not make the arbiter
# think a worker hangs.
worker_tmp_dir = "/dev/shm"  # noqa: S108  # nosec B108
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address, request line, status, size and duration in microseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus'
# A working invitation link is a password: every access-log field is written with
# the token replaced (`/i/…/`), whatever the format names.
logger_class = "partnerscan.log_redaction.RedactingGunicornLogger"
# Limits on what reaches Django at all.
limit_request_line = 4094
limit_request_fields = 100
# Proxies allowed to set X-Forwarded-* headers (127.0.0.1 by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "partnerscan"
