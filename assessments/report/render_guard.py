"""Run a callable (a PDF render) with a time and memory budget, without risking the
worker. Knows nothing about reports: `assessments.report` hands it its render.

Renders run in the background worker (`assessments.background.files`). A
pathological document (a huge table, an endless layout) could hold the worker for
good, or grow until the machine's OOM killer steps in. So the render runs in a
forked child process: the child gets an address-space limit (`RLIMIT_AS`) and the
parent waits at most `PDF_RENDER_TIMEOUT` seconds, then kills the child and raises
`RenderBudgetExceeded`, which the worker records as the reason the file was not
made. Forking costs a few milliseconds; the child shares the parent's loaded code
and fonts, so the render itself is as fast as inline.
"""

import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings
from django.db import connections


class RenderBudgetExceeded(Exception):
    """The render took too long or needed too much memory and was stopped."""


def run_guarded(
    function: Callable[..., Any],
    *args: Any,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> Any:
    """Call `function(*args)` in a child process; return what it returns.

    Exceptions raised by `function` are raised here again (as RuntimeError when they
    cannot be pickled). Over budget: `RenderBudgetExceeded`.
    """
    timeout = settings.PDF_RENDER_TIMEOUT if timeout is None else timeout
    memory_mb = settings.PDF_RENDER_MEMORY_MB if memory_mb is None else memory_mb
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(writer, function, args, memory_mb), daemon=True
    )
    started = time.monotonic()
    child.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            raise RenderBudgetExceeded(f"not done after {timeout:.1f} s")
        try:
            status, payload = reader.recv()
        except EOFError:
            raise RenderBudgetExceeded(
                f"render process died (exit code {child.exitcode})"
            ) from None
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
    if status == "ok":
        return payload
    if status == "memory":
        raise RenderBudgetExceeded(
            f"over the {memory_mb} MB memory budget after "
            f"{time.monotonic() - started:.1f} s"
        )
    raise payload


def _child(
    writer: Connection,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    memory_mb: int,
) -> None:
    # The parent's database connections share their sockets with us: forget them
    # without closing (closing would end the parent's session), so that a stray
    # query here opens its own connection instead of corrupting the parent's.
    for connection in connections.all(initialized_only=True):
        connection.connection = None
    if memory_mb:
        limit = _address_space() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = ("ok", function(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as error:  # relayed to the parent, which raises it
        result = ("error", error)
    try:
        writer.send(result)
    except Exception as error:  # an unpicklable exception or result
        writer.send(("error", RuntimeError(repr(error))))
    writer.close()


def _address_space() -> int:
    """This process's current virtual size in bytes (the limit comes on top)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")
