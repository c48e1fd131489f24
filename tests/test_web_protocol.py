"""The SPARQL 1.1 Protocol at /sparql of kzgraph's web app, request by request (in process, through Starlette's
TestClient: what the app answers does not need a socket).

The cases follow the W3C protocol tests (w3c/rdf-tests, sparql/sparql11/protocol): query by GET, by POST
of a form and by POST of the query itself; the dataset by default-graph-uri/named-graph-uri; each result
format; and the bad requests (wrong method, missing or wrong content type, two queries, bad syntax,
non-UTF-8), which must be 4xx with a readable message.
"""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import httpx
import pytest
import rdflib

from kzgraph import formats
from tests.servers import UPDATE_TOKEN

KZ = "https://w3id.org/kzgraph/"
ATHLETES = "SELECT ?a WHERE { ?a a kz:Athlete } ORDER BY ?a"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
               "rdfxml": "RDF_XML"}


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


def values(response: httpx.Response, var: str) -> list[str]:
    assert response.status_code == 200, response.text
    return [b[var]["value"] for b in response.json()["results"]["bindings"]]


# --- the three ways to send a query ---------------------------------------------------------------


def test_query_by_get(client):
    r = client.get("/sparql", params={"query": ATHLETES})
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert len(values(r, "a")) == 11
    assert "Accept" in r.headers["vary"]


def test_query_by_post_form(client):
    r = client.post("/sparql", data={"query": ATHLETES})
    assert len(values(r, "a")) == 11


def test_query_by_post_direct(client):
    r = client.post("/sparql", content=ATHLETES.encode(), headers={"Content-Type": "application/sparql-query"})
    assert len(values(r, "a")) == 11


def test_post_direct_with_charset_parameter(client):
    r = client.post("/sparql", content=ATHLETES.encode(),
                    headers={"Content-Type": "application/sparql-query; charset=UTF-8"})
    assert len(values(r, "a")) == 11


# --- the dataset ------------------------------------------------------------------------------------


def test_default_graph_is_the_union_without_dataset_parameters(client):
    assert len(values(client.get("/sparql", params={"query": GRAPHS}), "g")) > 50


def test_default_graph_uri_by_get(client):
    r = client.get("/sparql", params={"query": ATHLETES, "default-graph-uri": KZ + "graph/article/s05"})
    assert values(r, "a") == [KZ + "athlete/david-degtyarev"]


def test_two_default_graphs_are_merged(client):
    r = client.get("/sparql", params=[("query", ATHLETES), ("default-graph-uri", KZ + "graph/article/s05"),
                                      ("default-graph-uri", KZ + "graph/article/s07")])
    assert values(r, "a") == [KZ + "athlete/akmaral-nauatbek", KZ + "athlete/david-degtyarev"]


def test_default_graph_uri_in_a_post_form(client):
    r = client.post("/sparql", data={"query": ATHLETES, "default-graph-uri": KZ + "graph/article/s07"})
    assert values(r, "a") == [KZ + "athlete/akmaral-nauatbek"]


def test_dataset_in_the_url_of_a_direct_post(client):
    r = client.post("/sparql", params={"default-graph-uri": KZ + "graph/article/s07"}, content=ATHLETES,
                    headers={"Content-Type": "application/sparql-query"})
    assert values(r, "a") == [KZ + "athlete/akmaral-nauatbek"]


def test_named_graph_uri_limits_graph_and_empties_the_default_graph(client):
    params = [("named-graph-uri", KZ + "graph/article/s05"), ("named-graph-uri", KZ + "graph/article/s12")]
    r = client.get("/sparql", params=[("query", GRAPHS), *params])
    assert values(r, "g") == [KZ + "graph/article/s05", KZ + "graph/article/s12"]
    r = client.get("/sparql", params=[("query", "ASK { ?s ?p ?o }"), *params])
    assert r.json()["boolean"] is False


def test_protocol_dataset_overrides_from(client):
    query = f"SELECT ?a FROM <{KZ}graph/article/s05> WHERE {{ ?a a kz:Athlete }}"
    assert values(client.get("/sparql", params={"query": query}), "a") == [KZ + "athlete/david-degtyarev"]
    r = client.get("/sparql", params={"query": query, "default-graph-uri": KZ + "graph/article/s13"})
    assert values(r, "a") == [KZ + "athlete/zarina-raifova"]


# --- result formats ----------------------------------------------------------------------------------


