"""What the reconciliation service answers from (``Reconciler``): ranked candidates for a batch of W3C
Entity Reconciliation queries, from the search index of one state of the data. The routes are in
``kzgraph.web.reconciliation``; the server's state keeps one Reconciler until the data changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..namespaces import KZ
from ..search import Hit, SearchIndex
from .problems import HttpError

__all__ = ["MATCH_SCORE", "MAX_LIMIT", "Reconciler"]

MATCH_SCORE = 0.9  # a top candidate at or above this, clearly ahead of the next, is a match
MAX_LIMIT = 50
_CLASSES = ("Athlete", "Medal", "Event", "Sport", "Venue", "Games", "Delegation", "Country", "City", "Record")


@dataclass(frozen=True)
class Reconciler:
    """What the service answers from: the search index of one state of the data, and the reconcilable
    classes it names (IRI → label). The server keeps one until an update (``State.reconciler``)."""

    index: SearchIndex
    types: dict[str, str]

    @classmethod
    def of(cls, index: SearchIndex) -> Reconciler:
        """The service over ``index``."""
        return cls(index, {KZ[name]: entity[0] for name in _CLASSES if (entity := index.entity(KZ[name])) is not None})

    def candidates(self, batch: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The answer to a batch of queries: ranked candidates for each."""
        return {key: {"result": _candidates(self.index, self.types, query)} for key, query in batch.items()}


def _candidates(index: SearchIndex, types: dict[str, str], query: dict[str, Any]) -> list[dict[str, Any]]:
    text = query.get("query")
    if not isinstance(text, str):
        raise HttpError(400, "each reconciliation query needs a 'query' string")
    limit = query.get("limit", 5)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"'limit' must be a whole number from 1 to {MAX_LIMIT}")
    wanted = query.get("type")
    wanted_ids = [wanted] if isinstance(wanted, str) else wanted if isinstance(wanted, list) else []
    unknown = [t for t in wanted_ids if t not in types]
    if unknown:
        raise HttpError(400, f"unknown type {unknown[0]!r}; known: {', '.join(types)}")
    allowed = {types[t] for t in wanted_ids}
    hits = [h for h in index.search(text, limit=MAX_LIMIT) if not allowed or h.type in allowed][:limit]
    by_label = {label: type_id for type_id, label in types.items()}
    return [_candidate(h, by_label, i == 0 and _is_match(hits)) for i, h in enumerate(hits)]


def _is_match(hits: list[Hit]) -> bool:
    return bool(hits) and hits[0].score >= MATCH_SCORE and (len(hits) == 1 or hits[1].score < hits[0].score)


def _candidate(hit: Hit, by_label: dict[str, str], match: bool) -> dict[str, Any]:
    kinds = [{"id": by_label[hit.type], "name": hit.type}] if hit.type in by_label else []
    return {"id": hit.resource, "name": hit.label, "type": kinds, "score": round(100 * hit.score, 1),
            "match": match}
