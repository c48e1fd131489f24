"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store`` (indirect graph identification).

``GET``/``HEAD /store?graph=IRI`` answers the triples of one named graph, ``/store?default`` those of the
store's *own* default graph (the triples in no named graph, where ``KnowledgeGraph.load`` puts a file given
no graph, and what the remote backend writes with ``?default``; a query's default graph is the union of the
named graphs, but a graph store's is not), in Turtle (the default), N-Triples, JSON-LD or RDF/XML by
``Accept`` or ``?format=``; ``/store`` with neither answers the whole dataset in TriG or N-Quads. A named graph
exists when it holds a triple: any other is 404 (the default graph always exists).

``PUT`` replaces a graph with the request body, ``POST`` adds the body's triples to it, ``DELETE`` removes it
(its name too: neither the store's graph list nor ``GRAPH ?g {}`` has it afterwards; the default graph is emptied);
only on a server started with ``--allow-update`` and with its bearer token (the check SPARQL Update makes:
no token 401, a wrong one 403, writes off 403). The body is Turtle, N-Triples, RDF/XML or JSON-LD by its
``Content-Type`` (another or none is 415), at most ``--max-body`` bytes (413), and it is parsed whole before
the store is touched: a body that does not parse is a 400 naming its line and column, and the store is as it
was. 201 Created when the write made a graph that did not exist, else 204. Relative or prefixed graph names
resolve as named queries' ``iri`` parameters do (``kzg:article/s05``, ``graph/article/s05``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..backends import Source
from ..backends.oxigraph import OxigraphBackend
from ..binding import bind
from ..errors import QueryParameterError
from ..formats import Format, by_media_type
from ..queries import internal_query
from ..results import GraphResult
from ..terms import IRI
from .answers import Answer
from .context import State, check_token, media_type, negotiate, one_value, read_body, state
from .negotiation import offered
from .problems import HttpError

__all__ = ["METHODS", "store"]

#: The methods ``/store`` answers (HEAD: Starlette answers it as GET, without the body).
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]
_GRAPH_OFFER = offered("ttl", "nt", "jsonld", "rdfxml")
_DATASET_OFFER = offered("trig", "nq")
_BODY_FORMATS = {f.media_type: f for f in _GRAPH_OFFER}
_ACCEPTED = ", ".join(_BODY_FORMATS)
_BODY = "the request body"


async def store(request: Request) -> Response:
    """``/store``: read a graph (GET, HEAD) or write one (PUT, POST, DELETE)."""
    server = state(request)
    target = _target(request)
    if request.method in ("GET", "HEAD"):
        return await _read(request, server, target)
    if target is None:
        raise HttpError(405, "the whole dataset is read-only here: write a graph with ?graph=IRI or ?default",
                        {"Allow": "GET, HEAD"})
    if not server.settings.allow_update or server.settings.update_token is None:
        raise HttpError(403, "writes are disabled on this server (start kzgraph serve with --allow-update)")
    check_token(request, server.settings.update_token)
    graph = None if target == "" else target
    ntriples = b""
    if request.method != "DELETE":
        fmt = _body_format(request)
        body = await read_body(request, server.settings.max_body)
        ntriples = await server.queries.run(lambda: _triples(body, fmt))
    method = request.method
    created = await server.queries.run(lambda: server.write(lambda: _write(server, method, graph, ntriples)))
    return Response(status_code=201 if created else 204)


def _target(request: Request) -> str | None:
    """The graph asked for: its IRI, ``""`` for the default graph, None for the whole dataset; 400 for both,
    or a graph that is not an IRI."""
    params = request.query_params
    graph = one_value(params.getlist("graph"), "graph")
    default = "default" in params
    if graph is not None and default:
        raise HttpError(400, "give either ?graph=IRI or ?default, not both")
    if graph is None:
        return "" if default else None
    try:
        return str(bind(internal_query("graph-exists"), {"graph": graph})["graph"])
    except QueryParameterError as exc:
        raise HttpError(400, f"?graph= must be an IRI: {exc.message}") from None


async def _read(request: Request, server: State, target: str | None) -> Response:
    """The graph (or the dataset) in the negotiated format, from the answer cache."""
    fmt = negotiate(request, _GRAPH_OFFER if target is not None else _DATASET_OFFER)

    def work() -> Answer:
        if target is None:
            return server.kg.export(fmt.name), media_type(fmt)
        if target == "":
            result = server.kg.backend.query(internal_query("default-graph-triples").sparql,
                                             default_graph_as_union=False)
        else:
            result = server.kg.construct(internal_query("graph-triples"), graph=IRI(target))
            if not len(result):
                raise HttpError(404, f"the store has no graph <{target}> (a named graph exists while it holds a "
                                     "triple; the graphs are listed by the named query 'graphs')")
        assert isinstance(result, GraphResult)
        return result.serialize(fmt.name), media_type(fmt)

    body, content_type = await server.cache.answer(("graph-store", target, fmt.name), work, server.queries.run)
    return Response(body, headers={"Content-Type": content_type, "Vary": "Accept"})


def _body_format(request: Request) -> Format:
    """The RDF format of the body, by its Content-Type; 415 for none or another."""
    header = request.headers.get("content-type", "")
    fmt = by_media_type(header.split(";", 1)[0].strip().lower()) if header.strip() else None
    if fmt is None or fmt not in _GRAPH_OFFER:
        raise HttpError(415, f"the body's Content-Type must be one of {_ACCEPTED}, not "
                             f"{header.split(';', 1)[0].strip() or 'none'!r}",
                        {"Accept-Put": _ACCEPTED, "Accept-Post": _ACCEPTED})
    return _BODY_FORMATS[fmt.media_type]


def _triples(body: bytes, fmt: Format) -> bytes:
    """The body's triples as N-Triples, parsed in a scratch store: a DataSyntaxError (400, with line and
    column) when it does not parse, a 400 when it holds named graphs (JSON-LD can)."""
    scratch = OxigraphBackend()
    try:
        scratch.load([Source(data=body, format=fmt.name, name=_BODY)])
        if scratch.graphs():
            raise HttpError(400, f"{_BODY} holds named graphs; send the triples of one graph")
        return scratch.dump("nt")
    finally:
        scratch.close()


def _write(server: State, method: str, graph: str | None, ntriples: bytes) -> bool:
    """Replace (PUT), add to (POST) or remove (DELETE) a graph; whether it is new (on a worker, under the lock)."""
    existed = graph is None or server.kg.ask(internal_query("graph-exists"), graph=IRI(graph))
    if method == "DELETE":
        if not existed:
            raise HttpError(404, f"the store has no graph <{graph}>")
        server.kg.replace_graph(graph, b"")
    elif method == "PUT":
        server.kg.replace_graph(graph, ntriples)
    elif ntriples:
        server.kg.load(Source(data=ntriples, format="nt", name=_BODY), graph=graph)
    return not existed and bool(ntriples)