def test_select_as_xml(client):
    r = client.get("/sparql", params={"query": ATHLETES}, headers={"Accept": "application/sparql-results+xml"})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    uris = [u.text for u in ElementTree.fromstring(r.content).findall(".//r:uri", ns)]
    assert len(uris) == 11 and KZ + "athlete/yergali-shamei" in uris


def test_select_as_csv_and_tsv(client):
    r = client.get("/queries/medals", headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:4] == ["athlete_name", "medal", "sport", "event"] and len(rows) == 10
    r = client.get("/queries/medals", headers={"Accept": "text/tab-separated-values"})
    assert r.text.splitlines()[0].startswith("?athlete_name\t?medal")
    assert '"David Degtyarev"' in r.text.splitlines()[1]


def test_select_as_html_for_a_browser(client):
    r = client.get("/sparql", params={"query": ATHLETES},
                   headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.count("<tr>") == 12 and 'href="/athlete/yergali-shamei"' in r.text


def test_ask_as_json_and_xml(client):
    r = client.get("/sparql", params={"query": "ASK { ?m a kz:Medal }"})
    assert r.json() == {"head": {}, "boolean": True}
    r = client.get("/sparql", params={"query": "ASK { ?m a kz:Nothing }"}, headers={"Accept": "application/xml"})
    assert "<boolean>false</boolean>" in r.text


@pytest.mark.parametrize("name", ["ttl", "nt", "jsonld", "rdfxml"])
def test_construct_in_each_rdf_format(client, name):
    fmt = formats.by_name(name)
    query = f"CONSTRUCT {{ ?a ?p ?o }} WHERE {{ BIND (<{KZ}athlete/zarina-raifova> AS ?a) ?a ?p ?o }}"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": fmt.media_type})
    assert r.status_code == 200 and r.headers["content-type"].startswith(fmt.media_type)
    graph = rdflib.Graph().parse(data=r.content, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld",
                                                          "rdfxml": "xml"}[name])
    assert (rdflib.URIRef(KZ + "athlete/zarina-raifova"), rdflib.RDFS.label, rdflib.Literal("Zarina Raifova")) in graph


def test_construct_defaults_to_turtle_and_describe_works(client):
    r = client.get("/sparql", params={"query": f"DESCRIBE <{KZ}athlete/zarina-raifova>"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=r.text, format="turtle")) > 3


# --- relative IRIs resolve against the endpoint's IRI, as Oxigraph server's do ---------------------------

INTEGER = rdflib.XSD.integer


def triples(response: httpx.Response) -> set[tuple[rdflib.term.Node, ...]]:
    assert response.status_code == 200, response.text
    return set(rdflib.Graph().parse(data=response.text, format="nt"))


def test_relative_iris_resolve_against_the_endpoint(client):
    r = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                   headers={"Accept": "application/n-triples"})
    base = str(client.base_url).rstrip("/")  # http://kzgraph.test
    assert triples(r) == {(rdflib.URIRef(f"{base}/s"), rdflib.URIRef(f"{base}/p"), rdflib.Literal(1, datatype=INTEGER))}
    r = client.post("/sparql", content="SELECT ?x WHERE { BIND (<a/b> AS ?x) }",
                    headers={"Content-Type": "application/sparql-query"})
    assert values(r, "x") == [f"{base}/a/b"]


@pytest.mark.parametrize("declared, subject", [("http://example.org/base/", "http://example.org/base/s"),
                                               ("dir/", "http://kzgraph.test/dir/s")])  # relative: to the endpoint
def test_an_explicit_base_wins(client, declared, subject):
    r = client.get("/sparql", params={"query": f"BASE <{declared}> CONSTRUCT {{ <s> <p> 1 }} WHERE {{}}"},
                   headers={"Accept": "application/n-triples"})
    assert {str(s) for s, _, _ in triples(r)} == {subject}


