"""Whole answers of ``/sparql`` and ``/queries/NAME`` stream (``web.resultstream``): the engine's iterator read on
one thread, rows written in chunks, the status decided by the first chunk; small answers kept in the cache."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import pyoxigraph as ox
import pytest

import kzgraph
from kzgraph.backends import Source
from kzgraph.web import resultstream
from tests.conftest import app_client

SYNTH = "https://example.org/synth"
ROWS = 20_000  # about 2 MB of CSV: many chunks of streaming.CHUNK (256 KiB)
ALL = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{SYNTH}> {{ ?s ?p ?o }} }} ORDER BY ?s"
GRAPH = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SYNTH}> {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def synthetic():
    """The article's dataset and ROWS synthetic triples in a graph of their own."""
    lines = "".join(f'<https://example.org/thing/{i:06d}> <https://example.org/label> "thing number {i}, '
                    f'with a label long enough to make a large answer" .\n' for i in range(ROWS))
    with kzgraph.open() as graph:
        graph.load(Source(data=lines.encode(), format="nt", name="synthetic"), graph=SYNTH)
        yield graph


@contextlib.contextmanager
def serving(kg, **settings):
    """The web app over ``kg`` with ``settings``, while the block runs."""
    clients = app_client(kg, **settings)
    try:
        yield next(clients)
    finally:
        clients.close()


@pytest.fixture(scope="module")
def client(synthetic):
    yield from app_client(synthetic, max_rows=100_000)


@pytest.mark.parametrize(("fmt", "whole"), [("csv", "to_csv"), ("tsv", "to_tsv"), ("json", "to_json")])
def test_a_named_query_streams_what_the_whole_serialization_writes(kg, make_kzgraph_app, fmt, whole):
    client = make_kzgraph_app(cache=False)
    response = client.get("/queries/medals", params={"format": fmt})
    assert response.status_code == 200
    assert response.text == getattr(kg.query("medals"), whole)()
    rows = list(csv.DictReader(io.StringIO(response.text))) if fmt == "csv" else []
    if fmt == "csv":  # sentence 5 of the article: David Degtyarev, gold in para powerlifting
        assert {"athlete_name": "David Degtyarev", "medal": "Gold", "result": "188", "unit": "kg"}.items() <= next(
            r for r in rows if r["athlete_name"] == "David Degtyarev").items()


def test_a_named_querys_resource_parameter_is_resolved_when_streamed(kzgraph_app, kg):
    response = kzgraph_app.get("/queries/athlete", params={"athlete": "David Degtyarev", "format": "csv"})
    assert response.status_code == 200
    assert response.text == kg.query("athlete", athlete="David Degtyarev").to_csv()


def test_a_large_answer_is_sent_chunked_and_parses(client):
    response = client.get("/sparql", params={"query": ALL, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "content-length" not in response.headers  # streamed: chunked on the wire
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["s", "p", "o"] and len(rows) == ROWS + 1
    assert rows[1] == ["https://example.org/thing/000000", "https://example.org/label",
                       "thing number 0, with a label long enough to make a large answer"]
    answer = client.get("/sparql", params={"query": ALL}, headers={"Accept": "application/sparql-results+json"})
    assert "content-length" not in answer.headers
    bindings = json.loads(answer.content)["results"]["bindings"]
    assert len(bindings) == ROWS and bindings[-1]["s"]["value"] == "https://example.org/thing/019999"
    triples = client.get("/sparql", params={"query": GRAPH, "format": "nt"})
    assert "content-length" not in triples.headers
    assert len(list(ox.parse(triples.content, format=ox.RdfFormat.N_TRIPLES))) == ROWS


def test_a_large_answer_is_not_cached_and_a_small_one_is(client, synthetic):
    cache = client.app.state.kzgraph.cache
    before = len(cache)
    client.get("/sparql", params={"query": ALL, "format": "tsv"})
    assert len(cache) == before
    small = f"SELECT ?o WHERE {{ GRAPH <{SYNTH}> {{ <https://example.org/thing/000007> ?p ?o }} }} ORDER BY ?o"
    first = client.get("/sparql", params={"query": small, "format": "csv"})
    assert first.headers["content-length"] == str(len(first.content))  # sent whole
    assert len(cache) == before + 1
    assert client.get("/sparql", params={"query": small, "format": "csv"}).text == (
        'o\r\n"thing number 7, with a label long enough to make a large answer"\r\n')


def test_a_syntax_error_is_still_a_400_with_a_readable_body(client):
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }", "format": "csv"},
                          headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert response.text == "400 Bad request: query:1:22: SPARQL syntax error: unexpected '}'\n"


def test_passing_the_cap_is_an_error_before_the_first_byte(synthetic):
    with serving(synthetic, max_rows=1000, cache=False) as capped:
        response = capped.get("/sparql", params={"query": ALL, "format": "csv"})  # 2 MB: more than a chunk
    assert response.status_code == 400 and "more than 1000 rows" in response.text


def test_a_cap_passed_after_the_first_byte_ends_the_answer_and_says_so(synthetic, monkeypatch):
    monkeypatch.setattr(resultstream, "_HOLD", 10_000)  # a large --max-rows: sent before the cap is decided
    with serving(synthetic, max_rows=5000, cache=False) as capped:
        response = capped.get("/sparql", params={"query": GRAPH, "format": "nt"})
        table = capped.get("/sparql", params={"query": ALL, "format": "csv"}).text
    assert response.status_code == 200
    assert response.text.endswith("# kzgraph: more than 5000 triples; the answer stops at the server's "
                                  "--max-rows\n")
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))) == 5000
    rows = list(csv.reader(io.StringIO(table)))
    assert len(rows) == 5001  # the header and --max-rows rows


def test_a_query_that_times_out_before_its_first_chunk_is_a_504_with_a_readable_body(synthetic):
    # two million solutions counted (about 0.7 s) before the first row: far past a deadline of 20 ms
    slow = (f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?b WHERE {{ GRAPH <{SYNTH}> {{ ?b ?q ?r }} }} LIMIT 100 }} "
            f"GRAPH <{SYNTH}> {{ ?a ?p ?o }} }}")
    with serving(synthetic, timeout=0.02, cache=False) as hasty:
        response = hasty.get("/sparql", params={"query": slow, "format": "csv"}, headers={"Accept": "text/plain"})
    assert response.status_code == 504
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == ("504 Gateway timeout: the query did not finish within 0.02 s; narrow it or add a "
                             "LIMIT\n")
    assert "content-length" in response.headers  # an answer of its own, not a streamed body cut short
