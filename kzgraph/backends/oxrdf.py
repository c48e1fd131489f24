"""RDF in and out of pyoxigraph: terms both ways, files and bytes parsed (errors with file, line and
column), quads serialised. Shared by the backends, since pyoxigraph reads and writes RDF for all of them."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import IO, TYPE_CHECKING, BinaryIO, Final, cast

import pyoxigraph as ox

from .. import formats
from ..errors import BackendError, DataError, DataSyntaxError, UsageError
from ..namespaces import PREFIXES, XSD
from ..terms import IRI, BNode, LangString, Value, to_literal, to_python
from . import Source

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = [
    "RDF_FORMATS",
    "Pieces",
    "data_syntax_error",
    "format_named",
    "from_ox",
    "graph_of",
    "parse",
    "parse_source",
    "rdf_format_of",
    "reading_error",
    "remembering",
    "serialize_quads",
    "skip_bom",
    "to_ox",
    "triple_term",
    "without_bom",
    "write_quads",
]

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
_PARSE_LOCATION = r"^Parser error [^:]*: "  # compiled on first use: only error messages need it
_BOM = b"\xef\xbb\xbf"
#: Formats whose parsers refuse a UTF-8 byte order mark (JSON-LD's and RDF/XML's skip it): kzgraph skips it.
_BOMLESS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
_XML_SEARCH_LIMIT = 64 << 20  # bytes of an RDF/XML file searched for a quoted IRI
_NAMED_NODE, _BLANK_NODE, _LITERAL = ox.NamedNode, ox.BlankNode, ox.Literal
_XSD_STRING = XSD["string"]


def from_ox(term: object) -> Value | None:
    """A pyoxigraph term as a neutral term (None stays None). Called for every term of every result:
    dispatch on the exact type, plain strings without a second look."""
    if type(term) is _NAMED_NODE:  # type() narrows for type checkers as isinstance does, and costs less
        return IRI(term.value)
    if type(term) is _LITERAL:
        language = term.language
        if language:
            return LangString(term.value, language)
        datatype = term.datatype.value
        return term.value if datatype == _XSD_STRING else to_python(term.value, datatype)
    if type(term) is _BLANK_NODE:
        return BNode(term.value)
    if term is None:
        return None
    return str(term)  # RDF 1.2 triple terms: shown in N-Triples syntax


def triple_term(term: object) -> Value:
    """A term of a triple the engine returned or parsed (never unbound), as a neutral term."""
    value = from_ox(term)
    if value is None:
        raise BackendError("the engine returned a triple with a missing term")
    return value


class _Missing(Enum):
    MISSING = 0


_MISSING: Final = _Missing.MISSING  # a sentinel type checkers narrow away (enum is loaded by re anyway)


def remembering(convert: Callable[[object], Value | None]) -> Callable[[object], Value | None]:
    """``convert`` with a memory for one result: results repeat values (types, labels, counts), and a
    dictionary look-up costs less than a conversion (a third less time on typical results)."""
    cache: dict[object, Value | None] = {}
    get = cache.get

    def remembered(term: object) -> Value | None:
        value = get(term, _MISSING)
        if value is _MISSING:
            value = cache[term] = convert(term)
        return value
    return remembered


def to_ox(value: Value) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A neutral term as a pyoxigraph term; ValueError when it is not valid RDF."""
    if isinstance(value, IRI):
        return ox.NamedNode(value)
    if isinstance(value, BNode):
        return ox.BlankNode(value)
    lex, datatype, lang = to_literal(value)
    return ox.Literal(lex, language=lang) if lang else ox.Literal(lex, datatype=ox.NamedNode(datatype))


def format_named(name: str) -> ox.RdfFormat:
    fmt = formats.by_name(name)
    if fmt.kind != "rdf":
        raise UsageError(f"format {name!r} is not an RDF format; use one of {', '.join(formats.names('rdf'))}")
    return RDF_FORMATS[fmt.name]


