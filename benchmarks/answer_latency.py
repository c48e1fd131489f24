"""Answer latency: each named query against the fastest SPARQL for the same rows, as the data grow.

Every case of ``benchmarks/reference/`` (a named query with a representative parameter, and its reference
SPARQL, see reference.py) runs on an on-disk store holding the article's dataset plus ``kzgraph synth``
data of seed 1, at each size. Embedded: kzgraph's side is ``kg.query(name, **params)`` (binding, the
query, every term converted to a Python value); the reference side is raw pyoxigraph
``store.query(reference, use_default_graph_as_union=True)`` with every solution materialised, on the same
store in the same process. Remote: ``oxigraph serve-read-only`` on the same store, kzgraph's side through
``kzgraph.open(URL)``, the reference POSTed to the server by a bare ``httpx.Client`` (JSON decoded); with
``--virtuoso``, the same at 1M on Virtuoso, bulk-loaded with the same quads (see virtuoso.py). Calls
alternate and repeat; times are wall-clock medians. Target: kzgraph within 2× of the reference, or within
+3 ms where the reference answers in under 1 ms. A case that took more than a tenth of the time limit at
one size is not run at the next (it would take minutes); the table says so.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from common import (
    NO_PLOT,
    Context,
    Ratio,
    Section,
    Server,
    child,
    generation,
    human,
    interleaved,
    median,
    oxigraph_server,
    pyplot,
)
from reference import Case, cases

TITLE = "Answer latency: named queries vs the fastest SPARQL for the same rows"
ANALYSIS = """**What limits it.** Where a reference is the named query's own SPARQL (the queries rewritten to start
from their constant), the ratio is kzgraph's layer alone: finding the query, binding its parameters,
resolving a name through the search index, and one Python value per term of the answer (about half a
microsecond each). On answers of a millisecond or less that layer is a fixed fraction of a millisecond,
inside the +3 ms allowance. Where the reference is another query, the gap is the named query's shape:
Oxigraph evaluates an OPTIONAL of two or more patterns, or a pattern that shares no bound variable, over the
whole store before joining, so a query that reads right can be a hundred times slower than one that starts
from its constant (cq-s09 as first written: 168 ms against 25 ms at 100k). Whole-graph aggregates (`graphs`
counts every graph's triples) grow with the store on both sides. Through a server both sides pay HTTP and
JSON parsing; the remote backend adds binding and term conversion."""
LIMIT = 60.0  # seconds one run of one side may be expected to take
PROBE_LIMIT = 60.0  # seconds a first run of both sides may take (20 with --quick): a case over it is not run
EMBEDDED, OXIGRAPH, VIRTUOSO = "embedded", "Oxigraph server", "Virtuoso"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"  # SELECT, CONSTRUCT
VIRTUOSO_SIZE = 1_000_000  # Virtuoso only at this size, and only with --virtuoso (loading it takes minutes)


@dataclass
class Measure:
    """One case at one size on one engine: medians in seconds (None when not run) and row counts."""

    case: Case
    size: int
    engine: str
    kzgraph: float | None = None
    reference: float | None = None
    rows: tuple[int, int] = (0, 0)
    runs: int = 0
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.kzgraph / self.reference if self.kzgraph is not None and self.reference else None

    @property
    def ok(self) -> bool | None:
        """Within the target; None when not measured."""
        if self.kzgraph is None or self.reference is None:
            return None
        if self.rows[0] != self.rows[1]:
            return False
        return self.kzgraph <= 2 * self.reference or (self.reference < 1e-3 and self.kzgraph <= self.reference + 3e-3)


def time_pair(kzgraph: Callable[[], int], reference: Callable[[], int], budget: float,
              measure: Measure) -> None:
    """Warm both sides (counting rows), then alternate them within ``budget`` seconds; medians into ``measure``."""
    start = time.perf_counter()
    rows_kz = kzgraph()
    once_kz = time.perf_counter() - start
    start = time.perf_counter()
    rows_ref = reference()
    once_ref = time.perf_counter() - start
    measure.rows = (rows_kz, rows_ref)
    repeats = max(1, min(21, int(budget / max(once_kz + once_ref, 1e-6))))
    if once_kz + once_ref > budget:  # slow: the warm-up runs are the measurement
        measure.kzgraph, measure.reference, measure.runs = once_kz, once_ref, 1
        return
    times = interleaved({"kzgraph": kzgraph, "reference": reference}, repeats, warmup=0, clock=time.perf_counter)
    measure.kzgraph, measure.reference = median(times["kzgraph"]), median(times["reference"])
    measure.runs = repeats


def failed(exc: Exception) -> str:
    """A note for a case that failed: the error's kind and the start of its message, on one line."""
    return f"failed: {type(exc).__name__}: {' '.join(str(exc).split())[:120]}".replace("|", "/")


def too_slow(previous: dict[tuple[str, str], float], measure: Measure) -> bool:
    """Skip a case that took more than a tenth of the limit at the size before (noted in ``measure``)."""
    seconds = previous.get((measure.engine, measure.case.key))
    if seconds is None or seconds <= LIMIT / 10:
        return False
    too_slow = "not run: too slow or failed on the embedded engine or at the size before"
    measure.note = (too_slow if seconds == float("inf") else
                    f"not run: {seconds:.1f} s at the size before")
    return True


def open_index(kg: object, engine: str, size: int, chosen: list[Case], notes: list[str]) -> None:
    """Open (or build) the search index before timing when a case gives a name: names resolve there."""
    if all("://" in value for case in chosen for _, value in case.params):
        return
    start = time.perf_counter()
    kg.search("Degtyarev")  # type: ignore[attr-defined]
    notes.append(f"{engine} at {human(size)}: the search index was ready for the first search in "
                 f"{time.perf_counter() - start:.2f} s (untimed).")


def embedded(ctx: Context, store: Path, size: int, chosen: list[Case], budget: float,
             previous: dict[tuple[str, str], float], notes: list[str]) -> list[Measure]:
    """Every case through ``kg.query`` and on raw pyoxigraph, same store, same process."""
    import pyoxigraph as ox

    import kzgraph

    raw = ox.Store.read_only(str(generation(store)))
    measures = []
    with kzgraph.open(store) as kg:
        open_index(kg, EMBEDDED, size, chosen, notes)
        for case in chosen:
            measure = Measure(case, size, EMBEDDED)
            measures.append(measure)
            if too_slow(previous, measure):
                continue
            ctx.log(f"  {case.key} at {human(size)}, embedded")
            if not probe(store, case, PROBE_LIMIT / (3 if ctx.quick else 1)):
                measure.note = f"not run: a first run took over {PROBE_LIMIT / (3 if ctx.quick else 1):.0f} s"
                previous[(OXIGRAPH, case.key)] = previous[(VIRTUOSO, case.key)] = float("inf")
                continue
            try:
                time_pair(through_kzgraph(kg, case), raw_pyoxigraph(raw, case.sparql), budget, measure)
            except (kzgraph.KzgraphError, SyntaxError, OSError) as exc:  # pyoxigraph's errors, kzgraph's
                measure.kzgraph = measure.reference = None
                measure.runs, measure.note = 0, failed(exc)
    return measures


PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
import kzgraph, pyoxigraph as ox
from common import generation
from reference import load
case, store = load(Path(sys.argv[3])), Path(sys.argv[2])
with kzgraph.open(store) as kg:
    kg.query(case.query, **case.arguments(kg.catalogue))
list(ox.Store.read_only(str(generation(store))).query(case.sparql, use_default_graph_as_union=True))
_result = {}
"""


def probe(store: Path, case: Case, limit: float) -> bool:
    """Whether both sides answer once within ``limit`` seconds, tried in a process that can be stopped."""
    try:
        child(PROBE, str(Path(__file__).resolve().parent), str(store), str(case.path), timeout=limit)
    except subprocess.TimeoutExpired:
        return False
    except RuntimeError:
        return True  # it fails: the timed run says how
    return True


def through_kzgraph(kg: object, case: Case) -> Callable[[], int]:
    """``kg.query(name, **params)``: its rows (or triples), every value converted."""
    arguments = case.arguments(kg.catalogue)  # type: ignore[attr-defined]
    return lambda: len(kg.query(case.query, **arguments))  # type: ignore[attr-defined]


def raw_pyoxigraph(store: object, sparql: str) -> Callable[[], int]:
    """The reference on raw pyoxigraph, every solution (or triple) materialised."""
    return lambda: len([tuple(s) for s in store.query(sparql, use_default_graph_as_union=True)])  # type: ignore[attr-defined]


def remote(ctx: Context, server: Server, engine: str, endpoint: str, size: int, chosen: list[Case],
           budget: float, previous: dict[tuple[str, str], float], notes: list[str]) -> list[Measure]:
    """Every case through kzgraph's remote backend and POSTed bare to the same SPARQL server."""
    import httpx

    import kzgraph

    measures = []
    with server, httpx.Client(timeout=LIMIT * 5) as client, kzgraph.open(endpoint, timeout=LIMIT * 5) as kg:

        def post(sparql: str) -> int:
            response = client.post(endpoint, data={"query": sparql}, headers={"Accept": ACCEPT})
            response.raise_for_status()
            if response.headers.get("content-type", "").startswith("application/sparql-results+json"):
                return len(response.json()["results"]["bindings"])
            return sum(1 for line in response.text.splitlines() if line.strip())  # CONSTRUCT: N-Triples

        open_index(kg, engine, size, chosen, notes)
        for case in chosen:
            measure = Measure(case, size, engine)
            measures.append(measure)
            if too_slow(previous, measure):
                continue
            ctx.log(f"  {case.key} at {human(size)}, {engine}")
            try:
                time_pair(through_kzgraph(kg, case), partial(post, case.sparql), budget, measure)
            except (kzgraph.KzgraphError, httpx.HTTPError) as exc:
                measure.kzgraph = measure.reference = None
                measure.runs, measure.note = 0, failed(exc)
    return measures


def servers(ctx: Context, store: Path, size: int) -> list[tuple[str, Callable[[], Server], str]]:
    """The SPARQL servers to go through at ``size``: (engine, how to start it, its query path)."""
    chosen: list[tuple[str, Callable[[], Server], str]] = [
        (OXIGRAPH, partial(oxigraph_server, store, ctx.work), "/query")]
    if "virtuoso" in ctx.options and size == VIRTUOSO_SIZE:
        from virtuoso import virtuoso_server

        chosen.append((VIRTUOSO, partial(virtuoso_server, store, ctx.work / f"virtuoso-{size}"), "/sparql"))
    return chosen


def run(ctx: Context) -> Section:
    import kzgraph

    section = Section(TITLE, __doc__.split("\n\n", 1)[1].strip(),
                      ["query", "case", "triples", "engine", "rows", "kzgraph ms", "reference ms", "ratio",
                       "within target", "runs", "note"])
    chosen = cases()
    covered = {case.query for case in chosen}
    with kzgraph.open() as kg:  # names only: a query is parsed when a case asks for it
        uncovered = [name for name in kg.catalogue if name not in covered and not name.endswith("-violation")]
    budget = 0.5 if ctx.quick else 3.0
    previous: dict[tuple[str, str], float] = {}
    measures: list[Measure] = []
    for size in ctx.scale_sizes():
        store = ctx.scale_store(size)
        found = embedded(ctx, store, size, chosen, budget, previous, section.notes)
        for engine, start, path in servers(ctx, store, size):
            ctx.log(f"  starting {engine} at {human(size)}")
            try:
                server = start()
            except RuntimeError as exc:
                section.notes.append(f"{engine} at {human(size)}: not measured: {exc}")
                continue
            found += remote(ctx, server, engine, server.base_url + path, size, chosen, budget, previous,
                            section.notes)
        previous = {(m.engine, m.case.key): max(m.kzgraph or 0, m.reference or 0) for m in found if m.runs}
        previous.update({(m.engine, m.case.key): float("inf") for m in found if not m.runs})  # stays skipped
        measures += found
    for m in measures:
        section.rows.append(_row(m))
    for engine in (EMBEDDED, OXIGRAPH, VIRTUOSO):
        for size in ctx.scale_sizes():
            judged = [m.ok for m in measures if m.engine == engine and m.size == size]
            if not judged:
                continue
            met = sum(1 for ok in judged if ok)
            section.ratios.append(Ratio(f"{engine} at {human(size)}: share of {len(judged)} cases within target",
                                        met / len(judged) if judged else float("nan"), "= 1", met == len(judged)))
    if len(ctx.scale_sizes()) > 1:
        section.notes.append(growth(measures, ctx.scale_sizes()))
    if uncovered:
        section.notes.append("Named queries with no reference yet (not measured): " +
                             ", ".join(f"`{name}`" for name in uncovered) + ".")
    if not any(m.engine == VIRTUOSO for m in measures):
        section.notes.append(f"Virtuoso: not measured in this run (it is, at {human(VIRTUOSO_SIZE)}, with "
                             "`--virtuoso`: loading the data into Virtuoso takes minutes the first time).")
    plot = _plot(ctx, measures)
    if plot:
        section.plots.append(plot)
    else:
        section.notes.append(NO_PLOT)
    section.notes.append(ANALYSIS)
    return section


def growth(measures: list[Measure], sizes: list[int]) -> str:
    """A table: each case's kzgraph (and reference) ms at every size, and how much the largest grew."""
    head = ["query", "case", "engine", *(human(size) for size in sizes), "growth"]
    intro = ("How each answer grows with the data: kzgraph ms (reference ms) per size, and kzgraph's time at "
             f"{human(sizes[-1])} over its time at {human(sizes[0])} (a lookup of one resource should stay "
             "near 1; a whole-graph aggregate grows at most as the data do).")
    lines = [intro, "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    by_case: dict[tuple[str, str], dict[int, Measure]] = {}
    for m in measures:
        by_case.setdefault((m.case.key, m.engine), {})[m.size] = m
    for (_, engine), at in by_case.items():
        case = next(iter(at.values())).case
        cells = [f"{_ms(at[size].kzgraph)} ({_ms(at[size].reference)})" if size in at and at[size].kzgraph
                 else "" for size in sizes]
        first, last = at.get(sizes[0]), at.get(sizes[-1])
        grew = (f"{last.kzgraph / first.kzgraph:.1f}×" if first and last and first.kzgraph and last.kzgraph
                else "")
        lines.append("| " + " | ".join([case.query, case.case, engine, *cells, grew]) + " |")
    return "\n".join(lines)


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.2f}"


def _row(m: Measure) -> list[object]:
    rows = f"{m.rows[0]}" if m.rows[0] == m.rows[1] else f"{m.rows[0]} vs {m.rows[1]} (differ)"
    ok = "" if m.ok is None else ("✅" if m.ok else "❌")
    ratio = "" if m.ratio is None else f"{m.ratio:.2f}"
    return [m.case.query, m.case.case, human(m.size), m.engine, rows if m.runs else "", _ms(m.kzgraph),
            _ms(m.reference), ratio, ok, m.runs or "", m.note]


def _plot(ctx: Context, measures: list[Measure]) -> str | None:
    """Latency against data size, log–log, one small panel per case; None without matplotlib."""
    plt = pyplot()
    if plt is None:
        return None

    keys = sorted({m.case.key for m in measures})
    columns = 5
    lines = -(-len(keys) // columns)
    fig, axes = plt.subplots(lines, columns, figsize=(3.2 * columns, 2.4 * lines), squeeze=False)
    styles = {(EMBEDDED, "kzgraph"): ("C0", "o-"), (EMBEDDED, "reference"): ("C0", "x--"),
              (OXIGRAPH, "kzgraph"): ("C1", "o-"), (OXIGRAPH, "reference"): ("C1", "x--"),
              (VIRTUOSO, "kzgraph"): ("C2", "o-"), (VIRTUOSO, "reference"): ("C2", "x--")}
    for ax, key in zip(axes.flat, keys, strict=False):
        for (engine, side), (color, style) in styles.items():
            points = sorted((m.size, getattr(m, side) * 1000) for m in measures
                            if m.case.key == key and m.engine == engine and getattr(m, side) is not None)
            if points:
                ax.plot(*zip(*points, strict=False), style, color=color, label=f"{side}, {engine}", markersize=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(key, fontsize=7)
        ax.tick_params(labelsize=6)
        ax.grid(True, which="both", alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8)
    fig.supxlabel("triples in the store", fontsize=8)
    fig.supylabel("ms per answer (median)", fontsize=8)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    path = ctx.out / "answer-latency.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path.name
