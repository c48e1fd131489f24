"""The OpenAPI 3.1 description of ``kzgraph serve`` (``/openapi.json``), built from the named queries' headers.

Each named query is one GET operation at ``/queries/NAME``: its ``#+ title`` and ``#+ description`` are the
operation's summary and description, each ``#+ param`` a query parameter (its type as a JSON schema, required or
not, and the example the description gives after "e.g."; a description that opens with quoted choices, as
``"out" (…) or "in" (…)``, gives them as an enum), and ``#+ returns`` the columns of the response's schema for
SPARQL JSON results and the header line of CSV and TSV. The SPARQL 1.1 Protocol at ``/sparql``, the search at
``/search`` and the catalogue at ``/queries`` are described too. Error responses carry the readable bodies the
server sends (``STATUS Title: message`` as text, or an HTML page), their examples made by kzgraph's own errors.

``describe`` is pure (a catalogue and settings in, a dict out): ``kzgraph publish`` writes the same document.
``Endpoint`` serves it as a plain ASGI app (no web framework here), built once per server on first request.

>>> from kzgraph.queries import parse_text
>>> query = parse_text("#+ title: Top\\n#+ param: n integer optional How many, e.g. 3\\n#+ returns: a, b\\n"
...                    "SELECT ?a ?b WHERE {} ORDER BY ?a", name="top")
>>> operation = describe({"top": query})["paths"]["/queries/top"]["get"]
>>> operation["operationId"], operation["parameters"][0]["schema"], operation["parameters"][0]["example"]
('query_top', {'type': 'integer'}, 3)
>>> operation["responses"]["200"]["content"]["text/csv"]["schema"]["pattern"]
'^a,b\\\\r?\\\\n'
"""

from __future__ import annotations

import asyncio
import json
import re
import weakref
from collections.abc import Mapping, Sequence
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from ..binding import bind
from ..errors import EndpointError, KzgraphError, QueryError, QueryTimeoutError, UnknownQueryError
from ..formats import Format
from ..queries import NamedQuery, Param
from ..search import COLUMNS as SEARCH_COLUMNS
from ..sparqltext import query_form
from .executor import Overloaded
from .guard import RemoteCallRefused
from .negotiation import NotAcceptable, UnknownFormat, offered
from .openapi_paths import LINK_HEADER, crawl_paths, page_parameters, store_paths
from .openapi_paths import error as _error
from .problems import HttpError
from .settings import Settings

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from .context import State

__all__ = ["OPENAPI_VERSION", "Endpoint", "describe", "document", "example"]

OPENAPI_VERSION = "3.1.0"
_SELECT = offered("json", "xml", "csv", "tsv", "html")  # what web.context offers (it imports Starlette)
_GRAPH = offered("ttl", "nt", "jsonld", "rdfxml", "html")
_FORM = "application/x-www-form-urlencoded"
_TYPES: dict[str, dict[str, str]] = {
    "iri": {"type": "string"}, "resource": {"type": "string"}, "search": {"type": "string"},
    "string": {"type": "string"}, "integer": {"type": "integer"}, "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"}, "boolean": {"type": "boolean"}}
_TYPE_NOTES = {
    "iri": "An absolute IRI, <IRI>, a prefixed name (kz:Medal) or a path under the namespace (athlete/slug).",
    "resource": "An IRI (as for iri parameters) or a name, resolved by the search index to the resources so "
                "called (any spelling or case).",
    "search": "Text to look for: the search index binds the resources it finds (any spelling, case or script) "
              "and their scores.",
    "date": "A date such as 2024-08-28.", "boolean": "true or false (also 1 or 0)."}
_EXAMPLE = r"\be\.g\.\s+(.+?)[.;)]?$"
_CHOICES = r'^"([^"]+)"(?:\s*\([^)]*\))?(?:(?:,|\s+or)\s+"([^"]+)"(?:\s*\([^)]*\))?)+'
_TERM = {"$ref": "#/components/schemas/RDFTerm"}
_TEXT = {"type": "string"}


