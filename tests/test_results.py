"""Serialisers of SelectResult / AskResult / GraphResult; JSON and XML are parsed back and compared."""

import csv
import datetime
import io
import json
import sys
from decimal import Decimal
from xml.etree import ElementTree

import pyoxigraph
import pytest

from kzgraph.errors import KzgraphError, ResultsSyntaxError, UsageError
from kzgraph.namespaces import XSD
from kzgraph.results import AskResult, GraphResult, SelectResult, format_result
from kzgraph.results.documents import parse, parse_json, parse_xml
from kzgraph.terms import IRI, BNode, LangString, TypedLiteral

ROWS = [
    (IRI("https://w3id.org/kzgraph/athlete/alpha"), LangString("Альфа, \"A\"", "kk"), 3, Decimal("247.7"),
     datetime.date(2024, 8, 29), True),
    (BNode("b1"), "tab\there | pipe\nline", None, Decimal("-0.5"), TypedLiteral("PT1M4.83S", XSD["duration"]),
     None),
    (IRI("https://w3id.org/kzgraph/ontology#Gold"), None, None, None, None, False),
]
COLUMNS = ["who", "name", "n", "points", "when", "flag"]


@pytest.fixture
def result():
    return SelectResult(COLUMNS, ROWS)


def test_basics(result):
    assert len(result) == 3
    assert next(iter(result))[2] == 3
    assert result.to_dicts()[1] == dict(zip(COLUMNS, ROWS[1], strict=False))
    assert repr(result) == "<SelectResult 3 rows × 6 columns: who, name, n, points, when, flag>"


