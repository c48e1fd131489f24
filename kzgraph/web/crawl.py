"""The server's routes for crawlers: ``/robots.txt``, ``/sitemap.xml`` (a sitemap index),
``/sitemap-pages.xml`` and ``/sitemap-resources-N.xml`` (see ``sitemaps``), each answer cached per base URL
until the data change. A resource sitemap is one page of the ``sitemap`` query, ``sitemaps.SITEMAP_LIMIT``
resources from ``(N - 1) * SITEMAP_LIMIT`` in its ``ORDER BY``, sliced by the engine (``KnowledgeGraph.page``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..results import SelectResult
from . import sitemaps
from .answers import Answer
from .context import state
from .problems import HttpError
from .schemaorg import Site
from .sitemaps import fixed_pages, index, lastmod, resource_files, robots, sitemap_count, urlset

__all__ = ["pages_sitemap", "resources_sitemap", "robots_txt", "sitemap"]


def _site(request: Request) -> Site:
    return Site(str(request.base_url))


def _xml(body: Answer) -> Response:
    return Response(body[0], headers={"Content-Type": body[1]})


_XML_TYPE = "application/xml; charset=utf-8"


async def robots_txt(request: Request) -> Response:
    """``/robots.txt``: pages allowed, query endpoints disallowed, and the sitemap's absolute URL."""
    return Response(robots(_site(request)), headers={"Content-Type": "text/plain; charset=utf-8"})


async def sitemap(request: Request) -> Response:
    """``/sitemap.xml``: the sitemap index (the pages' sitemap and one per ``sitemaps.SITEMAP_LIMIT`` resources)."""
    server, site = state(request), _site(request)

    def work() -> Answer:
        names = ["sitemap-pages.xml", *(f"sitemap-resources-{n}.xml"
                                        for n in range(1, sitemap_count(server.kg) + 1))]
        return index((site.page(n) for n in names), lastmod(server.kg)), _XML_TYPE

    return _xml(await server.cache.answer(("sitemap", site.base), work, server.pages.run))


async def pages_sitemap(request: Request) -> Response:
    """``/sitemap-pages.xml``: home, about, resources and the ontology."""
    server, site = state(request), _site(request)

    def work() -> Answer:
        return urlset((site.page(p) for p in fixed_pages(server.links)), lastmod(server.kg)), _XML_TYPE

    return _xml(await server.cache.answer(("sitemap-pages", site.base), work, server.pages.run))


async def resources_sitemap(request: Request) -> Response:
    """``/sitemap-resources-N.xml``: the pages of the ``sitemap`` query's N-th ``sitemaps.SITEMAP_LIMIT`` resources."""
    server, site = state(request), _site(request)
    number = request.path_params["number"]

    def work() -> Answer:
        if number < 1 or (number > 1 and number > sitemap_count(server.kg)):
            raise HttpError(404, f"there is no sitemap-resources-{number}.xml; the sitemaps are listed at "
                                 f"{site.page('sitemap.xml')}")
        rows = server.kg.page("sitemap", limit=sitemaps.SITEMAP_LIMIT,
                              offset=(number - 1) * sitemaps.SITEMAP_LIMIT)
        assert isinstance(rows, SelectResult), "sitemap is a SELECT query"
        files = resource_files(str(row[0]) for row in rows)
        return urlset((site.page(f) for f in files), lastmod(server.kg)), _XML_TYPE

    return _xml(await server.cache.answer(("sitemap-resources", site.base, number), work, server.pages.run))
