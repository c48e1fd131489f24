"""``pull``: a snapshot of what Wikidata says about the linked items, as a file researchers can cite.

The snapshot is one named graph (``kzg:wikidata/snapshot``) in a TriG file; the provenance graph records
the endpoint, the query sent, and when. Item revisions come with the items (``schema:version``). Without
``refresh`` an existing snapshot is kept and nothing is fetched, so joins stay reproducible.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..api import KnowledgeGraph
from ..namespaces import GRAPH, KZ, PROV, PROVENANCE_GRAPH, RDF, WD
from ..terms import IRI, Value, to_ntriples
from .endpoint import Endpoint

__all__ = ["SNAPSHOT_GRAPH", "Pull", "linked_items", "pull"]

SNAPSHOT_GRAPH = GRAPH["wikidata/snapshot"]


@dataclass(frozen=True)
class Pull:
    """What ``pull`` did: the file, how many items and triples, and whether it fetched anything."""

    path: Path
    items: int
    triples: int
    fetched: bool


def linked_items(kg: KnowledgeGraph) -> list[IRI]:
    """The Wikidata items our resources link to (stated and reconciled links)."""
    return sorted({IRI(row["item"]) for row in kg.query("wikidata-links").to_dicts()
                   if str(row["item"]).startswith(WD)})


def pull(kg: KnowledgeGraph, endpoint: Endpoint, path: Path, *, refresh: bool = False,
         now: datetime.datetime | None = None) -> Pull:
    """Fetch the linked items' statements into the snapshot file at ``path`` (only if absent or ``refresh``)."""
    items = linked_items(kg)
    if path.exists() and not refresh:
        return Pull(path, len(items), 0, fetched=False)
    graph = endpoint.statements(items)
    when = now or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    _write_atomically(path, _trig(graph.serialize("nt").decode("utf-8"), endpoint, when))
    return Pull(path, len(items), len(graph), fetched=True)


def _trig(ntriples: str, endpoint: Endpoint, when: datetime.datetime) -> str:
    graph = to_ntriples(IRI(SNAPSHOT_GRAPH))
    about: list[tuple[Value, Value]] = [
        (IRI(RDF["type"]), IRI(KZ["WikidataSnapshotGraph"])),
        (IRI(PROV["wasDerivedFrom"]), IRI(endpoint.url)),
        (IRI(PROV["generatedAtTime"]), when),
        (IRI(KZ["sparql"]), endpoint.statements_query.sparql),
    ]
    provenance = "\n  ".join(f"{graph} {to_ntriples(p)} {to_ntriples(o)} ." for p, o in about)
    return (f"# Wikidata snapshot written by `kzgraph wikidata pull` from {endpoint.url} at {when.isoformat()}.\n"
            f"{to_ntriples(IRI(PROVENANCE_GRAPH))} {{\n  {provenance}\n}}\n"
            f"{graph} {{\n{ntriples}}}\n")


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)  # gone already when the replace succeeded
