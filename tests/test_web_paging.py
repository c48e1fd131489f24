"""Paging of named queries (``?limit``/``?offset``, ``Link`` headers, HTML links) and streamed dumps, in process."""

from __future__ import annotations

import asyncio
import re

import pyoxigraph as ox
import pytest

from kzgraph.sparqltext import with_slice
from kzgraph.web.answers import AnswerCache
from kzgraph.web.streaming import Download, stream

#: The medals of the article in the query's order (gold first, then by date, then by name).
MEDALS = [
    ("David Degtyarev", "Gold"), ("Akmaral Nauatbek", "Gold"), ("Yerkin Gabbasov", "Silver"),
    ("Nurdaulet Zhumagali", "Silver"), ("Yergali Shamei", "Silver"), ("Dastan Mukashbekov", "Bronze"),
    ("Dayana Fedosova", "Bronze"), ("Zarina Raifova", "Bronze"), ("Zhurkamyrza Shukurbekov", "Bronze"),
]


def _medals(response) -> list[tuple[str, str]]:
    return [(b["athlete_name"]["value"], b["medal"]["value"]) for b in response.json()["results"]["bindings"]]


def _links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]*)>; rel="(\w+)"', response.headers.get("link", ""))}


def test_the_unpaged_answer_is_the_nine_medals(kzgraph_app):
    response = kzgraph_app.get("/queries/medals")
    assert response.status_code == 200
    assert _medals(response) == MEDALS
    assert "link" not in response.headers


def test_pages_of_four_walk_the_medals_in_order(kzgraph_app):
    first = kzgraph_app.get("/queries/medals?limit=4")
    assert first.status_code == 200
    assert _medals(first) == MEDALS[:4]
    links = _links(first)
    assert set(links) == {"next"} and links["next"].endswith("/queries/medals?limit=4&offset=4")
    second = kzgraph_app.get(links["next"])
    assert _medals(second) == MEDALS[4:8]
    assert set(_links(second)) == {"next", "prev", "first"}
    assert _links(second)["next"].endswith("limit=4&offset=8")
    assert _links(second)["prev"].endswith("limit=4&offset=0")
    last = kzgraph_app.get(_links(second)["next"])
    assert _medals(last) == [("Zhurkamyrza Shukurbekov", "Bronze")]
    assert "next" not in _links(last) and set(_links(last)) == {"prev", "first"}
    unpaged = _medals(kzgraph_app.get("/queries/medals"))
    assert _medals(first) + _medals(second) + _medals(last) == unpaged == MEDALS


def test_a_page_keeps_the_other_parameters_and_its_format(kzgraph_app):
    response = kzgraph_app.get("/queries/medals?format=csv&limit=8")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[1].startswith("David Degtyarev,Gold,")
    assert len(response.text.splitlines()) == 1 + 8
    assert _links(response)["next"].endswith("/queries/medals?format=csv&limit=8&offset=8")
    last = kzgraph_app.get(_links(response)["next"])
    assert last.text.splitlines()[1].startswith("Zhurkamyrza Shukurbekov,Bronze,")


def test_a_page_past_the_end_is_empty(kzgraph_app):
    response = kzgraph_app.get("/queries/medals?limit=4&offset=20")
    assert response.status_code == 200
    assert _medals(response) == []
    assert set(_links(response)) == {"prev", "first"}


def test_an_offset_alone_pages_by_the_servers_max_rows(kzgraph_app):
    response = kzgraph_app.get("/queries/medals?offset=7")
    assert _medals(response) == [("Zarina Raifova", "Bronze"), ("Zhurkamyrza Shukurbekov", "Bronze")]
    assert "next" not in _links(response)


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=four", "limit=", "offset=-4", "offset=x",
                                   "limit=10001", "limit=4&limit=5"])
def test_a_bad_page_is_a_400_that_says_why(kzgraph_app, query):
    response = kzgraph_app.get(f"/queries/medals?{query}")
    assert response.status_code == 400
    assert "must be a whole number from" in response.text or "give the parameter" in response.text


def test_the_limit_is_bounded_by_max_rows(make_kzgraph_app):
    client = make_kzgraph_app(max_rows=5)
    assert client.get("/queries/medals?limit=5").status_code == 200
    refused = client.get("/queries/medals?limit=6")
    assert refused.status_code == 400
    assert "limit must be a whole number from 1 to 5, not '6'" in refused.text


def test_only_a_select_is_paged(kzgraph_app):
    response = kzgraph_app.get("/queries/ontology?limit=2")
    assert response.status_code == 400
    assert "limit and offset page the rows of a SELECT query; 'ontology' is a CONSTRUCT query" in response.text


