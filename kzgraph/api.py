"""``kzgraph.open()`` and ``KnowledgeGraph``: the library's front door.

>>> with open() as kg:
...     facts = kg.query("athlete", athlete="Fedossova").to_dicts()
>>> sorted({f["sentence"] for f in facts if f["sentence"]})
[11, 12]
"""

from __future__ import annotations

import os
import re
from types import TracebackType

from . import cache
from .backends import Backend, Progress, Source, SourceLike
from .backends.oxigraph import OxigraphBackend
from .errors import UnknownQueryError, UsageError
from .queries import Catalogue, NamedQuery, bind, execute, load_catalogue
from .resources import Resources, find
from .results import Result
from .terms import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from .stats import Stats
    from .validate import ValidationReport

__all__ = ["KnowledgeGraph", "open"]

# regular expressions are compiled on first use (re caches them): compiling all at import costs start-up time
_SPARQL_START = r"(?is)^\s*(?:#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b"


class KnowledgeGraph:
    """The kzgraph dataset in a store; built on first use. Use ``kzgraph.open()`` to get one."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 root: str | os.PathLike[str] | None = None, progress: Progress | None = None) -> None:
        self.path = _path(path) if path is not None else None
        self._root = root
        self._progress = progress
        self._resources: Resources | None = None
        self._catalogue: Catalogue | None = None
        self._backend: Backend | None = None

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.path or 'in memory'}>"

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def resources(self) -> Resources:
        """Where the ontology, data and queries are read from."""
        if self._resources is None:
            self._resources = find(self._root)
        return self._resources

    @property
    def catalogue(self) -> Catalogue:
        """The named queries."""
        if self._catalogue is None:
            self._catalogue = load_catalogue(self.resources.queries_location)
        return self._catalogue

    @property
    def backend(self) -> Backend:
        """The store, built from ontology + data + rules on first use (once, for an on-disk store)."""
        if self._backend is None:
            if self.path is None:
                backend = OxigraphBackend()
                cache.build(backend, self.resources, progress=self._progress)
            else:
                backend = OxigraphBackend(self.path)
                if backend.is_empty():
                    # build in memory, then copy in one transaction: a failed build leaves the store empty
                    scratch = OxigraphBackend()
                    cache.build(scratch, self.resources, progress=self._progress)
                    backend.load([Source(data=scratch.dump("nq"), format="nq", name="built dataset")])
            self._backend = backend
        return self._backend

    def queries(self) -> list[NamedQuery]:
        """The named queries (checks included), by name."""
        return list(self.catalogue.values())

    def query(self, query: str | NamedQuery, /, **params: object) -> Result:
        """Run a named query (by name or NamedQuery) with its parameters, or SPARQL text.

        For SPARQL text, ``params`` bind variables of the same name to typed values
        (``IRI(...)``, ``str``, ``int``, ``Decimal``, ``date``…).
        """
        if isinstance(query, NamedQuery):
            return execute(self.backend, query, bind(query, params))
        if query in self.catalogue:
            named = self.catalogue.get(query)
            return execute(self.backend, named, bind(named, params))
        if re.match(_SPARQL_START, query):
            bindings: dict[str, Value] = {k: v for k, v in params.items() if v is not None}  # type: ignore[misc]
            return self.backend.query(query, bindings=bindings)
        raise UnknownQueryError(query, self.catalogue)

    def load(self, *paths: SourceLike) -> int:
        """Add RDF files to the store, all or none; returns the number of quads added."""
        if not paths:
            raise UsageError("load() needs at least one file")
        return self.backend.load(paths, progress=self._progress)

    def export(self, fmt: str = "trig") -> bytes:
        """The whole dataset; triples formats (ttl, nt, rdfxml) get the union of the graphs."""
        return self.backend.dump(fmt)

    def stats(self) -> Stats:
        """Triples per graph and kind of graph; instances per class."""
        from . import stats  # imported where used, like validate: off the query path

        return stats.compute(self.backend)

    def validate(self, *, shacl: bool = True, checks: bool = True) -> ValidationReport:
        """SHACL shapes (``ontology/shapes.ttl``) and the ``*-violation`` check queries."""
        from . import validate

        shapes = self.resources.shapes if shacl and self.resources.shapes.exists() else None
        return validate.validate(self.backend, shapes, self.catalogue.checks if checks else ())

    def close(self) -> None:
        """Release the store."""
        if self._backend is not None:
            self._backend.close()
            self._backend = None


def _path(path: str | os.PathLike[str]) -> Path:
    from pathlib import Path  # on-disk stores only: pathlib stays off the start-up path of in-memory use

    return Path(path)


def open(path: str | os.PathLike[str] | None = None, *, root: str | os.PathLike[str] | None = None,
         progress: Progress | None = None) -> KnowledgeGraph:
    """The dataset: in memory by default; on disk at ``path`` (built once, reopened fast afterwards).

    ``root`` is a directory with ontology/, data/ and queries/ (default: those shipped with kzgraph).
    """
    return KnowledgeGraph(path, root=root, progress=progress)
