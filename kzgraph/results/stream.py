"""Results read one row at a time, and their serialisers that write as they read.

A ``SelectStream`` (a SELECT's columns and an iterator of rows) or a ``GraphStream`` (an iterator of triples)
is what ``Backend.query_stream`` answers: the embedded engine's own iterator, read while the rows are written,
so that an answer of a million rows is never held whole. ``write_stream`` writes one in a results format
(CSV, TSV, SPARQL JSON) or, for triples, N-Triples (N-Quads of the default graph alike), byte for byte what
``SelectResult.to_csv``/``to_tsv``/``to_json`` write for the same rows.

>>> from kzgraph.terms import IRI
>>> out = []
>>> write_stream(SelectStream(["a", "b"], iter([(IRI("http://x/1"), None)])), "csv", out.append)
>>> b"".join(out)
b'a,b\\r\\nhttp://x/1,\\r\\n'
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from ..terms import Value, lexical_form, to_ntriples
from . import AskResult, GraphResult, Result, SelectResult, _json_term, format_result

__all__ = ["STREAMABLE", "GraphStream", "SelectStream", "Stream", "streamed", "write_stream"]

Row = Sequence[Value | None]
Triple = tuple[Value, Value, Value]

#: The formats ``write_stream`` writes, by result kind.
STREAMABLE = {"select": ("csv", "tsv", "json"), "graph": ("nt", "nq")}
#: Rows serialised before their text is handed to ``write`` (one call per batch, not per row).
_BATCH = 512


class SelectStream(NamedTuple):
    """A SELECT's variables and its rows, read once."""

    columns: list[str]
    rows: Iterator[Row]


class GraphStream(NamedTuple):
    """A CONSTRUCT's or DESCRIBE's triples, read once."""

    triples: Iterator[Triple]


Stream = SelectStream | GraphStream | AskResult


def streamed(result: Result) -> Stream:
    """A whole result as a stream (what a backend without an iterating engine answers)."""
    if isinstance(result, SelectResult):
        return SelectStream(list(result.columns), iter(result))
    if isinstance(result, GraphResult):
        return GraphStream(iter(result))
    return result


def _batches(lines: Iterator[str], write: Callable[[bytes], None]) -> None:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= _BATCH:
            write("".join(batch).encode("utf-8"))
            batch.clear()
    if batch:
        write("".join(batch).encode("utf-8"))


def _csv_lines(columns: Sequence[str], rows: Iterator[Row]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    yield out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow(["" if v is None else lexical_form(v) for v in row])
        yield out.getvalue()


def _json_lines(columns: Sequence[str], rows: Iterator[Row]) -> Iterator[str]:
    yield '{"head": {"vars": ' + json.dumps(list(columns), ensure_ascii=False) + '}, "results": {"bindings": ['
    for index, row in enumerate(rows):
        binding = {c: _json_term(v) for c, v in zip(columns, row, strict=False) if v is not None}
        yield (", " if index else "") + json.dumps(binding, ensure_ascii=False)
    yield "]}}\n"


def write_stream(stream: Stream, fmt: str, write: Callable[[bytes], None]) -> None:
    """Write ``stream`` in ``fmt`` (one of ``STREAMABLE``; an ASK answer in csv, tsv or json) as it is read."""
    if isinstance(stream, AskResult):
        write(format_result(stream, fmt).encode("utf-8"))
    elif isinstance(stream, GraphStream):
        _batches((" ".join(map(to_ntriples, triple)) + " .\n" for triple in stream.triples), write)
    elif fmt == "csv":
        _batches(_csv_lines(stream.columns, stream.rows), write)
    elif fmt == "tsv":
        write(("\t".join(f"?{c}" for c in stream.columns) + "\n").encode("utf-8"))
        _batches(("\t".join("" if v is None else to_ntriples(v) for v in row) + "\n" for row in stream.rows), write)
    else:
        _batches(_json_lines(stream.columns, stream.rows), write)
