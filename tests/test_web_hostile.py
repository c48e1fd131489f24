"""Hostile HTTP input to kzgraph's web app, property-tested: never a 500, never a traceback.

Random query text, parameter values, IRIs (as paths), ``Accept`` headers and paths are sent to the app in
process (Starlette's TestClient, which raises what the app does not handle); every answer must be a deliberate
one (2xx, 3xx or 4xx, and 503/504 only for the server's own limits), with no Python traceback in the body.
Examples are bounded so the suite stays fast.

Three tests need a real ``kzgraph serve``: queries and updates nested deeper than the engine's parser survives
(were they to reach it, the process would crash: the server must live on, and a test process must not be the
one to crash), and query strings longer than an HTTP parser buffers (the head buffer is uvicorn's, set by
``kzgraph serve`` from --max-body), sent over a socket in segments.
"""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.servers import UPDATE_TOKEN

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
SPARQL_WORDS = st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "?s", "?p", "?o", "<http://x/>",
                                "FILTER", "(", ")", "SERVICE", "LOAD", "\"x\"", "kz:Medal", "LIMIT", "1", ".",
                                "GRAPH", "OPTIONAL", "UNION", "\\u0053ERVICE", "#", "\n"])
QUERY_TEXT = st.one_of(st.text(max_size=200), st.lists(SPARQL_WORDS, max_size=30).map(" ".join))
ACCEPT = st.one_of(st.text(max_size=60), st.sampled_from(["*/*", "text/turtle;q=0", "application/json",
                                                          "text/html, */*;q=0.1", "image/png", ""]))
PATH_PART = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


def deliberate(response: httpx.Response) -> None:
    assert response.status_code < 500 or response.status_code in (503, 504), response.text[:300]  # 502: a bug
    assert "Traceback" not in response.text


def ascii_header(value: str) -> str:
    """What an HTTP client can send as a header value: printable ASCII (the server gets the rest as garbage)."""
    return "".join(ch for ch in value if " " <= ch <= "~").strip()


@SETTINGS
@given(text=QUERY_TEXT, accept=ACCEPT)
def test_random_query_text_by_get_and_post(client, text, accept):
    headers = {"Accept": ascii_header(accept)}
    deliberate(client.get("/sparql", params={"query": text}, headers=headers))
    deliberate(client.post("/sparql", content=text.encode("utf-8"),
                           headers={**headers, "Content-Type": "application/sparql-query"}))


@SETTINGS
@given(value=st.text(max_size=80), accept=ACCEPT)
def test_random_parameter_values_of_named_queries(client, value, accept):
    for name, param in (("athlete", "athlete"), ("provenance", "resource"), ("medals", "unknown")):
        deliberate(client.get(f"/queries/{name}", params={param: value},
                              headers={"Accept": ascii_header(accept)}))


@SETTINGS
@given(part=PATH_PART, accept=ACCEPT)
def test_random_paths_and_iris(client, part, accept):
    headers = {"Accept": ascii_header(accept)}
    for path in (f"/{part}", f"/athlete/{part}", f"/static/{part}", f"/search?q={part}"):
        try:
            request = client.build_request("GET", path, headers=headers)
        except (httpx.InvalidURL, UnicodeEncodeError):
            continue  # not a URL a client can send
        deliberate(client.send(request))


DEEP = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000  # 10 KB: pyoxigraph's parser would crash on it


def test_a_query_nested_too_deeply_is_a_400_and_the_server_lives_on(kzgraph_server):
    r = httpx.post(kzgraph_server.query_url, content=DEEP, headers={"Content-Type": "application/sparql-query"},
                   timeout=30)
    assert r.status_code == 400
    assert "query:1:116: SPARQL syntax error: query nested too deeply (limit 100 levels of brackets)" in r.text
    assert httpx.get(kzgraph_server.query_url, params={"query": "ASK { ?s ?p ?o }"}, timeout=30).status_code == 200


def test_an_update_nested_too_deeply_is_a_400(kzgraph_update_server):
    update = "INSERT DATA { <http://e/s> <http://e/p> " + "( " * 5000 + "1" + " )" * 5000 + " }"
    r = httpx.post(kzgraph_update_server.update_url, content=update, timeout=30,
                   headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert r.status_code == 400 and "query nested too deeply (limit 100 levels of brackets)" in r.text


def raw_get(base_url: str, target: str) -> tuple[int, str]:
    """GET ``target`` over a plain socket, 4 KiB at a time (HTTP clients refuse URLs this long): (status, body)."""
    host, port = httpx.URL(base_url).host, httpx.URL(base_url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        for start in range(0, len(request), 4096):  # in segments, as a network delivers it
            sock.sendall(request[start:start + 4096])
            time.sleep(0.002)
        answer = b"".join(iter(lambda: sock.recv(65536), b""))
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


def test_a_long_query_string_is_answered_up_to_max_body_and_414_beyond(kzgraph_server):
    """The HTTP parser buffers a head up to --max-body (65,536 on this server) plus 64 KiB, so both answers come
    from kzgraph, however the bytes arrive: a long GET below the limit runs, one above it is 414 in words."""
    ask = "/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D"
    assert raw_get(kzgraph_server.base_url, ask + "+" * 60_000)[0] == 200
    status, body = raw_get(kzgraph_server.base_url, ask + "+" * 100_000)
    assert status == 414 and "the query string is longer than 65536 bytes; POST the query" in body
