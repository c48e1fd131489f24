"""The server fixtures serve: load through each server's write interface, replace, read back.

Every test runs against a real process on 127.0.0.1 (see tests/servers.py); the HTTP client is
the standard library's urllib, so these tests need nothing beyond pytest.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from email.message import Message

import pytest

from tests.servers import SparqlServer, ci_requires_servers, free_port, unavailable

EX = "http://example.org/"
G1 = f"{EX}g1"
G2 = f"{EX}g2"

SAMPLE_TURTLE = """\
@prefix ex: <http://example.org/> .
ex:alice ex:name "Alice"@en ;
    ex:age 42 .
"""
SAMPLE_ROWS = [
    {"p": f"{EX}age", "o": "42"},
    {"p": f"{EX}name", "o": "Alice"},
]

TIMEOUT_S = 10.0

# Trivial probes; real queries live in queries/*.rq.
SELECT_G1 = f"SELECT ?p ?o WHERE {{ GRAPH <{G1}> {{ <{EX}alice> ?p ?o }} }} ORDER BY ?p"
COUNT_G1 = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"
COUNT_G2 = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}"
ASK_AGE_42 = f"ASK {{ GRAPH <{G1}> {{ <{EX}alice> <{EX}age> 42 }} }}"
ASK_AGE_43 = f"ASK {{ GRAPH <{G1}> {{ <{EX}alice> <{EX}age> 43 }} }}"
REPLACE_G2 = (
    f"DROP SILENT GRAPH <{G2}> ;\n"
    f'INSERT DATA {{ GRAPH <{G2}> {{ <{EX}bob> <{EX}name> "Bob" . <{EX}bob> <{EX}age> 7 }} }}'
)

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"


# --- a minimal SPARQL protocol client ---------------------------------------------------------


def send(
    server: SparqlServer,
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    auth: bool = True,
    timeout: float = TIMEOUT_S,
) -> tuple[int, Message, bytes]:
    """One HTTP request; returns (status, headers, body) for any status."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = server.opener() if auth else urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def query(server: SparqlServer, sparql: str, *, via: str, accept: str = JSON_RESULTS) -> bytes:
    """Run a query with GET (``via="get"``) or a form POST (``via="post"``); 200 expected."""
    form = urllib.parse.urlencode({"query": sparql})
    if via == "get":
        status, _, body = send(server, f"{server.query_url}?{form}", headers={"Accept": accept})
    else:
        status, _, body = send(
            server,
            server.query_url,
            method="POST",
            data=form.encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
    assert status == 200, body.decode(errors="replace")
    return body


def select(server: SparqlServer, sparql: str, *, via: str = "get") -> list[dict[str, str]]:
    """Solutions as {variable: lexical value}."""
    doc = json.loads(query(server, sparql, via=via))
    return [{var: term["value"] for var, term in row.items()} for row in doc["results"]["bindings"]]


def ask(server: SparqlServer, sparql: str, *, via: str = "get") -> bool:
    doc = json.loads(query(server, sparql, via=via))
    value = doc["boolean"]
    assert isinstance(value, bool)
    return value


def put_graph(server: SparqlServer, graph: str, turtle: str) -> int:
    """Replace a named graph through the Graph Store Protocol; returns the HTTP status."""
    status, _, body = send(
        server,
        server.graph_store_url(graph),
        method="PUT",
        data=turtle.encode(),
        headers={"Content-Type": "text/turtle"},
    )
    assert status in (200, 201, 204), body.decode(errors="replace")
    return status


def update(server: SparqlServer, sparql: str) -> None:
    """Run a SPARQL Update as a form POST (``update=``) on the server's update URL."""
    status, _, body = send(
        server,
        server.update_url,
        method="POST",
        data=urllib.parse.urlencode({"update": sparql}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status in (200, 204), body.decode(errors="replace")


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(params=["oxigraph_server", "virtuoso_server"])
def server(request: pytest.FixtureRequest) -> SparqlServer:
    value = request.getfixturevalue(request.param)
    assert isinstance(value, SparqlServer)
    return value


@pytest.fixture
def loaded(server: SparqlServer) -> SparqlServer:
    """The server with SAMPLE_TURTLE as graph G1."""
    put_graph(server, G1, SAMPLE_TURTLE)
    return server


# --- helpers of tests/servers.py ---------------------------------------------------------------


def test_free_port_is_bindable_on_loopback() -> None:
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_unavailable_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert not ci_requires_servers()
    with pytest.raises(pytest.skip.Exception, match="no such server"):
        unavailable("no such server")


def test_unavailable_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert ci_requires_servers()
    with pytest.raises(pytest.fail.Exception, match="no such server"):
        unavailable("no such server")


# --- every server --------------------------------------------------------------------------


def test_server_is_on_loopback_and_names_itself(server: SparqlServer) -> None:
    for url in (server.base_url, server.query_url, server.update_url, server.store_url):
        assert url.startswith("http://127.0.0.1:"), url
    expected = {"oxigraph": "Oxigraph/", "virtuoso": "Virtuoso/"}[server.name]
    assert server.version.startswith(expected), server.version
    assert server.log_path.is_file()


def test_graph_store_put_replaces_named_graph(server: SparqlServer) -> None:
    first = put_graph(server, G1, SAMPLE_TURTLE)
    second = put_graph(server, G1, SAMPLE_TURTLE)
    assert first in (200, 201, 204)
    assert second in (200, 204)  # the graph exists now: replaced, not created
    assert select(server, COUNT_G1) == [{"n": "2"}]  # not doubled


def test_graph_store_get_returns_the_graph(loaded: SparqlServer) -> None:
    status, headers, body = send(
        loaded, loaded.graph_store_url(G1), headers={"Accept": "application/n-triples"}
    )
    assert status == 200, body
    assert headers.get("Content-Type", "").startswith("application/n-triples")
    # Virtuoso separates terms with tabs, Oxigraph with spaces: compare with single spaces.
    lines = sorted(" ".join(line.split()) for line in body.decode().splitlines() if line.strip())
    assert lines == [
        f'<{EX}alice> <{EX}age> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        f'<{EX}alice> <{EX}name> "Alice"@en .',
    ]


@pytest.mark.parametrize("via", ["get", "post"])
def test_select_reads_back(loaded: SparqlServer, via: str) -> None:
    assert select(loaded, SELECT_G1, via=via) == SAMPLE_ROWS


@pytest.mark.parametrize("via", ["get", "post"])
def test_ask(loaded: SparqlServer, via: str) -> None:
    assert ask(loaded, ASK_AGE_42, via=via) is True
    assert ask(loaded, ASK_AGE_43, via=via) is False


def test_sparql_update_replaces_named_graph(server: SparqlServer) -> None:
    update(server, REPLACE_G2)
    update(server, REPLACE_G2)
    assert select(server, COUNT_G2) == [{"n": "2"}]


def test_ask_in_xml(loaded: SparqlServer) -> None:
    body = query(loaded, ASK_AGE_42, via="get", accept=XML_RESULTS)
    root = ET.fromstring(body)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    boolean = root.find("r:boolean", ns)
    assert boolean is not None and boolean.text == "true"


# --- auth, and the one known protocol gap -----------------------------------------------------


def test_virtuoso_reads_are_anonymous_writes_need_digest(virtuoso_server: SparqlServer) -> None:
    server = virtuoso_server
    status, headers, _ = send(
        server,
        server.graph_store_url(G1),
        method="PUT",
        data=SAMPLE_TURTLE.encode(),
        headers={"Content-Type": "text/turtle"},
        auth=False,
    )
    assert status == 401
    assert headers.get("WWW-Authenticate", "").startswith("Digest ")
    # The anonymous endpoint refuses updates (the SPARQL user lacks SPARQL_UPDATE).
    status, _, body = send(
        server,
        server.query_url,
        method="POST",
        data=urllib.parse.urlencode({"update": REPLACE_G2}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=False,
    )
    assert status == 500
    assert b"SR186" in body  # "SECURITY: No permission to execute procedure ..."


def test_oxigraph_needs_no_auth(oxigraph_server: SparqlServer) -> None:
    assert oxigraph_server.username is None
    put_graph(oxigraph_server, G1, SAMPLE_TURTLE)


def test_post_sparql_query_body(server: SparqlServer) -> None:
    """POST with Content-Type application/sparql-query: Oxigraph answers, Virtuoso 7.2 never does."""
    try:
        status, _, body = send(
            server,
            server.query_url,
            method="POST",
            data=b"ASK {}",
            headers={"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS},
            timeout=3.0,
        )
    except (TimeoutError, urllib.error.URLError) as error:
        assert server.name == "virtuoso", f"{server.name}: {error!r}"
        return
    assert server.name == "oxigraph", f"{server.name} answered {status}: {body!r}"
    assert status == 200 and json.loads(body)["boolean"] is True


# --- the differences docs/engines.md records, kept true by tests ----------------------------------

G3 = f"{EX}g3"
G4 = f"{EX}g4"
DUP_TRIPLE = f"<{EX}x> <{EX}dup> <{EX}y> ."
COUNT_DUP_DEFAULT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}dup> ?o }}"


@pytest.fixture
def duplicated(server: SparqlServer) -> SparqlServer:
    """One triple stored in two named graphs, G3 and G4, and nowhere else."""
    put_graph(server, G3, DUP_TRIPLE)
    put_graph(server, G4, DUP_TRIPLE)
    return server


def test_default_graph_semantics(duplicated: SparqlServer) -> None:
    """Oxigraph: default graph is its own (empty) graph. Virtuoso: union of all graphs, as a bag."""
    expected = {"oxigraph": "0", "virtuoso": "2"}[duplicated.name]
    assert select(duplicated, COUNT_DUP_DEFAULT) == [{"n": expected}]


def test_oxigraph_union_default_graph_parameter(oxigraph_server: SparqlServer) -> None:
    put_graph(oxigraph_server, G3, DUP_TRIPLE)
    put_graph(oxigraph_server, G4, DUP_TRIPLE)
    form = urllib.parse.urlencode({"query": COUNT_DUP_DEFAULT, "union-default-graph": ""})
    status, _, body = send(
        oxigraph_server, f"{oxigraph_server.query_url}?{form}", headers={"Accept": JSON_RESULTS}
    )
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"  # a bag: counted twice


def test_json_literal_term_type(server: SparqlServer) -> None:
    """Typed literals are "literal" (SPARQL 1.1) on Oxigraph, "typed-literal" (2007 note) on Virtuoso."""
    doc = json.loads(query(server, "SELECT (COUNT(*) AS ?n) WHERE { }", via="get"))
    term = doc["results"]["bindings"][0]["n"]
    expected_type = {"oxigraph": "literal", "virtuoso": "typed-literal"}[server.name]
    assert term == {
        "type": expected_type,
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
        "value": "1",  # COUNT(*) over the empty pattern: one empty solution
    }


def test_arithmetic_and_boolean_types(server: SparqlServer) -> None:
    """Virtuoso divides integers as integers and returns true as xsd:integer 1."""
    doc = json.loads(query(server, "SELECT (1/2 AS ?half) (true AS ?yes) WHERE { }", via="get"))
    row = doc["results"]["bindings"][0]
    xsd = "http://www.w3.org/2001/XMLSchema#"
    expected = {
        "oxigraph": {"half": ("0.5", f"{xsd}decimal"), "yes": ("true", f"{xsd}boolean")},
        "virtuoso": {"half": ("0", f"{xsd}integer"), "yes": ("1", f"{xsd}integer")},
    }[server.name]
    assert {var: (term["value"], term["datatype"]) for var, term in row.items()} == expected


def test_tsv_keeps_language_tags(loaded: SparqlServer) -> None:
    """SPARQL TSV writes terms in Turtle syntax; Virtuoso 7.2 drops the language tag."""
    sparql = f"SELECT ?name WHERE {{ GRAPH <{G1}> {{ <{EX}alice> <{EX}name> ?name }} }}"
    body = query(loaded, sparql, via="get", accept="text/tab-separated-values").decode()
    expected = {"oxigraph": ["?name", '"Alice"@en'], "virtuoso": ['"name"', '"Alice"']}[loaded.name]
    assert body.split() == expected


def test_group_concat_without_separator(loaded: SparqlServer) -> None:
    """Virtuoso 7.2 rejects GROUP_CONCAT without an explicit separator (SR183)."""
    sparql = f"SELECT (GROUP_CONCAT(?o) AS ?all) WHERE {{ GRAPH <{G1}> {{ ?s <{EX}name> ?o }} }}"
    form = urllib.parse.urlencode({"query": sparql})
    status, _, body = send(loaded, f"{loaded.query_url}?{form}", headers={"Accept": JSON_RESULTS})
    if loaded.name == "virtuoso":
        assert status == 500 and b"SR183" in body
    else:
        assert status == 200
        assert json.loads(body)["results"]["bindings"] == [
            {"all": {"type": "literal", "value": "Alice", "xml:lang": "en"}}  # common tag kept
        ]
