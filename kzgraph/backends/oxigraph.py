"""The embedded backend: a pyoxigraph ``Store``, in memory or on disk."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Mapping

import pyoxigraph as ox

from .. import formats
from ..errors import BackendError, DataError, DataSyntaxError, QueryParameterError, QuerySyntaxError, UsageError
from ..namespaces import PREFIXES, XSD
from ..results import AskResult, GraphResult, Result, SelectResult
from ..terms import IRI, BNode, LangString, Value, to_literal, to_python
from . import Progress, Source, SourceLike
from .generations import Generations, is_legacy

__all__ = ["OxigraphBackend"]

_RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
# compiled on first use (re caches them): only error messages need them
_QUERY_ERROR = r"(?s)error at (\d+):(\d+): (.*)"
_NOT_PROJECTED = r"does not contains? variable \?(\w+) in its SELECT projection"
_PARSE_LOCATION = r"^Parser error [^:]*: "


_NAMED_NODE, _BLANK_NODE, _LITERAL = ox.NamedNode, ox.BlankNode, ox.Literal
_XSD_STRING = XSD["string"]


def from_ox(term: object) -> Value | None:
    """A pyoxigraph term as a neutral term (None stays None). Called for every term of every result:
    dispatch on the exact type, plain strings without a second look."""
    kind = type(term)
    if kind is _NAMED_NODE:
        return IRI(term.value)  # type: ignore[attr-defined]
    if kind is _LITERAL:
        language = term.language  # type: ignore[attr-defined]
        if language:
            return LangString(term.value, language)  # type: ignore[attr-defined]
        datatype = term.datatype.value  # type: ignore[attr-defined]
        return term.value if datatype == _XSD_STRING else to_python(term.value, datatype)  # type: ignore[attr-defined]
    if kind is _BLANK_NODE:
        return BNode(term.value)  # type: ignore[attr-defined]
    if term is None:
        return None
    return str(term)  # RDF 1.2 triple terms: shown in N-Triples syntax


_MISSING = object()


def _remembering(convert: Callable[[object], Value | None]) -> Callable[[object], Value | None]:
    """``convert`` with a memory for one result: results repeat values (types, labels, counts), and a
    dictionary look-up costs less than a conversion (a third less time on typical results)."""
    cache: dict[object, Value | None] = {}
    get = cache.get

    def remembered(term: object) -> Value | None:
        value = get(term, _MISSING)
        if value is _MISSING:
            value = cache[term] = convert(term)
        return value  # type: ignore[return-value]
    return remembered


def to_ox(value: Value) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A neutral term as a pyoxigraph term; ValueError when it is not valid RDF."""
    if isinstance(value, IRI):
        return ox.NamedNode(value)
    if isinstance(value, BNode):
        return ox.BlankNode(value)
    lex, datatype, lang = to_literal(value)
    return ox.Literal(lex, language=lang) if lang else ox.Literal(lex, datatype=ox.NamedNode(datatype))


def _rdf_format(name: str) -> ox.RdfFormat:
    fmt = formats.by_name(name)
    if fmt.kind != "rdf":
        raise UsageError(f"format {name!r} is not an RDF format; use one of {', '.join(formats.names('rdf'))}")
    return _RDF_FORMATS[fmt.name]


