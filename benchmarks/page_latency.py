"""Page latency: ``kzgraph serve`` resource pages against Oxigraph server looking up the same resource.

At each size, ``kzgraph serve --store STORE --no-cache`` (every request evaluated, as the first visitor
of a page sees it) and ``oxigraph serve-read-only`` run on 127.0.0.1 over the same on-disk store (the
article's dataset plus ``kzgraph synth`` data of seed 1). A small asyncio HTTP/1.1 client with keep-alive
connections, 1 and then 8 at once, asks kzgraph for athlete, medal, event, venue, Games and delegation
pages (one of the article's and one synthetic of each kind) as HTML, Turtle and JSON-LD, and Oxigraph
for ``SELECT ?p ?o WHERE { <resource> ?p ?o }`` (JSON) on the same resource. Each run lasts a few seconds
or a number of requests, whichever ends first. Reported: p50 and p99 of wall time, their ratios to
Oxigraph's, answers with a 5xx status, the home page, how long kzgraph serve took to answer its first
request, and both servers' memory afterwards. Targets: p50 ≤ 25× and p99 ≤ 100× Oxigraph's lookup,
no 5xx, the home page ≤ 100 ms, serve answering within 2 s of start, memory ≤ 2× Oxigraph's + 200 MB.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse

from common import (
    Context,
    Ratio,
    Section,
    human,
    kzgraph_server,
    oxigraph_server,
    percentile,
)
from serve_vs_oxigraph import fetch

TITLE = "Pages: kzgraph serve vs Oxigraph server lookups of the same resource"
ANALYSIS = """**What limits it.** An HTML resource page runs four named queries one after another on a worker
thread (`resource-link-counts`, `resource-facts`, `graph-facts`, `medal-chain-sample`), builds its model and
renders a template; a resource with more than 50 links of one property (a Games, a venue) reads each property
with `resource-facts-sample` instead (at most 50 links shown, the rest counted), so its page costs about as
much however many links it has. Turtle and JSON-LD run `resource-description` (a CONSTRUCT, every link) and
serialise it, so they grow with the links. Oxigraph answers its one-pattern lookup in
Rust in well under a millisecond, so 25× leaves a few milliseconds for a whole page: HTML does not fit, Turtle
and JSON-LD mostly do. At 8 clients the client, both servers and any other work share the machine's cores, so
latency there measures the queue as much as the page. These runs use ``--no-cache``; the default server keeps
each answer until an update, so a page's later visitors are served from memory."""
BASE = "https://w3id.org/kzgraph/"
RESOURCES = {  # kind: (an article resource, a synthetic one of seed 1, in every size's data)
    "athlete": ("athlete/david-degtyarev", "athlete/synth-0001-anga-0000"),
    "medal": ("medal/paris-2024-david-degtyarev-gold", "medal/synth-0001-para-swimming-080-1"),
    "event": ("event/powerlifting-men-54kg", "event/synth-0001-para-swimming-080"),
    "venue": ("venue/porte-de-la-chapelle-arena", "venue/synth-0001-01"),
    "games": ("games/paris-2024", "games/synth-0001"),
    "delegation": ("delegation/kazakhstan-paris-2024", "delegation/synth-anga-0001"),
}
FORMATS = {".html": "text/html", ".ttl": "text/turtle", ".jsonld": "application/ld+json"}
LOOKUP = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
CLIENTS = [1, 8]
P50_TARGET, P99_TARGET, HOME_TARGET, START_TARGET = 25.0, 100.0, 0.100, 2.0


async def _load(base: str, path: str, accept: str, clients: int, seconds: float,
                requests: int) -> tuple[list[float], int]:
    """Latencies of GET ``path`` from ``clients`` connections, and how many answers were 5xx."""
    url = urllib.parse.urlsplit(base)
    request = (f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: {accept}\r\n"
               f"Connection: keep-alive\r\n\r\n").encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        try:
            while not latencies or (time.perf_counter() < deadline and len(latencies) < requests):
                started = time.perf_counter()
                status = await fetch(reader, writer, request)
                latencies.append(time.perf_counter() - started)
                errors += status >= 500
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors


