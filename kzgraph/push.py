"""``kzgraph load --into``: put the built dataset (ontology, data and derived graphs) into another store.

Each named graph is *replaced* (Graph Store ``PUT``, or ``DROP`` + ``INSERT DATA``), so pushing twice
leaves the same store. ``graphs`` limits the push to some of the dataset's graphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from . import dataset
from .backends import Backend, Progress
from .backends.oxigraph import OxigraphBackend
from .errors import UsageError
from .namespaces import PREFIXES
from .resources import Resources

__all__ = ["PushReport", "built_graphs", "push"]


class PushReport(NamedTuple):
    """What was pushed: ``graphs`` maps graph IRI → triples."""

    graphs: dict[str, int]

    @property
    def triples(self) -> int:
        """Triples pushed, all graphs together."""
        return sum(self.graphs.values())


def _expand(name: str) -> str:
    prefix, sep, local = name.partition(":")
    return PREFIXES[prefix] + local if sep and prefix in PREFIXES and not local.startswith("//") else name


def built_graphs(resources: Resources, graphs: Sequence[str] | None = None, *,
                 progress: Progress | None = None) -> dict[str, bytes]:
    """The dataset built in memory, as graph IRI → N-Triples; ``graphs`` (IRIs or ``kzg:…``) picks some."""
    scratch = OxigraphBackend()
    try:
        dataset.build(scratch, resources, progress=progress)
        names = scratch.graphs()
        if graphs:
            wanted = [_expand(g) for g in graphs]
            unknown = [g for g in wanted if g not in names]
            if unknown:
                raise UsageError(f"not a graph of the dataset: {', '.join(unknown)} "
                                 f"(see `kzgraph query graphs`)")
            names = list(dict.fromkeys(wanted))
        return {name: scratch.dump("nt", graph=name) for name in names}
    finally:
        scratch.close()


def push(target: Backend, resources: Resources, *, graphs: Sequence[str] | None = None,
         progress: Progress | None = None) -> PushReport:
    """Build the dataset and replace each of its graphs (or just ``graphs``) in ``target``;
    ``progress(triples done, triples in all, graph)`` after each graph or batch."""
    data = built_graphs(resources, graphs)
    report = PushReport({name: ntriples.count(b"\n") for name, ntriples in data.items()})
    by_graph: dict[str | None, bytes] = {name: ntriples for name, ntriples in data.items()}
    target.replace_graphs(by_graph, progress=progress)  # batched where the backend can (remote)
    return report
