"""The pyoxigraph backend: atomic loads into an on-disk store, error positions, dumps."""

import concurrent.futures
import gc
from pathlib import Path

import pytest

from kzgraph.backends import Backend, Source
from kzgraph.backends.oxigraph import OxigraphBackend
from kzgraph.backends.rdflib import RdflibBackend
from kzgraph.backends.remote import RemoteBackend
from kzgraph.errors import (
    DataError,
    DataSyntaxError,
    QueryParameterError,
    QuerySyntaxError,
    ResultTooLargeError,
    UsageError,
)
from kzgraph.results import AskResult, GraphResult, SelectResult
from kzgraph.terms import IRI

GOOD = '<http://example.org/a> <http://example.org/p> "one" <http://example.org/g1> .\n'
GOOD_TTL = '@prefix ex: <http://example.org/> .\nex:b ex:p "two" .\nex:c ex:p "three" .\n'
BROKEN_TTL = '@prefix ex: <http://example.org/> .\n\nex:d ex:p "four" .\nex:e ex:p ex:f ex:g .\n'


@pytest.fixture
def files(tmp_path):
    (tmp_path / "good.nq").write_text(GOOD)
    (tmp_path / "good.ttl").write_text(GOOD_TTL)
    (tmp_path / "broken.ttl").write_text(BROKEN_TTL)
    return tmp_path


def test_atomic_load_on_disk(files, tmp_path):
    store_path = tmp_path / "store"
    backend = OxigraphBackend(store_path)
    assert backend.load([files / "good.nq"]) == 1
    assert (store_path / "GENERATION").read_text() == "g000001\n"
    assert backend.load([files / "good.nq"]) == 1  # read again, added nothing: no new generation
    assert (store_path / "GENERATION").read_text() == "g000001\n" and len(backend) == 1
    with pytest.raises(DataSyntaxError) as info:
        backend.load([files / "good.ttl", files / "broken.ttl"])
    error = info.value
    assert (error.file, error.line, error.column) == (str(files / "broken.ttl"), 4, 16)
    assert str(error).startswith(f"{files / 'broken.ttl'}:4:16: ")
    assert "Parser error" not in str(error)
    assert len(backend) == 1  # the good file of the failed load was not stored either
    backend.close()
    with pytest.raises(UsageError, match="closed"):
        len(backend)
    reopened = OxigraphBackend(store_path)
    assert len(reopened) == 1
    assert reopened.graphs() == ["http://example.org/g1"]


def test_load_into_graph_and_progress(files):
    backend = OxigraphBackend()
    calls = []
    added = backend.load([Source(path=files / "good.ttl", graph="http://example.org/g2"), files / "good.nq"],
                         progress=lambda done, total, label: calls.append((done, total, Path(label).name)))
    assert added == 3
    assert calls == [(1, 2, "good.ttl"), (2, 2, "good.nq")]
    assert backend.graphs() == ["http://example.org/g1", "http://example.org/g2"]


def test_load_bytes_and_unknown_files(tmp_path):
    backend = OxigraphBackend()
    assert backend.load([Source(data=GOOD_TTL.encode(), format="ttl", name="inline")]) == 2
    with pytest.raises(DataSyntaxError, match=r"^inline:2:"):
        backend.load([Source(data=b"@prefix ex: <http://example.org/> .\nex:a ex:b .", format="ttl",
                             name="inline")])
    (tmp_path / "data.xyz").write_text("x")
    with pytest.raises(DataError, match="cannot tell the RDF format"):
        backend.load([tmp_path / "data.xyz"])
    with pytest.raises(DataError, match="cannot read"):
        backend.load([tmp_path / "missing.ttl"])


@pytest.fixture
def backend():
    b = OxigraphBackend()
    b.load([Source(data=GOOD.encode(), format="nq"), Source(data=GOOD_TTL.encode(), format="ttl",
                                                             graph="http://example.org/g2")])
    return b


def test_query_kinds_and_union_default_graph(backend):
    select = backend.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")
    assert isinstance(select, SelectResult) and select.rows == [("one",), ("three",), ("two",)]
    assert backend.query("SELECT ?o WHERE { ?s ?p ?o }", default_graph_as_union=False).rows == []
    ask = backend.query("ASK { ?s ?p 'two' }")
    assert isinstance(ask, AskResult) and ask
    graph = backend.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <http://example.org/g1> { ?s ?p ?o } }")
    assert isinstance(graph, GraphResult)
    assert list(graph) == [(IRI("http://example.org/a"), IRI("http://example.org/p"), "one")]
    assert graph.serialize("nt") == b'<http://example.org/a> <http://example.org/p> "one" .\n'


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p ?o . ?t ?q ?v }",
                                   "CONSTRUCT { ?s ?p ?v } WHERE { ?s ?p ?o . ?t ?q ?v }"], ids=["select", "construct"])
