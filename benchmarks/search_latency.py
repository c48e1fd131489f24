"""Search latency and the search index's cost, as the data grow: ``kg.search(text, limit=20)``.

At each size, a fresh process opens an on-disk store (the article's dataset plus ``kzgraph synth`` data of
seed 1) through a new store directory whose generation is the store's (see ``common.view``), so nothing
kzgraph keeps beside a store is there yet, and runs the first search, which then builds the search index:
"first search" is that time.
Then it repeats each name (article names, another spelling, a Cyrillic one, a synthetic athlete, a word
that matches nothing) up to 20 times (5 with --quick) within a few seconds, and reports p50 and p99 of
wall time per search. The process runs twice on the same
store directory: the second shows what reopening costs once the first has run (an index kept beside the
store is then opened, not rebuilt). Load time is ``kzgraph load`` building the same store, when this run
built it. Targets at 10M: search p50 ≤ 10 ms; building the index ≤ 0.3× the load time.
"""

from __future__ import annotations

import json
import subprocess

from common import Context, Ratio, Section, child, human, percentile, view

TITLE = "Search latency and index build time"
ANALYSIS = """**What limits it.** The index is an SQLite database (kzgraph/search/: FTS5 for words and prefixes,
indexed folded names and spelling keys for exact and other-spelling matches, one-letter deletions for fuzzy
ones), kept beside the store's generation and built once: the first search in a fresh store directory is that
build (the names read from the store by two queries, folded in Python, one row per name), so it grows with the
number of names; a later process opens the file in milliseconds. A search is a handful of index lookups, and
its time grows with how many names share the words asked for (a common surname, or a word with many fuzzy
neighbours), whose candidates are ranked in Python."""
NAMES = ["David Degtyarev", "Degtyarev", "Shamey", "Дегтярёв", "Elbek Mipeya", "Mipeya", "qqqq"]
P50_TARGET, BUILD_TARGET = 0.010, 0.3

SEARCH = """
import json, sys, time
import kzgraph
names, repeats, budget = json.loads(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
kg = kzgraph.open(sys.argv[1])
kg.backend
start = time.perf_counter()
kg.search(names[0], limit=20)
first = time.perf_counter() - start
times, top = {}, {}
for name in names:
    times[name] = []
    until = time.perf_counter() + budget
    while len(times[name]) < repeats and (not times[name] or time.perf_counter() < until):
        start = time.perf_counter()
        hits = kg.search(name, limit=20)
        times[name].append(time.perf_counter() - start)
    top[name] = [hits[0].label, len(hits)] if hits else ["", 0]
_result = {"first": first, "times": times, "top": top}
"""


def run(ctx: Context) -> Section:
    section = Section(TITLE, __doc__.split("\n\n", 1)[1].strip(),
                      ["triples", "process", "first search s", "name", "p50 ms", "p99 ms", "hits", "first hit",
                       "peak MB"])
    repeats, budget = (5, 2.0) if ctx.quick else (20, 10.0)
    limit = 120.0 if ctx.quick else 600.0
    skip_from: int | None = None
    for size in ctx.scale_sizes():
        if skip_from is not None:
            section.rows.append([human(size), "", "", "", "", "", "",
                                 f"not run: over {limit:.0f} s at {human(skip_from)}", ""])
            continue
        store = view(ctx.scale_store(size), ctx.work / f"search-{size}", fresh=True)  # no index beside it yet
        p50s: list[float] = []
        build = 0.0
        for process in ("first", "second"):
            ctx.log(f"  search at {human(size)}, {process} process")
            try:
                result = child(SEARCH, str(store), json.dumps(NAMES), str(repeats), str(budget), timeout=limit)
            except subprocess.TimeoutExpired:
                section.rows.append([human(size), process, f"> {limit:.0f}", "", "", "", "", "timed out", ""])
                skip_from = size
                break
            times: dict[str, list[float]] = result["times"]  # type: ignore[assignment]
            top: dict[str, list[object]] = result["top"]  # type: ignore[assignment]
            for i, name in enumerate(NAMES):
                p50 = percentile(times[name], 50)
                p50s.append(p50)
                section.rows.append([human(size) if i == 0 else "", process if i == 0 else "",
                                     f"{result['first']:.3f}" if i == 0 else "", name, f"{p50 * 1000:.2f}",
                                     f"{percentile(times[name], 99) * 1000:.2f}", top[name][1], top[name][0],
                                     f"{result['maxrss_mb']:.0f}" if i == 0 else ""])
            if process == "first":
                build = result["first"]
        else:
            worst = max(p50s)
            section.ratios.append(Ratio(f"worst search p50 at {human(size)}, ms", worst * 1000,
                                        f"≤ {P50_TARGET * 1000:g}", worst <= P50_TARGET))
            load = ctx.load_seconds(size)
            if load:
                section.ratios.append(Ratio(f"first search / load time at {human(size)}", build / load,
                                            f"≤ {BUILD_TARGET}", build / load <= BUILD_TARGET))
                section.notes.append(f"At {human(size)}: `kzgraph load` built the store in {load:.1f} s; "
                                     f"the first search took {build:.2f} s.")
    section.notes.append(ANALYSIS)
    return section
