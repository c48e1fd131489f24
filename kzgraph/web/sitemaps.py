"""``sitemap.xml`` and ``robots.txt``, served (routes) and published (files), so crawlers find every page.

``/sitemap.xml`` is a sitemap index (https://www.sitemaps.org/protocol.html): ``sitemap-pages.xml`` (home,
about, resources, the ontology) and ``sitemap-resources-N.xml``, each with at most ``SITEMAP_LIMIT`` URLs (the
protocol's 50,000), so that a store of ten million triples gives many small sitemaps, not one huge file. The
server reads one page of the ``sitemap`` query per sitemap (its ``ORDER BY`` sliced by ``LIMIT``/``OFFSET``)
and counts them with the internal ``sitemap-size`` query; a published site lists the pages it wrote. Every
``<lastmod>`` is the data's last change (``dataset-description``). ``robots.txt`` lets crawlers read the pages,
keeps them off the SPARQL endpoint and the other query endpoints, and names the sitemap. The server's routes
are in ``crawl``; this module needs no web framework, so ``kzgraph publish`` needs Jinja only.

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

from ..api import KnowledgeGraph
from ..binding import execute
from ..namespaces import BASE
from ..queries import internal_query
from ..results import SelectResult
from .links import RESERVED, Links, StaticLinks
from .schemaorg import Site, describe

__all__ = ["ENDPOINTS", "SITEMAP_LIMIT", "fixed_pages", "index", "lastmod", "resource_files", "robots", "site_files",
           "sitemap_count", "urlset"]

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


def fixed_pages(links: Links) -> list[str]:
    """Home, about, resources and the ontology's page, as ``links`` reach them from the site's root."""
    return [*(links.page(name) for name in ("index", "about", "resources")), links.document(_ONTOLOGY, "html") or ""]


def site_files(site: Site, pages: list[str], lastmod: str | None) -> list[tuple[str, bytes]]:
    """The files of a published site: ``robots.txt``, the index ``sitemap.xml``, ``sitemap-pages.xml`` and the
    sitemaps of ``pages`` (resource files, in the order given) by ``SITEMAP_LIMIT``."""
    root = StaticLinks("index.html")
    chunks = [pages[start:start + SITEMAP_LIMIT] for start in range(0, len(pages), SITEMAP_LIMIT)]
    names = ["sitemap-pages.xml", *(f"sitemap-resources-{n}.xml" for n in range(1, len(chunks) + 1))]
    files = [("robots.txt", robots(site).encode()), ("sitemap.xml", index((site.page(n) for n in names), lastmod)),
             ("sitemap-pages.xml", urlset((site.page(p) for p in fixed_pages(root)), lastmod))]
    files += [(name, urlset((site.page(p) for p in chunk), lastmod)) for name, chunk in zip(names[1:], chunks,
                                                                                           strict=True)]
    return files


def lastmod(kg: KnowledgeGraph) -> str | None:
    """The data's last change, for ``<lastmod>`` (``dataset-description``)."""
    return describe(kg).modified()


def sitemap_count(kg: KnowledgeGraph) -> int:
    """How many resource sitemaps the data need (at least one, empty when there is no resource)."""
    result = execute(kg.backend, internal_query("sitemap-size"))
    assert isinstance(result, SelectResult), "sitemap-size is a SELECT query"
    (row,) = result.rows
    count = int(str(row[0] or 0))
    return max(1, -(-count // SITEMAP_LIMIT))
