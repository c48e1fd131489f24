"""Canonical IRIs and the paths that serve them, on the server and in the static site.

The dataset's IRIs live under one namespace (``https://w3id.org/kzgraph/``). Wherever kzgraph is served,
the path of a request stands for the IRI with the same path under that namespace: ``/athlete/x`` on
``http://127.0.0.1:8000`` is ``https://w3id.org/kzgraph/athlete/x``. A hash IRI (``ontology#Medal``) is
served by the document of its part before the ``#`` (``/ontology``).

>>> mapping = IriMapping()
>>> mapping.path("https://w3id.org/kzgraph/athlete/david-degtyarev")
'/athlete/david-degtyarev'
>>> mapping.path("https://w3id.org/kzgraph/ontology#Medal")
'/ontology#Medal'
>>> mapping.iri("/athlete/david-degtyarev")
'https://w3id.org/kzgraph/athlete/david-degtyarev'
>>> mapping.path("https://www.wikidata.org/wiki/Q232") is None
True
>>> StaticLinks("event/judo-90kg.html").resource("https://w3id.org/kzgraph/athlete/zarina-raifova")
'../athlete/zarina-raifova.html'
>>> StaticLinks("index.html").resource("https://w3id.org/kzgraph/ontology#Medal")
'ontology.html#Medal'

Only http(s) and relative links are links; an IRI of any other scheme is shown as text:

>>> ServerLinks().href("http://www.wikidata.org/entity/Q232"), ServerLinks().href("javascript:alert(5)")
('http://www.wikidata.org/entity/Q232', None)
"""

from __future__ import annotations

import posixpath
import re
from typing import ClassVar
from urllib.parse import quote, urlencode

from .. import formats
from ..namespaces import BASE

__all__ = ["DOCUMENT_FORMATS", "RESERVED", "IriMapping", "Links", "ServerLinks", "StaticLinks", "safe_link",
           "safe_parts"]

#: First path segments the server uses for itself; IRIs of the namespace under them are not served.
RESERVED = frozenset({"sparql", "queries", "search", "static", "dumps", ".well-known", "resources", "about"})
#: Extensions of the documents that describe a resource, by format name of kzgraph.formats: its page first (the
#: default), then every RDF format of the dumps (``documents``).
DOCUMENT_FORMATS = {name: formats.by_name(name).extension
                    for name in ("html", "ttl", "jsonld", "nt", "rdfxml", "trig", "nq")}
_SAFE = "/:@!$&'()*+,;=-._~"
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LINK_SCHEMES = ("http:", "https:")


class IriMapping:
    """Canonical IRIs under ``base`` ↔ paths on this server."""

    def __init__(self, base: str = BASE) -> None:
        self.base = base

    def path(self, iri: str) -> str | None:
        """The local path (with its ``#fragment``) of an IRI of the namespace; None for other IRIs."""
        if not iri.startswith(self.base):
            return None
        return "/" + iri[len(self.base):]

    def iri(self, path: str) -> str:
        """The canonical IRI a local path stands for."""
        return self.base + path.lstrip("/")

    def document(self, iri: str) -> str:
        """The IRI without its fragment: what a client fetches."""
        return iri.split("#", 1)[0]


def safe_link(url: str) -> str | None:
    """``url`` when a browser would follow it as an http(s) or a relative link; None for every other scheme
    (``javascript:``, ``data:``, ``vbscript:``, ``file:``…), and for text with whitespace or control
    characters, which browsers drop from a URL before they read its scheme (``java\tscript:``).

    >>> [safe_link(u) for u in ("https://x.org/a", "../athlete/x.html", "JavaScript:alert(5)", "data:,x")]
    ['https://x.org/a', '../athlete/x.html', None, None]
    """
    if any(c <= " " or c == "\x7f" for c in url):
        return None
    scheme = _SCHEME.match(url)
    return url if scheme is None or scheme.group().lower() in _LINK_SCHEMES else None


