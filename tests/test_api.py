"""The library's front door: kzgraph.open() and KnowledgeGraph."""

import shutil
from pathlib import Path

import pytest

import kzgraph
from kzgraph import IRI, AskResult, GraphResult, SelectResult

MINI = Path(__file__).parent / "fixtures" / "mini"


def test_public_api():
    assert sorted(kzgraph.__all__) == sorted([
        "open", "KnowledgeGraph", "NamedQuery", "Param", "SelectResult", "AskResult", "GraphResult",
        "format_result", "Stats", "ValidationReport", "Violation", "IRI", "BNode", "LangString", "TypedLiteral",
        "KzgraphError", "UsageError", "QueryError", "QuerySyntaxError", "UnknownQueryError",
        "QueryParameterError", "ResultTooLargeError", "ResultsSyntaxError", "DataError", "DataSyntaxError",
        "BackendError", "EndpointError",
        "EndpointUnreachableError", "EndpointTimeoutError", "EndpointAuthError", "QueryTimeoutError", "__version__",
        "Backend", "Catalogue", "Hit", "PushReport", "Resources", "Result", "SearchIndex"])
    for name in kzgraph.__all__:
        assert hasattr(kzgraph, name), name
    # what public methods return is importable from kzgraph, those imported when first used too
    for name in ("Hit", "SearchIndex", "Stats", "ValidationReport", "Violation", "PushReport", "Catalogue"):
        assert isinstance(getattr(kzgraph, name), type), name


def test_error_tree_and_exit_codes():
    assert issubclass(kzgraph.QuerySyntaxError, kzgraph.QueryError)
    assert issubclass(kzgraph.DataSyntaxError, kzgraph.DataError)
    assert issubclass(kzgraph.EndpointError, kzgraph.BackendError)
    assert issubclass(kzgraph.QueryTimeoutError, kzgraph.BackendError)
    assert issubclass(kzgraph.ResultTooLargeError, kzgraph.QueryError)
    from kzgraph.cli import exit_code

    for cls in (kzgraph.UsageError, kzgraph.QueryError, kzgraph.DataError):
        assert issubclass(cls, kzgraph.KzgraphError) and exit_code(cls("x")) == 2
    assert exit_code(kzgraph.BackendError("x")) == exit_code(kzgraph.EndpointError("u", "m")) == 3
    assert exit_code(kzgraph.QueryTimeoutError(1.0)) == 3 and exit_code(kzgraph.UnknownQueryError("x", {})) == 2
    assert str(kzgraph.EndpointError("http://127.0.0.1:1/sparql", "timed out", status=504)) == \
        "http://127.0.0.1:1/sparql (HTTP 504): timed out"


@pytest.fixture(scope="module")
def kg():
    with kzgraph.open(root=MINI) as graph:
        yield graph


def test_named_queries(kg):
    result = kg.query("medals", athlete="athlete/alpha")
    assert isinstance(result, SelectResult)
    assert result.columns == ["athlete", "athlete_name", "medal", "type", "points"]
    assert [row[2] for row in result] == [IRI("https://w3id.org/kzgraph/medal/alpha-1"),
                                          IRI("https://w3id.org/kzgraph/medal/alpha-2")]
    assert isinstance(kg.query("has-gold"), AskResult) and kg.query("has-gold")
    graph = kg.query("medal-graph")
    assert isinstance(graph, GraphResult) and len(graph) == 3
    assert [q.name for q in kg.queries()][:2] == ["athlete-by-name", "has-gold"]


def test_select_ask_construct_return_their_results(kg):
    result = kg.select("medals", athlete="athlete/alpha")
    assert isinstance(result, SelectResult) and len(result) == 2
    assert kg.ask("has-gold") is True
    graph = kg.construct("medal-graph")
    assert isinstance(graph, GraphResult) and len(graph) == 3


def test_select_ask_construct_refuse_other_forms(kg):
    with pytest.raises(kzgraph.UsageError, match=r"^query 'has-gold' is an ASK query, and select\(\) runs a "
                                                 r"SELECT query: run it with ask\(\) \(or query\(\)\)$"):
        kg.select("has-gold")
    with pytest.raises(kzgraph.UsageError, match=r"'medals' is a SELECT query, and construct\(\) runs a "
                                                 r"CONSTRUCT or DESCRIBE query: run it with select\(\)"):
        kg.construct("medals", athlete="athlete/alpha")
    with pytest.raises(kzgraph.UsageError, match=r"^this query is a CONSTRUCT or DESCRIBE query, and ask\(\)"):
        kg.ask(kg.catalogue["medal-graph"].sparql)


