"""The named-query catalogue: ``#+`` headers, typed parameters, and safe binding in one function.

A named query is ``queries/<name>.rq`` (or ``queries/checks/<name>-violation.rq``) starting with::

    #+ title: Medals of an athlete
    #+ description: One row per medal.
    #+ param: athlete iri required The athlete
    #+ returns: medal, event
    #+ tags: core

Parameter ``x`` is the SPARQL variable ``?x``; ``bind`` turns raw values (CLI strings or Python values)
into terms, which the backend substitutes: values are never pasted into the query text.

The other folders of ``queries/`` hold queries that are not in the catalogue: ``rules/`` (run while the
dataset is built), ``wikidata/`` (sent to Wikidata) and ``internal/``, kzgraph's own questions to a store
(its sizes, its graphs, a dump), read by ``internal_query``.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NamedTuple

from .errors import QueryError, QueryParameterError, QuerySyntaxError, UnknownQueryError
from .namespaces import BASE, PREFIXES
from .resources import files, find
from .results import Result, SelectResult
from .sparqltext import check_nesting, insert_rows, query_form, with_slice
from .terms import IRI, LangString, Value

if TYPE_CHECKING:
    from pathlib import Path

    from .backends import Backend

__all__ = [
    "PARAM_TYPES",
    "Catalogue",
    "NamedQuery",
    "Param",
    "ResourceName",
    "bind",
    "execute",
    "internal_query",
    "load_catalogue",
    "parse_file",
    "parse_text",
    "prepare",
]

#: ``resource``: an IRI, or a name that ``execute`` resolves to the IRIs of the resources called so
PARAM_TYPES = ("iri", "resource", "string", "integer", "decimal", "date", "boolean")
# compiled on first use (re caches them): compiling all at import costs start-up time
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_HEADER = r"#\+\s*([A-Za-z]+)\s*:\s*(.*)"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*:"
_BAD_IRI_CHARS = r'[\x00-\x20<>"{}|^`\\]'
_RELATIVE = r"[a-z0-9-]+/\S+"
_INTEGER = r"[+-]?\d+"
_DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)"
_DATE = r"\d{4}-\d{2}-\d{2}"
_IRI_LIKE = r"(?i)<|[a-z][a-z0-9+.-]*://|urn:"


class ResourceName(str):
    """A ``resource`` parameter given by name: resolved to IRIs (by the search index) before the query runs."""

    __slots__ = ()


class Param(NamedTuple):
    """A declared parameter: ``?name`` gets a value of ``type`` (``required``, ``description``)."""

    name: str
    type: str
    required: bool
    description: str = ""


class NamedQuery(NamedTuple):
    """One ``.rq`` file: its header and its SPARQL (the whole file, so error lines match the file).

    Fields: name, file (a str, or None for text), title, description, params (Params), returns and tags
    (names), sparql; ``path`` is the file as a Path.
    """

    name: str
    file: str | None
    title: str
    description: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    tags: tuple[str, ...]
    sparql: str

    def __repr__(self) -> str:
        return f"NamedQuery(name={self.name!r}, file={self.file!r}, title={self.title!r})"

    @property
    def path(self) -> Path | None:
        """The ``.rq`` file, or None when the query came as text."""
        if self.file is None:
            return None
        from pathlib import Path  # imported when asked for: not at start-up

        return Path(self.file)

    @property
    def is_check(self) -> bool:
        """A quality check: must return no rows."""
        return self.name.endswith("-violation")

    def param(self, name: str) -> Param | None:
        """The declared parameter ``name``, or None."""
        return next((p for p in self.params if p.name == name), None)


def parse_text(text: str, *, name: str, path: str | os.PathLike[str] | None = None) -> NamedQuery:
    """A NamedQuery from the text of a ``.rq`` file; QueryError naming file:line for a bad header."""
    where = os.fspath(path) if path is not None else name
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "returns": [], "tags": []}
    params: list[Param] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            break
        match = re.fullmatch(_HEADER, line.strip())
        if not match or match[1] not in fields:
            raise QueryError(f"{where}:{lineno}: malformed header line (expected '#+ key: value' with key "
                             f"one of {', '.join(fields)}): {line!r}")
        key, value = match[1], match[2].strip()
        if key == "param":
            params.append(_parse_param(value, f"{where}:{lineno}", params))
        elif key in ("title", "returns") and fields[key]:
            raise QueryError(f"{where}:{lineno}: '{key}' given twice")
        else:
            fields[key].append(value)
    try:
        check_nesting(text)
    except QuerySyntaxError as exc:
        exc.source = where
        raise
    return NamedQuery(
        name=name, file=os.fspath(path) if path is not None else None, title=" ".join(fields["title"]),
        description=" ".join(fields["description"]),
        params=tuple(params), returns=tuple(_split(",".join(fields["returns"]))),
        tags=tuple(_split(",".join(fields["tags"]))), sparql=text)


def _split(text: str) -> list[str]:
    return [part.strip().lstrip("?") for part in text.split(",") if part.strip()]


def _parse_param(value: str, where: str, seen: list[Param]) -> Param:
    parts = value.split(None, 3)
    if len(parts) < 3:
        raise QueryError(f"{where}: malformed param (expected 'NAME TYPE required|optional DESCRIPTION'): "
                         f"{value!r}")
    name, type_, flag = parts[0].lstrip("?"), parts[1], parts[2]
    if not re.fullmatch(_NAME, name):
        raise QueryError(f"{where}: param name {name!r} is not a SPARQL variable name")
    if type_ not in PARAM_TYPES:
        raise QueryError(f"{where}: param {name!r} has unknown type {type_!r} (one of {', '.join(PARAM_TYPES)})")
    if flag not in ("required", "optional"):
        raise QueryError(f"{where}: param {name!r}: expected 'required' or 'optional', got {flag!r}")
    if any(p.name == name for p in seen):
        raise QueryError(f"{where}: param {name!r} declared twice")
    return Param(name, type_, flag == "required", parts[3] if len(parts) > 3 else "")


def parse_file(path: str | os.PathLike[str], *, name: str | None = None) -> NamedQuery:
    """A NamedQuery from a ``.rq`` file; its name is the file stem unless given."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    return parse_text(text, name=name or os.path.splitext(os.path.basename(path))[0], path=path)


