"""The remote backend against real servers: errors, auth, timeouts, retries, SPARQLWrapper settings."""

from __future__ import annotations

import http.server
import json
import threading
import time
from typing import ClassVar

import pytest
from SPARQLWrapper import DIGEST, POST, SPARQLWrapper

import kzgraph
from kzgraph.backends.remote import RemoteBackend
from kzgraph.cli import exit_code
from tests.servers import free_port


def test_not_found_names_the_endpoint_and_status(oxigraph_server):
    url = oxigraph_server.base_url + "/nope"
    with RemoteBackend(url) as backend, pytest.raises(kzgraph.EndpointError) as info:
        backend.query("ASK {}")
    assert info.value.status == 404 and info.value.endpoint == url
    assert str(info.value).startswith(f"{url} (HTTP 404): not found")


def test_unreachable_port():
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(kzgraph.EndpointUnreachableError) as info:
        RemoteBackend(url, timeout=5).query("ASK {}")
    assert info.value.endpoint == url and info.value.status is None
    assert "cannot connect" in str(info.value)


def test_wrong_password_is_an_auth_error(virtuoso_server):
    backend = RemoteBackend(virtuoso_server.query_url, store_url=virtuoso_server.store_url, user="dba",
                            password="wrong", auth="digest")
    with pytest.raises(kzgraph.EndpointAuthError) as info:
        backend.replace_graph("http://example.org/auth-test", b"<http://example.org/a> <http://example.org/b> 1 .\n")
    assert info.value.status == 401 and info.value.endpoint == virtuoso_server.store_url
    assert "authentication failed" in str(info.value)


def test_query_the_server_rejects_is_a_400_naming_the_endpoint(oxigraph_server, virtuoso_server):
    for server in (oxigraph_server, virtuoso_server):
        with pytest.raises(kzgraph.EndpointError) as info:
            RemoteBackend(server.query_url).query("SELECT * WHERE { ?s ?p }")
        assert info.value.status == 400 and info.value.endpoint == server.query_url
        assert exit_code(info.value) == 3


def test_server_error_500(virtuoso_server):
    # Virtuoso 7.2 wants GROUP_CONCAT's separator (docs/engines.md)
    with pytest.raises(kzgraph.EndpointError) as info:
        RemoteBackend(virtuoso_server.query_url).query("SELECT (GROUP_CONCAT(?s) AS ?all) WHERE { ?s ?p ?o }")
    assert info.value.status == 500 and "SR183" in str(info.value)


def test_an_answer_the_server_cut_off_is_an_error_not_a_short_answer(virtuoso_server_loaded):
    """Virtuoso stops at its ResultSetMaxRows (10,000 in the test ini) and says so only in X-SPARQL-MaxRows."""
    backend = RemoteBackend(virtuoso_server_loaded.query_url)
    medal_pairs = "SELECT ?a ?b WHERE { ?a a kz:Medal . ?b a kz:Medal }"
    assert len(backend.query(medal_pairs)) == 11 * 11  # under the limit: the whole answer
    with pytest.raises(kzgraph.EndpointError) as info:
        backend.query("SELECT ?m ?s WHERE { ?m a kz:Medal . ?s ?p ?o }")  # 11 medals x every triple
    assert "cut its answer off at 10000 rows (X-SPARQL-MaxRows, Virtuoso's ResultSetMaxRows)" in str(info.value)
    assert exit_code(info.value) == 3
    backend.close()


