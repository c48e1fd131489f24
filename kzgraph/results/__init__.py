"""Engine-neutral query results and their serialisers.

``SelectResult`` (rows of Python values), ``AskResult`` (a boolean) and ``GraphResult`` (triples, serialised
by the engine that produced them). ``format_result(result, "csv")`` is the single entry point the CLI and
the web layer use. ``kzgraph.results.documents`` reads W3C results documents back (``parse_json``,
``parse_xml``, ``parse`` by media type): the one parser of SPARQL results, used by the remote backend too.

>>> r = SelectResult(["name", "n"], [("Astana", 3), (None, 1)])
>>> r.to_csv()
'name,n\\r\\nAstana,3\\r\\n,1\\r\\n'
>>> print(r.to_markdown())
| name | n |
| --- | --- |
| Astana | 3 |
|  | 1 |
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import formats, table
from ..errors import UsageError
from ..namespaces import BASE, PREFIXES, XSD
from ..terms import IRI, BNode, LangString, Value, lexical_form, to_literal, to_ntriples

if TYPE_CHECKING:
    import polars
    import pyarrow

__all__ = [
    "AskResult",
    "GraphResult",
    "Result",
    "SelectResult",
    "display",
    "encode_result",
    "format_result",
]

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
Row = tuple[Value | None, ...]  # one value per column
_SHORT = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_MAX_CELL = 60


def display(value: Value | None) -> str:
    """A short human-readable form: prefixed names for known namespaces, ``@lang`` on tagged strings."""
    if value is None:
        return ""
    if isinstance(value, IRI):
        for prefix, ns in _SHORT:
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns):]}"
        if value.startswith(BASE):
            return f"<{value[len(BASE):]}>"
        return f"<{value}>"
    if isinstance(value, LangString):
        return f"{value}@{value.lang}"
    return lexical_form(value)


def _json_term(value: Value) -> dict[str, str]:
    if isinstance(value, IRI):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": str(value)}
    lex, datatype, lang = to_literal(value)
    term = {"type": "literal", "value": lex}
    if lang:
        term["xml:lang"] = lang
    elif datatype != XSD["string"]:
        term["datatype"] = datatype
    return term


def _escape(text: str) -> str:
    """XML text and attribute escaping (``html.escape`` is the light import; ``xml.sax`` pulls in urllib)."""
    import html  # imported where used: only serialisers need it

    return html.escape(text, quote=True)


def _xml_term(value: Value) -> str:
    if isinstance(value, IRI):
        return f"<uri>{_escape(value)}</uri>"
    if isinstance(value, BNode):
        return f"<bnode>{_escape(value)}</bnode>"
    lex, datatype, lang = to_literal(value)
    if lang:
        return f'<literal xml:lang="{_escape(lang)}">{_escape(lex)}</literal>'
    if datatype != XSD["string"]:
        return f'<literal datatype="{_escape(datatype)}">{_escape(lex)}</literal>'
    return f"<literal>{_escape(lex)}</literal>"


def _cell(value: Value | None) -> str:
    """A value on one line of a terminal table, cut to ``_MAX_CELL`` columns."""
    text = " ".join(display(value).split("\n")).replace("\r", " ").replace("\t", " ")
    return table.clip(text, _MAX_CELL)


def _is_number(value: Value | None) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


class SelectResult:
    """Solutions of a SELECT query: ``columns`` and rows of Python values (``None`` when unbound)."""

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Value | None]] = ()) -> None:
        self.columns: list[str] = list(columns)
        self.rows: list[Row] = [tuple(row) for row in rows]

    @classmethod
    def of_tuples(cls, columns: list[str], rows: list[Row]) -> SelectResult:
        """A result from rows that are tuples already (a backend's fast path: no copy)."""
        result = cls.__new__(cls)
        result.columns, result.rows = columns, rows
        return result

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SelectResult):
            return NotImplemented
        return self.columns == other.columns and self.rows == other.rows

    def __repr__(self) -> str:
        return f"<SelectResult {len(self.rows)} rows × {len(self.columns)} columns: {', '.join(self.columns)}>"

    def to_dicts(self) -> list[dict[str, Value | None]]:
        """One dict per row, column name → value."""
        return [dict(zip(self.columns, row, strict=False)) for row in self.rows]

    def to_csv(self) -> str:
        """W3C SPARQL 1.1 CSV: bare IRIs and lexical forms, CRLF line ends."""
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows([("" if v is None else lexical_form(v)) for v in row] for row in self.rows)
        return out.getvalue()

    def to_tsv(self) -> str:
        """W3C SPARQL 1.1 TSV: ``?var`` header, terms in N-Triples syntax."""
        lines = ["\t".join(f"?{c}" for c in self.columns)]
        lines += ["\t".join("" if v is None else to_ntriples(v) for v in row) for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """W3C SPARQL 1.1 Query Results JSON."""
        bindings = [{c: _json_term(v) for c, v in zip(self.columns, row, strict=False) if v is not None}
                    for row in self.rows]
        doc = {"head": {"vars": self.columns}, "results": {"bindings": bindings}}
        import json

        return json.dumps(doc, ensure_ascii=False) + "\n"

    def to_xml(self) -> str:
        """W3C SPARQL Query Results XML."""
        parts = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<sparql xmlns="{SPARQL_RESULTS_NS}">\n<head>']
        parts += [f'<variable name="{_escape(c)}"/>' for c in self.columns]
        parts.append("</head>\n<results>\n")
        for row in self.rows:
            parts.append("<result>")
            parts += [f'<binding name="{_escape(c)}">{_xml_term(v)}</binding>'
                      for c, v in zip(self.columns, row, strict=False) if v is not None]
            parts.append("</result>\n")
        parts.append("</results>\n</sparql>\n")
        return "".join(parts)

    def to_markdown(self) -> str:
        """A GitHub-flavoured Markdown table with short names."""
        def md(value: Value | None) -> str:
            return display(value).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")
        lines = ["| " + " | ".join(self.columns) + " |", "| " + " | ".join("---" for _ in self.columns) + " |"]
        lines += ["| " + " | ".join(md(v) for v in row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_table(self, *, width: int | None = None) -> str:
        """A box-drawn table for terminals, at most ``width`` columns wide (default: ``$COLUMNS``, else the
        terminal's when stdout is one, else no limit); long cells end in ``…``."""
        numeric = [bool(self.rows) and all(_is_number(r[i]) or r[i] is None for r in self.rows)
                   for i in range(len(self.columns))]
        cells = [[_cell(v) for v in row] for row in self.rows]
        text = table.render(self.columns, cells, right=numeric,
                            width=width if width is not None else table.terminal_width())
        return text + f"{len(self.rows)} row{'' if len(self.rows) == 1 else 's'}\n"

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the rows (needs the ``kzgraph[pandas]`` extra)."""
        try:
            import pandas  # type: ignore[import-untyped,unused-ignore]
        except ImportError as exc:
            raise ImportError("to_dataframe() needs pandas: pip install 'kzgraph[pandas]'") from exc
        return pandas.DataFrame(self.rows, columns=self.columns)

    def to_arrow(self) -> pyarrow.Table:
        """A ``pyarrow.Table`` with a typed column per variable (``int64``, ``decimal128``, ``date32``…; language
        tags in a ``<name>@lang`` column; see ``kzgraph.results.arrow``). Needs the ``kzgraph[arrow]`` extra."""
        from .arrow import to_arrow

        return to_arrow(self.columns, self.rows)

    def to_polars(self) -> polars.DataFrame:
        """A polars DataFrame with the columns of ``to_arrow()``. Needs ``kzgraph[arrow,polars]``."""
        from .arrow import to_polars

        return to_polars(self.to_arrow())

    def to_parquet(self) -> bytes:
        """The Parquet file of ``to_arrow()``'s table. Needs the ``kzgraph[arrow]`` extra."""
        from .arrow import to_parquet

        return to_parquet(self.to_arrow())

    def to_html(self) -> str:
        """An HTML table of every row (no page around it)."""
        return self._repr_html_(limit=len(self.rows)) + "\n"

    def _repr_html_(self, limit: int = 200) -> str:
        import html

        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(display(v))}</td>" for v in row) + "</tr>"
                       for row in self.rows[:limit])
        more = f"<p>… {len(self.rows) - limit} more rows</p>" if len(self.rows) > limit else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


class AskResult:
    """The answer to an ASK query; true or false like a ``bool``."""

    def __init__(self, value: bool) -> None:
        self.value = bool(value)

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (AskResult, bool)):
            return self.value == bool(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"<AskResult {self.value}>"

    def _text(self) -> str:
        return "true\n" if self.value else "false\n"

    to_csv = to_tsv = to_table = to_markdown = _text

    def to_json(self) -> str:
        """W3C SPARQL 1.1 Query Results JSON."""
        import json

        return json.dumps({"head": {}, "boolean": self.value}) + "\n"

    def to_xml(self) -> str:
        """W3C SPARQL Query Results XML."""
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}">'
                f"<head/><boolean>{'true' if self.value else 'false'}</boolean></sparql>\n")

    def _repr_html_(self) -> str:
        return f"<code>{'true' if self.value else 'false'}</code>"

    def to_html(self) -> str:
        """The answer as HTML."""
        return self._repr_html_() + "\n"


