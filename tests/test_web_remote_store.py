"""``kzgraph serve --store URL``: the same endpoint and pages over a SPARQL server as over the embedded store.

The app over the Oxigraph server is compared with the app over the embedded store in process (Starlette's
TestClient); one test runs ``kzgraph serve --store URL`` itself, a real process started from the command line
as a user starts it (the Oxigraph server it reads is a real process too)."""

from __future__ import annotations

import httpx
import pytest

import kzgraph
from tests.conftest import app_client, keep

KZ = "https://w3id.org/kzgraph/"


@pytest.fixture(scope="module")
def served(oxigraph_server_loaded):
    """The web app over the Oxigraph server holding the dataset, with the default settings."""
    with keep(kzgraph.open(oxigraph_server_loaded.query_url)) as graph:
        yield from app_client(graph)


def test_sparql_endpoint_over_a_remote_store(served, kzgraph_app):
    query = {"query": "SELECT ?a WHERE { ?a a <https://w3id.org/kzgraph/ontology#Athlete> } ORDER BY ?a"}
    remote = served.get("/sparql", params=query)
    embedded = kzgraph_app.get("/sparql", params=query)
    assert remote.status_code == embedded.status_code == 200, remote.text
    assert remote.json()["results"] == embedded.json()["results"]
    assert len(remote.json()["results"]["bindings"]) == 11


def test_protocol_dataset_reaches_the_remote_store(served, kzgraph_app):
    """default-graph-uri = sentence 5's graph: its 15 triples (athlete 4, medal 5, event 6), on both stores."""
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": KZ + "graph/article/s05"}
    counts = []
    for client in (served, kzgraph_app):
        r = client.get("/sparql", params=params)
        assert r.status_code == 200, r.text
        counts.append(int(r.json()["results"]["bindings"][0]["n"]["value"]))
    assert counts == [15, 15]


def test_pages_and_named_queries_over_a_remote_store(start_kzgraph, oxigraph_server_loaded):
    """A real ``kzgraph serve --store URL``: the command line's way to the same app."""
    served = start_kzgraph("--store", oxigraph_server_loaded.query_url)
    page = httpx.get(f"{served.base_url}/athlete/david-degtyarev.html", timeout=30)
    assert page.status_code == 200 and "David Degtyarev" in page.text
    medals = httpx.get(f"{served.base_url}/queries/medals", headers={"Accept": "text/csv"}, timeout=30)
    assert medals.status_code == 200 and len(medals.text.strip().splitlines()) == 10
