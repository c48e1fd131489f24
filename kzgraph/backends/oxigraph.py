"""The embedded backend: a pyoxigraph ``Store``, in memory or on disk."""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from ..errors import (
    BackendError,
    DataError,
    DataSyntaxError,
    KzgraphError,
    QueryParameterError,
    UsageError,
)
from ..namespaces import PREFIXES
from ..results import AskResult, GraphResult, Result, SelectResult
from ..results.stream import Stream
from ..sparqltext import names_dataset
from ..terms import Value
from . import Backend, Progress, Source, SourceLike, oxstream
from .generations import Generations, store_kind
from .oxdump import dump_to
from .oxfunctions import Calls
from .oxrdf import (
    RDF_FORMATS,
    format_named,
    from_ox,
    graph_of,
    parse,
    rdf_format_of,
    reading_error,
    remembering,
    skip_bom,
    to_ox,
    triple_term,
    without_bom,
)
from .oxstream import bounded

__all__ = ["NOT_PROJECTED", "OxigraphBackend", "engine_error"]

# compiled on first use (re caches them): only error messages need them
NOT_PROJECTED = r"does not contains? variable \?(\w+) in its SELECT projection"
if TYPE_CHECKING:
    from typing_extensions import Buffer

_T = TypeVar("_T")


class OxigraphBackend(Backend):
    """A pyoxigraph store: in memory when ``path`` is None, else on disk at ``path``.

    On disk, every write makes a new generation of the store (see ``generations``): a crash leaves the
    old data whole, and readers in other processes see the data as it was when they opened it.
    """

    runs_functions = True  # kzgraph's kzf: functions, as custom functions (see oxfunctions)

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
            elif store_kind(str(self.path)) == "legacy":
                # read-write when this process may write there, else read-only (writes then fail)
                legacy = str(self.path)
                self._open = ox.Store(legacy) if os.access(legacy, os.W_OK) else ox.Store.read_only(legacy)
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
              default_graph_as_union: bool = True, default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None, max_rows: int | None = None,
              base_iri: str | None = None) -> Result:
        """Run a SPARQL query; ``bindings`` are substituted as terms (never pasted into the text)."""
        raw, calls = self._raw(sparql, bindings, default_graph_as_union, default_graphs, named_graphs, base_iri)
        try:
            try:
                if isinstance(raw, ox.QuerySolutions):
                    columns = [v.value for v in raw.variables]
                    convert = remembering(from_ox)
                    return SelectResult.of_tuples(columns, [tuple(map(convert, solution))
                                                            for solution in bounded(raw, max_rows)])
                if isinstance(raw, ox.QueryBoolean):
                    return AskResult(bool(raw))
                triples = list(bounded(raw, max_rows))
            finally:
                del raw  # on this thread, even when an error's traceback outlives this frame (see oxstream.bounded)
                calls.check()  # a function's QueryError, which the engine took for an unbound value
        except (SyntaxError, OSError, RuntimeError) as exc:
            raise engine_error(exc, sparql) from exc
        return GraphResult([(triple_term(t.subject), triple_term(t.predicate), triple_term(t.object)) for t in triples],
                           lambda fmt: ox.serialize(triples, format=RDF_FORMATS[fmt.name], prefixes=PREFIXES) or b"")

    def query_stream(self, sparql: str, *, bindings: Mapping[str, Value] | None = None,
                     default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
                     base_iri: str | None = None) -> Stream:
        """``query`` as the engine's own iterator, read as it comes (see ``oxstream``)."""
        raw, calls = self._raw(sparql, bindings, True, default_graphs, named_graphs, base_iri)
        return oxstream.stream(raw, calls, lambda exc: engine_error(exc, sparql))

    def _raw(self, sparql: str, bindings: Mapping[str, Value] | None, union: bool,
             default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None,
             base_iri: str | None) -> tuple[oxstream.Raw, Calls]:
        """The engine's answer, not read yet, and the query's custom functions."""
        base = _base(base_iri)
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
        for name, value in (bindings or {}).items():
            try:
                substitutions[ox.Variable(name)] = to_ox(value)
            except (ValueError, TypeError) as exc:
                raise QueryParameterError(name, str(exc)) from exc
        default_graph, named = oxstream.dataset(default_graphs, named_graphs)
        try:
            union = union and named is None and not names_dataset(sparql)  # FROM wins
            calls = Calls(self.functions, sparql)
            return self._store.query(sparql, use_default_graph_as_union=union, substitutions=substitutions or None,
                                     prefixes=PREFIXES, default_graph=default_graph, named_graphs=named,
                                     base_iri=base, custom_functions=calls.custom), calls
        except (SyntaxError, OSError, RuntimeError) as exc:
            raise engine_error(exc, sparql) from exc

    def select_strings(self, sparql: str) -> Iterator[list[str]]:
        """The rows of a SELECT (over the union of the graphs) as plain strings, '' for unbound: the engine
        writes them as CSV, several times faster than terms when there are millions of rows."""
        import csv

        try:
            raw = self._store.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
            try:
                if not isinstance(raw, ox.QuerySolutions):
                    raise UsageError("select_strings needs a SELECT query")
                text = (raw.serialize(format=ox.QueryResultsFormat.CSV) or b"").decode("utf-8")
            finally:
                del raw  # on this thread (see oxstream.bounded)
        except (SyntaxError, OSError, RuntimeError) as exc:
            raise engine_error(exc, sparql) from exc
        rows = csv.reader(io.StringIO(text))
        next(rows, None)  # the header
        return rows

    def load(self, sources: Iterable[SourceLike], *, progress: Progress | None = None) -> int:
        """Add every source or none; returns the number of quads read. In memory, parsed first and added in
        one transaction; on disk, bulk-loaded into a new generation that becomes current once every source
        is in, and only if it adds a quad the store did not hold (else the store is left as it was)."""
        items = [Source.of(s) for s in sources]
        if self._disk is not None:
            return self._load_generation(self._disk, items, progress)
        quads: list[ox.Quad] = []
        for done, source in enumerate(items, 1):
            quads.extend(parse(source))
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
        plans = [(source, rdf_format_of(source), graph_of(source)) for source in items]
        sizes = [len(s.data) if s.data is not None else _size(s) for s in items]
        done = read = 0

        def report(n: int, label: str) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, sum(sizes), label)

        def counted(quads: Iterable[ox.Quad], graph: ox.NamedNode | None) -> Iterator[ox.Quad]:
            nonlocal read
            for quad in quads:
                read += 1
                if graph is not None and isinstance(quad.graph_name, ox.DefaultGraph):
                    quad = ox.Quad(quad.subject, quad.predicate, quad.object, graph)
                yield quad

        def change(store: ox.Store) -> bool:
            before = len(store)
            for source, rdf_format, graph in plans:
                try:
                    if source.data is not None:
                        _bulk_extend(store, counted(ox.parse(without_bom(source.data, rdf_format), format=rdf_format,
                                                             rename_blank_nodes=True), graph))
                        report(len(source.data), source.label)
                    elif source.path is not None:
                        with open(source.path, "rb") as raw:
                            skip_bom(raw, rdf_format)
                            reader = io.BufferedReader(_Counting(raw, source.label, report), 1 << 20)
                            _bulk_extend(store, counted(ox.parse(reader, format=rdf_format,
                                                                 rename_blank_nodes=True), graph))
                    else:
                        raise DataError(f"{source.label}: nothing to load")
                except (SyntaxError, OSError) as exc:
                    raise reading_error(source, exc) from exc
            return read > 0 and len(store) > before  # nothing new: no new generation

        self._write(disk, change)
        return read

    def _write(self, disk: Generations, change: Callable[[ox.Store], bool | None]) -> None:
        """A new generation; this backend's own reader lets go of the old one first, so that the write
        can clean it up, and reads the current one afterwards (the new one, or the old if ``change`` failed)."""
        self._open = None
        disk.release()
        try:
            disk.write(change)
        finally:
            self._open = disk.reader()

    @property
    def generation(self) -> str | None:
        """The directory of the on-disk generation being read; None in memory, for a store never written and
        for a store made before generations. Files named after it (``<generation>.*``) go with it."""
        if self._disk is None or self._disk.opened is None:
            return None
        return os.path.join(self._disk.path, self._disk.opened)

    def is_empty(self) -> bool:
        """True when the store holds no quad (without counting them all, as ``len`` does)."""
        return next(iter(self._store.quads_for_pattern(None, None, None)), None) is None

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 Update (transactional; on disk, as a new generation)."""
        base = _base(base_iri)
        if self._disk is not None:
            def change(store: ox.Store) -> None:
                try:
                    store.update(sparql, prefixes=PREFIXES, base_iri=base)
                except (SyntaxError, OSError, RuntimeError) as exc:
                    raise engine_error(exc, sparql, update=True) from exc
            self._write(self._disk, change)
            return
        try:
            self._store.update(sparql, prefixes=PREFIXES, base_iri=base)
        except (SyntaxError, OSError, RuntimeError) as exc:
            raise engine_error(exc, sparql, update=True) from exc

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The dataset (or one named ``graph``) in ``fmt``; triples formats get the union of all graphs."""
        rdf_format = format_named(fmt)
        try:
            if graph is not None:
                quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                                    format=rdf_format, prefixes=PREFIXES) or b""
            if rdf_format.supports_datasets:
                return self._store.dump(format=rdf_format, prefixes=PREFIXES) or b""
            triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in self._store)
            return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES) or b""
        except OSError as exc:
            raise BackendError(f"cannot read the store: {exc}") from exc

    dump_to = dump_to  # dump(fmt) given to write as the engine writes it, in constant memory

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def replace_graph(self, graph: str | None, ntriples: bytes) -> None:
        """Replace one named graph (None: the default graph) by the given N-Triples; ``b""`` removes a named graph,
        its name too (``clear_graph`` would leave the name listed by ``graphs()`` and ``GRAPH ?g {}``)."""
        target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
        quads = [ox.Quad(q.subject, q.predicate, q.object, target)
                 for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]

        def change(store: ox.Store) -> None:
            store.remove_graph(target)  # the default graph: emptied; a named graph: back with its first quad
            store.extend(quads)
        try:
            if self._disk is not None:
                self._write(self._disk, change)  # on disk: a new generation, all or nothing
            else:
                change(self._store)
        except OSError as exc:
            raise BackendError(f"cannot write to the store: {exc}") from exc

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


