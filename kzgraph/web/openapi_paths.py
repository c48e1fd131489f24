"""Parts of the OpenAPI document (``web.openapi``) beyond the SPARQL endpoints: the error responses, the page
parameters of SELECT named queries (``limit``/``offset``, see ``web.paging``), the Graph Store Protocol at
``/store`` (see ``web.graphstore``) and the crawlers' ``/sitemap.xml`` and ``/robots.txt``.

The writing methods of ``/store`` (PUT, POST, DELETE) are described only for a server that allows updates;
a read-only server answers them 403, which is not an operation a client can use.

>>> from kzgraph.web.settings import Settings
>>> sorted(store_paths(Settings())["/store"])
['get', 'head']
>>> [p["schema"]["maximum"] for p in page_parameters(Settings(max_rows=500))][0]
500
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import KzgraphError
from .negotiation import offered
from .paging import MAX_OFFSET
from .problems import HttpError, problem
from .settings import Settings

__all__ = ["LINK_HEADER", "crawl_paths", "error", "page_parameters", "store_paths"]

_TEXT = {"type": "string"}
_GRAPH_OFFER = offered("ttl", "nt", "jsonld", "rdfxml")
_DATASET_OFFER = offered("trig", "nq")

#: The ``Link`` header of a page of a named query's answer (RFC 8288).
LINK_HEADER = {"Link": {"schema": _TEXT, "description": 'The pages around this one (RFC 8288): rel="next" while '
                        'more rows follow, rel="prev" and rel="first" after the first page; absent when the '
                        "whole answer was asked for.",
                        "example": '</queries/medals?limit=5&offset=5>; rel="next"'}}


def error(description: str, exc: KzgraphError, headers: Sequence[str] = ()) -> dict[str, Any]:
    """An error response: a readable text for programs (as ``web.context.error_response`` writes it) or a page."""
    answer = problem(exc)
    described: dict[str, Any] = {"description": description, "content": {
        "text/plain": {"schema": _TEXT, "example": f"{answer.status} {answer.title}: {answer.message}\n"},
        "text/html": {"schema": _TEXT}}}
    if headers:
        described["headers"] = {name: {"schema": _TEXT} for name in headers}
    return described


def page_parameters(settings: Settings) -> list[dict[str, Any]]:
    """``limit`` and ``offset``: the page of a SELECT named query's rows (its ``ORDER BY`` keeps pages stable)."""
    return [
        {"name": "limit", "in": "query", "required": False, "schema": {
            "type": "integer", "minimum": 1, "maximum": settings.max_rows},
         "description": f"At most this many rows (1 to the server's --max-rows, {settings.max_rows}); with it or "
                        "offset the answer is one page and carries a Link header to the next one. Without "
                        "either, the whole answer.", "example": 5},
        {"name": "offset", "in": "query", "required": False, "schema": {
            "type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
         "description": f"Skip this many rows first (a page of --max-rows rows, {settings.max_rows}, when limit "
                        "is not given).", "example": 0}]


def _content(offer: Sequence[Any]) -> dict[str, Any]:
    return {fmt.media_type: {"schema": {"type": ["object", "array"]} if fmt.name == "jsonld" else _TEXT}
            for fmt in offer}


def _graph_parameters(*, format_: bool) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"name": "graph", "in": "query", "required": False, "schema": _TEXT,
         "description": "The named graph's IRI (absolute, <IRI>, prefixed as kzg:article/s05, or a path under the "
                        "namespace as graph/article/s05).", "example": "https://w3id.org/kzgraph/graph/article/s05"},
        {"name": "default", "in": "query", "required": False, "allowEmptyValue": True, "schema": _TEXT,
         "description": "The store's own default graph (the triples in no named graph), instead of ?graph=."}]
    if format_:
        found.append({"name": "format", "in": "query", "required": False, "schema": {
            "type": "string", "enum": [f.name for f in _GRAPH_OFFER + _DATASET_OFFER]},
            "description": "The format of the answer, when not chosen by the Accept header."})
    return found


