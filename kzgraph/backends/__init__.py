"""What a backend must do, and what it loads.

A backend wraps one RDF engine and is the only code that imports it; it maps the engine's errors to
kzgraph's (``DataSyntaxError``, ``QuerySyntaxError``, ``BackendError``) and its terms to ``kzgraph.terms``.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from ..errors import ResultTooLargeError, UsageError
from ..namespaces import KZF
from ..results import AskResult, Result, SelectResult
from ..results.stream import Stream, streamed
from ..terms import Value

__all__ = ["Backend", "Functions", "Progress", "Source", "SourceLike", "limit_rows"]

#: ``progress(done, total, label)``: called after each source is parsed.
Progress = Callable[[int, int, str], None]
#: SPARQL extension functions for one query, made afresh for each (so each may remember what it looked up
#: for that query alone): IRI → function of terms, which returns a term, or None for unbound (a SPARQL error),
#: and raises a QueryError for a mistake the query's author should hear about (see ``kzgraph.search.functions``).
Functions = Callable[[], Mapping[str, Callable[..., Value | None]]]


class Source(NamedTuple):
    """RDF to load: a file (``path``) or bytes (``data``) in a format named in ``kzgraph.formats``.

    ``graph``: named graph for triples that have none (all of a Turtle file, the default graph of a TriG
    file); ``None`` leaves them in the default graph. ``format`` defaults to the path's extension.
    """

    path: str | os.PathLike[str] | None = None
    data: bytes | None = None
    format: str | None = None
    graph: str | None = None
    name: str | None = None

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


class Backend(ABC):
    """A store of quads that answers SPARQL: what every engine must do (the abstract methods), and the
    optional operations with a default built on those, which an engine overrides when it can do better.
    Callers use any method of a backend without asking whether it has it."""

    @abstractmethod
    def query(self, sparql: str, *, bindings: Mapping[str, Value] | None = None,
              default_graph_as_union: bool = True, default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None, max_rows: int | None = None,
              base_iri: str | None = None) -> Result:
        """Run a query; ``bindings`` give variables values (name without ``?`` → term).

        ``default_graphs``/``named_graphs`` set the RDF dataset as the SPARQL 1.1 Protocol's
        ``default-graph-uri``/``named-graph-uri`` do (overriding FROM/FROM NAMED; when one is given,
        the other defaults to none). ``max_rows``: raise ResultTooLargeError rather than return more
        rows (or triples) than that. ``base_iri``: what relative IRIs of the text resolve against (a
        ``BASE`` in the text wins); without it a relative IRI is an error. An invalid one is a UsageError.
        """

    @abstractmethod
    def load(self, sources: Iterable[SourceLike], *, progress: Progress | None = None) -> int:
        """Add every source or none of them (all are parsed before any is stored); returns the number of quads
        read (``len`` before and after tells how many were new)."""

    @abstractmethod
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update; ``base_iri`` as for ``query``."""

    @abstractmethod
    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The whole dataset (or one named ``graph``); formats without named graphs get the union."""

    @abstractmethod
    def replace_graph(self, graph: str | None, ntriples: bytes) -> None:
        """Replace one named graph (None: the default graph) by the given N-Triples; ``b""`` removes a named
        graph, its name included (a named graph exists while it holds a triple)."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of quads."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (flushing an on-disk one)."""

    #: Whether the engine runs ``functions`` (else a query that calls them is refused before it is sent).
    runs_functions: bool = False
    #: The extension functions queries may call, when the engine runs them; set by ``KnowledgeGraph``.
    functions: Functions | None = None

    # --- optional operations: defaults built on the methods above -----------------------------------

    def refuse_functions(self, sparql: str) -> None:
        """A QueryError when ``sparql`` calls kzgraph's functions (``kzf:``) and this engine does not run them:
        rdflib would take them for an error and drop every row, silently (see ``functions``)."""
        if not self.runs_functions and KZF in sparql:
            from .functions import refuse  # the lexer: only for a text that names the namespace

            refuse(sparql, type(self).__name__)

    @property
    def generation(self) -> str | None:
        """The directory of the on-disk generation being read (files named ``<generation>.*`` go with it);
        None for a store without generations (the default)."""
        return None

    def is_empty(self) -> bool:
        """True when the store holds no quad (by default ``len(self) == 0``; cheaper where an engine can)."""
        return len(self) == 0

    def replace_graphs(self, graphs: Mapping[str | None, bytes], *, progress: Progress | None = None) -> None:
        """Replace several graphs (N-Triples each); ``progress(triples done, triples in all, graph)`` after
        each graph (by default one ``replace_graph`` per graph; batched where an engine can)."""
        total = sum(ntriples.count(b"\n") for ntriples in graphs.values())
        done = 0
        for graph, ntriples in graphs.items():
            self.replace_graph(graph, ntriples)
            done += ntriples.count(b"\n")
            if progress is not None:
                progress(done, total, graph or "default graph")

    def dump_to(self, fmt: str, write: Callable[[bytes], None]) -> None:
        """``dump(fmt)`` given to ``write`` piece by piece, on the calling thread (by default in one piece; an
        engine that can writes as it reads, in constant memory)."""
        write(self.dump(fmt))

    def restore(self, path: str) -> None:
        """Load an N-Quads snapshot that ``dump("nq")`` wrote (kzgraph's own cache, never data from
        elsewhere): by default as ``load`` does; an engine may skip checking every term again."""
        self.load([Source(path=path, format="nq", name="cached dataset")])

    def select_strings(self, sparql: str) -> Iterator[list[str]]:
        """The rows of a SELECT (over the union of the graphs) as plain strings, '' for unbound (by default
        from ``query``; an engine may write them faster itself)."""
        result = self.query(sparql)
        if not isinstance(result, SelectResult):
            raise UsageError("select_strings needs a SELECT query")
        return iter([["" if value is None else str(value) for value in row] for row in result])

    def query_stream(self, sparql: str, *, bindings: Mapping[str, Value] | None = None,
                     default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
                     base_iri: str | None = None) -> Stream:
        """``query(...)`` as rows (or triples) to read once, on the calling thread, which must also drop the
        iterator (an engine's are unsendable): by default the whole result, read first; an engine that can
        hands over its own iterator, so that a large answer is never held whole. No ``max_rows`` here: the
        reader stops where it wants to."""
        return streamed(self.query(sparql, bindings=bindings, default_graphs=default_graphs,
                                   named_graphs=named_graphs, base_iri=base_iri))
