"""Dumps stream on the rdflib and remote backends too (``Backend.dump_to``): rdflib's store serialised quad by quad,
a remote store's answer read as the server sends it; the same dataset as the whole ``dump``, and the remote
backend's timeouts and errors as for any query."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

import kzgraph
from kzgraph import formats
from kzgraph.backends.remote import RemoteBackend
from kzgraph.errors import EndpointError, EndpointTimeoutError, EndpointUnreachableError, ResultsSyntaxError
from kzgraph.results.documents import parse_json
from kzgraph.results.jsonrows import bindings
from tests.conftest import app_client, keep
from tests.servers import free_port

FORMATS = ["trig", "nq", "jsonld", "ttl", "nt", "rdfxml"]
RDF = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
       "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
# sentence 5 of the article: David Degtyarev, in the graph of that sentence
DEGTYAREV = ox.Quad(ox.NamedNode("https://w3id.org/kzgraph/athlete/david-degtyarev"),
                    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("David Degtyarev"),
                    ox.NamedNode("https://w3id.org/kzgraph/graph/article/s05"))


def dataset(data: bytes, fmt: str) -> set[ox.Quad]:
    """The quads of a document, blank nodes labelled canonically (so that two serialisations compare)."""
    parsed = ox.Dataset(ox.parse(data, format=RDF[fmt]))
    parsed.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(parsed)


def statement(fmt: str) -> ox.Quad:
    """Degtyarev's label as a document in ``fmt`` has it: in its graph, or in the union (the default graph)."""
    return DEGTYAREV if RDF[fmt].supports_datasets else ox.Quad(*DEGTYAREV.triple, ox.DefaultGraph())


def served_dump(kg: kzgraph.KnowledgeGraph, fmt: str) -> httpx.Response:
    """The dump in ``fmt`` as an app over ``kg`` serves it: streamed (200, no Content-Length)."""
    clients = app_client(kg, cache=False)
    try:
        response = next(clients).get(f"/dumps/kzgraph{formats.by_name(fmt).extension}")
    finally:
        clients.close()
    assert response.status_code == 200 and "content-length" not in response.headers
    return response


@pytest.fixture(scope="module")
def rdflib_kg() -> Iterator[kzgraph.KnowledgeGraph]:
    with kzgraph.open(backend="rdflib") as graph:
        yield graph


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_rdflib_dump_is_served_streamed_with_the_whole_dumps_quads(rdflib_kg, fmt):
    response = served_dump(rdflib_kg, fmt)
    served = dataset(response.content, fmt)
    assert served == dataset(rdflib_kg.backend.dump(fmt), fmt)
    assert len(served) == (1686 if RDF[fmt].supports_datasets else 1677)  # 9 triples stated in two graphs
    assert statement(fmt) in served


def test_an_rdflib_dump_is_written_in_pieces_as_it_is_serialised(rdflib_kg):
    pieces: list[int] = []
    rdflib_kg.backend.dump_to("nq", lambda piece: pieces.append(len(piece)))
    assert sum(pieces) == len(rdflib_kg.backend.dump("nq"))  # about 320 kB (blank node labels vary)
    assert len(pieces) > 30 and max(pieces) <= 8192  # the serialiser's buffer, never the document


def test_json_bindings_read_in_pieces_are_the_whole_documents_rows(kg):
    document = kg.query("medals").to_json().encode()
    whole = parse_json(document)
    rows = list(bindings(document[i:i + 7] for i in range(0, len(document), 7)))  # pieces cut anywhere
    assert [tuple(row.get(column) for column in whole.columns) for row in rows] == list(whole)
    assert rows[0]["athlete_name"] == "David Degtyarev" and rows[0]["result"] == 188  # sentence 5: 188 kg


@pytest.mark.parametrize(("document", "message"), [
    (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"value": "x"}}]}}',
     "SPARQL JSON results at results.bindings[0].s: no 'type' member"),
    (b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "val',
     "SPARQL JSON results at results.bindings[0]: not JSON: Unterminated string starting at"),
    (b'{"head": {"vars": ["s"]}, "boolean": true}', "SPARQL JSON results at results.bindings: no results.bindings"),
])
def test_json_bindings_say_where_a_document_is_not_one(document, message):
    with pytest.raises(ResultsSyntaxError) as raised:
        list(bindings(iter([document[:20], document[20:]])))
    assert str(raised.value).startswith(message)


@pytest.fixture(scope="module")
def remote_kg(oxigraph_server_loaded) -> Iterator[kzgraph.KnowledgeGraph]:
    with keep(kzgraph.open(oxigraph_server_loaded.query_url)) as graph:
        yield graph


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_remote_dump_is_served_streamed_with_the_whole_dumps_quads(remote_kg, fmt):
    response = served_dump(remote_kg, fmt)
    served = dataset(response.content, fmt)
    assert served == dataset(remote_kg.backend.dump(fmt), fmt)
    assert statement(fmt) in served


def test_a_remote_dump_is_read_as_the_server_sends_it(remote_kg):
    pieces: list[int] = []
    remote_kg.backend.dump_to("nt", lambda piece: pieces.append(len(piece)))
    assert sum(pieces) == len(remote_kg.backend.dump("nt"))
    assert len(pieces) > 10 and max(pieces) <= 8192


def test_a_remote_dump_names_an_endpoint_that_is_not_there(oxigraph_server):
    missing = RemoteBackend(f"{oxigraph_server.base_url}/nowhere", default_graph="server")
    with missing, pytest.raises(EndpointError) as raised:
        missing.dump_to("nq", lambda piece: None)
    assert raised.value.status == 404 and "not found: is this the endpoint's URL?" in str(raised.value)
    closed = RemoteBackend(f"http://127.0.0.1:{free_port()}/query", default_graph="server")
    with closed, pytest.raises(EndpointUnreachableError, match="cannot connect"):
        closed.dump_to("nq", lambda piece: None)


def _stalling(start: bytes) -> tuple[str, threading.Event]:
    """A server on loopback that answers one request with ``start`` and then sends nothing more until the
    event is set: a SPARQL server stuck in the middle of an answer."""
    listener = socket.create_server(("127.0.0.1", 0))
    release = threading.Event()

    def answer() -> None:
        with listener, listener.accept()[0] as connection:
            connection.recv(65_536)
            connection.sendall(start)
            release.wait(10)

    threading.Thread(target=answer, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/query", release


@pytest.mark.parametrize("start", [
    b"",  # no answer at all
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"40\r\n" + b'{"head":{"vars":["g","s","p","o"]},"results":{"bindings":[      '[:64] + b"\r\n",  # cut off
], ids=["before-the-answer", "within-the-answer"])
def test_a_remote_dump_times_out_as_any_query_does(start):
    url, release = _stalling(start)
    backend = RemoteBackend(url, default_graph="server", timeout=0.3)
    started = time.monotonic()
    try:
        with backend, pytest.raises(EndpointTimeoutError, match=r"no answer within 0\.3 s \(ReadTimeout\)"):
            backend.dump_to("nq", lambda piece: None)
    finally:
        release.set()
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("fmt", ["nq", "nt"])
def test_a_virtuoso_dump_streams_the_whole_dumps_quads(virtuoso_server_loaded, fmt):
    with keep(kzgraph.open(virtuoso_server_loaded.query_url)) as graph:
        pieces: list[bytes] = []
        graph.backend.dump_to(fmt, pieces.append)
        streamed = dataset(b"".join(pieces), fmt)
        assert streamed == dataset(graph.backend.dump(fmt), fmt)
    assert statement(fmt) in streamed