def test_csv(result):
    text = result.to_csv()
    assert text.startswith("who,name,n,points,when,flag\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["https://w3id.org/kzgraph/athlete/alpha", 'Альфа, "A"', "3", "247.7", "2024-08-29", "true"]
    assert rows[2] == ["_:b1", "tab\there | pipe\nline", "", "-0.5", "PT1M4.83S", ""]
    assert rows[3] == ["https://w3id.org/kzgraph/ontology#Gold", "", "", "", "", "false"]


def test_tsv(result):
    lines = result.to_tsv().split("\n")
    assert lines[0] == "?who\t?name\t?n\t?points\t?when\t?flag"
    assert lines[1].split("\t") == [
        "<https://w3id.org/kzgraph/athlete/alpha>", '"Альфа, \\"A\\""@kk', f'"3"^^<{XSD["integer"]}>',
        f'"247.7"^^<{XSD["decimal"]}>', f'"2024-08-29"^^<{XSD["date"]}>', f'"true"^^<{XSD["boolean"]}>']
    assert lines[2].split("\t")[:3] == ["_:b1", '"tab\\there | pipe\\nline"', ""]
    assert len(lines) == 5 and lines[4] == ""


def test_json_round_trip(result):
    text = result.to_json()
    doc = json.loads(text)
    assert doc["head"]["vars"] == COLUMNS
    first = doc["results"]["bindings"][0]
    assert first["who"] == {"type": "uri", "value": "https://w3id.org/kzgraph/athlete/alpha"}
    assert first["name"] == {"type": "literal", "value": 'Альфа, "A"', "xml:lang": "kk"}
    assert first["n"] == {"type": "literal", "value": "3", "datatype": XSD["integer"]}
    assert "n" not in doc["results"]["bindings"][1]
    assert doc["results"]["bindings"][1]["name"] == {"type": "literal", "value": "tab\there | pipe\nline"}
    assert parse_json(text) == result


def test_xml_round_trip(result):
    text = result.to_xml()
    root = ElementTree.fromstring(text)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == COLUMNS
    assert len(root.findall("r:results/r:result", ns)) == 3
    assert parse_xml(text) == result


@pytest.mark.parametrize("method, fmt", [("to_json", pyoxigraph.QueryResultsFormat.JSON),
                                         ("to_xml", pyoxigraph.QueryResultsFormat.XML),
                                         ("to_tsv", pyoxigraph.QueryResultsFormat.TSV)])
def test_an_independent_parser_reads_them(result, method, fmt):
    solutions = pyoxigraph.parse_query_results(getattr(result, method)().encode(), format=fmt)
    assert [v.value for v in solutions.variables] == COLUMNS
    rows = list(solutions)
    assert len(rows) == 3
    assert rows[0]["name"] == pyoxigraph.Literal('Альфа, "A"', language="kk")
    assert rows[0]["points"] == pyoxigraph.Literal("247.7", datatype=pyoxigraph.NamedNode(XSD["decimal"]))
    assert rows[1]["name"].value == "tab\there | pipe\nline"
    assert rows[2]["n"] is None


def test_markdown(result):
    lines = result.to_markdown().splitlines()
    assert lines[0] == "| who | name | n | points | when | flag |"
    assert lines[1] == "| --- | --- | --- | --- | --- | --- |"
    assert lines[2] == '| <athlete/alpha> | Альфа, "A"@kk | 3 | 247.7 | 2024-08-29 | true |'
    assert lines[3] == "| _:b1 | tab\there \\| pipe<br>line |  | -0.5 | PT1M4.83S |  |"
    assert lines[4] == "| kz:Gold |  |  |  |  | false |"


def test_table(result):
    text = result.to_table()
    lines = text.splitlines()
    assert lines[0].startswith("┌") and lines[0].endswith("┐")
    assert lines[1].split("│")[1:-1] == [" who             ", " name                 ", " n ", " points ",
                                        " when       ", " flag  "]
    assert "│ <athlete/alpha> │ Альфа, \"A\"@kk" in lines[3]
    assert "│ 3 │  247.7 │" in lines[3]  # numbers right-aligned
    assert "tab here | pipe line" in lines[4]  # tabs and newlines flattened
    assert lines[-1] == "3 rows"
    assert len({len(line) for line in lines[:-1]}) == 1


def test_table_cuts_long_cells():
    text = SelectResult(["x"], [("y" * 100,)]).to_table()
    assert "y" * 59 + "…" in text and "y" * 60 not in text


def test_empty_table():
    assert SelectResult(["a"], []).to_table().splitlines()[-1] == "0 rows"


def test_html(result):
    html = result._repr_html_()
    assert html.startswith("<table>") and "&quot;A&quot;@kk" in html and "<th>who</th>" in html


def test_dataframe_names_the_extra(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"kzgraph\[pandas\]"):
        result.to_dataframe()


def test_ask():
    yes, no = AskResult(True), AskResult(False)
    assert yes and not no and yes == True  # noqa: E712
    assert json.loads(yes.to_json()) == {"head": {}, "boolean": True}
    assert parse_json(no.to_json()) == no
    assert parse_xml(yes.to_xml()) == yes
    assert pyoxigraph.parse_query_results(yes.to_xml().encode(), format=pyoxigraph.QueryResultsFormat.XML)
    assert format_result(no, "csv") == "false\n"
    assert format_result(yes, "table") == "true\n"


def test_graph_result():
    seen = []
    graph = GraphResult([(IRI("http://e/a"), IRI("http://e/p"), 1)],
                        lambda fmt: seen.append(fmt.name) or b"<ser>")
    assert len(graph) == 1
    assert format_result(graph, "nt") == "<ser>" and seen == ["nt"]
    assert "│ subject" in format_result(graph, "table")
    with pytest.raises(UsageError):
        graph.serialize("csv")


def test_format_mismatch(result):
    with pytest.raises(UsageError, match="CONSTRUCT"):
        format_result(result, "ttl")
    with pytest.raises(UsageError, match="unknown format"):
        format_result(result, "yaml")


# --- reading results documents: one parser, the same values from JSON and from XML ------------------

SAME_JSON = """{"head": {"vars": ["s", "label", "n", "o", "d"]}, "results": {"bindings": [
 {"s": {"type": "bnode", "value": "b0"}, "label": {"type": "literal", "value": "Алматы", "xml:lang": "kk"},
  "n": {"type": "typed-literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
  "o": {"type": "uri", "value": "https://w3id.org/kzgraph/city/almaty"},
  "d": {"type": "literal", "value": "PT1S", "datatype": "http://www.w3.org/2001/XMLSchema#duration"}},
 {"s": {"type": "bnode", "value": "nodeID://b10007"}, "label": {"type": "literal", "value": "plain"},
  "o": {"type": "bnode", "value": "b0"}}]}}"""
SAME_XML = """<?xml version="1.0"?>
<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/><variable name="label"/>
<variable name="n"/><variable name="o"/><variable name="d"/></head><results>
<result><binding name="s"><bnode>b0</bnode></binding><binding name="label"><literal xml:lang="kk">Алматы</literal>
</binding><binding name="n"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">3</literal></binding>
<binding name="o"><uri>https://w3id.org/kzgraph/city/almaty</uri></binding>
<binding name="d"><literal datatype="http://www.w3.org/2001/XMLSchema#duration">PT1S</literal></binding></result>
<result><binding name="s"><bnode>nodeID://b10007</bnode></binding><binding name="label"><literal>plain</literal>
</binding><binding name="o"><bnode>b0</bnode></binding></result>
</results></sparql>"""
SAME_ROWS = [
    (BNode("b0"), LangString("Алматы", "kk"), 3, IRI("https://w3id.org/kzgraph/city/almaty"),
     TypedLiteral("PT1S", XSD["duration"])),
    (BNode("x" + b"nodeID://b10007".hex()), "plain", None, BNode("b0"), None),
]


@pytest.mark.parametrize("text, media_type", [(SAME_JSON, "application/sparql-results+json"),
                                              (SAME_XML, "application/sparql-results+xml; charset=utf-8")])
def test_the_same_result_in_json_and_xml_parses_to_the_same_values(text, media_type):
    """Blank nodes too: a label N-Triples cannot write (Virtuoso's ``nodeID://…``) is hex-encoded in both."""
    parsed = parse(text.encode(), media_type)
    assert parsed == SelectResult(["s", "label", "n", "o", "d"], SAME_ROWS)
    assert [tuple(type(v) for v in row) for row in parsed] == [
        (BNode, LangString, int, IRI, TypedLiteral), (BNode, str, type(None), BNode, type(None))]
    assert parse_json(SAME_JSON) == parse_xml(SAME_XML)


@pytest.mark.parametrize("text, parser, where", [
    ("{not json", parse_json, "SPARQL JSON results:1:2: not JSON"),
    ('{"head": {"vars": ["a"]}}', parse_json, "SPARQL JSON results at results.bindings: no 'results' member"),
    ('{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "triple", "value": "x"}}]}}', parse_json,
     "SPARQL JSON results at results.bindings[0].a: unknown kind of term 'triple'"),
    ("[]", parse_json, "SPARQL JSON results at (document): a JSON array, not an object"),
    ("<sparql", parse_xml, "SPARQL XML results:1:1: not XML"),
    ("<html><body>busy</body></html>", parse_xml, "SPARQL XML results at /*[1]: the root element is html"),
])
def test_what_is_not_a_results_document_is_a_results_syntax_error_saying_where(text, parser, where):
    with pytest.raises(ResultsSyntaxError) as info:
        parser(text)
    assert str(info.value).startswith(where)
    assert isinstance(info.value, KzgraphError) and isinstance(info.value, ValueError)  # ValueError: as it was
