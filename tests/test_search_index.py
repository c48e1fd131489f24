"""The search index on the article's data: ranking rules with their scores, ``resolve``, and the index file
beside an on-disk store (built on load, opened not rebuilt, updated by update, untouched by a failed load)."""

from __future__ import annotations

import logging
import os

import pytest

import kzgraph
from kzgraph.errors import DataSyntaxError

KZ = "https://w3id.org/kzgraph/"
DEGTYAREV = KZ + "athlete/david-degtyarev"
SHAMEI = KZ + "athlete/yergali-shamei"
FEDOSOVA = KZ + "athlete/dayana-fedosova"


def top(kg, text):
    hit = kg.search(text, limit=1)[0]
    return hit.resource, hit.type, hit.matched, hit.score


@pytest.mark.parametrize("text, expected", [
    # exact name (main label): 1.0
    ("David Degtyarev", (DEGTYAREV, "athlete", "David Degtyarev", 1.0)),
    ("david degtyarev", (DEGTYAREV, "athlete", "David Degtyarev", 1.0)),
    # other name (hidden or alternative label): 0.95
    ("Shamey", (SHAMEI, "athlete", "Shamey", 0.95)),
    ("Fedossova", (FEDOSOVA, "athlete", "Fedossova", 0.95)),
    ("ергали шамей", (SHAMEI, "athlete", "Ергали Шамей", 0.95)),
    # other spelling of the main label: 0.93
    ("Dayana Fedossova", (FEDOSOVA, "athlete", "Dayana Fedosova", 0.93)),
    ("sha256", (KZ + "ontology#sha256", "property", "SHA-256", 0.93)),
    # every word, whole or by its key: 0.70 to 0.89
    ("Дегтярёв", (DEGTYAREV, "athlete", "David Degtyarev", 0.852)),
    ("judo", (KZ + "sport/para-judo", "sport", "para judo", 0.852)),
    # prefix: 0.55 to 0.69
    ("Degty", (DEGTYAREV, "athlete", "David Degtyarev", 0.637)),
    # fuzzy: 0.40 to 0.54
    ("Yergali Shamie", (SHAMEI, "athlete", "Yergali Shamei", 0.523)),
])
def test_ranking_tiers(kg, text, expected):
    assert top(kg, text) == expected


def test_exact_name_before_other_names_before_words():
    index = kzgraph.search.SearchIndex([
        kzgraph.search.Name(KZ + "a", "Anna Berg", "label"),
        kzgraph.search.Name(KZ + "b", "Bo Lind", "label"),
        kzgraph.search.Name(KZ + "b", "Anna Berg", "altLabel"),
        kzgraph.search.Name(KZ + "c", "Ana Berg", "label"),
        kzgraph.search.Name(KZ + "d", "Anna Berg Olsen", "label"),
        kzgraph.search.Name(KZ + "e", "Annabella Bergström", "label"),
        kzgraph.search.Name(KZ + "f", "Anna Bery", "label"),
    ])
    hits = index.search("Anna Berg")
    assert [(h.resource, h.score) for h in hits] == [
        (KZ + "a", 1.0), (KZ + "b", 0.95), (KZ + "c", 0.93), (KZ + "d", 0.865), (KZ + "e", 0.651), (KZ + "f", 0.523)]


@pytest.mark.parametrize("text", ["qqqq", "kkkk", "zzzz", "Nobody Atall", "", "?!"])
def test_nonsense_finds_nothing(kg, text):
    assert kg.search(text) == []


def test_ontology_terms_keep_their_own_type(kg):
    assert {h.type for h in kg.search("sha256")} == {"property"}
    assert top(kg, "medal") == (KZ + "ontology#Medal", "class", "medal", 1.0)


@pytest.mark.parametrize("text, iris", [
    ("David Degtyarev", [DEGTYAREV]), ("david degtyarev", [DEGTYAREV]), ("DAVID DEGTYARЁV", [DEGTYAREV]),
    ("Shamey", [SHAMEI]), ("Ерғали Шәмей", [SHAMEI]), ("Fedossova", [FEDOSOVA]), ("Dayana Fedossova", [FEDOSOVA]),
    ("Degty", []), ("Nobody", []), ("", []),
])
def test_resolve(kg, text, iris):
    assert kg.search_index.resolve(text) == iris


