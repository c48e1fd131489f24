"""Which index a store is searched with: a file beside an on-disk store's generation, else one in memory.

An on-disk pyoxigraph store keeps ``<store>/g000002.search.sqlite`` beside generation ``g000002``: built once
from the ``labels`` and ``resource-types`` queries when the generation is new, then only opened; it goes
with its generation when that is cleaned up. When the store's directory cannot be written, the index is
built in memory for this process. Every other store (in memory, rdflib, remote) gets one in memory.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence

from ..backends import Backend
from ..errors import BackendError
from ..queries import Catalogue, NamedQuery, load_catalogue
from .build import Name, build, open_file, save
from .rank import SearchIndex

__all__ = ["SUFFIX", "index_of", "index_path", "names_of"]

SUFFIX = ".search.sqlite"
log = logging.getLogger(__name__)


def names_of(backend: Backend, catalogue: Catalogue) -> Iterator[Name]:
    """Every name of every resource (``labels``), with its class label (``resource-types``); kzgraph's own
    queries when ``catalogue`` (a ``--home`` of one's own) lacks them."""
    if "labels" not in catalogue or "resource-types" not in catalogue:
        catalogue = load_catalogue()
    types: dict[str, str] = {}
    for resource, kind in _rows(backend, catalogue["resource-types"]):
        types.setdefault(resource, kind)
    for resource, name, kind, lang in _rows(backend, catalogue["labels"]):
        yield Name(resource, name, kind, lang, types.get(resource))


def _rows(backend: Backend, query: NamedQuery) -> Iterable[Sequence[str]]:
    """A query's rows as strings ('' when unbound); pyoxigraph writes them itself, much faster."""
    return backend.select_strings(query.sparql)


def index_path(backend: Backend) -> str | None:
    """Where the index of this store's current generation lives; None for a store without generations."""
    if backend.generation is not None:
        return backend.generation + SUFFIX
    return None


def index_of(backend: Backend, catalogue: Catalogue) -> SearchIndex:
    """The index of ``backend``: opened when its file exists, else built (and saved beside the store)."""
    path = index_path(backend)
    if path is not None:
        db = open_file(path)
        if db is not None:
            return SearchIndex(db=db, path=path)
    start = time.perf_counter()
    db = build(names_of(backend, catalogue))
    if path is not None:
        try:
            save(db, path)
        except BackendError as exc:
            log.warning("%s; searching an index in memory instead", exc)
        else:
            saved = open_file(path)
            if saved is not None:  # the file, not the copy in memory: the memory goes back
                db.close()
                log.info("search index built in %.2f s: %s", time.perf_counter() - start, path)
                return SearchIndex(db=saved, path=path)
    log.info("search index built in %.2f s (in memory)", time.perf_counter() - start)
    return SearchIndex(db=db)