class Catalogue(Mapping[str, NamedQuery]):
    """Named queries by name: ``queries/*.rq`` and ``queries/checks/*.rq`` (not ``rules/``, ``wikidata/`` or
    ``internal/``).

    Built from queries or from paths; a file is read and parsed when its query is first asked for.
    """

    def __init__(self, queries: Mapping[str, NamedQuery | str]) -> None:
        self._queries = dict(sorted(queries.items()))

    def __getitem__(self, name: str) -> NamedQuery:
        query = self._queries[name]
        if not isinstance(query, NamedQuery):
            query = self._queries[name] = parse_file(query)
        return query

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def __len__(self) -> int:
        return len(self._queries)

    def lookup(self, name: str) -> NamedQuery:
        """The query called ``name``; UnknownQueryError listing the known names otherwise (``get`` is
        ``Mapping.get``: None or the default given)."""
        try:
            return self[name]
        except KeyError:
            raise UnknownQueryError(name, self._queries) from None

    @property
    def checks(self) -> list[NamedQuery]:
        """The ``*-violation`` quality checks."""
        return [self[name] for name in self._queries if name.endswith("-violation")]


def load_catalogue(queries_dir: str | os.PathLike[str] | None = None) -> Catalogue:
    """All named queries under ``queries_dir`` (default: the package's ``queries/``)."""
    directory = os.fspath(queries_dir) if queries_dir is not None else find().queries_location
    found: dict[str, NamedQuery | str] = {}
    for path in files(directory, ".rq") + files(os.path.join(directory, "checks"), ".rq"):
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem in found:
            raise QueryError(f"{path}: query name {stem!r} is also used by {found[stem]}")
        found[stem] = path  # parsed when first asked for: `kzgraph query NAME` reads one file
    return Catalogue(found)


@functools.cache
def internal_query(name: str) -> NamedQuery:
    """kzgraph's own query ``queries/internal/<name>.rq`` of the package (not a named query: ``kzgraph query``
    and the catalogue do not list it).

    >>> internal_query("graph-sizes").returns
    ('graph', 'triples')
    """
    return parse_file(find().internal_query_location(name))


def bind(query: NamedQuery, raw_params: Mapping[str, object]) -> dict[str, Value]:
    """Check and convert parameter values to terms: the one place this is done.

    Values may be strings (as typed on the command line) or Python values. A missing required parameter,
    an unknown one, or a value not valid for its type raises QueryParameterError naming the parameter.
    Optional parameters left out (or given as None) stay unbound.
    """
    for name in raw_params:
        if query.param(name) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise QueryParameterError(name, f"unknown parameter of query {query.name!r} (known: {known})")
    bound: dict[str, Value] = {}
    for param in query.params:
        raw = raw_params.get(param.name)
        if raw is None:
            if param.required:
                raise QueryParameterError(param.name, f"required by query {query.name!r} ({param.type})")
            continue
        try:
            bound[param.name] = _CONVERTERS[param.type](raw)
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise QueryParameterError(param.name, f"{raw!r} is not a valid {param.type}: {exc}") from None
    return bound


