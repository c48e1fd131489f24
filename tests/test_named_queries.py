"""Every named query answers with the article's facts: explicit expected values, row by row."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest

import kzgraph
from kzgraph import IRI

ATHLETE = "https://w3id.org/kzgraph/athlete/"
EVENT = "https://w3id.org/kzgraph/event/"


def rows(kg, name, **params):
    """The first columns of a named query's rows, as plain tuples."""
    result = kg.query(name, **params)
    return [tuple(row) for row in result]


def column(kg, name, col, **params):
    return [row[col] for row in kg.query(name, **params).to_dicts()]


def test_medals_one_row_per_medal_with_required_columns(kg):
    result = kg.query("medals")
    assert result.columns[:4] == ["athlete_name", "medal", "sport", "event"]
    assert [row[:3] for row in result] == [
        ("David Degtyarev", "Gold", "para powerlifting"),
        ("Akmaral Nauatbek", "Gold", "para judo"),
        ("Yerkin Gabbasov", "Silver", "para shooting"),
        ("Nurdaulet Zhumagali", "Silver", "para swimming"),
        ("Yergali Shamei", "Silver", "para judo"),
        ("Dastan Mukashbekov", "Bronze", "para athletics"),
        ("Dayana Fedosova", "Bronze", "para judo"),
        ("Zarina Raifova", "Bronze", "para judo"),
        ("Zhurkamyrza Shukurbekov", "Bronze", "para judo"),
    ]


def test_medals_carry_dates_results_and_units(kg):
    by_name = {row["athlete_name"]: row for row in kg.query("medals").to_dicts()}
    assert by_name["Yerkin Gabbasov"]["result"] == Decimal("247.7")
    assert by_name["Yerkin Gabbasov"]["unit"] == "pts"
    assert by_name["David Degtyarev"]["result"] == Decimal("188")
    assert by_name["David Degtyarev"]["unit"] == "kg"
    assert by_name["Nurdaulet Zhumagali"]["result"] == Decimal("64.83")
    assert by_name["Nurdaulet Zhumagali"]["unit"] == "s"
    assert by_name["Dastan Mukashbekov"]["result"] == Decimal("16.00")
    assert by_name["Dastan Mukashbekov"]["event"] == "Para athletics, men's shot put F36"
    assert by_name["Yerkin Gabbasov"]["date"] == datetime.date(2024, 8, 31)
    assert by_name["Zarina Raifova"]["date"] == datetime.date(2024, 9, 7)
    assert by_name["Akmaral Nauatbek"]["result"] is None
    assert by_name["David Degtyarev"]["athlete"] == IRI(ATHLETE + "david-degtyarev")


def test_medal_table_counts_from_medal_nodes_and_stated_rank(kg):
    result = kg.query("medal-table")
    assert result.columns[:6] == ["rank", "country", "gold", "silver", "bronze", "total"]
    assert [row[:6] for row in result] == [(39, "Kazakhstan", 2, 3, 4, 9)]


def test_athlete_by_other_spelling_lists_facts_with_sentences(kg):
    facts = kg.query("athlete", athlete="Shamey").to_dicts()
    assert {f["subject"] for f in facts} == {
        IRI(ATHLETE + "yergali-shamei"), IRI("https://w3id.org/kzgraph/medal/paris-2024-yergali-shamei-silver")}
    won = [f for f in facts if f["property"].endswith("#won")]
    assert [(f["value"], f["sentence"]) for f in won] == [
        (IRI("https://w3id.org/kzgraph/medal/paris-2024-yergali-shamei-silver"), 12)]
    dates = [f for f in facts if f["property"].endswith("#medalDate")]
    assert [(f["value"], f["sentence"], f["graph"]) for f in dates] == [
        (datetime.date(2024, 9, 6), None, IRI("https://w3id.org/kzgraph/graph/external/e2"))]


