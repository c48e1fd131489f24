"""Dumps of a pyoxigraph store written as the engine serialises them, piece by piece, in constant memory.

The engine writes into a file object whose ``write`` hands each piece to the caller's ``write`` on the same
thread: pyoxigraph's iterators are unsendable (made, read and dropped on one thread, see ``_bounded`` in
``oxigraph``), so the whole dump runs on the thread that calls ``dump_to``; a web server gives it a thread of
its own and a bounded queue (``kzgraph.web.streaming``). Formats with named graphs (TriG, N-Quads, JSON-LD)
are the store's own dump; the triples formats get the union of the graphs from a CONSTRUCT over it
(``queries/internal/union-triples.rq``), each triple once.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Protocol, cast

import pyoxigraph as ox

from ..errors import BackendError
from ..namespaces import PREFIXES
from ..resources import find
from .oxrdf import format_named

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = ["dump_to"]


@functools.cache
def _sparql(name: str) -> str:
    """The text of kzgraph's own query ``queries/internal/<name>.rq``."""
    with open(find().internal_query_location(name), encoding="utf-8") as file:
        return file.read()


class _Reader(Protocol):
    """What ``dump_to`` needs of an ``OxigraphBackend`` (named so, ``oxigraph`` would be imported in a cycle)."""

    @property
    def _store(self) -> ox.Store: ...


class _Pieces(io.RawIOBase):
    """A file that gives every piece written to it to ``write`` (the engine's output, as it comes)."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write = write

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        piece = bytes(data)
        self._write(piece)
        return len(piece)


def dump_to(backend: _Reader, fmt: str, write: Callable[[bytes], None]) -> None:
    """The whole dataset in ``fmt`` given to ``write`` piece by piece, on this thread (see the module): what
    ``OxigraphBackend.dump_to`` is."""
    store, rdf_format = backend._store, format_named(fmt)  # the store this backend reads now
    output = cast(IO[bytes], _Pieces(write))  # a binary file, as far as the engine can tell
    try:
        if rdf_format.supports_datasets:
            store.dump(output, format=rdf_format, prefixes=PREFIXES)
            return
        triples = store.query(_sparql("union-triples"), use_default_graph_as_union=True)
        try:
            assert isinstance(triples, ox.QueryTriples)  # a CONSTRUCT
            ox.serialize(triples, output, format=rdf_format, prefixes=PREFIXES)
        finally:
            del triples  # on this thread, even when an error's traceback outlives this frame
    except OSError as exc:
        raise BackendError(f"cannot read the store: {exc}") from exc
