"""``kzgraph serve --store URL``: the same endpoint and pages over a SPARQL server as over the embedded store."""

from __future__ import annotations

import httpx
import pytest

KZ = "https://w3id.org/kzgraph/"


@pytest.fixture(scope="module")
def served(start_kzgraph, oxigraph_server_loaded):
    return start_kzgraph("--store", oxigraph_server_loaded.query_url)


def test_sparql_endpoint_over_a_remote_store(served, kzgraph_server):
    query = {"query": "SELECT ?a WHERE { ?a a <https://w3id.org/kzgraph/ontology#Athlete> } ORDER BY ?a"}
    remote = httpx.get(served.sparql, params=query, timeout=30)
    embedded = httpx.get(kzgraph_server.sparql, params=query, timeout=30)
    assert remote.status_code == embedded.status_code == 200, remote.text
    assert remote.json()["results"] == embedded.json()["results"]
    assert len(remote.json()["results"]["bindings"]) == 11


def test_protocol_dataset_reaches_the_remote_store(served, kzgraph_server):
    """default-graph-uri = sentence 5's graph: its 15 triples (athlete 4, medal 5, event 6), on both stores."""
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": KZ + "graph/article/s05"}
    counts = []
    for server in (served, kzgraph_server):
        r = httpx.get(server.sparql, params=params, timeout=30)
        assert r.status_code == 200, r.text
        counts.append(int(r.json()["results"]["bindings"][0]["n"]["value"]))
    assert counts == [15, 15]


def test_pages_and_named_queries_over_a_remote_store(served):
    page = httpx.get(f"{served.base_url}/athlete/david-degtyarev.html", timeout=30)
    assert page.status_code == 200 and "David Degtyarev" in page.text
    medals = httpx.get(f"{served.base_url}/queries/medals", headers={"Accept": "text/csv"}, timeout=30)
    assert medals.status_code == 200 and len(medals.text.strip().splitlines()) == 10
