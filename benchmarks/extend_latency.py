"""OpenRefine's data extension (``/reconcile`` with ``extend=``): milliseconds per id as the data grow.

Opens an on-disk store (the article's dataset plus ``kzgraph synth`` data of seed 1, e.g. ``Context.store``'s)
through a view (``common.view``: the store itself is never written to), takes the first ``--ids`` synthetic
athletes, medals and events the store finds, and times, warm, the extension requests OpenRefine sends: all
those ids with the properties of their class (athletes: medal, medal-type, event, sport, date, games; medals:
athlete, event, date, result, unit, venue; events: sport, class, medal, athlete, venue), through the in-process
app (``POST /reconcile``, form field ``extend``). Reports the median per request and per id, wall-clock
and CPU time of the process (steadier on a shared machine).

    .venv/bin/python benchmarks/extend_latency.py /tmp/kzgraph-bench/store-gen1-1-100000 --work /tmp/extend-bench
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]  # this tree's

from common import view  # noqa: E402

KINDS = {  # class: properties asked for
    "Athlete": ["medal", "medal-type", "event", "sport", "date", "games"],
    "Medal": ["athlete", "event", "date", "result", "unit", "venue"],
    "Event": ["sport", "class", "medal", "athlete", "venue"],
}
FIRST = ("SELECT ?x WHERE {{ ?x a <https://w3id.org/kzgraph/ontology#{kind}> FILTER(CONTAINS(STR(?x), 'synth')) }} "
         "LIMIT {n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kzgraph-extend-bench"))
    parser.add_argument("--ids", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()

    from starlette.testclient import TestClient

    import kzgraph
    from kzgraph.web.app import Settings, create_app

    kg = kzgraph.open(str(view(args.store, args.work / f"view-{args.store.name}")))
    print(f"{args.store.name}: {len(kg.backend):,} quads", file=sys.stderr)
    with TestClient(create_app(kg, Settings()), base_url="http://kzgraph.test") as client:
        for kind, props in KINDS.items():
            ids = [str(row[0]) for row in kg.query(FIRST.format(kind=kind, n=args.ids)).rows]
            request = {"extend": json.dumps({"ids": ids, "properties": [{"id": p} for p in props]})}
            first = client.post("/reconcile", data=request)
            assert first.status_code == 200, first.text
            cells = sum(len(v) for row in first.json()["rows"].values() for v in row.values())
            times, cpu = [], []
            for _ in range(args.repeats):
                start, start_cpu = time.perf_counter(), time.process_time()
                client.post("/reconcile", data=request)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            one, one_cpu = statistics.median(times) * 1e3, statistics.median(cpu) * 1e3
            print(f"{kind:8} {len(ids)} ids × {len(props)} properties: {one:7.1f} ms per request, "
                  f"{one / len(ids):5.2f} ms per id, CPU {one_cpu / len(ids):5.2f} ms per id ({cells} values)")
    kg.close()


if __name__ == "__main__":
    main()
