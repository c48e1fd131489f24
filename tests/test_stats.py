"""``kzgraph stats`` and ``KnowledgeGraph.stats()``: triples outside every named graph get a row of their own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kzgraph
from kzgraph.cli import main

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"

# Three triples, no graph: a plain Turtle file goes into the default graph.
PLAIN_TTL = """\
@prefix ex: <http://example.org/> .
ex:a ex:p ex:b .
ex:a ex:p ex:c .
ex:a a ex:Thing .
"""

# The mini fixture's graphs, as ``kzgraph stats`` counts them.
MINI_KINDS = "ontology,1,9\r\nprovenance,1,16\r\narticle,2,17\r\nexternal,1,1\r\nderived,2,3\r\n"


def kzgraph_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    r = subprocess.run([sys.executable, "-m", "kzgraph", "--home", str(MINI), *args], check=False, capture_output=True,
                       env=env, timeout=120)
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode(), r.stderr.decode())


def test_a_plain_ttl_loaded_into_a_store_shows_as_the_default_graph(tmp_path):
    plain, store = tmp_path / "plain.ttl", tmp_path / "store"
    plain.write_text(PLAIN_TTL, encoding="utf-8")
    loaded = kzgraph_cli("--store", str(store), "load", str(plain))
    assert (loaded.returncode, loaded.stdout) == (0, "")
    assert loaded.stderr == f"read 3 quads from 1 file(s) into {store}: 3 new\n"

    r = kzgraph_cli("--store", str(store), "stats", "-f", "csv")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == ("kind,graphs,triples\r\n(default graph),1,3\r\n" + MINI_KINDS + "\n"
                        "class,instances\r\n"
                        "https://w3id.org/kzgraph/ontology#Medal,3\r\n"
                        "http://www.w3.org/ns/prov#Activity,2\r\n"
                        "https://w3id.org/kzgraph/ontology#Athlete,2\r\n"
                        "https://w3id.org/kzgraph/ontology#DerivedGraph,2\r\n"
                        "https://w3id.org/kzgraph/ontology#Rule,2\r\n"
                        "http://example.org/Thing,1\r\n"  # typed in the default graph: counted too
                        "https://w3id.org/kzgraph/ontology#MultiMedallist,1\r\n")

    r = kzgraph_cli("--store", str(store), "stats", "-f", "json")
    assert (r.returncode, r.stderr) == (0, "")
    stats = json.loads(r.stdout)
    assert stats["quads"] == 46 + 3 and stats["default_graph"] == 3
    assert stats["kinds"]["(default graph)"] == {"graphs": 1, "triples": 3}
    assert stats["classes"]["http://example.org/Thing"] == 1
    assert sum(k["triples"] for k in stats["kinds"].values()) == stats["quads"]


def test_no_default_graph_row_when_every_triple_is_in_a_named_graph():
    r = kzgraph_cli("stats", "-f", "csv")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.startswith("kind,graphs,triples\r\n" + MINI_KINDS)
    stats = json.loads(kzgraph_cli("stats", "-f", "json").stdout)
    assert stats["default_graph"] == 0 and "(default graph)" not in stats["kinds"]


def test_triples_outside_any_graph_in_a_data_file_in_process(tmp_path, capsys):
    """In memory, through the in-process CLI: a TriG file of the home with triples outside its graph blocks."""
    home = tmp_path / "home"
    shutil.copytree(MINI, home)
    (home / "data" / "c-plain.trig").write_text(PLAIN_TTL + "<http://example.org/g> { <http://example.org/x> "
                                                "<http://example.org/p> 1 . }\n", encoding="utf-8")
    assert main(["--home", str(home), "stats", "--format", "md"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[:4] == ["| kind | graphs | triples |", "| --- | --- | --- |",
                                    "| (default graph) | 1 | 3 |", "| ontology | 1 | 9 |"]
    assert "| other | 1 | 1 |" in out.splitlines()


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_library_counts_the_default_graph_on_each_embedded_engine(tmp_path, backend):
    plain = tmp_path / "plain.ttl"
    plain.write_text(PLAIN_TTL, encoding="utf-8")
    with kzgraph.open(root=MINI, backend=backend) as kg:
        assert kg.stats().default_graph == 0
        kg.load(plain)
        stats = kg.stats()
    assert stats.default_graph == 3
    assert stats.by_kind == {"(default graph)": (1, 3), "ontology": (1, 9), "provenance": (1, 16),
                             "article": (2, 17), "external": (1, 1), "derived": (2, 3)}
    assert stats.classes["http://example.org/Thing"] == 1
    assert stats.kinds_result().rows[0] == ("(default graph)", 1, 3)


@pytest.mark.parametrize("engine", ["oxigraph-server", "virtuoso"])
def test_servers_report_no_default_graph_for_a_dataset_in_named_graphs(engine_kg, engine):
    """Virtuoso's default graph is the union of its graphs: its triples are counted once, in their graphs."""
    stats = engine_kg(engine).stats()
    assert stats.default_graph == 0 and "(default graph)" not in stats.by_kind
    assert stats.by_kind["ontology"][0] == 1