def measure(base: str, path: str, accept: str, clients: int, seconds: float, requests: int) -> tuple[list[float], int]:
    """One warm-up request, then a run."""
    asyncio.run(_load(base, path, accept, 1, 0.0, 1))
    return asyncio.run(_load(base, path, accept, clients, seconds, requests))


def run(ctx: Context) -> Section:
    section = Section(TITLE, __doc__.split("\n\n", 1)[1].strip(),
                      ["triples", "kind", "resource", "format", "clients", "p50 ms", "p99 ms", "Oxigraph p50 ms",
                       "Oxigraph p99 ms", "p50 ×", "p99 ×", "requests", "5xx"])
    seconds, requests = (0.5, 20) if ctx.quick else (2.0, 100)
    kinds = {kind: pair[:1] for kind, pair in RESOURCES.items()} if ctx.quick else RESOURCES
    for size in ctx.scale_sizes():
        store = ctx.scale_store(size)
        worst50 = worst99 = 0.0
        errors = 0
        with oxigraph_server(store, ctx.work) as oxigraph, kzgraph_server(store, ctx.work, "--no-cache") as kz:
            ctx.log(f"  pages at {human(size)}: kzgraph serve answered after {kz.ready_seconds:.2f} s")
            for clients in CLIENTS:
                for kind, slugs in kinds.items():
                    for slug in slugs:
                        query = urllib.parse.urlencode({"query": LOOKUP.format(iri=BASE + slug)})
                        ox, _ = measure(oxigraph.base_url, f"/query?{query}", "application/sparql-results+json",
                                        clients, seconds, requests)
                        ox50, ox99 = percentile(ox, 50), percentile(ox, 99)
                        for extension, accept in FORMATS.items():
                            ctx.log(f"  /{slug}{extension} at {human(size)}, {clients} client(s)")
                            times, failed = measure(kz.base_url, f"/{slug}{extension}", accept, clients, seconds,
                                                    requests)
                            p50, p99 = percentile(times, 50), percentile(times, 99)
                            worst50, worst99 = max(worst50, p50 / ox50), max(worst99, p99 / ox99)
                            errors += failed
                            section.rows.append([human(size), kind, slug.split("/", 1)[1], extension, clients,
                                                 f"{p50 * 1000:.2f}", f"{p99 * 1000:.2f}", f"{ox50 * 1000:.2f}",
                                                 f"{ox99 * 1000:.2f}", f"{p50 / ox50:.1f}", f"{p99 / ox99:.1f}",
                                                 len(times), failed])
            home, failed = measure(kz.base_url, "/", "text/html", 1, seconds, requests)
            errors += failed
            memory = kz.rss_mb(), oxigraph.rss_mb()
            section.rows.append([human(size), "home page", "/", ".html", 1, f"{percentile(home, 50) * 1000:.2f}",
                                 f"{percentile(home, 99) * 1000:.2f}", "", "", "", "", len(home), failed])
            at = human(size)
            section.ratios += [
                Ratio(f"worst page p50 / Oxigraph lookup p50 at {at}", worst50, f"≤ {P50_TARGET:g}",
                      worst50 <= P50_TARGET),
                Ratio(f"worst page p99 / Oxigraph lookup p99 at {at}", worst99, f"≤ {P99_TARGET:g}",
                      worst99 <= P99_TARGET),
                Ratio(f"answers with a 5xx status at {at}", errors, "0", errors == 0),
                Ratio(f"home page p50 at {at}, ms", percentile(home, 50) * 1000, f"≤ {HOME_TARGET * 1000:g}",
                      percentile(home, 50) <= HOME_TARGET),
                Ratio(f"kzgraph serve: seconds to its first answer at {at}", kz.ready_seconds,
                      f"≤ {START_TARGET:g}", kz.ready_seconds <= START_TARGET)]
            if memory[0] is not None and memory[1] is not None:
                section.ratios.append(Ratio(f"serve memory / (2 × Oxigraph's + 200 MB) at {at}",
                                            memory[0] / (2 * memory[1] + 200), "≤ 1",
                                            memory[0] <= 2 * memory[1] + 200))
                section.notes.append(f"At {at}: kzgraph serve {memory[0]:.0f} MB resident after the run, "
                                     f"Oxigraph server {memory[1]:.0f} MB.")
    section.notes.append(ANALYSIS)
    return section
