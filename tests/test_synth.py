"""Synthetic data: the ontology's shape (SHACL and checks pass), deterministic bytes, the asked-for size."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kzgraph
from kzgraph import synth
from kzgraph.backends import Source
from kzgraph.backends.oxigraph import OxigraphBackend
from kzgraph.errors import UsageError

REPO = Path(__file__).resolve().parent.parent
KZ = "https://w3id.org/kzgraph/ontology#"


def text(**options: object) -> str:
    out = io.StringIO()
    synth.write(out, **options)
    return out.getvalue()


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "kzgraph", *args], capture_output=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def small() -> tuple[str, synth.Summary]:
    out = io.StringIO()
    summary = synth.write(out, games=3, scale=0.02, seed=11)
    return out.getvalue(), summary


def test_same_seed_same_bytes_other_seed_other_bytes():
    assert text(games=2, scale=0.01, seed=5) == text(games=2, scale=0.01, seed=5)
    assert text(games=2, scale=0.01, seed=5) != text(games=2, scale=0.01, seed=6)


def test_the_bytes_of_a_seed_stay_the_same_across_versions(small):
    """Benchmarks compare runs of one seed across commits: a change to the generator keeps these hashes, or
    says why it changes the data (the same on Python 3.10 to 3.13)."""
    data, _summary = small
    assert hashlib.sha256(data.encode()).hexdigest() == \
        "7aca6005f39bd198a1e3d71363ba3c6ac755794050b836650aa0d21086d24e28"
    assert hashlib.sha256(text(games=2, scale=0.01, seed=5).encode()).hexdigest() == \
        "bb923e63bce397e0a30a664f8d0965e6a47e13b69f06bb552c473978b2eba94d"


def test_cli_writes_the_library_bytes_to_stdout_and_to_a_file(tmp_path):
    r = run("synth", "--games", "2", "--scale", "0.01", "--seed", "5")
    assert r.returncode == 0 and r.stdout.decode() == text(games=2, scale=0.01, seed=5)
    assert r.stderr.decode().startswith("synth: ") and "2 Games" in r.stderr.decode()
    r = run("synth", "--games", "2", "--scale", "0.01", "--seed", "5", "--out", str(tmp_path / "s.trig"))
    assert (r.returncode, r.stdout) == (0, b"")
    assert (tmp_path / "s.trig").read_text(encoding="utf-8") == text(games=2, scale=0.01, seed=5)
    assert [p.name for p in tmp_path.iterdir()] == ["s.trig"]  # no partial file left behind


def test_summary_counts_what_the_store_holds(small):
    data, summary = small
    backend = OxigraphBackend()
    assert backend.load([Source(data=data.encode(), format="trig")]) == summary.triples
    counts = {str(row[0]): row[1] for row in backend.query(
        "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")}
    assert (counts[f"{KZ}Games"], counts[f"{KZ}Event"], counts[f"{KZ}Medal"]) == \
        (summary.games, summary.events, summary.medals)
    assert summary.athletes >= counts[f"{KZ}Athlete"]  # returning athletes are counted at every Games


def test_a_full_games_has_the_real_games_size():
    summary = synth.Summary()
    for _chunk in synth.generate(games=1, summary=summary):
        pass
    assert (summary.events, 4300 <= summary.athletes <= 4500, 1600 <= summary.medals <= 1700) == (549, True, True)


def test_triples_lands_near_the_target():
    summary = synth.Summary()
    for _chunk in synth.generate(triples=20_000, scale=0.1, summary=summary):
        pass
    assert summary.games > 1 and abs(summary.triples - 20_000) < 1_000


def test_medals_are_skewed_towards_a_few_delegations(small):
    data, _summary = small
    backend = OxigraphBackend()
    backend.load([Source(data=data.encode(), format="trig")])
    per_country = sorted((row[0] for row in backend.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?m a kz:Medal ; kz:ofDelegation/kz:country ?c } GROUP BY ?c")),
        reverse=True)
    assert sum(per_country[:3]) > sum(per_country) / 3


def test_synthetic_data_passes_validate_with_rules(small, tmp_path):
    """As the data of a home directory: the rules run over it, then SHACL and the check queries."""
    data, _summary = small
    for part in ("ontology", "queries"):
        shutil.copytree(REPO / part, tmp_path / part)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "synth.trig").write_text(data, encoding="utf-8")
    r = run("--home", str(tmp_path), "validate")
    assert (r.returncode, r.stderr.decode()) == (0, "conforms\n")
    r = run("--home", str(tmp_path), "stats", "--format", "csv")
    assert "synthetic,4," in r.stdout.decode()


def test_synthetic_data_beside_the_article_changes_none_of_its_answers(small):
    data, _summary = small
    with kzgraph.open() as kg:
        before = kg.query("medals").rows
        kg.load(Source(data=data.encode(), format="trig", name="synthetic"))
        assert kg.query("medals").rows == before
        report = kg.validate()
        assert report.conforms, report.text


@pytest.mark.parametrize("raw,expected", [("100k", 100_000), ("1M", 1_000_000), ("10m", 10_000_000), ("250", 250)])
def test_parse_count(raw, expected):
    assert synth.parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["", "0", "-5", "1G", "k", "1.5M"])
def test_parse_count_refuses(raw):
    with pytest.raises(UsageError):
        synth.parse_count(raw)


def test_bad_options_are_usage_errors():
    with pytest.raises(UsageError):
        text(games=0)
    r = run("synth", "--triples", "lots")
    assert r.returncode == 2 and b"expected a positive count" in r.stderr


def test_a_failed_run_leaves_no_partial_file(tmp_path):
    r = run("synth", "--games", "1", "--scale", "50", "--out", str(tmp_path / "s.trig"))
    assert r.returncode == 2 and list(tmp_path.iterdir()) == []
