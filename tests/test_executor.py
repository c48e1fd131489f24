"""The worker pool behind kzgraph serve: deadlines, and what happens to work whose caller stopped waiting."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from kzgraph.errors import QueryTimeoutError, UsageError
from kzgraph.web.executor import Executor, PageTimeoutError


def busy_then(executor: Executor, call, *, late: type[QueryTimeoutError]) -> None:
    """Keep the only worker busy past the deadline, then ask for ``call``: it times out before it starts."""
    release = threading.Event()

    async def scenario() -> None:
        blocker = asyncio.ensure_future(executor.run(lambda: release.wait(5)))
        await asyncio.sleep(0.01)
        with pytest.raises(late):
            await executor.run(call)
        release.set()
        with pytest.raises(late):
            await blocker  # it finished, but after the deadline

    asyncio.run(scenario())


@pytest.mark.parametrize("finish_late, ran", [(True, [1]), (False, [])])
def test_work_that_had_not_started_by_its_deadline_runs_only_when_asked_to(finish_late, ran):
    """A page still waiting for a worker at its deadline is built all the same (and cached for the next
    visitor); a query someone wrote is dropped."""
    executor = Executor(workers=1, backlog=4, timeout=0.05, name="test", late=PageTimeoutError,
                        finish_late=finish_late)
    done: list[int] = []
    busy_then(executor, lambda: done.append(1), late=PageTimeoutError)
    deadline = time.monotonic() + 5
    while executor.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert done == ran
    executor.close()


@pytest.mark.parametrize("options", [{"workers": 0}, {"backlog": -1}, {"timeout": 0}])
def test_impossible_limits_are_usage_errors(options):
    with pytest.raises(UsageError, match="workers ≥ 1, backlog ≥ 0 and timeout > 0"):
        Executor(**options)


def test_a_cancelled_caller_ends_cancelled_and_its_call_is_dropped_if_not_started():
    """When the server stops, uvicorn cancels the requests still running: the cancellation goes on (the app
    answers 503, see web.app), and a task left waiting for a worker ends cancelled, which asyncio does not report
    as an error at its shutdown; a call that had not started never runs."""
    executor = Executor(workers=1, backlog=4, timeout=30, name="test")
    release = threading.Event()
    done: list[int] = []

    async def scenario() -> None:
        blocker = asyncio.ensure_future(executor.run(lambda: release.wait(5)))
        queued = asyncio.ensure_future(executor.run(lambda: done.append(1)))
        await asyncio.sleep(0.01)
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        release.set()
        assert await blocker is True

    asyncio.run(scenario())
    deadline = time.monotonic() + 5
    while executor.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert done == [] and executor.in_flight == 0
    executor.close()
