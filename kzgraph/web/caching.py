"""HTTP caching: validators, conditional requests and the Cache-Control policy of ``kzgraph serve`` (the
policy itself, shared with the static site's header files, is in ``cachepolicy``).

Every answer of a GET (pages, dumps, named queries, ``/sparql?query=``) is a function of the data and the
request (path, query string, ``Accept``, ``Accept-Language``, host) only, so its validator is known *before*
the work:

- ``ETag``: weak, ``W/"<server>-<generation>-<variant>"``; the generation is the answer cache's (every update
  starts a new one), the server part changes at each start, and the variant hashes the request, ``Accept``
  included, so a Turtle and an HTML answer of one IRI differ. A matching ``If-None-Match`` is answered
  ``304 Not Modified`` at once: no query runs.
- ``Last-Modified``: when the data last changed (the server's start, or the last update), rounded up to the
  next whole second; ``If-Modified-Since`` (when no ``If-None-Match`` is given) at or after it is a 304.
- ``Cache-Control`` (``policy``): ``public, max-age=60, stale-while-revalidate=60`` on a read-only server, so a
  CDN in front may keep answers for a minute; ``no-cache`` (keep, but revalidate each time) with
  ``--allow-update``; ``no-store`` for errors, updates and every other method. An answer whose route set its
  own ``Cache-Control`` (``/about`` while the sizes are being counted) keeps it and gets no validators.

>>> policy(updatable=False, method="GET", status=200)
'public, max-age=60, stale-while-revalidate=60'
>>> policy(updatable=True, method="GET", status=200), policy(updatable=False, method="GET", status=404)
('no-cache', 'no-store')
>>> matches('W/"a-1-x", "b"', 'W/"a-1-x"'), matches('"a-1-y"', 'W/"a-1-x"'), matches("*", 'W/"a-1-x"')
(True, False, False)
"""

from __future__ import annotations

import email.utils
import hashlib
import math
import secrets
import time
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .cachepolicy import GZIP_MINIMUM, MAX_AGE, SAFE_METHODS, matches, policy

__all__ = ["GZIP_MINIMUM", "MAX_AGE", "HttpCaching", "matches", "policy"]

#: Paths answered by Starlette's StaticFiles, which sends its own ETag and Last-Modified (of the file).
_OWN_VALIDATORS = "/static/"


class HttpCaching:
    """Pure ASGI: 304 for a GET whose validators match (before the routes run), else ``ETag``,
    ``Last-Modified`` and ``Cache-Control`` on the answer. ``generation()`` is the data's generation (it
    changes with every update); ``updatable`` says whether updates are allowed."""

    def __init__(self, app: ASGIApp, *, generation: Callable[[], int], updatable: bool) -> None:
        self.app, self.generation, self.updatable = app, generation, updatable
        self.server = secrets.token_hex(4)  # another start may serve other data under the same generation
        self._seen = generation()
        self._changed = time.time()

    def _current(self) -> tuple[int, float]:
        """The generation and when the data changed to it (noticed at the first request or answer after)."""
        generation = self.generation()
        if generation != self._seen:
            self._seen, self._changed = generation, time.time()
        return self._seen, self._changed

    def _validators(self, scope: Scope, headers: Headers) -> tuple[str, str | None]:
        generation, changed = self._current()
        variant = "\n".join((scope.get("scheme", "http"), headers.get("host", ""), scope.get("root_path", ""),
                             scope["path"], scope.get("query_string", b"").decode("latin-1"),
                             headers.get("accept", ""), headers.get("accept-language", "")))
        digest = hashlib.sha256(variant.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        # a whole second after the change, so that an If-Modified-Since of that second saw the change
        # (before that second is over, no Last-Modified: the ETag alone validates)
        second = math.ceil(changed)
        modified = email.utils.formatdate(second, usegmt=True) if time.time() >= second else None
        return f'W/"{self.server}-{generation}-{digest}"', modified

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        headers = Headers(scope=scope)
        validated = method in SAFE_METHODS and not scope["path"].startswith(_OWN_VALIDATORS)
        etag, modified = self._validators(scope, headers) if validated else ("", None)
        if validated and _not_modified(headers, etag, modified):
            await self._send_not_modified(send, etag, modified)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", []))
                answer = MutableHeaders(scope=message)
                status = message["status"]
                self._current()  # an update's own answer: the data changed now
                if "cache-control" not in answer:
                    answer["Cache-Control"] = policy(updatable=self.updatable, method=method, status=status)
                    if validated and status == 200:
                        answer["ETag"] = etag
                        if modified is not None:
                            answer["Last-Modified"] = modified
            await send(message)

        await self.app(scope, receive, add_headers)

    async def _send_not_modified(self, send: Send, etag: str, modified: str | None) -> None:
        headers = [(b"etag", etag.encode("latin-1")),
                   (b"cache-control", policy(updatable=self.updatable, method="GET", status=304).encode("latin-1")),
                   (b"vary", b"Accept, Accept-Encoding")]
        if modified is not None:
            headers.append((b"last-modified", modified.encode("latin-1")))
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _not_modified(headers: Headers, etag: str, modified: str | None) -> bool:
    """RFC 9110 section 13.2.2: ``If-None-Match`` when given, else ``If-Modified-Since``."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        return matches(if_none_match, etag)
    since = headers.get("if-modified-since")
    if since is None or modified is None:
        return False
    try:
        asked, last = email.utils.parsedate_to_datetime(since), email.utils.parsedate_to_datetime(modified)
    except (TypeError, ValueError):  # not an HTTP date: ignored, as RFC 9110 says
        return False
    return asked.tzinfo is not None and asked >= last
