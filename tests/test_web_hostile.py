"""Hostile HTTP input to a running ``kzgraph serve``, property-tested: never a 500, never a traceback.

Random query text, parameter values, IRIs (as paths), ``Accept`` headers and paths are sent to a real
server on loopback; every answer must be a deliberate one (2xx, 3xx or 4xx, and 502/503/504 only for the
server's own limits), with no Python traceback in the body. Examples are bounded so the suite stays fast.
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SPARQL_WORDS = st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "?s", "?p", "?o", "<http://x/>",
                                "FILTER", "(", ")", "SERVICE", "LOAD", "\"x\"", "kz:Medal", "LIMIT", "1", ".",
                                "GRAPH", "OPTIONAL", "UNION", "\\u0053ERVICE", "#", "\n"])
QUERY_TEXT = st.one_of(st.text(max_size=200), st.lists(SPARQL_WORDS, max_size=30).map(" ".join))
ACCEPT = st.one_of(st.text(max_size=60), st.sampled_from(["*/*", "text/turtle;q=0", "application/json",
                                                          "text/html, */*;q=0.1", "image/png", ""]))
PATH_PART = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@pytest.fixture(scope="module")
def client(kzgraph_server):
    with httpx.Client(base_url=kzgraph_server.base_url, timeout=30) as c:
        yield c


def deliberate(response: httpx.Response) -> None:
    assert response.status_code < 500 or response.status_code in (502, 503, 504), response.text[:300]
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
