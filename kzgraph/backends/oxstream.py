"""pyoxigraph's answers read as they come (``OxigraphBackend.query_stream``), and the query's dataset.

The engine's iterator is unsendable: ``stream`` is called, read and let go of on one thread (a server's
dedicated download thread, see ``web.resultstream``), and the iterator is dropped there before any error is
raised (as ``bounded`` does). Terms are converted with a memory of recent values (results
repeat types, labels and counts), forgotten every ``_REMEMBER`` values so that memory stays constant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import pyoxigraph as ox

from ..errors import KzgraphError, QueryError, ResultTooLargeError
from ..results import AskResult
from ..results.stream import GraphStream, SelectStream, Stream
from ..terms import Value
from .oxfunctions import Calls
from .oxrdf import from_ox, triple_term

__all__ = ["bounded", "dataset", "stream"]

_REMEMBER = 1 << 16
_T = TypeVar("_T")
Raw = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Failure = Callable[[SyntaxError | OSError | RuntimeError], KzgraphError]


def dataset(default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None) -> tuple[
        list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None, list[ox.NamedNode | ox.BlankNode] | None]:
    """pyoxigraph's ``default_graph`` and ``named_graphs``; both None when the query's own dataset (or the
    union) applies, both lists (the missing one empty) when either is given."""
    if default_graphs is None and named_graphs is None:
        return None, None
    try:
        return ([ox.NamedNode(g) for g in default_graphs or ()], [ox.NamedNode(g) for g in named_graphs or ()])
    except ValueError as exc:
        raise QueryError(f"a dataset graph is not a valid IRI: {exc}") from exc


def bounded(items: Iterator[_T], max_rows: int | None) -> Iterator[_T]:
    """``items``, raising ResultTooLargeError at row ``max_rows + 1`` (before reading further).

    ``items`` (pyoxigraph's solutions or triples) is let go of before anything is raised: the engine's
    iterators are unsendable, made, read and dropped on one thread (dropped on another, one is leaked with
    "RuntimeError: ... is unsendable, but is being dropped on another thread"), while a traceback keeps the
    locals of every frame it passes through for as long as the error lives, and a server's worker thread hands
    its error to the event loop's thread. ``query`` lets go of its own reference the same way."""
    try:
        for count, item in enumerate(items, 1):
            if max_rows is not None and count > max_rows:
                raise ResultTooLargeError(max_rows)
            yield item
    finally:
        del items


def _converter() -> Callable[[object], Value | None]:
    cache: dict[object, Value | None] = {}

    def convert(term: object) -> Value | None:
        if term in cache:
            return cache[term]
        if len(cache) >= _REMEMBER:
            cache.clear()
        value = cache[term] = from_ox(term)
        return value
    return convert


def _solutions(raw: ox.QuerySolutions, calls: Calls, fail: Failure) -> Iterator[tuple[Value | None, ...]]:
    convert = _converter()
    try:
        try:
            for solution in raw:
                yield tuple(map(convert, solution))
        finally:
            del raw  # on this thread, before an error's traceback could carry it elsewhere
            calls.check()
    except (SyntaxError, OSError, RuntimeError) as exc:
        raise fail(exc) from None


def _triples(raw: ox.QueryTriples, calls: Calls, fail: Failure) -> Iterator[tuple[Value, Value, Value]]:
    try:
        try:
            for t in raw:
                yield triple_term(t.subject), triple_term(t.predicate), triple_term(t.object)
        finally:
            del raw
            calls.check()
    except (SyntaxError, OSError, RuntimeError) as exc:
        raise fail(exc) from None


def stream(raw: Raw, calls: Calls, fail: Failure) -> Stream:
    """The engine's answer as a stream: ``fail`` maps the engine's errors while it is read."""
    if isinstance(raw, ox.QueryBoolean):
        return AskResult(bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        return SelectStream([v.value for v in raw.variables], _solutions(raw, calls, fail))
    return GraphStream(_triples(raw, calls, fail))
