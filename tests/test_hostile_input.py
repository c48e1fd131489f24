"""Hostile input, property-tested: random query text, parameter values and IRIs never escape as anything but a
typed kzgraph error (exit 2 with a message on the command line), and parameter values never change a query's
structure: any value other than the intended match gives the same (empty) answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzgraph
from kzgraph.binding import bind
from kzgraph.errors import KzgraphError, QueryParameterError
from kzgraph.queries import PARAM_TYPES, Param, parse_text
from tests.clirun import run_cli

MINI = Path(__file__).parent / "fixtures" / "mini"
FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# what attackers try: closing the literal or IRI, commenting out the rest, adding a UNION or an update
INJECTIONS = [
    '" }', '") || true || ("', "' } UNION { ?s ?p ?o } #", '" . ?s ?p ?o . FILTER("1"="1', "\\", "\\u0022",
    "> } ; DROP ALL ; #", "<https://w3id.org/kzgraph/athlete/david-degtyarev>", "?athlete", "$athlete",
    "\x00", "\n# comment\n", "%22%20%7D", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "a" * 5000, "", " ", "David Degtyarev\"",
]
hostile_text = st.one_of(st.sampled_from(INJECTIONS), st.text(max_size=200),
                         st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS), st.text(max_size=40)))
SPARQL_TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "*",
                 "FILTER", "BIND", "AS", "GRAPH", "OPTIONAL", "UNION", "LIMIT", "1", ".", ";", ",", "<x:y>",
                 "kz:Medal", "a", '"x"', "COUNT", "SERVICE", "<http://127.0.0.1:9/sparql>", "LOAD", "INSERT",
                 "DATA", "VALUES", "#", "\n", "PREFIX", "ex:", "<http://e/>", "SUM", "GROUP", "BY", "@en"]
sparqlish = st.builds(lambda words: "SELECT " + " ".join(words), st.lists(st.sampled_from(SPARQL_TOKENS), max_size=14))
# what engines' recursive parsers choke on: deep brackets and long runs of operators, alone and together
# (prefix, repeated opening, middle, closing repeated as often, suffix)
NESTINGS = [
    ("SELECT * WHERE ", "{", " ?s ?p ?o ", "}", ""),
    ("SELECT * WHERE { ?s ?p ?o FILTER (", "(", "?o", ")", ") }"),
    ("SELECT * WHERE { ?s ?p ?o FILTER (", "!", "?o", "", ") }"),
    ("SELECT * WHERE { ?s ?p ?o FILTER (", "?o || ", "true", "", ") }"),
    ("SELECT * WHERE { ?s ?p ?o FILTER (", "(!", "?o", ")", ") }"),
    ("SELECT * WHERE { ", "{ ?s ?p ?o } UNION ", "{ ?s ?p ?o }", "", " }"),
    ("SELECT * WHERE { ?s ", "^", "<http://e/p>", "", " ?o }"),
    ("SELECT * WHERE { ?s <http://e/p> ", "[ <http://e/p> ", "?o", " ]", " }"),
    ("INSERT DATA { <http://e/s> <http://e/p> ", "( ", "1", " )", " }"),
]
deep_text = st.builds(lambda shape, n: shape[0] + shape[1] * n + shape[2] + shape[3] * n + shape[4],
                      st.sampled_from(NESTINGS),
                      st.one_of(st.sampled_from([100, 101, 1000, 1001, 2500, 5000, 20000]), st.integers(1, 30000)))


@pytest.fixture(scope="module")
def kg():
    with kzgraph.open() as graph:
        yield graph


@FAST
@given(text=st.one_of(hostile_text, sparqlish, deep_text))
def test_any_query_text_gives_a_result_or_a_typed_error(kg, text):
    try:
        kg.query(text)
    except KzgraphError as exc:
        assert str(exc)


@FAST
@given(value=hostile_text)
def test_a_name_parameter_never_changes_the_query(kg, value):
    try:
        rows = kg.query("athlete", athlete=value).to_dicts()
    except QueryParameterError as exc:  # not a name and not an IRI (blank, or a malformed IRI)
        assert "athlete" in str(exc)
        return
    # an IRI selects that athlete; a name only the athletes the search index resolves it to (none, for
    # hostile text)
    bound = bind(kg.catalogue["athlete"], {"athlete": value})["athlete"]
    allowed = {bound} if isinstance(bound, kzgraph.IRI) else {kzgraph.IRI(iri) for iri in kg.resolve(bound)}
    assert {row["athlete"] for row in rows} <= allowed


@FAST
@given(value=hostile_text)
def test_an_iri_parameter_is_an_iri_or_refused(kg, value):
    try:
        rows = kg.query("provenance", resource=value).rows
    except QueryParameterError as exc:
        assert exc.param == "resource"
        return
    known = {row[-1] for row in kg.query("provenance", resource=value).rows}
    assert rows == [] or known == {bind(kg.catalogue["provenance"], {"resource": value})["resource"]}


@FAST
@given(param_type=st.sampled_from(PARAM_TYPES), value=st.one_of(hostile_text, st.integers(), st.floats(),
                                                                st.booleans(), st.dates(), st.none()))
def test_bind_converts_or_names_the_parameter(param_type, value):
    query = parse_text(f"#+ param: x {param_type} optional\nSELECT ?x WHERE {{ }}", name="probe")
    try:
        bound = bind(query, {"x": value})
    except QueryParameterError as exc:
        assert exc.param == "x"
        return
    assert set(bound) <= {"x"} and Param("x", param_type, False) == query.params[0]


@pytest.fixture(scope="module")
def mini():
    with kzgraph.open(root=MINI) as graph:
        yield graph


@FAST
@given(n=hostile_text, d=hostile_text, day=hostile_text, flag=hostile_text, thing=hostile_text)
def test_typed_parameters_echo_their_value_or_are_refused(mini, n, d, day, flag, thing):
    try:
        result = mini.query("typed-params", n=n, d=d, day=day, flag=flag, thing=thing)
    except QueryParameterError as exc:
        assert exc.param in {"n", "d", "day", "flag", "thing"}
        return
    assert len(result.rows) == 1  # the values come back as values: the query's shape is unchanged


@FAST
@given(name=st.one_of(hostile_text, st.sampled_from(["athlete-by-name", "typed-params", "medals"])),
       params=st.lists(st.builds(lambda k, v: f"{k}={v}", st.sampled_from(["name", "n", "d", "day", "flag",
                                                                            "thing", "athlete", "x"]),
                                 hostile_text), max_size=3))
def test_cli_query_exits_0_or_2_with_a_message_never_a_traceback(name, params):
    if name.startswith("-") or not name.strip() or "\x00" in name:
        return  # an option, or no query name: argparse's business
    argv = ["--home", str(MINI), "query", name, "-f", "csv"]
    for pair in params:
        argv += ["--param", pair]
    code, out, err = run_cli(argv)
    assert "Traceback" not in err
    assert code in (0, 2), (code, err)
    assert code == 0 or (out == "" and err.strip())


@FAST
@given(text=st.one_of(hostile_text, sparqlish, deep_text))
def test_cli_query_from_stdin_exits_0_or_2(text):
    code, _out, err = run_cli(["--home", str(MINI), "query", "-", "-f", "tsv"], stdin=text)
    assert "Traceback" not in err and code in (0, 2) and (code == 0 or err.strip())


@pytest.fixture(scope="module")
def rdflib_kg():
    with kzgraph.open(backend="rdflib") as graph:
        yield graph


@FAST
@given(text=st.one_of(sparqlish, deep_text))
def test_rdflib_backend_gives_a_result_or_a_typed_error(rdflib_kg, text):
    """rdflib's parser recurses with Python's stack: what it cannot parse is a syntax error, not a RecursionError."""
    try:
        rdflib_kg.update(text) if text.startswith("INSERT") else rdflib_kg.query(text)
    except KzgraphError as exc:
        assert str(exc)


BRACKETS, OPERATORS = "100 levels of brackets", "1000 operators in a row"


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("text, where, limit", [
    ("SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000, "stdin:1:116", BRACKETS),
    ("SELECT * WHERE { ?s ?p ?o FILTER (" + "(" * 100_000 + "?o" + ")" * 100_000 + ") }", "stdin:1:133", BRACKETS),
    ("SELECT ?o WHERE { ?s ?p ?o\n FILTER (" + "!" * 20_000 + "?o) }", "stdin:2:1010", OPERATORS),
])
def test_deep_nesting_is_refused_before_the_engine_sees_it(backend, text, where, limit):
    """pyoxigraph's parser crashes the process (SIGSEGV) on such text: kzgraph refuses it, on every backend."""
    code, out, err = run_cli(["query", "--backend", backend, "-"], stdin=text)
    assert (code, out) == (2, "")
    assert err == f"kzgraph: error: {where}: SPARQL syntax error: query nested too deeply (limit {limit})\n"


