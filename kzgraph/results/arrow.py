"""SELECT results as typed Apache Arrow tables (``kzgraph[arrow]``), polars frames (``kzgraph[polars]``) and
Parquet files.

Each column gets the Arrow type of its values (unbound cells are nulls, and do not count):

=====================================  =================================================================
values of the column                   Arrow type
=====================================  =================================================================
``xsd:integer`` (and its subtypes)     ``int64`` (``decimal128`` when one does not fit in 64 bits)
``xsd:decimal``, or decimals and       ``decimal128(precision, scale)``: scale = most digits after the
integers                               point (trailing zeros not counted), precision = most digits before
                                       it + scale (``247.7`` and ``64.83`` give ``decimal128(5, 2)``);
                                       ``string`` past decimal128's 38 digits
``xsd:double``, ``xsd:float``          ``float64``
``xsd:boolean``                        ``bool``
``xsd:date``                           ``date32``
``xsd:dateTime``                       ``timestamp[us]``; ``timestamp[us, tz=UTC]`` when every value has
                                       a time zone
IRIs, plain and language-tagged        ``string``: the IRI, the text without its tag, ``_:label`` for a
strings, literals of other datatypes   blank node, the lexical form of other literals
anything else (mixed kinds, no value)  ``string``: each value's lexical form, as in CSV results
=====================================  =================================================================

A column with a language-tagged string gets a companion column ``<name>@lang`` right after it: the tag of
each value, null where the value has none (SPARQL variable names cannot contain ``@``, so it never clashes).
Only integers and decimals mix (an integer is an exact decimal); a column that mixes any other kinds
(numbers and strings, doubles and decimals, dates and dateTimes, dateTimes with and without a time zone) is
a column of strings, so that no value is changed on the way.

>>> from kzgraph.results import SelectResult
>>> scores = SelectResult(["athlete", "score", "name"], [
...     (IRI("https://w3id.org/kzgraph/athlete/yerkin-gabbasov"), Decimal("247.7"), LangString("Gabbasov", "en")),
...     (IRI("https://w3id.org/kzgraph/athlete/nurdaulet-zhumagali"), Decimal("64.83"), None)])
>>> print(scores.to_arrow().schema)
athlete: string
score: decimal128(5, 2)
name: string
name@lang: string

pyarrow and polars are imported inside these functions, never when kzgraph is: the command line's start stays
light. Without them the functions raise ``UsageError`` naming the extra to install.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..terms import IRI, BNode, LangString, TypedLiteral, Value, lexical_form

if TYPE_CHECKING:
    import polars
    import pyarrow

__all__ = ["LANG_SUFFIX", "to_arrow", "to_parquet", "to_polars"]

#: Appended to a column's name to name the companion column of its language tags.
LANG_SUFFIX = "@lang"
_MAX_PRECISION = 38  # decimal128's
_INT64 = (-(2**63), 2**63 - 1)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as exc:
        raise UsageError("Arrow and Parquet results need pyarrow: pip install 'kzgraph[arrow]'") from exc
    return pyarrow


def _kind(value: Value) -> str:
    """The kind of a cell that decides its column's type (for a value of a type not in ``_KINDS``)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if _INT64[0] <= value <= _INT64[1] else "decimal"
    if isinstance(value, Decimal):
        return "decimal" if value.is_finite() else "mixed"
    if isinstance(value, float):
        return "float"
    if isinstance(value, datetime.datetime):
        return "timestamp" if value.tzinfo is None else "timestamp-tz"
    if isinstance(value, datetime.date):
        return "date"
    return "string"  # IRIs, blank nodes, strings with or without a tag, literals of other datatypes


#: The kind of each type of value (a column of one kind gets its type); the cells of a type not here go
#: through ``_kind``. Integers, decimals and dateTimes are then looked at more closely (``_column_kind``).
_KINDS: dict[type, str] = {
    type(None): "", bool: "bool", int: "int", Decimal: "decimal", float: "float", datetime.date: "date",
    datetime.datetime: "timestamp", str: "string", IRI: "string", BNode: "string", LangString: "string",
    TypedLiteral: "string"}
_OWN_TEXT = frozenset({type(None), str, IRI, LangString, TypedLiteral})  # the cell's text is the str itself


