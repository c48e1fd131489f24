"""Dumps of a remote store written as the server sends them, in constant memory.

The server is asked for every quad (``all-quads``), or for a format without named graphs every triple of the
union once (``all-triples``: ``SELECT DISTINCT``, so the server, not kzgraph, remembers which it sent), as SPARQL
JSON results. The response is read as it comes (``client.Http.stream``: the same retries, timeout and errors as
any query), one binding at a time (``results.jsonrows``: its terms read as a whole document's are, Virtuoso's
blank nodes included), and each quad written by pyoxigraph's serialiser into the caller's ``write``
(``oxrdf.write_quads``). kzgraph holds a chunk of the response and the serialiser's buffer, never the dump. A
server that answers only SPARQL XML has its answer read whole, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import httpx

from ..errors import EndpointError, ResultsSyntaxError
from ..results import SelectResult
from ..results.documents import parse
from ..results.jsonrows import bindings
from ..terms import Value
from .oxrdf import write_quads

__all__ = ["write_solutions"]

_JSON = "application/sparql-results+json"
Quad = tuple[Value, Value, Value, str | None]


def _rows(response: httpx.Response, media: str) -> Iterator[dict[str, Value]]:
    """The bindings of the answer: read as they come from SPARQL JSON, else from the whole document."""
    if media in (_JSON, "application/json"):
        yield from bindings(response.iter_bytes())
        return
    result = parse(response.read(), media)
    if not isinstance(result, SelectResult):
        raise ResultsSyntaxError("xml", "a boolean, not the solutions of the dump's query")
    for row in result:
        yield {name: value for name, value in zip(result.columns, row, strict=True) if value is not None}


def _quads(rows: Iterable[dict[str, Value]], with_graphs: bool) -> Iterator[Quad]:
    for row in rows:  # the query's pattern binds every variable; a row without one is a KeyError
        yield row["s"], row["p"], row["o"], str(row["g"]) if with_graphs else None


def write_solutions(response: httpx.Response, fmt: str, with_graphs: bool, write: Callable[[bytes], None],
                    endpoint: str) -> None:
    """The solutions of the dump's query (``?g ?s ?p ?o`` when ``with_graphs``, else ``?s ?p ?o``), read from
    ``response`` as they come, written in ``fmt`` to ``write`` piece by piece. httpx's failures while reading
    are raised as they are (``Http.stream`` names them)."""
    media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in (_JSON, "application/json") and not media.endswith("xml"):
        raise EndpointError(endpoint, f"unexpected content type {media or 'none'!r} for SPARQL results",
                            status=response.status_code)
    try:
        write_quads(_quads(_rows(response, media), with_graphs), fmt, write)
    except (ResultsSyntaxError, KeyError) as exc:
        reason = f"no ?{exc.args[0]} in a solution" if isinstance(exc, KeyError) else str(exc)
        raise EndpointError(endpoint, f"unreadable {media} response: {reason}", status=response.status_code) from exc
