"""Throughput and latency of ``kzgraph serve`` against ``oxigraph serve-read-only`` on the same data.

Both servers run on 127.0.0.1 with the kzgraph dataset (ontology + data + derived facts, exported as
N-Quads; Oxigraph with ``--union-default-graph`` so that both answer the same). A small asyncio HTTP/1.1
client with keep-alive connections sends the same GET requests to both, at 4 and at 16 concurrent
clients, for a fixed time (and at most a fixed number of requests), and reports requests per second,
p50 and p99 latency and the ratio kzgraph / Oxigraph. Workloads:

- ``medals``: the ``medals`` named query's SPARQL at the SPARQL endpoint, JSON results;
- ``lookup``: one resource's facts, ``SELECT ?p ?o WHERE { <athlete/david-degtyarev> ?p ?o }``, JSON;
- ``page`` (kzgraph only, for reference): the same resource dereferenced as Turtle, ``/athlete/….ttl``.

kzgraph runs twice: with its answer cache (the default: the data are read-only, so repeated queries are
answered from memory) and with ``--no-cache`` (every request evaluated). The client shares the machine
with the servers, so absolute numbers are low on a small machine; compare the ratios. Not a test: run

    python benchmarks/serve_vs_oxigraph.py [--seconds 5] [--concurrency 4 16] [--markdown]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import kzgraph  # noqa: E402

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/kzgraph/athlete/david-degtyarev> ?p ?o }"


@dataclass
class Run:
    server: str
    workload: str
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}: {url}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server did not answer: {url}")


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on a kept-alive connection; read the whole answer; return the status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def load(base: str, path: str, concurrency: int, seconds: float, max_requests: int,
               accept: str) -> tuple[int, float, list[float], int]:
    url = urllib.parse.urlsplit(base)
    request = (f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: {accept}\r\nConnection: keep-alive\r\n\r\n"
               ).encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    done = 0

    async def client() -> None:
        nonlocal errors, done
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        try:
            while time.perf_counter() < deadline and done < max_requests:
                done += 1
                started = time.perf_counter()
                status = await fetch(reader, writer, request)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return len(latencies), time.perf_counter() - started, latencies, errors


def measure(server: str, base: str, workload: str, path: str, concurrency: int, seconds: float,
            max_requests: int, accept: str) -> Run:
    asyncio.run(load(base, path, concurrency, min(1.0, seconds / 5), max_requests, accept))  # warm up
    count, elapsed, latencies, errors = asyncio.run(load(base, path, concurrency, seconds, max_requests, accept))
    return Run(server, workload, concurrency, count, elapsed, latencies, errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each run (default 5)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap on requests per run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table for RESULTS.md")
    parser.add_argument("--kzgraph-option", action="append", default=[], metavar="OPTION",
                        help="an extra option for both kzgraph servers, e.g. --kzgraph-option=--workers=2")
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not os.access(oxigraph, os.X_OK):
        raise SystemExit("oxigraph server not found (pip install oxigraph)")

    with kzgraph.open() as kg:
        medals = kg.catalogue["medals"].sparql
        data = kg.export("nq")
    work = Path(tempfile.mkdtemp(prefix="kzgraph-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        (work / "data.nq").write_bytes(data)
        subprocess.run([oxigraph, "load", "--location", str(work / "store"), "--file", str(work / "data.nq")],
                       check=True, capture_output=True)
        servers: dict[str, tuple[str, str]] = {}
        port = free_port()
        processes.append(subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(work / "store"), "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        servers["oxigraph"] = (f"http://127.0.0.1:{port}", "/query")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        for name, extra in (("kzgraph", []), ("kzgraph --no-cache", ["--no-cache"])):
            port = free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "kzgraph", "serve", "--port", str(port), "--log-level", "warning", *extra,
                 *args.kzgraph_option],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            servers[name] = (f"http://127.0.0.1:{port}", "/sparql")
        for (base, endpoint), process in zip(servers.values(), processes, strict=False):
            wait_for(f"{base}{endpoint}?query=ASK%7B%7D", process)

        runs: list[Run] = []
        json_accept = "application/sparql-results+json"
        for concurrency in args.concurrency:
            for workload, query in (("medals", medals), ("lookup", LOOKUP)):
                for name, (base, endpoint) in servers.items():
                    path = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
                    runs.append(measure(name, base, workload, path, concurrency, args.seconds, args.max_requests,
                                        json_accept))
            for name in ("kzgraph", "kzgraph --no-cache"):
                runs.append(measure(name, servers[name][0], "page", "/athlete/david-degtyarev.ttl", concurrency,
                                    args.seconds, args.max_requests, "text/turtle"))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)

    baseline = {(r.workload, r.concurrency): r for r in runs if r.server == "oxigraph"}
    baseline.update({("page", c): baseline[("lookup", c)] for c in args.concurrency})
    header = ["workload", "clients", "server", "requests/s", "p50 ms", "p99 ms", "errors", "ratio to oxigraph"]
    rows = []
    for r in runs:
        ratio = r.rps / baseline[(r.workload, r.concurrency)].rps
        rows.append([r.workload, str(r.concurrency), r.server, f"{r.rps:,.0f}", f"{r.percentile(50):.2f}",
                     f"{r.percentile(99):.2f}", str(r.errors), f"{ratio:.2f}"])
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join("---" for _ in header) + " |")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)))
        for row in rows:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)))
    print(f"\n{os.cpu_count()} CPUs; each run {args.seconds:g} s after a warm-up; the client runs on the same "
          "machine. 'page' is compared with oxigraph's lookup.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
