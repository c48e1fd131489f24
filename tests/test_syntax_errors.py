"""Syntax errors say where and what in one short line: SPARQL (line, column, the offending token, not the
engine's list of character classes) and RDF (file, line, column; RDF/XML included). A UTF-8 byte order mark
at the start of a Turtle, TriG, N-Triples or N-Quads file is no error. On the command line every error line
starts with ``kzgraph: error:``."""

from __future__ import annotations

from pathlib import Path

import pytest

import kzgraph
from kzgraph.backends import Source
from kzgraph.backends.oxigraph import OxigraphBackend
from tests.clirun import run_mini

MINI = Path(__file__).parent / "fixtures" / "mini"
E = "SPARQL syntax error"


@pytest.fixture(scope="module")
def kg():
    with kzgraph.open(root=MINI) as graph:
        yield graph


@pytest.mark.parametrize("text, message", [
    ("SELEC *", f"query:1:1: {E}: unexpected 'SELEC'; expected SELECT, ASK, CONSTRUCT or DESCRIBE"),
    ("PREFIX e: <http://e/> CONSTRUC { ?s ?p ?o } WHERE { ?s ?p ?o }",
     f"query:1:23: {E}: unexpected 'CONSTRUC'; expected SELECT, ASK, CONSTRUCT or DESCRIBE"),
    ("SELECT", f"query:1:7: {E}: unexpected end of query after 'SELECT'"),
    ("SELECT ?s WHERE { ?s ?p }", f"query:1:25: {E}: unexpected '}}'"),
    ("PREFIX e: <http://e/>\nASK { ?s e:p }", f"query:2:14: {E}: unexpected '}}'"),
    ("SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER FILTER\n}", f"query:5:1: {E}: unexpected '}}'"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT x", f"query:1:35: {E}: unexpected 'x'"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1 " + "x" * 60, f"query:1:37: {E}: unexpected '{'x' * 39}…'"),
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY", f"query:1:37: {E}: unexpected end of query after 'BY'"),
    ("SELECT * WHERE { ?s ?p ?o } }", f"query:1:29: {E}: unexpected '}}': no '{{' is open"),
    ("SELECT * WHERE {\n  ?s ?p ?o FILTER (?o = 1 }", f"query:2:27: {E}: unexpected '}}': '(' at 2:19 is not closed"),
    ("SELECT * WHERE {\n  ?s ?p ?o\n", f"query:3:1: {E}: unexpected end of query; '{{' at 1:16 is not closed"),
    ('SELECT * WHERE {\n  ?s ?p "abc }', f"query:2:9: {E}: unterminated string"),
    ("SELECT * WHERE { ?s foo:bar ?o }", f"query:1:21: {E}: undeclared prefix 'foo:'"),
    ("SELECT ?s ?s WHERE { ?s ?p ?o }", f"query:1:32: {E}: duplicated variable name in SELECT"),
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", f"query:1:40: {E}: SELECT * is not authorized with GROUP BY"),
])
def test_a_sparql_syntax_error_is_one_line_with_position_and_token(kg, text, message):
    with pytest.raises(kzgraph.QuerySyntaxError) as info:
        kg.query(text)
    assert str(info.value) == message
    line, column = message.split(":")[1:3]
    assert (info.value.line, info.value.column) == (int(line), int(column))


@pytest.mark.parametrize("text, message", [
    ("INSERT DATA { <http://e/a> <http://e/b> }", f"update:1:41: {E}: unexpected '}}'"),
    ("SELECT * WHERE { ?s ?p ?o }", f"update:1:1: {E}: 'SELECT' starts a query, not an update"),
    ("DELET WHERE { ?s ?p ?o }",
     f"update:1:1: {E}: unexpected 'DELET'; expected INSERT, DELETE, LOAD, CLEAR or another update"),
    ("INSERT DATA { ?s <http://e/b> <http://e/c> }", f"update:1:45: {E}: variables are not allowed in INSERT DATA"),
    ("DELETE WHERE { ?s ?p ?o", f"update:1:24: {E}: unexpected end of update; '{{' at 1:14 is not closed"),
    ("CLEAR GRAPH", f"update:1:12: {E}: unexpected end of update after 'GRAPH'"),
])
def test_an_update_syntax_error_is_one_line_too(text, message):
    backend = OxigraphBackend()
    with pytest.raises(kzgraph.QuerySyntaxError) as info:
        backend.update(text)
    assert str(info.value) == message
    assert len(backend) == 0


def test_a_query_sent_where_the_engine_expects_a_query_but_is_an_update():
    with pytest.raises(kzgraph.QuerySyntaxError) as info:  # kg.sparql (the server's /sparql) goes to the engine
        OxigraphBackend().query("DROP ALL")
    assert str(info.value) == f"query:1:1: {E}: 'DROP' starts an update, not a query"


def test_cli_prints_a_sparql_syntax_error_like_every_other_error():
    assert run_mini("query", "-", stdin="SELECT ?s\nWHERE { ?s ?p }\n") == (
        2, "", f"kzgraph: error: stdin:2:15: {E}: unexpected '}}'\n")


