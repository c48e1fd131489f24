"""The rdflib backend: an ``rdflib.Dataset`` (new, in memory) or a graph the user already has.

Queries see the union of the named graphs as their default graph (``default_union``); parameters are bound
with ``initBindings``. Files are parsed by pyoxigraph (the same parser, errors and line numbers as the
embedded backend, and the same canonical literals: ``188.0`` is kept as ``188``) and added as rdflib
terms; RDF is written out through pyoxigraph's serialisers too.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
import pyparsing
import rdflib
from rdflib.plugins.sparql.processor import prepareQuery, prepareUpdate
from rdflib.plugins.sparql.sparql import Query as PreparedQuery
from rdflib.plugins.sparql.sparql import SPARQLError
from rdflib.query import Result as RdflibResult
from rdflib.query import ResultRow

from ..errors import (
    BackendError,
    KzgraphError,
    QueryParameterError,
    QuerySyntaxError,
    UsageError,
)
from ..namespaces import PREFIXES, XSD
from ..results import AskResult, GraphResult, Result, SelectResult
from ..sparqltext import position, tokens
from ..terms import IRI, BNode, Value, to_literal, to_python
from . import Backend, Progress, Source, SourceLike, limit_rows
from .oxrdf import format_named, parse_source, serialize_quads, write_quads
from .syntax import sparql_error

__all__ = ["UNKNOWN_PREFIX", "RdflibBackend", "engine_error", "from_rdflib", "to_rdflib"]

_DEFAULT = rdflib.graph.DATASET_DEFAULT_GRAPH_ID
_XSD_STRING = rdflib.URIRef(XSD["string"])


def from_rdflib(term: rdflib.term.Node) -> Value:
    """An rdflib term as a neutral term."""
    if isinstance(term, rdflib.URIRef):
        return IRI(term)
    if isinstance(term, rdflib.BNode):
        return BNode(term)
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return to_python(str(term), datatype, term.language)
    return str(term)


def to_rdflib(value: Value) -> rdflib.term.Identifier:
    """A neutral term as an rdflib term (``xsd:string`` literals are rdflib's plain literals)."""
    if isinstance(value, IRI):
        return rdflib.URIRef(value)
    if isinstance(value, BNode):
        return rdflib.BNode(value)
    lex, datatype, lang = to_literal(value)
    if lang:
        return rdflib.Literal(lex, lang=lang)
    if datatype == XSD["string"]:
        return rdflib.Literal(lex)
    return rdflib.Literal(lex, datatype=rdflib.URIRef(datatype), normalize=False)


def _from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> rdflib.term.Identifier:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Triple):
        raise BackendError(f"the rdflib backend cannot store RDF 1.2 triple terms: {term}")
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = rdflib.URIRef(term.datatype.value)
    if datatype == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=datatype, normalize=False)  # keep the lexical form, as the file has it


_PARSED = threading.local()  # per thread: rdflib writes into a parsed query while it evaluates it


def _prepared(sparql: str, base_iri: str | None) -> PreparedQuery:
    """The query parsed and translated once per thread (the last 32): rdflib's parser (pyparsing) takes most
    of a small query's time (0.7 s of the medals query's 0.9 s). Not shared between threads: evaluating one
    parsed query on two threads at a time mixes their answers."""
    parse = getattr(_PARSED, "parse", None)
    if parse is None:
        parse = _PARSED.parse = functools.lru_cache(maxsize=32)(_prepare)
    query: PreparedQuery = parse(sparql, base_iri)
    return query


def _prepare(sparql: str, base_iri: str | None) -> PreparedQuery:
    return prepareQuery(sparql, initNs=PREFIXES, base=base_iri)


def _solutions(raw: RdflibResult) -> Iterator[ResultRow]:
    """The rows of a SELECT result (rdflib's typing mixes them with the items of the other forms)."""
    for row in raw:
        if not isinstance(row, ResultRow):
            raise BackendError(f"rdflib returned a {type(row).__name__} as a row of a SELECT result")
        yield row


def _graphs_of(dataset: rdflib.ConjunctiveGraph) -> Iterator[rdflib.Graph]:
    """Every graph of a dataset, the default one included (a Dataset's contexts() is deprecated for graphs())."""
    return dataset.graphs() if isinstance(dataset, rdflib.Dataset) else dataset.contexts()


