"""Query answers that stream: whole (unpaged) answers of ``/sparql`` and ``/queries/NAME`` in CSV, TSV, SPARQL
JSON and, for CONSTRUCT/DESCRIBE, N-Triples, sent as the engine reads them, in constant memory.

The engine's iterator (``Backend.query_stream``) is made, read and dropped on one dedicated thread (a
``streaming.Download``: pyoxigraph's iterators are unsendable), which writes the rows through
``results.stream.write_stream`` in chunks into a bounded queue. The HTTP status is decided before the first
byte: the request waits, on a worker of the query pool (so ``--workers``, the backlog and ``--timeout`` apply
as to any query), for the first chunk, so a syntax error is still a 400 and a query slow to its first rows a
504. An answer that fits in that first chunk (``streaming.CHUNK``) is sent whole with its length and kept in
the answer cache; a larger one is sent chunked, and kept only when it turns out under the cache's
``max_entry`` (1 MiB). A failure after the first byte can no longer change the status: it is logged and the
body ends there, cut (a client sees an incomplete document).

``--max-rows`` caps ``/sparql`` (named queries are the server's own and have none). Its answer is held back
until the cap is decided, up to ``_HOLD`` (16 MiB) of it: more rows than the cap is then the error it always was
(ResultTooLargeError, "more than N rows"), before the first byte. Only an answer larger than ``_HOLD`` within the
cap (a large ``--max-rows``) is sent before the cap is decided; passing the cap after that ends the answer there,
N-Triples with a last comment line saying so (``# kzgraph: more than N triples; …``), CSV, TSV and JSON (formats
without comments) with their document closed after ``--max-rows`` rows, and a warning in the server's log.

Queries that call other endpoints (SERVICE) are not streamed: their deadline (``deadline.within``) needs the
whole answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterator
from itertools import islice
from typing import TypeVar

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from ..binding import prepare
from ..errors import QuerySyntaxError, ResultTooLargeError, UsageError
from ..formats import Format
from ..queries import NamedQuery
from ..results.stream import STREAMABLE, GraphStream, SelectStream, Stream, write_stream
from ..sparqltext import check_nesting, query_form, remote_calls
from ..terms import Value
from .context import GRAPH_OFFER, SELECT_OFFER, State, negotiate, state
from .negotiation import NotAcceptable, UnknownFormat
from .problems import HttpError
from .streaming import CHUNK, Download, Streaming, body

__all__ = ["named", "respond", "sparql", "streamed_format"]

log = logging.getLogger(__name__)
#: Bytes of a capped answer held back until the cap is decided (see ``_Held``).
_HOLD = 16 << 20
_T = TypeVar("_T")


def streamed_format(request: Request, sparql: str) -> Format | None:
    """The format negotiated for the answer of ``sparql`` when it is streamed (a results format, or N-Triples
    for CONSTRUCT/DESCRIBE; no SERVICE), else None (answered whole, as before)."""
    form = query_form(sparql)
    kind = "graph" if form in ("CONSTRUCT", "DESCRIBE") else "select" if form in ("SELECT", "ASK") else None
    if kind is None or any(keyword == "SERVICE" for keyword, _ in remote_calls(sparql)):
        return None
    try:
        fmt = negotiate(request, GRAPH_OFFER if kind == "graph" else SELECT_OFFER)
    except (NotAcceptable, UnknownFormat):  # said after the query's own mistakes, as for an answer built whole
        return None
    return fmt if fmt.name in STREAMABLE[kind] else None


class _Held:
    """``write`` held back while the cap is undecided: the first ``_HOLD`` bytes are sent only once the rows
    ended within the cap (or there are more than ``_HOLD`` bytes of them), so that passing the cap is an error
    before the first byte whenever the cap's rows fit in ``_HOLD``."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write, self.pieces, self.size = write, list[bytes](), 0
        self.holding = True

    def __call__(self, piece: bytes) -> None:
        if not self.holding:
            self._write(piece)
            return
        self.pieces.append(piece)
        self.size += len(piece)
        if self.size > _HOLD:
            self.release()

    def release(self) -> None:
        self.holding = False
        for piece in self.pieces:
            self._write(piece)
        self.pieces.clear()