class GraphResult:
    """Triples of a CONSTRUCT/DESCRIBE query as neutral terms; ``serialize`` asks the engine that made them."""

    def __init__(self, triples: Iterable[tuple[Value, Value, Value]],
                 serializer: Callable[[formats.Format], bytes]) -> None:
        self.triples = list(triples)
        self._serializer = serializer

    def __iter__(self) -> Iterator[tuple[Value, Value, Value]]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)

    def __repr__(self) -> str:
        return f"<GraphResult {len(self.triples)} triples>"

    def serialize(self, fmt: str = "ttl") -> bytes:
        """The triples in an RDF format named in ``kzgraph.formats`` (``ttl``, ``nt``, ``jsonld``…)."""
        f = formats.by_name(fmt)
        if f.kind != "rdf":
            raise UsageError(f"format {fmt!r} is not an RDF format; use one of {', '.join(formats.names('rdf'))}")
        return self._serializer(f)

    def as_select(self) -> SelectResult:
        """The triples as a three-column table (subject, predicate, object)."""
        return SelectResult(["subject", "predicate", "object"], self.triples)

    def _repr_html_(self) -> str:
        return self.as_select()._repr_html_()


Result = SelectResult | AskResult | GraphResult

_METHODS = {"csv": "to_csv", "tsv": "to_tsv", "json": "to_json", "xml": "to_xml",
            "md": "to_markdown", "table": "to_table", "html": "to_html"}


