"""The ASGI app of ``kzgraph serve``: routes, limits, CORS and security headers over any KnowledgeGraph.

>>> from kzgraph.web.app import ROUTES
>>> [path for path, _ in ROUTES][:4]
['/', '/sparql', '/queries', '/queries/{name}']
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import KnowledgeGraph
from ..errors import KzgraphError
from . import crawl, graphstore, openapi, pages, reconciliation, sparql
from .cachepolicy import security_headers
from .caching import GZIP_MINIMUM, HttpCaching
from .context import State, error_response
from .executor import Stopping
from .problems import HttpError
from .render import CONTENT_SECURITY_POLICY, STATIC
from .settings import DEFAULT_LOG_LEVEL, Settings

__all__ = ["ROUTES", "Settings", "create_app", "serve"]

ROUTES: list[tuple[str, Any]] = [
    ("/", pages.home),
    ("/sparql", sparql.endpoint),
    ("/queries", sparql.catalogue),
    ("/queries/{name}", sparql.named_query),
    ("/search", pages.search),
    ("/openapi.json", openapi.Endpoint()),
    ("/resources", pages.resources),
    ("/about", pages.about),
    ("/.well-known/void", pages.void),
    ("/dumps/{file}", pages.dump),
    ("/reconcile", reconciliation.reconcile),
    ("/reconcile/suggest/entity", reconciliation.suggest),
    ("/reconcile/suggest/property", reconciliation.suggest_property),
    ("/reconcile/properties", reconciliation.properties),
    ("/reconcile/preview", reconciliation.preview),
    ("/robots.txt", crawl.robots_txt),
    ("/sitemap.xml", crawl.sitemap),
    ("/sitemap-pages.xml", crawl.pages_sitemap),
    ("/sitemap-resources-{number:int}.xml", crawl.resources_sitemap),
]
_POST = ("/sparql", "/reconcile")
_SECURITY_HEADERS = [(name.lower().encode("ascii"), value.encode("ascii"))  # CSP: also the static site's <meta>
                     for name, value in security_headers(CONTENT_SECURITY_POLICY)] + [(b"server", b"kzgraph")]


class _Headers:
    """Adds the security headers to every response (pure ASGI, so it also covers errors and static files)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in _SECURITY_HEADERS}
                message["headers"] = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names] + \
                    _SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, add_headers)


class _GiveUp:
    """A request that the server cancels (it is stopping and the request's grace period is over) is answered
    503 (``Stopping``), as a pure ASGI layer around the routes: the cancellation reaches a request wherever it
    waits (a worker pool, or the answer cache's build that other requests share), and uvicorn would log a
    request that ends cancelled as an error with a traceback. Work the engine cannot stop stays on its worker."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except asyncio.CancelledError:
            if started:  # too late for another answer
                raise
            await error_response(Request(scope, receive), Stopping())(scope, receive, send)


async def _kzgraph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KzgraphError)
    return error_response(request, exc, iri=getattr(exc, "iri", None))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    return error_response(request, HttpError(exc.status_code, str(exc.detail), headers))


def create_app(kg: KnowledgeGraph, settings: Settings | None = None) -> Starlette:
    """The app serving ``kg``; ``settings`` default to the safe ones."""
    settings = settings or Settings()
    server = State(kg, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        server.close()

    routes: list[Any] = [Route(path, endpoint, methods=["GET", "POST"] if path in _POST else ["GET"],
                               name=path.strip("/").replace("/", "-").replace(".", "") or "home")
                         for path, endpoint in ROUTES]
    routes.append(Route("/store", graphstore.store, methods=graphstore.METHODS, name="store"))
    routes.append(Mount("/static", StaticFiles(directory=str(STATIC), follow_symlink=False), name="static"))
    routes.append(Route("/{path:path}", pages.resource, methods=["GET"], name="resource"))
    middleware = [Middleware(_Headers)]
    if settings.cors:  # PUT and DELETE (of /store) only where writes are on
        methods = ["GET", "POST", *(["PUT", "DELETE"] if settings.allow_update else [])]
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors), allow_methods=methods,
                                     allow_headers=["Accept", "Content-Type", "Authorization", "If-None-Match"],
                                     expose_headers=["Content-Location", "Vary", "ETag"], max_age=600))
    # text answers over 1 KiB gzipped when the client accepts it (large ones on a thread); ETag, Last-Modified,
    # Cache-Control, and 304 before any work for a GET whose validators match (see caching)
    middleware.append(Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM, compresslevel=6))
    middleware.append(Middleware(HttpCaching, generation=lambda: server.cache.generation,
                                 updatable=settings.allow_update))
    middleware.append(Middleware(_GiveUp))  # innermost: its answer gets the headers above
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={KzgraphError: _kzgraph_error, HTTPException: _http_error})
    app.state.kzgraph = server
    return app


#: Seconds that running requests are given to finish when the server is told to stop (whole: uvicorn takes an int).
SHUTDOWN_GRACE = 2
#: Bytes of a request's head beyond --max-body (request line and headers) that still reach the app.
HEAD_ALLOWANCE = 64 * 1024


def serve(kg: KnowledgeGraph, settings: Settings, *, log_level: str = DEFAULT_LOG_LEVEL) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(kg, settings), host=settings.host, port=settings.port, log_level=log_level,
                server_header=False, proxy_headers=False,
                # h11, whose buffer for a request's head is set here: a query string up to --max-body reaches
                # the app (which answers 414 beyond it) however the client's bytes arrive (httptools refuses a
                # head over about 64 KiB with a bare 400)
                http="h11", h11_max_incomplete_event_size=settings.max_body + HEAD_ALLOWANCE,
                # on SIGINT or SIGTERM, requests still running (a query the engine cannot stop) are given
                # this long, then answered 503 (_GiveUp)
                timeout_graceful_shutdown=SHUTDOWN_GRACE)
