"""Named-query headers, the catalogue, and parameter binding (types, errors, injection)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

import kzgraph
from kzgraph.binding import bind
from kzgraph.errors import QueryError, QueryParameterError, UnknownQueryError
from kzgraph.queries import Param, load_catalogue, parse_file, parse_text
from kzgraph.terms import IRI

MINI = Path(__file__).parent / "fixtures" / "mini"

HEADER = """\
#+ title: Medals won
#+ description: One row per medal,
#+ description: gold first.
#+ param: athlete string required The athlete's IRI or name
#+ param: limit integer optional How many rows
#+ returns: athlete_name, medal, ?sport
#+ tags: core, competency
PREFIX kz: <https://w3id.org/kzgraph/ontology#>
#+ title: not a header line any more
SELECT ?athlete_name ?medal ?sport ?athlete ?limit WHERE { }
"""


def test_header():
    q = parse_text(HEADER, name="medals")
    assert q.title == "Medals won"
    assert q.description == "One row per medal, gold first."
    assert q.params == (Param("athlete", "string", True, "The athlete's IRI or name"),
                        Param("limit", "integer", False, "How many rows"))
    assert q.returns == ("athlete_name", "medal", "sport")
    assert q.tags == ("core", "competency")
    assert q.sparql == HEADER and not q.is_check


def test_no_header():
    q = parse_text("SELECT * WHERE { ?s ?p ?o }", name="bare")
    assert (q.title, q.params, q.returns, q.tags) == ("", (), (), ())


@pytest.mark.parametrize("line, message", [
    ("#+ titel: typo", "malformed header line"),
    ("#+ no colon here", "malformed header line"),
    ("#+ param: x", "malformed param"),
    ("#+ param: x text required Desc", "unknown type 'text'"),
    ("#+ param: x iri maybe Desc", "expected 'required' or 'optional'"),
    ("#+ param: 1x iri required Desc", "not a SPARQL variable name"),
    ("#+ param: x iri required A\n#+ param: x iri optional B", "declared twice"),
    ("#+ returns: a\n#+ returns: b", "'returns' given twice"),
])
def test_malformed_header_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "bad.rq"
    path.write_text("#+ title: ok\n" + line + "\nSELECT * WHERE { }\n", encoding="utf-8")
    with pytest.raises(QueryError, match=message) as info:
        parse_file(path)
    lineno = 3 if "\n" in line else 2
    assert str(info.value).startswith(f"{path}:{lineno}: ")


def test_catalogue():
    catalogue = load_catalogue(MINI / "queries")
    assert list(catalogue) == ["athlete-by-name", "has-gold", "medal-graph", "medal-without-points-violation",
                               "medals", "typed-params"]  # rules/ are not named queries
    assert [q.name for q in catalogue.checks] == ["medal-without-points-violation"]
    assert catalogue.lookup("medals").path == MINI / "queries" / "medals.rq"
    assert catalogue.get("medals") is catalogue["medals"]  # a Mapping: get() gives None or the default given
    assert catalogue.get("medal") is None and catalogue.get("medal", "none") == "none"
    with pytest.raises(UnknownQueryError) as info:
        catalogue.lookup("medal")
    assert info.value.known == list(catalogue)
    assert str(info.value) == "no named query 'medal'; did you mean medals or medal-graph?"
    assert info.value.suggestions == ["medals", "medal-graph"]


def test_duplicate_names(tmp_path):
    (tmp_path / "checks").mkdir()
    (tmp_path / "x-violation.rq").write_text("SELECT * WHERE { }")
    (tmp_path / "checks" / "x-violation.rq").write_text("SELECT * WHERE { }")
    with pytest.raises(QueryError, match="also used by"):
        load_catalogue(tmp_path)


TYPED = parse_file(MINI / "queries" / "typed-params.rq")


@pytest.mark.parametrize("name, raw, expected", [
    ("n", "42", 42), ("n", " -3 ", -3), ("n", 7, 7),
    ("d", "247.7", Decimal("247.7")), ("d", 2, Decimal(2)), ("d", 0.5, Decimal("0.5")), ("d", ".5", Decimal("0.5")),
    ("day", "2024-08-28", datetime.date(2024, 8, 28)), ("day", datetime.date(2024, 9, 8), datetime.date(2024, 9, 8)),
    ("flag", "true", True), ("flag", "0", False), ("flag", False, False),
    ("thing", "https://w3id.org/kzgraph/athlete/x", IRI("https://w3id.org/kzgraph/athlete/x")),
    ("thing", "<http://example.org/a>", IRI("http://example.org/a")),
    ("thing", "kz:Medal", IRI("https://w3id.org/kzgraph/ontology#Medal")),
    ("thing", "athlete/david-degtyarev", IRI("https://w3id.org/kzgraph/athlete/david-degtyarev")),
    ("thing", "urn:isbn:0451450523", IRI("urn:isbn:0451450523")),
])
def test_bind_converts(name, raw, expected):
    value = bind(TYPED, {name: raw})[name]
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("name, raw", [
    ("n", "4.5"), ("n", "four"), ("n", True), ("n", 4.0),
    ("d", "1e5"), ("d", "NaN"), ("d", float("inf")), ("d", True),
    ("day", "28/08/2024"), ("day", "2024-02-30"), ("day", datetime.datetime(2024, 1, 1)),
    ("flag", "yes"), ("flag", 1),
    ("thing", "no scheme"), ("thing", "http://example.org/a b"), ("thing", 'http://e/"x'), ("thing", 3),
])
def test_bind_rejects(name, raw):
    with pytest.raises(QueryParameterError) as info:
        bind(TYPED, {name: raw})
    assert info.value.param == name
    assert str(info.value).startswith(f"parameter {name!r}: ")


def test_bind_missing_unknown_optional():
    query = parse_file(MINI / "queries" / "athlete-by-name.rq")
    with pytest.raises(QueryParameterError, match="required") as info:
        bind(query, {})
    assert info.value.param == "name"
    with pytest.raises(QueryParameterError, match="unknown parameter") as info:
        bind(query, {"name": "x", "nmae": "y"})
    assert info.value.param == "nmae"
    assert bind(TYPED, {}) == {}
    assert bind(TYPED, {"n": None}) == {}
    with pytest.raises(QueryParameterError):
        bind(query, {"name": 3})


@pytest.fixture(scope="module")
def kg():
    with kzgraph.open(root=MINI) as graph:
        yield graph


def test_bound_values_reach_the_query(kg):
    result = kg.query("typed-params", n="3", d="2.50", day="2024-08-01", flag="true", thing="kz:Medal")
    assert result.rows == [(3, Decimal("2.50"), datetime.date(2024, 8, 1), True,
                            IRI("https://w3id.org/kzgraph/ontology#Medal"))]
    assert kg.query("typed-params").rows == [(None,) * 5]


def test_injection_is_bound_as_one_literal(kg):
    evil = '" } UNION { ?s ?p ?o } #'
    assert len(kg.query("athlete-by-name", name=evil)) == 0
    assert len(kg.query("athlete-by-name", name='Beta Tester" || "1" = "1')) == 0
    assert kg.query("athlete-by-name", name="Beta Tester").rows == [
        (IRI("https://w3id.org/kzgraph/athlete/beta"), "Beta Tester")]