@pytest.mark.parametrize("key", ["David Degtyarev", "david degtyarev", ATHLETE + "david-degtyarev"])
def test_athlete_by_name_or_iri(kg, key):
    facts = kg.query("athlete", athlete=key).to_dicts()
    sentences = {f["sentence"] for f in facts if f["sentence"] is not None}
    assert sentences == {5, 6}
    assert (IRI("https://w3id.org/kzgraph/ontology#paralympicTitleCount"), 2, 6) in {
        (f["property"], f["value"], f["sentence"]) for f in facts}


def test_athlete_unknown_name_gives_no_rows(kg):
    assert len(kg.query("athlete", athlete="Nobody Atall")) == 0


def test_provenance_separates_article_external_and_derived(kg):
    facts = kg.query("provenance", resource=EVENT + "judo-90kg").to_dicts()
    kinds = {(f["property"].split("#")[-1], f["kind"]) for f in facts}
    assert ("weightLimit", "article") in kinds
    assert ("sexCategory", "derived") in kinds
    assert ("atVenue", "derived") in kinds
    open_question = [f for f in facts if f["property"].endswith("#notEstablished")]
    assert [(f["value"], f["fact"], f["status"]) for f in open_question] == [
        (IRI("https://w3id.org/kzgraph/ontology#weightLimitKind"), "j1", "conflict")]
    article = [f for f in facts if f["kind"] == "article"]
    assert {f["sentence"] for f in article} == {15}
    assert {f["source"] for f in article} == {"000_eb5953dc3fc1f44a.txt"}


def test_delegation(kg):
    result = kg.query("delegation").to_dicts()
    paris = [r for r in result if r["games"] == "Paris 2024 Summer Paralympics"]
    assert [(r["athletes"], r["licences"], r["sports"], r["rank"], r["gold"], r["silver"], r["bronze"], r["total"])
            for r in paris] == [(44, 33, 9, 39, 2, 3, 4, 9)]
    tokyo = [r for r in result if r["games"] == "Tokyo 2020 Summer Paralympics"]
    assert [(r["rank"], r["gold"], r["silver"], r["bronze"], r["total"]) for r in tokyo] == [(None, 1, 3, 1, 5)]


def test_games(kg):
    result = kg.query("games").to_dicts()
    first = result[0]
    assert (first["games"], first["edition"], first["start_date"], first["end_date"], first["host_city"],
            first["athletes"], first["sports"], first["medal_events"]) == (
        "Paris 2024 Summer Paralympics", 17, datetime.date(2024, 8, 28), datetime.date(2024, 9, 8), "Paris",
        4400, 22, 549)
    assert [(r["venue"], r["venue_named_by"]) for r in result if r["venue_named_by"] == "article"] == [
        ("Château de Versailles", "article"), ("Eiffel Tower", "article"), ("Grand Palais", "article")]
    assert {r["venue"] for r in result if r["venue_named_by"] == "external"} == {
        "Champ-de-Mars Arena", "Châteauroux Shooting Centre", "Paris La Défense Arena",
        "Porte de La Chapelle Arena", "Stade de France"}


