"""What every route shares: the server's state (its settings are ``web.settings``), negotiation with
``?format=``, bodies with a size limit, and errors as readable answers (HTML for browsers, plain text for
other clients).
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from ..api import KnowledgeGraph
from ..errors import KzgraphError
from ..formats import Format
from ..results import GraphResult, Result, format_result
from .answers import AnswerCache
from .executor import Executor, PageTimeoutError
from .links import DOCUMENT_FORMATS, IriMapping, ServerLinks
from .negotiation import choose, offered, requested
from .problems import HttpError, problem
from .reconciler import Properties, Reconciler
from .render import Renderer
from .settings import Settings
from .sizes import Sizes

if TYPE_CHECKING:
    from ..search import SearchIndex

__all__ = [
    "GRAPH_OFFER",
    "PAGE_OFFER",
    "SELECT_OFFER",
    "Lazy",
    "Settings",
    "State",
    "check_token",
    "error_response",
    "html",
    "media_type",
    "negotiate",
    "read_body",
    "serialize",
    "state",
]

log = logging.getLogger(__name__)

SELECT_OFFER = offered("json", "xml", "csv", "tsv", "html")
GRAPH_OFFER = offered("ttl", "nt", "jsonld", "rdfxml", "html")
PAGE_OFFER = offered(*DOCUMENT_FORMATS)  # a resource's page, then every RDF format of the dumps
_TEXT_OR_HTML = offered("table", "html")


T = TypeVar("T")
R = TypeVar("R")


class Lazy(Generic[T]):
    """A value built on first use by one thread at a time (the others wait for it), and forgotten by
    ``clear()`` when the data change; a value whose build began before the last ``clear()`` answers the
    call that built it but is not kept.

    >>> built = []
    >>> lazy = Lazy(lambda: built.append(1) or len(built))
    >>> lazy.get(), lazy.get(), built
    (1, 1, [1])
    >>> lazy.clear(); lazy.get()
    2
    """

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()  # guards the fields below; held only briefly, never while building
        self._building = threading.Lock()
        self._value: T | None = None
        self._generation = 0

    def get(self) -> T:
        """The value, built now when there is none."""
        with self._building:
            with self._lock:
                if self._value is not None:
                    return self._value
                generation = self._generation
            value = self._build()
            with self._lock:
                if generation == self._generation:
                    self._value = value
            return value

    def clear(self) -> None:
        """Forget the value (the data changed): the next ``get`` builds it again. Never waits for a build."""
        with self._lock:
            self._value = None
            self._generation += 1


class State:
    """The served graph and what the routes share: pools, cache, templates, links.

    The search index belongs to the graph, which replaces it after an update; the routes use it only
    through ``with_index`` (and the reconciliation service through ``reconciler``), under the same lock
    as ``update``, so no request reads an index that an update is closing, and no index or service
    built from the data before an update outlives it.
    """

    def __init__(self, kg: KnowledgeGraph, settings: Settings) -> None:
        self.kg, self.settings = kg, settings
        self.queries = Executor(workers=settings.workers, backlog=settings.backlog, timeout=settings.timeout,
                                name="query")
        self.pages = Executor(workers=2, backlog=64, timeout=settings.timeout, name="page", late=PageTimeoutError,
                              finish_late=True)
        self.cache = AnswerCache(enabled=settings.cache)
        self.renderer = Renderer()
        self.links = ServerLinks()
        self.mapping = IriMapping()
        self.sizes = Sizes(kg.stats)
        self._data = threading.RLock()  # held by an update, and by whatever reads the search index
        self._reconciler: Lazy[Reconciler] = Lazy(self._new_reconciler)
        #: The reconciliation service's properties (a query per request cost 15 ms), until the data change.
        self.properties: Lazy[Properties] = Lazy(lambda: Properties.of(kg))

    def _new_reconciler(self) -> Reconciler:
        return Reconciler.of(self.kg.search_index)

    def update(self, text: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (on a worker thread; relative IRIs resolve against ``base_iri``), then forget
        what was built from the old data."""
        started = time.perf_counter()
        try:
            with self._data:
                self.kg.update(text, base_iri=base_iri)
            log.info("data changed: an update ran in %.3f s", time.perf_counter() - started)
        finally:
            self.data_changed()

    def write(self, change: Callable[[], R]) -> R:
        """``change()``, a write to the graph other than an update (the Graph Store Protocol's), on a worker
        thread under the lock that updates hold; then forget what was built from the old data."""
        try:
            with self._data:
                return change()
        finally:
            self.data_changed()

    def with_index(self, work: Callable[[SearchIndex], R]) -> R:
        """``work(index)`` with the graph's search index (built on first use), on a worker thread."""
        with self._data:
            return work(self.kg.search_index)

    def reconciler(self, work: Callable[[Reconciler], R]) -> R:
        """``work(reconciler)`` with the reconciliation service of the current data, on a worker thread."""
        with self._data:
            return work(self._reconciler.get())

    def data_changed(self) -> None:
        """After an update: forget cached answers, the sizes and the reconciliation service (the graph has
        replaced its search index already). Quick: never waits for a build or an update."""
        self.cache.clear()
        self.sizes.clear()
        self._reconciler.clear()
        self.properties.clear()
        log.debug("cached answers, sizes and the reconciliation service cleared")

    def close(self) -> None:
        """Stop the worker pools."""
        self.queries.close()
        self.pages.close()
        self.sizes.close()


