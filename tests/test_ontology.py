"""The ontology is true in the vocabularies it reuses: the check query that holds it to that, the Wikidata
alignments no stronger than their definitions, sex categories, QUDT units, and the tooling module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

import kzgraph
from kzgraph import IRI, buildcache, dataset
from kzgraph.backends import Source
from kzgraph.backends.oxigraph import OxigraphBackend
from kzgraph.resources import Resources

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
KZ = rdflib.Namespace("https://w3id.org/kzgraph/ontology#")
SCHEMA = rdflib.Namespace("http://schema.org/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
QUDT = rdflib.Namespace("http://qudt.org/schema/qudt/")
UNIT = rdflib.Namespace("http://qudt.org/vocab/unit/")
WDT = rdflib.Namespace("http://www.wikidata.org/prop/direct/")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
CHECK = "reused-vocabulary-violation"
ONTOLOGY_GRAPH = "https://w3id.org/kzgraph/graph/ontology"
MEDAL = "https://w3id.org/kzgraph/medal/paris-2024-david-degtyarev-gold"
TOOLING = rdflib.URIRef("https://w3id.org/kzgraph/ontology/tooling")


def _graph(*names: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in names:
        graph.parse(ROOT / "ontology" / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def domain() -> rdflib.Graph:
    return _graph("kzgraph.ttl")


@pytest.fixture(scope="module")
def tooling() -> rdflib.Graph:
    return _graph("tooling.ttl")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return _graph("kzgraph.ttl", "tooling.ttl")


def _kz(term: str) -> IRI:
    return IRI(str(KZ[term]))


def _violations(trig: str) -> list[tuple[object, ...]]:
    """The check's rows on the article's dataset with ``trig`` loaded too."""
    with kzgraph.open() as kg:
        kg.load(Source(data=trig.encode(), format="trig", name="a deliberately wrong fragment"))
        return [tuple(row) for row in kg.query(CHECK)]


# ------------------------------------------------------------------------- the check query


def test_the_shipped_ontology_and_data_pass_the_check(kg):
    assert [tuple(row) for row in kg.query(CHECK)] == []
    report = kg.validate(shacl=False)
    assert f"{CHECK}: ok" in report.text


def test_the_check_has_something_to_check(ontology):
    """Sub-properties and sub-classes into schema.org, Dublin Core, PROV-O and SKOS, each reused term with a source."""
    into_others = {(s, o) for p in (RDFS.subPropertyOf, RDFS.subClassOf) for s, o in ontology.subject_objects(p)
                   if str(s).startswith(str(KZ)) and not str(o).startswith("https://w3id.org/kzgraph/")}
    assert (KZ.atVenue, SCHEMA.location) in into_others and (KZ.memberOf, SCHEMA.memberOf) in into_others
    assert (KZ.Medal, PROV.Entity) in into_others and (KZ.Rule, PROV.Activity) in into_others
    for _, reused in into_others:
        assert ontology.value(reused, RDFS.isDefinedBy) is not None, reused


def test_every_sub_class_chain_is_within_the_five_steps_the_check_follows(ontology):
    """The check follows sub-class chains up to five steps inside EXISTS (Virtuoso evaluates no transitive path
    from a variable bound outside it): a deeper chain would escape it."""
    def depth(cls: object) -> int:
        return max((1 + depth(up) for up in ontology.objects(cls, RDFS.subClassOf) if up != cls), default=0)

    assert max(depth(cls) for cls in set(ontology.subjects(RDFS.subClassOf, None))) == 4


def test_at_games_is_no_longer_a_super_event(ontology):
    assert (KZ.atGames, RDFS.subPropertyOf, SCHEMA.superEvent) not in ontology
    assert set(ontology.objects(SCHEMA.superEvent, SCHEMA.domainIncludes)) == {SCHEMA.Event}


def test_a_sub_property_whose_domain_is_too_wide_is_reported_with_its_term():
    fragment = (f"<{ONTOLOGY_GRAPH}> {{ <{KZ.atGames}> <{RDFS.subPropertyOf}> <{SCHEMA.superEvent}> . }}")
    rows = _violations(fragment)
    problem = "a class of the domain is not within the reused property's domain"
    assert (_kz("atGames"), IRI(str(SCHEMA.superEvent)), problem, _kz("Delegation")) in rows
    assert (_kz("atGames"), IRI(str(SCHEMA.superEvent)), problem, _kz("Medal")) in rows
    assert not any(row[3] == _kz("Event") for row in rows)  # an event's Games is its super-event
    # and the data: a delegation and a medal are the subjects of kz:atGames statements
    data = "the subject of a statement has no type within the reused property's domain"
    assert (_kz("atGames"), IRI(str(SCHEMA.superEvent)), data,
            IRI("https://w3id.org/kzgraph/delegation/kazakhstan-paris-2024")) in rows
    with kzgraph.open() as kg:
        kg.load(Source(data=fragment.encode(), format="trig", name="wrong"))
        report = kg.validate(shacl=False)
    assert not report.conforms
    named = [v for v in report.violations if v.component == f"check:{CHECK}"]
    assert named and {v.focus_node for v in named} == {str(KZ.atGames)}
    assert all("superEvent" in v.message for v in named)


def test_a_range_outside_the_reused_property_is_reported():
    # a delegation (a schema:SportsTeam) may be a member of something; a country is no organisation to be one of
    fragment = f"<{ONTOLOGY_GRAPH}> {{ <{KZ.country}> <{RDFS.subPropertyOf}> <{SCHEMA.memberOf}> . }}"
    rows = _violations(fragment)
    reused = IRI(str(SCHEMA.memberOf))
    assert (_kz("country"), reused, "a class of the range is not within the reused property's range",
            _kz("Country")) in rows
    assert (_kz("country"), reused, "the object of a statement has no type within the reused property's range",
            IRI("https://w3id.org/kzgraph/country/kazakhstan")) in rows
    assert not any("domain" in row[2] for row in rows)


def test_a_reused_term_without_a_stated_domain_or_source_is_reported():
    other = "https://example.org/vocab/near"
    rows = _violations(f"<{ONTOLOGY_GRAPH}> {{ <{KZ.atVenue}> <{RDFS.subPropertyOf}> <{other}> . }}")
    assert (_kz("atVenue"), IRI(other), "the reused term has no rdfs:isDefinedBy: nothing says where its "
            "definition comes from", IRI(other)) in rows
    assert (_kz("atVenue"), IRI(other), "the reused property's domain is not stated", IRI(other)) in rows
    assert (_kz("atVenue"), IRI(other), "the reused property's range is not stated", IRI(other)) in rows


def test_data_of_the_wrong_type_is_reported():
    # a medal is no schema:Event, so it has no schema:location in schema.org's terms
    rows = _violations("<https://w3id.org/kzgraph/graph/article/s05> { "
                       f"<{MEDAL}> <{KZ.atVenue}> <https://w3id.org/kzgraph/venue/stade-de-france> . }}")
    assert rows == [(_kz("atVenue"), IRI(str(SCHEMA.location)),
                     "the subject of a statement has no type within the reused property's domain", IRI(MEDAL))]


def test_a_literal_of_the_wrong_datatype_is_reported():
    event = "https://w3id.org/kzgraph/event/powerlifting-men-54kg"
    rows = _violations("<https://w3id.org/kzgraph/graph/article/s05> { "
                       f"<{event}> <{KZ.officialName}> 54 . }}")
    assert rows == [(_kz("officialName"), IRI(str(SCHEMA.name)),
                     "the object of a statement has no type within the reused property's range", 54)]


def test_a_class_under_two_disjoint_classes_is_reported():
    rows = _violations(f"<{ONTOLOGY_GRAPH}> {{ <{KZ.Medal}> <{RDFS.subClassOf}> <{PROV.Activity}> . }}")
    assert (_kz("Medal"), IRI(str(PROV.Entity)),
            "the class is also a sub-class of a class disjoint with the reused class", IRI(str(PROV.Activity))) in rows


def test_an_instance_of_two_disjoint_classes_is_reported():
    rule = "https://w3id.org/kzgraph/rule/venue-from-sport"
    rows = _violations(f"<https://w3id.org/kzgraph/graph/article/s05> {{ <{MEDAL}> a <{KZ.Rule}> . }}")
    assert (_kz("Medal"), IRI(str(PROV.Entity)),
            "an instance of the class is also of a class disjoint with the reused class", IRI(MEDAL)) in rows
    assert (_kz("Rule"), IRI(str(PROV.Activity)),
            "an instance of the class is also of a class disjoint with the reused class", IRI(MEDAL)) in rows
    assert not any(row[3] == IRI(rule) for row in rows)


# ------------------------------------------------------------------------- Wikidata and other alignments


@pytest.mark.parametrize(("term", "match", "target"), [
    ("atVenue", SKOS.broadMatch, WDT.P276),
    ("sportClass", SKOS.broadMatch, WDT.P2094),
    ("ranking", SKOS.closeMatch, WDT.P1352),
    ("won", SKOS.relatedMatch, WDT.P1344),
    ("medalType", SKOS.closeMatch, WDT.P166),
    ("inEvent", SKOS.closeMatch, WDT.P1344),
    ("medalDate", SKOS.closeMatch, WDT.P585),
    ("inCountry", SKOS.closeMatch, WDT.P17),
    ("sport", SKOS.exactMatch, WDT.P641),
    ("countryForSport", SKOS.exactMatch, WDT.P1532),
    ("startOffset", SKOS.closeMatch, OA.start),
    ("endOffset", SKOS.closeMatch, OA.end),
])
def test_each_alignment_is_as_strong_as_both_definitions_allow_and_says_why(ontology, term, match, target):
    mappings = {(p, o) for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                                 SKOS.relatedMatch) for o in ontology.objects(KZ[term], p)}
    assert mappings == {(match, target)}
    note = ontology.value(KZ[term], SKOS.scopeNote)
    assert isinstance(note, rdflib.Literal) and note.language == "en"
    prefix = {SKOS.exactMatch: "Exact", SKOS.closeMatch: "Close", SKOS.broadMatch: "Broad",
              SKOS.relatedMatch: "Related"}[match]
    assert str(note).startswith(prefix)


def test_no_class_matches_a_property_and_won_is_not_award_received(ontology):
    assert not list(ontology.objects(KZ.SportClass, SKOS.closeMatch))
    assert not list(ontology.objects(KZ.SportClass, SKOS.exactMatch))
    assert all(WDT.P166 not in ontology.objects(KZ.won, p) for p in (SKOS.exactMatch, SKOS.closeMatch))
    assert "kz:won/kz:medalType" in str(ontology.value(KZ.won, SKOS.scopeNote))


def test_comments_say_what_the_terms_hold(ontology):
    assert "winning" not in str(ontology.value(KZ.resultValue, RDFS.comment))
    assert "silver" in str(ontology.value(KZ.resultValue, RDFS.comment))
    for term in (KZ.FactStatus, KZ.factStatus):
        comment = str(ontology.value(term, RDFS.comment))
        assert all(word in comment for word in ("verified", "inferred", "conflict", "unknown")), term


# ------------------------------------------------------------------------- sex categories


def test_sex_categories_include_mixed_and_open(ontology):
    members = list(rdflib.collection.Collection(ontology, ontology.value(KZ.SexCategory, OWL.oneOf)))
    assert members == [KZ.Men, KZ.Women, KZ.Mixed, KZ.Open]
    for member in members:
        assert (member, RDF.type, KZ.SexCategory) in ontology
        assert ontology.value(member, RDFS.label) and ontology.value(member, RDFS.comment)


# ------------------------------------------------------------------------- units


@pytest.mark.parametrize(("old", "new", "symbol"), [
    ("Kilogram", UNIT.KiloGM, "kg"), ("Metre", UNIT.M, "m"), ("Second", UNIT.SEC, "s")])
def test_own_units_are_deprecated_for_qudt_units(ontology, old, new, symbol):
    assert (KZ[old], OWL.deprecated, rdflib.Literal(True)) in ontology
    assert ontology.value(KZ[old], DCTERMS.isReplacedBy) == new
    assert (new, RDF.type, QUDT.Unit) in ontology
    assert ontology.value(new, QUDT.symbol) == rdflib.Literal(symbol)


def test_point_is_the_one_own_unit_and_the_unit_terms_are_deprecated(ontology):
    assert (KZ.Point, RDF.type, QUDT.Unit) in ontology
    assert ontology.value(KZ.Point, QUDT.symbol) == rdflib.Literal("pts")
    assert (KZ.Point, OWL.deprecated, None) not in ontology
    assert ontology.value(KZ.Unit, DCTERMS.isReplacedBy) == QUDT.Unit
    assert ontology.value(KZ.symbol, DCTERMS.isReplacedBy) == QUDT.symbol
    assert ontology.value(KZ.resultUnit, RDFS.range) == QUDT.Unit


def test_the_data_names_qudt_units():
    data = rdflib.Dataset()
    for path in sorted((ROOT / "data").glob("*.trig")):
        data.parse(path, format="trig")
    units = {o for _, _, o, _ in data.quads((None, KZ.resultUnit, None, None))}
    assert units == {UNIT.KiloGM, UNIT.M, UNIT.SEC, KZ.Point}


def test_the_results_keep_their_symbols(kg):
    units = {(row["athlete_name"], row["result"] is not None, row["unit"]) for row in kg.query("medals").to_dicts()}
    assert ("David Degtyarev", True, "kg") in units and ("Yerkin Gabbasov", True, "pts") in units
    assert ("Nurdaulet Zhumagali", True, "s") in units and ("Dastan Mukashbekov", True, "m") in units


# ------------------------------------------------------------------------- the tooling module

TOOLING_TERMS = ["StatementGraph", "ExternalFactGraph", "DerivedGraph", "ReconciledLinkGraph",
                 "WikidataSnapshotGraph", "SyntheticGraph", "Rule", "FactStatus", "Verified", "Inferred", "Conflict",
                 "Unknown", "sha256", "sentenceNumber", "paragraphNumber", "startOffset", "endOffset", "factId",
                 "factStatus", "score", "method", "sparql", "retrieved", "seed"]


def test_tooling_terms_live_in_their_own_module(domain, tooling):
    assert (TOOLING, RDF.type, OWL.Ontology) in tooling
    assert (TOOLING, OWL.imports, rdflib.URIRef(str(KZ).rstrip("#"))) in tooling
    for term in TOOLING_TERMS:
        assert (KZ[term], None, None) not in domain, term
        assert tooling.value(KZ[term], RDFS.isDefinedBy) == TOOLING, term
        assert tooling.value(KZ[term], RDFS.label) is not None, term


def test_the_domain_ontology_has_no_tooling_class(domain):
    classes = {str(c).rpartition("#")[2] for c in domain.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KZ))}
    assert not classes & set(TOOLING_TERMS)
    assert "Graph" not in "".join(classes)


def test_both_modules_are_loaded_into_the_ontology_graph(kg):
    facts = kg.query("graph-facts", graph=IRI(ONTOLOGY_GRAPH)).to_dicts()
    kinds = {row["value"] for row in facts
             if str(row["subject"]) in (str(KZ.SyntheticGraph), str(KZ.Medal))
             and str(row["property"]) == str(RDF.type)}
    assert kinds == {IRI(str(OWL.Class))}
    ontologies = {str(row["subject"]) for row in facts if row["value"] == IRI(str(OWL.Ontology))}
    assert ontologies == {str(KZ).rstrip("#"), str(TOOLING)}


def test_resources_list_the_modules(tmp_path):
    assert Resources(str(MINI)).ontology_locations() == [str(MINI / "ontology" / "kzgraph.ttl")]
    root = tmp_path / "root"
    shutil.copytree(MINI, root)
    (root / "ontology" / "tooling.ttl").write_text(
        f"<{KZ.Extra}> a <{OWL.Class}> ; <{RDFS.label}> \"extra\" .\n", encoding="utf-8")
    resources = Resources(str(root))
    assert resources.ontology_locations() == [str(root / "ontology" / "kzgraph.ttl"),
                                              str(root / "ontology" / "tooling.ttl")]
    assert str(root / "ontology" / "tooling.ttl") in resources.inputs()
    backend = OxigraphBackend()
    dataset.build(backend, resources)
    graphs = {str(g) for g, in backend.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{KZ.Extra}> ?p ?o }} }}")}
    backend.close()
    assert graphs == {ONTOLOGY_GRAPH}
    key = buildcache.key(resources)
    (root / "ontology" / "tooling.ttl").write_text("\n", encoding="utf-8")
    assert buildcache.key(resources) != key


def test_the_ontology_parses_with_plain_types(ontology):
    """The reused terms are described, never declared as owl:Class or properties of ours."""
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in ontology.subjects(RDF.type, kind):
            assert str(term).startswith(str(KZ)) or isinstance(term, rdflib.BNode), term
    assert (XSD.string, RDFS.subClassOf, SCHEMA.Text) in ontology


# ------------------------------------------------------------------------- shapes


def _shacl(trig: str) -> list[tuple[str, str | None, str]]:
    with kzgraph.open() as kg:
        kg.load(Source(data=trig.encode(), format="trig", name="a fragment for the shapes"))
        report = kg.validate(checks=False)
    return [(v.focus_node, v.path, v.component) for v in report.violations]


def test_shapes_accept_a_mixed_event_and_refuse_an_old_unit():
    event = "https://w3id.org/kzgraph/event/powerlifting-men-54kg"
    assert _shacl(f"<https://w3id.org/kzgraph/graph/article/s05> {{ <{event}> <{KZ.sexCategory}> <{KZ.Mixed}> . }}") \
        == [(event, str(KZ.sexCategory), "MaxCountConstraintComponent")]  # men's already: one category at most
    mixed = "https://w3id.org/kzgraph/event/synth-mixed"
    fragment = (f"<https://w3id.org/kzgraph/graph/article/s05> {{ <{mixed}> a <{KZ.Event}> ; <{RDFS.label}> \"m\"@en ; "
                f"<{KZ.atGames}> <https://w3id.org/kzgraph/games/paris-2024> ; "
                f"<{KZ.sport}> <https://w3id.org/kzgraph/sport/para-judo> ; <{KZ.sexCategory}> <{KZ.Mixed}> . }}")
    assert _shacl(fragment) == []
    old = f"<https://w3id.org/kzgraph/graph/article/s05> {{ <{MEDAL}> <{KZ.resultUnit}> <{KZ.Kilogram}> . }}"
    assert (MEDAL, str(KZ.resultUnit), "ClassConstraintComponent") in _shacl(old)


def test_shapes_hold_a_deprecated_term_to_its_replacement():
    fragment = f"<{ONTOLOGY_GRAPH}> {{ <{KZ.Old}> <{OWL.deprecated}> true . }}"
    assert (str(KZ.Old), str(DCTERMS.isReplacedBy), "MinCountConstraintComponent") in _shacl(fragment)


def test_every_mapping_says_why(ontology):
    matches = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
    mapped = {s for p in matches for s in ontology.subjects(p, None) if str(s).startswith(str(KZ))}
    assert len(mapped) == 12
    assert all(ontology.value(term, SKOS.scopeNote) for term in mapped)