# One competency question per sentence of the article, with the answer the article gives.
COMPETENCY = {
    "cq-s01-games-edition": [("Paris 2024 Summer Paralympics", 17, "Summer Paralympics", "Paris", True)],
    "cq-s02-medal-standing": [(datetime.date(2024, 9, 8), 39, 2, 3, 4, 9, "verified")],
    "cq-s03-delegation-size": [("Kazakhstan at the Paris 2024 Summer Paralympics", 44, 33, 9)],
    "cq-s04-sports-entered": [
        ("para athletics",), ("para canoe",), ("para judo",), ("para powerlifting",), ("para shooting",),
        ("para swimming",), ("para table tennis",), ("para taekwondo",), ("sitting volleyball",)],
    "cq-s05-powerlifting-gold": [("David Degtyarev", "Gold", "men", Decimal("54"))],
    "cq-s06-two-time-champions": [("David Degtyarev", 2, 2, "verified")],
    "cq-s07-judo-gold": [("Akmaral Nauatbek", "women", Decimal("48"))],
    "cq-s08-shooting-score": [(
        "Yerkin Gabbasov", "Silver", "rifle standing", Decimal("247.7"), "pts", "verified")],
    "cq-s09-records": [
        ("Dastan Mukashbekov", "Asian record", "Para athletics, men's shot put F36", None, Decimal("16.00"), "m",
         "verified"),
        ("Nurdaulet Zhumagali", "Asian record", "Para swimming, 100 m breaststroke", "qualifying round", None,
         None, "verified")],
    "cq-s10-earlier-medals": [("David Degtyarev", "Gold", "Tokyo", None, "verified"),
                              ("Nurdaulet Zhumagali", "Bronze", "Tokyo", 1, "verified")],
    "cq-s11-judo-medallists": [("Gold", 1, "verified"), ("Silver", 1, "verified"), ("Bronze", 3, "verified")],
    "cq-s12-judo-up-to": [
        ("Akmaral Nauatbek", "Gold", Decimal("48"), "verified"),
        ("Dayana Fedosova", "Bronze", Decimal("57"), "verified"),
        ("Yergali Shamei", "Silver", Decimal("73"), "verified")],
    "cq-s13-judo-over": [("Zarina Raifova", "Bronze", Decimal("70"))],
    "cq-s14-sport-classes": [
        ("Dastan Mukashbekov", "Bronze", "para athletics", "F36", "verified"),
        ("Yergali Shamei", "Silver", "para judo", "J1", "verified"),
        ("Akmaral Nauatbek", "Gold", "para judo", "J2", "verified"),
        ("Dayana Fedosova", "Bronze", "para judo", "J2", "inferred"),
        ("Zhurkamyrza Shukurbekov", "Bronze", "para judo", "J2", "conflict"),
        ("Nurdaulet Zhumagali", "Silver", "para swimming", "SB13", "verified"),
        ("Yerkin Gabbasov", "Silver", "para shooting", "SH1", "verified")],
    "cq-s15-open-questions": [
        ("Para judo, 90 kg", Decimal("90"), "weight limit kind", "conflict"),
        ("Para judo, over 70 kg", Decimal("70"), "sport class", "unknown")],
    "cq-s16-games-scale": [
        ("Paris 2024 Summer Paralympics", datetime.date(2024, 8, 28), datetime.date(2024, 9, 8), 4400, 22)],
    "cq-s17-landmark-venues": [
        ("Château de Versailles", 17, "verified"), ("Eiffel Tower", 17, "verified"), ("Grand Palais", 17, "verified")],
}


def test_one_competency_query_per_sentence(kg):
    names = sorted(q.name for q in kg.queries() if q.name.startswith("cq-s"))
    assert [n[4:6] for n in names] == [f"{i:02d}" for i in range(1, 18)]
    assert set(names) == set(COMPETENCY)


@pytest.mark.parametrize("name", sorted(COMPETENCY))
def test_competency_query_answers(kg, name):
    assert rows(kg, name) == COMPETENCY[name]


def _own_queries():
    """The queries kzgraph asks itself (``queries/internal/``) and sends to Wikidata (``queries/wikidata/``)."""
    from kzgraph.queries import parse_file
    from kzgraph.resources import files, find

    folders = [find().queries_dir / folder for folder in ("internal", "wikidata")]
    return [parse_file(path) for folder in folders for path in files(folder, ".rq")]


def test_every_select_is_ordered_or_says_why_not(kg):
    """Rows in the same order on every engine; a sample cut short by LIMIT, a dump or a count says why it is not
    sorted. kzgraph's own queries and those it sends to Wikidata too."""
    from kzgraph.sparqltext import query_form

    own = _own_queries()
    assert {"graph-sizes", "all-quads", "candidates"} <= {q.name for q in own}
    for query in [*kg.queries(), *own]:
        if query_form(query.sparql) == "SELECT":
            assert re.search(r"^ORDER BY ", query.sparql, re.M) or "# No ORDER BY: " in query.sparql, query.name


