"""A Wikidata SPARQL endpoint, asked the questions in ``queries/wikidata/`` with values bound in VALUES blocks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ..backends import Backend
from ..errors import QueryError
from ..queries import NamedQuery, parse_file
from ..resources import find
from ..results import GraphResult, SelectResult
from ..sparqltext import insert_rows
from ..terms import IRI, LangString, Value

__all__ = ["DEFAULT_ENDPOINT", "USER_AGENT", "Endpoint"]

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = "kzgraph (a knowledge graph of Kazakhstan at the Paris 2024 Paralympics; wikidata reconcile/pull)"


class Endpoint:
    """The questions kzgraph asks Wikidata, over any backend (a remote endpoint, or a local copy in tests)."""

    def __init__(self, backend: Backend, url: str, *, queries_dir: Path | None = None) -> None:
        self.backend = backend
        self.url = url
        directory = (queries_dir or find().queries_dir) / "wikidata"
        self._candidates = parse_file(directory / "candidates.rq")
        self._statements = parse_file(directory / "statements.rq")

    @classmethod
    def connect(cls, url: str = DEFAULT_ENDPOINT, *, timeout: float = 60.0, retries: int = 3) -> Endpoint:
        """A polite client of the endpoint at ``url``: descriptive User-Agent, timeout, retries on 429/503."""
        from ..backends.remote import RemoteBackend

        backend = RemoteBackend(url, headers={"User-Agent": USER_AGENT}, timeout=timeout, retries=retries,
                                default_graph="server")
        return cls(backend, url)

    def close(self) -> None:
        """Release the connection pool."""
        self.backend.close()

    @property
    def statements_query(self) -> NamedQuery:
        """The CONSTRUCT query that ``pull`` sends (its text is recorded with the snapshot)."""
        return self._statements

    def candidates(self, names: Sequence[LangString], *, batch: int = 100) -> Iterator[dict[str, Value | None]]:
        """Rows of ``candidates.rq`` for the given names, ``batch`` names per request."""
        for start in range(0, len(names), batch):
            chunk = names[start:start + batch]
            result = self.backend.query(insert_rows(self._candidates.sparql, ["name"], [(n,) for n in chunk]))
            if not isinstance(result, SelectResult):
                raise QueryError(f"{self._candidates.path}: expected a SELECT query")
            yield from result.to_dicts()

    def statements(self, items: Sequence[IRI]) -> GraphResult:
        """What Wikidata says about the items (``statements.rq``), in one request."""
        result = self.backend.query(insert_rows(self._statements.sparql, ["item"], [(i,) for i in items]))
        if not isinstance(result, GraphResult):
            raise QueryError(f"{self._statements.path}: expected a CONSTRUCT query")
        return result