class RdflibBackend(Backend):
    """An rdflib store. ``graph=None``: a new in-memory ``Dataset``; otherwise a user's ``Graph``,
    ``Dataset`` or ``ConjunctiveGraph``, used as it is (a plain ``Graph`` has no named graphs)."""

    def __init__(self, graph: rdflib.Graph | None = None) -> None:
        if graph is not None and not isinstance(graph, rdflib.Graph):
            raise UsageError(f"expected an rdflib Graph or Dataset, got {type(graph).__name__}")
        self.owned = graph is None
        self.graph: rdflib.Graph = rdflib.Dataset(default_union=True) if graph is None else graph

    def __repr__(self) -> str:
        return f"<RdflibBackend {type(self.graph).__name__} {'in memory' if self.owned else 'wrapped'}>"

    @property
    def _dataset(self) -> rdflib.ConjunctiveGraph | None:
        """The graph when it has named graphs (a Dataset derives from ConjunctiveGraph), else None."""
        return self.graph if isinstance(self.graph, rdflib.ConjunctiveGraph) else None

    def query(self, sparql: str, *, bindings: Mapping[str, Value] | None = None,
              default_graph_as_union: bool = True, default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None, max_rows: int | None = None,
              base_iri: str | None = None) -> Result:
        """Run a query; ``bindings`` are passed as ``initBindings`` (terms, never text).

        rdflib cannot take the dataset from outside the query text: ``default_graphs``/``named_graphs``
        are refused with a UsageError (use FROM / FROM NAMED in the query).
        """
        if default_graphs is not None or named_graphs is not None:
            raise UsageError("the rdflib backend takes the dataset from the query's FROM / FROM NAMED only")
        return limit_rows(self._query(sparql, bindings, default_graph_as_union, base_iri), max_rows)

    def _query(self, sparql: str, bindings: Mapping[str, Value] | None, default_graph_as_union: bool,
               base_iri: str | None = None) -> Result:
        init: dict[str, rdflib.term.Identifier] = {}  # keys are Variables, which are strings
        for name, value in (bindings or {}).items():
            try:
                init[rdflib.Variable(name)] = to_rdflib(value)
            except (TypeError, ValueError) as exc:
                raise QueryParameterError(name, str(exc)) from exc
        dataset = self._dataset
        union_before = dataset.default_union if dataset is not None else False
        try:
            if dataset is not None:
                dataset.default_union = default_graph_as_union
            raw = self.graph.query(_prepared(sparql, base_iri), initBindings=init)
            if raw.type == "ASK":
                return AskResult(bool(raw.askAnswer))
            if raw.type == "SELECT":
                columns = [str(v) for v in raw.vars or []]
                return SelectResult(columns, [tuple(None if t is None else from_rdflib(t) for t in row)
                                              for row in _solutions(raw)])
            triples = [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in raw.graph or ()]
        except Exception as exc:  # rdflib raises a bare Exception for an undeclared prefix; the rest is re-raised
            error = engine_error(exc, sparql)
            if error is None:
                raise
            raise error from None if isinstance(exc, (pyparsing.ParseException, RecursionError)) else exc
        finally:
            if dataset is not None:
                dataset.default_union = union_before
        return GraphResult(triples, lambda f: serialize_quads(((*t, None) for t in triples), f.name))

    def load(self, sources: Iterable[SourceLike], *, progress: Progress | None = None) -> int:
        """Parse every source (pyoxigraph), then add all quads: all or nothing."""
        items = [Source.of(s) for s in sources]
        quads = []
        for done, source in enumerate(items, 1):
            quads.extend(parse_source(source, canonical=True))
            if progress is not None:
                progress(done, len(items), source.label)
        for quad in quads:
            name = getattr(quad.graph_name, "value", None)
            triple = (_from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object))
            self._target(name).add(triple)
        return len(quads)

    def _target(self, graph: str | None) -> rdflib.Graph:
        dataset = self._dataset
        if dataset is None:
            return self.graph
        if graph is None:
            # rdflib leaves these properties unannotated; a Dataset's default_context is deprecated
            default: rdflib.Graph = (dataset.default_graph if isinstance(dataset, rdflib.Dataset)
                                     else dataset.default_context)
            return default
        return dataset.get_context(rdflib.URIRef(graph))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update."""
        try:
            if base_iri is None:
                self.graph.update(sparql, initNs=PREFIXES)
            else:  # only a prepared update takes a base
                self.graph.update(prepareUpdate(sparql, initNs=PREFIXES, base=base_iri))
        except Exception as exc:  # as in query: only what a user's text causes is translated
            error = engine_error(exc, sparql, update=True)
            if error is None:
                raise
            raise error from None if isinstance(exc, (pyparsing.ParseException, RecursionError)) else exc

    def replace_graph(self, graph: str | None, ntriples: bytes) -> None:
        """Replace one named graph (None: the default graph) by the given N-Triples; ``b""`` removes a named graph."""
        target = self._target(graph)
        target.remove((None, None, None))
        if graph is not None and isinstance(self.graph, rdflib.Dataset):
            self.graph.remove_graph(target)  # its name too, else ``GRAPH ?g {}`` still lists it
        self.load([Source(data=ntriples, format="nt", graph=graph, name=graph or "default graph")])

    def _quads(self) -> Iterator[tuple[Value, Value, Value, str | None]]:
        dataset = self._dataset
        if dataset is None:
            for s, p, o in self.graph:
                yield from_rdflib(s), from_rdflib(p), from_rdflib(o), None
            return
        for context in _graphs_of(dataset):
            name = None if context.identifier == _DEFAULT else str(context.identifier)
            for s, p, o in context:
                yield from_rdflib(s), from_rdflib(p), from_rdflib(o), name

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The dataset (or one named ``graph``) in ``fmt``; triples formats get the union of all graphs."""
        quads = [q for q in self._quads() if graph is None or q[3] == graph]
        return serialize_quads(quads if graph is None else [(*q[:3], None) for q in quads], fmt)

    def dump_to(self, fmt: str, write: Callable[[bytes], None]) -> None:
        """``dump(fmt)`` given to ``write`` as pyoxigraph serialises it, each quad converted as it is read: the
        store is rdflib's, in memory, but the dump is never a second copy of it. A format without named graphs
        gets each triple of the union once, as the store lists them (the union: its triples in any graph)."""
        if format_named(fmt).supports_datasets:
            write_quads(self._quads(), fmt, write)
            return
        dataset = self._dataset
        union = self.graph.triples((None, None, None)) if dataset is None else \
            (triple for triple, _ in dataset.store.triples((None, None, None), None))
        write_quads(((from_rdflib(s), from_rdflib(p), from_rdflib(o), None) for s, p, o in union), fmt, write)

    def graphs(self) -> list[str]:
        """IRIs of the non-empty named graphs, sorted."""
        dataset = self._dataset
        if dataset is None:
            return []
        return sorted(str(c.identifier) for c in _graphs_of(dataset)
                      if c.identifier != _DEFAULT and isinstance(c.identifier, rdflib.URIRef) and len(c))

    def __len__(self) -> int:
        return sum(1 for _ in self._quads())

    def close(self) -> None:
        """Nothing to release: the graph stays the caller's (or is garbage-collected)."""


UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")


def engine_error(exc: Exception, sparql: str, *, update: bool = False) -> KzgraphError | None:
    """What rdflib raised for ``sparql`` (a query, or an update), as kzgraph's error; None for anything a
    user's text does not cause (a bug, raised as is). The one place that reads rdflib's messages (their
    patterns are pinned to rdflib's version in tests/test_engine_messages.py)."""
    if isinstance(exc, RecursionError):  # rdflib's parser recurses once per level, with Python's stack
        return QuerySyntaxError("query nested too deeply for the rdflib engine (Python's recursion limit)")
    if isinstance(exc, pyparsing.ParseException):  # read again as pyoxigraph's are: the offending token
        return sparql_error(sparql, f"error at {exc.lineno}:{exc.col}: {exc.msg}", update=update)
    match = UNKNOWN_PREFIX.fullmatch(str(exc)) if type(exc) is Exception else None
    if match:
        offset = next((t.start for t in tokens(sparql) if t.kind == "word" and t.text.startswith(match[1] + ":")), 0)
        line, column = position(sparql, offset)
        return QuerySyntaxError(f"undeclared prefix '{match[1]}:'", line=line, column=column)
    if isinstance(exc, (SPARQLError, ValueError, NotImplementedError)):
        return BackendError(f"rdflib {'update' if update else 'query'} failed: {type(exc).__name__}: {exc}")
    return None
