"""Size of the dataset: triples per graph and per kind of graph (the default graph too), instances per class."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .backends import Backend
from .binding import execute
from .dataset import GRAPH_KINDS, graph_kind
from .errors import BackendError
from .queries import internal_query
from .results import SelectResult
from .terms import IRI, Value

__all__ = ["DEFAULT_GRAPH", "Stats", "compute"]

DEFAULT_GRAPH = "(default graph)"
"""The row of ``by_kind`` for the triples outside every named graph (a plain ``.ttl`` loaded without ``--graph``)."""


@dataclass(frozen=True)
class Stats:
    """``quads`` in the store, ``graphs`` (graph IRI → triples), ``classes`` (class IRI → instances) and
    ``default_graph``: the triples in the default graph and in no named graph."""

    quads: int
    graphs: dict[str, int]
    classes: dict[str, int]
    default_graph: int = 0

    @property
    def by_kind(self) -> dict[str, tuple[int, int]]:
        """Kind of graph (ontology, provenance, article, external, derived, …, other) → (graphs, triples); first,
        ``"(default graph)"`` → (1, triples) when the default graph holds any."""
        kinds: dict[str, tuple[int, int]] = {DEFAULT_GRAPH: (1, self.default_graph)} if self.default_graph else {}
        for graph, triples in self.graphs.items():
            graphs_n, triples_n = kinds.get(graph_kind(graph), (0, 0))
            kinds[graph_kind(graph)] = (graphs_n + 1, triples_n + triples)
        order = [DEFAULT_GRAPH, *GRAPH_KINDS, "other"]
        return dict(sorted(kinds.items(), key=lambda kv: order.index(kv[0])))

    def kinds_result(self) -> SelectResult:
        """``by_kind`` as a table: kind, graphs, triples."""
        return SelectResult(["kind", "graphs", "triples"], [(k, g, t) for k, (g, t) in self.by_kind.items()])

    def classes_result(self) -> SelectResult:
        """``classes`` as a table: class, instances."""
        return SelectResult(["class", "instances"], [(IRI(c), n) for c, n in self.classes.items()])

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"quads": self.quads, "default_graph": self.default_graph,
                "kinds": {k: {"graphs": g, "triples": t} for k, (g, t) in self.by_kind.items()},
                "graphs": self.graphs, "classes": self.classes}


def compute(backend: Backend) -> Stats:
    """Count what is in the store."""
    sizes = execute(backend, internal_query("graph-sizes"))
    # These two read the default graph as itself, not as the union of the named graphs.
    default = backend.query(internal_query("default-graph-size").sparql, default_graph_as_union=False)
    classes = backend.query(internal_query("class-counts").sparql, default_graph_as_union=False)
    assert isinstance(sizes, SelectResult) and isinstance(default, SelectResult)
    assert isinstance(classes, SelectResult)
    (in_default,), = default.rows
    return Stats(quads=len(backend), graphs={str(g): _count(n) for g, n in sizes},
                 classes={str(c): _count(n) for c, n in classes},
                 default_graph=_count(in_default or 0))


def _count(value: Value | None) -> int:
    """A COUNT's value as an int; BackendError when the engine gave no number."""
    if isinstance(value, (int, float, Decimal)) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    raise BackendError(f"a count is not a number: {value!r}")
