"""Answers kept while the data does not change: an LRU of response bodies with a byte budget.

The server is read-only unless started with ``--allow-update``; every update clears the cache and starts
a new generation, and an answer computed in an older generation is not kept, so a cached answer is
always the answer the store would give now.

>>> cache = AnswerCache(max_bytes=10)
>>> cache.put(("q", "json"), b"12345", "application/json")
>>> cache.get(("q", "json"))
(b'12345', 'application/json')
>>> cache.put(("r", "json"), b"123456789", "application/json")  # evicts the older entry
>>> cache.get(("q", "json")) is None
True
>>> before = cache.generation
>>> cache.clear()                                       # an update happened meanwhile
>>> cache.put(("r", "xml"), b"1", "application/xml", generation=before)
>>> len(cache)
0

``answer`` is what the routes call: the kept answer, else one build however many requests ask at once.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

__all__ = ["Answer", "AnswerCache"]

#: A response body and its media type.
Answer = tuple[bytes, str]


class AnswerCache:
    """Response bodies by key, least recently used evicted first; entries over ``max_entry`` are not kept."""

    def __init__(self, *, max_bytes: int = 32 << 20, max_entry: int = 1 << 20, enabled: bool = True) -> None:
        self.max_bytes, self.max_entry, self.enabled = max_bytes, min(max_entry, max_bytes), enabled
        self._items: OrderedDict[Hashable, Answer] = OrderedDict()
        self._building: dict[tuple[int, Hashable], asyncio.Future[Answer]] = {}  # (generation, key): being built
        self._size = 0
        self._lock = threading.Lock()
        self.generation = 0  # bumped by clear(): answers computed before it are stale

    def get(self, key: Hashable) -> Answer | None:
        """The body and media type kept for ``key``, or None."""
        if not self.enabled:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item

    def put(self, key: Hashable, body: bytes, media_type: str, *, generation: int | None = None) -> None:
        """Keep ``body`` under ``key`` if caching is on, it is small enough, and (when ``generation`` is
        given) the data have not changed since the answer was computed."""
        if not self.enabled or len(body) > self.max_entry:
            return
        with self._lock:
            if generation is not None and generation != self.generation:
                return
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._items[key] = (body, media_type)
            self._size += len(body)
            while self._size > self.max_bytes:
                _, (evicted, _) = self._items.popitem(last=False)
                self._size -= len(evicted)

    async def answer(self, key: Hashable, work: Callable[[], Answer],
                     run: Callable[[Callable[[], Answer]], Awaitable[Answer]], *,
                     check: Callable[[], None] | None = None) -> Answer:
        """The answer kept for ``key``; else ``check()``, then ``work()`` through ``run`` (a worker pool's
        ``run``), kept by the worker that built it. Requests for an answer being built wait for that build
        (one build however many ask at once, and only among requests since the last ``clear``); the worker
        keeps what it built even when every request stopped waiting (504), so asking again gets it.

        >>> import asyncio
        >>> async def main(cache):
        ...     async def run(call):
        ...         return call()
        ...     built = []
        ...     work = lambda: built.append(1) or (b"<p>", "text/html")
        ...     answers = await asyncio.gather(*(cache.answer("page", work, run) for _ in range(3)))
        ...     return answers[0], len(built), await cache.answer("page", work, run), len(built)
        >>> asyncio.run(main(AnswerCache()))
        ((b'<p>', 'text/html'), 1, (b'<p>', 'text/html'), 1)
        """
        hit = self.get(key)
        if hit is not None:
            return hit
        if check is not None:
            check()
        generation = self.generation
        building = self._building.get((generation, key))
        if building is None:

            def build() -> Answer:
                built = work()
                self.put(key, *built, generation=generation)
                return built

            def forget(done: asyncio.Future[Answer]) -> None:
                self._building.pop((generation, key), None)
                if not done.cancelled():
                    done.exception()  # retrieved, so no warning when every request for it went away

            building = self._building[generation, key] = asyncio.ensure_future(run(build))
            building.add_done_callback(forget)
        return await asyncio.shield(building)  # a request that goes away leaves the build to the others

    def clear(self) -> None:
        """Forget everything (after an update)."""
        with self._lock:
            self._items.clear()
            self._size = 0
            self.generation += 1

    def __len__(self) -> int:
        return len(self._items)
