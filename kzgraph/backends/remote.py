"""The remote backend: any SPARQL 1.1 endpoint over HTTP (Oxigraph server, Virtuoso, Fuseki, …).

Queries go as GET (form POST when the URL would be long; both configurable) with ``Accept:
application/sparql-results+json``; results become the same Python values as the embedded engines.
Parameters are bound by a ``VALUES`` block inserted into the query's WHERE group (``sparqltext``).

kzgraph queries the union of the named graphs as the default graph. ``default_graph`` says how a server is
asked for it: ``union-parameter`` (Oxigraph server's ``union-default-graph``), ``server`` (the server's
default graph already is the union: Virtuoso), or ``protocol`` (SPARQL 1.1 Protocol §2.1.4: every graph in
kzgraph's namespace, or the given ``graphs``, sent as ``default-graph-uri`` *and* ``named-graph-uri``:
exact on any server, but long requests, and Virtuoso's cost estimator rejects bigger queries over 77
graphs). ``auto`` (the default) picks by the ``Server`` header of a first ``ASK {}``: Oxigraph →
``union-parameter``, Virtuoso → ``server``, anything else → ``protocol``. docs/engines.md has the reasons.

Writes use the Graph Store Protocol when ``store_url`` is given (each graph as N-Triples in ``text/turtle``:
Virtuoso's GSP rejects N-Quads), else SPARQL Update on ``update_url`` (default: the query URL), in batches.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from .. import formats
from ..deadline import DEFAULT_TIMEOUT
from ..errors import EndpointError, UsageError
from ..namespaces import BASE, PREFIXES
from ..resources import find
from ..results import GraphResult, Result, SelectResult
from ..results.documents import parse
from ..sparqltext import insert_values, names_dataset, query_form, shape, with_prefixes
from ..terms import IRI, Value, to_ntriples
from . import Backend, Progress, Source, SourceLike, limit_rows
from .client import Http, endpoint_name
from .options import DEFAULT_AUTH, DEFAULT_GRAPH, DEFAULT_GRAPHS, DEFAULT_METHOD, DEFAULT_RETRIES, METHODS
from .oxrdf import format_named, parse_source, serialize_quads, triple_term
from .remotedump import write_solutions

__all__ = ["RemoteBackend"]

MAX_GET_URL = 2000
BATCH_TRIPLES = 1000
_JSON = "application/sparql-results+json"
_RESULTS_ACCEPT = f"{_JSON}, application/sparql-results+xml;q=0.8"
_RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


@functools.cache
def _sparql(name: str) -> str:
    """The text of kzgraph's own query ``queries/internal/<name>.rq`` (whole-store questions to a server)."""
    with open(find().internal_query_location(name), encoding="utf-8") as file:
        return file.read()


