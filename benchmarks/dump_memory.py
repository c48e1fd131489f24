"""Peak memory of ``kzgraph serve`` while a client downloads a whole dump, or the whole answer of a query in
CSV (``--query``, sent to ``/sparql`` with ``--max-rows`` raised to ``--max-rows``): streamed, it stays flat.

Serves an on-disk store (make one with ``kzgraph synth --triples 1M --seed 1 --out 1m.trig`` and ``kzgraph load
--store s1m 1m.trig``), asks for one small page first (so the server's resting memory is measured warm), then
downloads ``/dumps/kzgraph.FORMAT`` while reading the server's resident memory (``VmRSS``) and its peak
(``VmHWM``) from ``/proc``. Prints one JSON line; exits 1 when the peak grew by more than ``--bound`` MiB over
the resting memory (the dump is not streamed, or something holds it).

    python benchmarks/dump_memory.py --store s1m --format nq --bound 150
    python benchmarks/dump_memory.py --store s1m --query 'SELECT ?s ?p ?o WHERE { ?s ?p ?o }' --format csv

``--backend rdflib --home DIR`` serves rdflib's in-memory store of DIR's ontology/, data/ and queries/ instead
(put the synthetic TriG in DIR/data beside kzgraph's own data); its resting memory is the store itself, so
``grown_mib`` is what the dump costs on top of it. ``--store URL`` serves a SPARQL server's store (the remote
backend), whose dump kzgraph reads from the server as it comes.

    python benchmarks/dump_memory.py --backend rdflib --home rdfhome --format nq
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def _reset_peak(pid: int) -> None:
    """Start ``VmHWM`` afresh from the resident memory now (Linux's clear_refs), so that the peak is the
    download's, not that of loading the store (rdflib's load peaks above its resting memory)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError as exc:
        print(f"cannot reset the peak memory ({exc}): peak_mib may be the server's start-up peak", file=sys.stderr)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def measure(store: str | None, fmt: str, query: str | None = None, max_rows: int = 10_000_000, *,
            backend: str | None = None, home: str | None = None) -> dict[str, object]:
    """Serve ``store`` (or ``backend`` over ``home``), download its dump (or ``query``'s answer) in ``fmt``, and
    report the server's memory before and during it."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    where = [*(["--store", store] if store else []), *(["--backend", backend] if backend else []),
             *(["--home", home] if home else [])]
    server = subprocess.Popen([sys.executable, "-m", "kzgraph", "serve", *where, "--port", str(port),
                               "--log-level", "warning", "--max-rows", str(max_rows), "--query-timeout", "600"],
                              env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/queries", 300)
        with urllib.request.urlopen(f"{base}/queries/medals?limit=4", timeout=60) as page:
            page.read()
        resting = _kib(server.pid, "VmRSS")
        _reset_peak(server.pid)
        started, size = time.perf_counter(), 0
        path = f"/dumps/kzgraph.{fmt}" if query is None else "/sparql?" + urllib.parse.urlencode(
            {"query": query, "format": fmt})
        request = urllib.request.Request(base + path, headers={"Accept-Encoding": "identity"})
        with urllib.request.urlopen(request, timeout=600) as response:
            chunked = response.headers.get("Transfer-Encoding", "").lower() == "chunked"
            while piece := response.read(1 << 20):
                size += len(piece)
        engine = backend or ("remote" if store and store.startswith(("http://", "https://")) else "oxigraph")
        return {"backend": engine, "format": fmt, "bytes": size,
                "seconds": round(time.perf_counter() - started, 1), "chunked": chunked,
                "resting_mib": round(resting / 1024, 1),
                "peak_mib": round(_kib(server.pid, "VmHWM") / 1024, 1),
                "after_mib": round(_kib(server.pid, "VmRSS") / 1024, 1)}
    finally:
        server.terminate()
        server.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="an on-disk store (kzgraph load --store PATH)")
    parser.add_argument("--backend", choices=["oxigraph", "rdflib"], help="the engine (rdflib: in memory, --home)")
    parser.add_argument("--home", help="directory with ontology/, data/ and queries/ (kzgraph serve --home)")
    parser.add_argument("--format", default="nq", help="dump format: nq, trig, jsonld, ttl, nt, rdfxml")
    parser.add_argument("--query", help="SPARQL whose answer to download from /sparql instead of a dump")
    parser.add_argument("--max-rows", type=int, default=10_000_000, help="the server's --max-rows")
    parser.add_argument("--bound", type=float, default=150.0, help="MiB the peak may grow over the resting memory")
    args = parser.parse_args()
    if args.store is None and args.home is None:
        parser.error("give --store, or --backend rdflib --home DIR")
    report = measure(args.store, args.format, args.query, args.max_rows, backend=args.backend, home=args.home)
    grown = float(str(report["peak_mib"])) - float(str(report["resting_mib"]))
    report["grown_mib"], report["bound_mib"] = round(grown, 1), args.bound
    print(json.dumps(report))
    return 0 if grown <= args.bound else 1


if __name__ == "__main__":
    sys.exit(main())
