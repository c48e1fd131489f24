"""The SPARQL 1.1 Protocol at ``/sparql`` and the named queries at ``/queries/NAME``.

``/sparql`` takes a query by GET (``?query=``), by POST of a form (``query=``) or by POST of
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` set the dataset (else the
default graph is the union of all graphs). Updates (form ``update=`` or ``application/sparql-update``)
need ``--allow-update`` and the bearer token. With no query, ``/sparql`` answers its service description.
Results are negotiated: SPARQL JSON (the default), XML, CSV, TSV or HTML for SELECT/ASK; Turtle (the
default), N-Triples, JSON-LD, RDF/XML or HTML for CONSTRUCT/DESCRIBE. Relative IRIs in a query or an
update resolve against the endpoint's own IRI (``http://host/sparql``), as Oxigraph server's do; a ``BASE``
in the text wins.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..binding import bind
from ..errors import UsageError
from ..formats import Format
from ..namespaces import SD
from ..results import AskResult, GraphResult, Result, SelectResult
from ..sparqltext import query_form
from ..terms import IRI
from . import paging, resultstream
from .answers import Answer
from .context import (
    GRAPH_OFFER,
    SELECT_OFFER,
    State,
    body_text,
    check_token,
    form_fields,
    html,
    media_type,
    negotiate,
    one_value,
    read_body,
    serialize,
    state,
)
from .executor import Executor
from .guard import check_remote_calls
from .negotiation import offered
from .problems import HttpError

__all__ = ["catalogue", "endpoint", "named_query"]

_FORM = "application/x-www-form-urlencoded"
_DESCRIPTION_OFFER = offered("ttl", "nt", "jsonld", "rdfxml", "html")


async def endpoint(request: Request) -> Response:
    """``/sparql``: dispatch on method and content type (W3C SPARQL 1.1 Protocol, section 2)."""
    server = state(request)
    url = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
    if request.method in ("GET", "HEAD"):
        if len(request.url.query) > server.settings.max_body:
            raise HttpError(414, f"the query string is longer than {server.settings.max_body} bytes; POST the query")
        if url.get("update"):
            raise HttpError(405, "SPARQL Update must be sent with POST", {"Allow": "POST"})
        text = one_value(url.get("query", []), "query")
        if text is None:
            return await service_description(request)
        return await _query(request, text, url)
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    body = await read_body(request, server.settings.max_body)
    if content_type == _FORM:
        form = form_fields(body)
        query, update = one_value(form.get("query", []), "query"), one_value(form.get("update", []), "update")
        if query is not None and update is not None:
            raise HttpError(400, "give either 'query' or 'update', not both")
        if query is not None:
            return await _query(request, query, form)
        if update is not None:
            return await _update(request, update, form)
        raise HttpError(400, "the form has neither a 'query' nor an 'update' field")
    if content_type == "application/sparql-query":
        return await _query(request, body_text(body), url)
    if content_type == "application/sparql-update":
        return await _update(request, body_text(body), url)
    raise HttpError(415, f"POST needs Content-Type {_FORM}, application/sparql-query or application/sparql-update, "
                         f"not {content_type or 'none'!r}", {"Accept-Post": f"{_FORM}, application/sparql-query, "
                                                             "application/sparql-update"})


def _answer(request: Request, server: State, result: Result, *, title: str, description: str = "",
            sparql: str = "", pages: Sequence[tuple[str, str, str]] = ()) -> Answer:
    """Body and content type of a result, negotiated (runs on a worker: serialising can take time)."""
    offer = GRAPH_OFFER if isinstance(result, GraphResult) else SELECT_OFFER
    fmt = negotiate(request, offer)
    if fmt.name != "html":
        return serialize(result, fmt), media_type(fmt)
    table = result.as_select() if isinstance(result, GraphResult) else result
    downloads = [(f.name, _with_format(request, f)) for f in offer if f.name != "html"]
    page = server.renderer.render(
        "results.html", server.links, title=title, description=description, sparql=sparql, downloads=downloads,
        boolean=table.value if isinstance(table, AskResult) else None,
        columns=table.columns if isinstance(table, SelectResult) else [],
        rows=table.rows if isinstance(table, SelectResult) else [],
        pages=[(rel, label, f"{request.url.path}?{query}") for rel, label, query in pages])
    return page.encode("utf-8"), media_type(fmt)


def _with_format(request: Request, fmt: Format) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"] + [("format", fmt.name)]
    return f"{request.url.path}?{urlencode(params)}"


async def _respond_cached(request: Request, key: tuple[object, ...], work: Callable[[], Answer], *, pool: Executor,
                  check: Callable[[], None] | None = None) -> Response:
    """The server's answer cache (``AnswerCache.answer``) under ``key`` and the negotiation headers, which
    ``work`` reads: the kept answer, else ``check()`` then ``work()`` on ``pool``."""
    body, content_type = await state(request).cache.answer(_negotiated(request, key), work, pool.run, check=check)
    links = paging.link_header(_endpoint_iri(request), _other_params(request), content_type)
    return Response(body, headers={"Content-Type": content_type, "Vary": "Accept", **links})


def _negotiated(request: Request, key: tuple[object, ...]) -> tuple[object, ...]:
    """An answer's cache key: ``key`` and the negotiation headers."""
    return (*key, request.headers.get("accept"), request.query_params.get("format"), request.query_params.get("output"))


def _other_params(request: Request) -> list[tuple[str, str]]:
    """The query string's parameters but the page's (``limit``, ``offset``)."""
    return [(k, v) for k, v in request.query_params.multi_items() if k not in paging.PARAMS]


