"""Remote lookups per second: kzgraph's remote backend vs a bare keep-alive httpx.Client vs SPARQLWrapper.

Starts its own Oxigraph server on 127.0.0.1 (the ``oxigraph`` program of the PyPI package), pushes the
dataset into it with ``kzgraph.push``, then runs two lookups (``label``: a one-pattern query with an IRI
bound; ``athlete``: the named query, a name bound) for a bounded number of requests or seconds per client,
and prints lookups per second and the ratios to the bare client. Not a test: run it by hand.

    python benchmarks/remote_lookups.py [--requests 300] [--seconds 10]

The bare client sends exactly the request kzgraph sends (same query text with its VALUES block, same
parameters, GET or form POST by the same rule, ``Accept: application/sparql-results+json``), prepared
once, and only decodes the JSON: the ratio is kzgraph's own overhead (binding, building the request,
turning JSON terms into Python values). SPARQLWrapper gets the same text and opens a connection per request.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import SPARQLWrapper

import kzgraph
from kzgraph import IRI
from kzgraph.backends.remote import RemoteBackend
from kzgraph.binding import bind
from kzgraph.namespaces import PREFIXES
from kzgraph.push import push
from kzgraph.resources import find
from kzgraph.sparqltext import insert_values, with_prefixes

ATHLETE = "https://w3id.org/kzgraph/athlete/"
LABEL = "SELECT ?athlete ?name WHERE { ?athlete rdfs:label ?name }"  # a trivial lookup by IRI


def oxigraph_program() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        sys.exit("oxigraph server not found: pip install oxigraph")
    return found


def start_server(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([oxigraph_program(), "serve", "--location", str(workdir / "store"), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            return process, base
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit("oxigraph server did not start")


ROUND = 50


def measure(runs: dict[str, Callable[[], int]], requests: int, seconds: float) -> dict[str, tuple[float, int]]:
    """Lookups per second and count for each client, interleaved in rounds of ROUND requests (so that a
    busy moment of the machine hits all clients alike), until ``requests`` each or ``seconds`` in all."""
    for run in runs.values():  # warm up: connections, caches
        for _ in range(5):
            run()
    spent = dict.fromkeys(runs, 0.0)
    done = dict.fromkeys(runs, 0)
    started = time.perf_counter()
    while min(done.values()) < requests and time.perf_counter() - started < seconds * len(runs):
        for label, run in runs.items():
            begin = time.perf_counter()
            for _ in range(ROUND):
                run()
            spent[label] += time.perf_counter() - begin
            done[label] += ROUND
    return {label: (done[label] / spent[label], done[label]) for label in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="at most this many lookups per client")
    parser.add_argument("--seconds", type=float, default=10.0, help="at most this long per client")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        process, base = start_server(Path(tmp))
        try:
            query_url = f"{base}/query"
            with RemoteBackend(query_url, update_url=f"{base}/update") as writer:
                push(writer, find())
            kg = kzgraph.open(query_url)
            kg.query("ASK {}")  # the backend asks the server once how to get the union default graph
            lookups = {
                "label": (LABEL, {"athlete": IRI(ATHLETE + "david-degtyarev")}),
                "athlete": (kg.catalogue["athlete"], {"athlete": "David Degtyarev"}),
            }
            client = httpx.Client(headers={"Accept": "application/sparql-results+json"})
            rows = []
            for lookup, (query, params) in lookups.items():
                sparql = query if isinstance(query, str) else query.sparql
                bound = params if isinstance(query, str) else bind(query, params)
                text = with_prefixes(insert_values(sparql, bound), PREFIXES)
                encoded = urlencode([("query", text), ("union-default-graph", "")], quote_via=quote)
                get = len(query_url) + len(encoded) < 2000  # kzgraph's rule: GET unless the URL is long

                def through_kzgraph(query=query, params=params) -> int:
                    return len(kg.query(query, **params))

                def bare_httpx(encoded=encoded, get=get) -> int:
                    if get:
                        response = client.get(f"{query_url}?{encoded}")
                    else:
                        response = client.post(query_url, content=encoded.encode(), headers={
                            "Content-Type": "application/x-www-form-urlencoded"})
                    response.raise_for_status()
                    return len(response.json()["results"]["bindings"])

                def sparqlwrapper(text=text, get=get) -> int:
                    sw = SPARQLWrapper.SPARQLWrapper(query_url, returnFormat=SPARQLWrapper.JSON)
                    sw.setQuery(text)
                    sw.addParameter("union-default-graph", "")
                    sw.setMethod(SPARQLWrapper.GET if get else SPARQLWrapper.POST)
                    return len(sw.queryAndConvert()["results"]["bindings"])  # type: ignore[index]

                assert through_kzgraph() == bare_httpx() == sparqlwrapper() > 0  # all three answer the same
                measured = measure({"bare httpx.Client (keep-alive)": bare_httpx,
                                    "kzgraph remote backend": through_kzgraph,
                                    "SPARQLWrapper (default transport)": sparqlwrapper}, args.requests, args.seconds)
                bare = measured["bare httpx.Client (keep-alive)"][0]
                rows += [(lookup, "GET" if get else "form POST", label, rate, count, rate / bare)
                         for label, (rate, count) in measured.items()]
            server = httpx.get(f"{query_url}?query=ASK%7B%7D").headers.get("server", "?")
            print(f"machine: {platform.machine()} {platform.processor() or ''} · {platform.system()} "
                  f"{platform.release()} · Python {platform.python_version()}")
            print(f"server: {server} on loopback · httpx {httpx.__version__} · SPARQLWrapper "
                  f"{SPARQLWrapper.__version__} · kzgraph {kzgraph.__version__}")
            print(f"per lookup: clients interleaved in rounds of {ROUND}, until {args.requests} requests each "
                  f"or about {args.seconds:g} s per client")
            print("| lookup | request | client | lookups/s | requests | × bare |")
            print("| --- | --- | --- | ---: | ---: | ---: |")
            for lookup, form, label, rate, count, ratio in rows:
                print(f"| {lookup} | {form} | {label} | {rate:.1f} | {count} | {ratio:.2f} |")
            client.close()
            kg.close()
        finally:
            process.terminate()
            process.wait(timeout=15)


if __name__ == "__main__":
    main()
