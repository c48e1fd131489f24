"""A Wikidata SPARQL endpoint, asked the questions in ``queries/wikidata/`` with values bound in VALUES blocks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ..api import KnowledgeGraph
from ..errors import QueryError
from ..queries import NamedQuery, parse_file
from ..resources import find
from ..results import GraphResult, SelectResult
from ..sparqltext import insert_rows
from ..terms import IRI, LangString, Value

__all__ = ["DEFAULT_ENDPOINT", "RETRIES", "TIMEOUT", "USER_AGENT", "Endpoint"]

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
#: Seconds a request to the endpoint may take, and retries on 429/503: ``Endpoint.connect``'s defaults.
TIMEOUT = 60.0
RETRIES = 3
USER_AGENT = "kzgraph (a knowledge graph of Kazakhstan at the Paris 2024 Paralympics; wikidata reconcile/pull)"


class Endpoint:
    """The questions kzgraph asks Wikidata, of any store (a remote endpoint, or a local copy in tests)."""

    def __init__(self, kg: KnowledgeGraph, url: str, *, queries_dir: Path | None = None) -> None:
        self.kg = kg
        self.url = url
        directory = (queries_dir or find().queries_dir) / "wikidata"
        self._candidates = parse_file(directory / "candidates.rq")
        self._statements = parse_file(directory / "statements.rq")

    @classmethod
    def connect(cls, url: str = DEFAULT_ENDPOINT, *, timeout: float = TIMEOUT, retries: int = RETRIES) -> Endpoint:
        """A polite client of the endpoint at ``url``: descriptive User-Agent, timeout, retries on 429/503."""
        kg = KnowledgeGraph(url, backend="remote", headers={"User-Agent": USER_AGENT}, timeout=timeout,
                            retries=retries, default_graph="server")
        return cls(kg, url)

    def close(self) -> None:
        """Release the connection pool."""
        self.kg.close()

    @property
    def statements_query(self) -> NamedQuery:
        """The CONSTRUCT query that ``pull`` sends (its text is recorded with the snapshot)."""
        return self._statements

    def candidates(self, names: Sequence[LangString], *, batch: int = 100) -> Iterator[dict[str, Value | None]]:
        """Rows of ``candidates.rq`` for the given names, ``batch`` names per request."""
        for start in range(0, len(names), batch):
            chunk = names[start:start + batch]
            result = self.kg.sparql(insert_rows(self._candidates.sparql, ["name"], [(n,) for n in chunk]))
            if not isinstance(result, SelectResult):
                raise QueryError(f"{self._candidates.path}: expected a SELECT query")
            yield from result.to_dicts()

    def statements(self, items: Sequence[IRI]) -> GraphResult:
        """What Wikidata says about the items (``statements.rq``), in one request."""
        result = self.kg.sparql(insert_rows(self._statements.sparql, ["item"], [(i,) for i in items]))
        if not isinstance(result, GraphResult):
            raise QueryError(f"{self._statements.path}: expected a CONSTRUCT query")
        return result
