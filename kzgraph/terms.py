"""Engine-neutral RDF terms, and literals as Python values.

IRIs, blank nodes, language-tagged strings and literals of datatypes with no Python mapping are ``str``
subclasses that equal only a term of their own kind (``IRI("x") != "x"``, as in rdflib and pyoxigraph);
other literals become plain Python values (``str`` for ``xsd:string``, ``int``, ``Decimal``…):

>>> to_python("42", XSD["integer"])
42
>>> to_python("247.70", XSD["decimal"])
Decimal('247.70')
>>> to_python("Астана", lang="kk")
LangString('Астана', lang='kk')
>>> to_ntriples(IRI("https://w3id.org/kzgraph/athlete/x"))
'<https://w3id.org/kzgraph/athlete/x>'
>>> to_ntriples(datetime.date(2024, 8, 1))
'"2024-08-01"^^<http://www.w3.org/2001/XMLSchema#date>'
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from .namespaces import RDF, XSD

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["IRI", "BNode", "LangString", "TypedLiteral", "Value", "lexical_form", "to_literal", "to_ntriples",
           "to_python"]


class _Term(str):
    """A term kept as its text: equal only to a term of the same kind with the same text (and tag), never to
    a plain ``str`` nor to a term of another kind, and hashed apart from them, as rdflib's and pyoxigraph's
    terms are: ``IRI("x") != "x"``, ``IRI("x") != BNode("x")``, ``len({IRI("x"), "x", BNode("x")}) == 3``."""

    __slots__ = ()
    _salt = 0  # mixed into the text's hash, one per kind

    def _key(self) -> object:
        return None

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and str.__eq__(self, other) and self._key() == other._key()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return str.__hash__(self) ^ self._salt


class IRI(_Term):
    """An IRI, e.g. ``IRI("https://w3id.org/kzgraph/athlete/x")``; equal only to an IRI with the same text.

    >>> IRI("http://x") == IRI("http://x"), IRI("http://x") == "http://x", IRI("b0") == BNode("b0")
    (True, False, False)
    """

    __slots__ = ()
    _salt = 0x1F1

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class BNode(_Term):
    """A blank node; the string is its label (without ``_:``). Equal only to a blank node with that label."""

    __slots__ = ()
    _salt = 0xB0DE

    def __repr__(self) -> str:
        return f"BNode({str.__repr__(self)})"


class _Tagged(_Term):
    """A literal with one tag (a language, a datatype): equal to another of its kind with the same text and
    tag (compared by ``_key``), never to a plain string."""

    _tag = ""

    def _key(self) -> object:
        return str(getattr(self, self._tag))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)}, {self._tag}={getattr(self, self._tag)!r})"


class LangString(_Tagged):
    """A language-tagged string: ``LangString("Алматы", "kk").lang == "kk"`` (tags compared in any case)."""

    _tag = "lang"
    _salt = 0x1A6
    lang: str

    def __new__(cls, value: str, lang: str) -> Self:
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj

    def _key(self) -> object:
        return self.lang.lower()


class TypedLiteral(_Tagged):
    """A literal whose datatype has no Python mapping (or whose lexical form is not valid for it)."""

    _tag = "datatype"
    _salt = 0x7E9
    datatype: str

    def __new__(cls, value: str, datatype: str) -> Self:
        obj = super().__new__(cls, value)
        obj.datatype = datatype
        return obj


#: A value in a result row or a query binding.
Value = (IRI | BNode | LangString | TypedLiteral | str | bool | int | Decimal | float
         | datetime.date | datetime.datetime)

_INTEGER_TYPES = frozenset(XSD[t] for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte"))
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"  # compiled on first use
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN"  # compiled on first use


def to_python(lexical: str, datatype: str | None = None, lang: str | None = None) -> Value:
    """The Python value of a literal; a ``TypedLiteral`` when there is no faithful mapping."""
    if lang:
        return LangString(lexical, lang)
    if datatype is None or datatype == _XSD_STRING:
        return lexical
    convert = _CONVERT.get(datatype)
    if convert is not None:
        try:
            return convert(lexical)
        except (ValueError, InvalidOperation):
            pass
    return TypedLiteral(lexical, datatype)


def _boolean(lex: str) -> bool:
    if lex in ("true", "1"):
        return True
    if lex in ("false", "0"):
        return False
    raise ValueError(lex)


def _checked(pattern: re.Pattern[str] | str, convert: Callable[[str], Value]) -> Callable[[str], Value]:
    match = (lambda text: re.fullmatch(pattern, text)) if isinstance(pattern, str) else pattern.fullmatch

    def parse(lex: str) -> Value:
        if not match(lex.strip()):
            raise ValueError(lex)
        return convert(lex.strip())
    return parse


def _integer(lex: str) -> int:
    if not _INTEGER.fullmatch(lex.strip()):  # int() would also take "1_000" and "١"
        raise ValueError(lex)
    return int(lex)


def _datetime(lex: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(lex[:-1] + "+00:00" if lex.endswith("Z") else lex)


_CONVERT: dict[str, Callable[[str], Value]] = {
    XSD["boolean"]: _boolean,
    XSD["decimal"]: _checked(_DECIMAL, Decimal),
    XSD["double"]: _checked(_DOUBLE, float),
    XSD["float"]: _checked(_DOUBLE, float),
    XSD["date"]: _checked(_DATE, datetime.date.fromisoformat),
    XSD["dateTime"]: _checked(_DATETIME, _datetime),
    **{integer_type: _integer for integer_type in _INTEGER_TYPES},
}
_XSD_STRING = XSD["string"]


def to_literal(value: Value) -> tuple[str, str, str | None]:
    """``(lexical form, datatype IRI, language or None)`` of a Python value; TypeError for IRIs/bnodes."""
    if isinstance(value, (IRI, BNode)):
        raise TypeError(f"{value!r} is not a literal")
    if isinstance(value, LangString):
        return str(value), RDF["langString"], value.lang
    if isinstance(value, TypedLiteral):
        return str(value), value.datatype, None
    if isinstance(value, str):
        return value, XSD["string"], None
    if isinstance(value, bool):
        return ("true" if value else "false"), XSD["boolean"], None
    if isinstance(value, int):
        return str(value), XSD["integer"], None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"{value!r} is not a valid xsd:decimal")
        return format(value, "f"), XSD["decimal"], None
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN", XSD["double"], None
        if math.isinf(value):
            return ("INF" if value > 0 else "-INF"), XSD["double"], None
        return repr(value), XSD["double"], None
    if isinstance(value, datetime.datetime):
        return value.isoformat(), XSD["dateTime"], None
    if isinstance(value, datetime.date):
        return value.isoformat(), XSD["date"], None
    raise TypeError(f"no RDF literal for {type(value).__name__} value {value!r}")


def lexical_form(value: Value) -> str:
    """The bare text of a term: IRI, ``_:label`` for blank nodes, else the literal's lexical form."""
    if isinstance(value, IRI):
        return str(value)
    if isinstance(value, BNode):
        return f"_:{value}"
    return to_literal(value)[0]


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_TO_ESCAPE = r'[\\"\n\r\t\b\f]'  # compiled on first use


def to_ntriples(value: Value) -> str:
    """The N-Triples form of a term (used by TSV results and by loaders of generated statements)."""
    if isinstance(value, IRI):
        return f"<{value}>"
    if isinstance(value, BNode):
        return f"_:{value}"
    lex, datatype, lang = to_literal(value)
    quoted = '"' + re.sub(_TO_ESCAPE, lambda m: _ESCAPES[m.group()], lex) + '"'
    if lang:
        return f"{quoted}@{lang}"
    if datatype == XSD["string"]:
        return quoted
    return f"{quoted}^^<{datatype}>"
