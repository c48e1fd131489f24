"""Status travels with the fact (issue 13): a query that shows a fact from an external or derived graph shows its
status, with explicit values.

A fact's status is that of the graph stating it: an article sentence's graph is verified, an external fact's or
a rule's graph has the kz:factStatus the provenance graph gives it; a fact stated in several graphs has the
strongest of their statuses, and a row resting on several facts the weakest of those.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kzgraph import IRI
from kzgraph.queries import load_catalogue
from tests.conftest import ENGINES

KZ = "https://w3id.org/kzgraph/"
ONTOLOGY = KZ + "ontology#"
STATUSES = {"verified", "inferred", "conflict", "unknown"}

#: The sport classes of sentence 14 and who says so: the 90 kg J2 rests on fact j1 (conflict) through the
#: judo-weight-categories rule, Fedosova's J2 on fact f2 (inferred), Nauatbek's J2 on b1 and Shamei's J1 on e1.
SPORT_CLASSES = [
    ("Dastan Mukashbekov", "Bronze", "para athletics", "F36", "verified"),
    ("Yergali Shamei", "Silver", "para judo", "J1", "verified"),
    ("Akmaral Nauatbek", "Gold", "para judo", "J2", "verified"),
    ("Dayana Fedosova", "Bronze", "para judo", "J2", "inferred"),
    ("Zhurkamyrza Shukurbekov", "Bronze", "para judo", "J2", "conflict"),
    ("Nurdaulet Zhumagali", "Silver", "para swimming", "SB13", "verified"),
    ("Yerkin Gabbasov", "Silver", "para shooting", "SH1", "verified"),
]


def test_sport_classes_carry_their_status(kg):
    result = kg.query("cq-s14-sport-classes")
    assert result.columns == ["athlete_name", "medal", "sport", "sport_class", "status"]
    assert [tuple(row) for row in result] == SPORT_CLASSES


@pytest.mark.parametrize("engine", ENGINES)
def test_sport_classes_carry_their_status_on_every_engine(engine_kg, engine):
    assert [tuple(row) for row in engine_kg(engine).query("cq-s14-sport-classes")] == SPORT_CLASSES


def facts(kg, resource: str) -> dict[tuple[str, object, str], str | None]:
    """resource-facts of ``resource`` as {(property local name, value, graph): status}, outgoing facts only."""
    return {(row["property"].split("#")[-1].split("/")[-1], row["value"], row["graph"]): row["status"]
            for row in kg.query("resource-facts", resource=IRI(resource)).to_dicts()
            if row["direction"] == "out" and row["graph"] is not None}


def test_resource_facts_give_the_status_of_each_graph(kg):
    event = facts(kg, KZ + "event/judo-90kg")
    rule = KZ + "graph/derived/judo-weight-categories/"
    assert event[("sportClass", IRI(KZ + "class/j2"), IRI(rule + "j2-90kg"))] == "conflict"
    assert event[("sexCategory", IRI(ONTOLOGY + "Men"), IRI(rule + "sex-category"))] == "verified"
    assert event[("notEstablished", IRI(ONTOLOGY + "weightLimitKind"), IRI(KZ + "graph/external/j1"))] == "conflict"
    assert event[("weightLimit", 90, IRI(KZ + "graph/article/s15"))] == "verified"
    venue = [status for (prop, _, graph), status in event.items()
             if prop == "atVenue" and str(graph).startswith(KZ + "graph/derived/venue-from-sport/")]
    assert venue == ["inferred"]


def test_resource_facts_of_an_athlete(kg):
    fedosova = facts(kg, KZ + "athlete/dayana-fedosova")
    assert fedosova[("won", IRI(KZ + "medal/paris-2024-dayana-fedosova-bronze"), IRI(KZ + "graph/article/s12"))] \
        == "verified"
    assert fedosova[("sport", IRI(KZ + "sport/para-judo"), IRI(KZ + "graph/derived/judokas-of-the-paragraph/s12"))] \
        == "verified"
    assert {status for (prop, _, _), status in fedosova.items() if prop == "gender"} == {"inferred"}
    medal = facts(kg, KZ + "medal/paris-2024-dayana-fedosova-bronze")
    assert medal[("medalDate", datetime.date(2024, 9, 6), IRI(KZ + "graph/external/f1"))] == "verified"


def test_resource_facts_sample_gives_the_same_statuses(kg):
    sample = kg.query("resource-facts-sample", resource=IRI(KZ + "event/judo-women-57kg"),
                      property=IRI(ONTOLOGY + "sportClass"), direction="out").to_dicts()
    assert [(row["value"], row["graph"], row["fact"], row["status"]) for row in sample] == [
        (IRI(KZ + "class/j2"), IRI(KZ + "graph/external/f2"), "f2", "inferred")]


def test_graph_facts_give_the_graphs_status(kg):
    for graph, status in [("derived/judo-weight-categories/j2-90kg", "conflict"), ("external/f2", "inferred"),
                          ("external/b1", "verified"), ("article/s14", "verified"), ("external/h2", "unknown")]:
        rows = kg.query("graph-facts", graph=IRI(KZ + "graph/" + graph)).to_dicts()
        assert rows, graph
        assert {row["status"] for row in rows} == {status}, graph


def test_athlete_facts_carry_their_status(kg):
    rows = kg.query("athlete", athlete="Zhurkamyrza Shukurbekov").to_dicts()
    by_property = {(row["property"].split("#")[-1], row["graph"]): row["status"] for row in rows}
    assert by_property[("won", IRI(KZ + "graph/article/s15"))] == "verified"
    assert by_property[("medalDate", IRI(KZ + "graph/external/j2"))] == "inferred"
    assert {row["status"] for row in rows} <= STATUSES


def test_event_venues_status_per_source(kg):
    rows = {(row["event"], row["kind"], row["fact"]): row["status"] for row in kg.query("event-venues").to_dicts()}
    assert rows[("Para judo, women's 48 kg", "external", "b3")] == "verified"
    assert rows[("Para judo, up to 73 kg", "external", "e4")] == "inferred"
    assert rows[("Para judo, 90 kg", "derived", None)] == "inferred"


def test_provenance_gives_article_facts_verified(kg):
    rows = kg.query("provenance", resource=IRI(KZ + "event/judo-90kg")).to_dicts()
    assert {row["status"] for row in rows if row["kind"] == "article"} == {"verified"}
    assert {(row["property"].split("#")[-1], row["status"]) for row in rows if row["kind"] == "derived"} == {
        ("sexCategory", "verified"), ("sportClass", "conflict"), ("atVenue", "inferred")}


def test_a_fact_stated_by_the_article_and_a_rule_is_verified(kg):
    # Sentence 2 states the medal totals, and the medal-counts rule derives them too: the stronger wins.
    assert [tuple(row) for row in kg.query("cq-s02-medal-standing")] == [
        (datetime.date(2024, 9, 8), 39, 2, 3, 4, 9, "verified")]
    delegation = {row["games"]: row["status"] for row in kg.query("delegation").to_dicts()}
    assert delegation == {"Paris 2024 Summer Paralympics": "verified", "Tokyo 2020 Summer Paralympics": "verified"}


def test_competency_answers_with_status(kg):
    assert [tuple(row) for row in kg.query("cq-s08-shooting-score")] == [
        ("Yerkin Gabbasov", "Silver", "rifle standing", Decimal("247.7"), "pts", "verified")]
    assert [tuple(row) for row in kg.query("cq-s17-landmark-venues")] == [
        ("Château de Versailles", 17, "verified"), ("Eiffel Tower", 17, "verified"), ("Grand Palais", 17, "verified")]
    games = kg.query("games").to_dicts()
    assert {(row["venue"], row["venue_named_by"], row["status"]) for row in games} >= {
        ("Eiffel Tower", "article", "verified"), ("Stade de France", "external", "verified")}


#: Queries whose rows show facts from external or derived graphs, and so have a status column.
WITH_STATUS = ["athlete", "cq-s02-medal-standing", "cq-s08-shooting-score", "cq-s14-sport-classes",
               "cq-s15-open-questions", "cq-s17-landmark-venues", "delegation", "event-venues", "games",
               "graph-facts", "provenance", "resource-facts", "resource-facts-sample", "unknowns"]


@pytest.mark.parametrize("name", WITH_STATUS)
def test_status_column_is_declared(name):
    assert "status" in load_catalogue()[name].returns


@pytest.mark.parametrize("engine", ENGINES)
def test_statuses_of_a_resources_facts_on_every_engine(engine_kg, engine):
    rows = engine_kg(engine).query("resource-facts", resource=IRI(KZ + "event/judo-90kg")).to_dicts()
    statuses = {(row["property"].split("#")[-1], str(row["graph"]).removeprefix(KZ + "graph/"), row["status"])
                for row in rows if row["direction"] == "out"}
    assert {s for s in statuses if s[2] != "verified"} == {
        ("sportClass", "derived/judo-weight-categories/j2-90kg", "conflict"),
        ("notEstablished", "external/j1", "conflict"),
        ("atVenue", next(g for p, g, _ in statuses if p == "atVenue"), "inferred")}


def test_open_questions_and_unknowns_carry_the_status_of_the_fact_that_leaves_them_open(kg):
    assert [tuple(row) for row in kg.query("cq-s15-open-questions")] == [
        ("Para judo, 90 kg", Decimal("90"), "weight limit kind", "conflict"),
        ("Para judo, over 70 kg", Decimal("70"), "sport class", "unknown")]
    assert [(row["fact"], row["status"]) for row in kg.query("unknowns").to_dicts()] == [
        ("g5", "verified"), ("h2", "unknown"), ("j1", "conflict"), ("w6", "conflict")]


#: The medals' dates and results with their status: the dates of Raifova's and Shukurbekov's bronzes come from
#: facts h3 and j2 (inferred), the other dates and the results (a4, d3, i3 and sentence 8's 247.7) are verified.
MEDAL_STATUSES = [
    ("David Degtyarev", datetime.date(2024, 9, 4), "verified", Decimal("188"), "verified"),
    ("Akmaral Nauatbek", datetime.date(2024, 9, 5), "verified", None, None),
    ("Yerkin Gabbasov", datetime.date(2024, 8, 31), "verified", Decimal("247.7"), "verified"),
    ("Nurdaulet Zhumagali", datetime.date(2024, 9, 5), "verified", Decimal("64.83"), "verified"),
    ("Yergali Shamei", datetime.date(2024, 9, 6), "verified", None, None),
    ("Dastan Mukashbekov", datetime.date(2024, 9, 4), "verified", Decimal("16"), "verified"),
    ("Dayana Fedosova", datetime.date(2024, 9, 6), "verified", None, None),
    ("Zarina Raifova", datetime.date(2024, 9, 7), "inferred", None, None),
    ("Zhurkamyrza Shukurbekov", datetime.date(2024, 9, 7), "inferred", None, None),
]


def medal_statuses(result) -> list[tuple[object, ...]]:
    return [(row["athlete_name"], row["date"], row["date_status"], row["result"], row["result_status"])
            for row in result.to_dicts()]


def test_medals_give_the_status_of_date_and_result(kg):
    result = kg.query("medals")
    assert result.columns == ["athlete_name", "medal", "sport", "event", "date", "result", "unit", "athlete",
                              "medal_iri", "date_status", "result_status"]
    assert medal_statuses(result) == MEDAL_STATUSES


@pytest.mark.parametrize("engine", ENGINES)
def test_medals_give_the_status_of_date_and_result_on_every_engine(engine_kg, engine):
    assert medal_statuses(engine_kg(engine).query("medals")) == MEDAL_STATUSES


def test_home_page_shows_the_status_of_each_date_and_result(kzgraph_app):
    page = kzgraph_app.get("/").text
    table = page[page.index('<table class="medals">'):]
    rows = {row.split('"')[0]: row for row in table.split("/medal/paris-2024-")[1:]}
    assert "status-inferred" not in rows["david-degtyarev-gold"]
    raifova = table[table.rindex("<tr>", 0, table.index("zarina-raifova-bronze")):table.index("zarina-raifova-bronze")]
    assert '<span class="status status-inferred" title="status: inferred">inferred</span>' in raifova
    degtyarev = table[table.rindex("<tr>", 0, table.index("david-degtyarev-gold")):]
    assert degtyarev[:degtyarev.index("</tr>")].count("status-verified") == 2
