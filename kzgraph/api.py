"""``kzgraph.open()`` and ``KnowledgeGraph``: the library's front door.

>>> with open() as kg:
...     facts = kg.query("athlete", athlete="Fedossova").to_dicts()
>>> sorted({f["sentence"] for f in facts if f["sentence"]})  # that she is a judoka: derived from 11 and 12
[12]
>>> with open() as kg:
...     [(hit.label, hit.type) for hit in kg.search("Shamey", limit=1)]
[('Yergali Shamei', 'athlete')]
"""

from __future__ import annotations

import datetime
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from . import buildcache
from .backends import Backend, Progress, Source, SourceLike
from .backends.options import AUTH_SCHEMES, DEFAULT_AUTH, DEFAULT_GRAPH, DEFAULT_GRAPHS, DEFAULT_METHOD, METHODS
from .backends.oxigraph import OxigraphBackend
from .backends.select import BACKENDS, is_url, kind_of, open_backend
from .binding import bind, execute
from .deadline import DEFAULT_TIMEOUT, within
from .errors import QueryParameterError, UnknownQueryError, UsageError
from .push import PushReport, push
from .queries import Catalogue, NamedQuery, load_catalogue
from .resources import Resources, find
from .results import AskResult, GraphResult, Result, SelectResult
from .sparqltext import check_nesting
from .terms import IRI, Value

if TYPE_CHECKING:
    from pathlib import Path

    from .search import Hit, SearchIndex
    from .stats import Stats
    from .validate import ValidationReport

__all__ = ["AUTH_SCHEMES", "BACKENDS", "DEFAULT_AUTH", "DEFAULT_GRAPH", "DEFAULT_GRAPHS", "DEFAULT_METHOD",
           "DEFAULT_TIMEOUT", "EXPORT_FORMAT", "METHODS", "KnowledgeGraph", "Progress", "open"]

# What ``open()`` takes, for callers that offer the choices (the command line reads them here, never in
# kzgraph.backends): ``backend=`` one of BACKENDS; the remote backend's ``auth=`` one of AUTH_SCHEMES,
# ``method=`` one of METHODS, ``default_graph=`` one of DEFAULT_GRAPHS (defaults DEFAULT_AUTH, DEFAULT_METHOD,
# DEFAULT_GRAPH);
# ``timeout=`` DEFAULT_TIMEOUT seconds when not given; ``progress=`` a Progress, ``progress(done, total, label)``.

#: The format ``KnowledgeGraph.export`` writes when not told.
EXPORT_FORMAT = "trig"