def test_deep_nesting_in_a_named_query_file_names_the_file(tmp_path):
    home = tmp_path / "home"
    (home / "queries").mkdir(parents=True)
    for part in ("ontology", "data"):
        (home / part).symlink_to(MINI / part)
    (home / "queries" / "deep.rq").write_text("#+ title: Deep\nSELECT * WHERE " + "{" * 3000 + "}" * 3000 + "\n")
    code, out, err = run_cli(["--home", str(home), "query", "deep"])
    assert code == 2 and out == ""
    assert err == (f"kzgraph: error: {home / 'queries' / 'deep.rq'}:2:116: SPARQL syntax error: query nested too "
                   "deeply (limit 100 levels of brackets)\n")


def test_rdflib_names_an_undeclared_prefix_in_one_line():
    code, out, err = run_cli(["query", "--backend", "rdflib", "-"], stdin="SELECT * WHERE {\n  ?s foo:bar ?o }")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err == "kzgraph: error: stdin:2:6: SPARQL syntax error: undeclared prefix 'foo:'\n"


@pytest.mark.parametrize("text, line", [
    ("SELEC *", "stdin:1:1: SPARQL syntax error: unexpected 'SELEC'; expected SELECT, ASK, CONSTRUCT or DESCRIBE"),
    ('SELECT * WHERE { ?s ?p ?o FILTER(?o = "x) }', "stdin:1:39: SPARQL syntax error: unterminated string"),
])
def test_syntax_errors_read_the_same_on_rdflib_and_oxigraph(text, line):
    for backend in ("oxigraph", "rdflib"):
        code, out, err = run_cli(["query", "--backend", backend, "-"], stdin=text)
        assert (code, out, err) == (2, "", f"kzgraph: error: {line}\n"), backend