def test_resolve_prefers_the_exact_name_to_another_spelling():
    index = kzgraph.search.SearchIndex([kzgraph.search.Name(KZ + "a", "Anan Anly", "label"),
                                        kzgraph.search.Name(KZ + "b", "Anan Anli", "label")])
    assert index.resolve("anan anly") == [KZ + "a"]
    assert index.resolve("Anan Anlie") == []
    assert index.resolve("Anan Anlyi") == [KZ + "a", KZ + "b"]  # neither exact: both by spelling key


# ---------------------------------------------------------------------------------------------- on disk

EXTRA = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kz: <https://w3id.org/kzgraph/ontology#> .
<https://w3id.org/kzgraph/athlete/test-zeynep-aksoy> a kz:Athlete ; rdfs:label "Zeynep Aksoy" .
"""
BROKEN = "<https://w3id.org/kzgraph/athlete/x> <http://www.w3.org/2000/01/rdf-schema#label> \"unclosed .\n"


def index_files(store):
    return sorted(name for name in os.listdir(store) if name.endswith(".search.sqlite"))


def builds(caplog):
    return [r for r in caplog.records if r.name.startswith("kzgraph.search") and "built" in r.getMessage()]


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "kz.store"
    with kzgraph.open(path) as kg:
        kg.search("Shamey")  # the dataset, built into generation 1; then its index
    return path


def test_the_index_is_a_file_beside_the_generation_opened_not_rebuilt(store, caplog):
    assert index_files(store) == ["g000001.search.sqlite"]
    before = os.stat(store / "g000001.search.sqlite")
    caplog.set_level(logging.INFO, logger="kzgraph.search")
    with kzgraph.open(store) as kg:
        assert top(kg, "Shamey") == (SHAMEI, "athlete", "Shamey", 0.95)
        assert kg.search_index.path == str(store / "g000001.search.sqlite")
    after = os.stat(store / "g000001.search.sqlite")
    assert builds(caplog) == []
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_load_builds_the_new_generations_index_and_removes_the_old(store, tmp_path, caplog):
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    caplog.set_level(logging.INFO, logger="kzgraph.search")
    with kzgraph.open(store) as kg:
        kg.load(extra)
        assert len(builds(caplog)) == 1
        assert index_files(store) == ["g000002.search.sqlite"]
        assert top(kg, "Zeynep Aksoy") == (KZ + "athlete/test-zeynep-aksoy", "athlete", "Zeynep Aksoy", 1.0)
    with kzgraph.open(store) as kg:
        assert kg.search_index.resolve("zeynep aksoy") == [KZ + "athlete/test-zeynep-aksoy"]
    assert len(builds(caplog)) == 1


def test_update_builds_the_new_generations_index(store):
    with kzgraph.open(store) as kg:
        kg.update('PREFIX skos: <http://www.w3.org/2004/02/skos/core#> '
                  'INSERT DATA { GRAPH <https://w3id.org/kzgraph/graph/test> '
                  '{ <https://w3id.org/kzgraph/athlete/david-degtyarev> skos:hiddenLabel "Dekhtyaryov" } }')
        assert index_files(store) == ["g000002.search.sqlite"]
        assert top(kg, "Dekhtyaryov") == (DEGTYAREV, "athlete", "Dekhtyaryov", 0.95)
    with kzgraph.open(store) as kg:
        assert kg.search_index.resolve("dekhtyaryov") == [DEGTYAREV]


def test_a_failed_load_leaves_the_index_as_it_was(store, tmp_path, caplog):
    broken = tmp_path / "broken.nt"
    broken.write_text(BROKEN, encoding="utf-8")
    before = os.stat(store / "g000001.search.sqlite")
    caplog.set_level(logging.INFO, logger="kzgraph.search")
    with kzgraph.open(store) as kg:
        with pytest.raises(DataSyntaxError):
            kg.load(broken)
        assert top(kg, "Fedossova") == (FEDOSOVA, "athlete", "Fedossova", 0.95)
    after = os.stat(store / "g000001.search.sqlite")
    assert index_files(store) == ["g000001.search.sqlite"] and builds(caplog) == []
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)
