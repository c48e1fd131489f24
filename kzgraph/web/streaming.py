"""Downloads that stream: the engine writes on a thread of its own, the response sends what it wrote.

A dump of ten million triples is never held whole: ``Download`` runs ``produce(write)`` (a backend's
``dump_to``) on a dedicated thread, so that the engine's iterators are made, read and dropped on that one
thread (pyoxigraph's are unsendable), and ``write`` gathers the engine's pieces into chunks of ``CHUNK`` bytes
handed over through a queue of ``DEPTH`` chunks: when the client reads slowly the queue fills and the engine
waits, so the server holds at most about ``(DEPTH + 2) * CHUNK`` bytes of a download however large it is. A
client that goes away stops the engine at its next write.

``stream`` answers with a ``StreamingResponse`` (chunked), and keeps a body in the answer cache only when it
turned out no larger than the cache's ``max_entry`` (the small dumps of the article's own dataset); a larger
one is not gathered at all.

>>> download = Download(lambda write: [write(b"x" * 40_000) for _ in range(4)], chunk=65_536)
>>> [len(piece) for piece in iter(download.get, None)]
[80000, 80000]
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable, Hashable

import anyio.to_thread
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from ..errors import BackendError, KzgraphError
from .answers import AnswerCache

__all__ = ["CHUNK", "DEPTH", "Download", "Streaming", "body", "stream"]

log = logging.getLogger(__name__)

#: Bytes gathered before they are handed to the response (the engine writes pieces of about 8 KiB).
CHUNK = 256 * 1024
#: Chunks waiting in the queue at most, before the engine waits for the client.
DEPTH = 4
#: Seconds between looks at whether the client went away, while the engine waits for room in the queue.
_POLL = 0.2


class _Stopped(Exception):
    """The client went away: raised in the engine's ``write``, which ends the dump."""


class Download:
    """``produce(write)`` on a thread of its own, started by the first ``get()``; ``get()`` gives the chunks,
    then None; ``stop()`` ends it."""

    def __init__(self, produce: Callable[[Callable[[bytes], None]], None], *, chunk: int = CHUNK,
                 depth: int = DEPTH, name: str = "kzgraph-download") -> None:
        self._queue: queue.Queue[bytes | KzgraphError | None] = queue.Queue(maxsize=depth)
        self._stopped = threading.Event()
        self._produce, self._chunk = produce, chunk
        self._buffer = bytearray()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _put(self, item: bytes | KzgraphError | None) -> None:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=_POLL)
                return
            except queue.Full:
                continue
        raise _Stopped

    def _write(self, piece: bytes) -> None:
        if self._stopped.is_set():
            raise _Stopped
        self._buffer += piece
        if len(self._buffer) >= self._chunk:
            self._put(bytes(self._buffer))
            self._buffer.clear()

    def _run(self) -> None:
        failure: KzgraphError | None = None
        try:
            self._produce(self._write)
            if self._buffer:
                self._put(bytes(self._buffer))
        except KzgraphError as exc:  # kzgraph's own error (a query's mistake, a cap), handed over without frames
            if not self._stopped.is_set():
                failure = exc.with_traceback(None)
                failure.__cause__ = failure.__context__ = None
            del exc
        except BaseException as exc:  # noqa: BLE001  # handed to the response, as a message without frames
            if not self._stopped.is_set():
                log.warning("a download broke off: %s", exc)
                failure = BackendError(f"the download broke off: {exc}")
            del exc  # its traceback holds the engine's frames: let go of them on this thread
        try:
            self._put(failure)
        except _Stopped:
            pass

    def get(self) -> bytes | None:
        """The next chunk (blocking until the engine wrote it), or None at the end, or once stopped when the
        engine is done; the engine's error raised (a KzgraphError as raised, any other as a BackendError)."""
        if self._thread.ident is None:
            self._thread.start()
        while True:
            try:
                item = self._queue.get(timeout=_POLL)
                break
            except queue.Empty:
                if self._stopped.is_set() and not self._thread.is_alive():
                    return None
        if isinstance(item, KzgraphError):
            raise item
        return item

    def stop(self) -> None:
        """The client went away (or the response is done): the engine stops at its next write."""
        self._stopped.set()


class Streaming(StreamingResponse):
    """A streamed download that stops its engine however the response ends: sent, the client gone (Starlette
    cancels the sending), or the server stopping, even while the body's generator waits to be collected."""

    def __init__(self, download: Download, content: AsyncIterator[bytes], headers: dict[str, str]) -> None:
        super().__init__(content, headers=headers)
        self.download = download

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.download.stop()


async def body(download: Download, keep: Callable[[bytes], None] | None, limit: int,
                first: bytes | None = None) -> AsyncIterator[bytes]:
    """The chunks of a ``Download`` (started when the response starts sending, or ``first`` already read),
    kept when small."""
    kept: list[bytes] | None = [] if keep is not None else None
    size = 0
    try:
        while (piece := first if first is not None else await anyio.to_thread.run_sync(download.get)) is not None:
            first = None
            size += len(piece)
            if kept is not None and size <= limit:
                kept.append(piece)
            else:
                kept = None  # too large for the cache: not gathered
            yield piece
        if kept is not None and keep is not None:
            keep(b"".join(kept))
    finally:
        download.stop()


def stream(cache: AnswerCache, key: Hashable, produce: Callable[[Callable[[bytes], None]], None],
           content_type: str, headers: dict[str, str], *, head: bool = False) -> Response:
    """The answer kept under ``key``, else ``produce(write)`` streamed (and kept when small: see the module);
    for a HEAD request (``head``) the headers alone, without running ``produce``."""
    kept = cache.get(key)
    if kept is not None:
        return Response(kept[0], headers={"Content-Type": kept[1], **headers})
    if head:
        response = Response(headers={"Content-Type": content_type, **headers})
        del response.headers["content-length"]  # as the GET's: chunked, its length unknown
        return response
    generation = cache.generation

    def keep(body: bytes) -> None:
        cache.put(key, body, content_type, generation=generation)

    download = Download(produce)
    return Streaming(download, body(download, keep if cache.enabled else None, cache.max_entry),
                      {"Content-Type": content_type, **headers})
