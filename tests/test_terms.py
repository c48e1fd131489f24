"""Literal ↔ Python value conversion and N-Triples forms of terms."""

import datetime
from decimal import Decimal

import pytest

from kzgraph.namespaces import RDF, XSD
from kzgraph.terms import IRI, BNode, LangString, TypedLiteral, lexical_form, to_literal, to_ntriples, to_python


@pytest.mark.parametrize("lexical, datatype, expected", [
    ("42", XSD["integer"], 42),
    ("-7", XSD["int"], -7),
    ("3", XSD["nonNegativeInteger"], 3),
    ("247.7", XSD["decimal"], Decimal("247.7")),
    ("1.5E2", XSD["double"], 150.0),
    ("INF", XSD["double"], float("inf")),
    ("2.5", XSD["float"], 2.5),
    ("true", XSD["boolean"], True),
    ("0", XSD["boolean"], False),
    ("2024-08-28", XSD["date"], datetime.date(2024, 8, 28)),
    ("2024-08-28T20:00:00Z", XSD["dateTime"],
     datetime.datetime(2024, 8, 28, 20, 0, tzinfo=datetime.timezone.utc)),
    ("2024-08-28T20:00:00", XSD["dateTime"], datetime.datetime(2024, 8, 28, 20, 0)),
    ("plain", XSD["string"], "plain"),
    ("plain", None, "plain"),
])
def test_to_python(lexical, datatype, expected):
    value = to_python(lexical, datatype)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("lexical, datatype", [
    ("PT1M4.83S", XSD["duration"]),      # no Python mapping
    ("abc", XSD["integer"]),             # invalid lexical form kept as it is
    ("2024-08-28+06:00", XSD["date"]),   # timezone on a date: kept, not lost
    ("yes", XSD["boolean"]),
    ("1e5", XSD["decimal"]),
])
def test_unmapped_literals_stay_typed(lexical, datatype):
    value = to_python(lexical, datatype)
    assert isinstance(value, TypedLiteral)
    assert (str(value), value.datatype) == (lexical, datatype)
    assert to_literal(value) == (lexical, datatype, None)


def test_language_strings():
    value = to_python("Астана", lang="kk")
    assert isinstance(value, LangString) and value.lang == "kk" and str(value) == "Астана"
    assert value != "Астана"  # a plain literal is another term
    assert value != LangString("Астана", "ru")
    assert value == LangString("Астана", "KK")
    assert to_literal(value) == ("Астана", RDF["langString"], "kk")


@pytest.mark.parametrize("value, expected", [
    (True, ("true", XSD["boolean"], None)),
    (5, ("5", XSD["integer"], None)),
    (Decimal("247.70"), ("247.70", XSD["decimal"], None)),
    (Decimal("1E+2"), ("100", XSD["decimal"], None)),
    (0.5, ("0.5", XSD["double"], None)),
    (float("-inf"), ("-INF", XSD["double"], None)),
    (float("nan"), ("NaN", XSD["double"], None)),
    (datetime.date(2024, 9, 8), ("2024-09-08", XSD["date"], None)),
    (datetime.datetime(2024, 9, 8, 12, 30), ("2024-09-08T12:30:00", XSD["dateTime"], None)),
    ("text", ("text", XSD["string"], None)),
])
def test_to_literal(value, expected):
    assert to_literal(value) == expected


@pytest.mark.parametrize("value", [True, 5, Decimal("247.7"), 0.25, datetime.date(2024, 9, 8),
                                   datetime.datetime(2024, 9, 8, 12, 30, tzinfo=datetime.timezone.utc),
                                   "x", LangString("x", "en"), TypedLiteral("P1D", XSD["duration"])])
def test_round_trip(value):
    assert to_python(*to_literal(value)) == value


X = "http://example.org/x"


@pytest.mark.parametrize("a, b", [
    (IRI(X), X),
    (IRI("b0"), BNode("b0")),
    (IRI("a"), LangString("a", "en")),
    (IRI("a"), TypedLiteral("a", XSD["token"])),
    (BNode("b0"), "b0"),
    (LangString("a", "en"), "a"),
    (TypedLiteral("a", XSD["token"]), "a"),
    (TypedLiteral("a", XSD["token"]), TypedLiteral("a", XSD["NCName"])),
    (LangString("a", "en"), TypedLiteral("a", RDF["langString"])),
])
def test_terms_of_different_kinds_are_not_equal(a, b):
    """As rdflib's and pyoxigraph's terms: a term equals only a term of its kind, whichever side asks."""
    assert (a == b, b == a, a != b, b != a) == (False, False, True, True)


def test_terms_of_different_kinds_hash_apart():
    assert len({IRI(X), X, BNode(X), LangString(X, "en"), TypedLiteral(X, XSD["anyURI"])}) == 5
    assert {X: 1}.get(IRI(X)) is None and {IRI(X): 1}.get(X) is None
    assert IRI(X) not in [X] and X not in (IRI(X),)


def test_terms_of_one_kind_are_equal_by_value():
    assert (IRI(X) == IRI(X), BNode("b0") == BNode("b0"), LangString("a", "en") == LangString("a", "EN"),
            TypedLiteral("a", XSD["token"]) == TypedLiteral("a", XSD["token"])) == (True, True, True, True)
    assert len({IRI(X), IRI(X), LangString("a", "en"), LangString("a", "EN")}) == 2
    assert sorted([IRI("b"), IRI("a")]) == [IRI("a"), IRI("b")]  # still strings: ordered and sliced as text
    assert IRI(X).startswith("http://") and IRI(X)[7:] == "example.org/x"


def test_iris_and_bnodes_are_not_literals():
    with pytest.raises(TypeError):
        to_literal(IRI("http://example.org/a"))
    with pytest.raises(TypeError):
        to_literal(object())  # type: ignore[arg-type]


@pytest.mark.parametrize("value, expected", [
    (IRI("http://example.org/a"), "<http://example.org/a>"),
    (BNode("b0"), "_:b0"),
    ('say "hi"\n\tnow\\', '"say \\"hi\\"\\n\\tnow\\\\"'),
    (LangString("Алматы", "kk"), '"Алматы"@kk'),
    (3, f'"3"^^<{XSD["integer"]}>'),
])
def test_to_ntriples(value, expected):
    assert to_ntriples(value) == expected


def test_lexical_form():
    assert lexical_form(IRI("http://example.org/a")) == "http://example.org/a"
    assert lexical_form(BNode("b1")) == "_:b1"
    assert lexical_form(False) == "false"
