"""Queries on a bounded pool of worker threads, each answer awaited until a deadline.

pyoxigraph cannot cancel a running query, so a deadline cannot stop one. What this gives instead:

- the request waits at most ``timeout`` seconds, then gets ``QueryTimeoutError`` (HTTP 504);
- a query that has not started by then is dropped; one that has keeps its worker thread until the engine
  finishes it (it cannot be interrupted), and its result is thrown away;
- at most ``workers`` queries run at once and at most ``backlog`` more wait; beyond that a request is
  refused at once with ``Overloaded`` (HTTP 503, ``Retry-After``), so runaway queries cannot pile up;
- a call whose caller is cancelled (the server stops) is dropped if it has not started; the caller's
  cancellation goes on (the app answers the request ``Stopping``, HTTP 503);
- ``max_rows`` (applied by the backend while it reads solutions) stops large results early, which bounds
  most of what a query can cost; a query that is slow before its first row (a big ORDER BY, GROUP BY or
  cross product) still runs to its end on its worker.

The engine releases the GIL while it evaluates, so worker threads run in parallel with the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from ..errors import BackendError, QueryTimeoutError, UsageError

__all__ = ["Executor", "Overloaded", "PageTimeoutError", "Stopping"]

T = TypeVar("T")


class Overloaded(BackendError):
    """Every worker is busy and the backlog is full (HTTP 503)."""

    def __init__(self, workers: int, backlog: int) -> None:
        self.workers, self.backlog = workers, backlog
        super().__init__(workers, backlog)

    def __str__(self) -> str:
        return (f"the server is busy: {self.workers} queries are running and {self.backlog} waiting; "
                f"try again shortly")


class Stopping(Overloaded):
    """The server is shutting down and gave up this request (HTTP 503): the app answers it when the server
    cancels a request whose grace period is over (see ``web.app``)."""

    def __init__(self) -> None:
        BackendError.__init__(self, "stopping")

    def __str__(self) -> str:
        return "the server is shutting down and stopped waiting for this answer; try again when it is back"


class PageTimeoutError(QueryTimeoutError):
    """A page (not a query a user wrote) took longer than its deadline to build (HTTP 504, said for a visitor)."""

    def __str__(self) -> str:
        return (f"This page took longer than {self.seconds:g} s to build, so the server stopped waiting for it: "
                f"the data behind it is large, or the server is busy. Please try again in a moment.")


class Executor:
    """Run blocking calls on ``workers`` threads with a ``timeout`` and a bounded ``backlog``."""

    def __init__(self, *, workers: int = 4, backlog: int = 16, timeout: float = 10.0, name: str = "query",
                 late: type[QueryTimeoutError] = QueryTimeoutError, finish_late: bool = False) -> None:
        """``finish_late``: a call still waiting for a worker at its deadline runs all the same (a page, which
        is cached for the next visitor), instead of being dropped (a query someone wrote)."""
        if workers < 1 or backlog < 0 or timeout <= 0:
            raise UsageError("workers ≥ 1, backlog ≥ 0 and timeout > 0 are required")
        self.workers, self.backlog, self.timeout, self.late = workers, backlog, timeout, late
        self.finish_late = finish_late
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"kzgraph-{name}")
        self._lock = threading.Lock()
        self._in_flight = 0  # submitted and not finished, including calls whose caller gave up

    @property
    def in_flight(self) -> int:
        """Calls submitted and not yet finished (running, waiting, or abandoned but still running)."""
        return self._in_flight

    def _finished(self) -> None:
        with self._lock:
            self._in_flight -= 1

    async def run(self, call: Callable[[], T]) -> T:
        """``call()`` on a worker; ``late`` (a QueryTimeoutError) after the deadline, Overloaded when full."""
        with self._lock:
            if self._in_flight >= self.workers + self.backlog:
                raise Overloaded(self.workers, self.backlog)
            self._in_flight += 1
        try:
            future = self._pool.submit(call)
        except RuntimeError:  # the pool is shut down
            self._finished()
            raise
        future.add_done_callback(lambda _: self._finished())
        started = time.monotonic()
        waiting = asyncio.wrap_future(future)  # cancelling it (as wait_for does) cancels the call if not started
        try:
            answer = await asyncio.wait_for(asyncio.shield(waiting) if self.finish_late else waiting, self.timeout)
        except asyncio.TimeoutError:
            if not self.finish_late:
                future.cancel()  # drops it if it has not started; a running query cannot be stopped
            raise self.late(self.timeout) from None
        except asyncio.CancelledError:  # the server stops (the app answers Stopping), or a task left over ends
            future.cancel()
            raise  # a cancelled task ends cancelled: asyncio reports an error raised instead at its shutdown
        if time.monotonic() - started > self.timeout:
            # the event loop's timer can fire only when the loop holds the GIL: an answer built in Python
            # on a worker may finish first, yet past the deadline, and is late all the same
            raise self.late(self.timeout)
        return answer

    def close(self) -> None:
        """Stop accepting work; queued calls are dropped, running ones finish on their own."""
        self._pool.shutdown(wait=False, cancel_futures=True)
