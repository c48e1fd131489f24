"""What `--store` accepts, and what a store needs: the real `kzgraph` command on real directories.

A value that looks like a URL but is not an http(s) one is refused (it used to become a directory named
``ftp:``); a directory that is not a kzgraph store is never written into (a pyoxigraph store of other data
is named as such); a store this process may only read can be queried and served; a load says how many
quads it read and how many were new, and publishes no generation when nothing is new; what `export`
writes, `load` reads; a token file others can read is warned about.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kzgraph import formats
from tests.servers import free_port

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
ONE_TRIPLE = "<http://example.org/a> <http://example.org/p> 1 .\n"
# tests/fixtures/mini: ontology, data and derived graphs (with their prov:used and status), each triple in one graph
MINI_QUADS = 46
MEDALS_HEADER = "athlete_name,medal,sport,event,date,result,unit,athlete,medal_iri,date_status,result_status"
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


# 2. directories that are not kzgraph stores ----------------------------------------------------------

@pytest.mark.parametrize("args", [["query", "medals", "--store", "{dir}"], ["load", "{file}", "--store", "{dir}"],
                                  ["load", "--into", "{dir}"]])
def test_a_directory_of_other_files_is_refused_and_left_as_it_was(tmp_path: Path, args: list[str]) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes\n")
    (mine / "photos").mkdir()
    (mine / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    data = tmp_path / "one.ttl"
    data.write_text(ONE_TRIPLE)
    r = kz(*(a.format(dir=mine, file=data) for a in args))
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (f"kzgraph: error: {mine} is not empty and is not a kzgraph store (it holds notes.txt, "
                        f"photos); give a new or empty directory for the store\n")
    assert listing(mine) == {"notes.txt": 9, "photos/a.jpg": 2}


def test_an_empty_directory_becomes_a_store(tmp_path: Path) -> None:
    r = kz("query", "medals", "--store", str(tmp_path), "-f", "csv")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.count("\n") == 4
    assert sorted(os.listdir(tmp_path)) == ["GENERATION", "g000001", "g000001.lock", "write.lock"]


def test_a_raw_pyoxigraph_store_is_named_and_not_opened_as_a_kzgraph_store(tmp_path: Path) -> None:
    import pyoxigraph as ox

    raw = tmp_path / "raw.oxigraph"
    store = ox.Store(str(raw))
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.Literal("1")))
    store.flush()
    del store
    before = listing(raw)
    for args in (["query", "medals", "--store", str(raw)], ["load", "--into", str(raw)]):
        r = kz(*args)
        assert (r.returncode, r.stdout) == (2, "")
        assert r.stderr == (
            f"kzgraph: error: {raw} is a pyoxigraph (Oxigraph) store, not a kzgraph store: to query it, serve it "
            f"with Oxigraph server (oxigraph serve-read-only --location {raw}) and pass its URL (--store "
            f"http://127.0.0.1:7878/query), or dump it (oxigraph dump --location {raw} --file data.nq) and load "
            f"that file into a kzgraph store (kzgraph load data.nq --store NEW_DIR)\n")
    assert listing(raw) == before
    assert len(ox.Store.read_only(str(raw))) == 1


def test_a_store_made_before_generations_still_opens(tmp_path: Path) -> None:
    """A RocksDB directory at the path itself that holds kzgraph's graphs: what kzgraph wrote before."""
    import pyoxigraph as ox

    dump = tmp_path / "mini.nq"
    assert kz("export", "--format", "nq", "--out", str(dump)).returncode == 0
    legacy = tmp_path / "legacy.store"
    store = ox.Store(str(legacy))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    r = kz("query", "has-gold", "--store", str(legacy), "-f", "csv")
    assert (r.returncode, r.stdout, r.stderr) == (0, "true\n", "")
    assert "GENERATION" not in os.listdir(legacy)


# 3. a store this process may read but not write ------------------------------------------------------

