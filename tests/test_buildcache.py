"""The dataset cache: a snapshot per content hash, written atomically, rebuilt when damaged, optional."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzgraph import buildcache, dataset
from kzgraph.backends.oxigraph import OxigraphBackend
from kzgraph.resources import Resources

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(MINI, tmp_path / "home")
    return tmp_path / "home"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("KZGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KZGRAPH_NO_CACHE", raising=False)
    return tmp_path / "cache"


def quads(backend: OxigraphBackend) -> set[bytes]:
    return set(backend.dump("nq").splitlines())


def built(root: Path) -> OxigraphBackend:
    backend = OxigraphBackend()
    buildcache.build(backend, Resources(str(root)))
    return backend


def test_the_snapshot_holds_what_the_build_gives(root, cache_dir):
    first = built(root)
    (snapshot,) = cache_dir.glob("dataset-*.nq")
    assert snapshot.name == f"dataset-{buildcache.key(Resources(str(root)))}.nq"
    second = built(root)  # from the snapshot
    fresh = OxigraphBackend()
    dataset.build(fresh, Resources(str(root)))
    assert quads(first) == quads(second) == quads(fresh)


def test_a_start_with_unchanged_inputs_hashes_nothing(root, cache_dir, monkeypatch):
    good = quads(built(root))
    (record,) = cache_dir.glob("inputs-*.txt")
    assert record.read_text(encoding="utf-8").endswith(buildcache.key(Resources(str(root))))

    def no_hashing(resources: Resources) -> str:
        raise AssertionError("the inputs were hashed although their os.stat is unchanged")

    with monkeypatch.context() as patched:
        patched.setattr(buildcache, "key", no_hashing)
        assert quads(built(root)) == good  # the key read from the record, the snapshot loaded
    changed = root / "data" / "a-athletes.trig"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    built(root)
    assert record.read_text(encoding="utf-8").endswith(buildcache.key(Resources(str(root))))
    assert len(list(cache_dir.glob("dataset-*.nq"))) == 2


def test_any_change_of_an_input_gives_another_key(root):
    keys = {buildcache.key(Resources(str(root)))}
    for path in (root / "data" / "a-athletes.trig", root / "ontology" / "kzgraph.ttl",
                 next((root / "queries" / "rules").glob("*.rq"))):
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        keys.add(buildcache.key(Resources(str(root))))
    (root / "data" / "c-new.trig").write_text("", encoding="utf-8")
    keys.add(buildcache.key(Resources(str(root))))
    assert len(keys) == 5


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_snapshot_is_rebuilt(root, cache_dir, damage, caplog):
    good = quads(built(root))
    (snapshot,) = cache_dir.glob("dataset-*.nq")
    data = snapshot.read_bytes()
    snapshot.write_bytes({"truncate": data[: len(data) // 2], "garbage": data.replace(b"> <", b"> <<", 5),
                          "empty": b""}[damage])
    with caplog.at_level("INFO", logger="kzgraph.buildcache"):
        assert quads(built(root)) == good
    assert snapshot.read_bytes() == data  # written again, whole
    said = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert said[0][:2] == ("kzgraph.buildcache", "INFO") and str(snapshot) in said[0][2] and "removed" in said[0][2]
    assert said[1:] == [("kzgraph.buildcache", "INFO", f"no dataset snapshot for these inputs ({snapshot}): "
                                                  "building the dataset"),
                        ("kzgraph.buildcache", "INFO", f"dataset snapshot written: {snapshot}")]


def test_no_cache_and_an_unwritable_cache(root, cache_dir, monkeypatch):
    monkeypatch.setenv("KZGRAPH_NO_CACHE", "1")
    good = quads(built(root))
    assert not cache_dir.exists()
    monkeypatch.setenv("KZGRAPH_NO_CACHE", "0")
    cache_dir.write_text("a file where the directory should be")
    assert quads(built(root)) == good  # no error: the cache is best effort


def test_old_snapshots_are_pruned(root, cache_dir):
    for i in range(buildcache.KEEP + 3):
        (root / "data" / "z.trig").write_text(f"<http://e/x{i}> <http://e/p> {i} .\n", encoding="utf-8")
        built(root)
    assert len(list(cache_dir.glob("dataset-*.nq"))) == buildcache.KEEP
    assert len(list(cache_dir.glob("inputs-*.txt"))) == 1  # one record of the inputs per home


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("KZGRAPH_CACHE_DIR", raising=False)
    monkeypatch.delenv("KZGRAPH_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert buildcache.cache_dir() == os.path.join(str(tmp_path), "kzgraph")


def test_cli_uses_and_fills_the_cache(root, cache_dir):
    env = {**os.environ, "PYTHONPATH": str(REPO), "KZGRAPH_CACHE_DIR": str(cache_dir)}
    runs = [subprocess.run([sys.executable, "-m", "kzgraph", "--home", str(root), "query", "medals", "-f", "csv"],
                           capture_output=True, env=env, timeout=60) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0] and runs[0].stdout == runs[1].stdout
    assert len(list(cache_dir.glob("dataset-*.nq"))) == 1 and not list(cache_dir.glob("*.partial"))