def serialize_quads(quads: Iterable[tuple[Value, Value, Value, str | None]], fmt: str) -> bytes:
    """Neutral (subject, predicate, object, graph or None) tuples in an RDF format of ``kzgraph.formats``."""
    rdf_format = format_named(fmt)
    try:
        converted = [_quad(s, p, o, g) for s, p, o, g in quads]
    except (ValueError, TypeError) as exc:
        raise BackendError(f"cannot write these terms as RDF: {exc}") from exc
    if rdf_format.supports_datasets:
        return ox.serialize(converted, format=rdf_format, prefixes=PREFIXES) or b""  # None only with an output
    triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in converted)
    return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES) or b""


def write_quads(quads: Iterable[tuple[Value, Value, Value, str | None]], fmt: str,
                write: Callable[[bytes], None]) -> None:
    """``serialize_quads`` given to ``write`` piece by piece as the serialiser writes it, each quad converted as
    it is read: memory for the serialiser's buffer, not for the document. For a format without named graphs the
    caller gives each triple of the union once (``serialize_quads`` gathers them to drop repeats)."""
    rdf_format, output = format_named(fmt), cast(IO[bytes], Pieces(write))
    if rdf_format.supports_datasets:
        ox.serialize(_converted(quads), output, format=rdf_format, prefixes=PREFIXES)
    else:
        ox.serialize((q.triple for q in _converted(quads)), output, format=rdf_format, prefixes=PREFIXES)


def _converted(quads: Iterable[tuple[Value, Value, Value, str | None]]) -> Iterator[ox.Quad]:
    """Each quad as pyoxigraph's, as it is read (what reading them raises goes on as it is)."""
    for s, p, o, g in quads:
        try:
            yield _quad(s, p, o, g)
        except (ValueError, TypeError) as exc:
            raise BackendError(f"cannot write these terms as RDF: {exc}") from exc