def _to_iri(raw: object) -> IRI:
    if not isinstance(raw, str):
        raise TypeError("expected an IRI string")
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    elif re.fullmatch(_RELATIVE, text) and not re.match(_SCHEME, text):
        text = BASE + text
    if not re.match(_SCHEME, text) or re.search(_BAD_IRI_CHARS, text):
        raise ValueError("expected an absolute IRI, a prefixed name (kz:Medal) or a path like athlete/slug")
    return IRI(text)


def _to_resource(raw: object) -> IRI | ResourceName:
    """An IRI (absolute, ``<…>``, a prefixed name or a path such as athlete/slug), else a name to resolve."""
    if isinstance(raw, IRI):
        return raw
    if not isinstance(raw, str):
        raise TypeError("expected an IRI or a name")
    text = raw.strip()
    prefix, colon, _ = text.partition(":")
    if re.match(_IRI_LIKE, text) or (colon and prefix in PREFIXES) or re.fullmatch(_RELATIVE, text):
        return _to_iri(text)
    if not text:
        raise ValueError("expected an IRI or a name")
    return ResourceName(text)


def _to_string(raw: object) -> str:
    if isinstance(raw, LangString):
        return raw
    if not isinstance(raw, str):
        raise TypeError("expected a string")
    return str(raw)


def _to_integer(raw: object) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and re.fullmatch(_INTEGER, raw.strip()):
        return int(raw)
    raise ValueError("expected an integer such as 3")


def _to_decimal(raw: object) -> Decimal:
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        value = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
    elif isinstance(raw, str) and re.fullmatch(_DECIMAL, raw.strip()):
        value = Decimal(raw.strip())
    else:
        raise ValueError("expected a decimal number such as 247.7")
    if not value.is_finite():
        raise ValueError("expected a finite number")
    return value


def _to_date(raw: object) -> datetime.date:
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw
    if isinstance(raw, str) and re.fullmatch(_DATE, raw.strip()):
        return datetime.date.fromisoformat(raw.strip())
    raise ValueError("expected a date such as 2024-08-01")


def _to_boolean(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "1", "0"):
        return raw.strip().lower() in ("true", "1")
    raise ValueError("expected true or false")


_CONVERTERS: dict[str, Callable[[object], Value]] = {
    "iri": _to_iri, "resource": _to_resource, "string": _to_string, "integer": _to_integer, "decimal": _to_decimal,
    "date": _to_date, "boolean": _to_boolean}


def execute(backend: Backend, query: NamedQuery, bindings: Mapping[str, Value] | None = None, *,
            resolve: Callable[[str], list[str]] | None = None, limit: int | None = None, offset: int = 0) -> Result:
    """Run a named query on a backend; syntax errors name the query's file.

    A ``resource`` parameter given by name is first resolved to IRIs by ``resolve`` (the search index's
    exact-name lookup): one IRI is bound like any value, several become a ``VALUES`` block, and none
    answers no rows without asking the engine (an empty ``VALUES`` block crashes rdflib 7 and is ignored
    by Virtuoso 7.2). The engine then starts from those IRIs instead of comparing every name with the text.
    ``limit`` and ``offset`` give one page of the solutions, sliced by the engine (``sparqltext.with_slice``).
    """
    prepared = prepare(query, bindings, resolve=resolve)
    if prepared is None:
        return SelectResult(list(query.returns), [])
    sparql, values = prepared
    try:
        sparql = sparql if limit is None and not offset else with_slice(sparql, limit, offset)
        return backend.query(sparql, bindings=values)
    except QuerySyntaxError as exc:
        exc.source = query.file if query.file is not None else query.name
        raise


def prepare(query: NamedQuery, bindings: Mapping[str, Value] | None = None, *,
            resolve: Callable[[str], list[str]] | None = None) -> tuple[str, dict[str, Value]] | None:
    """The text and bindings that ``execute`` gives the engine, resources resolved as it says; None when a
    SELECT's resource names nothing (no rows, without asking the engine)."""
    sparql, values = query.sparql, dict(bindings or {})
    for name, value in list(values.items()):
        if isinstance(value, ResourceName):
            if resolve is None:
                raise QueryParameterError(name, f"{value!r} is a name, and this store cannot resolve names: "
                                                "give an IRI")
            iris = resolve(value)
            del values[name]
            if not iris and query_form(sparql) == "SELECT":
                return None
            if len(iris) == 1:
                values[name] = IRI(iris[0])
            else:
                sparql = insert_rows(sparql, [name], [(IRI(iri),) for iri in iris])
    return sparql, values