def test_relative_iris_of_an_update_resolve_against_the_endpoint(kzgraph_update_app):
    client, auth = kzgraph_update_app, {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    update = "INSERT DATA { GRAPH <graph/base-test> { <thing/base-test> <p> 1 } }"
    r = client.post("/sparql", data={"update": update}, headers=auth)
    assert r.status_code == 204, r.text
    try:
        ask = ("ASK { GRAPH <http://kzgraph-update.test/graph/base-test> "
               "{ <http://kzgraph-update.test/thing/base-test> <http://kzgraph-update.test/p> 1 } }")
        assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    finally:
        client.post("/sparql", data={"update": "DROP GRAPH <http://kzgraph-update.test/graph/base-test>"},
                    headers=auth)


@pytest.mark.parametrize("value, media", [("csv", "text/csv"), ("text/csv", "text/csv"),
                                          ("xml", "application/sparql-results+xml"),
                                          ("ttl", "application/sparql-results+json"),  # not for SELECT: Accept decides
                                          ("application/sparql-results+xml", "application/sparql-results+xml"),
                                          ("TSV", "text/tab-separated-values")])
def test_format_parameter_overrides_accept(client, value, media):
    r = client.get("/sparql", params={"query": ATHLETES, "format": value}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)


@pytest.mark.parametrize("value, media", [("turtle", "text/turtle"), ("xml", "application/rdf+xml"),
                                          ("json-ld", "application/ld+json"), ("nt", "application/n-triples")])
def test_format_parameter_for_graphs_takes_the_names_other_clients_send(client, value, media):
    r = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/kzgraph/city/paris>", "format": value})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)


SELECT_NAMES = "json, xml, csv, tsv, html"
GRAPH_NAMES = "ttl, nt, jsonld, rdfxml, html"


@pytest.mark.parametrize("url, params, accept, offered", [
    ("/sparql", {"query": ATHLETES}, "application/json", SELECT_NAMES),
    ("/sparql", {"query": "ASK {}"}, "text/html", SELECT_NAMES),
    ("/sparql", {"query": "DESCRIBE <https://w3id.org/kzgraph/city/paris>"}, None, GRAPH_NAMES),
    ("/queries/medals", {}, None, SELECT_NAMES),
    ("/queries/resource-description", {"resource": KZ + "city/paris"}, "text/turtle", GRAPH_NAMES),
])
@pytest.mark.parametrize("parameter", ["format", "output"])
def test_a_format_parameter_that_names_no_format_is_400_naming_the_formats_on_offer(
        client, url, params, accept, offered, parameter):
    r = client.get(url, params={**params, parameter: "bogus"}, headers={"Accept": accept} if accept else {})
    assert r.status_code == 400
    message = f"unknown format 'bogus'; this answer is offered as {offered} (or by media type)"
    if accept == "text/html":
        assert r.headers["content-type"].startswith("text/html") and message.replace("'", "&#39;") in r.text
    else:
        assert r.headers["content-type"].startswith("text/plain") and r.text.strip() == f"400 Bad request: {message}"


# --- service description and named queries ------------------------------------------------------------


def test_service_description_without_a_query(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    service = rdflib.URIRef("http://kzgraph.test/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) in graph  # this server allows one SERVICE endpoint
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    offered = {str(o).rsplit("/", 1)[-1] for o in graph.objects(service, SD.resultFormat)}
    assert offered == set(W3C_FORMATS.values())
    assert {f.name for f in formats.FORMATS if f.kind in ("results", "rdf")} - {"nq", "trig"} == set(W3C_FORMATS)


def test_service_description_of_an_updatable_server(kzgraph_update_app):
    r = kzgraph_update_app.get("/sparql", headers={"Accept": "application/n-triples"})
    graph = rdflib.Graph().parse(data=r.text, format="nt")
    service = rdflib.URIRef("http://kzgraph-update.test/sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) in graph


def test_sparql_in_a_browser_goes_to_the_query_ui(client):
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/#query"


def test_named_query_with_parameters_from_the_query_string(client):
    r = client.get("/queries/athlete", params={"athlete": "Fedossova"})
    facts = r.json()["results"]["bindings"]
    assert {f["subject"]["value"] for f in facts} >= {KZ + "athlete/dayana-fedosova"}
    # Sentence 12 names her and her medal. Sentence 11 now states only that Kazakhstan entered para judo (its
    # one fact is about the delegation, not about her or her medal), so no fact of hers cites it any longer;
    # her sport is derived from sentences 11 and 12 (data/derived.trig), a fact whose graph is no sentence
    # (it has none) and whose source is the rule that read the two.
    assert {f["sentence"]["value"] for f in facts if "sentence" in f} == {"12"}
    sport = [(f["value"]["value"], f["source"]["value"], f["graph"]["value"], f.get("sentence"))
             for f in facts if f["property"]["value"] == KZ + "ontology#sport"]
    assert sport == [(KZ + "sport/para-judo", KZ + "rule/judokas-of-the-paragraph",
                      KZ + "graph/derived/judokas-of-the-paragraph/s12", None)]


def test_named_query_medals_has_nine_rows(client):
    assert len(client.get("/queries/medals").json()["results"]["bindings"]) == 9


def test_named_construct_query(client):
    r = client.get("/queries/resource-description", params={"resource": KZ + "medal/paris-2024-yerkin-gabbasov-silver"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert "247.7" in r.text


def test_named_query_text_and_catalogue(client, kg):
    r = client.get("/queries/medals.rq")
    assert r.headers["content-type"].startswith("application/sparql-query")
    assert r.text.startswith("#+ title: Medals won at Paris 2024")
    catalogue = client.get("/queries", headers={"Accept": "application/json"}).json()
    assert [q["name"] for q in catalogue] == [q.name for q in kg.queries()]
    athlete = next(q for q in catalogue if q["name"] == "athlete")
    assert athlete["params"][0]["name"] == "athlete" and athlete["params"][0]["required"] is True
    assert "medal-table" in client.get("/queries", headers={"Accept": "text/html"}).text


# --- mistakes are 4xx with a message --------------------------------------------------------------------


def test_syntax_error_is_400_with_line_and_column(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text.strip() == "400 Bad request: query:3:1: SPARQL syntax error: unexpected '}'"


@pytest.mark.parametrize("query, message", [
    ("DROP ALL", "query:1:1: SPARQL syntax error: 'DROP' starts an update, not a query"),
    ("SELEC * WHERE { ?s ?p ?o }",
     "query:1:1: SPARQL syntax error: unexpected 'SELEC'; expected SELECT, ASK, CONSTRUCT or DESCRIBE"),
    ("SELECT * WHERE { ?s ?p ?o FILTER (?o = 1 }",
     "query:1:42: SPARQL syntax error: unexpected '}': '(' at 1:34 is not closed"),
])
def test_syntax_errors_are_one_short_line(client, query, message):
    r = client.get("/sparql", params={"query": query})
    assert (r.status_code, r.text.strip()) == (400, f"400 Bad request: {message}")


def test_errors_are_html_for_browsers(client):
    r = client.get("/sparql", params={"query": "SELECT"}, headers={"Accept": "text/html"})
    assert r.status_code == 400 and "<h1>400 Bad request</h1>" in r.text


@pytest.mark.parametrize("request_args, status, message", [
    ({"method": "GET", "url": "/sparql", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "once"),
    ({"method": "GET", "url": "/sparql", "params": {"update": "CLEAR ALL"}}, 405, "POST"),
    ({"method": "PUT", "url": "/sparql", "content": "ASK {}"}, 405, "Method Not Allowed"),
    ({"method": "POST", "url": "/sparql", "content": "ASK {}"}, 415, "Content-Type"),
    ({"method": "POST", "url": "/sparql", "content": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415,
     "text/plain"),
    ({"method": "POST", "url": "/sparql", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
    ({"method": "POST", "url": "/sparql", "data": {"nothing": "here"}}, 400, "neither"),
    ({"method": "POST", "url": "/sparql", "content": b"ASK { ?s ?p \xff }",
      "headers": {"Content-Type": "application/sparql-query"}}, 400, "UTF-8"),
    ({"method": "GET", "url": "/sparql", "params": {"query": "  "}}, 400, "empty"),
    ({"method": "GET", "url": "/sparql", "params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406,
     "application/sparql-results+json"),
    ({"method": "GET", "url": "/sparql", "params": {"query": "ASK {}", "format": "ttl"},
      "headers": {"Accept": "image/png"}}, 406, "none of the acceptable types"),
    ({"method": "GET", "url": "/sparql", "params": {"query": "ASK {}", "format": "bogus"},
      "headers": {"Accept": "image/png"}}, 400, "unknown format 'bogus'"),
    ({"method": "GET", "url": "/queries/nope"}, 404, "known queries: athlete"),
    ({"method": "GET", "url": "/queries/athlete"}, 400, "parameter 'athlete'"),
    ({"method": "GET", "url": "/queries/medals", "params": {"colour": "gold"}}, 400, "parameter 'colour'"),
    ({"method": "GET", "url": "/queries/provenance", "params": {"resource": "not an iri"}}, 400, "resource"),
    ({"method": "GET", "url": "/sparql", "params": {"query": "SELECT * WHERE { ?s ?p ?o }",
                                                     "default-graph-uri": "not an iri"}}, 400, "IRI"),
])
def test_mistakes_are_4xx_with_a_message(client, request_args, status, message):
    r = client.request(**request_args)
    assert r.status_code == status, r.text
    assert message in r.text


def test_head_is_answered_like_get(client):
    r = client.head("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    assert r.content == b""


def test_results_are_valid_json_documents(client):
    doc = json.loads(client.get("/sparql", params={"query": "SELECT (1 AS ?one) (\"é\"@fr AS ?e) {}"}).content)
    assert doc["results"]["bindings"][0]["e"] == {"type": "literal", "value": "é", "xml:lang": "fr"}
