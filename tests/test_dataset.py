"""Building the dataset: ontology graph, data quads as given, rules into derived graphs with provenance."""

import shutil
from pathlib import Path

import pytest

import kzgraph
from kzgraph.backends.oxigraph import OxigraphBackend
from kzgraph.dataset import build, derived_graph, graph_kind, rule_iri
from kzgraph.errors import DataError, DataSyntaxError
from kzgraph.namespaces import GRAPH, KZ, ONTOLOGY_GRAPH, PROV, PROVENANCE_GRAPH, RDF, RDFS
from kzgraph.resources import Resources, find
from kzgraph.terms import IRI

MINI = Path(__file__).parent / "fixtures" / "mini"
A = "https://w3id.org/kzgraph/athlete/"


@pytest.fixture(scope="module")
def backend():
    b = OxigraphBackend()
    build(b, Resources(str(MINI)))
    return b


def test_graphs(backend):
    assert backend.graphs() == sorted([
        ONTOLOGY_GRAPH, PROVENANCE_GRAPH, GRAPH["article/s1"], GRAPH["article/s2"], GRAPH["external/facts"],
        GRAPH["derived/10-medal-count"], GRAPH["derived/20-multi-medallist"]])
    ontology = backend.query("SELECT ?c WHERE { GRAPH ?g { ?c a owl:Class } } ORDER BY ?c", bindings=None)
    assert [str(c) for c, in ontology] == [KZ["Athlete"], KZ["Medal"]]


def test_rules_run_in_order_and_see_earlier_output(backend):
    counts = backend.query(f"SELECT ?a ?n WHERE {{ GRAPH <{derived_graph('10-medal-count')}> "
                           "{ ?a kz:medalCount ?n } } ORDER BY ?a")
    assert counts.rows == [(IRI(A + "alpha"), 2), (IRI(A + "beta"), 1)]
    multi = backend.query(f"SELECT ?a WHERE {{ GRAPH <{derived_graph('20-multi-medallist')}> "
                          "{ ?a a kz:MultiMedallist } }")
    assert multi.rows == [(IRI(A + "alpha"),)]


def test_rule_provenance(backend):
    rows = backend.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?s ?p ?o }} }}").rows
    rule = IRI(rule_iri("10-medal-count"))
    graph = IRI(derived_graph("10-medal-count"))
    assert rule == IRI("https://w3id.org/kzgraph/rule/10-medal-count")
    expected = {
        (graph, IRI(RDF["type"]), IRI(KZ["DerivedGraph"])),
        (graph, IRI(PROV["wasGeneratedBy"]), rule),
        (rule, IRI(RDF["type"]), IRI(KZ["Rule"])),
        (rule, IRI(RDF["type"]), IRI(PROV["Activity"])),
        (rule, IRI(RDFS["label"]), "Medal count"),
        (rule, IRI(RDFS["comment"]), "Number of medals of each athlete."),
    }
    assert expected <= set(rows)
    assert len(rows) == 12


@pytest.mark.parametrize("graph, kind", [
    (GRAPH["ontology"], "ontology"), (GRAPH["article/s3"], "article"), (GRAPH["derived/x"], "derived"),
    (GRAPH["external/wikidata"], "external"), (GRAPH["provenance"], "provenance"),
    (GRAPH["elsewhere"], "other"), ("http://example.org/g", "other")])
def test_graph_kind(graph, kind):
    assert graph_kind(graph) == kind


def copy_mini(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    return root


def test_a_rule_must_construct(tmp_path):
    root = copy_mini(tmp_path)
    (root / "queries" / "rules" / "30-bad.rq").write_text("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(DataError, match=r"30-bad\.rq: a rule must be a CONSTRUCT query"):
        build(OxigraphBackend(), Resources(str(root)))


def test_on_disk_store_is_built_once(tmp_path):
    root = copy_mini(tmp_path)
    store = tmp_path / "store"
    with kzgraph.open(store, root=root) as kg:
        quads = len(kg.backend)
        assert quads > 0
    (root / "data" / "c-more.trig").write_text(
        "<https://w3id.org/kzgraph/graph/article/s9> { <http://e/x> <http://e/p> 1 . }")
    with kzgraph.open(store, root=root) as kg:
        assert len(kg.backend) == quads  # reopened, not rebuilt
    with kzgraph.open(tmp_path / "other", root=root) as kg:
        assert len(kg.backend) == quads + 1


def test_failed_build_leaves_on_disk_store_empty(tmp_path):
    root = copy_mini(tmp_path)
    (root / "data" / "z-broken.trig").write_text("<https://w3id.org/kzgraph/graph/x> { <a> }\n")
    store = tmp_path / "store"
    with pytest.raises(DataSyntaxError, match=r"z-broken\.trig:1:"):
        _ = kzgraph.open(store, root=root).backend
    backend = OxigraphBackend(store)
    assert len(backend) == 0
    backend.close()


def test_resources(tmp_path):
    assert find(MINI).ontology == MINI / "ontology" / "kzgraph.ttl"
    assert [p.name for p in find(MINI).data_files] == ["a-athletes.trig", "b-medals.trig"]
    assert [p.name for p in find(MINI).rules] == ["10-medal-count.rq", "20-multi-medallist.rq"]
    assert find().root == Path(kzgraph.__file__).resolve().parent.parent  # a source checkout
    with pytest.raises(DataError):
        find(tmp_path / "missing")
    with pytest.raises(DataError, match="missing ontology"):
        build(OxigraphBackend(), Resources(str(tmp_path)))
