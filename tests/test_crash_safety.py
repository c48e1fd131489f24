"""Crash safety of on-disk stores: `kzgraph load` killed with SIGKILL at random points leaves the old data or
the new, never a mix; readers during a load see one or the other; the next writer cleans up."""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kzgraph
from kzgraph import synth
from kzgraph.backends.oxigraph import OxigraphBackend

REPO = Path(__file__).resolve().parent.parent
KILLS = 20

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def kzgraph_load(data: Path, store: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "kzgraph", "load", str(data), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def generations(store: Path) -> list[str]:
    return sorted(p.name for p in store.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A store holding the dataset (the old data), and a synthetic file that adds to it (the new)."""
    root = tmp_path_factory.mktemp("crash")
    with kzgraph.open(root / "base") as kg:
        old = len(kg.backend)
    data = root / "synthetic.trig"
    with data.open("w", encoding="utf-8") as out:
        synth.write(out, games=2, scale=0.1, seed=3)
    store = root / "full"
    shutil.copytree(root / "base", store)
    started = time.perf_counter()
    with kzgraph_load(data, store) as process:  # the with block closes its stderr pipe
        assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    duration = time.perf_counter() - started
    with kzgraph.open(store) as kg:
        new = len(kg.backend)
    assert new > old
    return root, data, old, new, duration


def test_sigkill_during_load_leaves_old_or_new_never_a_mix(setup):
    root, data, old, new, duration = setup
    rng = random.Random(7)
    outcomes, interrupted = [], 0
    for i in range(KILLS):
        store = root / f"killed-{i}"
        shutil.copytree(root / "base", store)
        with kzgraph_load(data, store) as process:
            time.sleep(rng.uniform(0.2, 1.1) * duration)  # most kills land while the copy is being written
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
        interrupted += len(generations(store)) > 1  # a half-written generation left behind
        backend = OxigraphBackend(store)
        count = len(backend)
        backend.close()
        assert count in (old, new), f"kill {i}: {count} quads, neither {old} nor {new}"
        outcomes.append(count)
    print(f"{interrupted} of {KILLS} kills interrupted a write; outcomes: {outcomes.count(old)} old, "
          f"{outcomes.count(new)} new; a load takes {duration:.2f} s")
    assert interrupted >= 1, "no kill landed during a load: make the input larger"
    # the next load over a killed store finishes the job and removes what the crash left
    store = root / "killed-0"
    with kzgraph_load(data, store) as process:
        assert process.wait(timeout=120) == 0
    with kzgraph.open(store) as kg:
        assert len(kg.backend) == new
    assert len(generations(store)) == 1


def test_readers_during_a_load_see_old_or_new(setup):
    root, data, old, new, _duration = setup
    store = root / "read-while-writing"
    shutil.copytree(root / "base", store)
    seen = []
    with kzgraph_load(data, store) as process:
        while process.poll() is None:
            with kzgraph.open(store) as kg:
                seen.append(len(kg.backend))
                assert kg.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0][0] == seen[-1]
    assert process.returncode == 0
    assert set(seen) <= {old, new} and old in seen
    with kzgraph.open(store) as kg:
        assert len(kg.backend) == new


def test_failed_load_and_update_keep_the_generation(tmp_path):
    store = tmp_path / "store"
    backend = OxigraphBackend(store)
    backend.load([kzgraph.backends.Source(data=b"<http://e/a> <http://e/p> 1 .", format="ttl")])
    (before,) = generations(store)
    with pytest.raises(kzgraph.DataSyntaxError):
        backend.load([kzgraph.backends.Source(data=b"<http://e/a> <http://e/p> .", format="ttl")])
    with pytest.raises(kzgraph.QuerySyntaxError):
        backend.update("INSERT DATA { <http://e/a> }")
    assert generations(store) == [before] and len(backend) == 1
    backend.update("INSERT DATA { <http://e/b> <http://e/p> 2 }")
    assert len(backend) == 2 and generations(store) != [before]
    backend.close()


def test_a_second_writer_is_refused_and_readers_keep_their_generation(tmp_path):
    store = tmp_path / "store"
    writer = OxigraphBackend(store)
    writer.load([kzgraph.backends.Source(data=b"<http://e/a> <http://e/p> 1 .", format="ttl")])
    reader = OxigraphBackend(store)
    writer.load([kzgraph.backends.Source(data=b"<http://e/b> <http://e/p> 2 .", format="ttl")])
    assert (len(reader), len(writer)) == (1, 2)  # the reader's generation is kept while it is open
    assert len(generations(store)) == 2
    reader.close()
    lock = os.open(store / "write.lock", os.O_RDWR)
    import fcntl

    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        with pytest.raises(kzgraph.BackendError, match="another kzgraph is writing"):
            writer.load([kzgraph.backends.Source(data=b"<http://e/c> <http://e/p> 3 .", format="ttl")])
    finally:
        os.close(lock)
    writer.update("INSERT DATA { <http://e/c> <http://e/p> 3 }")
    assert len(generations(store)) == 1  # the old one is cleaned up once no reader holds it
    writer.close()


def test_synthetic_input_is_big_enough_to_be_killed_mid_load(setup):
    _root, data, _old, _new, _duration = setup
    assert data.stat().st_size > 100_000 and io.DEFAULT_BUFFER_SIZE < data.stat().st_size