def safe_parts(path: str) -> list[str] | None:
    """The segments of a resource path when each is a plain file name (no ``..``, no separators)."""
    parts = path.strip("/").split("/") if path.strip("/") else []
    return parts if all(_SEGMENT.fullmatch(p) for p in parts) else None


class Links:
    """Where templates link to; subclasses say how for the server and for the static site."""

    mapping = IriMapping()
    has_server = False

    def resource(self, iri: str) -> str | None:
        """A link to the page of an IRI of the namespace, None for others."""
        raise NotImplementedError

    def document(self, iri: str, fmt: str) -> str | None:
        """A link to a resource's document in ``fmt`` (a key of DOCUMENT_FORMATS)."""
        raise NotImplementedError

    def page(self, name: str) -> str:
        """A page of the site: index, resources, ontology, about, search, queries, sparql."""
        raise NotImplementedError

    def static(self, name: str) -> str:
        """A packaged asset (CSS, scripts)."""
        raise NotImplementedError

    def query(self, name: str, **params: str) -> str | None:
        """A link to the answer of a named query with these parameters; None where no server answers queries."""
        return None

    def href(self, iri: str) -> str | None:
        """A link for any IRI: its page when it is in the namespace, else the IRI itself when it is an http(s)
        IRI; None for any other scheme (such an IRI is shown as text, never as a live link)."""
        return self.resource(iri) or safe_link(iri)


class ServerLinks(Links):
    """Absolute paths on the server; a resource's link is its IRI's path (content negotiation picks)."""

    has_server = True
    _PAGES: ClassVar[dict[str, str]] = {"index": "/", "resources": "/resources", "ontology": "/ontology",
                                        "about": "/about", "search": "/search", "queries": "/queries",
                                        "sparql": "/sparql", "void": "/.well-known/void"}

    def resource(self, iri: str) -> str | None:
        path = self.mapping.path(iri)
        return quote(path, safe=_SAFE + "#") if path is not None else None

    def document(self, iri: str, fmt: str) -> str | None:
        path = self.mapping.path(self.mapping.document(iri))
        return quote(path + DOCUMENT_FORMATS[fmt], safe=_SAFE) if path is not None else None

    def page(self, name: str) -> str:
        return self._PAGES[name]

    def static(self, name: str) -> str:
        return f"/static/{name}"

    def query(self, name: str, **params: str) -> str | None:
        return f"/queries/{quote(name, safe='')}" + (f"?{urlencode(params)}" if params else "")


class StaticLinks(Links):
    """Relative links from the file ``current`` (a path inside the site), working from any host or file://."""

    _PAGES: ClassVar[dict[str, str]] = {"index": "index.html", "resources": "resources.html",
                                        "ontology": "ontology.html", "about": "about.html",
                                        "void": ".well-known/void.ttl"}

    def __init__(self, current: str) -> None:
        self.current = current

    def _relative(self, target: str) -> str:
        start = posixpath.dirname(self.current) or "."
        return quote(posixpath.relpath(target, start), safe=_SAFE + "#")

    @classmethod
    def file(cls, iri: str, fmt: str = "html") -> str | None:
        """The site's file for the document of an IRI of the namespace (None for others or unsafe paths)."""
        path = cls.mapping.path(cls.mapping.document(iri))
        parts = safe_parts(path) if path is not None else None
        if parts is None:
            return None
        return ("/".join(parts) if parts else "index") + DOCUMENT_FORMATS[fmt]

    def resource(self, iri: str) -> str | None:
        target = self.file(iri)
        if target is None:
            return None
        fragment = iri.partition("#")[2]
        return self._relative(target) + (f"#{fragment}" if fragment else "")

    def document(self, iri: str, fmt: str) -> str | None:
        target = self.file(iri, fmt)
        return self._relative(target) if target is not None else None

    def page(self, name: str) -> str:
        return self._relative(self._PAGES[name])

    def static(self, name: str) -> str:
        return self._relative(f"static/{name}")