def test_the_html_table_links_the_next_page(kzgraph_app):
    first = kzgraph_app.get("/queries/medals?limit=4", headers={"Accept": "text/html"})
    assert first.status_code == 200
    assert '<a href="/queries/medals?limit=4&amp;offset=4" rel="next">next page</a>' in first.text
    assert "previous page" not in first.text
    middle = kzgraph_app.get("/queries/medals?limit=4&offset=4", headers={"Accept": "text/html"})
    assert '<a href="/queries/medals?limit=4&amp;offset=8" rel="next">next page</a>' in middle.text
    assert '<a href="/queries/medals?limit=4&amp;offset=0" rel="prev">previous page</a>' in middle.text
    assert middle.text.count("<tr>") == 1 + 4  # the head and the four rows


def test_a_cached_page_keeps_its_link_header(kzgraph_app):
    first, again = (kzgraph_app.get("/queries/medals?limit=3&offset=3") for _ in range(2))
    assert _links(first) == _links(again) and set(_links(again)) == {"next", "prev", "first"}


def test_the_engine_slices_the_query_text():
    text = "SELECT ?a WHERE { ?s ?p ?a } ORDER BY ?a LIMIT 6"
    assert with_slice(text, 4, 4).endswith("\nLIMIT 2 OFFSET 4\n")
    assert "LIMIT 6" not in with_slice(text, 4, 4)
    assert with_slice(text, 4, 8).endswith("\nLIMIT 0 OFFSET 8\n")


@pytest.mark.parametrize("fmt", ["nq", "trig", "ttl", "nt"])
def test_a_dump_streams_the_same_quads(kg, make_kzgraph_app, fmt):
    client = make_kzgraph_app(cache=False)
    response = client.get(f"/dumps/kzgraph.{fmt}", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "content-length" not in response.headers  # streamed: chunked on the wire
    rdf_format = ox.RdfFormat.from_extension(fmt)
    streamed = list(ox.parse(response.content, format=rdf_format))
    whole = list(ox.parse(kg.export(fmt), format=rdf_format))
    assert len(streamed) == len(whole) > 1000


def test_a_small_dump_is_kept_and_a_large_one_is_not():
    def produce(size):
        return lambda write: [write(b"x" * 100) for _ in range(size // 100)]

    async def drain(response):
        return b"".join([piece async for piece in response.body_iterator])

    cache = AnswerCache(max_entry=1000)
    small = stream(cache, ("dump", "small"), produce(500), "text/plain", {})
    assert len(asyncio.run(drain(small))) == 500
    assert cache.get(("dump", "small")) == (b"x" * 500, "text/plain")
    large = stream(cache, ("dump", "large"), produce(5000), "text/plain", {})
    assert len(asyncio.run(drain(large))) == 5000
    assert cache.get(("dump", "large")) is None


def test_a_download_hands_over_chunks_and_stops_when_told():
    written = []

    def produce(write):
        for _ in range(10_000):
            write(b"y" * 1000)
            written.append(1)

    download = Download(produce, chunk=4000, depth=2)
    assert download.get() == b"y" * 4000
    download.stop()
    download._thread.join(5)
    assert not download._thread.is_alive()
    assert len(written) < 100  # the engine waited for the client, then stopped


def test_a_head_of_a_dump_does_not_write_it(make_kzgraph_app):
    client = make_kzgraph_app(cache=False)
    response = client.head("/dumps/kzgraph.nq")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-quads")
    assert response.content == b"" and "content-length" not in response.headers


@pytest.mark.parametrize("on_disk", [False, True])
def test_a_triples_dump_writes_each_triple_of_the_union_once(tmp_path, on_disk):
    """In memory one look-up per quad; on disk the quads one predicate at a time, a triple's graphs side by side."""
    from kzgraph.backends.oxigraph import OxigraphBackend

    backend = OxigraphBackend(tmp_path / "store" if on_disk else None)
    kz = "https://w3id.org/kzgraph/"
    backend.update(f"""INSERT DATA {{
      <{kz}athlete/david-degtyarev> <{kz}ontology#won> <{kz}medal/m1> .
      GRAPH <{kz}graph/s1> {{ <{kz}athlete/david-degtyarev> <{kz}ontology#won> <{kz}medal/m1> ;
                                <{kz}ontology#memberOf> <{kz}delegation/kaz> }}
      GRAPH <{kz}graph/s2> {{ <{kz}athlete/david-degtyarev> <{kz}ontology#won> <{kz}medal/m1> ;
                                <{kz}ontology#memberOf> <{kz}delegation/kaz> }}
      GRAPH <{kz}graph/s3> {{ <{kz}athlete/yergali-shamei> <{kz}ontology#memberOf> <{kz}delegation/kaz> }}
    }}""")
    pieces: list[bytes] = []
    backend.dump_to("nt", pieces.append)
    triples = sorted((t.subject.value[len(kz):], t.predicate.value[len(kz):], t.object.value[len(kz):])
                     for t in ox.parse(b"".join(pieces), format=ox.RdfFormat.N_TRIPLES))
    assert triples == [("athlete/david-degtyarev", "ontology#memberOf", "delegation/kaz"),
                       ("athlete/david-degtyarev", "ontology#won", "medal/m1"),
                       ("athlete/yergali-shamei", "ontology#memberOf", "delegation/kaz")]
    backend.close()
