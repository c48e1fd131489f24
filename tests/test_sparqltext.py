"""The tokenizer that finds where a VALUES block goes, and which prefixes a query uses."""

import pytest

from kzgraph import IRI, LangString, QueryParameterError
from kzgraph.sparqltext import insert_rows, insert_values, names_dataset, query_form, shape, with_prefixes


@pytest.mark.parametrize("sparql, where", [
    ("SELECT * WHERE { ?s ?p ?o }", "WHERE {"),
    ("SELECT * { ?s ?p ?o }", "* {"),
    ("PREFIX ex: <http://x/{}> SELECT * # { not here\n WHERE { ?s ?p ?o }", "WHERE {"),
    ('SELECT ("{" AS ?x) """ { """ WHERE { ?s ?p ?o }', "WHERE {"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WHERE {"),
    ("ASK { ?s ?p ?o }", "ASK {"),
    ("SELECT ?where WHERE { ?where ?p ?o }", "WHERE {"),
])
def test_values_go_first_in_the_outermost_where_group(sparql, where):
    out = insert_values(sparql, {"s": IRI("http://example.org/a")})
    assert out.replace(" VALUES (?s) { (<http://example.org/a>) }", "") == sparql
    assert out.index("VALUES") == sparql.index(where) + len(where) + 1


def test_values_keep_line_numbers_and_escape_strings():
    sparql = "SELECT ?n\nWHERE {\n  ?s ?p ?n\n}"
    out = insert_values(sparql, {"n": 'a" } UNION { ?x ?y ?z } #\n'})
    assert out.count("\n") == sparql.count("\n")
    assert '"a\\" } UNION { ?x ?y ?z } #\\n"' in out
    assert 'LangString' not in insert_values(sparql, {"n": LangString("Астана", "kk")})


@pytest.mark.parametrize("value", [IRI("http://x/> } UNION { ?a ?b ?c"), IRI("http://x/a b"),
                                   LangString("x", "en} UNION {")])
def test_unsafe_terms_are_refused(value):
    with pytest.raises(QueryParameterError):
        insert_values("SELECT ?n WHERE { ?s ?p ?n }", {"n": value})


def test_prefixes_dataset_and_form():
    prefixes = {"kz": "https://w3id.org/kzgraph/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    sparql = "PREFIX rdfs: <x#> SELECT * WHERE { ?s a kz:Medal ; rdfs:label|kz:x ?l . FILTER(?l != \"kz2:y\") }"
    assert with_prefixes(sparql, prefixes) == f"PREFIX kz: <{prefixes['kz']}> {sparql}"
    assert shape(sparql).prefixes == {"kz"}
    assert names_dataset("SELECT * FROM <http://g> WHERE { ?s ?p ?o }")
    assert not names_dataset("SELECT ?from WHERE { ?from ?p 'FROM' } # FROM")
    assert query_form("# SELECT\nDESCRIBE <http://x>") == "DESCRIBE"
    assert query_form("INSERT DATA { <a:b> <a:c> 1 }") == ""


def test_values_open_each_union_branch_but_not_a_subquery_and_not_when_rows_repeat():
    """Oxigraph and Virtuoso evaluate UNION branches before joining a VALUES block outside them (a whole-store
    scan per branch): the block goes into every branch too, where a join with it means the same."""
    text = "SELECT * WHERE { { ?r ?p ?o } UNION { SELECT ?r WHERE { ?r ?p ?o } } UNION { ?s ?p ?r } FILTER (?p) }"
    assert insert_rows(text, ["r"], [(IRI("http://e/a"),)]) == (
        "SELECT * WHERE { VALUES (?r) { (<http://e/a>) } { VALUES (?r) { (<http://e/a>) } ?r ?p ?o } UNION "
        "{ SELECT ?r WHERE { ?r ?p ?o } } UNION { VALUES (?r) { (<http://e/a>) } ?s ?p ?r } FILTER (?p) }")
    twice = insert_rows(text, ["r"], [(IRI("http://e/a"),), (IRI("http://e/a"),)])
    assert twice.count("VALUES") == 1  # repeated rows would be squared by a second join
