"""The library side of the SPARQL protocol: the dataset options, FROM, the row limit, updates."""

from __future__ import annotations

import pytest

import kzgraph
from kzgraph.sparqltext import names_dataset, remote_calls

KZ = "https://w3id.org/kzgraph/"
ATHLETES = "SELECT ?a WHERE { ?a a kz:Athlete } ORDER BY ?a"


def names(result) -> list[str]:
    return [str(row[0]).rsplit("/", 1)[-1] for row in result]


def test_default_graphs_and_named_graphs(kg):
    assert names(kg.sparql(ATHLETES, default_graphs=[KZ + "graph/article/s05"])) == ["david-degtyarev"]
    only_named = kg.sparql("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                           named_graphs=[KZ + "graph/article/s07"])
    assert [str(r[0]) for r in only_named] == [KZ + "graph/article/s07"]
    assert not kg.sparql("ASK { ?s ?p ?o }", named_graphs=[KZ + "graph/article/s07"])
    with pytest.raises(kzgraph.QueryError, match="not a valid IRI"):
        kg.sparql(ATHLETES, default_graphs=["not an iri"])


def test_from_sets_the_dataset_everywhere(kg):
    query = f"SELECT ?a FROM <{KZ}graph/article/s13> WHERE {{ ?a a kz:Athlete }}"
    assert names(kg.query(query)) == names(kg.sparql(query)) == ["zarina-raifova"]
    assert len(kg.query(ATHLETES)) == 11  # without FROM: the union of the graphs
    assert names_dataset("select * from named <g> { }") and not names_dataset("SELECT * { ?from ?p 'FROM' }")


def test_row_limit(kg):
    assert len(kg.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 5", max_rows=5)) == 5
    with pytest.raises(kzgraph.ResultTooLargeError, match="more than 4 rows"):
        kg.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 5", max_rows=4)
    with pytest.raises(kzgraph.ResultTooLargeError):
        kg.sparql("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=10)


def test_update_refreshes_search():
    with kzgraph.open() as graph:
        assert graph.search("Zzyzx") == []
        graph.update(f'INSERT DATA {{ GRAPH <https://example.org/g> {{ <{KZ}athlete/zzyzx> '
                     f'<http://www.w3.org/2000/01/rdf-schema#label> "Zzyzx Test" }} }}')
        assert graph.search("zzyzx")[0].resource == KZ + "athlete/zzyzx"


def test_remote_calls_see_load_and_base():
    assert remote_calls("LOAD SILENT <http://example.org/x.ttl> INTO GRAPH <g>") == [
        ("LOAD", "http://example.org/x.ttl")]
    assert remote_calls("BASE <http://example.org/a/> SELECT * { SERVICE <sparql> { } }") == [
        ("SERVICE", "http://example.org/a/sparql")]
    assert remote_calls("SELECT * { SERVICE unknown:x { } }") == [("SERVICE", None)]
