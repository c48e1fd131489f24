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
        (graph, IRI(PROV["used"]), IRI(GRAPH["article/s2"])),
        (graph, IRI(KZ["factStatus"]), IRI(KZ["Verified"])),
        (IRI(derived_graph("20-multi-medallist")), IRI(PROV["used"]), graph),
        (IRI(derived_graph("20-multi-medallist")), IRI(KZ["factStatus"]), IRI(KZ["Verified"])),
    }
    assert expected <= set(rows)
    assert len(rows) == 16


def test_a_rule_must_select_triples_and_what_they_used(tmp_path):
    root = copy_mini(tmp_path)
    bad = root / "queries" / "rules" / "30-bad.rq"
    bad.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    with pytest.raises(DataError, match=r"30-bad\.rq: a rule must be a SELECT of \?subject \?predicate \?object"):
        build(OxigraphBackend(), Resources(str(root)))
    bad.write_text("SELECT ?subject ?predicate ?object WHERE { ?subject ?predicate ?object }")
    with pytest.raises(DataError, match=r"30-bad\.rq: a rule must name the graphs it used"):
        build(OxigraphBackend(), Resources(str(root)))
    bad.write_text("SELECT ?subject ?predicate ?object ?used WHERE { ?subject ?predicate ?object }")
    with pytest.raises(DataError, match=r"30-bad\.rq: the fact <.*> names no graph it used"):
        build(OxigraphBackend(), Resources(str(root)))


def test_a_rule_may_not_use_a_graph_of_unknown_status(tmp_path):
    """kzg:external/facts of the fixture has no provenance, so no status."""
    root = copy_mini(tmp_path)
    (root / "queries" / "rules" / "30-tall.rq").write_text(
        "PREFIX kz: <https://w3id.org/kzgraph/ontology#>\n"
        "SELECT ?subject ?predicate ?object ?used WHERE { GRAPH ?used { ?subject kz:heightCm ?object } "
        "BIND (kz:height AS ?predicate) }")
    with pytest.raises(DataError, match=r"30-tall\.rq: used graph https://w3id.org/kzgraph/graph/external/facts, "
                                        r"whose status is not known"):
        build(OxigraphBackend(), Resources(str(root)))


def test_facts_are_grouped_by_justification_and_carry_the_weakest_status(tmp_path):
    """One graph per set of used graphs, each citing them, with the weakest of their statuses and the rule's cap."""
    root = copy_mini(tmp_path)
    (root / "data" / "c-status.trig").write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
        "<https://w3id.org/kzgraph/graph/provenance> {\n"
        "  <https://w3id.org/kzgraph/graph/external/facts> a kz:ExternalFactGraph ; kz:factStatus kz:Conflict .\n}\n")
    (root / "queries" / "rules" / "30-tall.rq").write_text(
        "#+ title: Tall or medallist\n#+ status: inferred\n"
        "PREFIX kz: <https://w3id.org/kzgraph/ontology#>\n"
        "SELECT ?subject ?predicate ?object ?used ?used_more WHERE {\n"
        "  { GRAPH ?used { ?subject kz:heightCm ?h } } UNION { GRAPH ?used { ?m kz:athlete ?subject } }\n"
        "  BIND (kz:Notable AS ?object) BIND (<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> AS ?predicate) }")
    backend = OxigraphBackend()
    build(backend, Resources(str(root)))
    s2, facts = GRAPH["article/s2"], GRAPH["external/facts"]
    by_medal, by_height = derived_graph("30-tall", [s2]), derived_graph("30-tall", [facts])
    assert by_medal == GRAPH["derived/30-tall/"] + by_medal.rsplit("/", 1)[1]
    assert len(by_medal.rsplit("/", 1)[1]) == 12 and by_medal != by_height
    graphs = backend.query(
        "SELECT ?g ?a WHERE {{ GRAPH ?g {{ ?a a kz:Notable }} }} ORDER BY ?g ?a").rows
    assert sorted(graphs) == sorted([(IRI(by_medal), IRI(A + "alpha")), (IRI(by_medal), IRI(A + "beta")),
                                     (IRI(by_height), IRI(A + "alpha"))])
    provenance = backend.query(
        f"SELECT ?g ?p ?o WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?g ?p ?o "
        "FILTER (?p IN (prov:used, kz:factStatus, prov:wasGeneratedBy)) FILTER (STRSTARTS(STR(?g), "
        f"'{GRAPH['derived/30-tall/']}')) }} }}").rows
    rule = IRI(rule_iri("30-tall"))
    assert set(provenance) == {
        (IRI(by_medal), IRI(PROV["used"]), IRI(s2)), (IRI(by_medal), IRI(KZ["factStatus"]), IRI(KZ["Inferred"])),
        (IRI(by_medal), IRI(PROV["wasGeneratedBy"]), rule),
        (IRI(by_height), IRI(PROV["used"]), IRI(facts)), (IRI(by_height), IRI(KZ["factStatus"]), IRI(KZ["Conflict"])),
        (IRI(by_height), IRI(PROV["wasGeneratedBy"]), rule)}


def test_a_rule_status_header_must_name_a_status(tmp_path):
    root = copy_mini(tmp_path)
    (root / "queries" / "rules" / "30-bad.rq").write_text(
        "#+ status: probable\nSELECT ?subject ?predicate ?object ?used WHERE { }")
    with pytest.raises(DataError, match=r"30-bad\.rq: unknown status 'probable'"):
        build(OxigraphBackend(), Resources(str(root)))


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
