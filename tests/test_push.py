"""kzgraph.push / KnowledgeGraph.push / the rdflib backend on a user's graph."""

from __future__ import annotations

import pytest
import rdflib

import kzgraph
from kzgraph.backends.rdflib import RdflibBackend
from kzgraph.push import built_graphs, push
from kzgraph.resources import find

ONTOLOGY = "https://w3id.org/kzgraph/graph/ontology"


def test_push_replaces_graphs_in_a_users_rdflib_dataset(kg):
    dataset = rdflib.Dataset()
    stale = dataset.graph(rdflib.URIRef(ONTOLOGY))
    stale.add((rdflib.URIRef("http://example.org/stale"), rdflib.RDFS.label, rdflib.Literal("old")))
    with kzgraph.open(graph=dataset) as mine:
        first = mine.push()
        second = mine.push()
        assert first == second and first.triples == len(kg.backend)
        assert len(mine.backend) == len(kg.backend)  # the stale triple is gone, nothing doubled
        assert mine.query("medals").rows == kg.query("medals").rows


def test_push_some_graphs(kg):
    target = RdflibBackend()
    report = push(target, find(), graphs=["kzg:ontology", ONTOLOGY])
    assert list(report.graphs) == [ONTOLOGY] and target.graphs() == [ONTOLOGY]
    with pytest.raises(kzgraph.UsageError, match="not a graph of the dataset"):
        built_graphs(find(), ["kzg:nope"])


def test_push_into_a_new_store_on_disk_puts_only_what_it_pushes(tmp_path):
    """The store is not built first (a push puts the dataset in): pushing some graphs leaves those alone."""
    with kzgraph.open(tmp_path / "kz.store") as target:
        report = target.push("kzg:ontology")
        assert list(report.graphs) == [ONTOLOGY] and target.backend.graphs() == [ONTOLOGY]
        assert len(target) == report.triples


def test_open_wraps_a_plain_rdflib_graph():
    graph = rdflib.Graph()
    graph.add((rdflib.URIRef("http://example.org/a"), rdflib.RDFS.label, rdflib.Literal("Astana", lang="kk")))
    with kzgraph.open(graph=graph) as mine:
        result = mine.query("SELECT ?s ?label WHERE { ?s rdfs:label ?label }", s=kzgraph.IRI("http://example.org/a"))
        assert result.rows == [(kzgraph.IRI("http://example.org/a"), kzgraph.LangString("Astana", "kk"))]
        assert mine.backend.graphs() == []


def test_open_rejects_what_it_cannot_use(tmp_path):
    with pytest.raises(kzgraph.UsageError, match="rdflib Graph"):
        _ = kzgraph.open(graph="not a graph").backend
    with pytest.raises(kzgraph.UsageError, match="in memory"):
        _ = kzgraph.open(tmp_path / "x", backend="rdflib").backend
    with pytest.raises(kzgraph.UsageError, match="remote store"):
        _ = kzgraph.open(method="get").backend  # timeout= is for every store (federated queries); method= is not
    with pytest.raises(kzgraph.UsageError, match="does not fit"):
        kzgraph.open("http://127.0.0.1:1/sparql", backend="oxigraph")
