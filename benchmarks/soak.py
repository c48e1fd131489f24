"""Soak: a bounded stream of mixed requests to a SPARQL server on loopback, with what went wrong counted.

    python benchmarks/soak.py --url http://127.0.0.1:7878 --requests 20000 --seconds 300 [--pid PID]

Sends a fixed number of requests, or stops at the time limit, whichever comes first, from a few threads:
valid SPARQL queries (GET and POST), named queries and pages when the server has them, and bad requests
(syntax errors, unknown parameters, wrong methods, unacceptable media types). Valid requests must never
get a 5xx and every bad request must get a 4xx; with ``--pid`` the server's resident memory is sampled
and its growth reported. Only loopback addresses are accepted: this is a load test of a server of ours.


server, e.g. ``oxigraph serve-read-only``, can be soaked today); paths of ``kzgraph serve`` (named
queries, pages) go in ``EXTRA`` once they exist. As a benchmark family it reports "not measured" until
the ``kzgraph serve`` command is there.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

TITLE = "Soak of kzgraph serve"
NEEDS = "`kzgraph serve` (web branch)"

VALID = [
    ("GET", "query", "SELECT * WHERE { ?s ?p ?o } LIMIT 10", "application/sparql-results+json"),
    ("GET", "query", "ASK { ?s a ?type }", "application/sparql-results+json"),
    ("POST", "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json"),
    ("GET", "query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", "text/turtle"),
]
BAD = [
    ("GET", "query", "SELEC nothing", "application/sparql-results+json"),
    ("GET", "query", "SELECT * WHERE { ?s ?p ", "application/sparql-results+json"),
    ("GET", "nonsense-parameter", "x", "application/sparql-results+json"),
    ("POST", "update", "DROP ALL", "application/sparql-results+json"),  # read-only, or no token: refused
]
# kzgraph serve: named queries, a bound named query, pages and documents (sent with --kzgraph)
KZGRAPH = [
    ("GET", "page", "/queries/medals", "text/csv"),
    ("GET", "page", "/queries/athlete?athlete=Shamey", "application/sparql-results+json"),
    ("GET", "page", "/athlete/david-degtyarev.html", "text/html"),
    ("GET", "page", "/event/judo-90kg.ttl", "text/turtle"),
    ("GET", "page", "/search?q=Fedossova", "text/html"),
    ("GET", "page", "/", "text/html"),
]
KZGRAPH_BAD = [
    ("GET", "page", "/athlete/nobody.html", "text/html"),
    ("GET", "page", "/queries/athlete", "application/sparql-results+json"),
    ("GET", "page", "/queries/no-such-query", "text/csv"),
    ("GET", "page", "/static/../../etc/passwd", "text/plain"),
]


def loopback_only(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise SystemExit(f"soak: {url} is not on loopback; refusing to send load anywhere else")
    return url.rstrip("/")


def request(base: str, method: str, param: str, value: str, accept: str, paths: tuple[str, str]) -> int:
    data = None
    url = base + paths[0]
    if param == "update":
        url = base + paths[1]
    if param == "page":
        url = base + value
    elif method == "GET":
        url += "?" + urllib.parse.urlencode({param: value})
    else:
        data = urllib.parse.urlencode({param: value}).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0  # no answer at all: counted apart


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as stream:
            return int(next(line.split()[1] for line in stream if line.startswith("VmRSS"))) / 1024
    except (OSError, StopIteration, ValueError):
        return None


def soak(base: str, requests: int, seconds: float, threads: int, pid: int | None, seed: int = 7,
         kzgraph: bool = False) -> dict:
    base = loopback_only(base)
    paths = ("/sparql", "/sparql") if kzgraph else ("/query", "/update")
    valid_mix, bad_mix = (VALID + KZGRAPH, BAD + KZGRAPH_BAD) if kzgraph else (VALID, BAD)
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    memory = [rss_mb(pid)] if pid else []
    left = [requests]

    def worker(number: int) -> None:
        rng = random.Random(seed + number)
        while time.monotonic() < deadline:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            valid = rng.random() < 0.8
            method, param, value, accept = rng.choice(valid_mix if valid else bad_mix)
            status = request(base, method, param, value, accept, paths)
            kind = "valid" if valid else "bad"
            outcome = "no answer" if status == 0 else f"{status // 100}xx"
            with lock:
                counts[f"{kind} {outcome}"] += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    while any(t.is_alive() for t in pool):
        time.sleep(1)
        if pid:
            memory.append(rss_mb(pid))
    sizes = [m for m in memory if m is not None]
    return {"requests": sum(counts.values()), "counts": dict(sorted(counts.items())),
            "valid 5xx": counts["valid 5xx"], "bad not 4xx": sum(v for k, v in counts.items()
                                                                 if k.startswith("bad") and k != "bad 4xx"),
            "rss start MB": sizes[0] if sizes else None, "rss end MB": sizes[-1] if sizes else None,
            "rss max MB": max(sizes) if sizes else None}


def run(ctx: object) -> None:
    """As a benchmark family: nothing to measure until `kzgraph serve` exists."""
    from kzgraph.cli import COMMANDS

    if "serve" not in COMMANDS:
        return None
    raise NotImplementedError("start `kzgraph serve` on loopback and call soak() against it (web branch)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the server's base URL, on loopback")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pid", type=int, help="the server's process id, to follow its memory")
    parser.add_argument("--kzgraph", action="store_true",
                        help="the server is `kzgraph serve`: SPARQL at /sparql, and its pages and named queries too")
    args = parser.parse_args(argv)
    result = soak(args.url, args.requests, args.seconds, args.threads, args.pid, kzgraph=args.kzgraph)
    print(json.dumps(result, indent=2))
    return 0 if result["valid 5xx"] == 0 and result["bad not 4xx"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
