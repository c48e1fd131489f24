"""Builds the dataset: the ontology into kzg:ontology, ``data/*.trig`` as given, then the rules.

Each rule ``queries/rules/<name>.rq`` is a CONSTRUCT run over everything loaded so far (rules run in
file-name order, each seeing the output of earlier ones); its triples go into graph
``kzg:derived/<name>``, and kzg:provenance says which rule generated that graph.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from .backends import Backend, Progress, Source
from .errors import DataError
from .namespaces import GRAPH, KZ, ONTOLOGY_GRAPH, PROV, PROVENANCE_GRAPH, RDF, RDFS, resource
from .queries import NamedQuery, execute, parse_file
from .resources import Resources
from .results import GraphResult
from .terms import IRI, Value, to_ntriples

__all__ = ["apply_rule", "build", "derived_graph", "graph_kind", "rule_iri", "rules", "sources"]

GRAPH_KINDS = ("ontology", "provenance", "article", "external", "derived", "reconciled", "wikidata", "synthetic")


def derived_graph(rule_name: str) -> str:
    """The graph holding the output of a rule."""
    return GRAPH[f"derived/{rule_name}"]


def rule_iri(rule_name: str) -> str:
    """The IRI of a rule (a prov:Activity)."""
    return resource("rule", rule_name)


def graph_kind(graph: str) -> str:
    """The kind of a named graph from its IRI: ``kzg:<kind>`` or ``kzg:<kind>/…``; ``other`` otherwise."""
    if not graph.startswith(GRAPH):
        return "other"
    head = graph[len(GRAPH):].split("/", 1)[0]
    return head if head in GRAPH_KINDS else "other"


def sources(resources: Resources) -> list[Source]:
    """What to load before the rules: the ontology (into kzg:ontology) and ``data/*.trig``."""
    ontology = resources.ontology_location  # strings, not Paths: pathlib stays off the start-up path
    if not os.path.isfile(ontology):
        raise DataError(f"{ontology}: missing ontology file")
    return [Source(path=ontology, format="ttl", graph=ONTOLOGY_GRAPH)] + \
        [Source(path=p, format="trig") for p in resources.data_locations()]


def rules(resources: Resources) -> list[NamedQuery]:
    """The rules, in the order they run."""
    return [parse_file(p) for p in resources.rule_locations()]


def apply_rule(backend: Backend, rule: NamedQuery) -> int:
    """Run one rule; store its triples in its derived graph and its provenance. Returns triples added."""
    result = execute(backend, rule)
    if not isinstance(result, GraphResult):
        raise DataError(f"{rule.path}: a rule must be a CONSTRUCT query")
    graph = derived_graph(rule.name)
    activity = IRI(rule_iri(rule.name))
    statements: list[tuple[Value, Value, Value]] = [
        (IRI(graph), IRI(RDF["type"]), IRI(KZ["DerivedGraph"])),
        (IRI(graph), IRI(PROV["wasGeneratedBy"]), activity),
        (activity, IRI(RDF["type"]), IRI(KZ["Rule"])),
        (activity, IRI(RDF["type"]), IRI(PROV["Activity"])),
    ]
    if rule.title:
        statements.append((activity, IRI(RDFS["label"]), rule.title))
    if rule.description:
        statements.append((activity, IRI(RDFS["comment"]), rule.description))
    provenance = "".join(" ".join(map(to_ntriples, s)) + " .\n" for s in statements).encode()
    backend.load([
        Source(data=result.serialize("nt"), format="nt", graph=graph, name=f"rule {rule.name}"),
        Source(data=provenance, format="nt", graph=PROVENANCE_GRAPH, name=f"provenance of rule {rule.name}"),
    ])
    return len(result)


def build(backend: Backend, resources: Resources, *, progress: Progress | None = None,
          extra: Iterable[Source] = ()) -> None:
    """Load ontology, data (and ``extra`` sources) in one transaction, then apply the rules in order."""
    backend.load(sources(resources) + list(extra), progress=progress)
    for rule in rules(resources):
        apply_rule(backend, rule)