def _column_kind(values: list[Any], types: set[type[Any]]) -> str:
    """The kind of a column: its values' one kind, ``decimal`` for integers with decimals, else ``mixed``."""
    kinds: set[str] = set()
    for t in types:
        kinds.update({_KINDS[t]} if t in _KINDS else {_kind(v) for v in values if type(v) is t})
    kinds.discard("")  # unbound
    if int in types:  # an integer past 64 bits makes the column one of decimals
        ints = [v for v in values if type(v) is int]
        if min(ints) < _INT64[0] or max(ints) > _INT64[1]:
            kinds.discard("int")
            kinds.add("decimal")
    if Decimal in types and not all(v.is_finite() for v in values if type(v) is Decimal):
        return "mixed"
    if datetime.datetime in types:
        kinds.discard("timestamp")
        zoned = {v.tzinfo is not None for v in values if type(v) is datetime.datetime}
        kinds.add("mixed" if len(zoned) > 1 else "timestamp-tz" if zoned == {True} else "timestamp")
    if kinds == {"int", "decimal"}:
        return "decimal"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _decimal_type(values: list[Any]) -> tuple[int, int] | None:
    """The smallest (precision, scale) that holds every value exactly (trailing zeros after the point are no
    part of a value: ``188.00`` is ``188``); None when decimal128 cannot. Each distinct value is read once."""
    before = scale = 0
    for value in set(values) - {None}:
        _, digits, exponent = Decimal(value).as_tuple()
        assert isinstance(exponent, int)  # finite: _column_kind sent the others to strings
        significant = "".join(map(str, digits)).rstrip("0")
        exponent = exponent + len(digits) - len(significant) if significant else 0
        scale = max(scale, -exponent)
        before = max(before, len(significant) + exponent)
    precision = max(before + scale, 1)
    return (precision, scale) if precision <= _MAX_PRECISION else None


def _column(pa: Any, name: str, values: list[Any]) -> list[tuple[Any, Any]]:
    """(field, array) of one column, and of its companion column of language tags when it has one."""
    types = set(map(type, values))
    kind = _column_kind(values, types)
    if kind == "decimal":
        decimal = _decimal_type(values)
        if decimal is not None:  # pyarrow takes integers as they are
            return [(pa.field(name, pa.decimal128(*decimal)), pa.array(values, pa.decimal128(*decimal)))]
    typed = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(),
             "timestamp": pa.timestamp("us"), "timestamp-tz": pa.timestamp("us", tz="UTC")}
    if kind in typed:
        return [(pa.field(name, typed[kind]), pa.array(values, typed[kind]))]
    texts = values if types <= _OWN_TEXT else [v if type(v) in _OWN_TEXT else lexical_form(v) for v in values]
    columns = [(pa.field(name, pa.string()), pa.array(texts, pa.string()))]
    if any(issubclass(t, LangString) for t in types):
        tags = [v.lang if isinstance(v, LangString) else None for v in values]
        columns.append((pa.field(name + LANG_SUFFIX, pa.string()), pa.array(tags, pa.string())))
    return columns


def to_arrow(columns: list[str], rows: list[tuple[Value | None, ...]]) -> pyarrow.Table:
    """A ``pyarrow.Table`` of the rows, one typed column per variable (see the module's table)."""
    pa = _pyarrow()
    pairs = [pair for i, name in enumerate(columns) for pair in _column(pa, name, list(map(itemgetter(i), rows)))]
    names = [field.name for field, _ in pairs]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash is not None:
        raise UsageError(f"two columns would be named {clash!r}: columns need distinct names, and a column of "
                         f"language-tagged strings adds one ending in {LANG_SUFFIX!r}")
    table: pyarrow.Table = pa.Table.from_arrays([array for _, array in pairs],
                                                schema=pa.schema([field for field, _ in pairs]))
    return table


def to_parquet(table: pyarrow.Table) -> bytes:
    """An Arrow table as the bytes of a Parquet file."""
    pa = _pyarrow()
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def to_polars(table: pyarrow.Table) -> polars.DataFrame:
    """An Arrow table as a polars DataFrame (the same column types)."""
    try:
        import polars
    except ImportError as exc:
        raise UsageError("polars results need polars: pip install 'kzgraph[polars]'") from exc
    frame = polars.from_arrow(table)
    assert isinstance(frame, polars.DataFrame)  # a table gives a frame; a single array would give a Series
    return frame