class OxigraphBackend:
    """A pyoxigraph store: in memory when ``path`` is None, else on disk at ``path``.

    On disk, every write makes a new generation of the store (see ``generations``): a crash leaves the
    old data whole, and readers in other processes see the data as it was when they opened it.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is not None:
            from pathlib import Path  # on-disk stores only

            self.path: Path | None = Path(path)
        else:
            self.path = None
        self._disk: Generations | None = None
        try:
            if self.path is None:
                self._open: ox.Store | None = ox.Store()
            elif is_legacy(str(self.path)):
                self._open = ox.Store(str(self.path))
            else:
                self._disk = Generations(str(self.path))
                self._open = self._disk.reader()
        except OSError as exc:
            raise BackendError(f"cannot open the store at {self.path}: {exc}") from exc

    @property
    def _store(self) -> ox.Store:
        if self._open is None:
            raise UsageError(f"{self!r} is closed")
        return self._open

    def __repr__(self) -> str:
        return f"<OxigraphBackend {self.path or 'in memory'}>"

    def query(self, sparql: str, *, bindings: Mapping[str, Value] | None = None,
              default_graph_as_union: bool = True) -> Result:
        """Run a SPARQL query; ``bindings`` are substituted as terms (never pasted into the text)."""
        substitutions = {}
        for name, value in (bindings or {}).items():
            try:
                substitutions[ox.Variable(name)] = to_ox(value)
            except (ValueError, TypeError) as exc:
                raise QueryParameterError(name, str(exc)) from exc
        try:
            raw = self._store.query(sparql, use_default_graph_as_union=default_graph_as_union,
                                    substitutions=substitutions or None, prefixes=PREFIXES)
            if isinstance(raw, ox.QuerySolutions):
                columns = [v.value for v in raw.variables]
                convert = _remembering(from_ox)
                return SelectResult.of_tuples(columns, [tuple(map(convert, solution)) for solution in raw])
            if isinstance(raw, ox.QueryBoolean):
                return AskResult(bool(raw))
            triples = list(raw)
        except SyntaxError as exc:
            raise _query_syntax_error(exc) from exc
        except (OSError, RuntimeError) as exc:
            unprojected = re.search(_NOT_PROJECTED, str(exc))
            if unprojected:
                raise QueryParameterError(unprojected[1], "a bound variable must be in the SELECT projection "
                                          "(SEP-0007 substitution)") from exc
            raise BackendError(f"query failed: {exc}") from exc
        return GraphResult([(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in triples],
                           lambda fmt: ox.serialize(triples, format=_RDF_FORMATS[fmt.name], prefixes=PREFIXES))

    def load(self, sources: Iterable[SourceLike], *, progress: Progress | None = None) -> int:
        """Add every source or none: in memory, parsed first and added in one transaction; on disk,
        bulk-loaded into a new generation that becomes current once every source is in."""
        items = [Source.of(s) for s in sources]
        if self._disk is not None:
            return self._load_generation(self._disk, items, progress)
        quads: list[ox.Quad] = []
        for done, source in enumerate(items, 1):
            quads.extend(_parse(source))
            if progress is not None:
                progress(done, len(items), source.label)
        try:
            self._store.extend(quads)
        except OSError as exc:
            raise BackendError(f"cannot write to the store: {exc}") from exc
        return len(quads)

    def restore(self, path: str) -> None:
        """Load an N-Quads snapshot that ``dump("nq")`` wrote, without checking every term again (twice
        as fast as ``load``; for kzgraph's own cache, never for data from elsewhere)."""
        try:
            self._store.load(path=path, format=ox.RdfFormat.N_QUADS, lenient=True)
        except SyntaxError as exc:
            raise DataSyntaxError(path, str(exc.msg)) from exc
        except OSError as exc:
            raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc

    def _load_generation(self, disk: Generations, items: list[Source], progress: Progress | None) -> int:
        plans = [(source, _rdf_format_of(source), _graph_of(source)) for source in items]
        sizes = [len(s.data) if s.data is not None else _size(s) for s in items]
        before, done = len(self._store), 0

        def report(n: int, label: str) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, sum(sizes), label)

        def change(store: ox.Store) -> None:
            for source, rdf_format, graph in plans:
                try:
                    if source.data is not None:
                        store.bulk_load(source.data, format=rdf_format, to_graph=graph)
                        report(len(source.data), source.label)
                    elif source.path is not None:
                        with open(source.path, "rb") as raw:
                            store.bulk_load(input=io.BufferedReader(_Counting(raw, source.label, report), 1 << 20),
                                            format=rdf_format, to_graph=graph)
                except SyntaxError as exc:
                    raise _data_syntax_error(source, exc) from exc
                except OSError as exc:
                    raise DataError(f"{source.label}: cannot read: {exc.strerror or exc}") from exc

        self._write(disk, change)
        return len(self._store) - before

    def _write(self, disk: Generations, change: Callable[[ox.Store], None]) -> None:
        """A new generation; this backend's own reader lets go of the old one first, so that the write
        can clean it up, and reads the current one afterwards (the new one, or the old if ``change`` failed)."""
        self._open = None
        disk.release()
        try:
            disk.write(change)
        finally:
            self._open = disk.reader()

    def is_empty(self) -> bool:
        """True when the store holds no quad (without counting them all, as ``len`` does)."""
        return next(iter(self._store.quads_for_pattern(None, None, None)), None) is None

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update (transactional; on disk, as a new generation)."""
        if self._disk is not None:
            def change(store: ox.Store) -> None:
                try:
                    store.update(sparql, prefixes=PREFIXES)
                except SyntaxError as exc:
                    raise _query_syntax_error(exc) from exc
            self._write(self._disk, change)
            return
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise _query_syntax_error(exc) from exc
        except (OSError, RuntimeError) as exc:
            raise BackendError(f"update failed: {exc}") from exc

    def dump(self, fmt: str) -> bytes:
        """The dataset in ``fmt``; triples formats get the union of all graphs, without duplicates."""
        rdf_format = _rdf_format(fmt)
        try:
            if rdf_format.supports_datasets:
                return bytes(self._store.dump(format=rdf_format, prefixes=PREFIXES))
            triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in self._store)
            return bytes(ox.serialize(triples, format=rdf_format, prefixes=PREFIXES))
        except OSError as exc:
            raise BackendError(f"cannot read the store: {exc}") from exc

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        """Flush an on-disk store and release it (and its lock); the backend is not to be used afterwards."""
        store, self._open = self._open, None
        if self._disk is not None:
            self._disk.release()
            return
        if store is not None and self.path is not None:
            try:
                store.flush()
            except OSError as exc:
                raise BackendError(f"cannot flush the store at {self.path}: {exc}") from exc


def _query_syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    message = str(exc.msg if exc.msg else exc)
    match = re.match(_QUERY_ERROR, message)
    if match:
        return QuerySyntaxError(match[3], line=int(match[1]), column=int(match[2]))
    return QuerySyntaxError(message)


class _Counting(io.RawIOBase):
    """A file that reports how many bytes were read from it (the progress of a bulk load)."""

    def __init__(self, raw: io.BufferedReader, label: str, report: Callable[[int, str], None]) -> None:
        self._raw, self._label, self._report = raw, label, report

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer) or 0
        self._report(n, self._label)
        return n


def _size(source: Source) -> int:
    try:
        return os.path.getsize(source.path) if source.path is not None else 0
    except OSError as exc:
        raise DataError(f"{source.label}: cannot read: {exc.strerror or exc}") from exc


def _rdf_format_of(source: Source) -> ox.RdfFormat:
    name = source.format
    if name is None and source.path is not None:
        guessed = formats.by_extension(os.path.splitext(os.fspath(source.path))[1])
        name = guessed.name if guessed is not None else None
    if name is None or formats.by_name(name).kind != "rdf":
        raise DataError(f"{source.label}: cannot tell the RDF format (use a known extension: "
                        f"{', '.join(f.extension for f in formats.FORMATS if f.kind == 'rdf')})")
    return _RDF_FORMATS[formats.by_name(name).name]


def _graph_of(source: Source) -> ox.NamedNode | None:
    if source.graph is None:
        return None
    try:
        return ox.NamedNode(source.graph)
    except ValueError as exc:
        raise DataError(f"{source.label}: graph {source.graph!r} is not an IRI: {exc}") from exc


def _data_syntax_error(source: Source, exc: SyntaxError) -> DataSyntaxError:
    line = exc.lineno if isinstance(exc.lineno, int) else None
    column = exc.offset if isinstance(exc.offset, int) else None
    return DataSyntaxError(source.label, re.sub(_PARSE_LOCATION, "", str(exc.msg)), line=line, column=column)


def _parse(source: Source) -> list[ox.Quad]:
    rdf_format = _rdf_format_of(source)
    graph = _graph_of(source)
    try:
        if source.data is not None:
            quads = list(ox.parse(source.data, format=rdf_format, rename_blank_nodes=True))
        elif source.path is not None:
            quads = list(ox.parse(path=str(source.path), format=rdf_format, rename_blank_nodes=True))
        else:
            raise DataError(f"{source.label}: nothing to load")
    except SyntaxError as exc:
        raise _data_syntax_error(source, exc) from exc
    except OSError as exc:
        raise DataError(f"{source.label}: cannot read: {exc.strerror or exc}") from exc
    if graph is not None:
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) if isinstance(q.graph_name, ox.DefaultGraph)
                 else q for q in quads]
    return quads