def _message(exc: SyntaxError) -> str:
    return str(exc.msg if exc.msg else exc)


class _Counting(io.RawIOBase):
    """A file that reports how many bytes were read from it (the progress of a bulk load)."""

    def __init__(self, raw: io.BufferedReader, label: str, report: Callable[[int, str], None]) -> None:
        self._raw, self._label, self._report = raw, label, report

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        n = self._raw.readinto(buffer) or 0
        self._report(n, self._label)
        return n


def _size(source: Source) -> int:
    try:
        return os.path.getsize(source.path) if source.path is not None else 0
    except OSError as exc:
        raise DataError(f"{source.label}: cannot read: {exc.strerror or exc}") from exc


#: Quads per bulk write: pyoxigraph holds the GIL while it writes a batch (about 0.4 s for this many), and
#: Ctrl-C, progress and the server's event loop wait for the GIL; batches keep the load as fast as one write.
BULK_BATCH = 50_000


def _bulk_extend(store: ox.Store, quads: Iterator[ox.Quad]) -> None:
    while batch := list(itertools.islice(quads, BULK_BATCH)):
        store.bulk_extend(batch)


def _base(base_iri: str | None) -> str | None:
    """A base IRI for the engine, or UsageError when it is not an absolute IRI."""
    if base_iri is not None:
        try:
            ox.NamedNode(base_iri)
        except ValueError as exc:
            raise UsageError(f"the base IRI <{base_iri[:200]}> is not an absolute IRI: {exc}") from None
    return base_iri


def engine_error(exc: SyntaxError | OSError | RuntimeError, sparql: str, *, update: bool = False) -> KzgraphError:
    """What pyoxigraph raised for ``sparql`` (a query, or an update), as kzgraph's error: the one place that
    reads the engine's messages (their patterns are pinned to pyoxigraph's version in tests/test_engine_messages.py).
    A syntax error is read again for its offending token (see ``syntax``); an unprojected bound variable is a
    QueryParameterError; anything else the engine could not do is a BackendError."""
    if isinstance(exc, SyntaxError):
        from .syntax import sparql_error  # only texts with a mistake need it: off the start-up path

        return sparql_error(sparql, _message(exc), update=update)
    unprojected = re.search(NOT_PROJECTED, str(exc))
    if unprojected and not update:
        return QueryParameterError(unprojected[1], "a bound variable must be in the SELECT projection "
                                   "(SEP-0007 substitution)")
    return BackendError(f"{'update' if update else 'query'} failed: {exc}")
