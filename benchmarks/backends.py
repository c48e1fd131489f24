"""Backends: the same named queries on the rdflib backend and on the embedded pyoxigraph backend.

Both hold the article's dataset plus the same synthetic TriG file, in memory, loaded through
``kg.load``; each side runs ``kg.query(name)`` and reads every row. Time is CPU time of this process,
interleaved runs, medians. The ratio is rdflib's time over pyoxigraph's: how much faster the default is.
"""

from __future__ import annotations

from common import Context, Ratio, Section, human, interleaved, median

TITLE = "Backends: rdflib vs the embedded pyoxigraph backend"
SIZE = 100_000
QUERIES = ["cq-s16-games-scale", "cq-s13-judo-over", "medals", "delegation", "cq-s09-records"]
TARGET = 10.0  # the issue expects pyoxigraph to be at least ten times faster


def run(ctx: Context) -> Section:
    import time

    import kzgraph

    data = ctx.synth(SIZE)
    section = Section(TITLE, __doc__.split("\n\n", 1)[1].strip(),
                      ["query", "triples", "rows", "rdflib ms", "pyoxigraph ms", "rdflib / pyoxigraph", "runs"])
    graphs = {}
    for backend in ("rdflib", "oxigraph"):
        start = time.perf_counter()
        kg = kzgraph.open(backend=backend)
        kg.load(str(data))
        graphs[backend] = kg
        section.notes.append(f"Loading {human(SIZE)} synthetic triples into the {backend} backend: "
                             f"{time.perf_counter() - start:.1f} s.")
    repeats = 3 if ctx.quick else 5
    ratios = []
    for name in QUERIES:
        rows = len(graphs["oxigraph"].query(name))
        assert rows == len(graphs["rdflib"].query(name)), name  # the same answer on both
        times = interleaved({b: (lambda kg=kg, name=name: kg.query(name).rows) for b, kg in graphs.items()}, repeats)
        rd, ox = median(times["rdflib"]), median(times["oxigraph"])
        ratios.append(rd / ox)
        section.rows.append([name, human(SIZE), rows, f"{rd * 1000:.1f}", f"{ox * 1000:.2f}", f"{rd / ox:.1f}",
                             repeats])
        section.ratios.append(Ratio(f"{name} at {human(SIZE)}", rd / ox, f"≥ {TARGET:g}", rd / ox >= TARGET))
    for kg in graphs.values():
        kg.close()
    return section