class RemoteBackend(Backend):
    """A SPARQL 1.1 endpoint: ``query_url``, optional ``update_url`` and Graph Store ``store_url``.

    ``user``/``password`` with ``auth="basic"`` or ``"digest"``, or a bearer ``token``; ``timeout`` in
    seconds; ``retries`` on 429/503; ``method`` one of ``auto`` (GET, form POST for long URLs), ``get``,
    ``post-form``, ``post-direct`` (``application/sparql-query``: Virtuoso 7.2 hangs on it).
    """

    def __init__(self, query_url: str, *, update_url: str | None = None, store_url: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str = DEFAULT_AUTH,
                 token: str | None = None, timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
                 method: str = DEFAULT_METHOD,
                 headers: Mapping[str, str] | None = None, params: Mapping[str, Sequence[str]] | None = None,
                 graphs: Sequence[str] | None = None, default_graph: str = DEFAULT_GRAPH) -> None:
        if method not in METHODS:
            raise UsageError(f"unknown request method {method!r}; one of {', '.join(METHODS)}")
        if default_graph not in DEFAULT_GRAPHS:
            raise UsageError(f"unknown default_graph {default_graph!r}; one of {', '.join(DEFAULT_GRAPHS)}")
        for url in (query_url, update_url, store_url):
            if url is not None and not url.startswith(("http://", "https://")):
                raise UsageError(f"not an http(s) URL: {url!r}")
        self.query_url, self.update_url, self.store_url = query_url, update_url or query_url, store_url
        self.method = method
        self.default_graph = "protocol" if graphs is not None else default_graph
        self._params = [(k, v) for k, values in (params or {}).items() for v in values]
        self._graphs = sorted(graphs) if graphs is not None else None
        self._discovered: list[str] | None = None
        self._http = Http(user=user, password=password, auth=auth, token=token, timeout=timeout,
                          retries=retries, headers=headers)

    @classmethod
    def from_sparqlwrapper(cls, sw: Any, **overrides: Any) -> RemoteBackend:
        """A backend configured like a ``SPARQLWrapper`` object: endpoints, credentials, method, timeout,
        custom headers and extra parameters (its ``default-graph-uri``s then define the dataset)."""
        method = "get"
        if str(sw.method).upper() == "POST":
            method = "post-direct" if sw.requestMethod == "postdirectly" else "post-form"
        params = {k: list(v) for k, v in sw.parameters.items() if k not in ("query", "update", "format",
                                                                             "output", "results")}
        options: dict[str, Any] = {
            "update_url": sw.updateEndpoint if sw.updateEndpoint != sw.endpoint else None,
            "user": sw.user, "password": sw.passwd, "auth": str(sw.http_auth).lower(), "method": method,
            "headers": dict(sw.customHttpHeaders), "params": params,
            "default_graph": "server" if {"default-graph-uri", "named-graph-uri"} & set(params) else "auto"}
        if sw.timeout:
            options["timeout"] = float(sw.timeout)
        return cls(sw.endpoint, **{**options, **overrides})

    def __repr__(self) -> str:
        return f"<RemoteBackend {endpoint_name(self.query_url)}>"

    def __enter__(self) -> RemoteBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- queries ------------------------------------------------------------------------------------

    def _mode(self) -> str:
        if self.default_graph == "auto":
            response = self._http.request("GET", self.query_url, params=[("query", "ASK {}")],
                                          headers={"Accept": _RESULTS_ACCEPT})
            server = response.headers.get("server", "").lower()
            self.default_graph = ("union-parameter" if server.startswith("oxigraph") else
                                  "server" if server.startswith("virtuoso") else "protocol")
        return self.default_graph

    def _dataset_graphs(self) -> list[str]:
        if self._graphs is not None:
            return self._graphs
        if self._discovered is None:
            found = self._send_query(_sparql("all-graphs"), [])
            assert isinstance(found, SelectResult)
            self._discovered = sorted(str(g) for g, in found if isinstance(g, IRI) and g.startswith(BASE))
        return self._discovered

    def _dataset_params(self, sparql: str, union: bool) -> list[tuple[str, str]]:
        if names_dataset(sparql) or not union:
            return []
        mode = self._mode()
        if mode == "union-parameter":
            return [("union-default-graph", "")]
        if mode == "server":
            return []
        graphs = self._dataset_graphs()
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def query(self, sparql: str, *, bindings: Mapping[str, Value] | None = None,
              default_graph_as_union: bool = True, default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None, max_rows: int | None = None,
              base_iri: str | None = None) -> Result:
        """Run a query; ``bindings`` become a VALUES block, never text pasted into the query.

        ``default_graphs``/``named_graphs`` are sent as the protocol's ``default-graph-uri``/``named-graph-uri``;
        ``base_iri`` goes first as a ``BASE`` (one in the text comes later, and wins).
        """
        found = shape(sparql)  # cached per text: the VALUES block does not change it
        text = _with_base(with_prefixes(insert_values(sparql, bindings or {}), PREFIXES, used=found.prefixes),
                          base_iri)
        if default_graphs is None and named_graphs is None:
            dataset = self._dataset_params(sparql, default_graph_as_union)
        else:
            dataset = [("default-graph-uri", g) for g in default_graphs or ()] + \
                [("named-graph-uri", g) for g in named_graphs or ()]
        return limit_rows(self._send_query(text, dataset, form=found.form), max_rows)

    def _send_query(self, text: str, dataset: list[tuple[str, str]], *, form: str | None = None) -> Result:
        graph = (query_form(text) if form is None else form) in ("CONSTRUCT", "DESCRIBE")
        method, url, options = self._query_request(text, dataset, _RDF_ACCEPT if graph else _RESULTS_ACCEPT)
        return self._result(self._http.request(method, url, **options), graph)

    def _query_request(self, text: str, dataset: list[tuple[str, str]],
                       accept: str) -> tuple[str, str, dict[str, Any]]:
        """The method, URL and options of the request that sends a query (as ``method`` says)."""
        headers = {"Accept": accept}
        params = dataset + self._params
        method = self.method
        if method in ("get", "post-form", "auto"):
            encoded = urlencode([("query", text), *params], quote_via=quote)
            if method == "get" or (method == "auto" and len(self.query_url) + len(encoded) < MAX_GET_URL):
                separator = "&" if "?" in self.query_url else "?"
                return "GET", f"{self.query_url}{separator}{encoded}", {"headers": headers}
            return "POST", self.query_url, {"content": encoded.encode(), "headers": {
                **headers, "Content-Type": "application/x-www-form-urlencoded"}}
        return "POST", self.query_url, {"params": params, "content": text.encode(),
                                        "headers": {**headers, "Content-Type": "application/sparql-query"}}

    def _result(self, response: httpx.Response, graph: bool) -> Result:
        media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        endpoint = endpoint_name(self.query_url)
        try:
            if graph:
                fmt = "nt" if media == "text/plain" else getattr(formats.by_media_type(media), "name", "")
                if fmt not in formats.names("rdf"):
                    raise EndpointError(endpoint, f"unexpected content type {media!r} for a graph result",
                                        status=response.status_code)
                quads = parse_source(Source(data=response.content, format=fmt, name=endpoint))
                triples = [(triple_term(q.subject), triple_term(q.predicate), triple_term(q.object)) for q in quads]
                return GraphResult(triples, lambda f: serialize_quads(((*t, None) for t in triples), f.name))
            return parse(response.content, media)  # results documents: kzgraph.results reads them
        except (ValueError, KeyError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            raise EndpointError(endpoint, f"unreadable {media or 'untyped'} response: {exc}",
                                status=response.status_code) from exc

    def _select(self, sparql: str) -> SelectResult:
        result = self.query(sparql)
        assert isinstance(result, SelectResult)
        return result

    # --- writes -------------------------------------------------------------------------------------

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update (form POST; ``post-direct`` sends ``application/sparql-update``)."""
        text = _with_base(with_prefixes(sparql, PREFIXES), base_iri)
        if self.method == "post-direct":
            self._http.request("POST", self.update_url, content=text.encode(), params=self._params,
                               headers={"Content-Type": "application/sparql-update"})
        else:
            self._http.request("POST", self.update_url, data={"update": text, **_multi(self._params)})
        self._discovered = None

    def load(self, sources: Iterable[SourceLike], *, progress: Progress | None = None) -> int:
        """Parse every source first, then add their triples graph by graph (not one transaction)."""
        by_graph: dict[str | None, list[bytes]] = {}
        total = 0
        for source in (Source.of(s) for s in sources):
            for quad in parse_source(source):
                name = getattr(quad.graph_name, "value", None)
                by_graph.setdefault(name, []).append(f"{quad.subject} {quad.predicate} {quad.object} .\n".encode())
                total += 1
        self._write(by_graph, replace=False, progress=progress)
        return total

    def replace_graph(self, graph: str | None, ntriples: bytes) -> None:
        """Replace one named graph (None: the default graph) by the given N-Triples."""
        self.replace_graphs({graph: ntriples})

    def replace_graphs(self, graphs: Mapping[str | None, bytes], *, progress: Progress | None = None) -> None:
        """Replace several graphs: GSP PUT (then POST) per graph, or batched DROP + INSERT DATA updates."""
        self._write({g: data.splitlines(keepends=True) for g, data in graphs.items()}, replace=True,
                    progress=progress)

    def _write(self, graphs: Mapping[str | None, list[bytes]], *, replace: bool,
               progress: Progress | None) -> None:
        total = sum(len(lines) for lines in graphs.values()) or 1
        done = 0
        for batch in _batches(graphs):
            if self.store_url is not None:
                for graph, lines, first in batch:
                    if graph is not None and replace and not lines:
                        self._drop(graph)
                        continue
                    self._http.request(
                        "PUT" if first and replace else "POST", self.store_url,
                        params=[("graph", graph)] if graph is not None else [("default", "")],
                        content=b"".join(lines), headers={"Content-Type": "text/turtle; charset=utf-8"})
            else:
                self.update(" ;\n".join(_update(graph, lines, first and replace) for graph, lines, first in batch))
            done += sum(len(lines) for _, lines, _ in batch)
            if progress is not None:
                progress(min(done, total), total, batch[-1][0] or "default graph")
        self._discovered = None

    def _drop(self, graph: str) -> None:
        """Remove a named graph through the Graph Store Protocol (DELETE: an empty PUT would leave its name);
        a graph the store does not have (404) is already gone."""
        assert self.store_url is not None
        try:
            self._http.request("DELETE", self.store_url, params=[("graph", graph)])
        except EndpointError as exc:
            if exc.status != 404:
                raise

    # --- reading the whole store --------------------------------------------------------------------

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The dataset's graphs (or one ``graph``) in ``fmt``, read with a SELECT over ``GRAPH ?g``."""
        rows = self._select(_sparql("all-quads")).rows
        quads = [(s, p, o, str(g)) for g, s, p, o in rows if graph is None or str(g) == graph
                 if s is not None and p is not None and o is not None]  # always: the query's pattern binds them
        return serialize_quads(quads, fmt)

    def dump_to(self, fmt: str, write: Callable[[bytes], None]) -> None:
        """``dump(fmt)`` written to ``write`` as the server sends it, in constant memory (see ``remotedump``)."""
        with_graphs = format_named(fmt).supports_datasets
        sparql = _sparql("all-quads" if with_graphs else "all-triples")
        text = with_prefixes(sparql, PREFIXES, used=shape(sparql).prefixes)
        method, url, options = self._query_request(text, self._dataset_params(sparql, True), _RESULTS_ACCEPT)
        with self._http.stream(method, url, **options) as response:
            write_solutions(response, fmt, with_graphs, write, endpoint_name(self.query_url))

    def graphs(self) -> list[str]:
        """The named graphs: the dataset's (``protocol``), else all the server lists (Virtuoso's own too)."""
        if self._mode() == "protocol":
            return list(self._dataset_graphs())
        result = self._send_query(_sparql("all-graphs"), [])
        assert isinstance(result, SelectResult)
        return sorted(str(g) for g, in result)

    def __len__(self) -> int:
        (count,), = self._select(_sparql("quad-count")).rows
        if isinstance(count, (int, float, Decimal)) or (isinstance(count, str) and count.isdigit()):
            return int(count)
        raise EndpointError(endpoint_name(self.query_url), f"the quad count is not a number: {count!r}")

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()


def _with_base(text: str, base_iri: str | None) -> str:
    """``text`` after a ``BASE`` declaration of ``base_iri`` (on its first line), when one is given."""
    return text if base_iri is None else f"BASE {to_ntriples(IRI(base_iri))} {text}"


def _multi(params: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in params:
        out.setdefault(key, []).append(value)
    return out


def _batches(graphs: Mapping[str | None, list[bytes]]) -> Iterator[list[tuple[str | None, list[bytes], bool]]]:
    """Batches of (graph, lines, first chunk of that graph) of about BATCH_TRIPLES triples each; a graph
    with blank nodes is never split (its labels must stay in one request)."""
    batch: list[tuple[str | None, list[bytes], bool]] = []
    size = 0
    for graph, lines in graphs.items():
        whole = any(b"_:" in line for line in lines)
        step = (len(lines) or 1) if whole else BATCH_TRIPLES
        for start in range(0, max(len(lines), 1), step):
            chunk = lines[start:start + step]
            if batch and size + len(chunk) > BATCH_TRIPLES:
                yield batch
                batch, size = [], 0
            batch.append((graph, chunk, start == 0))
            size += len(chunk)
    if batch:
        yield batch


def _update(graph: str | None, lines: list[bytes], replace: bool) -> str:
    """DROP (when replacing) and INSERT DATA; with blank nodes ``INSERT { … } WHERE {}`` instead, since
    Virtuoso refuses blank nodes in INSERT DATA (one solution: the labels stay one node each)."""
    body = b"".join(lines).decode("utf-8")
    insert = "INSERT {{ {} }} WHERE {{}}" if any(b"_:" in line for line in lines) else "INSERT DATA {{ {} }}"
    if graph is None:
        return ("CLEAR SILENT DEFAULT ;\n" if replace else "") + insert.format(f"\n{body}")
    target = to_ntriples(IRI(graph))
    return (f"DROP SILENT GRAPH {target} ;\n" if replace else "") + insert.format(f"GRAPH {target} {{\n{body}}}")
