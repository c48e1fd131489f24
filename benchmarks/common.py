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

REPO = Path(__file__).resolve().parent.parent
SEED = 2024
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

    def synth(self, triples: int) -> Path:
        """A synthetic TriG file of about ``triples`` triples (made once, kept in the work directory)."""
        path = self.work / f"synth-{SEED}-{triples}.trig"
        if not path.exists():
            self.log(f"  generating {path.name}")
            run_kzgraph("synth", "--triples", str(triples), "--seed", str(SEED), "--out", str(path))
        return path

    def store(self, triples: int) -> Path:
        """An on-disk kzgraph store: the dataset plus ``synth(triples)`` (built once, then reused)."""
        path = self.work / f"store-{STORE_FORMAT}-{SEED}-{triples}"
        if not (path / "GENERATION").exists():
            data = self.synth(triples)
            self.log(f"  building {path.name}")
            run_kzgraph("load", str(data), "--store", str(path))
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


def child(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run Python ``code`` in a fresh process; it prints a JSON object; ``maxrss_mb`` is added."""
    wrapper = (code + "\nimport json as _j, resource as _r, sys as _s\n"
               "_result['maxrss_mb'] = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024\n"
               "print(_j.dumps(_result))\n")
    result = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True,
                            env=env or child_env())
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
