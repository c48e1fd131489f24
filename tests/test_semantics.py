"""Say exactly what the sources say (issue 13): each sentence graph holds only what its sentence states, a fact
that needs two graphs is derived and names them (prov:used), and a derived fact carries the weakest status of
what it used (kz:factStatus). Expected quads are written out: (subject, property, value, graph)."""

from __future__ import annotations

import datetime

import pyoxigraph
import pytest

import kzgraph
from kzgraph import IRI

BASE = "https://w3id.org/kzgraph/"
KZ = BASE + "ontology#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "http://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROVENANCE = BASE + "graph/provenance"
DERIVED = BASE + "graph/derived/"
STATUS_ORDER = [KZ + "Verified", KZ + "Inferred", KZ + "Conflict", KZ + "Unknown"]  # strongest first


def n(iri: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(iri)


def sentence(number: int) -> str:
    return f"{BASE}graph/article/s{number:02d}"


def fact(fact_id: str) -> str:
    return f"{BASE}graph/external/{fact_id}"


@pytest.fixture(scope="module")
def quads(kg) -> set[tuple[object, object, object, object]]:
    """Every quad of the built dataset, as pyoxigraph terms."""
    dump = kg.backend.dump("nq")
    return {(q.subject, q.predicate, q.object, q.graph_name)
            for q in pyoxigraph.parse(dump, format=pyoxigraph.RdfFormat.N_QUADS)}


def in_graph(quads, graph: str) -> set[tuple[object, object, object]]:
    return {(s, p, o) for s, p, o, g in quads if g == n(graph)}


def graphs_stating(quads, subject: str, prop: str, value: object) -> set[str]:
    value_term = n(value) if isinstance(value, str) else value
    return {g.value for s, p, o, g in quads if (s, p, o) == (n(subject), n(prop), value_term)}


def provenance_of(quads, graph: str) -> tuple[set[str], list[str], list[str]]:
    """What the provenance graph says of ``graph``: the graphs it used, its statuses, the rules generating it."""
    about = [(p.value, o.value) for s, p, o, g in quads if s == n(graph) and g == n(PROVENANCE)]
    return ({o for p, o in about if p == PROV + "used"}, [o for p, o in about if p == KZ + "factStatus"],
            [o for p, o in about if p == PROV + "wasGeneratedBy"])


def status_of(quads, graph: str) -> str | None:
    if (n(graph), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(KZ + "StatementGraph"),
            n(PROVENANCE)) in quads:
        return KZ + "Verified"
    statuses = provenance_of(quads, graph)[1]
    return statuses[0] if len(statuses) == 1 else None


# ----------------------------------------------------------------------------- sentence graphs


def test_sentence_11_states_only_that_kazakhstan_had_judokas(quads):
    assert in_graph(quads, sentence(11)) == {
        (n(BASE + "delegation/kazakhstan-paris-2024"), n(KZ + "sportEntered"), n(BASE + "sport/para-judo"))}


@pytest.mark.parametrize("subject", ["athlete/yergali-shamei", "athlete/dayana-fedosova", "athlete/zarina-raifova",
                                     "event/judo-men-73kg", "event/judo-women-57kg", "event/judo-women-over-70kg"])
def test_the_sport_of_the_paragraphs_judokas_is_in_no_sentence_graph(quads, subject):
    stating = graphs_stating(quads, BASE + subject, KZ + "sport", BASE + "sport/para-judo")
    assert not {g for g in stating if g.startswith(BASE + "graph/article/")}, stating


@pytest.mark.parametrize("part, used, subjects", [
    ("s12", {sentence(11), sentence(12)},
     ["athlete/yergali-shamei", "athlete/dayana-fedosova", "event/judo-men-73kg", "event/judo-women-57kg"]),
    ("s13", {sentence(11), sentence(13)}, ["athlete/zarina-raifova", "event/judo-women-over-70kg"]),
])
def test_the_judokas_sport_is_derived_from_sentence_11_and_theirs(quads, part, used, subjects):
    graph = f"{DERIVED}judokas-of-the-paragraph/{part}"
    assert in_graph(quads, graph) == {(n(BASE + s), n(KZ + "sport"), n(BASE + "sport/para-judo")) for s in subjects}
    assert provenance_of(quads, graph) == (used, [KZ + "Verified"], [BASE + "rule/judokas-of-the-paragraph"])


def test_tokyos_series_comes_from_an_external_fact_not_sentence_10(quads):
    tokyo, series = BASE + "games/tokyo-2020", BASE + "games/summer-paralympics"
    assert graphs_stating(quads, tokyo, KZ + "partOfSeries", series) == {fact("g5")}
    assert (n(tokyo), n(KZ + "hostCity"), n(BASE + "city/tokyo")) in in_graph(quads, sentence(10))
    assert not {(s, p) for s, p, o in in_graph(quads, sentence(10)) if p == n(KZ + "partOfSeries")}


@pytest.mark.parametrize("event, sport, fact_id, number", [
    ("shooting-r1-10m-air-rifle-standing-sh1", "para-shooting", "c1", 8),
    ("athletics-men-shot-put-f36", "para-athletics", "i1", 14),
])
def test_a_sport_the_sentence_does_not_name_comes_from_its_external_fact(quads, event, sport, fact_id, number):
    """Sentence 8 names the discipline (rifle standing), sentence 14 the event (shot put), neither the sport."""
    assert graphs_stating(quads, BASE + "event/" + event, KZ + "sport", BASE + "sport/" + sport) == {fact(fact_id)}
    assert (n(BASE + "event/" + event), n(KZ + "atGames"), n(BASE + "games/paris-2024")) in in_graph(
        quads, sentence(number))


def test_sentence_2_gives_the_end_month_and_day_and_the_end_date_is_derived(quads):
    paris = n(BASE + "games/paris-2024")
    month_day = pyoxigraph.Literal("--09-08", datatype=n(XSD + "gMonthDay"))
    end = pyoxigraph.Literal("2024-09-08", datatype=n(XSD + "date"))
    assert (paris, n(KZ + "endMonthDay"), month_day) in in_graph(quads, sentence(2))
    assert graphs_stating(quads, BASE + "games/paris-2024", SCHEMA + "endDate", end) == {DERIVED + "games-end-date"}
    assert in_graph(quads, DERIVED + "games-end-date") == {(paris, n(SCHEMA + "endDate"), end)}
    assert provenance_of(quads, DERIVED + "games-end-date") == (
        {sentence(2), sentence(16)}, [KZ + "Verified"], [BASE + "rule/games-end-date"])


def test_sentence_13_orders_raifovas_bronze_after_the_medals_of_sentence_12(quads):
    medal = BASE + "medal/"
    assert {(s, p, o) for s, p, o in in_graph(quads, sentence(13)) if p == n(KZ + "wonAfter")} == {
        (n(medal + "paris-2024-zarina-raifova-bronze"), n(KZ + "wonAfter"),
         n(medal + "paris-2024-yergali-shamei-silver")),
        (n(medal + "paris-2024-zarina-raifova-bronze"), n(KZ + "wonAfter"),
         n(medal + "paris-2024-dayana-fedosova-bronze"))}


@pytest.mark.parametrize("subject, label, spelling, number", [
    ("venue/chateau-de-versailles", "Château de Versailles", "Chateau de Versailles", 17),
    ("sport/para-canoe", "para canoe", "para canoeing", 4),
])
def test_the_articles_spelling_is_an_alternative_label_of_its_sentence(quads, kg, subject, label, spelling, number):
    stated = in_graph(quads, sentence(number))
    assert (n(BASE + subject), n(RDFS + "label"), pyoxigraph.Literal(label, language="en")) in stated
    assert (n(BASE + subject), n(SKOS + "altLabel"), pyoxigraph.Literal(spelling, language="en")) in stated
    hits = kg.search(spelling)
    assert (hits[0].resource, hits[0].label) == (BASE + subject, label)


# ----------------------------------------------------------------------------- derived facts and their status


def test_the_90kg_class_is_a_conflict_apart_from_the_verified_sex_categories(quads):
    event = BASE + "event/"
    sex = DERIVED + "judo-weight-categories/sex-category"
    j2 = DERIVED + "judo-weight-categories/j2-90kg"
    assert in_graph(quads, sex) == {
        (n(event + "judo-women-over-70kg"), n(KZ + "sexCategory"), n(KZ + "Women")),
        (n(event + "judo-90kg"), n(KZ + "sexCategory"), n(KZ + "Men"))}
    assert provenance_of(quads, sex) == (
        {fact("v6"), sentence(13), sentence(15)}, [KZ + "Verified"], [BASE + "rule/judo-weight-categories"])
    assert in_graph(quads, j2) == {(n(event + "judo-90kg"), n(KZ + "sportClass"), n(BASE + "class/j2"))}
    assert provenance_of(quads, j2) == ({fact("j1"), sentence(15)}, [KZ + "Conflict"],
                                        [BASE + "rule/judo-weight-categories"])


def test_venue_from_sport_places_only_judo_events_cites_e4_and_is_inferred(quads):
    venue = n(BASE + "venue/champ-de-mars-arena")
    assert (venue, n(KZ + "hostedAllOf"), n(BASE + "sport/para-judo")) in in_graph(quads, fact("e4"))
    placed = {}
    for s, p, o, g in quads:
        if g.value.startswith(DERIVED + "venue-from-sport") and p == n(KZ + "atVenue"):
            placed[s.value.rsplit("/", 1)[1]] = (o, provenance_of(quads, g.value))
    judokas = DERIVED + "judokas-of-the-paragraph/"
    common = {fact("e4"), fact("v5")}
    assert placed == {
        "judo-90kg": (venue, (common | {sentence(15)}, [KZ + "Inferred"], [BASE + "rule/venue-from-sport"])),
        "judo-women-57kg": (venue, (common | {judokas + "s12", sentence(12)}, [KZ + "Inferred"],
                                    [BASE + "rule/venue-from-sport"])),
        "judo-women-over-70kg": (venue, (common | {judokas + "s13", sentence(13)}, [KZ + "Inferred"],
                                         [BASE + "rule/venue-from-sport"])),
    }


def test_a_gender_resting_on_an_inferred_class_is_inferred(quads):
    """Fedosova's event is a women's event by fact f2 (inferred): her gender is inferred too."""
    stating = graphs_stating(quads, BASE + "athlete/dayana-fedosova", SCHEMA + "gender", SCHEMA + "Female")
    assert [provenance_of(quads, g)[:2] for g in stating] == [
        ({sentence(12), fact("f2")}, [KZ + "Inferred"])]
    shamei = graphs_stating(quads, BASE + "athlete/yergali-shamei", SCHEMA + "gender", SCHEMA + "Male")
    assert [provenance_of(quads, g)[:2] for g in shamei] == [({sentence(12), fact("e1")}, [KZ + "Verified"])]


def test_medal_counts_cite_the_sentences_of_every_medal(quads):
    counts = in_graph(quads, DERIVED + "medal-counts")
    delegation = n(BASE + "delegation/kazakhstan-paris-2024")
    assert {(p.value.rsplit("#", 1)[1], int(o.value)) for s, p, o in counts if s == delegation} == {
        ("goldMedalCount", 2), ("silverMedalCount", 3), ("bronzeMedalCount", 4), ("medalCount", 9)}
    assert provenance_of(quads, DERIVED + "medal-counts") == (
        {sentence(i) for i in (5, 7, 8, 9, 12, 13, 14, 15)}, [KZ + "Verified"], [BASE + "rule/medal-counts"])


def test_every_derived_graph_cites_what_it_used_and_its_weakest_status(quads):
    derived = {s.value for s, p, o, g in quads
               if g == n(PROVENANCE) and o == n(KZ + "DerivedGraph")}
    assert len(derived) > 10
    for graph in derived:
        used, statuses, rules = provenance_of(quads, graph)
        assert used and len(statuses) == 1 and len(rules) == 1, graph
        weakest = max((status_of(quads, g) for g in used), key=lambda s: STATUS_ORDER.index(s or KZ + "Unknown"))
        assert STATUS_ORDER.index(statuses[0]) >= STATUS_ORDER.index(weakest or KZ + "Unknown"), graph
        assert in_graph(quads, graph), graph


def test_competency_answers_still_hold(kg):
    assert [tuple(r) for r in kg.query("cq-s16-games-scale")] == [
        ("Paris 2024 Summer Paralympics", datetime.date(2024, 8, 28), datetime.date(2024, 9, 8), 4400, 22)]
    assert [tuple(r) for r in kg.query("cq-s11-judo-medallists")] == [
        ("Gold", 1, "verified"), ("Silver", 1, "verified"), ("Bronze", 3, "verified")]


# ----------------------------------------------------------------------------- the checks catch what they should


@pytest.mark.parametrize("trig, check, expected", [
    ("<https://w3id.org/kzgraph/graph/provenance> {\n"
     "  <https://w3id.org/kzgraph/graph/derived/x> a kz:DerivedGraph ;\n"
     "    prov:used fact:j1 ; kz:factStatus kz:Verified .\n"
     "}\n<https://w3id.org/kzgraph/graph/derived/x> { <https://w3id.org/kzgraph/event/judo-90kg> kz:note 1 . }\n",
     "derived-status-violation",
     [(IRI(DERIVED + "x"), "has a stronger status than a graph it used", IRI(BASE + "graph/external/j1"))]),
    ("<https://w3id.org/kzgraph/graph/provenance> {\n"
     "  <https://w3id.org/kzgraph/graph/derived/y> a kz:DerivedGraph .\n}\n",
     "derived-status-violation",
     [(IRI(DERIVED + "y"), "cites no graph it used", None),
      (IRI(DERIVED + "y"), "has no status, or more than one", None)]),
    ("<https://w3id.org/kzgraph/graph/external/h3> {\n"
     "  <https://w3id.org/kzgraph/medal/paris-2024-yergali-shamei-silver> kz:medalDate \"2024-09-08\"^^xsd:date .\n}\n",
     "medal-order-violation",
     [(IRI(BASE + "medal/paris-2024-zarina-raifova-bronze"), datetime.date(2024, 9, 7),
       IRI(BASE + "medal/paris-2024-yergali-shamei-silver"), datetime.date(2024, 9, 8))]),
])
def test_the_checks_catch_a_broken_derivation_or_order(tmp_path, trig, check, expected):
    extra = tmp_path / "bad.trig"
    extra.write_text("@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
                     "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
                     "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                     "@prefix fact: <https://w3id.org/kzgraph/graph/external/> .\n" + trig, encoding="utf-8")
    with kzgraph.open() as kg:
        assert len(kg.query(check)) == 0
        kg.load(extra)
        rows = [tuple(r) for r in kg.query(check)]
    assert [r for r in rows if r in expected] == expected
