"""``pull``: a snapshot of what Wikidata says about the linked items, as a file researchers can cite.

The snapshot is one named graph (``kzg:wikidata/snapshot``) in a TriG file; the provenance graph records
the endpoint, the query sent, and when. Item revisions come with the items (``schema:version``). Without
``refresh`` an existing snapshot is kept and nothing is fetched, so joins stay reproducible. The offline joins
(``wikidata-athletes``, ``wikidata-diff``) ask ``require_snapshot`` first: without a snapshot they would
answer as if Wikidata said nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from ..api import KnowledgeGraph
from ..atomic import replacing
from ..errors import DataError
from ..namespaces import GRAPH, KZ, PROV, PROVENANCE_GRAPH, RDF, WD
from ..queries import internal_query
from ..terms import IRI, Value, to_ntriples
from .endpoint import Endpoint

__all__ = [
    "NO_SNAPSHOT",
    "SNAPSHOT_FILE",
    "SNAPSHOT_GRAPH",
    "SNAPSHOT_QUERIES",
    "Pull",
    "has_snapshot",
    "linked_items",
    "pull",
    "require_snapshot",
    "write_atomically",
]

SNAPSHOT_GRAPH = GRAPH["wikidata/snapshot"]
SNAPSHOT_FILE = "wikidata-snapshot.trig"
SNAPSHOT_QUERIES = ("wikidata-athletes", "wikidata-diff")
"""The named queries that read the snapshot (their ``-live`` variants ask an endpoint instead)."""
NO_SNAPSHOT = (f"no snapshot; run `kzgraph wikidata pull` (with --home DIR it writes DIR/data/{SNAPSHOT_FILE}, "
               f"part of that dataset; else load the file it writes: `kzgraph load {SNAPSHOT_FILE} --store PATH`)")


@dataclass(frozen=True)
class Pull:
    """What ``pull`` did: the file, how many items and triples, and whether it fetched anything."""

    path: Path
    items: int
    triples: int
    fetched: bool


def linked_items(kg: KnowledgeGraph) -> list[IRI]:
    """The Wikidata items our resources link to (stated and reconciled links)."""
    links = kg.select("wikidata-links")
    return sorted({IRI(str(row["item"])) for row in links.to_dicts() if str(row["item"]).startswith(WD)})


def has_snapshot(kg: KnowledgeGraph) -> bool:
    """Whether the dataset holds a snapshot that ``pull`` wrote (a lookup of one graph's type, not a scan)."""
    return kg.ask(internal_query("wikidata-snapshot"), graph=IRI(SNAPSHOT_GRAPH))


def require_snapshot(kg: KnowledgeGraph, query: str | None = None) -> None:
    """DataError (exit 2) saying to run ``kzgraph wikidata pull`` when there is no snapshot; with ``query``, only
    when that named query is one that reads the snapshot."""
    if (query is None or query in SNAPSHOT_QUERIES) and not has_snapshot(kg):
        raise DataError(NO_SNAPSHOT)


def pull(kg: KnowledgeGraph, endpoint: Endpoint, path: Path, *, refresh: bool = False,
         now: datetime.datetime | None = None) -> Pull:
    """Fetch the linked items' statements into the snapshot file at ``path`` (only if absent or ``refresh``)."""
    items = linked_items(kg)
    if path.exists() and not refresh:
        return Pull(path, len(items), 0, fetched=False)
    graph = endpoint.statements(items)
    when = now or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    write_atomically(path, _trig(graph.serialize("nt").decode("utf-8"), endpoint, when))
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


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a file beside ``path`` and rename it over ``path``: readers see the old file or the new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as stream:
        stream.write(text)
