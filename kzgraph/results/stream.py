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
from itertools import islice
from typing import NamedTuple, TypeVar

from ..terms import Value, lexical_form, to_ntriples
from . import AskResult, GraphResult, Result, SelectResult, _json_term, format_result

__all__ = ["STREAMABLE", "GraphStream", "SelectStream", "Stream", "streamed", "write_stream"]

Row = Sequence[Value | None]
Triple = tuple[Value, Value, Value]

#: The formats ``write_stream`` writes, by result kind.
STREAMABLE = {"select": ("csv", "tsv", "json"), "graph": ("nt", "nq")}
#: Rows serialised before their text is handed to ``write`` (one call per batch, not per row).
_BATCH = 512
_T = TypeVar("_T")


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


def _batched(items: Iterator[_T], text: Callable[[list[_T]], str], write: Callable[[bytes], None]) -> None:
    """``text`` of ``_BATCH`` items at a time, written."""
    while batch := list(islice(items, _BATCH)):
        write(text(batch).encode("utf-8"))


def _csv(rows: list[Row]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(["" if v is None else lexical_form(v) for v in row]
                                                     for row in rows)
    return out.getvalue()


def _tsv(rows: list[Row]) -> str:
    return "".join("\t".join("" if v is None else to_ntriples(v) for v in row) + "\n" for row in rows)


def _nt(triples: list[Triple]) -> str:
    return "".join(" ".join(map(to_ntriples, triple)) + " .\n" for triple in triples)


def write_stream(stream: Stream, fmt: str, write: Callable[[bytes], None]) -> None:
    """Write ``stream`` in ``fmt`` (one of ``STREAMABLE``; an ASK answer in csv, tsv or json) as it is read."""
    if isinstance(stream, AskResult):
        write(format_result(stream, fmt).encode("utf-8"))
    elif isinstance(stream, GraphStream):
        _batched(stream.triples, _nt, write)
    elif fmt in ("csv", "tsv"):
        names = stream.columns if fmt == "csv" else [f"?{c}" for c in stream.columns]  # nothing to quote
        write(((",".join(names) + "\r\n") if fmt == "csv" else ("\t".join(names) + "\n")).encode("utf-8"))
        _batched(stream.rows, _csv if fmt == "csv" else _tsv, write)
    else:
        columns = stream.columns
        write(('{"head": {"vars": ' + json.dumps(columns, ensure_ascii=False) + '}, "results": {"bindings": [')
              .encode("utf-8"))
        first = [True]

        def bindings(rows: list[Row]) -> str:
            text = ", ".join(json.dumps({c: _json_term(v) for c, v in zip(columns, row, strict=False)
                                         if v is not None}, ensure_ascii=False) for row in rows)
            text, first[0] = ("" if first[0] else ", ") + text, False
            return text
        _batched(stream.rows, bindings, write)
        write(b"]}}\n")