# regular expressions are compiled on first use (re caches them): compiling all at import costs start-up time
#: A query name: one word of letters, digits, '-', '_' and '.' (what a file stem in queries/ can be). Any other
#: text, and a word that is a SPARQL keyword, is SPARQL.
_NAME = r"[\w.-]+"
#: The first keyword after the prologue (comments, PREFIX and BASE declarations).
_FIRST_KEYWORD = r"(?is)(?:\s|#[^\n]*\n|PREFIX\s*[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*([a-z]+)"
_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE"}
_UPDATE_FORMS = {"INSERT", "DELETE", "DROP", "CLEAR", "LOAD", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


class KnowledgeGraph:
    """The kzgraph dataset in a store; built on first use. Use ``kzgraph.open()`` to get one."""

    def __init__(self, store: Any = None, *, backend: str | None = None, graph: Any = None,
                 root: str | os.PathLike[str] | None = None, progress: Progress | None = None,
                 timeout: float | None = None, update_url: str | None = None, store_url: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str | None = None,
                 token: str | None = None, method: str | None = None, default_graph: str | None = None,
                 retries: int | None = None, headers: Mapping[str, str] | None = None,
                 params: Mapping[str, Sequence[str]] | None = None, graphs: Sequence[str] | None = None) -> None:
        self.store = store
        self.path = _path(store) if isinstance(store, (str, os.PathLike)) and not is_url(store) else None
        self._kind = kind_of(store, backend=backend, graph=graph)
        self._graph = graph
        # a remote store's requests have their own timeout; an embedded engine's SERVICE calls get this one
        local_timeout = timeout if self._kind != "remote" else None
        self.timeout: float = DEFAULT_TIMEOUT if local_timeout is None else float(local_timeout)
        # the remote backend's options (RemoteBackend's keyword arguments); those left None are not given
        self._options: dict[str, Any] = {
            "update_url": update_url, "store_url": store_url, "user": user, "password": password, "auth": auth,
            "token": token, "timeout": None if self._kind != "remote" else timeout, "method": method,
            "default_graph": default_graph, "retries": retries, "headers": headers, "params": params,
            "graphs": graphs}
        self._root = root
        self._progress = progress
        self._resources: Resources | None = None
        self._catalogue: Catalogue | None = None
        self._backend: Backend | None = None
        self._search_index: SearchIndex | None = None
        self._index_lock = threading.RLock()  # the index is built once, even when threads ask at once

    def __repr__(self) -> str:
        where = self.path or (self.store if is_url(self.store) else None) or "in memory"
        return f"<KnowledgeGraph {self._kind} {where}>"

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __len__(self) -> int:
        """The number of quads in the store (an embedded store gets the dataset first)."""
        return len(self.backend)

    def __bool__(self) -> bool:
        """Always true, as an object: ``if kg:`` neither counts the quads nor builds the dataset."""
        return True

    @property
    def resources(self) -> Resources:
        """Where the ontology, data and queries are read from."""
        if self._resources is None:
            self._resources = find(self._root)
        return self._resources

    @property
    def catalogue(self) -> Catalogue:
        """The named queries."""
        if self._catalogue is None:
            self._catalogue = load_catalogue(self.resources.queries_location)
        return self._catalogue

    @property
    def backend(self) -> Backend:
        """The store; an embedded one gets the dataset (ontology + data + rules) on first use."""
        return self._open(build=True)

    def _open(self, *, build: bool) -> Backend:
        """The store, opened on first use; with ``build``, an embedded one gets the dataset then."""
        if self._backend is None:
            opened = open_backend(self.store, backend=None if self._kind == "given" else self._kind,
                                  graph=self._graph, options=self._options)
            backend = opened.backend
            backend.functions = self._functions
            mode = opened.build if build else "never"
            if mode == "always":
                buildcache.build(backend, self.resources, progress=self._progress)
            elif mode == "if-empty" and backend.is_empty():
                # build in memory, then copy in one transaction: a failed build leaves the store empty
                scratch = OxigraphBackend()
                buildcache.build(scratch, self.resources, progress=self._progress)
                backend.load([Source(data=scratch.dump("nq"), format="nq", name="built dataset")])
            self._backend = backend
        return self._backend

    def queries(self) -> list[NamedQuery]:
        """The named queries (checks included), by name."""
        return list(self.catalogue.values())

    def query(self, query: str | NamedQuery, /, **params: object) -> Result:
        """Run a named query (by name or NamedQuery) with its parameters, or SPARQL text.

        For SPARQL text, ``params`` bind variables of the same name to typed values (``IRI(...)``, ``str``, ``int``,
        ``Decimal``, ``date``…). A single word (letters, digits, ``-``, ``_``, ``.``) that is not a SPARQL keyword
        is a query name: an unknown one is an UnknownQueryError suggesting the closest names. Anything else is
        SPARQL: a QuerySyntaxError with its line and column when it does not parse, a UsageError when it is an
        update (run those with ``update``).
        """
        if not isinstance(query, (str, NamedQuery)):
            raise UsageError(f"query() takes a query name or SPARQL text, not {type(query).__name__}")
        if isinstance(query, NamedQuery) or query in self.catalogue:
            return self.page(query, limit=None, offset=0, **params)
        if not query.strip():
            raise UsageError("the query is empty: give a query name (see queries()) or SPARQL text")
        if re.fullmatch(_NAME, query) and _first_keyword(query) not in _QUERY_FORMS | _UPDATE_FORMS:
            raise UnknownQueryError(query, self.catalogue)
        _refuse_update(query)
        check_nesting(query)
        bindings = _bindings(params)
        return self._within(query, lambda: self.backend.query(query, bindings=bindings))

    def page(self, query: str | NamedQuery, /, *, limit: int | None, offset: int = 0, **params: object) -> Result:
        """``query(...)``, rows ``offset`` to ``offset + limit`` (in the ORDER BY) only: the engine slices them."""
        named = query if isinstance(query, NamedQuery) else self.catalogue.lookup(query)
        _refuse_update(named.sparql, f"{named.file or named.name}: ")
        values = bind(named, params)
        return self._within(named.sparql, lambda: execute(self.backend, named, values, finder=self, limit=limit,
                                                          offset=offset), values)

    def select(self, query: str | NamedQuery, /, **params: object) -> SelectResult:
        """``query(...)`` for a SELECT query: its solutions; a UsageError for a query of another form."""
        return _of_form(self.query(query, **params), SelectResult, "select", query)

    def ask(self, query: str | NamedQuery, /, **params: object) -> bool:
        """``query(...)`` for an ASK query: its answer; a UsageError for a query of another form."""
        return _of_form(self.query(query, **params), AskResult, "ask", query).value

    def construct(self, query: str | NamedQuery, /, **params: object) -> GraphResult:
        """``query(...)`` for a CONSTRUCT or DESCRIBE query: its triples; a UsageError for a query of another form."""
        return _of_form(self.query(query, **params), GraphResult, "construct", query)

    def _within(self, sparql: str, call: Callable[[], Result], values: Mapping[str, Value] | None = None) -> Result:
        """``call()`` (``values`` bound); one that calls other endpoints from an embedded engine, for ``timeout`` s."""
        self.backend.refuse_functions(sparql)  # a QueryError where the engine cannot run kzgraph's kzf: functions
        bound = [v for v in (values or {}).values() if isinstance(v, IRI)]
        return call() if self._kind == "remote" else within(sparql, call, seconds=self.timeout, bound=bound)

    def sparql(self, text: str, /, *, default_graphs: Sequence[str] | None = None,
               named_graphs: Sequence[str] | None = None, max_rows: int | None = None,
               base_iri: str | None = None) -> Result:
        """Run SPARQL text (never a query name) with the SPARQL 1.1 Protocol's options.

        ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri``/``named-graph-uri``;
        without them the default graph is the union of all graphs. ``max_rows`` bounds the result
        (ResultTooLargeError beyond it). ``base_iri``: what relative IRIs resolve against (an endpoint's own
        IRI, as Oxigraph server does); a ``BASE`` in the text wins.
        """
        check_nesting(text)
        return self._within(text, lambda: self.backend.query(text, default_graphs=default_graphs,
                                                              named_graphs=named_graphs, max_rows=max_rows,
                                                              base_iri=base_iri))

    def update(self, text: str, /, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update; ``base_iri`` as for ``sparql``."""
        check_nesting(text)
        self.backend.update(text, base_iri=base_iri)
        self._written()

    def resolve(self, name: str, /) -> list[str]:
        """The IRIs of the resources called ``name``, in any spelling (``resource`` parameters given by name)."""
        with self._index_lock:  # not while a write replaces the index
            return self.search_index.resolve(name)

    def search(self, text: str, /, *, limit: int = 20) -> list[Hit]:
        """Resources whose label, alternative or hidden label matches ``text``, best first; case, accents and
        transliteration variants do not matter: *Shamey* finds Yergali Shamei."""
        if not isinstance(text, str):
            raise UsageError(f"search() takes the text to look for, not {type(text).__name__}")
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise UsageError(f"search() takes a whole number as limit, not {type(limit).__name__}")
        with self._index_lock:  # not while a write replaces the index
            return self.search_index.search(text, limit=limit)

    def _functions(self) -> Mapping[str, Callable[..., Value | None]]:  # kzgraph.search.functions, per query
        from .search.functions import functions  # SQLite and the index: only for a query that calls them
        return functions(lambda: self.search_index)

    @property
    def search_index(self) -> SearchIndex:
        """The names of every resource, indexed: on disk, a file beside the store's current generation,
        opened when it is there and built otherwise; else built in memory on first use. Kept up to date by
        load(), update() and push()."""
        with self._index_lock:
            if self._search_index is None:
                from .search.store import index_of  # SQLite and the index: off the start-up path of other queries

                self._search_index = index_of(self.backend, self.catalogue)
            return self._search_index

    def _written(self, *, loaded: bool = False) -> None:
        """After a write: the old index goes; on disk, the new generation's is built now, beside it; after a
        load into an embedded store in memory too (a load is the long step; the first search stays quick)."""
        with self._index_lock:
            if self._search_index is not None:
                self._search_index.close()
                self._search_index = None
            from .search.store import index_path

            if index_path(self.backend) is not None or (loaded and self._kind != "remote"):
                self._search_index = self.search_index

    def load(self, *paths: SourceLike, graph: str | None = None) -> int:
        """Add RDF files to the store, all or none; returns the number of quads read from them (those the store
        already held included: ``len(kg)`` before and after tells how many were new). ``graph``: the named
        graph for triples that have none (default: the default graph)."""
        if not paths:
            raise UsageError("load() needs at least one file")
        sources = [Source.of(path)._replace(graph=graph) if graph is not None else path for path in paths]
        added = self.backend.load(sources, progress=self._progress)
        self._written(loaded=True)
        return added

    def replace_graph(self, graph: str | None, ntriples: bytes, /) -> None:
        """Replace one named graph (None: the store's own default graph) by these N-Triples (``b""`` empties it)."""
        self.backend.replace_graph(graph, ntriples)
        self._written()

    def push(self, *graphs: str) -> PushReport:
        """Build the dataset and replace each of its graphs (or just ``graphs``) in this store: what
        ``kzgraph load --into`` does. Running it twice leaves the same store. An embedded store is not built
        first: the push puts the dataset in."""
        report = push(self._open(build=False), self.resources, graphs=list(graphs) or None, progress=self._progress)
        self._written()
        return report

    def export(self, fmt: str = EXPORT_FORMAT) -> bytes:
        """The whole dataset; triples formats (ttl, nt, rdfxml) get the union of the graphs."""
        return self.backend.dump(fmt)

    def stats(self) -> Stats:
        """Triples per graph and kind of graph; instances per class."""
        from . import stats  # imported where used, like validate: off the query path

        return stats.compute(self.backend)

    def validate(self, *, shacl: bool = True, checks: bool = True) -> ValidationReport:
        """SHACL shapes (``ontology/shapes.ttl``) and the ``*-violation`` check queries."""
        from . import validate

        shapes = self.resources.shapes if shacl and self.resources.shapes.exists() else None
        return validate.validate(self.backend, shapes, self.catalogue.checks if checks else ())

    def close(self) -> None:
        """Release the store (and its search index)."""
        if self._search_index is not None:
            self._search_index.close()
            self._search_index = None
        if self._backend is not None:
            self._backend.close()
            self._backend = None


_R = TypeVar("_R", SelectResult, AskResult, GraphResult)
#: The method that runs each kind of result's queries, and the forms those are.
_FORMS = {SelectResult: ("select", "a SELECT"), AskResult: ("ask", "an ASK"),
          GraphResult: ("construct", "a CONSTRUCT or DESCRIBE")}


def _of_form(result: Result, kind: type[_R], method: str, query: str | NamedQuery) -> _R:
    """``result`` when it is a ``kind``; a UsageError naming the method that runs the query otherwise."""
    if isinstance(result, kind):
        return result
    name = query.name if isinstance(query, NamedQuery) else query if re.fullmatch(_NAME, query) else None
    other, form = _FORMS[type(result)]
    subject = f"query {name!r}" if name else "this query"
    raise UsageError(f"{subject} is {form} query, and {method}() runs {_FORMS[kind][1]} query: run it with "
                     f"{other}() (or query())")


def _first_keyword(sparql: str) -> str:
    """The first keyword after the prologue, upper-cased ('' when there is none)."""
    first = re.match(_FIRST_KEYWORD, sparql)
    return first[1].upper() if first else ""


def _bindings(params: Mapping[str, object]) -> dict[str, Value]:
    """The parameters given a value (None: left unbound); a value that is no term nor literal value is a
    QueryParameterError, with the message the backends give for it."""
    bindings: dict[str, Value] = {}
    for name, value in params.items():
        if value is None:
            continue
        if not isinstance(value, (str, bool, int, Decimal, float, datetime.date)):  # every kind of Value
            raise QueryParameterError(name, f"no RDF literal for {type(value).__name__} value {value!r}")
        bindings[name] = value
    return bindings


def _refuse_update(sparql: str, where: str = "") -> None:
    """UsageError when ``sparql`` is an update, saying how updates are run."""
    keyword = _first_keyword(sparql)
    if keyword in _UPDATE_FORMS:
        raise UsageError(f"{where}this is a SPARQL update ({keyword}), not a query: run it with update() "
                         "(kg.update(text)), or send it to kzgraph serve --allow-update as update= on /sparql")


def _path(path: str | os.PathLike[str]) -> Path:
    from pathlib import Path  # on-disk stores only: pathlib stays off the start-up path of in-memory use

    return Path(path)


def open(store: Any = None, *, backend: str | None = None, graph: Any = None,
         root: str | os.PathLike[str] | None = None, progress: Progress | None = None,
         timeout: float | None = None, update_url: str | None = None, store_url: str | None = None,
         user: str | None = None, password: str | None = None, auth: str | None = None,
         token: str | None = None, method: str | None = None, default_graph: str | None = None,
         retries: int | None = None, headers: Mapping[str, str] | None = None,
         params: Mapping[str, Sequence[str]] | None = None, graphs: Sequence[str] | None = None) -> KnowledgeGraph:
    """The dataset in a store, chosen by ``store`` (and ``backend`` where that is ambiguous):

    - nothing: embedded pyoxigraph in memory, built from ontology + data + rules (``backend="rdflib"``:
      an rdflib Dataset instead);
    - a path: an on-disk pyoxigraph store (built once, reopened fast afterwards);
    - ``graph=`` an rdflib Graph or Dataset the caller already has (used as it is);
    - an ``http(s)://`` URL of a SPARQL endpoint, or a ``SPARQLWrapper``: the remote backend; fill it with
      ``kzgraph.push``;
    - a backend object.

    ``root`` is a directory with ontology/, data/ and queries/ (default: those shipped with kzgraph).
    ``timeout``: seconds a remote store's requests may take, or an embedded engine's federated (SERVICE)
    calls. The other options are the remote backend's (``kzgraph.backends.remote.RemoteBackend``), a
    UsageError for another store: ``update_url`` and ``store_url`` (SPARQL Update and Graph Store endpoints,
    when they are not the query URL), ``user`` and ``password`` or ``token`` with ``auth`` (``basic``,
    ``digest`` or ``bearer``), ``method`` (how queries are sent: ``auto``, ``get``, ``post-form``,
    ``post-direct``), ``default_graph`` (what the endpoint's default graph is), ``retries``, extra
    ``headers`` and ``params`` for every request, and ``graphs`` (the named graphs that make the dataset).
    """
    return KnowledgeGraph(store, backend=backend, graph=graph, root=root, progress=progress, timeout=timeout,
                          update_url=update_url, store_url=store_url, user=user, password=password, auth=auth,
                          token=token, method=method, default_graph=default_graph, retries=retries,
                          headers=headers, params=params, graphs=graphs)