def test_internal_queries_are_not_named_queries_and_declare_their_columns(kg):
    """``queries/internal/``: kzgraph's own questions to a store, loaded by name, never listed as named queries."""
    from kzgraph.queries import internal_query
    from kzgraph.resources import files, find
    from kzgraph.sparqltext import query_form

    names = [Path(path).stem for path in files(find().queries_dir / "internal", ".rq")]
    assert {"all-graphs", "all-quads", "class-counts", "default-graph-size", "graph-sizes", "quad-count",
            "wikidata-snapshot"} <= set(names)
    assert not set(names) & set(kg.catalogue)
    for name in names:
        query = internal_query(name)
        assert query.name == name and query.title, name
        result = kg.query(query, **{p.name: _sample(p.type) for p in query.params if p.required})
        if query_form(query.sparql) == "SELECT":
            assert result.columns == list(query.returns), name


def test_every_check_query_finds_no_violation(kg):
    checks = [q for q in kg.queries() if q.name.endswith("-violation")]
    assert len(checks) >= 4
    for check in checks:
        assert len(kg.query(check)) == 0, check.name


def test_every_named_query_declares_the_columns_it_returns(kg):
    for query in kg.queries():
        if "federated" in query.tags:
            continue  # needs a live endpoint: tests/test_wikidata.py runs it against a real server
        result = kg.query(query, **{p.name: _sample(p.type) for p in query.params if p.required})
        columns = result.as_select().columns if isinstance(result, kzgraph.GraphResult) else result.columns
        assert columns == list(query.returns), query.name
        assert query.title and query.description, query.name


def test_parameters_are_projected_so_every_engine_can_bind_them(kg):
    """SELECT queries project their parameters; CONSTRUCT queries use them in the template, and only in
    triple patterns (pyoxigraph substitutes a CONSTRUCT's parameters there, not inside expressions)."""
    for query in kg.queries():
        construct = query.returns == ("subject", "predicate", "object")
        template = query.sparql.split("WHERE", 1)[0]
        for param in query.params:
            if construct:
                assert f"?{param.name}" in template, (query.name, param.name)
                assert not re.search(rf"\(\s*[^)]*\?{param.name}\b", query.sparql.split("WHERE", 1)[1]), \
                    (query.name, param.name, "used in an expression")
            else:
                assert param.name in query.returns, (query.name, param.name)


def _sample(param_type):
    return {"string": "David Degtyarev", "resource": "David Degtyarev", "search": "Degtiarev",
            "iri": ATHLETE + "david-degtyarev"}[param_type]


def test_injection_through_a_parameter_returns_no_extra_rows(kg):
    hostile = 'x") || true || ("'
    assert len(kg.query("athlete", athlete=hostile)) == 0
    hostile_union = '" } UNION { ?subject ?property ?value } #'
    assert len(kg.query("athlete", athlete=hostile_union)) == 0


def test_wrong_and_missing_parameters_name_the_parameter(kg):
    with pytest.raises(kzgraph.QueryParameterError, match="athlete"):
        kg.query("athlete")
    with pytest.raises(kzgraph.QueryParameterError, match="colour"):
        kg.query("medals", colour="gold")
    with pytest.raises(kzgraph.QueryParameterError, match="resource"):
        kg.query("provenance", resource="not an iri")


def test_unknown_query_lists_known_names(kg):
    with pytest.raises(kzgraph.UnknownQueryError) as info:
        kg.query("medal")
    assert "medals" in str(info.value) and "medal-table" in str(info.value)


def test_medals_as_a_dataframe(kg):
    frame = kg.query("medals").to_dataframe()
    assert list(frame.columns[:4]) == ["athlete_name", "medal", "sport", "event"]
    assert frame["medal"].value_counts().to_dict() == {"Bronze": 4, "Silver": 3, "Gold": 2}
    assert frame.loc[frame["athlete_name"] == "Yerkin Gabbasov", "result"].item() == Decimal("247.7")
