"""``sitemap.xml`` and ``robots.txt``, served (routes) and published (files), so crawlers find every page.

``/sitemap.xml`` is a sitemap index (https://www.sitemaps.org/protocol.html): ``sitemap-pages.xml`` (home,
about, resources, the ontology) and ``sitemap-resources-N.xml``, each with at most ``SITEMAP_LIMIT`` URLs (the
protocol's 50,000), so that a store of ten million triples gives many small sitemaps, not one huge file. The
server reads one page of the ``sitemap`` query per sitemap (its ``ORDER BY`` sliced by ``LIMIT``/``OFFSET``)
and counts them with the internal ``sitemap-size`` query; a published site lists the pages it wrote. Every
``<lastmod>`` is the data's last change (``dataset-description``). ``robots.txt`` lets crawlers read the pages,
keeps them off the SPARQL endpoint and the other query endpoints, and names the sitemap.

>>> from kzgraph.web.schemaorg import Site
>>> print(robots(Site("http://127.0.0.1:8000/")), end="")
# kzgraph: the pages are for everyone; the query endpoints are not for crawlers
User-agent: *
Allow: /
Disallow: /sparql
Disallow: /queries/
Disallow: /search
Disallow: /reconcile
Disallow: /store
Sitemap: http://127.0.0.1:8000/sitemap.xml
>>> print(urlset(["http://x.org/"], "2026-11-24").decode())  # doctest: +NORMALIZE_WHITESPACE
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://x.org/</loc><lastmod>2026-11-24</lastmod></url>
</urlset>
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response

from ..api import KnowledgeGraph
from ..namespaces import BASE
from ..queries import execute, internal_query
from ..results import SelectResult
from .answers import Answer
from .context import state
from .links import RESERVED, Links, StaticLinks
from .problems import HttpError
from .schemaorg import Site, describe

__all__ = ["SITEMAP_LIMIT", "index", "pages_sitemap", "resource_files", "resources_sitemap", "robots",
           "robots_txt", "site_files", "sitemap", "urlset"]

#: The most URLs a sitemap may hold (the protocol's limit).
SITEMAP_LIMIT = 50_000
#: Paths crawlers are asked to keep off: the query endpoints (a page of results is not a page to index).
ENDPOINTS = ("sparql", "queries/", "search", "reconcile", "store")
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_ONTOLOGY = f"{BASE}ontology"


def _entry(tag: str, loc: str, lastmod: str | None) -> str:
    modified = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
    return f"<{tag}><loc>{escape(loc)}</loc>{modified}</{tag}>\n"


def urlset(urls: Iterable[str], lastmod: str | None) -> bytes:
    """A sitemap of ``urls`` (absolute; at most ``SITEMAP_LIMIT``), each with ``lastmod``."""
    body = "".join(_entry("url", url, lastmod) for url in urls)
    return f'{_XML}<urlset xmlns="{_NS}">\n{body}</urlset>\n'.encode()


def index(sitemaps: Iterable[str], lastmod: str | None) -> bytes:
    """A sitemap index of the sitemaps at these absolute URLs."""
    body = "".join(_entry("sitemap", url, lastmod) for url in sitemaps)
    return f'{_XML}<sitemapindex xmlns="{_NS}">\n{body}</sitemapindex>\n'.encode()


def robots(site: Site) -> str:
    """``robots.txt`` for a site at ``site.base`` (its path prefixes every rule: one at a host's root is ``/``)."""
    root = urlsplit(site.base).path or "/"
    rules = "".join(f"Disallow: {root}{path}\n" for path in ENDPOINTS)
    return ("# kzgraph: the pages are for everyone; the query endpoints are not for crawlers\n"
            f"User-agent: *\nAllow: {root}\n{rules}Sitemap: {site.page('sitemap.xml')}\n")


def resource_files(iris: Iterable[str]) -> list[str]:
    """The HTML files (paths under the site's base) of the resources with a page: those whose IRI's path is a
    plain file name outside the server's own paths (``links.RESERVED``); a server serves them at the same path."""
    found = []
    for iri in iris:
        name = StaticLinks.file(iri)
        if name is not None and name.split("/", 1)[0] not in RESERVED:
            found.append(name)
    return found


def _fixed_pages(links: Links) -> list[str]:
    """Home, about, resources and the ontology's page, as ``links`` reach them from the site's root."""
    return [*(links.page(name) for name in ("index", "about", "resources")), links.document(_ONTOLOGY, "html") or ""]


def site_files(site: Site, pages: list[str], lastmod: str | None) -> list[tuple[str, bytes]]:
    """The files of a published site: ``robots.txt``, the index ``sitemap.xml``, ``sitemap-pages.xml`` and the
    sitemaps of ``pages`` (resource files, in the order given) by ``SITEMAP_LIMIT``."""
    root = StaticLinks("index.html")
    chunks = [pages[start:start + SITEMAP_LIMIT] for start in range(0, len(pages), SITEMAP_LIMIT)]
    names = ["sitemap-pages.xml", *(f"sitemap-resources-{n}.xml" for n in range(1, len(chunks) + 1))]
    files = [("robots.txt", robots(site).encode()), ("sitemap.xml", index((site.page(n) for n in names), lastmod)),
             ("sitemap-pages.xml", urlset((site.page(p) for p in _fixed_pages(root)), lastmod))]
    files += [(name, urlset((site.page(p) for p in chunk), lastmod)) for name, chunk in zip(names[1:], chunks,
                                                                                           strict=True)]
    return files


def _lastmod(kg: KnowledgeGraph) -> str | None:
    return describe(kg).modified()


def sitemap_count(kg: KnowledgeGraph) -> int:
    """How many resource sitemaps the data need (at least one, empty when there is no resource)."""
    result = execute(kg.backend, internal_query("sitemap-size"))
    assert isinstance(result, SelectResult), "sitemap-size is a SELECT query"
    (row,) = result.rows
    count = int(str(row[0] or 0))
    return max(1, -(-count // SITEMAP_LIMIT))


def _site(request: Request) -> Site:
    return Site(str(request.base_url))


def _xml(body: Answer) -> Response:
    return Response(body[0], headers={"Content-Type": body[1]})


_XML_TYPE = "application/xml; charset=utf-8"


async def robots_txt(request: Request) -> Response:
    """``/robots.txt``: pages allowed, query endpoints disallowed, and the sitemap's absolute URL."""
    return Response(robots(_site(request)), headers={"Content-Type": "text/plain; charset=utf-8"})


async def sitemap(request: Request) -> Response:
    """``/sitemap.xml``: the sitemap index (the pages' sitemap and one per ``SITEMAP_LIMIT`` resources)."""
    server, site = state(request), _site(request)

    def work() -> Answer:
        names = ["sitemap-pages.xml", *(f"sitemap-resources-{n}.xml"
                                        for n in range(1, sitemap_count(server.kg) + 1))]
        return index((site.page(n) for n in names), _lastmod(server.kg)), _XML_TYPE

    return _xml(await server.cache.answer(("sitemap", site.base), work, server.pages.run))


async def pages_sitemap(request: Request) -> Response:
    """``/sitemap-pages.xml``: home, about, resources and the ontology."""
    server, site = state(request), _site(request)

    def work() -> Answer:
        return urlset((site.page(p) for p in _fixed_pages(server.links)), _lastmod(server.kg)), _XML_TYPE

    return _xml(await server.cache.answer(("sitemap-pages", site.base), work, server.pages.run))


async def resources_sitemap(request: Request) -> Response:
    """``/sitemap-resources-N.xml``: the pages of the ``sitemap`` query's N-th ``SITEMAP_LIMIT`` resources."""
    server, site = state(request), _site(request)
    number = request.path_params["number"]

    def work() -> Answer:
        if number < 1 or (number > 1 and number > sitemap_count(server.kg)):
            raise HttpError(404, f"there is no sitemap-resources-{number}.xml; the sitemaps are listed at "
                                 f"{site.page('sitemap.xml')}")
        rows = server.kg.page("sitemap", limit=SITEMAP_LIMIT, offset=(number - 1) * SITEMAP_LIMIT)
        assert isinstance(rows, SelectResult), "sitemap is a SELECT query"
        files = resource_files(str(row[0]) for row in rows)
        return urlset((site.page(f) for f in files), _lastmod(server.kg)), _XML_TYPE

    return _xml(await server.cache.answer(("sitemap-resources", site.base, number), work, server.pages.run))