def example(param: Param) -> object | None:
    """The example a parameter's description gives after "e.g.", typed as the parameter is; None without one.

    >>> example(Param("athlete", "resource", True, "The athlete's name, e.g. David Degtyarev"))
    'David Degtyarev'
    """
    match = re.search(_EXAMPLE, param.description)
    if match is None:
        return None
    raw = match[1].strip()
    try:
        value = bind(NamedQuery("x", None, "", "", (param,), (), (), ""), {param.name: raw})[param.name]
    except QueryError:
        return raw
    if isinstance(value, (bool, int)):
        return value
    return float(value) if isinstance(value, Decimal) else raw


def _choices(param: Param) -> list[str]:
    """``"out" (…) or "in" (…)`` opening a description: the values the parameter takes."""
    match = re.match(_CHOICES, param.description)
    return re.findall(r'"([^"]+)"', match[0]) if match else []


def _parameter(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = dict(_TYPES[param.type])
    if choices := _choices(param):
        schema["enum"] = choices
    if param.type in _TYPE_NOTES:
        schema["description"] = _TYPE_NOTES[param.type]
    described: dict[str, Any] = {"name": param.name, "in": "query", "required": param.required,
                                 "description": param.description, "schema": schema, "x-kzgraph-type": param.type}
    value = example(param)
    if value is not None:
        described["example"] = value
    elif choices:
        described["example"] = choices[0]
    return described


def _format_parameter(offer: Sequence[Format]) -> dict[str, Any]:
    return {"name": "format", "in": "query", "required": False, "schema": {"type": "string",
            "enum": [f.name for f in offer]},
            "description": "The format of the answer, when not chosen by the Accept header (a media type or the "
                           "alias other clients send is also understood; 'output' is a synonym)."}


def _results_json(columns: Sequence[str] | None) -> dict[str, Any]:
    """A SPARQL 1.1 Query Results JSON document: with ``columns``, exactly those variables."""
    if columns is None:
        return {"$ref": "#/components/schemas/SparqlResults"}
    return {"type": "object", "required": ["head", "results"], "properties": {
        "head": {"type": "object", "required": ["vars"], "properties": {"vars": {"const": list(columns)}}},
        "results": {"type": "object", "required": ["bindings"], "properties": {"bindings": {
            "type": "array", "items": {"type": "object", "properties": dict.fromkeys(columns, _TERM),
                                       "additionalProperties": False}}}}}}


def _content(offer: Sequence[Format], columns: Sequence[str] | None) -> dict[str, Any]:
    """A response's content, one entry per media type offered; SELECT results' columns when known."""
    content: dict[str, Any] = {}
    for fmt in offer:
        entry: dict[str, Any] = {"schema": _TEXT}
        if fmt.name == "json":
            entry = {"schema": _results_json(columns)}
        elif fmt.name == "jsonld":
            entry = {"schema": {"type": ["object", "array"]}}
        elif fmt.name in ("csv", "tsv") and columns is not None:
            mark, separator = ("", ",") if fmt.name == "csv" else ("?", "\t")  # TSV names variables as ?x
            header = separator.join(mark + c for c in columns)
            pattern = "^" + ("," if fmt.name == "csv" else r"\t").join(re.escape(mark + c) for c in columns)
            entry = {"schema": {"type": "string", "pattern": pattern + r"\r?\n",
                                "description": f"A header line of the columns ({', '.join(columns)}), then one "
                                               "line per row."}, "example": header + ("\r\n" if fmt.name == "csv"
                                                                                      else "\n")}
        content[fmt.media_type] = entry
    return content


#: What any query can answer: ``components/responses`` by status.
_COMMON = {"406": "NotAcceptable", "502": "BadGateway", "503": "Busy", "504": "Timeout"}
_COMMON_ERRORS = {status: {"$ref": f"#/components/responses/{name}"} for status, name in _COMMON.items()}


def _common_errors(settings: Settings) -> dict[str, Any]:
    """The responses of ``_COMMON``."""
    return {
        "406": _error("No format on offer is acceptable to the client (Accept).",
                      NotAcceptable("image/png", _SELECT)),
        "502": _error("The store failed or a remote store did not answer as expected.",
                      EndpointError("http://127.0.0.1:7878/query", "connection refused")),
        "503": _error("Every worker is busy and the backlog is full: try again shortly.",
                      Overloaded(settings.workers, settings.backlog), ["Retry-After"]),
        "504": _error(f"The query did not finish within the server's --timeout ({settings.timeout:g} s).",
                      QueryTimeoutError(settings.timeout))}


def _named(query: NamedQuery, settings: Settings) -> dict[str, Any]:
    """The one operation of ``/queries/NAME``."""
    form = query_form(query.sparql)
    offer = _GRAPH if form in ("CONSTRUCT", "DESCRIBE") else _SELECT
    columns = list(query.returns) if form == "SELECT" and query.returns else None
    try:
        bind(query, {})
        bad: KzgraphError = UnknownFormat("bogus", offer)
    except QueryError as exc:
        bad = exc
    ok = ("Results" if form != "ASK" else "The answer") + (f": one row per solution with {', '.join(columns)}."
                                                            if columns else ".")
    paged = form == "SELECT"
    return {
        "operationId": "query_" + query.name.replace("-", "_"), "summary": query.title or query.name,
        "description": query.description, "tags": ["named queries", *query.tags],
        "parameters": [_parameter(p) for p in query.params] + [_format_parameter(offer)]
        + (page_parameters(settings) if paged else []),
        "responses": {"200": {"description": ok, "content": _content(offer, columns)}
                      | ({"headers": LINK_HEADER} if paged else {}),
                      "400": _error("A parameter is missing, unknown, given twice or not valid for its type, "
                                    "?format= names no format" + (", or limit/offset are out of range." if paged
                                                                  else "."), bad),
                      **_COMMON_ERRORS, **({} if offer is _SELECT else {"406": _error(
                          "No format on offer is acceptable to the client (Accept).",
                          NotAcceptable("image/png", offer))})},
        "x-kzgraph-query": {"name": query.name, "form": form, "returns": list(query.returns),
                            "text": f"/queries/{query.name}.rq"}}


def _sparql(settings: Settings) -> dict[str, Any]:
    """``/sparql``: the SPARQL 1.1 Protocol (GET and POST; updates only when the server allows them)."""
    content = {**_content(_SELECT[:-1], None), **_content(_GRAPH, None)}
    graphs = [{"name": name, "in": "query", "required": False, "style": "form", "explode": True,
               "schema": {"type": "array", "items": {"type": "string"}},
               "description": f"The {what} of the query's dataset (else the default graph is the union of all "
                              "graphs)."} for name, what in (("default-graph-uri", "default graph(s)"),
                                                             ("named-graph-uri", "named graphs"))]
    refused = _error("The query calls a SERVICE (or LOADs a URL) that is not on the server's --service-allow list.",
                     RemoteCallRefused("SERVICE", "https://query.wikidata.org/sparql", settings.service_allow))
    get = {
        "operationId": "sparql_get", "summary": "Run a SPARQL query (GET)", "tags": ["SPARQL"],
        "description": "SPARQL 1.1 Protocol query by GET. Without 'query': the SPARQL 1.1 Service Description "
                       "(Turtle by default; browsers are sent to the query page).",
        "parameters": [{"name": "query", "in": "query", "required": False, "schema": _TEXT,
                        "description": "The SPARQL query.",
                        "example": "SELECT ?medal WHERE { ?medal a <https://w3id.org/kzgraph/ontology#Medal> }"},
                       *graphs, _format_parameter(_SELECT + _GRAPH[:-1])],
        "responses": {"200": {"description": "SELECT/ASK results, CONSTRUCT/DESCRIBE triples, or the service "
                                             "description, in the negotiated format.", "content": content},
                      "303": {"description": "A browser asking for the service description goes to the query page."},
                      "400": _error("The query is empty or not valid SPARQL, or a parameter is given twice.",
                                    HttpError(400, "the query is empty")),
                      "403": refused,
                      "405": _error("SPARQL Update must be POSTed.",
                                    HttpError(405, "SPARQL Update must be sent with POST"), ["Allow"]),
                      "414": _error("The query string is longer than the server's --max-body: POST the query.",
                                    HttpError(414, f"the query string is longer than {settings.max_body} bytes; "
                                                   "POST the query")),
                      **_COMMON_ERRORS}}
    fields: dict[str, Any] = {"query": _TEXT, "default-graph-uri": {"type": "array", "items": _TEXT},
                              "named-graph-uri": {"type": "array", "items": _TEXT}}
    body: dict[str, Any] = {_FORM: {"schema": {"type": "object", "properties": fields}},
                            "application/sparql-query": {"schema": _TEXT}}
    responses: dict[str, Any] = {
        "200": {"description": "The query's results in the negotiated format.", "content": content},
        "400": _error("The query is not valid SPARQL, or the form has neither query nor update.",
                      HttpError(400, "the form has neither a 'query' nor an 'update' field")),
        "403": refused,
        "413": _error("The request body is larger than the server's --max-body.",
                      HttpError(413, f"the request body is larger than {settings.max_body} bytes (the server's "
                                     "--max-body)")),
        "415": _error("The body is not a form, a SPARQL query or a SPARQL update.",
                      HttpError(415, "POST needs Content-Type application/x-www-form-urlencoded, "
                                     "application/sparql-query or application/sparql-update, not 'text/plain'"),
                      ["Accept-Post"]),
        **_COMMON_ERRORS}
    post: dict[str, Any] = {
        "operationId": "sparql_post", "summary": "Run a SPARQL query (POST)", "tags": ["SPARQL"],
        "description": "SPARQL 1.1 Protocol query by POST: a form with 'query', or the query itself as "
                       "application/sparql-query (dataset by default-graph-uri and named-graph-uri in the URL).",
        "parameters": graphs, "requestBody": {"required": True, "content": body}, "responses": responses}
    if settings.allow_update:
        fields["update"] = _TEXT
        body["application/sparql-update"] = {"schema": _TEXT}
        post["description"] += " SPARQL Update (a form with 'update', or application/sparql-update) needs the " \
                               "server's bearer token."
        post["security"] = [{}, {"updateToken": []}]
        responses["204"] = {"description": "The update was applied."}
        responses["401"] = _error("An update without 'Authorization: Bearer TOKEN'.",
                                  HttpError(401, "SPARQL Update needs 'Authorization: Bearer TOKEN'"),
                                  ["WWW-Authenticate"])
    return {"get": get, "post": post}


def _search() -> dict[str, Any]:
    return {"get": {
        "operationId": "search", "summary": "Find resources by name", "tags": ["search"],
        "description": "Resources whose name matches the text (any spelling, transliteration or case), best first.",
        "parameters": [
            {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "default": ""},
             "description": "The text to look for.", "example": "Degtyarev"},
            {"name": "limit", "in": "query", "required": False, "description": "How many resources at most.",
             "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 20}},
            _format_parameter(_SELECT)],
        "responses": {"200": {"description": "The resources found, one row each.",
                              "content": _content(_SELECT, SEARCH_COLUMNS)},
                      "400": _error("limit is not a whole number from 1 to 200, or ?format= names no format.",
                                    HttpError(400, "limit must be a whole number from 1 to 200")),
                      **_COMMON_ERRORS}}}


def _catalogue(catalogue: Mapping[str, NamedQuery]) -> dict[str, Any]:
    names = {"type": "array", "items": _TEXT}
    param = {"type": "object", "properties": {"name": _TEXT, "type": {"enum": list(_TYPES)},
                                               "required": {"type": "boolean"}, "description": _TEXT}}
    entry = {"type": "object", "properties": {"name": _TEXT, "title": _TEXT, "description": _TEXT, "url": _TEXT,
                                              "returns": names, "tags": names,
                                              "params": {"type": "array", "items": param}}}
    listing = {"get": {"operationId": "list_queries", "summary": "The named queries", "tags": ["named queries"],
                       "responses": {"200": {"description": "Every named query with its parameters and columns.",
                                             "content": {"application/json": {"schema": {"type": "array",
                                                                                         "items": entry}},
                                                         "text/html": {"schema": _TEXT}}}}}}
    text = {"get": {"operationId": "named_query_text", "summary": "A named query's SPARQL", "tags": ["named queries"],
                    "parameters": [{"name": "name", "in": "path", "required": True,
                                    "schema": {"type": "string", "enum": list(catalogue)}}],
                    "responses": {"200": {"description": "The .rq file, header included.",
                                          "content": {"application/sparql-query": {"schema": _TEXT}}},
                                  "404": _error("No named query has that name.",
                                                UnknownQueryError("medal", catalogue))}}}
    return {"/queries": listing, "/queries/{name}.rq": text}


def describe(catalogue: Mapping[str, NamedQuery], settings: Settings | None = None, *,
             api_version: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of a server with ``settings`` serving ``catalogue`` (a query name → NamedQuery
    mapping, as ``KnowledgeGraph.catalogue``)."""
    settings = settings or Settings()
    paths: dict[str, Any] = {"/sparql": _sparql(settings), "/search": _search(), **_catalogue(catalogue),
                             **store_paths(settings), **crawl_paths()}
    for name in catalogue:
        paths[f"/queries/{name}"] = {"get": _named(catalogue[name], settings)}
    common = _common_errors(settings)
    components: dict[str, Any] = {"responses": {name: common[status] for status, name in _COMMON.items()},
                                  "schemas": {
        "RDFTerm": {"type": "object", "required": ["type", "value"], "properties": {
            "type": {"enum": ["uri", "literal", "bnode", "triple"]}, "value": {},
            "datatype": _TEXT, "xml:lang": _TEXT}, "description": "An RDF term in SPARQL 1.1 JSON results."},
        "SparqlResults": {"type": "object", "required": ["head"], "properties": {
            "head": {"type": "object", "properties": {"vars": {"type": "array", "items": _TEXT}}},
            "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": {
                "type": "object", "additionalProperties": _TERM}}}},
            "boolean": {"type": "boolean"}}}}}
    if settings.allow_update:
        components["securitySchemes"] = {"updateToken": {"type": "http", "scheme": "bearer"}}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "kzgraph", "version": api_version or _version(), "description":
                 "Kazakhstan at the Paris 2024 Paralympics as a knowledge graph: the SPARQL 1.1 Protocol, named "
                 "queries (one operation each, generated from the #+ headers of queries/*.rq) and search. Formats "
                 "are chosen by the Accept header or ?format=; errors are answered as 'STATUS Title: message' "
                 "text (an HTML page for browsers). Served by kzgraph serve (a published static site carries "
                 "this file but not the API)."},
        "tags": [{"name": "SPARQL", "description": "The SPARQL 1.1 Protocol."},
                 {"name": "named queries", "description": "The queries of queries/*.rq, by name."},
                 {"name": "search", "description": "Resources by name."},
                 {"name": "Graph Store", "description": "The SPARQL 1.1 Graph Store HTTP Protocol at /store."},
                 {"name": "crawlers", "description": "The sitemap and robots.txt."}],
        "paths": paths, "components": components}


def document(catalogue: Mapping[str, NamedQuery], settings: Settings | None = None) -> bytes:
    """``describe`` as the bytes of ``openapi.json``."""
    return json.dumps(describe(catalogue, settings), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _version() -> str:
    try:
        return version("kzgraph")
    except PackageNotFoundError:
        return "0"


class Endpoint:
    """``/openapi.json`` as an ASGI app: the document of the serving app's catalogue and settings, built on the
    first request and kept for the server's life (its catalogue does not change while it serves)."""

    def __init__(self) -> None:
        self._bodies: weakref.WeakKeyDictionary[State, bytes] = weakref.WeakKeyDictionary()

    def body(self, server: State) -> bytes:
        """The document for ``server``, built once."""
        if server not in self._bodies:
            self._bodies[server] = document(server.kg.catalogue, server.settings)
        return self._bodies[server]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope["app"].state.kzgraph
        body = self._bodies.get(server)
        if body is None:  # built on a thread (reading the catalogue's files): the event loop goes on meanwhile
            body = await asyncio.get_running_loop().run_in_executor(None, self.body, server)
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("ascii"))]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