def test_timeout_instead_of_hanging(virtuoso_server):
    """Virtuoso 7.2 never answers a POST of application/sparql-query: the client gives up in time."""
    backend = RemoteBackend(virtuoso_server.query_url, method="post-direct", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(kzgraph.EndpointTimeoutError) as info:
        backend.query("ASK {}")
    assert time.monotonic() - started < 10
    assert info.value.endpoint == virtuoso_server.query_url and "no answer within 1 s" in str(info.value)
    backend.close()
    assert RemoteBackend(virtuoso_server.query_url).query("ASK {}")  # the server is still fine


@pytest.mark.parametrize("method", ["get", "post-form", "auto"])
def test_request_forms(oxigraph_server_loaded, method):
    backend = RemoteBackend(oxigraph_server_loaded.query_url, method=method)
    assert len(backend.query("SELECT ?m WHERE { ?m a kz:Medal }")) == 11
    long = "SELECT ?m WHERE { ?m a kz:Medal } #" + "x" * 3000  # too long for a GET in auto
    assert len(backend.query(long)) == 11


def test_post_direct_works_on_oxigraph(oxigraph_server_loaded):
    backend = RemoteBackend(oxigraph_server_loaded.query_url, method="post-direct")
    assert len(backend.query("SELECT ?m WHERE { ?m a kz:Medal }")) == 11


@pytest.mark.parametrize("mode", ["protocol", "union-parameter"])
def test_default_graph_modes_on_oxigraph(oxigraph_server_loaded, kg, mode):
    backend = RemoteBackend(oxigraph_server_loaded.query_url, default_graph=mode)
    assert backend.query(kg.catalogue["medals"].sparql).rows == kg.query("medals").rows


def test_virtuoso_picks_the_server_default_graph(virtuoso_server_loaded):
    backend = RemoteBackend(virtuoso_server_loaded.query_url)
    backend.query("ASK {}")
    assert backend.default_graph == "server"
    assert RemoteBackend(virtuoso_server_loaded.query_url, default_graph="union-parameter").query(
        "ASK { ?m a kz:Medal }")  # an unknown parameter is ignored by Virtuoso


def test_construct_and_ask(oxigraph_server_loaded, virtuoso_server_loaded):
    for server in (oxigraph_server_loaded, virtuoso_server_loaded):
        backend = RemoteBackend(server.query_url)
        graph = backend.query("CONSTRUCT { ?m a kz:Medal } WHERE { ?m a kz:Medal }")
        assert len(graph) == 11 and b"Medal" in graph.serialize("ttl")
        assert bool(backend.query("ASK { ?m a kz:Medal }")) is True
        assert bool(backend.query("ASK { ?m a kz:Nothing }")) is False


def test_dump_and_len(oxigraph_server_loaded, kg):
    backend = RemoteBackend(oxigraph_server_loaded.query_url, default_graph="protocol")
    assert len(backend) == len(kg.backend)
    assert set(backend.graphs()) == set(kg.backend.graphs())
    assert backend.dump("nt", graph="https://w3id.org/kzgraph/graph/ontology").count(b"\n") == \
        kg.backend.dump("nt", graph="https://w3id.org/kzgraph/graph/ontology").count(b"\n")


def test_from_sparqlwrapper_reads_its_settings(virtuoso_server_loaded):
    sw = SPARQLWrapper(virtuoso_server_loaded.query_url, updateEndpoint=virtuoso_server_loaded.update_url)
    sw.setCredentials("dba", "dba")
    sw.setHTTPAuth(DIGEST)
    sw.setMethod(POST)
    sw.setTimeout(7)
    sw.addCustomHttpHeader("X-Trace", "kzgraph-test")
    backend = RemoteBackend.from_sparqlwrapper(sw)
    assert (backend.query_url, backend.update_url, backend.method) == (
        virtuoso_server_loaded.query_url, virtuoso_server_loaded.update_url, "post-form")
    assert backend._http.timeout == 7.0
    backend.update("INSERT DATA { GRAPH <http://example.org/sw> { <http://example.org/a> <http://example.org/b> 1 } }")
    assert len(backend.query("SELECT * WHERE { GRAPH <http://example.org/sw> { ?s ?p ?o } }")) == 1
    backend.update("DROP SILENT GRAPH <http://example.org/sw>")


def test_open_a_sparqlwrapper(oxigraph_server_loaded, kg):
    with kzgraph.open(SPARQLWrapper(oxigraph_server_loaded.query_url)) as remote:
        assert remote.query("medals").rows == kg.query("medals").rows


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 (then 429) before a SPARQL JSON result: a real HTTP server for the retry rule."""

    statuses: ClassVar[list[int]] = []

    def do_GET(self) -> None:
        status = self.statuses.pop(0) if self.statuses else 200
        body = json.dumps({"head": {}, "boolean": True}).encode() if status == 200 else b"busy"
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_retries_on_503_and_429_only(flaky):
    _Flaky.statuses[:] = [503, 429]
    assert bool(RemoteBackend(flaky, retries=2, default_graph="server").query("ASK {}")) is True
    _Flaky.statuses[:] = [503, 503, 503]
    with pytest.raises(kzgraph.EndpointError) as info:
        RemoteBackend(flaky, retries=2, default_graph="server").query("ASK {}")
    assert info.value.status == 503
    _Flaky.statuses[:] = [500, 200]
    with pytest.raises(kzgraph.EndpointError) as info:
        RemoteBackend(flaky, retries=2, default_graph="server").query("ASK {}")
    assert info.value.status == 500 and _Flaky.statuses == [200]  # no retry on 500


def test_a_retry_is_logged_with_the_endpoint(flaky, caplog):
    _Flaky.statuses[:] = [503]
    with RemoteBackend(flaky, retries=2, default_graph="server") as backend, caplog.at_level("INFO", logger="kzgraph"):
        assert bool(backend.query("ASK {}")) is True
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("kzgraph.backends.client", "WARNING", f"{flaky} answered HTTP 503: retry 1 of 2 in 0.25 s")]


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers ASK true and keeps the headers of each request."""

    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers))
        body = b'{"head": {}, "boolean": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_bearer_basic_and_custom_headers_are_sent(recorder):
    RemoteBackend(recorder, token="t0k3n", default_graph="server").query("ASK {}")
    RemoteBackend(recorder, user="ann", password="pw", default_graph="server").query("ASK {}")
    sw = SPARQLWrapper(recorder)
    sw.addCustomHttpHeader("X-Trace", "kzgraph-test")
    RemoteBackend.from_sparqlwrapper(sw, default_graph="server").query("ASK {}")
    bearer, basic, custom = _Recorder.seen
    assert bearer["Authorization"] == "Bearer t0k3n"
    assert basic["Authorization"] == "Basic YW5uOnB3"  # ann:pw
    assert custom["X-Trace"] == "kzgraph-test" and "Authorization" not in custom
    assert all(h["Accept"].startswith("application/sparql-results+json") for h in _Recorder.seen)


@pytest.mark.parametrize("options, message", [
    ({"auth": "kerberos"}, "unknown auth scheme 'kerberos'"),
    ({"auth": "bearer"}, "bearer auth needs a token"),
])
def test_wrong_remote_options_are_usage_errors(options, message):
    from kzgraph.backends.client import Http

    with pytest.raises(kzgraph.UsageError, match=message):
        RemoteBackend("http://127.0.0.1:9/sparql", **options)
    with pytest.raises(kzgraph.UsageError, match=message):
        Http(**options)
