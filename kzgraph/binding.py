"""Named queries run with their parameters bound: values checked and typed, texts turned into resources.

``bind`` checks and converts raw values (CLI strings, form fields or Python values) to terms, one converter
per type of ``queries.PARAM_TYPES``; ``prepare`` turns the parameters given as text into resources, by the
search index (a ``Finder``); ``execute`` runs the result. Values are substituted by the backend or written
as a ``VALUES`` block of N-Triples terms, never pasted into the query text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Protocol

from .errors import QueryParameterError, QuerySyntaxError
from .namespaces import BASE, PREFIXES
from .queries import NamedQuery
from .results import Result, SelectResult
from .sparqltext import insert_rows, query_form, with_slice
from .terms import IRI, LangString, Value

if TYPE_CHECKING:
    from .backends import Backend

__all__ = ["SEARCH_LIMIT", "Finder", "Found", "ResourceName", "SearchText", "batch", "bind", "execute", "prepare"]

#: The most hits a ``search`` parameter binds (the best ones)
SEARCH_LIMIT = 1000
# compiled on first use (re caches them): compiling all at import costs start-up time
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


class SearchText(str):
    """A ``search`` parameter's text: bound to the resources the search index finds for it, best first."""

    __slots__ = ()


class Found(Protocol):
    """A search hit, as ``Finder.search`` gives it."""

    @property
    def resource(self) -> str: ...
    @property
    def score(self) -> float: ...


class Finder(Protocol):
    """What turns parameters given as text into resources: the search index (a KnowledgeGraph is one)."""

    def resolve(self, name: str, /) -> list[str]:
        """The IRIs of the resources called ``name``."""

    def search(self, text: str, /, *, limit: int = ...) -> Sequence[Found]:
        """The resources found for ``text``, best first."""


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


def _to_search(raw: object) -> SearchText:
    if not isinstance(raw, str):
        raise TypeError("expected the text to look for")
    if not raw.strip():
        raise ValueError("expected the text to look for, not nothing")
    return SearchText(raw.strip())


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


_CONVERTERS: dict[str, Callable[[object], Value]] = {  # one per queries.PARAM_TYPES
    "iri": _to_iri, "resource": _to_resource, "search": _to_search, "string": _to_string, "integer": _to_integer,
    "decimal": _to_decimal, "date": _to_date, "boolean": _to_boolean}


def batch(query: NamedQuery, name: str, iris: Sequence[IRI]) -> NamedQuery:
    """``query`` asked about many resources at once: ``?name`` bound to each of ``iris`` (not empty) by a
    ``VALUES`` block opening its WHERE group (``sparqltext.insert_rows``), the parameter no longer declared. Still
    the named query, so its errors name its file; QueryParameterError for a term that cannot be written."""
    return query._replace(sparql=insert_rows(query.sparql, [name], [(iri,) for iri in iris]),
                          params=tuple(p for p in query.params if p.name != name))


def execute(backend: Backend, query: NamedQuery, bindings: Mapping[str, Value] | None = None, *,
            finder: Finder | None = None, limit: int | None = None, offset: int = 0) -> Result:
    """Run a named query on a backend; syntax errors name the query's file.

    Parameters given as text are first turned into resources by ``finder`` (the search index), so that the
    engine starts from those IRIs instead of comparing every name with the text. A ``resource`` parameter
    given by name is resolved to the IRIs of the resources so called: one IRI is bound like any value,
    several become a ``VALUES`` block. A ``search`` parameter ``?x`` becomes a ``VALUES (?x ?x_score ?x_rank)``
    block of what the index finds, on any engine: at most ``SEARCH_LIMIT`` hits, each with its score (an
    ``xsd:decimal`` in (0, 1]) and its rank (1 for the best, in the index's order: score, then label, then
    IRI). ``ORDER BY ?x_rank`` sorts integers; sorting by the IRIs would read every IRI's text from the store.
    Nothing found answers no rows without asking the engine (an empty ``VALUES`` block crashes rdflib 7 and is
    ignored by Virtuoso 7.2).
    ``limit`` and ``offset`` give one page of the solutions, sliced by the engine (``sparqltext.with_slice``).
    """
    prepared = prepare(query, bindings, finder=finder)
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
            finder: Finder | None = None) -> tuple[str, dict[str, Value]] | None:
    """The text and bindings that ``execute`` gives the engine, parameters given as text turned into
    resources as it says; None when a SELECT's text finds nothing (no rows, without asking the engine)."""
    sparql, values = query.sparql, dict(bindings or {})
    for name, value in list(values.items()):
        if not isinstance(value, (ResourceName, SearchText)):
            continue
        if finder is None:
            raise QueryParameterError(name, f"{value!r} is a text, and this store has no search index to find "
                                            "resources by: give an IRI")
        del values[name]
        if isinstance(value, SearchText):
            found = finder.search(value, limit=SEARCH_LIMIT)
            rows: list[tuple[Value, ...]] = [(IRI(hit.resource), Decimal(str(hit.score)), rank)
                                             for rank, hit in enumerate(found, 1)]
            columns = [name, f"{name}_score", f"{name}_rank"]
        else:
            rows = [(IRI(iri),) for iri in finder.resolve(value)]
            columns = [name]
        if not rows and query_form(sparql) == "SELECT":
            return None
        if len(rows) == 1 and len(columns) == 1:
            values[name] = rows[0][0]
        else:
            sparql = insert_rows(sparql, columns, rows)
    return sparql, values
