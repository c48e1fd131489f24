"""What every benchmark family shares: the run's context, synthetic data and stores, timing, results.

Families compare kzgraph with the engine it wraps side by side in one run: calls are interleaved (A B, then
B A, …), repeated, and summarised by medians, so that a machine shared with other work slows both sides
alike. Results are ratios, never absolute times to assert on.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

REPO = Path(__file__).resolve().parent.parent
SEED = 2024
SCALE_SEED = 1  # the synthetic data of the families that grow with it (answer, search and page latency)
SCALE_SIZES = [100_000, 1_000_000, 10_000_000]
STORE_FORMAT = "gen1"  # part of cached stores' names: bump when kzgraph's on-disk layout changes


@dataclass
class Ratio:
    """One headline figure: ``value`` against a target (``ok`` None when there is no target)."""

    name: str
    value: float
    target: str
    ok: bool | None

    def cell(self) -> str:
        mark = "" if self.ok is None else (" ✅" if self.ok else " ❌")
        return f"{self.value:.2f}{mark}"


@dataclass
class Section:
    """What one family reports: a table, its headline ratios, notes and plots."""

    title: str
    intro: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plots: list[str] = field(default_factory=list)


@dataclass
class Context:
    """Options of the run and where its data lives."""

    quick: bool
    work: Path
    out: Path
    log: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)
    sizes: list[int] | None = None  # data sizes of the scaling families (None: each family's default)
    given: dict[int, Path] = field(default_factory=dict)  # ready-made stores of SCALE_SEED data, by size
    options: set[str] = field(default_factory=set)  # optional parts asked for, e.g. "virtuoso"

    def scale_sizes(self) -> list[int]:
        """The sizes the scaling families run at: ``--sizes``, else 100k (quick) or 100k, 1M and 10M."""
        return self.sizes or (SCALE_SIZES[:1] if self.quick else SCALE_SIZES)

    def synth(self, triples: int, seed: int = SEED) -> Path:
        """A synthetic TriG file of about ``triples`` triples (made once, kept in the work directory)."""
        path = self.work / f"synth-{seed}-{triples}.trig"
        if not path.exists():
            self.log(f"  generating {path.name}")
            run_kzgraph("synth", "--triples", str(triples), "--seed", str(seed), "--out", str(path))
        return path

    def store(self, triples: int, seed: int = SEED) -> Path:
        """An on-disk kzgraph store: the dataset plus ``synth(triples)`` (built once, then reused).

        The seconds its ``kzgraph load`` took are kept beside it (see ``load_seconds``).
        """
        path = self.work / f"store-{STORE_FORMAT}-{seed}-{triples}"
        if not (path / "GENERATION").exists():
            data = self.synth(triples, seed)
            self.log(f"  building {path.name}")
            start = time.perf_counter()
            run_kzgraph("load", str(data), "--store", str(path))
            path.with_suffix(".load-seconds").write_text(f"{time.perf_counter() - start:.3f}\n", encoding="ascii")
        return path

    def scale_store(self, triples: int) -> Path:
        """A store of ``SCALE_SEED`` data that this run may use: a fresh view of a ready-made store
        (``--stores``: never written to) or one of the work directory's own."""
        if triples not in self.given:
            return self.store(triples, SCALE_SEED)
        return view(self.given[triples], self.work / f"view-{triples}")

    def load_seconds(self, triples: int) -> float | None:
        """How long ``kzgraph load`` took to build the store of ``scale_store(triples)``, when known."""
        if triples in self.given:
            return None
        marker = self.store(triples, SCALE_SEED).with_suffix(".load-seconds")
        return float(marker.read_text(encoding="ascii")) if marker.exists() else None


def generation(store: Path) -> Path:
    """The current generation of an on-disk kzgraph store: a pyoxigraph store directory."""
    return store / (store / "GENERATION").read_text(encoding="ascii").strip()


def view(store: Path, path: Path, *, fresh: bool = False) -> Path:
    """A store directory at ``path`` whose current generation is ``store``'s (a symbolic link).

    Opened read-only, it reads ``store``'s data; whatever kzgraph keeps beside a store (locks, indexes)
    goes into ``path``, so ``store`` itself is never written to. A view of the same generation made by an
    earlier run is kept (with its search index) unless ``fresh``.
    """
    import shutil

    source = generation(store).resolve()
    if not fresh and (path / "GENERATION").exists() and generation(path).resolve() == source:
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    (path / source.name).symlink_to(source, target_is_directory=True)
    (path / "GENERATION").write_text(source.name + "\n", encoding="ascii")
    return path


def run_kzgraph(*args: str) -> subprocess.CompletedProcess:
    """``kzgraph ARGS`` from this checkout; raises with its stderr when it fails."""
    result = subprocess.run([sys.executable, "-m", "kzgraph", *args], capture_output=True, text=True,
                            env=child_env())
    if result.returncode != 0:
        raise RuntimeError(f"kzgraph {' '.join(args)} failed: {result.stderr}")
    return result


