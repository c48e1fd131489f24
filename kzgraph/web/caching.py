"""HTTP caching: validators, conditional requests and the Cache-Control policy of ``kzgraph serve``, and the
same policy as header files for the static site (``kzgraph publish``).

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
from collections.abc import Callable, Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import formats
from .links import DOCUMENT_FORMATS

__all__ = ["GZIP_MINIMUM", "MAX_AGE", "HttpCaching", "htaccess", "matches", "netlify_headers", "policy"]

#: Seconds a read-only server's answers may be kept (by a browser or a CDN) without asking again.
MAX_AGE = 60
#: Bytes from which a text answer is sent gzip-compressed (when ``Accept-Encoding`` allows it).
GZIP_MINIMUM = 1024
_READ_ONLY = f"public, max-age={MAX_AGE}, stale-while-revalidate={MAX_AGE}"
_CACHEABLE = frozenset({200, 303, 304})
_SAFE = frozenset({"GET", "HEAD"})
#: Paths answered by Starlette's StaticFiles, which sends its own ETag and Last-Modified (of the file).
_OWN_VALIDATORS = "/static/"


def policy(*, updatable: bool, method: str, status: int) -> str:
    """The ``Cache-Control`` of an answer: kept for ``MAX_AGE`` seconds when read-only, revalidated each time
    when updates are allowed; never kept when it is an error, an update or not a GET."""
    if method not in _SAFE or status not in _CACHEABLE:
        return "no-store"
    return "no-cache" if updatable else _READ_ONLY


def matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (the weak comparison of RFC 9110: ``W/`` does not matter).
    ``*`` does not match: whether the resource exists is known only after the work."""
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


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
        validated = method in _SAFE and not scope["path"].startswith(_OWN_VALIDATORS)
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


# --- the static site: the same policy as header files for the hosts that read them --------------------

def _content_types() -> dict[str, str]:
    """Extension → Content-Type of the files ``kzgraph publish`` writes."""
    types = {fmt.extension: f"{fmt.media_type}; charset=utf-8"
             for fmt in (formats.by_name(name) for name in DOCUMENT_FORMATS)}
    return {**types, ".json": "application/json; charset=utf-8", ".css": "text/css; charset=utf-8",
            ".svg": "image/svg+xml"}


def _security(csp: str) -> list[tuple[str, str]]:
    return [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
            ("Content-Security-Policy", csp)]


def netlify_headers(csp: str) -> str:
    """A ``_headers`` file (Netlify, Cloudflare Pages): Cache-Control and the security headers for every path,
    the Content-Type of each extension, and Turtle for ``/.well-known/void``."""
    lines = ["# Written by kzgraph publish: the headers of kzgraph serve (read-only) for this static site.", "/*",
             f"  Cache-Control: {_READ_ONLY}"]
    lines += [f"  {name}: {value}" for name, value in _security(csp)]
    for extension, content_type in _content_types().items():
        lines += [f"/*{extension}", f"  Content-Type: {content_type}"]
    lines += ["/.well-known/void", f"  Content-Type: {_content_types()['.ttl']}"]
    return "\n".join(lines) + "\n"


def _rewrite(extensions: Iterable[tuple[str, str]]) -> list[str]:
    """mod_rewrite rules: an extensionless IRI with a page answers 303 to the document ``Accept`` asks for."""
    lines = ["<IfModule mod_rewrite.c>", "  RewriteEngine On"]
    for extension, media_type in extensions:
        pattern = media_type.replace("+", r"\+")  # a regular expression
        lines += [f"  RewriteCond %{{HTTP_ACCEPT}} {pattern}", "  RewriteCond %{REQUEST_FILENAME} !-f",
                  f"  RewriteCond %{{REQUEST_FILENAME}}{extension} -f",
                  f"  RewriteRule ^(.+)$ $1{extension} [R=303,L]"]
    lines += ["  RewriteCond %{REQUEST_FILENAME} !-f", "  RewriteCond %{REQUEST_FILENAME}.html -f",
              "  RewriteRule ^(.+)$ $1.html [R=303,L]", "</IfModule>"]
    return lines


def htaccess(csp: str) -> str:
    """An Apache ``.htaccess``: Content-Type per extension, Cache-Control and the security headers, gzip of
    text, and content negotiation for the extensionless resource IRIs (303 to ``.ttl``, ``.jsonld``… by
    ``Accept``, else to ``.html``), as ``kzgraph serve`` answers."""
    lines = ["# Written by kzgraph publish: the headers of kzgraph serve (read-only) for this static site.",
             "AddDefaultCharset utf-8"]
    lines += [f"AddType {content_type.split(';')[0]} {extension}" for extension, content_type in
              _content_types().items()]
    lines += ["AddCharset utf-8 " + " ".join(e for e in _content_types() if e != ".svg"),
              '<Files "void">', "  ForceType text/turtle", "</Files>",
              "<IfModule mod_headers.c>", f'  Header set Cache-Control "{_READ_ONLY}"']
    lines += [f'  Header set {name} "{value}"' for name, value in _security(csp)]
    text = sorted({content_type.split(";")[0] for content_type in _content_types().values()})
    lines += ["</IfModule>", "<IfModule mod_deflate.c>", "  AddOutputFilterByType DEFLATE " + " ".join(text),
              "</IfModule>"]
    data = [(fmt.extension, fmt.media_type) for fmt in (formats.by_name(n) for n in DOCUMENT_FORMATS if n != "html")]
    return "\n".join(lines + _rewrite(data)) + "\n"
