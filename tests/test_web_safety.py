"""Safe by default: read-only, updates only with the bearer token, limits on bodies, results and time, CORS
only where configured, SERVICE only to allowed endpoints, no path traversal, and never a 500 for a
user's mistake. Against running ``kzgraph serve`` processes."""

from __future__ import annotations

import http.client
import time
import urllib.parse

import httpx
import pytest

from tests.kzgraph_servers import ALLOWED_ORIGIN, UPDATE_TOKEN
from tests.servers import free_port

KZ = "https://w3id.org/kzgraph/"
TEST_GRAPH = "https://example.org/kzgraph-test/graph"
MEDALS = "SELECT (COUNT(*) AS ?n) WHERE { ?m a kz:Medal }"
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "  # about 30 million rows: seconds, not ms
        "VALUES ?x { 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 } }")


def count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# --- updates ------------------------------------------------------------------------------------------


def test_read_only_by_default(kzgraph_server):
    update = f"INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ <a:b> <a:c> 1 }} }}"
    r = httpx.post(kzgraph_server.sparql, data={"update": update},
                   headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert r.status_code == 403 and "--allow-update" in r.text
    r = httpx.post(kzgraph_server.sparql, content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    assert count(httpx.get(kzgraph_server.sparql, params={"query": MEDALS})) == 11


def test_update_needs_the_bearer_token(kzgraph_update_server):
    update = f"INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ <{KZ}athlete/test-person> a kz:Athlete }} }}"
    r = httpx.post(kzgraph_update_server.sparql, data={"update": update})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    r = httpx.post(kzgraph_update_server.sparql, data={"update": update}, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 403 and "invalid_token" in r.headers["www-authenticate"]
    r = httpx.post(kzgraph_update_server.sparql, data={"update": update}, headers={"Authorization": "Basic abc"})
    assert r.status_code == 401


def test_update_with_the_token_changes_answers_pages_and_search(kzgraph_update_server):
    server, auth = kzgraph_update_server, {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    ask = f"ASK {{ <{KZ}athlete/new-athlete> ?p ?o }}"
    assert httpx.get(server.sparql, params={"query": ask}).json()["boolean"] is False  # now cached
    assert httpx.get(f"{server.base_url}/athlete/new-athlete.html").status_code == 404
    assert "new-athlete" not in httpx.get(f"{server.base_url}/search", params={"q": "Qwertyuk"}).text
    update = (f'INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ <{KZ}athlete/new-athlete> a kz:Athlete ; '
              f'rdfs:label "Test Qwertyuk" }} }}')
    r = httpx.post(server.sparql, content=update.encode(),
                   headers={"Content-Type": "application/sparql-update", **auth})
    assert r.status_code == 204, r.text
    assert httpx.get(server.sparql, params={"query": ask}).json()["boolean"] is True
    assert "<h1>Test Qwertyuk</h1>" in httpx.get(f"{server.base_url}/athlete/new-athlete.html").text
    hits = httpx.get(f"{server.base_url}/search", params={"q": "qwertyuk"}, headers={"Accept": "application/json"})
    assert hits.json()["results"]["bindings"][0]["resource"]["value"] == KZ + "athlete/new-athlete"
    r = httpx.post(server.sparql, data={"update": f"DROP GRAPH <{TEST_GRAPH}>"}, headers=auth)
    assert r.status_code == 204
    assert httpx.get(server.sparql, params={"query": ask}).json()["boolean"] is False


def test_an_update_is_logged_as_a_change_of_the_data(caplog):
    """In process: the server's state says on its logger when an update has cleared what it had cached."""
    from starlette.testclient import TestClient

    import kzgraph
    from kzgraph.web.app import create_app
    from kzgraph.web.context import Settings

    with kzgraph.open() as kg, TestClient(create_app(kg, Settings(allow_update=True, update_token="t0k3n"))) as c:
        with caplog.at_level("DEBUG", logger="kzgraph.web"):
            r = c.post("/sparql", data={"update": f"DROP SILENT GRAPH <{TEST_GRAPH}>"},
                       headers={"Authorization": "Bearer t0k3n"})
    assert r.status_code == 204, r.text
    said = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert said[0][:2] == ("kzgraph.web.context", "INFO") and said[0][2].startswith("data changed: an update ran in ")
    # cleared after the update, and again by the route (which may stop waiting for it before it ends)
    cleared = ("kzgraph.web.context", "DEBUG", "cached answers, sizes and the reconciliation service cleared")
    assert said[1:] == [cleared, cleared]


def test_update_syntax_error_is_400(kzgraph_update_server):
    r = httpx.post(kzgraph_update_server.sparql, data={"update": "INSERT DATA { oops"},
                   headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert r.status_code == 400 and "SPARQL syntax error" in r.text


def test_update_cannot_load_a_url(kzgraph_update_server):
    r = httpx.post(kzgraph_update_server.sparql, data={"update": "LOAD <http://127.0.0.1:1/data.ttl>"},
                   headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert r.status_code == 403 and "LOAD <http://127.0.0.1:1/data.ttl> is not allowed" in r.text


# --- limits -------------------------------------------------------------------------------------------


def test_request_body_limit_is_413(kzgraph_server):
    padding = "#" + "x" * 70_000 + "\n"
    r = httpx.post(kzgraph_server.sparql, content=(padding + "ASK {}").encode(),
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "65536" in r.text
    chunks = (b"#" + b"x" * 10_000 + b"\n" for _ in range(10))  # no Content-Length: sent chunked
    r = httpx.post(kzgraph_server.sparql, content=chunks, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert httpx.post(kzgraph_server.sparql, data={"query": "ASK {}"}).status_code == 200


def test_long_query_string_is_414(start_kzgraph):
    server = start_kzgraph("--max-body", "4096")
    r = httpx.get(server.sparql, params={"query": "#" + "x" * 5000 + "\nASK {}"})
    assert r.status_code == 414 and "POST the query" in r.text
    r = httpx.post(server.sparql, data={"query": "#" + "x" * 5000 + "\nASK {}"})
    assert r.status_code == 413


def test_result_size_limit(kzgraph_server):
    r = httpx.get(kzgraph_server.sparql, params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert r.status_code == 400 and "more than 2000 rows" in r.text
    r = httpx.get(kzgraph_server.sparql, params={"query": "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert r.status_code == 400
    r = httpx.get(kzgraph_server.sparql, params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 2000"})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 2000


def test_timeout_is_504_and_a_full_pool_is_503_while_pages_still_answer(start_kzgraph):
    server = start_kzgraph("--query-timeout", "1", "--workers", "1", "--backlog", "0")
    started = time.monotonic()
    r = httpx.get(server.sparql, params={"query": SLOW}, timeout=30)
    assert r.status_code == 504 and "within 1 s" in r.text
    assert time.monotonic() - started < 5
    busy = httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=30)  # the slow query still holds the worker
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    page = httpx.get(f"{server.base_url}/athlete/zarina-raifova.html", timeout=30)  # pages have their own pool
    assert page.status_code == 200
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=30).status_code == 200:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the server did not recover after the abandoned query finished")


# --- CORS ---------------------------------------------------------------------------------------------


def test_cors_only_for_configured_origins(kzgraph_server, kzgraph_update_server):
    r = httpx.get(kzgraph_server.sparql, params={"query": "ASK {}"}, headers={"Origin": ALLOWED_ORIGIN})
    assert r.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    r = httpx.get(kzgraph_server.sparql, params={"query": "ASK {}"}, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    preflight = httpx.options(kzgraph_server.sparql, headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
    r = httpx.get(kzgraph_update_server.sparql, params={"query": "ASK {}"}, headers={"Origin": ALLOWED_ORIGIN})
    assert "access-control-allow-origin" not in r.headers  # no --cors: no cross-origin reads


# --- SERVICE ------------------------------------------------------------------------------------------


def test_service_to_an_allowed_endpoint(kzgraph_server, kzgraph_update_server):
    query = (f"SELECT ?n WHERE {{ SERVICE <{kzgraph_update_server.sparql}> "
             f"{{ SELECT (COUNT(*) AS ?n) WHERE {{ ?m a <{KZ}ontology#Medal> }} }} }}")
    r = httpx.get(kzgraph_server.sparql, params={"query": query}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "11"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:1/> } SERVICE ?e { ?s ?p ?o } }",
    "PREFIX x: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "select * where { service <file:///etc/passwd> { ?s ?p ?o } }",
])
def test_service_elsewhere_is_refused(kzgraph_server, query):
    r = httpx.get(kzgraph_server.sparql, params={"query": query})
    assert r.status_code == 403 and "not allowed on this server" in r.text


def test_no_service_at_all_by_default(kzgraph_update_server):
    query = f"SELECT * WHERE {{ SERVICE <{kzgraph_update_server.sparql}> {{ ?s ?p ?o }} }}"
    r = httpx.get(kzgraph_update_server.sparql, params={"query": query})
    assert r.status_code == 403 and "allowed: none" in r.text


def test_allowed_service_that_does_not_answer_is_502(start_kzgraph):
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    server = start_kzgraph("--service-allow", dead)
    r = httpx.get(server.sparql, params={"query": f"SELECT * WHERE {{ SERVICE <{dead}> {{ ?s ?p ?o }} }}"}, timeout=30)
    assert r.status_code == 502 and "the store failed" in r.text


# --- static files, headers, no 500 -------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/static/../../pyproject.toml", "/static/..%2f..%2fpyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/vendor/../../../../etc/passwd", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
])
def test_no_path_traversal(kzgraph_server, path):
    host, port = urllib.parse.urlsplit(kzgraph_server.base_url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)  # sent as written: no client-side normalisation
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status in (400, 404), (path, response.status)
    assert b"root:" not in body and b"[project]" not in body


def test_security_headers(kzgraph_server):
    r = httpx.get(kzgraph_server.base_url + "/")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "connect-src 'self'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("args", [
    {"url": "/sparql", "params": {"query": "\x00\x01"}},
    {"url": "/sparql", "params": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}},
    {"url": "/sparql", "params": {"query": "SELECT (1/0 AS ?x) {}"}},
    {"url": "/sparql", "params": {"query": "ASK {}", "named-graph-uri": "<bad>"}},
    {"url": "/queries/medal-chain", "params": {"resource": "'; DROP ALL"}},
    {"url": "/search", "params": {"q": "\U0001f3c5" * 500}},
    {"url": "/athlete/%00"},
    {"url": "/athlete/" + "x" * 5000 + ".ttl"},
    {"url": "/.well-known/void", "headers": {"Accept": "application/x-unknown"}},
    {"url": "/dumps/kzgraph.nq", "headers": {"Accept": ";;;,,,q=abc"}},
])
def test_mistakes_never_give_500(kzgraph_server, args):
    r = httpx.get(kzgraph_server.base_url + args.pop("url"), timeout=30, **args)
    assert r.status_code < 500, r.text
