"""What ``kg.query`` and ``kg.search`` make of what they are given: a query name, SPARQL text, an update, or
something that is neither (the library, and the CLI in-process, on the mini fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kzgraph
from tests.clirun import run_mini

MINI = Path(__file__).parent / "fixtures" / "mini"
KNOWN = "athlete-by-name, has-gold, medal-graph, medal-without-points-violation, medals, typed-params"
HOW = ("not a query: run it with update() (kg.update(text)), or send it to kzgraph serve --allow-update as "
       "update= on /sparql")


@pytest.fixture(scope="module")
def kg():
    with kzgraph.open(root=MINI) as graph:
        yield graph


@pytest.mark.parametrize("name, message", [
    ("medal", "no named query 'medal'; did you mean medals or medal-graph?"),
    ("has_gold", "no named query 'has_gold'; did you mean has-gold?"),
    ("nope", f"no named query 'nope'; known queries: {KNOWN}"),
])
def test_an_unknown_name_suggests_the_closest_known_ones(kg, name, message):
    with pytest.raises(kzgraph.UnknownQueryError) as info:
        kg.query(name)
    assert str(info.value) == message
    assert info.value.name == name


@pytest.mark.parametrize("text", ["SELEC *", "SELECT", "select", "medals {", "ask{", "SELECT ?s WHERE { ?s ?p }",
                                  "# please drop it\n{ ?s ?p ?o }"])  # a comment's words are no keyword
def test_text_that_is_not_one_word_or_is_a_keyword_is_sparql(kg, text):
    with pytest.raises(kzgraph.QuerySyntaxError) as info:
        kg.query(text)
    assert info.value.line is not None and info.value.column is not None


@pytest.mark.parametrize("text, keyword", [
    ("DROP ALL", "DROP"),
    ("clear default", "CLEAR"),
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "INSERT"),
    ("# a comment\nPREFIX e: <http://e/>\nBASE <http://e/>\nDELETE WHERE { ?s e:p ?o }", "DELETE"),
    ("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("LOAD <http://e/x.ttl>", "LOAD"),
    ("CREATE GRAPH <http://e/g>", "CREATE"),
    ("ADD DEFAULT TO <http://e/g>", "ADD"),
    ("MOVE DEFAULT TO <http://e/g>", "MOVE"),
    ("COPY DEFAULT TO <http://e/g>", "COPY"),
])
def test_an_update_sent_as_a_query_says_how_updates_are_run(kg, text, keyword):
    before = len(kg.backend)
    with pytest.raises(kzgraph.UsageError) as info:
        kg.query(text)
    assert str(info.value) == f"this is a SPARQL update ({keyword}), {HOW}"
    assert len(kg.backend) == before


@pytest.mark.parametrize("value, kind", [(None, "NoneType"), (5, "int"), (b"medals", "bytes")])
def test_query_needs_a_name_or_text(kg, value, kind):
    with pytest.raises(kzgraph.UsageError) as info:
        kg.query(value)
    assert str(info.value) == f"query() takes a query name or SPARQL text, not {kind}"


def test_an_empty_query_is_a_usage_error(kg):
    with pytest.raises(kzgraph.UsageError) as info:
        kg.query(" \n")
    assert str(info.value) == "the query is empty: give a query name (see queries()) or SPARQL text"


@pytest.mark.parametrize("value, kind", [(None, "NoneType"), (42, "int"), (["Alpha"], "list")])
def test_search_needs_text(kg, value, kind):
    with pytest.raises(kzgraph.UsageError) as info:
        kg.search(value)
    assert str(info.value) == f"search() takes the text to look for, not {kind}"


def test_search_needs_a_whole_number_as_limit(kg):
    with pytest.raises(kzgraph.UsageError) as info:
        kg.search("Alpha", limit="3")  # type: ignore[arg-type]
    assert str(info.value) == "search() takes a whole number as limit, not str"


def test_cli_unknown_name_suggests():
    assert run_mini("query", "medal") == (
        2, "", "kzgraph: error: no named query 'medal'; did you mean medals or medal-graph?\n")


def test_cli_update_on_stdin_says_how_updates_are_run():
    assert run_mini("query", "-", stdin="DROP ALL\n") == (
        2, "", f"kzgraph: error: stdin: this is a SPARQL update (DROP), {HOW}\n")


def test_cli_update_in_a_file_says_how_updates_are_run(tmp_path):
    path = tmp_path / "wipe.rq"
    path.write_text("PREFIX kz: <https://w3id.org/kzgraph/ontology#>\nDELETE WHERE { ?m a kz:Medal }\n")
    assert run_mini("query", str(path)) == (
        2, "", f"kzgraph: error: {path}: this is a SPARQL update (DELETE), {HOW}\n")