def child_env(**extra: str) -> dict[str, str]:
    """The environment of child processes: this checkout importable, bytecode written (as installed)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def interleaved(cases: dict[str, Callable[[], object]], repeats: int, *, warmup: int = 1,
                clock: Callable[[], float] = time.process_time) -> dict[str, list[float]]:
    """Run each case ``repeats`` times, alternating their order every round; seconds per run."""
    names = list(cases)
    for _ in range(warmup):
        for name in names:
            cases[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeats):
        for name in names if round_ % 2 == 0 else reversed(names):
            start = clock()
            cases[name]()
            times[name].append(clock() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def child(code: str, *args: str, env: dict[str, str] | None = None, timeout: float | None = None) -> dict[str, float]:
    """Run Python ``code`` in a fresh process; it prints a JSON object; ``maxrss_mb`` is added.

    ``subprocess.TimeoutExpired`` when it runs longer than ``timeout`` seconds (the process is killed).
    """
    wrapper = (code + "\nimport json as _j, resource as _r, sys as _s\n"
               "_result['maxrss_mb'] = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024\n"
               "print(_j.dumps(_result))\n")
    result = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True,
                            env=env or child_env(), timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark child failed: {result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> dict[str, str]:
    """Facts about this machine and the versions measured."""
    import platform

    import pyoxigraph

    facts = {"python": platform.python_version(), "platform": platform.platform(),
             "cores": str(os.cpu_count()), "pyoxigraph": pyoxigraph.__version__}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            facts["cpu"] = next(line.split(":", 1)[1].strip() for line in stream if line.startswith("model name"))
    except (OSError, StopIteration):
        facts["cpu"] = platform.processor() or "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as stream:
            kib = int(next(line.split()[1] for line in stream if line.startswith("MemTotal")))
        facts["memory"] = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        facts["memory"] = "unknown"
    try:
        import rdflib

        facts["rdflib"] = rdflib.__version__
    except ImportError:
        facts["rdflib"] = "not installed"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    facts["kzgraph commit"] = commit.stdout.strip() or "unknown"
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0,)
    facts["load average at start"] = f"{load[0]:.2f}"
    return facts


def human(n: float) -> str:
    """100k, 1M, 10M."""
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if n >= size:
            return f"{n / size:g}{unit}"
    return str(int(n))


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def program(name: str) -> str | None:
    """An executable on PATH or beside this Python (a virtual environment's bin), or None."""
    import shutil

    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if os.access(beside, os.X_OK) else None


class Server:
    """A server process on 127.0.0.1, started by ``start`` and stopped on leaving the ``with`` block."""

    def __init__(self, argv: list[str], base_url: str, ready: str, *, log: Path, timeout: float = 120.0,
                 env: dict[str, str] | None = None) -> None:
        import urllib.request

        self.argv, self.base_url = argv, base_url
        ready_url = base_url + ready
        with log.open("ab") as stream:
            self.process = subprocess.Popen(argv, stdout=stream, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=env)
        self.started = time.perf_counter()
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited with {self.process.returncode}; see {log}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as response:
                    if response.status == 200:
                        self.ready_seconds = time.perf_counter() - self.started
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{argv[0]} did not answer {ready_url} within {timeout:.0f} s; see {log}")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def rss_mb(self) -> float | None:
        """The server's resident memory now (Linux), in MB."""
        try:
            with open(f"/proc/{self.process.pid}/status", encoding="ascii") as stream:
                kib = next(int(line.split()[1]) for line in stream if line.startswith("VmRSS"))
        except (OSError, StopIteration, ValueError):
            return None
        return kib / 1024


def oxigraph_server(store: Path, work: Path) -> Server:
    """``oxigraph serve-read-only`` on a kzgraph store's current generation, default graph = the union."""
    oxigraph = program("oxigraph")
    if oxigraph is None:
        raise RuntimeError("oxigraph server not found (pip install oxigraph)")
    port = free_port()
    return Server([oxigraph, "serve-read-only", "--location", str(generation(store)), "--bind",
                   f"127.0.0.1:{port}", "--union-default-graph"],
                  f"http://127.0.0.1:{port}", "/query?query=ASK%7B%7D", log=work / "oxigraph-server.log")


def kzgraph_server(store: Path, work: Path, *options: str) -> Server:
    """``kzgraph serve --store STORE`` from this checkout."""
    port = free_port()
    return Server([sys.executable, "-m", "kzgraph", "serve", "--store", str(store), "--port", str(port),
                   "--log-level", "warning", *options],
                  f"http://127.0.0.1:{port}", "/sparql?query=ASK%7B%7D", log=work / "kzgraph-serve.log",
                  env=child_env())


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else float("nan")



NO_PLOT = "No plot: matplotlib is not installed."


def pyplot() -> Any:
    """``matplotlib.pyplot`` drawing to files, or None when matplotlib is not installed (no plots then)."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
