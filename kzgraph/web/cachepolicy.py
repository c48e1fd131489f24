"""The Cache-Control policy of ``kzgraph serve`` (see ``caching``), and the same policy as header files for the
static site (``kzgraph publish``); no web framework, so that ``publish`` needs Jinja2 only.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import formats
from .links import DOCUMENT_FORMATS

__all__ = ["GZIP_MINIMUM", "MAX_AGE", "SAFE_METHODS", "htaccess", "matches", "netlify_headers", "policy",
           "security_headers"]

#: Seconds a read-only server's answers may be kept (by a browser or a CDN) without asking again.
MAX_AGE = 60
#: Bytes from which a text answer is sent gzip-compressed (when ``Accept-Encoding`` allows it).
GZIP_MINIMUM = 1024
_READ_ONLY = f"public, max-age={MAX_AGE}, stale-while-revalidate={MAX_AGE}"
_CACHEABLE = frozenset({200, 303, 304})
SAFE_METHODS = frozenset({"GET", "HEAD"})


def policy(*, updatable: bool, method: str, status: int) -> str:
    """The ``Cache-Control`` of an answer: kept for ``MAX_AGE`` seconds when read-only, revalidated each time
    when updates are allowed; never kept when it is an error, an update or not a GET."""
    if method not in SAFE_METHODS or status not in _CACHEABLE:
        return "no-store"
    return "no-cache" if updatable else _READ_ONLY


def matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (the weak comparison of RFC 9110: ``W/`` does not matter).
    ``*`` does not match: whether the resource exists is known only after the work."""
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))



def _content_types() -> dict[str, str]:
    """Extension → Content-Type of the files ``kzgraph publish`` writes."""
    types = {fmt.extension: f"{fmt.media_type}; charset=utf-8"
             for fmt in (formats.by_name(name) for name in DOCUMENT_FORMATS)}
    return {**types, ".json": "application/json; charset=utf-8", ".css": "text/css; charset=utf-8",
            ".svg": "image/svg+xml"}


def security_headers(csp: str) -> list[tuple[str, str]]:
    """The security headers of every answer (the server's and the static site's), with ``csp`` as the policy."""
    return [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
            ("Content-Security-Policy", csp)]


def netlify_headers(csp: str) -> str:
    """A ``_headers`` file (Netlify, Cloudflare Pages): Cache-Control and the security headers for every path,
    the Content-Type of each extension, and Turtle for ``/.well-known/void``."""
    lines = ["# Written by kzgraph publish: the headers of kzgraph serve (read-only) for this static site.", "/*",
             f"  Cache-Control: {_READ_ONLY}"]
    lines += [f"  {name}: {value}" for name, value in security_headers(csp)]
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
    lines += [f'  Header set {name} "{value}"' for name, value in security_headers(csp)]
    text = sorted({content_type.split(";")[0] for content_type in _content_types().values()})
    lines += ["</IfModule>", "<IfModule mod_deflate.c>", "  AddOutputFilterByType DEFLATE " + " ".join(text),
              "</IfModule>"]
    data = [(fmt.extension, fmt.media_type) for fmt in (formats.by_name(n) for n in DOCUMENT_FORMATS if n != "html")]
    return "\n".join(lines + _rewrite(data)) + "\n"