def _drop_file_capabilities() -> None:
    """In the child, as root: drop the capabilities that let root ignore file modes (for the exec'd program)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _become_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _cannot_write(directory: Path, preexec_fn: Callable[[], None] | None) -> bool:
    """Whether a process started this way can run Python here and is refused a write in ``directory``."""
    probe = (f"import sys\ntry:\n    open({str(directory / 'probe')!r}, 'w')\nexcept PermissionError:\n"
             f"    sys.exit(0)\nsys.exit(1)\n")
    try:
        r = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=False, timeout=60,
                           preexec_fn=preexec_fn)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


@pytest.fixture(scope="module")
def read_only_store() -> Iterator[Reader]:
    """The real dataset in an on-disk store that the returned ``preexec_fn`` makes read-only: its files are
    mode 0444/0555, and a root test run starts kzgraph as ``nobody`` (or, when ``nobody`` cannot run this
    Python, as root without the capabilities that bypass file modes)."""
    top = Path(tempfile.mkdtemp(prefix="kzgraph-read-only-"))  # not under pytest's 0700 directories
    store = top / "kz.store"
    r = kz("query", "medals", "--store", str(store), "-f", "csv", home=None)
    assert r.returncode == 0, r.stderr
    r = kz("search", "Shamey", "--store", str(store), home=None)  # its search index, as a reader finds it
    assert r.returncode == 0, r.stderr
    (top / "one.ttl").write_text(ONE_TRIPLE)  # for a load the store refuses
    for path in [top, *store.rglob("*"), store]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    candidates: list[Callable[[], None] | None] = [None]
    if os.geteuid() == 0:
        candidates = [_become_nobody, _drop_file_capabilities]
    chosen = [c for c in candidates if _cannot_write(store, c)]
    try:
        if not chosen:
            if os.environ.get("CI") == "true":
                pytest.fail("cannot start a process that is refused writes to a read-only store")
            pytest.skip("cannot start a process that is refused writes to a read-only store")
        yield store, chosen[0]
    finally:
        for path in [top, store, *store.rglob("*")]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)
        shutil.rmtree(top)


def test_a_read_only_store_answers_queries(read_only_store: Reader) -> None:
    store, as_reader = read_only_store
    before = listing(store)
    r = kz("query", "medals", "--store", str(store), "-f", "csv", home=None, preexec_fn=as_reader)
    assert (r.returncode, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    assert lines[0] == MEDALS_HEADER
    assert len(lines) - 1 == 9
    r = kz("query", "athlete", "-p", "athlete=Shamey", "--store", str(store), "-f", "csv", home=None,
           preexec_fn=as_reader)
    assert (r.returncode, r.stderr) == (0, "")
    assert "Yergali Shamei" in r.stdout
    assert listing(store) == before


def test_a_read_only_store_refuses_a_load_with_exit_3(read_only_store: Reader) -> None:
    store, as_reader = read_only_store
    before = listing(store)
    r = kz("load", str(store.parent / "one.ttl"), "--store", str(store), home=None, preexec_fn=as_reader)
    assert (r.returncode, r.stdout) == (3, "")
    assert r.stderr == (f"kzgraph: error: cannot write to the store at {store}: it is read-only for this user "
                        f"(Permission denied: {store}/write.lock); it can be read, and changed by its owner or in "
                        f"a copy of your own\n")
    assert listing(store) == before


def test_a_read_only_store_is_served(read_only_store: Reader, tmp_path: Path) -> None:
    store, as_reader = read_only_store
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kzgraph", "serve", "--store", str(store), "--port", str(port),
             "--log-level", "warning"], env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=as_reader)
    try:
        body = _get(f"http://127.0.0.1:{port}/queries/medals?format=csv", process, log)
        assert body.splitlines()[0] == MEDALS_HEADER
        assert len(body.splitlines()) - 1 == 9
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert "Permission denied" not in log.read_text()


def _get(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> str:
    """The body at ``url`` once the server answers (failing with its log when it exits or never answers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kzgraph serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"kzgraph serve did not answer within {timeout:.0f} s:\n{log.read_text()}")