class Pieces(io.RawIOBase):
    """A file that gives every piece written to it to ``write`` (the engine's output, as it comes)."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self._write = write

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        piece = bytes(data)
        self._write(piece)
        return len(piece)


def _quad(s: Value, p: Value, o: Value, g: str | None) -> ox.Quad:
    """A pyoxigraph quad; TypeError when the subject is a literal or the predicate is not an IRI."""
    subject, predicate = to_ox(s), to_ox(p)
    if isinstance(subject, _LITERAL):
        raise TypeError(f"a literal cannot be a subject: {subject}")
    if not isinstance(predicate, _NAMED_NODE):
        raise TypeError(f"a predicate must be an IRI: {predicate}")
    return ox.Quad(subject, predicate, to_ox(o), ox.NamedNode(g) if g else ox.DefaultGraph())


def parse_source(source: Source, *, canonical: bool = False) -> list[ox.Quad]:
    """The quads of one source; DataError/DataSyntaxError (with line and column) when it cannot be read.

    ``canonical``: literals in the canonical form the embedded store keeps (``188.0`` → ``188``), so that
    another engine given these quads shows the same lexical forms."""
    quads = parse(source)
    if not canonical:
        return quads
    store = ox.Store()
    store.extend(quads)
    return list(store)


def rdf_format_of(source: Source) -> ox.RdfFormat:
    name = source.format
    if name is None and source.path is not None:
        guessed = formats.by_extension(os.path.splitext(os.fspath(source.path))[1])
        name = guessed.name if guessed is not None else None
    if name is None or formats.by_name(name).kind != "rdf":
        raise DataError(f"{source.label}: cannot tell the RDF format (use a known extension: "
                        f"{', '.join(f.extension for f in formats.FORMATS if f.kind == 'rdf')})")
    return RDF_FORMATS[formats.by_name(name).name]


def graph_of(source: Source) -> ox.NamedNode | None:
    if source.graph is None:
        return None
    try:
        return ox.NamedNode(source.graph)
    except ValueError as exc:
        raise DataError(f"{source.label}: graph {source.graph!r} is not an IRI: {exc}") from exc


def data_syntax_error(source: Source, exc: SyntaxError) -> DataSyntaxError:
    line = exc.lineno if isinstance(exc.lineno, int) else None
    column = exc.offset if isinstance(exc.offset, int) else None
    message = re.sub(_PARSE_LOCATION, "", str(exc.msg))
    if line is None and _format_name(source) == "rdfxml":
        line, column = _xml_position(source, message) or (None, None)
    return DataSyntaxError(source.label, message, line=line, column=column)


def _format_name(source: Source) -> str | None:
    try:
        return next(name for name, fmt in RDF_FORMATS.items() if fmt == rdf_format_of(source))
    except DataError:
        return None


class _NoEntities(Exception):
    """An XML document declares entities: not expanded to find a position."""


def _xml_position(source: Source, message: str) -> tuple[int, int] | None:
    """Where an RDF/XML document is wrong, which pyoxigraph's RDF/XML parser does not say: the first place an
    XML parser (expat, namespace-aware) finds it not well-formed (a mismatched tag, an unbound prefix, a bare
    ``&``…); else the first occurrence of the IRI the message quotes; else None."""
    from xml.parsers import expat  # only for RDF/XML that does not parse

    def refuse(*_: object) -> None:
        raise _NoEntities

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.EntityDeclHandler = refuse
    try:
        if source.data is not None:
            data = source.data.encode("utf-8") if isinstance(source.data, str) else bytes(source.data)
            parser.Parse(data, True)
        elif source.path is not None:
            with open(source.path, "rb") as file:
                data = file.read(_XML_SEARCH_LIMIT)
                file.seek(0)
                parser.ParseFile(file)
        else:
            return None
    except expat.ExpatError as exc:
        bom = 1 if exc.lineno == 1 and data.startswith(_BOM) else 0
        return exc.lineno, exc.offset + 1 - bom
    except (_NoEntities, OSError):
        return None
    quoted = re.search(r"IRI '([^']+)'", message)
    text = data.decode("utf-8", "replace")
    at = text.find(quoted[1]) if quoted else -1
    if at < 0:
        return None
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def reading_error(source: Source, exc: SyntaxError | OSError) -> DataError:
    """A parser's or the file system's error while reading ``source``, as kzgraph's."""
    if isinstance(exc, SyntaxError):
        return data_syntax_error(source, exc)
    return DataError(f"{source.label}: cannot read: {exc.strerror or exc}")


def without_bom(data: bytes | str, rdf_format: ox.RdfFormat) -> bytes | str:
    """``data`` without a UTF-8 byte order mark at its start, for the parsers that refuse one."""
    if rdf_format in _BOMLESS:
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
        return data[3:] if data[:3] == _BOM else data
    return data


def skip_bom(file: BinaryIO, rdf_format: ox.RdfFormat) -> bool:
    """Read past a UTF-8 byte order mark at the start of ``file``, for the parsers that refuse one; whether
    there was one."""
    if rdf_format in _BOMLESS and file.read(3) == _BOM:
        return True
    file.seek(0)
    return False


def parse(source: Source) -> list[ox.Quad]:
    rdf_format = rdf_format_of(source)
    graph = graph_of(source)
    try:
        if source.data is not None:
            quads = list(ox.parse(without_bom(source.data, rdf_format), format=rdf_format, rename_blank_nodes=True))
        elif source.path is not None:
            with open(source.path, "rb") as file:  # the engine reads the file itself (faster), unless it has a BOM
                bom = skip_bom(file, rdf_format)
                quads = list(ox.parse(file if bom else None, path=None if bom else str(source.path),
                                      format=rdf_format, rename_blank_nodes=True))
        else:
            raise DataError(f"{source.label}: nothing to load")
    except (SyntaxError, OSError) as exc:
        raise reading_error(source, exc) from exc
    if graph is not None:
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) if isinstance(q.graph_name, ox.DefaultGraph)
                 else q for q in quads]
    return quads

