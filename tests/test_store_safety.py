"""What `--store` accepts, and what a store needs: the real `kzgraph` command on real directories.

A value that looks like a URL but is not an http(s) one is refused (it used to become a directory named
``ftp:``); a directory that is not a kzgraph store is never written into (a pyoxigraph store of other data
is named as such); a store this process may only read can be queried and served; a load says how many
quads it read and how many were new, and publishes no generation when nothing is new; what `export`
writes, `load` reads; a token file others can read is warned about.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
ONE_TRIPLE = "<http://example.org/a> <http://example.org/p> 1 .\n"
MINI_QUADS = 42  # tests/fixtures/mini: ontology, data and derived graphs, each triple in one graph
NOBODY = 65534
#: An on-disk store made read-only, and how to start a process that may then only read it.
Reader = tuple[Path, Callable[[], None] | None]


def kz(*args: str, cwd: Path | None = None, home: Path | None = MINI,
       preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kzgraph`` from this checkout; exit code, stdout and stderr kept apart. ``preexec_fn`` runs
    in the child before the exec (pytest starts no threads that could hold a lock it needs)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    prefix = ["--home", str(home)] if home else []
    return subprocess.run([sys.executable, "-m", "kzgraph", *prefix, *args], capture_output=True, text=True,
                          check=False, cwd=cwd, env=env, timeout=120, preexec_fn=preexec_fn)


def listing(directory: Path) -> dict[str, int]:
    """Every file under ``directory`` with its size (what a refused command must leave as it was)."""
    return {str(p.relative_to(directory)): p.stat().st_size for p in sorted(directory.rglob("*")) if p.is_file()}


# 1. --store values that look like URLs ---------------------------------------------------------------

@pytest.mark.parametrize("store", ["ftp://x/y", "http//typo/sparql", "https:/typo", "file:///tmp/kz.store"])
@pytest.mark.parametrize("command", [["query", "medals"], ["load", "--into"]])
def test_a_url_that_is_not_http_is_refused_and_makes_no_directory(tmp_path: Path, store: str,
                                                                   command: list[str]) -> None:
    args = [*command, store] if command[-1] == "--into" else [*command, "--store", store]
    r = kz(*args, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (f"kzgraph: error: unsupported store URL {store!r}: a store is an http:// or https:// "
                        f"SPARQL endpoint, or a directory (for a directory of that name, write ./{store})\n")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_named_like_a_url_is_reached_with_dot_slash(tmp_path: Path) -> None:
    r = kz("query", "medals", "--store", "./ftp://x/y", "-f", "csv", cwd=tmp_path)
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.count("\n") == 4  # the header and the fixture's three medals
    assert (tmp_path / "ftp:" / "x" / "y" / "GENERATION").read_text() == "g000001\n"
