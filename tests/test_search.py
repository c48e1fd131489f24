"""Search by name: folding (case, accents, Cyrillic and Kazakh letters), transliteration variants, ranking,
and the ``kzgraph search`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kzgraph.names import fold, key
from kzgraph.search import Name, SearchIndex

REPO = Path(__file__).resolve().parent.parent
KZ = "https://w3id.org/kzgraph/"


@pytest.mark.parametrize("text, folded", [
    ("Château de Versailles", "chateau de versailles"),
    ("Ерғали Шәмей", "yergali shamey"),
    ("Даяна Федосова", "dayana fedosova"),
    ("Жұрқамырза", "zhurkamyrza"),
    ("  Paris-La  Défense! ", "paris la defense"),
    ("Ёлка", "yelka"), ("Дегтярёв", "degtyarev"),
])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("a, b", [
    ("Shamei", "Shamey"), ("Fedosova", "Fedossova"), ("Degtyarev", "Дегтярев"), ("Degtiarev", "Degtjarev"),
    ("Yergali", "Ergali"), ("Yergali Shamei", "Ерғали Шәмей"), ("Zhumagali", "Zhumagaly"),
])
def test_transliteration_variants_share_a_key(a, b):
    assert key(a) == key(b)


def test_different_names_keep_different_keys():
    assert key("Raifova") != key("Fedosova") and key("Gabbasov") != key("Gabasova")


INDEX = SearchIndex([
    Name(KZ + "athlete/a", "Yergali Shamei", "label", "", "athlete"),
    Name(KZ + "athlete/a", "Shamey", "hiddenLabel", "", "athlete"),
    Name(KZ + "athlete/a", "Ерғали Шәмей", "altLabel", "kk", "athlete"),
    Name(KZ + "medal/m", "Yergali Shamei, silver, para judo up to 73 kg", "label", "en", "medal"),
    Name(KZ + "sport/judo", "para judo", "label", "en", "sport"),
    Name(KZ + "venue/v", "Champ-de-Mars Arena", "label", "en", "venue"),
    Name(KZ + "venue/v", "Grand Palais Éphémère", "altLabel", "fr", "venue"),
])


@pytest.mark.parametrize("text, first", [
    ("shamey", KZ + "athlete/a"), ("SHAMEI", KZ + "athlete/a"), ("Шамей", KZ + "athlete/a"),
    ("ergali", KZ + "athlete/a"), ("judo", KZ + "sport/judo"), ("grand palais", KZ + "venue/v"),
    ("champ de mars", KZ + "venue/v"), ("Shamie", KZ + "athlete/a"),
])
def test_ranked_first(text, first):
    assert INDEX.search(text)[0].resource == first


def test_one_hit_per_resource_with_the_main_label_and_what_matched():
    hits = INDEX.search("Shamey")
    assert [h.resource for h in hits] == [KZ + "athlete/a", KZ + "medal/m"]
    assert (hits[0].label, hits[0].matched, hits[0].type) == ("Yergali Shamei", "Shamey", "athlete")
    assert 0 < hits[1].score < hits[0].score <= 1


def test_every_word_must_match_and_empty_text_finds_nothing():
    assert INDEX.search("Shamei Fedosova") == []
    assert INDEX.search("   ") == [] and INDEX.search("?!") == []
    assert len(INDEX.search("a", limit=2)) <= 2


def test_search_of_the_dataset(kg):
    assert kg.search("Fedossova")[0].resource == KZ + "athlete/dayana-fedosova"
    assert kg.search("Даяна Федосова")[0].resource == KZ + "athlete/dayana-fedosova"
    assert kg.search("national shooting centre")[0].resource == KZ + "venue/chateauroux-shooting-centre"
    assert kg.search("medal", limit=1)[0].resource == KZ + "ontology#Medal"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kzgraph", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"})


def test_cli_search_csv():
    r = run("search", "Shamey", "--format", "csv", "--limit", "2")
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0] == "resource,label,type,matched,score"
    assert lines[1].startswith(f"{KZ}athlete/yergali-shamei,Yergali Shamei,athlete,Shamey,")
    assert len(lines) == 3


def test_cli_search_table_and_bad_limit():
    r = run("search", "Ерғали")
    assert r.returncode == 0 and "Yergali Shamei" in r.stdout
    r = run("search", "x", "--limit", "0")
    assert r.returncode == 2 and r.stdout == "" and "--limit" in r.stderr
