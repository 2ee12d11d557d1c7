"""Sending e-mail outside the request that asked for it.

Until background work runs as tasks, a short-lived thread sends: the response then
costs the same whether or not a message goes out, and a slow SMTP server holds no
worker. The thread is not a daemon, so a gracefully stopping worker still delivers.
"""

import logging
import threading
from collections.abc import Sequence

from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)

_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _send(messages):
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:
        # Nobody waits for the answer any more: the log is where a failure shows.
        logger.exception("Could not send %d e-mail(s)", len(messages))


def mail_send_in_background(messages: Sequence[EmailMessage]) -> threading.Thread:
    """Send `messages` (possibly none) from a new thread; return the thread."""
    thread = threading.Thread(
        target=_send, args=(list(messages),), name="partnerscan-mail"
    )
    thread.start()
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    return thread


def wait_for_background_mail(timeout: float = 30) -> None:
    """Block until every message handed over so far is sent (tests, commands)."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)