def format_result(result: Result, fmt: str) -> str:
    """``result`` serialised in the format named ``fmt`` (see ``kzgraph.formats``)."""
    f = formats.by_name(fmt)
    if f.kind == "binary":
        raise UsageError(f"format {fmt!r} is binary, not text: write it to a file (encode_result())")
    if isinstance(result, GraphResult):
        if f.kind == "rdf":
            return result.serialize(f.name).decode("utf-8")
        result = result.as_select()
    elif f.kind == "rdf":
        kind = "ASK" if isinstance(result, AskResult) else "SELECT"
        raise UsageError(f"format {fmt!r} is for CONSTRUCT/DESCRIBE results; for {kind} use one of "
                         f"{', '.join(formats.names('results', 'text'))}")
    return str(getattr(result, _METHODS[f.name])())


def encode_result(result: Result, fmt: str) -> bytes:
    """``result`` in the format named ``fmt`` as bytes: a binary format's (``parquet``: SELECT results, and
    CONSTRUCT/DESCRIBE results as subject/predicate/object rows), else ``format_result``'s text in UTF-8."""
    f = formats.by_name(fmt)
    if f.kind != "binary":
        return format_result(result, f.name).encode("utf-8")
    if isinstance(result, AskResult):
        raise UsageError(f"format {fmt!r} is for SELECT results; for ASK use one of "
                         f"{', '.join(formats.names('results', 'text'))}")
    return (result.as_select() if isinstance(result, GraphResult) else result).to_parquet()
