"""Each quality check finds the fault it is written for (and the shipped data has none: test_named_queries)."""

from __future__ import annotations

import datetime

import pytest

import kzgraph
from kzgraph import IRI
from kzgraph.backends import Source

KZ = "https://w3id.org/kzgraph/ontology#"
DELEGATION = "https://w3id.org/kzgraph/delegation/kazakhstan-paris-2024"

FAULTS = {
    # a source stating 3 golds where the medal nodes count 2
    "medal-arithmetic-violation": (
        f"<https://w3id.org/kzgraph/graph/article/s02> {{ <{DELEGATION}> <{KZ}goldMedalCount> 3 . }}",
        (IRI(DELEGATION), IRI(f"{KZ}goldMedalCount"), 3, 2)),
    # a property the ontology does not declare
    "undeclared-term-violation": (
        f"<https://w3id.org/kzgraph/graph/article/s05> {{ <{DELEGATION}> <{KZ}silverish> 1 . }}",
        (IRI(f"{KZ}silverish"), "property")),
    # a graph that no provenance statement describes
    "unsourced-graph-violation": (
        "<https://w3id.org/kzgraph/graph/article/s99> { <https://example.org/a> <https://example.org/b> 1 . }",
        (IRI("https://w3id.org/kzgraph/graph/article/s99"), 1)),
    # a Wikidata link stated by the article graph rather than by a listed external fact
    "unsourced-wikidata-link-violation": (
        "<https://w3id.org/kzgraph/graph/article/s05> { <https://w3id.org/kzgraph/athlete/david-degtyarev> "
        "<http://www.w3.org/2004/02/skos/core#exactMatch> <http://www.wikidata.org/entity/Q1> . }",
        (IRI("https://w3id.org/kzgraph/athlete/david-degtyarev"), IRI("http://www.wikidata.org/entity/Q1"),
         IRI("https://w3id.org/kzgraph/graph/article/s05"))),
    # a sub-property of a reused property whose domain is narrower than ours (a delegation is no schema:Event)
    "reused-vocabulary-violation": (
        f"<https://w3id.org/kzgraph/graph/ontology> {{ <{KZ}atGames> "
        "<http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <http://schema.org/superEvent> . }",
        (IRI(f"{KZ}atGames"), IRI("http://schema.org/superEvent"),
         "a class of the domain is not within the reused property's domain", IRI(f"{KZ}Delegation"))),
    # a derived graph claiming "verified" for what rests on a fact in conflict (j1)
    "derived-status-violation": (
        "<https://w3id.org/kzgraph/graph/provenance> { <https://w3id.org/kzgraph/graph/derived/x> "
        f"a <{KZ}DerivedGraph> ; <http://www.w3.org/ns/prov#used> <https://w3id.org/kzgraph/graph/external/j1> ; "
        f"<{KZ}factStatus> <{KZ}Verified> . }}",
        (IRI("https://w3id.org/kzgraph/graph/derived/x"), "has a stronger status than a graph it used",
         IRI("https://w3id.org/kzgraph/graph/external/j1"))),
    # Raifova's bronze, stated to come after Shamei's silver, dated before it
    "medal-order-violation": (
        "<https://w3id.org/kzgraph/graph/external/e2> { "
        "<https://w3id.org/kzgraph/medal/paris-2024-yergali-shamei-silver> "
        f"<{KZ}medalDate> \"2024-09-08\"^^<http://www.w3.org/2001/XMLSchema#date> . }}",
        (IRI("https://w3id.org/kzgraph/medal/paris-2024-zarina-raifova-bronze"), datetime.date(2024, 9, 7),
         IRI("https://w3id.org/kzgraph/medal/paris-2024-yergali-shamei-silver"), datetime.date(2024, 9, 8))),
    # an ontology property with a label only
    "undocumented-term-violation": (
        f"<https://w3id.org/kzgraph/graph/ontology> {{ <{KZ}bare> a <http://www.w3.org/2002/07/owl#DatatypeProperty> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> \"bare\" . }",
        (IRI(f"{KZ}bare"), IRI("http://www.w3.org/2002/07/owl#DatatypeProperty"), "comment")),
}


def test_every_check_has_a_fault_test(kg):
    assert {q.name for q in kg.queries() if q.name.endswith("-violation")} == set(FAULTS)


@pytest.mark.parametrize("check", sorted(FAULTS))
def test_check_finds_its_fault(check):
    trig, expected_row = FAULTS[check]
    with kzgraph.open() as kg:
        kg.load(Source(data=trig.encode(), format="trig", name=f"fault for {check}"))
        rows = [tuple(row) for row in kg.query(check)]
        assert expected_row in rows
        assert not kg.validate(shacl=False).conforms