def state(request: Request) -> State:
    """The state of the app that serves ``request``."""
    server = request.app.state.kzgraph  # Starlette's State holds attributes of any type
    assert isinstance(server, State)
    return server


def negotiate(request: Request, offer: Sequence[Format]) -> Format:
    """``?format=`` (a format name, a common alias or a media type) when it names a format on offer (400 when it
    names no format); otherwise the ``Accept`` header decides."""
    value = request.query_params.get("format") or request.query_params.get("output")
    return requested(value, offer) or choose(offer, request.headers.get("accept"))


def media_type(fmt: Format) -> str:
    """The Content-Type for a format (UTF-8 for every textual one)."""
    return f"{fmt.media_type}; charset=utf-8"


def serialize(result: Result, fmt: Format) -> bytes:
    """A query result in a non-HTML format."""
    if isinstance(result, GraphResult) and fmt.kind == "rdf":
        return result.serialize(fmt.name)
    return format_result(result, fmt.name).encode("utf-8")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or HTTP 413 as soon as it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    too_large = HttpError(413, f"the request body is larger than {limit} bytes (the server's --max-body)")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def check_token(request: Request, expected: str) -> None:
    """HTTP 401 without a bearer token, 403 with a wrong one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HttpError(401, "SPARQL Update needs 'Authorization: Bearer TOKEN'",
                        {"WWW-Authenticate": 'Bearer realm="kzgraph"'})
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise HttpError(403, "the bearer token is not the server's update token",
                        {"WWW-Authenticate": 'Bearer realm="kzgraph", error="invalid_token"'})


def html(request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> HTMLResponse:
    """A page rendered with the server's links."""
    server = state(request)
    return HTMLResponse(server.renderer.render(template, server.links, **context), status_code=status, headers=headers)


def error_response(request: Request, exc: KzgraphError, *, iri: str | None = None) -> Response:
    """A kzgraph error as its HTTP status, with an HTML page for browsers and plain text otherwise."""
    answer = problem(exc)
    headers = {"Vary": "Accept", **answer.headers}
    try:
        wants = choose(_TEXT_OR_HTML, request.headers.get("accept"))
    except KzgraphError:
        wants = _TEXT_OR_HTML[0]
    if wants.name == "html":
        return html(request, "error.html", status=answer.status, headers=headers, title=answer.title,
                    status_code=answer.status, message=answer.message, iri=iri)
    return PlainTextResponse(f"{answer.status} {answer.title}: {answer.message}\n", status_code=answer.status,
                             headers=headers)


def one_value(values: Sequence[str], name: str) -> str | None:
    """The one value of a request parameter (None when absent); 400 when it is given more than once."""
    if len(values) > 1:
        raise HttpError(400, f"give the '{name}' parameter once, not {len(values)} times")
    return values[0] if values else None


def body_text(body: bytes) -> str:
    """A request body as UTF-8 text; 400 when it is not UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"the request body is not UTF-8: {exc}") from None


def form_fields(body: bytes) -> dict[str, list[str]]:
    """The fields of an ``application/x-www-form-urlencoded`` body (no multipart library needed)."""
    fields: dict[str, list[str]] = {}
    for key, value in parse_qsl(body_text(body), keep_blank_values=True):
        fields.setdefault(key, []).append(value)
    return fields
