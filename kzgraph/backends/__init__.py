"""What a backend must do, and what it loads.

A backend wraps one RDF engine and is the only code that imports it; it maps the engine's errors to
kzgraph's (``DataSyntaxError``, ``QuerySyntaxError``, ``BackendError``) and its terms to ``kzgraph.terms``.
"""

from __future__ import annotations

import os
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..errors import ResultTooLargeError
from ..results import AskResult, Result
from ..terms import Value

TYPE_CHECKING = False  # typing, dataclasses and pathlib stay off the start-up path (see kzgraph.cache)
if TYPE_CHECKING:
    from typing import NamedTuple, Protocol

    class _SourceFields(NamedTuple):  # the same record as the namedtuple below, with the types of its fields
        path: str | os.PathLike[str] | None = None
        data: bytes | None = None
        format: str | None = None
        graph: str | None = None
        name: str | None = None
else:
    Protocol = object  # Backend is a protocol for type checkers, a plain base class at run time
    _SourceFields = namedtuple("Source", "path data format graph name", defaults=(None,) * 5)

__all__ = ["Backend", "Progress", "Source", "SourceLike", "limit_rows"]

#: ``progress(done, total, label)``: called after each source is parsed.
Progress = Callable[[int, int, str], None]


class Source(_SourceFields):
    """RDF to load: a file (``path``) or bytes (``data``) in a format named in ``kzgraph.formats``.

    ``graph``: named graph for triples that have none (all of a Turtle file, the default graph of a TriG
    file); ``None`` leaves them in the default graph. ``format`` defaults to the path's extension.
    """

    __slots__ = ()

    @property
    def label(self) -> str:
        """How messages name this source: the name, else the path."""
        return self.name or (str(self.path) if self.path is not None else "<data>")

    @classmethod
    def of(cls, item: SourceLike) -> Source:
        """A Source from a path or a Source."""
        if isinstance(item, Source):
            return item
        from pathlib import Path

        return cls(path=Path(item))


SourceLike = Source | str | os.PathLike[str]


def limit_rows(result: Result, max_rows: int | None) -> Result:
    """``result``, or ResultTooLargeError when it has more than ``max_rows`` rows (or triples)."""
    if max_rows is not None and not isinstance(result, AskResult) and len(result) > max_rows:
        raise ResultTooLargeError(max_rows)
    return result


class Backend(Protocol):
    """A store of quads that answers SPARQL."""

    def query(self, sparql: str, *, bindings: Mapping[str, Value] | None = None,
              default_graph_as_union: bool = True, default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None, max_rows: int | None = None) -> Result:
        """Run a query; ``bindings`` give variables values (name without ``?`` → term).

        ``default_graphs``/``named_graphs`` set the RDF dataset as the SPARQL 1.1 Protocol's
        ``default-graph-uri``/``named-graph-uri`` do (overriding FROM/FROM NAMED; when one is given,
        the other defaults to none). ``max_rows``: raise ResultTooLargeError rather than return more
        rows (or triples) than that.
        """
        ...

    def load(self, sources: Iterable[SourceLike], *, progress: Progress | None = None) -> int:
        """Add every source or none of them (all are parsed before any is stored); returns the number of quads
        read (``len`` before and after tells how many were new)."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""
        ...

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The whole dataset (or one named ``graph``); formats without named graphs get the union."""
        ...

    def replace_graph(self, graph: str | None, ntriples: bytes) -> None:
        """Replace one named graph (None: the default graph) by the given N-Triples."""
        ...

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...

    def __len__(self) -> int:
        """Number of quads."""
        ...

    def close(self) -> None:
        """Release the store (flushing an on-disk one)."""
        ...