def test_a_result_cut_short_on_a_worker_thread_is_let_go_of_there(backend, query):
    """pyoxigraph's solutions and triples are unsendable: made, read and dropped on one thread. The error that
    ``max_rows`` raises on a worker (as in kzgraph serve) is read and dropped on another thread; were the engine's
    iterator still in its traceback's frames, dropping it there would leak it with "RuntimeError: ... is
    unsendable, but is being dropped on another thread", an unraisable exception (an error in this suite)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(lambda: backend.query(query, max_rows=2))  # 9 rows: cut short at the third
        error = future.exception(timeout=30)
    assert isinstance(error, ResultTooLargeError) and "more than 2 " in str(error)
    del future, error  # the last references to the error and its traceback, on this thread
    gc.collect()


def test_bindings(backend):
    result = backend.query("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": "two"})
    assert result.rows == [(IRI("http://example.org/b"), "two")]
    with pytest.raises(QueryParameterError) as info:
        backend.query("SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": "two"})
    assert info.value.param == "o" and "projection" in str(info.value)
    with pytest.raises(QueryParameterError):
        backend.query("SELECT ?s WHERE { ?s ?p ?o }", bindings={"s": IRI("not an iri")})


def test_query_syntax_error_position(backend):
    with pytest.raises(QuerySyntaxError) as info:
        backend.query("SELECT ?s\nWHERE { ?s ?p }")
    # one short line: position and offending token, not the engine's list of character classes
    assert (info.value.line, info.value.column) == (2, 15)
    assert str(info.value) == "query:2:15: SPARQL syntax error: unexpected '}'"
    with pytest.raises(QuerySyntaxError) as info:
        backend.update("INSERT DATA { <http://e/a> }")
    assert str(info.value) == "update:1:28: SPARQL syntax error: unexpected '}'"


def test_update(backend):
    backend.update("INSERT DATA { GRAPH <http://example.org/g3> { <http://example.org/x> a kz:Thing } }")
    assert "http://example.org/g3" in backend.graphs() and len(backend) == 4


def test_dump(backend):
    nq = backend.dump("nq").decode()
    assert GOOD in nq and "<http://example.org/g2>" in nq
    nt = backend.dump("nt").decode().splitlines()
    assert sorted(nt) == ['<http://example.org/a> <http://example.org/p> "one" .',
                          '<http://example.org/b> <http://example.org/p> "two" .',
                          '<http://example.org/c> <http://example.org/p> "three" .']
    backend.load([Source(data=GOOD_TTL.encode(), format="ttl", graph="http://example.org/g9")])
    assert len(backend.dump("nt").decode().splitlines()) == 3  # the union has no duplicates
    assert backend.dump("trig").decode().count("<http://example.org/g") == 3
    assert backend.dump("jsonld").startswith(b"[") or backend.dump("jsonld").startswith(b"{")
    assert b"rdf:RDF" in backend.dump("rdfxml")
    with pytest.raises(UsageError):
        backend.dump("csv")


def test_backends_declare_what_they_do():
    """Backend is an abstract base class: an engine lacking a required method cannot be made, and the
    optional operations have defaults (rdflib uses them all) that agree with pyoxigraph's own."""
    assert all(issubclass(cls, Backend) for cls in (OxigraphBackend, RdflibBackend, RemoteBackend))
    assert Backend.__abstractmethods__ == {"query", "load", "update", "dump", "replace_graph", "graphs",
                                           "__len__", "close"}

    class Partial(Backend):
        def query(self, sparql, **options):
            raise NotImplementedError

    with pytest.raises(TypeError, match="abstract"):
        Partial()


def test_a_store_object_is_a_backend_when_it_subclasses_backend():
    from kzgraph.backends.select import kind_of, open_backend

    backend = OxigraphBackend()
    assert kind_of(backend) == "given" and open_backend(backend).backend is backend

    class DuckTyped:  # the methods, but not the class: not taken for a backend
        query = load = update = dump = graphs = replace_graph = close = __len__ = None

    with pytest.raises(UsageError, match=r"a subclass of kzgraph\.backends\.Backend"):
        open_backend(DuckTyped())


@pytest.mark.parametrize("make", [OxigraphBackend, RdflibBackend], ids=["oxigraph", "rdflib"])
def test_optional_operations(make, tmp_path):
    reference = OxigraphBackend()
    reference.load([Source(data=GOOD.encode(), format="nq")])
    (tmp_path / "snapshot.nq").write_bytes(reference.dump("nq"))
    backend = make()
    assert backend.is_empty() and backend.generation is None
    backend.restore(str(tmp_path / "snapshot.nq"))
    assert not backend.is_empty() and len(backend) == 1
    seen = []
    backend.replace_graphs({"http://example.org/g1": b'<http://example.org/a> <http://example.org/p> "uno" .\n',
                            "http://example.org/g2": b'<http://example.org/b> <http://example.org/p> "2" .\n'},
                           progress=lambda done, total, label: seen.append((done, total)))
    assert seen[-1] == (2, 2) and backend.graphs() == ["http://example.org/g1", "http://example.org/g2"]
    rows = sorted(backend.select_strings("SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY ?s"))
    assert rows == [["http://example.org/a", "uno", ""], ["http://example.org/b", "2", ""]]
    with pytest.raises(UsageError):
        list(backend.select_strings("ASK { ?s ?p ?o }"))


def test_generation_clean_ups_are_logged(files, tmp_path, caplog):
    store = tmp_path / "store"
    backend = OxigraphBackend(store)
    backend.load([files / "good.nq"])
    (store / "GENERATION.1.partial").write_text("g000009\n")  # left by a write that was killed
    with caplog.at_level("INFO", logger="kzgraph.backends"):
        backend.load([files / "good.ttl"])
    backend.close()
    assert sorted((r.name, r.levelname, r.getMessage()) for r in caplog.records) == [
        ("kzgraph.backends.generations", "INFO", f"{store}: removing GENERATION.1.partial, left by a write that "
                                                 "did not finish"),
        ("kzgraph.backends.generations", "INFO", f"{store}: removing generation g000001 (not current, read by "
                                                 "no one)")]
