"""Faults meet the user as a clear message and lose nothing already acknowledged."""

import os
import time

import pytest

from assessments.render_guard import RenderBudgetExceeded, run_guarded


def _slow():
    time.sleep(30)


def _greedy():
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def _pid():
    return os.getpid()


def _fails():
    raise ValueError("bad template")


def test_a_render_within_budget_returns_its_result_from_a_child_process():
    assert run_guarded(_pid, timeout=10) != os.getpid()
    assert run_guarded(bytes, 3, timeout=10) == b"\0\0\0"


def test_a_render_over_its_time_budget_is_stopped_and_this_process_lives_on():
    started = time.monotonic()
    with pytest.raises(RenderBudgetExceeded, match="not done"):
        run_guarded(_slow, timeout=0.5)
    assert time.monotonic() - started < 5
    assert run_guarded(_pid, timeout=10) != os.getpid()


def test_a_render_over_its_memory_budget_is_stopped_and_this_process_lives_on():
    with pytest.raises(RenderBudgetExceeded, match="memory|died"):
        run_guarded(_greedy, timeout=20, memory_mb=64)
    assert run_guarded(_pid, timeout=10) != os.getpid()


def test_an_error_in_the_render_reaches_the_caller():
    with pytest.raises(ValueError, match="bad template"):
        run_guarded(_fails, timeout=10)
