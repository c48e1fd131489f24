"""Every named query gives the same result on every engine as on the embedded store.

Engines: embedded pyoxigraph (the reference), rdflib, Oxigraph server and Virtuoso (real servers on
loopback, filled by ``kzgraph.push``). Values are compared as Python values of the same type (IRI, int,
Decimal, date, str, LangString); in order when the query has ORDER BY, as multisets otherwise.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import rdflib
from rdflib.compare import isomorphic

import kzgraph
from kzgraph import IRI, GraphResult, LangString, SelectResult
from kzgraph.queries import load_catalogue
from kzgraph.sparqltext import tokens
from tests.conftest import ENGINES

CATALOGUE = load_catalogue()
ATHLETE = "https://w3id.org/kzgraph/athlete/"
SAMPLES = {"string": "David Degtyarev", "resource": "David Degtyarev", "search": "Degtiarev",
           "iri": ATHLETE + "david-degtyarev"}
EXTRA_CASES = [
    ("athlete", {"athlete": "Shamey"}),
    ("athlete", {"athlete": "akmaral nauatbek"}),
    ("athlete", {"athlete": ATHLETE + "dayana-fedosova"}),
    ("find-athlete", {"athlete": "Ергали Шамей"}),
    ("provenance", {"resource": "https://w3id.org/kzgraph/event/judo-90kg"}),
    ("provenance", {"resource": "medal/paris-2024-yerkin-gabbasov-silver"}),
    ("graph-facts", {"graph": "https://w3id.org/kzgraph/graph/article/s05"}),
    ("graph-sources", {"graph": "https://w3id.org/kzgraph/graph/derived/judo-weight-categories/j2-90kg"}),
    ("resources-of-kind", {"class": "https://w3id.org/kzgraph/ontology#Athlete"}),
    ("resource-facts-sample", {"resource": ATHLETE + "david-degtyarev", "property": "kz:won", "direction": "out"}),
    ("resource-links", {"resource": "https://w3id.org/kzgraph/games/paris-2024", "property": "kz:atGames",
                        "direction": "in"}),
]
CASES = [(q.name, {p.name: SAMPLES[p.type] for p in q.params if p.required}) for q in CATALOGUE.values()
         if "federated" not in q.tags]  # federated queries need a live endpoint: tests/test_wikidata.py
CASES += EXTRA_CASES


def key(value):
    """A comparable form of a value that keeps its Python type (and a language tag)."""
    if isinstance(value, LangString):
        return ("LangString", str(value), value.lang.lower())
    return (type(value).__name__, value)


def rdf_graph(result: GraphResult) -> rdflib.Graph:
    return rdflib.Graph().parse(data=result.serialize("nt"), format="nt")


def ordered(sparql: str) -> bool:
    return any(t.kind == "word" and t.text.upper() == "ORDER" for t in tokens(sparql))


@pytest.fixture(scope="module")
def reference():
    with kzgraph.open() as graph:
        yield graph


@pytest.mark.parametrize("engine", ENGINES[1:])
@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_same_result_as_the_embedded_store(engine_kg, reference, engine, name, params):
    expected = reference.query(name, **params)
    got = engine_kg(engine).query(name, **params)
    if isinstance(expected, GraphResult):  # CONSTRUCT: the same graph, blank nodes up to renaming
        assert isinstance(got, GraphResult)
        assert isomorphic(rdf_graph(got), rdf_graph(expected))
        return
    assert isinstance(got, SelectResult)
    assert got.columns == expected.columns
    got_rows = [tuple(key(v) for v in row) for row in got]
    expected_rows = [tuple(key(v) for v in row) for row in expected]
    if ordered(CATALOGUE[name].sparql):
        assert got_rows == expected_rows
    else:
        assert Counter(got_rows) == Counter(expected_rows)


def test_every_named_query_has_a_case_with_rows(reference):
    """The equivalence test is not vacuous: apart from checks and the Wikidata joins (which need a
    snapshot: tests/test_wikidata.py), each query answers with rows."""
    answered = {name for name, params in CASES if len(reference.query(name, **params)) > 0}
    for name, query in CATALOGUE.items():
        if not query.is_check and "wikidata" not in query.tags:
            assert name in answered, name


def test_rdflib_runs_a_query_parsed_once_on_several_threads_at_a_time():
    """The rdflib backend keeps parsed queries (parsing is most of a small query's time) and shares them."""
    with kzgraph.open(backend="rdflib") as graph:
        expected = graph.query("medals").to_dicts()
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: graph.query("medals").to_dicts(), range(8)))
    assert len(expected) == 9
    assert {row["athlete_name"] for row in expected} >= {"Yerkin Gabbasov", "David Degtyarev"}
    assert all(answer == expected for answer in answers)


@pytest.mark.parametrize("engine", ENGINES)
def test_values_have_the_same_python_types(engine_kg, engine):
    medal = {r["athlete_name"]: r for r in engine_kg(engine).query("medals").to_dicts()}["Yerkin Gabbasov"]
    assert type(medal["medal_iri"]) is IRI
    assert type(medal["date"]).__name__ == "date" and str(medal["date"]) == "2024-08-31"
    assert type(medal["result"]).__name__ == "Decimal" and str(medal["result"]) in ("247.7", "247.70")
    table = engine_kg(engine).query("medal-table").to_dicts()[0]
    assert (type(table["rank"]), table["total"]) == (int, 9)
    ask = engine_kg(engine).query("ASK { ?m a kz:Medal }")
    assert bool(ask) is True


HOSTILE = [
    'x") || true || ("',
    '" } UNION { ?subject ?property ?value } #',
    "x' } UNION { ?s ?p ?o } #",
    'x"""  } UNION { ?s ?p ?o } #',
    "x\\\" } UNION { ?s ?p ?o } #",
    "x\n} UNION { ?s ?p ?o } #",
]


@pytest.mark.parametrize("engine", ENGINES)
def test_injection_through_parameters_returns_no_extra_rows(engine_kg, engine):
    graph = engine_kg(engine)
    for hostile in HOSTILE:
        assert len(graph.query("athlete", athlete=hostile)) == 0, hostile
        assert len(graph.query("SELECT ?s ?name WHERE { ?s rdfs:label ?name }", name=hostile)) == 0, hostile


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_iris_are_refused(engine_kg, engine):
    graph = engine_kg(engine)
    with pytest.raises(kzgraph.QueryParameterError, match="resource"):
        graph.query("provenance", resource="https://x/> } UNION { ?s ?p ?o } #")
    bad = IRI("http://x/> } UNION { ?s ?p ?o } <http://y/")
    try:
        rows = graph.query("SELECT ?s WHERE { ?s ?p ?o }", s=bad)
    except kzgraph.QueryParameterError:
        return
    assert len(rows) == 0
