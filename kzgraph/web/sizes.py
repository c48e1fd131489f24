"""The dataset's sizes for ``/about``, counted once on a thread of their own.

Counting triples per graph and instances per class reads every quad: seconds at ten million triples. So it
never runs at start-up nor on a request's deadline: the first request for ``/about`` starts it, and pages
show the sizes once they are counted (after an update, they are counted again).
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable

from ..stats import Stats

__all__ = ["Sizes"]


class Sizes:
    """``count()`` run at most once at a time, in the background; ``get()`` is its result or None until then."""

    def __init__(self, count: Callable[[], Stats]) -> None:
        self._count = count
        self._lock = threading.Lock()
        self._future: concurrent.futures.Future[Stats] | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kzgraph-sizes")

    def get(self) -> Stats | None:
        """The sizes, or None while they are being counted (the first call starts the count).

        A count that failed raises its error once; the next call counts again.
        """
        with self._lock:
            if self._future is None:
                self._future = self._pool.submit(self._count)
            future = self._future
        if not future.done():
            return None
        error = future.exception()
        if error is not None:
            with self._lock:
                if self._future is future:
                    self._future = None
            raise error
        return future.result()

    def clear(self) -> None:
        """Forget the sizes (the data changed); the next ``get`` counts again."""
        with self._lock:
            self._future = None

    def close(self) -> None:
        """Stop: a count under way finishes on its own, its result unused."""
        self._pool.shutdown(wait=False, cancel_futures=True)
