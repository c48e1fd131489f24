"""Real SPARQL clients against a running ``kzgraph serve``: SPARQLWrapper (JSON, XML, CSV, Turtle, GET and
POST) and rdflib's SPARQLStore.

A real process: these clients open their own HTTP connections (urllib) to a URL, so they need a socket to
talk to; what they get is what a user of either library gets from ``kzgraph serve``."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, GET, JSON, POST, TURTLE, XML, SPARQLWrapper

KZ = "https://w3id.org/kzgraph/"
MEDALLISTS = """PREFIX kz: <https://w3id.org/kzgraph/ontology#>
SELECT DISTINCT ?athlete WHERE { ?athlete kz:won ?medal . ?medal kz:atGames|kz:inEvent/kz:atGames
<https://w3id.org/kzgraph/games/paris-2024> } ORDER BY ?athlete"""


@pytest.fixture(params=[GET, POST])
def wrapper(request, kzgraph_server):
    sw = SPARQLWrapper(kzgraph_server.query_url)
    sw.setMethod(request.param)
    sw.setQuery(MEDALLISTS)
    return sw


def test_sparqlwrapper_json(wrapper):
    wrapper.setReturnFormat(JSON)
    bindings = wrapper.queryAndConvert()["results"]["bindings"]
    assert len(bindings) == 9 and bindings[0]["athlete"] == {"type": "uri", "value": KZ + "athlete/akmaral-nauatbek"}


def test_sparqlwrapper_xml(wrapper):
    wrapper.setReturnFormat(XML)
    document = wrapper.queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert len(uris) == 9 and KZ + "athlete/zarina-raifova" in uris


def test_sparqlwrapper_csv(wrapper):
    wrapper.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(wrapper.queryAndConvert().decode("utf-8"))))
    assert rows[0] == ["athlete"] and len(rows) == 10


def test_sparqlwrapper_construct_turtle(kzgraph_server):
    sw = SPARQLWrapper(kzgraph_server.query_url)
    sw.setQuery(f"CONSTRUCT {{ <{KZ}athlete/yergali-shamei> ?p ?o }} WHERE {{ <{KZ}athlete/yergali-shamei> ?p ?o }}")
    sw.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=sw.queryAndConvert(), format="turtle")
    assert (rdflib.URIRef(KZ + "athlete/yergali-shamei"), rdflib.namespace.SKOS.hiddenLabel,
            rdflib.Literal("Shamey")) in graph


def test_sparqlwrapper_ask(kzgraph_server):
    sw = SPARQLWrapper(kzgraph_server.query_url)
    sw.setQuery("ASK { ?medal a <https://w3id.org/kzgraph/ontology#Medal> }")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["boolean"] is True


def test_rdflib_sparqlstore_query_and_triples(kzgraph_server):
    graph = rdflib.Graph(SPARQLStore(kzgraph_server.query_url))
    rows = list(graph.query(MEDALLISTS))
    assert len(rows) == 9 and rows[-1][0] == rdflib.URIRef(KZ + "athlete/zhurkamyrza-shukurbekov")
    raifova = rdflib.URIRef(KZ + "athlete/zarina-raifova")
    labels = list(graph.objects(raifova, rdflib.RDFS.label))
    assert labels == [rdflib.Literal("Zarina Raifova")]
    assert graph.value(raifova, rdflib.URIRef(KZ + "ontology#won")) == rdflib.URIRef(
        KZ + "medal/paris-2024-zarina-raifova-bronze")


def test_rdflib_sparqlstore_ask_and_dataset(kzgraph_server):
    dataset = rdflib.Dataset(SPARQLStore(kzgraph_server.query_url))
    # rdflib sends its own default graph's IRI as default-graph-uri: that graph is empty here
    assert not dataset.query("ASK { ?s ?p ?o }").askAnswer
    graph = rdflib.Graph(SPARQLStore(kzgraph_server.query_url))
    assert graph.query("ASK { ?s a <https://w3id.org/kzgraph/ontology#Venue> }").askAnswer