def _read(method: str, settings: Settings) -> dict[str, Any]:
    return {
        "operationId": f"graph_store_{method}", "tags": ["Graph Store"],
        "summary": "Read a graph" + (" (headers only)" if method == "head" else ""),
        "description": "SPARQL 1.1 Graph Store Protocol: the triples of ?graph=IRI or of ?default in Turtle (the "
                       "default), N-Triples, JSON-LD or RDF/XML; with neither, the whole dataset in TriG or N-Quads.",
        "parameters": _graph_parameters(format_=True),
        "responses": {
            "200": {"description": "The graph (or the dataset) in the negotiated format.",
                    "content": _content(_GRAPH_OFFER + _DATASET_OFFER)},
            "400": error("Both ?graph= and ?default, or a graph name that is not an IRI.",
                         HttpError(400, "give either ?graph=IRI or ?default, not both")),
            "404": error("No named graph of that IRI holds a triple.", HttpError(
                404, "the store has no graph <https://w3id.org/kzgraph/graph/nope> (a named graph exists while it "
                     "holds a triple; the graphs are listed by the named query 'graphs')")),
            "406": {"$ref": "#/components/responses/NotAcceptable"},
            "504": {"$ref": "#/components/responses/Timeout"}}}


def _write(method: str, settings: Settings) -> dict[str, Any]:
    what = {"put": "Replace a graph with the body's triples", "post": "Add the body's triples to a graph",
            "delete": "Empty a graph"}[method]
    accepted = ", ".join(f.media_type for f in _GRAPH_OFFER)
    responses: dict[str, Any] = {
        "201": {"description": "The write made a graph that did not exist."},
        "204": {"description": "The graph was written."},
        "400": error("The body does not parse (its line and column named; the store is as it was), holds named "
                     "graphs, or the graph name is not an IRI.", HttpError(400, "give either ?graph=IRI or "
                                                                                "?default, not both")),
        "401": error("No 'Authorization: Bearer TOKEN'.", HttpError(401, "SPARQL Update needs 'Authorization: "
                                                                         "Bearer TOKEN'"), ["WWW-Authenticate"]),
        "403": error("The bearer token is not the server's.", HttpError(
            403, "the bearer token is not the server's update token"), ["WWW-Authenticate"]),
        "405": error("Neither ?graph= nor ?default: the whole dataset is read-only.", HttpError(
            405, "the whole dataset is read-only here: write a graph with ?graph=IRI or ?default"), ["Allow"]),
        "504": {"$ref": "#/components/responses/Timeout"}}
    operation: dict[str, Any] = {
        "operationId": f"graph_store_{method}", "tags": ["Graph Store"], "summary": what,
        "description": f"{what}, atomically, with the server's bearer token (--allow-update).",
        "parameters": _graph_parameters(format_=False), "security": [{"updateToken": []}], "responses": responses}
    if method == "delete":
        responses.pop("201")
        responses["404"] = error("No named graph of that IRI holds a triple.",
                                 HttpError(404, "the store has no graph <https://w3id.org/kzgraph/graph/nope>"))
    else:
        operation["requestBody"] = {"required": True, "content": _content(_GRAPH_OFFER)}
        responses["413"] = error("The body is larger than the server's --max-body.", HttpError(
            413, f"the request body is larger than {settings.max_body} bytes (the server's --max-body)"))
        responses["415"] = error("The body's Content-Type is not an RDF format taken here.", HttpError(
            415, f"the body's Content-Type must be one of {accepted}, not 'text/plain'"), ["Accept-Put", "Accept-Post"])
    return operation


def store_paths(settings: Settings) -> dict[str, Any]:
    """``/store``: GET and HEAD always; PUT, POST and DELETE when the server allows updates."""
    item = {method: _read(method, settings) for method in ("get", "head")}
    if settings.allow_update:
        item |= {method: _write(method, settings) for method in ("put", "post", "delete")}
    return {"/store": item}


def crawl_paths() -> dict[str, Any]:
    """``/sitemap.xml`` (a sitemap index) and ``/robots.txt``."""
    def get(name: str, summary: str, media_type: str) -> dict[str, Any]:
        return {"get": {"operationId": name, "summary": summary, "tags": ["crawlers"], "responses": {
            "200": {"description": summary + ".", "content": {media_type: {"schema": _TEXT}}}}}}

    return {"/sitemap.xml": get("sitemap", "The sitemap index (the pages' sitemap and the resources' ones)",
                                "application/xml"),
            "/robots.txt": get("robots", "Pages allowed, query endpoints disallowed, and the sitemap's URL",
                               "text/plain")}
