"""Dumps of a pyoxigraph store written as the engine serialises them, piece by piece, in constant memory.

The engine writes into a file object whose ``write`` hands each piece to the caller's ``write`` on the same
thread: pyoxigraph's iterators are unsendable (made, read and dropped on one thread, see ``bounded`` in
``oxstream``), so the whole dump runs on the thread that calls ``dump_to``; a web server gives it a thread of
its own and a bounded queue (``kzgraph.web.streaming``). Formats with named graphs (TriG, N-Quads, JSON-LD)
are the store's own dump; the triples formats get the union of the graphs, each triple once (``_union`` in
memory, ``_sorted_union`` on disk).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Protocol, cast

import pyoxigraph as ox

from ..errors import BackendError
from ..namespaces import PREFIXES
from ..resources import find
from .oxrdf import Pieces, format_named

__all__ = ["dump_to"]


class _Reader(Protocol):
    """What ``dump_to`` needs of an ``OxigraphBackend`` (named so, ``oxigraph`` would be imported in a cycle)."""

    @property
    def _store(self) -> ox.Store: ...

    @property
    def path(self) -> object: ...


def _first(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> tuple[bool, str]:
    return not isinstance(graph, ox.DefaultGraph), str(graph)


def _union(store: ox.Store) -> Iterator[ox.Triple]:
    """Every triple of the union of the graphs once, in constant memory: a triple that several graphs state is
    written with the first of them (the default graph, else the least IRI), which one look-up per quad tells.
    Made, read and dropped on the thread that serialises it (pyoxigraph's iterators are unsendable)."""
    for quad in store.quads_for_pattern(None, None, None, None):
        graphs = [q.graph_name for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)]
        if len(graphs) == 1 or min(graphs, key=_first) == quad.graph_name:
            yield quad.triple


def _sorted_union(store: ox.Store) -> Iterator[ox.Triple]:
    """``_union`` for an on-disk store, with no look-up per quad (about 4 min per million quads on disk): one
    predicate at a time, read from the store's POSG index, which keeps the quads of the named graphs sorted by
    predicate, object, subject and graph, so that the graphs stating one triple come one after the other and only
    the first is written. The default graph's quads are all written; a named graph's triple is looked up in it
    only when it holds quads of that predicate. Memory: the predicates, a few hundred at most."""
    with open(find().internal_query_location("predicates"), encoding="utf-8") as file:
        sparql = file.read()
    solutions = cast(ox.QuerySolutions, store.query(sparql))
    predicates = sorted((cast(ox.NamedNode, row[0]) for row in solutions), key=str)
    default = ox.DefaultGraph()
    for predicate in predicates:
        in_default, previous = any(True for _ in store.quads_for_pattern(None, predicate, None, default)), None
        for quad in store.quads_for_pattern(None, predicate, None, None):
            triple = quad.triple
            if quad.graph_name == default:
                yield triple
            elif triple != previous and not (in_default and ox.Quad(quad.subject, predicate, quad.object) in store):
                yield triple
                previous = triple


def dump_to(backend: _Reader, fmt: str, write: Callable[[bytes], None]) -> None:
    """The whole dataset in ``fmt`` given to ``write`` piece by piece, on this thread (see the module): what
    ``OxigraphBackend.dump_to`` is."""
    store, rdf_format = backend._store, format_named(fmt)  # the store this backend reads now
    output = cast(IO[bytes], Pieces(write))  # a binary file, as far as the engine can tell
    try:
        if rdf_format.supports_datasets:
            store.dump(output, format=rdf_format, prefixes=PREFIXES)
            return
        union = _union(store) if backend.path is None else _sorted_union(store)
        ox.serialize(union, output, format=rdf_format, prefixes=PREFIXES)
    except OSError as exc:
        raise BackendError(f"cannot read the store: {exc}") from exc