# 4. what a load reports, and a load that adds nothing ------------------------------------------------

def test_load_reports_quads_read_and_new_and_publishes_nothing_when_nothing_is_new(tmp_path: Path) -> None:
    store = tmp_path / "kz.store"
    assert kz("search", "Alpha", "--store", str(store)).returncode == 0  # the store, and its search index
    empty, one = tmp_path / "empty.ttl", tmp_path / "one.ttl"
    empty.write_text("")
    one.write_text(ONE_TRIPLE)

    def unchanged_by(*files: Path, message: str) -> None:
        before = listing(store)
        r = kz("load", *map(str, files), "--store", str(store))
        assert (r.returncode, r.stdout, r.stderr) == (0, "", message)
        assert listing(store) == before

    assert (store / "GENERATION").read_text() == "g000001\n"
    unchanged_by(empty, message=f"read 0 quads from 1 file(s) into {store}: 0 new (the store is unchanged)\n")
    r = kz("load", str(one), "--store", str(store))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", f"read 1 quad from 1 file(s) into {store}: 1 new\n")
    assert (store / "GENERATION").read_text() == "g000002\n"
    unchanged_by(one, message=f"read 1 quad from 1 file(s) into {store}: 0 new (the store is unchanged)\n")
    unchanged_by(one, empty, one,
                 message=f"read 2 quads from 3 file(s) into {store}: 0 new (the store is unchanged)\n")
    assert (store / "GENERATION").read_text() == "g000002\n"
    assert sorted(os.listdir(store)) == ["GENERATION", "g000002", "g000002.lock", "g000002.search.sqlite",
                                         "write.lock"]


# 5. what export writes, load reads -------------------------------------------------------------------

@pytest.mark.parametrize("name", formats.names("rdf"))
def test_every_file_export_writes_is_loaded(tmp_path: Path, name: str) -> None:
    fmt = formats.by_name(name)
    for extension in sorted({fmt.extension, f".{name}"}):
        out = tmp_path / f"kz{extension}"
        r = kz("export", "--format", name, "--out", str(out))
        assert (r.returncode, r.stdout) == (0, "")
        assert formats.by_extension(extension) == fmt
        store = tmp_path / f"store{extension}"
        r = kz("load", str(out), "--store", str(store))
        # a store starts as the built dataset: quads come back into their graphs, triples into the default one
        new = 0 if fmt.quads else MINI_QUADS
        unchanged = " (the store is unchanged)" if new == 0 else ""
        assert (r.returncode, r.stdout, r.stderr) == (
            0, "", f"read {MINI_QUADS} quads from 1 file(s) into {store}: {new} new{unchanged}\n")


# 6. a token file others can read ---------------------------------------------------------------------

@pytest.mark.parametrize("mode, warned", [(0o644, True), (0o640, True), (0o604, True), (0o600, False),
                                          (0o400, False)])
def test_serve_warns_of_a_token_file_others_can_read(tmp_path: Path, mode: int, warned: bool) -> None:
    token = tmp_path / "token"
    token.write_text("s3cret-token\n")
    token.chmod(mode)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kzgraph", "--home", str(MINI), "serve", "--port", str(port), "--allow-update",
             "--token-file", str(token), "--log-level", "warning"], env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL, stderr=out, stdin=subprocess.DEVNULL)
    try:
        assert _get(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", process, log).startswith("{")
    finally:
        process.terminate()
        process.wait(timeout=15)
    warnings = [line for line in log.read_text().splitlines() if "warning" in line]
    expected = [(f"kzgraph: warning: --token-file {token} is accessible to other users (mode {mode:04o}); "
                 f"anyone who can read it can update the store: chmod 600 {token}")]
    assert warnings == (expected if warned else [])