async def _query(request: Request, text: str, params: Mapping[str, list[str]]) -> Response:
    server = state(request)
    if not text.strip():
        raise HttpError(400, "the query is empty")
    defaults, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    dataset = defaults or named
    base = _endpoint_iri(request)
    key = ("sparql", text, tuple(defaults), tuple(named), base)
    if (streamed := resultstream.streamed_format(request, text)) is not None:  # large answers stream
        check_remote_calls(text, server.settings.service_allow)
        return await resultstream.respond(request, _negotiated(request, key), resultstream.sparql(
            server, streamed, text, defaults, named, base), media_type(streamed), {"Vary": "Accept"})

    def work() -> Answer:
        result = server.kg.sparql(text, default_graphs=defaults if dataset else None,
                              named_graphs=named if dataset else None, max_rows=server.settings.max_rows,
                              base_iri=base)
        return _answer(request, server, result, title="Query results", sparql=text)

    # the SERVICE and LOAD targets are checked on a cache miss: only allowed queries are kept in the cache
    return await _respond_cached(request, key, work, pool=server.queries,
                                 check=lambda: check_remote_calls(text, server.settings.service_allow))


async def _update(request: Request, text: str, params: Mapping[str, list[str]]) -> Response:
    server = state(request)
    if not server.settings.allow_update or server.settings.update_token is None:
        raise HttpError(403, "SPARQL Update is disabled on this server (start kzgraph serve with --allow-update)")
    check_token(request, server.settings.update_token)
    if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
        raise HttpError(400, "using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
    check_remote_calls(text, server.settings.service_allow)
    try:
        await server.queries.run(lambda: server.update(text, base_iri=_endpoint_iri(request)))
    finally:
        server.data_changed()  # even a timed-out update may still complete
    return Response(status_code=204)


def _endpoint_iri(request: Request) -> str:
    """The IRI of this endpoint as the client addressed it (``http://host/sparql``): the base of relative IRIs."""
    return str(request.url.replace(query=None, fragment=None))


async def service_description(request: Request) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint (browsers go to the query UI instead)."""
    server = state(request)
    fmt = negotiate(request, _DESCRIPTION_OFFER)
    if fmt.name == "html":
        return RedirectResponse(server.links.page("index") + "#query", status_code=303, headers={"Vary": "Accept"})
    endpoint_url = _endpoint_iri(request)
    params: dict[str, object] = {"endpoint": IRI(endpoint_url)}
    if server.settings.allow_update:
        params["language"] = IRI(SD["SPARQL11Update"])
    if server.settings.service_allow:
        params["feature"] = IRI(SD["BasicFederatedQuery"])

    def work() -> Answer:
        return serialize(server.kg.query("service-description", **params), fmt), media_type(fmt)

    return await _respond_cached(request, ("service-description", endpoint_url), work, pool=server.pages)


async def catalogue(request: Request) -> Response:
    """``/queries``: the named queries, as a page or as JSON."""
    server = state(request)
    fmt = negotiate(request, offered("html", "json"))
    queries = server.kg.queries()
    if fmt.name == "html":
        return html(request, "queries.html", title="Named queries", queries=queries)
    entries = [{"name": q.name, "title": q.title, "description": q.description, "url": f"/queries/{q.name}",
                "params": [{"name": p.name, "type": p.type, "required": p.required, "description": p.description}
                           for p in q.params], "returns": list(q.returns), "tags": list(q.tags)} for q in queries]
    return Response(json.dumps(entries, ensure_ascii=False, indent=1), headers={
        "Content-Type": "application/json; charset=utf-8", "Vary": "Accept"})


async def named_query(request: Request) -> Response:
    """``/queries/NAME?param=value``: a named query with its parameters; ``/queries/NAME.rq``: its text."""
    server = state(request)
    name = request.path_params["name"]
    if name.endswith(".rq"):
        query = server.kg.catalogue.lookup(name[:-3])
        return Response(query.sparql, headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    query = server.kg.catalogue.lookup(name)
    page = paging.requested(request.query_params.multi_items(), server.settings.max_rows)
    if page is not None and query_form(query.sparql) != "SELECT":
        raise HttpError(400, f"limit and offset page the rows of a SELECT query; {name!r} is a "
                             f"{query_form(query.sparql) or 'another'} query")
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in ("format", "output", *paging.PARAMS):
            continue
        if key in params:
            raise HttpError(400, f"give the parameter '{key}' once")
        params[key] = value
    cache_key = ("named", name, tuple(sorted(params.items())), page)
    if page is None and (streamed := resultstream.streamed_format(request, query.sparql)) is not None:
        return await resultstream.respond(request, _negotiated(request, cache_key), resultstream.named(
            server, streamed, query, bind(query, params)), media_type(streamed), {"Vary": "Accept"})

    def work() -> Answer:
        try:  # a page: one row more than it holds, which tells whether a next page exists (see paging)
            result = server.kg.query(query, **params) if page is None else \
                server.kg.page(query, limit=page.limit + 1, offset=page.offset, **params)
        except UsageError as exc:
            raise HttpError(400, str(exc)) from exc
        if page is None:
            return _answer(request, server, result, title=query.title, description=query.description,
                           sparql=query.sparql)
        result, more = paging.trimmed(result, page)
        body, content_type = _answer(request, server, result, title=query.title, description=query.description,
                                     sparql=query.sparql, pages=page.links(_other_params(request), more=more))
        return body, paging.Paged(content_type, page, more=more)

    return await _respond_cached(request, cache_key, work, pool=server.queries)
