"""The command line on other stores: --store URL, --backend, load --into, and remote errors (exit 3)."""

from __future__ import annotations

import pytest

from kzgraph.backends.remote import RemoteBackend
from tests.servers import free_port
from tests.test_cli import run

ONTOLOGY = "https://w3id.org/kzgraph/graph/ontology"


@pytest.fixture(scope="module")
def embedded_medals():
    r = run("query", "medals", "-f", "csv", home=None)
    assert r.returncode == 0
    return r.stdout


@pytest.mark.parametrize("server", ["oxigraph_server_loaded", "virtuoso_server_loaded"])
def test_query_medals_on_a_server_prints_the_embedded_rows(request, embedded_medals, server):
    url = request.getfixturevalue(server).query_url
    r = run("query", "medals", "--store", url, "-f", "csv", home=None)
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == embedded_medals
    table = run("query", "medals", "--store", url, home=None)
    assert table.returncode == 0 and table.stdout == run("query", "medals", home=None).stdout


def test_rdflib_backend_on_the_command_line(embedded_medals):
    r = run("query", "medals", "--backend", "rdflib", "-f", "csv", home=None)
    assert (r.returncode, r.stdout, r.stderr) == (0, embedded_medals, "")


def test_backend_that_does_not_fit_the_store_is_a_usage_error():
    r = run("query", "medals", "--store", "http://127.0.0.1:1/sparql", "--backend", "rdflib")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("kzgraph: error: --backend rdflib does not fit the store")
    r = run("query", "medals", "--method", "get")  # --timeout applies to every store (federated queries)
    assert r.returncode == 2 and "are for a remote store" in r.stderr


def _runtime_error(r, *parts):
    assert (r.returncode, r.stdout) == (3, "")
    assert r.stderr.startswith("kzgraph: error: ")
    for part in parts:
        assert part in r.stderr


def test_wrong_url_path(oxigraph_server):
    url = oxigraph_server.base_url + "/nope"
    _runtime_error(run("query", "medals", "--store", url), url, "(HTTP 404)")


def test_unreachable_server():
    url = f"http://127.0.0.1:{free_port()}/sparql"
    _runtime_error(run("query", "medals", "--store", url), url, "cannot connect")


def test_bad_credentials(virtuoso_server):
    r = run("load", "--into", virtuoso_server.query_url, "--graph-store", virtuoso_server.store_url,
            "--user", "dba:wrong", "--auth", "digest", "--graph", "kzg:ontology", home=None)
    _runtime_error(r, virtuoso_server.store_url, "(HTTP 401)", "authentication failed")


def test_query_the_server_rejects(virtuoso_server):
    r = run("query", "-", "--store", virtuoso_server.query_url, stdin="SELECT * WHERE { ?s ?p }")
    _runtime_error(r, virtuoso_server.query_url, "(HTTP 400)", "syntax error")


def test_timeout(virtuoso_server):
    r = run("query", "medals", "--store", virtuoso_server.query_url, "--method", "post-direct",
            "--timeout", "1", home=None)
    _runtime_error(r, virtuoso_server.query_url, "no answer within 1 s")


def test_load_into_a_path_with_some_graphs_twice(tmp_path):
    store = tmp_path / "kz.store"
    for _ in range(2):
        r = run("load", "--into", str(store), "--graph", "kzg:ontology", "--graph", "kzg:provenance", home=None)
        assert (r.returncode, r.stdout) == (0, "")
        assert r.stderr.startswith("pushed ") and "in 2 graph(s)" in r.stderr
    r = run("query", "-", "--store", str(store), "-f", "csv", home=None,
            stdin="SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    lines = r.stdout.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [ONTOLOGY, "https://w3id.org/kzgraph/graph/provenance"]


def test_load_into_an_unknown_graph_is_a_usage_error(tmp_path):
    r = run("load", "--into", str(tmp_path / "kz.store"), "--graph", "kzg:nope", home=None)
    assert r.returncode == 2 and "not a graph of the dataset: https://w3id.org/kzgraph/graph/nope" in r.stderr


def test_load_into_virtuoso_twice_keeps_the_triple_count(virtuoso_server_loaded):
    server = virtuoso_server_loaded
    counts = []
    for _ in range(2):
        r = run("load", "--into", server.query_url, "--graph-store", server.store_url, "--user", "dba:dba",
                "--auth", "digest", home=None)
        assert (r.returncode, r.stdout) == (0, ""), r.stderr
        with RemoteBackend(server.query_url, default_graph="protocol") as backend:
            counts.append(len(backend))
    assert counts[0] == counts[1] > 1000


def test_load_into_virtuoso_by_sparql_update_with_password_from_the_environment(virtuoso_server_loaded):
    server = virtuoso_server_loaded
    with RemoteBackend(server.query_url, default_graph="protocol") as backend:
        before = len(backend)
    r = run("load", "--into", server.query_url, "--update-url", server.update_url, "--user", "dba",
            "--auth", "digest", home=None, env={"KZGRAPH_PASSWORD": "dba"})
    assert (r.returncode, r.stdout) == (0, ""), r.stderr
    with RemoteBackend(server.query_url, default_graph="protocol") as backend:
        assert len(backend) == before


def test_load_files_into_a_server(oxigraph_server, tmp_path):
    data = tmp_path / "extra.ttl"
    data.write_text('<http://example.org/x> <http://example.org/label> "extra" .\n')
    r = run("load", str(data), "--store", oxigraph_server.query_url, "--update-url", oxigraph_server.update_url,
            "--graph", "http://example.org/cli-extra")
    assert (r.returncode, r.stdout) == (0, ""), r.stderr
    r = run("query", "-", "--store", oxigraph_server.query_url, "-f", "csv",
            stdin="SELECT ?o WHERE { GRAPH <http://example.org/cli-extra> { ?s ?p ?o } }")
    assert r.stdout == "o\r\nextra\r\n"