def test_cli_names_the_query_file(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("#+ title: Broken\nSELECT * WHERE { ?s foo:bar ?o }\n")
    assert run_mini("query", str(path)) == (
        2, "", f"kzgraph: error: {path}:2:21: {E}: undeclared prefix 'foo:'\n")


RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/"'


def rdfxml(body: str) -> str:
    return (f'<?xml version="1.0"?>\n<rdf:RDF {RDF}>\n <rdf:Description rdf:about="http://e/a">\n'
            f'{body} </rdf:Description>\n</rdf:RDF>\n')


@pytest.mark.parametrize("body, where, message", [
    ("  <x:p>1</x:p>\n", "4:3", "Unknown prefix x:"),
    ("  <e:p>1</e:q>\n", "4:11", "ill-formed document: expected `</e:p>`, but `</e:q>` was found"),
    ("  <e:p>a & b</e:p>\n", "4:11", "Error while escaping character at range 2..5: Cannot find ';' after '&'"),
    ('  <e:p rdf:resource="http://e/b c"/>\n', "4:22",
     "error while parsing IRI 'http://e/b c': Invalid IRI code point ' '"),
])
@pytest.mark.parametrize("on_disk", [False, True])
def test_an_rdfxml_syntax_error_has_line_and_column(tmp_path, body, where, message, on_disk):
    path = tmp_path / "bad.rdf"
    path.write_text(rdfxml(body), encoding="utf-8")
    backend = OxigraphBackend(tmp_path / "store" if on_disk else None)
    with pytest.raises(kzgraph.DataSyntaxError) as info:
        backend.load([path])
    assert str(info.value) == f"{path}:{where}: {message}"
    assert len(backend) == 0


def test_an_rdfxml_error_the_xml_is_fine_with_has_no_position():
    with pytest.raises(kzgraph.DataSyntaxError) as info:
        OxigraphBackend().load([Source(data=rdfxml('  <e:p rdf:resource="http://e/b">x</e:p>\n').encode(),
                                       format="rdfxml", name="text.rdf")])
    assert str(info.value) == "text.rdf: Unexpected text event: 'x'"
    assert (info.value.line, info.value.column) == (None, None)


def test_entities_are_not_expanded_to_find_a_position():
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaa">\n'
              + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">\n'
                        for p, n in zip("abcdefgh", "bcdefghi", strict=True))
              + f']>\n<rdf:RDF {RDF}>\n <rdf:Description rdf:about="http://e/a">\n  <x:p>&i;</x:p>\n'
              + " </rdf:Description>\n</rdf:RDF>\n")
    with pytest.raises(kzgraph.DataSyntaxError) as info:
        OxigraphBackend().load([Source(data=laughs.encode(), format="rdfxml", name="laughs.rdf")])
    assert str(info.value) == "laughs.rdf: Unknown prefix x:"


BOM = b"\xef\xbb\xbf"
TRIPLE = b"<http://e/a> <http://e/p> <http://e/b> .\n"


@pytest.mark.parametrize("name, content", [
    ("bom.ttl", BOM + b"@prefix e: <http://e/> .\ne:a e:p e:b .\n"),
    ("bom.nt", BOM + TRIPLE),
    ("bom.nq", BOM + TRIPLE),
    ("bom.trig", BOM + b"<http://e/g> { <http://e/a> <http://e/p> <http://e/b> . }\n"),
    ("bom.jsonld", BOM + b'{"@id": "http://e/a", "http://e/p": {"@id": "http://e/b"}}'),
])
@pytest.mark.parametrize("on_disk", [False, True])
def test_a_byte_order_mark_at_the_start_is_no_error(tmp_path, name, content, on_disk):
    path = tmp_path / name
    path.write_bytes(content)
    backend = OxigraphBackend(tmp_path / "store" if on_disk else None)
    assert backend.load([path]) == 1
    assert OxigraphBackend().load([Source(data=content, format=name.split(".")[1], name=name)]) == 1


def test_a_byte_order_mark_does_not_shift_columns(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_bytes(BOM + b"@prefix e: <http://e/> .\ne:a e:p e:b \ne:c .\n")
    with pytest.raises(kzgraph.DataSyntaxError) as info:
        OxigraphBackend().load([path])
    assert str(info.value) == f"{path}:3:1: A dot is expected at the end of statements"


def test_cli_loads_a_turtle_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.ttl"
    path.write_bytes(BOM + b"@prefix e: <http://e/> .\ne:a e:p e:b .\n")
    store = tmp_path / "store"
    assert run_mini("load", str(path), "--store", str(store)) == (
        0, "", f"read 1 quad from 1 file(s) into {store}: 1 new\n")


def test_cli_prints_an_rdf_syntax_error_like_every_other_error(tmp_path):
    path = tmp_path / "bad.rdf"
    path.write_text(rdfxml("  <x:p>1</x:p>\n"), encoding="utf-8")
    assert run_mini("load", str(path), "--store", str(tmp_path / "store")) == (
        2, "", f"kzgraph: error: {path}:4:3: Unknown prefix x:\n")