def test_open_takes_the_remote_options_by_name():
    import inspect

    from kzgraph.backends.remote import RemoteBackend

    remote = [p.name for p in inspect.signature(RemoteBackend).parameters.values() if p.kind is p.KEYWORD_ONLY]
    for function in (kzgraph.open, kzgraph.KnowledgeGraph):
        parameters = inspect.signature(function).parameters
        assert set(remote) <= set(parameters), function
        assert all(parameters[name].kind is inspect.Parameter.KEYWORD_ONLY for name in remote)
        assert not any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    with pytest.raises(TypeError, match="unexpected keyword argument 'time_out'"):
        kzgraph.open(root=MINI, time_out=5)
    with pytest.raises(kzgraph.UsageError, match="options method, user are for a remote store"):
        _ = kzgraph.open(root=MINI, user="me", method="get").backend


def test_sparql_text_with_typed_values(kg):
    result = kg.query("SELECT ?m ?type WHERE { ?m kz:medalType ?type }", type=IRI(kzgraph.namespaces.KZ["Gold"]))
    assert result.rows == [(IRI("https://w3id.org/kzgraph/medal/alpha-1"), IRI(kzgraph.namespaces.KZ["Gold"]))]
    assert len(kg.query("# comment\nPREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ?p ?o }")) > 0


def test_unknown_query(kg):
    with pytest.raises(kzgraph.UnknownQueryError, match="known queries: athlete-by-name"):
        kg.query("no-such-query")


def test_syntax_error_names_the_file(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    (root / "queries" / "broken.rq").write_text("#+ title: Broken\nSELECT ?s\nWHERE { ?s ?p }\n")
    with kzgraph.open(root=root) as kg, pytest.raises(kzgraph.QuerySyntaxError) as info:
        kg.query("broken")
    assert str(info.value).startswith(f"{root / 'queries' / 'broken.rq'}:")
    assert info.value.line in (3, 4)  # the engine reports the furthest position its parser reached


def test_load_export_stats(kg, tmp_path):
    extra = tmp_path / "extra.trig"
    extra.write_text("<https://w3id.org/kzgraph/graph/external/extra> { <http://e/x> a <http://e/T> . }")
    with kzgraph.open(root=MINI) as graph:
        before = len(graph)
        assert graph.load(extra) == 1 and len(graph) == before + 1
        stats = graph.stats()
        assert stats.quads == before + 1
        assert stats.by_kind == {"ontology": (1, 9), "provenance": (1, 16), "article": (2, 17),
                                 "external": (2, 2), "derived": (2, 3)}
        assert stats.classes["http://e/T"] == 1 and stats.classes[kzgraph.namespaces.KZ["Medal"]] == 3
        assert stats.to_dict()["kinds"]["article"] == {"graphs": 2, "triples": 17}
        with pytest.raises(kzgraph.UsageError):
            graph.load()
    trig = kg.export("trig").decode()
    assert "kzg:ontology" in trig or "<https://w3id.org/kzgraph/graph/ontology>" in trig
    assert kg.export("nq").count(b"\n") == len(kg.backend)


def test_load_into_a_named_graph_and_count_quads(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://e/x> a <http://e/T> .")
    graph_iri = "https://w3id.org/kzgraph/graph/external/extra"
    store = tmp_path / "kz.store"
    graph = kzgraph.open(store, root=MINI)
    assert graph and not store.exists()  # true as an object: neither counted nor opened
    with graph:
        before = len(graph)
        assert graph.load(extra, graph=graph_iri) == 1 and len(graph) == before + 1
        assert graph.ask("ASK { GRAPH ?g { <http://e/x> a <http://e/T> } }", g=IRI(graph_iri))


def test_validate_conforming_shapes_and_failing_check(kg):
    report = kg.validate()
    assert not report.conforms
    assert [(v.focus_node, v.component) for v in report.violations] == [
        ("https://w3id.org/kzgraph/medal/beta-1", "check:medal-without-points-violation")]
    assert report.violations[0].message == "Medal without points (type=kz:Silver)"
    assert kg.validate(checks=False).conforms


def test_validate_shacl_violation(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    (root / "data" / "c-bad.trig").write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
        "<https://w3id.org/kzgraph/graph/article/s3> { <https://w3id.org/kzgraph/medal/x> a kz:Medal ; "
        "kz:points 1.0 . }\n")
    with kzgraph.open(root=root) as kg:
        report = kg.validate(checks=False)
    assert not report.conforms
    assert [(v.focus_node, v.component, v.path, v.severity) for v in report.violations] == [
        ("https://w3id.org/kzgraph/medal/x", "MinCountConstraintComponent", kzgraph.namespaces.KZ["athlete"],
         "Violation")]
    assert "Conforms: False" in report.text
    table = report.to_result()
    assert table.columns == ["focus_node", "component", "path", "message", "severity"]
