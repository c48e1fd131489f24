"""Which backend a store argument means: a path, a URL, an rdflib graph, a SPARQLWrapper, or a backend.

Engines are imported only when chosen, so that ``kzgraph query medals`` on the embedded store never
imports rdflib, SPARQLWrapper or httpx.

>>> kind_of(None), kind_of("kz.store"), kind_of("http://127.0.0.1:7878/query")
('oxigraph', 'oxigraph', 'remote')
>>> kind_of(None, backend="rdflib")
'rdflib'

A string that looks like a URL of another kind (or a mistyped one) is refused rather than taken as a
directory name: ``--store ftp://x/y`` would otherwise make a store in ``./ftp:/x/y/``.

>>> kind_of("ftp://x/y")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
kzgraph.errors.UsageError: unsupported store URL 'ftp://x/y': a store is an http:// or https:// SPARQL
endpoint, or a directory (for a directory of that name, write ./ftp://x/y)
>>> looks_like_url("http//typo/sparql"), looks_like_url("https:/typo"), looks_like_url("C:/kz.store")
(True, True, False)
"""

from __future__ import annotations

import os
import re
from collections import namedtuple
from typing import Any

from ..errors import UsageError
from . import Backend

__all__ = [
    "BACKENDS",
    "Opened",
    "is_url",
    "kind_of",
    "looks_like_url",
    "open_backend",
]

BACKENDS = ("oxigraph", "rdflib", "remote")


def is_url(store: object) -> bool:
    """True for an ``http://`` or ``https://`` string."""
    return isinstance(store, str) and store.lower().startswith(("http://", "https://"))


#: ``scheme:/…`` (any scheme of two letters or more, so that ``C:/…`` stays a path), or ``http``/``https`` with
#: the colon or the slashes missing.
_URL_LIKE = r"(?i)^(?:[a-z][a-z0-9+.-]+:/|https?(?::|//))"


def looks_like_url(store: object) -> bool:
    """True for a string that looks like a URL (``ftp://…``, ``https:/…``, ``http//…``), supported or not."""
    return isinstance(store, str) and (is_url(store) or re.match(_URL_LIKE, store) is not None)


def _is_sparqlwrapper(store: object) -> bool:
    return hasattr(store, "endpoint") and hasattr(store, "updateEndpoint") and hasattr(store, "setQuery")


def kind_of(store: object, *, backend: str | None = None, graph: object = None) -> str:
    """The backend kind for these arguments: oxigraph, rdflib, remote, or ``given`` (a backend object)."""
    if backend is not None and backend not in BACKENDS:
        raise UsageError(f"unknown backend {backend!r}; one of {', '.join(BACKENDS)}")
    if graph is not None:
        kind = "rdflib"
    elif _is_sparqlwrapper(store) or is_url(store):
        kind = "remote"
    elif looks_like_url(store):
        raise UsageError(f"unsupported store URL {store!r}: a store is an http:// or https:// SPARQL endpoint, "
                         f"or a directory (for a directory of that name, write ./{store})")
    elif isinstance(store, Backend):
        kind = "given"
    else:
        kind = backend or "oxigraph"
    if backend is not None and kind not in (backend, "given"):
        raise UsageError(f"--backend {backend} does not fit the store {store!r} (a {kind} store); "
                         f"use a URL for remote, a path or nothing for oxigraph, graph= for rdflib")
    return kind


class Opened(namedtuple("Opened", "backend build")):
    """A backend and whether kzgraph should build its dataset into it (``always``, ``if-empty``, ``never``)."""

    __slots__ = ()


def open_backend(store: Any = None, *, backend: str | None = None, graph: Any = None,
                 options: dict[str, Any] | None = None) -> Opened:
    """Create the backend; ``options`` are the remote backend's keyword arguments (URL, auth, timeout…)."""
    kind = kind_of(store, backend=backend, graph=graph)
    options = {k: v for k, v in (options or {}).items() if v is not None}
    if options and kind != "remote":
        raise UsageError(f"options {', '.join(sorted(options))} are for a remote store (a URL), not {kind}")
    if kind == "given":
        return Opened(store, "never")
    if kind == "remote":
        from .remote import RemoteBackend  # imports httpx

        if _is_sparqlwrapper(store):
            return Opened(RemoteBackend.from_sparqlwrapper(store, **options), "never")
        if not is_url(store):
            raise UsageError("the remote backend needs the endpoint's URL (http://… or https://…)")
        return Opened(RemoteBackend(store, **options), "never")
    if kind == "rdflib":
        from .rdflib import RdflibBackend  # imports rdflib

        if store is not None:
            raise UsageError("the rdflib backend is in memory: give graph=an rdflib Graph/Dataset, or no store")
        return Opened(RdflibBackend(graph), "always" if graph is None else "never")
    from .oxigraph import OxigraphBackend

    if store is None:
        return Opened(OxigraphBackend(), "always")
    if not isinstance(store, (str, os.PathLike)):
        raise UsageError(f"cannot open a store from {type(store).__name__}: give a path, a URL or a backend "
                         f"(a subclass of kzgraph.backends.Backend)")
    return Opened(OxigraphBackend(store), "if-empty")
