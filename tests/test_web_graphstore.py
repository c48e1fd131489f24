"""The Graph Store Protocol at ``/store``: reads on any server; writes with ``--allow-update`` and the token.

In process for the HTTP semantics (status codes, negotiation, limits, atomic writes, the answer cache); against a
real ``kzgraph serve --allow-update`` for what other clients do: httpx with rdflib reading and writing the
graphs, and kzgraph's own remote backend (``kzgraph load --graph-store``) loading a file and pushing a graph.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

import kzgraph
from kzgraph import LangString
from tests.clirun import run_cli
from tests.conftest import app_client
from tests.servers import UPDATE_TOKEN, SparqlServer

KZ = "https://w3id.org/kzgraph/"
S05 = KZ + "graph/article/s05"
DEGTYAREV = rdflib.URIRef(KZ + "athlete/david-degtyarev")
GOLD_MEDAL = rdflib.URIRef(KZ + "medal/paris-2024-david-degtyarev-gold")
ONTOLOGY = rdflib.Namespace(KZ + "ontology#")
WON_LINE = (f"<{DEGTYAREV}> <{ONTOLOGY.won}> <{GOLD_MEDAL}> .")
NEW = "http://example.org/graph/new"
AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
TURTLE = {"Content-Type": "text/turtle", **AUTH}
MAX_BODY = 4096


def parsed(text: str, fmt: str = "turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=fmt)


@pytest.fixture(scope="module")
def writable() -> Iterator[TestClient]:
    """A server with ``--allow-update`` over a dataset of its own (the writes change it), ``--max-body 4096``."""
    with kzgraph.open() as graph:
        yield from app_client(graph, allow_update=True, update_token=UPDATE_TOKEN, max_body=MAX_BODY)


# --- reading ----------------------------------------------------------------------------------------------


def test_a_sentence_graph_as_turtle_and_n_triples(kzgraph_app):
    """Sentence 5: David Degtyarev won gold in para powerlifting, men's 54 kg: its 15 explicit triples."""
    turtle = kzgraph_app.get("/store", params={"graph": S05}, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8" and "Accept" in turtle.headers["vary"]
    graph = parsed(turtle.text)
    assert len(graph) == 15
    assert (DEGTYAREV, ONTOLOGY.won, GOLD_MEDAL) in graph
    assert (GOLD_MEDAL, ONTOLOGY.medalType, ONTOLOGY.Gold) in graph
    assert (DEGTYAREV, rdflib.RDFS.label, rdflib.Literal("David Degtyarev")) in graph
    lines = kzgraph_app.get("/store", params={"graph": S05}, headers={"Accept": "application/n-triples"})
    assert lines.headers["content-type"] == "application/n-triples; charset=utf-8"
    assert WON_LINE in lines.text.splitlines() and len(lines.text.splitlines()) == 15
    assert isomorphic(parsed(lines.text, "nt"), graph)


@pytest.mark.parametrize(("accept", "fmt"), [("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_every_rdf_format_holds_the_same_graph(kzgraph_app, accept, fmt):
    answer = kzgraph_app.get("/store", params={"graph": S05}, headers={"Accept": accept})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(accept)
    turtle = kzgraph_app.get("/store", params={"graph": S05}).text  # Turtle without Accept
    assert isomorphic(parsed(answer.text, fmt), parsed(turtle))


def test_head_and_short_graph_names(kzgraph_app):
    """HEAD answers GET's headers without the body; ``kzg:article/s05`` and ``graph/article/s05`` name the
    same graph as its IRI (as a named query's iri parameter does)."""
    full = kzgraph_app.get("/store", params={"graph": S05, "format": "nt"})
    head = kzgraph_app.head("/store", params={"graph": S05, "format": "nt"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == full.headers["content-type"] == "application/n-triples; charset=utf-8"
    for name in ("kzg:article/s05", "graph/article/s05", f"<{S05}>"):
        assert kzgraph_app.get("/store", params={"graph": name, "format": "nt"}).text == full.text, name


def test_the_default_graph_is_the_stores_own_not_the_union(kzgraph_app):
    """The built dataset keeps every triple in a named graph: its default graph is empty (a query's default
    graph, the union, is not what ``?default`` gives)."""
    answer = kzgraph_app.get("/store?default", headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200 and answer.text == ""


def test_the_whole_dataset_as_n_quads_and_trig(kzgraph_app):
    quads = kzgraph_app.get("/store", headers={"Accept": "application/n-quads"})
    assert quads.headers["content-type"] == "application/n-quads; charset=utf-8"
    assert f"{WON_LINE[:-2]} <{S05}> ." in quads.text.splitlines()
    trig = kzgraph_app.get("/store")
    assert trig.headers["content-type"] == "application/trig; charset=utf-8"
    dataset = rdflib.Dataset().parse(data=trig.text, format="trig")
    assert (DEGTYAREV, ONTOLOGY.won, GOLD_MEDAL, rdflib.URIRef(S05)) in dataset


@pytest.mark.parametrize(("params", "headers", "status", "says"), [
    ({"graph": KZ + "graph/article/s99"}, {}, 404, "the store has no graph <https://w3id.org/kzgraph/graph/article/s99>"),
    ({"graph": S05}, {"Accept": "image/png"}, 406, "text/turtle, application/n-triples"),
    ({"graph": S05, "default": ""}, {}, 400, "either ?graph=IRI or ?default"),
    ({"graph": "not an iri"}, {}, 400, "?graph= must be an IRI"),
    ({"graph": S05, "format": "bogus"}, {}, 400, "unknown format 'bogus'"),
])
def test_mistakes_in_a_read(kzgraph_app, params, headers, status, says):
    answer = kzgraph_app.get("/store", params=params, headers=headers)
    assert answer.status_code == status and says in answer.text, answer.text


def test_a_read_only_server_refuses_every_write(kzgraph_app):
    for method in ("PUT", "POST", "DELETE"):
        answer = kzgraph_app.request(method, "/store", params={"graph": S05}, content=b"", headers=TURTLE)
        assert answer.status_code == 403 and "--allow-update" in answer.text, method
    assert len(parsed(kzgraph_app.get("/store", params={"graph": S05}).text)) == 15


# --- writing ----------------------------------------------------------------------------------------------


def test_put_post_and_delete_a_graph(writable):
    body = f"<{DEGTYAREV}> <{ONTOLOGY.won}> <{GOLD_MEDAL}> .\n".encode()
    assert writable.put("/store", params={"graph": NEW}, content=body, headers=TURTLE).status_code == 201
    assert writable.get("/store", params={"graph": NEW, "format": "nt"}).text == WON_LINE + "\n"
    # PUT again replaces: 204, and only the new triple is left
    other = b'<http://example.org/a> <http://example.org/b> "c" .'
    assert writable.put("/store", params={"graph": NEW}, content=other, headers=TURTLE).status_code == 204
    assert writable.get("/store", params={"graph": NEW, "format": "nt"}).text == other.decode() + "\n"
    # POST merges: 204 for a graph that exists, both triples there
    assert writable.post("/store", params={"graph": NEW}, content=body,
                         headers={**TURTLE, "Content-Type": "application/n-triples"}).status_code == 204
    assert len(parsed(writable.get("/store", params={"graph": NEW}).text)) == 2
    assert writable.delete("/store", params={"graph": NEW}, headers=AUTH).status_code == 204
    assert writable.get("/store", params={"graph": NEW}).status_code == 404
    assert writable.delete("/store", params={"graph": NEW}, headers=AUTH).status_code == 404


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_delete_removes_the_graph_its_name_included(backend):
    """DELETE of sentence 5's graph: a GET is 404, the store lists it no more (pyoxigraph's ``clear_graph`` would
    keep the name, and ``GRAPH ?g {}`` would still match it), and a second DELETE is 404."""
    probe = f"ASK {{ GRAPH ?g {{}} FILTER (?g = <{S05}>) }}"
    with kzgraph.open(backend=backend) as graph:
        client = app_client(graph, allow_update=True, update_token=UPDATE_TOKEN)
        app = next(client)
        assert S05 in graph.backend.graphs() and graph.backend.query(probe).value is True
        assert app.delete("/store", params={"graph": "kzg:article/s05"}, headers=AUTH).status_code == 204
        assert app.get("/store", params={"graph": S05}).status_code == 404
        assert S05 not in graph.backend.graphs() and KZ + "graph/article/s06" in graph.backend.graphs()
        assert graph.backend.query(probe).value is False
        assert "/graph/article/s05" not in app.get("/queries/graphs", params={"format": "csv"}).text
        again = app.delete("/store", params={"graph": S05}, headers=AUTH)
        assert again.status_code == 404 and f"the store has no graph <{S05}>" in again.text
        # PUT of an empty body leaves no graph either (a named graph exists while it holds a triple)
        assert app.put("/store", params={"graph": S05}, content=b"", headers=TURTLE).status_code == 204
        assert S05 not in graph.backend.graphs() and app.get("/store", params={"graph": S05}).status_code == 404
        client.close()


def test_cors_preflights_for_put_and_delete_only_where_writes_are_on(make_kzgraph_app):
    """``--cors ORIGIN --allow-update``: a browser at ORIGIN may PUT and DELETE graphs (with the token and a
    Content-Type); without ``--allow-update`` the preflight refuses them."""
    origin = "http://allowed.example"
    preflight = {"Origin": origin, "Access-Control-Request-Method": "PUT",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    writes = make_kzgraph_app(cors=(origin,), allow_update=True, update_token=UPDATE_TOKEN)
    answer = writes.options("/store", params={"graph": "kzg:article/s05"}, headers=preflight)
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == origin
    assert {"GET", "POST", "PUT", "DELETE"} <= set(answer.headers["access-control-allow-methods"].split(", "))
    assert {"authorization", "content-type"} <= set(answer.headers["access-control-allow-headers"].lower().split(", "))
    read_only = make_kzgraph_app(cors=(origin,))
    refused = read_only.options("/store", params={"graph": "kzg:article/s05"}, headers=preflight)
    assert refused.status_code == 400 and "PUT" not in refused.headers["access-control-allow-methods"]
    assert refused.text == "Disallowed CORS method"


def test_post_creates_a_graph_and_rdf_xml_and_json_ld_bodies_are_read(writable):
    xml = parsed(writable.get("/store", params={"graph": S05, "format": "rdfxml"}).text, "xml")
    created = writable.post("/store", params={"graph": NEW + "-xml"}, content=xml.serialize(format="xml").encode(),
                            headers={**AUTH, "Content-Type": "application/rdf+xml"})
    assert created.status_code == 201
    jsonld = writable.put("/store", params={"graph": NEW + "-jsonld"}, content=xml.serialize(format="json-ld").encode(),
                          headers={**AUTH, "Content-Type": "application/ld+json"})
    assert jsonld.status_code == 201
    for graph in (NEW + "-xml", NEW + "-jsonld"):
        assert isomorphic(parsed(writable.get("/store", params={"graph": graph}).text), xml), graph
        assert writable.delete("/store", params={"graph": graph}, headers=AUTH).status_code == 204


def test_the_default_graph_is_written_and_emptied(writable):
    triple = b'<http://example.org/s> <http://example.org/p> "in the default graph" .'
    assert writable.put("/store?default", content=triple, headers=TURTLE).status_code == 204  # it always exists
    assert writable.get("/store", params={"default": "", "format": "nt"}).text == triple.decode() + "\n"
    assert writable.delete("/store?default", headers=AUTH).status_code == 204
    assert writable.get("/store", params={"default": "", "format": "nt"}).text == ""


def test_a_write_is_seen_by_queries_at_once(writable):
    """The answer cache is cleared by a write, as by an update: the named query's answer changes."""
    facts = {"graph": NEW + "-seen", "format": "csv"}
    before = writable.get("/queries/graph-facts", params=facts)
    assert before.status_code == 200 and before.text.count("\n") == 1  # the header alone
    body = f'<{DEGTYAREV}> <{rdflib.RDFS.label}> "Давид Дегтярёв"@ru .'.encode()
    assert writable.put("/store", params={"graph": NEW + "-seen"}, content=body, headers=TURTLE).status_code == 201
    after = writable.get("/queries/graph-facts", params=facts)
    assert "Давид Дегтярёв" in after.text and after.text.count("\n") == 2
    assert writable.delete("/store", params={"graph": NEW + "-seen"}, headers=AUTH).status_code == 204
    assert writable.get("/queries/graph-facts", params=facts).text == before.text


@pytest.mark.parametrize(("headers", "status", "says"), [
    ({"Content-Type": "text/turtle"}, 401, "Authorization: Bearer TOKEN"),
    ({"Content-Type": "text/turtle", "Authorization": "Bearer wrong"}, 403, "not the server's update token"),
    ({"Content-Type": "text/turtle", "Authorization": "Basic dXNlcjpwYXNz"}, 401, "Authorization: Bearer TOKEN"),
    (AUTH, 415, "Content-Type must be one of text/turtle, application/n-triples"),
    ({**AUTH, "Content-Type": "application/trig"}, 415, "not 'application/trig'"),
    ({**AUTH, "Content-Type": "text/plain"}, 415, "not 'text/plain'"),
])
def test_a_write_without_the_token_or_a_known_content_type_changes_nothing(writable, headers, status, says):
    before = writable.get("/store", params={"graph": S05, "format": "nt"}).text
    for method in ("PUT", "POST"):
        answer = writable.request(method, "/store", params={"graph": S05}, content=b"", headers=headers)
        assert answer.status_code == status and says in answer.text, (method, answer.text)
        if status == 401:
            assert answer.headers["www-authenticate"].startswith("Bearer")
        if status == 415:
            assert answer.headers["accept-put"].startswith("text/turtle")
    assert writable.delete("/store", params={"graph": S05}, headers={
        k: v for k, v in headers.items() if k != "Authorization"}).status_code == 401
    assert writable.get("/store", params={"graph": S05, "format": "nt"}).text == before


def test_a_body_over_max_body_is_413(writable):
    body = b"<http://example.org/s> <http://example.org/p> \"" + b"x" * MAX_BODY + b"\" ."
    answer = writable.put("/store", params={"graph": NEW}, content=body, headers=TURTLE)
    assert answer.status_code == 413 and f"larger than {MAX_BODY} bytes" in answer.text
    assert writable.get("/store", params={"graph": NEW}).status_code == 404


@pytest.mark.parametrize(("content_type", "body", "where"), [
    ("text/turtle", b"<http://example.org/s> <http://example.org/p> 1 ;\n    <http://example.org/q> .\n", ":2:"),
    ("application/n-triples", b'<http://example.org/s> <http://example.org/p> "1" .\n_:b <p> "2" .\n', ":2:"),
    ("application/rdf+xml", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<a></b>', ":2:"),
])
def test_a_body_that_does_not_parse_is_400_with_its_line_and_leaves_the_store_as_it_was(writable, content_type,
                                                                                        body, where):
    before = writable.get("/store", params={"graph": S05, "format": "nt"}).text
    for method in ("PUT", "POST"):
        answer = writable.request(method, "/store", params={"graph": S05}, content=body,
                                  headers={**AUTH, "Content-Type": content_type})
        assert answer.status_code == 400 and answer.text.startswith("400 Bad request: the request body" + where), \
            answer.text
    assert writable.get("/store", params={"graph": S05, "format": "nt"}).text == before


def test_a_json_ld_body_with_named_graphs_is_400(writable):
    body = b'{"@id": "http://example.org/g", "@graph": [{"@id": "http://example.org/s", "http://example.org/p": 1}]}'
    answer = writable.put("/store", params={"graph": NEW}, content=body,
                          headers={**AUTH, "Content-Type": "application/ld+json"})
    assert answer.status_code == 400 and "holds named graphs" in answer.text
    assert writable.get("/store", params={"graph": NEW}).status_code == 404


def test_the_whole_dataset_is_not_written(writable):
    answer = writable.put("/store", content=b"", headers=TURTLE)
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"


# --- a real server, other clients -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(start_kzgraph, tmp_path_factory) -> SparqlServer:
    """``kzgraph serve --allow-update`` with the update token in a file: a server of this module's own."""
    token = tmp_path_factory.mktemp("graphstore-token") / "token"
    token.write_text(UPDATE_TOKEN + "\n")
    token.chmod(0o600)
    return start_kzgraph("--allow-update", "--token-file", str(token))


def test_httpx_and_rdflib_read_and_write_graphs_on_a_real_server(served):
    store = served.base_url + "/store"
    got = httpx.get(store, params={"graph": S05}, headers={"Accept": "text/turtle"}, timeout=30)
    assert got.status_code == 200
    graph = parsed(got.text)
    assert (DEGTYAREV, ONTOLOGY.won, GOLD_MEDAL) in graph and len(graph) == 15
    copy = NEW + "-rdflib"
    put = httpx.put(store, params={"graph": copy}, content=graph.serialize(format="turtle").encode(),
                    headers=TURTLE, timeout=30)
    assert put.status_code == 201
    assert isomorphic(parsed(httpx.get(store, params={"graph": copy}, timeout=30).text), graph)
    refused = httpx.delete(store, params={"graph": copy}, timeout=30)
    assert refused.status_code == 401
    assert httpx.delete(store, params={"graph": copy}, headers=AUTH, timeout=30).status_code == 204
    assert httpx.get(store, params={"graph": copy}, timeout=30).status_code == 404


@pytest.mark.parametrize("server", ["served", "oxigraph_server"])
def test_the_remote_backend_removes_a_graph_with_delete(server, request):
    """The remote backend replacing a graph by nothing DELETEs it through the Graph Store Protocol (an empty
    PUT would leave its name on an Oxigraph server); a graph already gone (404) is not an error."""
    served: SparqlServer = request.getfixturevalue(server)
    store = served.base_url + "/store"
    copy = KZ + "graph/test/remote-delete"  # the remote backend lists the graphs under kzgraph's base
    token = {"auth": "bearer", "token": UPDATE_TOKEN} if server == "served" else {}
    with kzgraph.open(served.query_url, store_url=store, **token) as remote:
        remote.backend.replace_graph(copy, (WON_LINE + "\n").encode())
        assert copy in remote.backend.graphs()
        remote.backend.replace_graph(copy, b"")
        assert copy not in remote.backend.graphs()
        remote.backend.replace_graph(copy, b"")
    assert httpx.get(store, params={"graph": copy}, timeout=30).status_code == 404


def test_kzgraph_load_writes_through_the_graph_store_and_a_query_sees_it(served, tmp_path, monkeypatch):
    """``kzgraph load FILE --store URL/sparql --graph-store URL/store --graph IRI --auth bearer`` POSTs the file's
    triples to the graph; a named query through ``/sparql`` then answers them. ``load --into`` pushes (PUTs) a
    graph of the built dataset, and without the token nothing is written."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(f'<{DEGTYAREV}> <{rdflib.RDFS.label}> "Давид Дегтярёв"@ru .\n', encoding="utf-8")
    graph = KZ + "graph/test/graph-store"
    endpoint = ["--store", served.query_url, "--graph-store", served.base_url + "/store"]
    code, out, err = run_cli(["load", str(extra), *endpoint, "--graph", graph])  # no token: refused
    assert code == 3 and out == "" and "401" in err and "Bearer" in err
    monkeypatch.setenv("KZGRAPH_TOKEN", UPDATE_TOKEN)
    code, out, err = run_cli(["load", str(extra), *endpoint, "--graph", graph, "--auth", "bearer"])
    assert (code, out) == (0, "") and "read 1 quad from 1 file(s)" in err and ": 1 new" in err, err
    with kzgraph.open(served.query_url) as remote:
        facts = remote.select("graph-facts", graph=graph).to_dicts()
    russian = LangString("Давид Дегтярёв", "ru")
    assert [(f["subject_label"], f["value"]) for f in facts] == [("David Degtyarev", russian)]
    code, out, err = run_cli(["load", "--into", served.query_url, "--graph-store", served.base_url + "/store",
                              "--graph", "kzg:article/s05", "--auth", "bearer"])
    assert (code, out) == (0, "") and "pushed 15 triples in 1 graph(s)" in err, err
    answer = httpx.get(served.base_url + "/store", params={"graph": S05, "format": "nt"}, timeout=30)
    assert WON_LINE in answer.text.splitlines() and len(answer.text.splitlines()) == 15


# --- the README's example ---------------------------------------------------------------------------------


def readme_commands() -> list[list[str]]:
    """The commands of the README's "Graph Store Protocol" block, as words, the token variable given its value."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (section,) = re.findall(r"\n## Graph Store Protocol\n(.*?)\n## ", readme, flags=re.S)
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [shlex.split(line.replace("$KZGRAPH_UPDATE_TOKEN", UPDATE_TOKEN)) for line in block.splitlines()[1:]]


def test_the_readme_curl_commands_answer_what_the_readme_says(writable):
    answers = []
    for words in readme_commands():
        if words[0] != "curl":
            continue
        method = words[words.index("-X") + 1] if "-X" in words else "GET"
        url = next(w for w in words if w.startswith("http://127.0.0.1:8000/"))
        headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
        body = words[words.index("--data-binary") + 1].encode() if "--data-binary" in words else None
        answers.append(writable.request(method, url.removeprefix("http://127.0.0.1:8000"), headers=headers,
                                        content=body))
    assert [a.status_code for a in answers] == [200, 201, 204, 200, 204]
    assert (DEGTYAREV, ONTOLOGY.won, GOLD_MEDAL) in parsed(answers[0].text)
    assert sorted(answers[3].text.splitlines()) == ['<https://example.org/a> <https://example.org/b> "first" .',
                                                    '<https://example.org/a> <https://example.org/b> "second" .']
    assert writable.get("/store", params={"graph": "https://example.org/graph/mine"}).status_code == 404


def test_the_readme_kzgraph_load_command_pushes_sentence_5(served, monkeypatch):
    (words,) = [w for w in readme_commands() if w[0].startswith("KZGRAPH_TOKEN=")]
    variable, value = words[0].split("=", 1)
    monkeypatch.setenv(variable, value)
    assert words[1] == "kzgraph"
    argv = [w.replace("http://127.0.0.1:8000", served.base_url) for w in words[2:]]
    code, out, err = run_cli(argv)
    assert (code, out) == (0, "") and "pushed 15 triples in 1 graph(s)" in err, err
