"""Linked-data pages: every IRI of the namespace, the home page, the ontology, search, VoID and dumps.

A resource's IRI (``/athlete/x`` on this server, see ``links``) answers ``303 See Other`` to the document
in the format the client asks for (``Accept`` or ``?format=``) — ``/athlete/x.html``, ``.ttl``, ``.jsonld``,
``.nt``, ``.rdf`` (RDF/XML), ``.trig`` or ``.nq``: every RDF format of the dumps, see ``documents`` — with
``Vary: Accept`` (the W3C "Cool URIs for the Semantic Web" practice for slash IRIs: the IRI names the
thing, each document describes it). An IRI the data does not use answers 404 with a page saying so.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import formats
from ..formats import Format
from ..namespaces import KZ, PREFIXES
from ..results import SelectResult
from ..terms import IRI
from . import langlinks, localnames, model, schemaorg
from .answers import Answer
from .context import PAGE_OFFER, SELECT_OFFER, State, html, media_type, negotiate, serialize, state
from .documents import DUMPS, description, dump_links, serialize_description
from .languages import DEFAULT
from .links import RESERVED
from .model import KIND_PAGE
from .negotiation import by_extension, offered
from .ontology import ontology_page
from .problems import HttpError
from .streaming import stream

__all__ = ["UnknownResource", "about", "dump", "home", "resource", "resources", "search", "void"]

_RDF_OFFER = offered("ttl", "nt", "jsonld", "rdfxml", "html")


class UnknownResource(HttpError):
    """No resource of the dataset has this IRI (HTTP 404)."""

    def __init__(self, iri: str) -> None:
        super().__init__(404, f"the dataset has nothing about <{iri}>")
        self.iri = iri


def _respond(body_and_type: Answer, **headers: str) -> Response:
    body, content_type = body_and_type
    return Response(body, headers={"Content-Type": content_type, "Vary": "Accept", **headers})


def _void_work(server: State, request: Request, fmt: Format) -> Answer:
    endpoint = IRI(str(request.url_for("sparql")))
    return serialize(server.kg.query("void", endpoint=endpoint), fmt), media_type(fmt)


async def home(request: Request) -> Response:
    """``/``: the medal table, the timeline and the query UI; RDF clients get the VoID description."""
    server = state(request)
    fmt = negotiate(request, PAGE_OFFER)
    if fmt.name != "html":
        key = ("void", str(request.base_url), fmt.name)
        body = await server.cache.answer(key, lambda: _void_work(server, request, fmt), server.pages.run)
        return _respond(body, **{"Content-Location": server.links.page("void")})

    base, endpoint = str(request.base_url), str(request.url_for("sparql"))  # absolute URLs in the JSON-LD
    lang, carried = langlinks.chosen(request.query_params.get("lang"), request.headers.get("accept-language"))
    links = langlinks.carrying(server.links, carried)  # ?lang= kept by the page's links

    def work() -> Answer:
        data = model.home(server.kg)
        examples = [{"name": q.name, "title": q.title, "sparql": q.sparql}
                    for q in server.kg.queries() if not q.params]
        config = {"endpoint": server.links.page("sparql"), "examples": examples, "prefixes": PREFIXES}
        shown = localnames.localise(server.kg, [str(m["athlete"]) for m in data.medals], lang,
                                    lambda code: f"/?lang={code}")  # the athletes' names in the language asked
        medals = localnames.renamed(data.medals, shown.names, "athlete", "athlete_name")
        page = server.renderer.render("home.html", links, home=data, examples=examples, config=config,
                                  bars=server.renderer.medal_bars(data.table),
                                  timeline=server.renderer.timeline(links, medals, data.start, data.end),
                                  dataset_jsonld=schemaorg.embedded(server.kg, base, endpoint=endpoint),
                                  **shown._asdict())
        return page.encode("utf-8"), media_type(fmt)

    answer = await server.cache.answer(("home", base, lang, carried), work, server.pages.run)
    return _respond(answer, Vary="Accept, Accept-Language")


async def resources(request: Request) -> Response:
    """``/resources``: the kinds of resource, each linking to ``/resources?kind=Athlete``, which lists up to
    ``KIND_PAGE`` resources of that kind (never every resource: at ten million triples that is a million)."""
    server = state(request)
    kind = request.query_params.get("kind")
    lang, carried = langlinks.chosen(request.query_params.get("lang"), request.headers.get("accept-language"))
    links = langlinks.carrying(server.links, carried)  # ?lang= kept by the page's links
    if kind is None:
        def kinds_work() -> Answer:
            kinds = [(label, langlinks.with_lang(f"{server.links.page('resources')}?kind={quote(str(cls)[len(KZ):])}",
                                                 carried)) for cls, label in model.resource_kinds(server.kg)]
            page = server.renderer.render("resources.html", links, kinds=kinds, groups=[], truncated=False)
            return page.encode("utf-8"), "text/html; charset=utf-8"

        return _respond(await server.cache.answer(("resources", carried), kinds_work, server.pages.run))

    def kind_work() -> Answer:
        if kind not in {str(cls)[len(KZ):] for cls, _ in model.resource_kinds(server.kg)}:
            raise HttpError(404, f"the dataset has no resources of kind {kind!r}; the kinds are at "
                                 f"{server.links.page('resources')}")
        items = model.resources_of_kind(server.kg, IRI(KZ + kind))
        here = f"{server.links.page('resources')}?kind={quote(kind)}"  # their names in the language asked for:
        shown = localnames.localise(server.kg, [str(r["resource"]) for r in items], lang,
                                    lambda code: f"{here}&lang={code}")
        page = server.renderer.render("resources.html", links, kinds=[], groups=model.group_by_kind(items),
                                      truncated=len(items) >= KIND_PAGE, limit=KIND_PAGE, **shown._asdict())
        return page.encode("utf-8"), "text/html; charset=utf-8"

    answer = await server.cache.answer(("resources", kind, lang, carried), kind_work, server.pages.run)
    return _respond(answer, Vary="Accept, Accept-Language")


async def about(request: Request) -> Response:
    """``/about``: licence, endpoint, VoID, dumps and sizes (once counted: see ``sizes``)."""
    server = state(request)
    stats = server.sizes.get()
    base, endpoint = str(request.base_url), str(request.url_for("sparql"))  # absolute URLs in the JSON-LD

    def work() -> Answer:
        page = server.renderer.render("about.html", server.links, stats=stats, ontology=PREFIXES["kz"].rstrip("#"),
                                  dumps=dump_links(lambda f: f"/dumps/{f}"),
                                  dataset_jsonld=schemaorg.embedded(server.kg, base, endpoint=endpoint))
        return page.encode("utf-8"), "text/html; charset=utf-8"

    if stats is None:  # a page of the moment: the sizes follow once counted
        return _respond(await server.pages.run(work), **{"Cache-Control": "no-store"})
    return _respond(await server.cache.answer(("about", base), work, server.pages.run))


async def void(request: Request) -> Response:
    """``/.well-known/void``: VoID and DCAT in Turtle (or N-Triples, JSON-LD, RDF/XML); browsers go to /about."""
    server = state(request)
    fmt = negotiate(request, _RDF_OFFER)
    if fmt.name == "html":
        return RedirectResponse(server.links.page("about"), status_code=303, headers={"Vary": "Accept"})
    key = ("void", str(request.base_url), fmt.name)
    body = await server.cache.answer(key, lambda: _void_work(server, request, fmt), server.pages.run)
    return _respond(body)


async def dump(request: Request) -> Response:
    """``/dumps/kzgraph.EXT``: the whole dataset in the format of the extension; ``/dumps/kzgraph`` answers
    ``303 See Other`` to the dump in the format the client asks for (``Accept`` or ``?format=``)."""
    server = state(request)
    offer = [formats.by_name(n) for n in DUMPS]
    stem, fmt = by_extension(request.path_params["file"], offer)
    if stem == "kzgraph" and fmt is None:
        chosen = negotiate(request, offer)
        return RedirectResponse(f"/dumps/kzgraph{chosen.extension}", status_code=303, headers={"Vary": "Accept"})
    if stem != "kzgraph" or fmt is None:
        raise HttpError(404, f"no dump called {request.path_params['file']!r}; there are "
                             + ", ".join(f"kzgraph{formats.by_name(n).extension}" for n in DUMPS))
    # streamed as the engine writes it (see streaming): never held whole, however large the store
    disposition = f'inline; filename="kzgraph{fmt.extension}"'
    return stream(server.cache, ("dump", fmt.name), lambda write: server.kg.backend.dump_to(fmt.name, write),
                  media_type(fmt), {"Vary": "Accept", "Content-Disposition": disposition},
                  head=request.method == "HEAD")


async def search(request: Request) -> Response:
    """``/search?q=TEXT``: resources by name, ranked; HTML or a SPARQL results document."""
    server = state(request)
    text = request.query_params.get("q", "").strip()
    limit_text = request.query_params.get("limit", "20")
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= 200:
        raise HttpError(400, "limit must be a whole number from 1 to 200")
    fmt = negotiate(request, SELECT_OFFER)
    limit = int(limit_text)
    if fmt.name == "html":
        hits = []
        if text:
            hits = await server.pages.run(lambda: server.with_index(lambda index: index.search(text, limit=limit)))
        return html(request, "search.html", title="Search", q=text, hits=hits, headers={"Vary": "Accept"})
    find = server.pages.run(lambda: server.with_index(lambda index: index.result(text, limit=limit)))
    result: SelectResult = await find
    return Response(serialize(result, fmt), headers={"Content-Type": media_type(fmt), "Vary": "Accept"})


def _document_work(server: State, iri: str, fmt: Format, lang: str = DEFAULT, carried: str | None = None) -> Answer:
    links = langlinks.carrying(server.links, carried)  # ?lang= kept by the page's links
    if iri == PREFIXES["kz"].rstrip("#"):
        if fmt.name == "html":
            page = server.renderer.render("ontology.html", links, page=ontology_page(server.kg))
            return page.encode("utf-8"), media_type(fmt)
        return serialize(server.kg.query("ontology"), fmt), media_type(fmt)
    if fmt.name != "html":
        quads = description(server.kg, iri)
        if not quads:
            raise UnknownResource(iri)
        return serialize_description(quads, fmt), media_type(fmt)
    page_model = model.resource_page(server.kg, iri)
    if page_model is None:
        raise UnknownResource(iri)
    here = server.links.document(iri, "html") or ""  # the linked resources' names in the page's language:
    shown = localnames.localise(server.kg, localnames.linked(page_model), lang, lambda code: f"{here}?lang={code}")
    page = server.renderer.render("resource.html", links, page=page_model, **shown._asdict())
    return page.encode("utf-8"), media_type(fmt)


async def resource(request: Request) -> Response:
    """Any other path: the IRI it stands for, by content negotiation (303) or by extension (200)."""
    server = state(request)
    path = "/" + request.path_params["path"]
    stem, fmt = by_extension(path, PAGE_OFFER)
    iri = server.mapping.iri(stem)
    if stem.strip("/").split("/", 1)[0] in RESERVED or not stem.strip("/"):
        raise UnknownResource(iri)
    # an HTML page shows the labels in the language asked for (?lang= or Accept-Language; see languages)
    lang, carried = langlinks.chosen(request.query_params.get("lang"), request.headers.get("accept-language")) \
        if fmt is None or fmt.name == "html" else (DEFAULT, None)
    if fmt is None:
        chosen = negotiate(request, PAGE_OFFER)
        html_page = formats.by_name("html")
        await server.cache.answer(("document", iri, "html", lang, carried),
                                  lambda: _document_work(server, iri, html_page, lang, carried), server.pages.run)
        kept = f"?lang={lang}" if "lang" in request.query_params and chosen.name == "html" else ""
        return RedirectResponse(stem + chosen.extension + kept, status_code=303, headers={"Vary": "Accept"})
    document = await server.cache.answer(("document", iri, fmt.name, lang, carried),
                                         lambda: _document_work(server, iri, fmt, lang, carried), server.pages.run)
    return _respond(document, **({"Vary": "Accept, Accept-Language"} if fmt.name == "html" else {}))