def _capped(items: Iterator[_T], max_rows: int, held: _Held, truncated: list[bool]) -> Iterator[_T]:
    """``items`` up to ``max_rows``: one more is a ResultTooLargeError while nothing is sent, else the end."""
    yield from islice(items, max_rows)
    if next(items, None) is not None:
        if held.holding:
            raise ResultTooLargeError(max_rows)
        log.warning("a streamed answer stopped at the server's --max-rows (%d)", max_rows)
        truncated.append(True)


def sparql(server: State, fmt: Format, text: str, defaults: list[str], named: list[str],
           base: str) -> Callable[[Callable[[bytes], None]], None]:
    """What writes the answer of ``/sparql`` (on the download's thread), capped at ``--max-rows``."""
    def produce(write: Callable[[bytes], None]) -> None:
        check_nesting(text)
        server.kg.backend.refuse_functions(text)
        dataset = bool(defaults or named)
        stream = server.kg.backend.query_stream(text, default_graphs=defaults if dataset else None,
                                                named_graphs=named if dataset else None, base_iri=base)
        cap, held, truncated = server.settings.max_rows, _Held(write), list[bool]()
        if isinstance(stream, SelectStream):
            stream = SelectStream(stream.columns, _capped(stream.rows, cap, held, truncated))
        elif isinstance(stream, GraphStream):
            stream = GraphStream(_capped(stream.triples, cap, held, truncated))
        write_stream(stream, fmt.name, held)
        held.release()
        if truncated and isinstance(stream, GraphStream):
            write(f"# kzgraph: more than {cap} triples; the answer stops at the server's --max-rows\n".encode())
    return produce


def named(server: State, fmt: Format, query: NamedQuery,
          values: dict[str, Value]) -> Callable[[Callable[[bytes], None]], None]:
    """What writes the whole answer of a named query (on the download's thread)."""
    def produce(write: Callable[[bytes], None]) -> None:
        server.kg.backend.refuse_functions(query.sparql)
        try:
            prepared = prepare(query, values, finder=server.kg)
            stream: Stream = SelectStream(list(query.returns), iter(())) if prepared is None else \
                server.kg.backend.query_stream(prepared[0], bindings=prepared[1])
        except QuerySyntaxError as exc:
            exc.source = query.file if query.file is not None else query.name
            raise
        except UsageError as exc:
            raise HttpError(400, str(exc)) from None
        write_stream(stream, fmt.name, write)
    return produce


async def respond(request: Request, key: Hashable, produce: Callable[[Callable[[bytes], None]], None],
                  content_type: str, headers: dict[str, str]) -> Response:
    """The answer kept under ``key``, else the streamed one (see the module): the status decided by its
    first chunk."""
    server = state(request)
    kept = server.cache.get(key)
    if kept is not None:
        return Response(kept[0], headers={"Content-Type": kept[1], **headers})
    generation = server.cache.generation
    download = Download(produce, name="kzgraph-results")
    try:
        first = await server.queries.run(download.get)
    except BaseException:
        download.stop()  # the engine stops at its next write
        raise
    if first is None or len(first) < CHUNK:  # the whole answer: the last chunk is the only one
        rest = await anyio.to_thread.run_sync(download.get) if first is not None else None  # None at once
        whole = (first or b"") + (rest or b"")
        server.cache.put(key, whole, content_type, generation=generation)
        return Response(whole, headers={"Content-Type": content_type, **headers})

    def keep(answer: bytes) -> None:
        server.cache.put(key, answer, content_type, generation=generation)

    return Streaming(download, body(download, keep if server.cache.enabled else None, server.cache.max_entry, first),
                     {"Content-Type": content_type, **headers})

