"""The data keeps faith with its sources: the article, its sentence index, and the external facts list."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest

import kzgraph
from kzgraph import IRI

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLE = SHARED / "seeds" / "000_eb5953dc3fc1f44a.txt"
SENTENCES = SHARED / "seeds" / "000_eb5953dc3fc1f44a.sentences.tsv"
EXTERNAL = SHARED / "facts" / "external-facts.tsv"
SHA256 = "2737d99473185f2256756743bbe123364da3cec85748e0d895810d058ab42591"


def shared(path: Path) -> Path:
    """A file of the project's shared sources; only a local checkout without them may skip."""
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI runs with shared/ beside the clone")
        pytest.skip(f"{path} is not beside this checkout")
    return path


def graphs(kg, kind):
    return [g for g in kg.query("graphs").to_dicts() if g["kind"] == kind]


def test_article_is_the_one_the_provenance_names(kg):
    digest = hashlib.sha256(shared(ARTICLE).read_bytes()).hexdigest()
    assert digest == SHA256
    assert {g["sha256"] for g in graphs(kg, "article")} == {SHA256}


def test_sentence_graphs_match_the_sentence_index(kg):
    with shared(SENTENCES).open(encoding="utf-8") as f:
        index = [(int(r["sentence"]), int(r["paragraph"]), int(r["start"]), int(r["end"]))
                 for r in csv.DictReader(f, delimiter="\t")]
    stored = [(g["sentence"], g["paragraph"], g["start"], g["end"]) for g in graphs(kg, "article")]
    assert stored == index
    assert len(stored) == 17
    assert all(g["triples"] > 0 for g in graphs(kg, "article"))


def test_medal_arithmetic_of_the_article(kg):
    """2 gold + 3 silver + 4 bronze medal nodes = 9, and the article's totals say the same."""
    medals = [row["medal"] for row in kg.query("medals").to_dicts()]
    counted = {medal: medals.count(medal) for medal in ("Gold", "Silver", "Bronze")}
    assert counted == {"Gold": 2, "Silver": 3, "Bronze": 4}
    assert len(medals) == sum(counted.values()) == 9
    stated = kg.query("cq-s02-medal-standing").to_dicts()[0]
    assert (stated["gold"], stated["silver"], stated["bronze"], stated["total"]) == (2, 3, 4, 9)


def test_external_fact_graphs_follow_the_facts_list(kg):
    with shared(EXTERNAL).open(encoding="utf-8") as f:
        listed = {r["id"]: r for r in csv.DictReader(f, delimiter="\t")}
    external = graphs(kg, "external")
    assert len(external) >= 40
    for graph in external:
        row = listed[graph["fact"]]
        assert graph["status"] == row["status"], graph["fact"]
        if row["source"].startswith("http"):
            assert graph["source"] == IRI(row["source"]), graph["fact"]
        else:
            assert graph["source"] is None, graph["fact"]


def test_conflicting_and_unknown_facts_assert_nothing_but_their_openness(kg):
    open_graphs = {g["graph"]: g for g in graphs(kg, "external") if g["status"] in ("conflict", "unknown")}
    assert sorted(g["fact"] for g in open_graphs.values()) == ["h2", "j1", "w6"]
    assert all(g["triples"] == 1 for g in open_graphs.values())
    unknowns = {(u["fact"], u["property"].rsplit("#", 1)[-1]) for u in kg.query("unknowns").to_dicts()}
    assert unknowns == {("g5", "medalTableRank"), ("h2", "sportClass"), ("j1", "weightLimitKind"),
                        ("w6", "exactMatch")}


def test_only_listed_wikidata_items_are_linked(kg):
    with shared(EXTERNAL).open(encoding="utf-8") as f:
        allowed = {re.sub(r"\s.*", "", r["value"]) for r in csv.DictReader(f, delimiter="\t")
                   if r["property"] == "Wikidata item" and r["status"] == "verified"}
    links = {(link["label"], link["item"].rsplit("/", 1)[-1], link["fact"])
             for link in kg.query("wikidata-links").to_dicts()}
    assert links == {("Kazakhstan", "Q232", "w1"), ("Paris", "Q90", "w2"), ("France", "Q142", "w3"),
                     ("Gold", "Q406039", "w4"), ("Silver", "Q847956", "w5"),
                     ("Summer Paralympics", "Q3327913", "w7")}
    assert {item for _, item, _ in links} <= allowed


def test_derived_graphs_name_their_rule(kg):
    rules = {g["graph"].rsplit("/", 1)[-1]: g["source"] for g in graphs(kg, "derived")}
    assert rules == {name: IRI(f"https://w3id.org/kzgraph/rule/{name}") for name in (
        "athlete-gender", "country-for-sport", "judo-weight-categories", "medal-counts", "venue-from-sport")}


def test_every_medal_event_has_one_venue_and_says_who_says_so(kg):
    venues = [(v["event"], v["venue"], v["kind"], v["fact"], v["status"]) for v in kg.query("event-venues").to_dicts()]
    assert venues == [
        ("Para athletics, men's shot put F36", "Stade de France", "external", "i4", "inferred"),
        ("Para judo, 90 kg", "Champ-de-Mars Arena", "derived", None, None),
        ("Para judo, over 70 kg", "Champ-de-Mars Arena", "derived", None, None),
        ("Para judo, up to 57 kg", "Champ-de-Mars Arena", "derived", None, None),
        ("Para judo, up to 73 kg", "Champ-de-Mars Arena", "external", "e4", "inferred"),
        ("Para judo, women's 48 kg", "Champ-de-Mars Arena", "external", "b3", "verified"),
        ("Para powerlifting, men's 54 kg", "Porte de La Chapelle Arena", "external", "a3", "verified"),
        ("Para shooting, rifle standing", "Châteauroux Shooting Centre", "external", "c3", "verified"),
        ("Para swimming, 100 m breaststroke", "Paris La Défense Arena", "external", "d4", "inferred"),
    ]


def test_data_conforms_to_shapes_and_checks(kg):
    report = kg.validate()
    assert report.conforms, report.text


def test_no_sentence_of_the_article_is_copied_into_the_repository():
    words = re.findall(r"[\w'’-]+", shared(ARTICLE).read_text(encoding="utf-8").lower())
    grams = {" ".join(words[i:i + 8]) for i in range(len(words) - 7)}
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    copied = []
    for name in files:
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        found = re.findall(r"[\w'’-]+", text.lower())
        if any(" ".join(found[i:i + 8]) in grams for i in range(len(found) - 7)):
            copied.append(name)
    assert copied == []


def test_a_broken_shape_is_reported_with_focus_node_and_constraint(tmp_path):
    """A medal with two medal types fails validation, naming the medal and the constraint."""
    extra = tmp_path / "bad.trig"
    extra.write_text(
        "<https://w3id.org/kzgraph/graph/article/s05> {\n"
        "  <https://w3id.org/kzgraph/medal/paris-2024-david-degtyarev-gold>\n"
        "    <https://w3id.org/kzgraph/ontology#medalType> <https://w3id.org/kzgraph/ontology#Silver> .\n}\n",
        encoding="utf-8")
    with kzgraph.open() as kg:
        kg.load(extra)
        report = kg.validate()
    assert not report.conforms
    focus = {(str(v.focus_node), str(v.component).rsplit("#", 1)[-1]) for v in report.violations}
    assert ("https://w3id.org/kzgraph/medal/paris-2024-david-degtyarev-gold", "MaxCountConstraintComponent") in focus
