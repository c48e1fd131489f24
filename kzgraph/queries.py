"""The named-query catalogue: ``.rq`` files and their ``#+`` headers (parameters are bound by ``binding``).

A named query is ``queries/<name>.rq`` (or ``queries/checks/<name>-violation.rq``) starting with::

    #+ title: Medals of an athlete
    #+ description: One row per medal.
    #+ param: athlete iri required The athlete
    #+ returns: medal, event
    #+ tags: core

Parameter ``x`` is the SPARQL variable ``?x``, of one of ``PARAM_TYPES``; ``kzgraph.binding`` turns raw values
(CLI strings or Python values) into terms, which the backend substitutes: values are never pasted into the
query text.

The other folders of ``queries/`` hold queries that are not in the catalogue: ``rules/`` (run while the
dataset is built), ``wikidata/`` (sent to Wikidata) and ``internal/``, kzgraph's own questions to a store
(its sizes, its graphs, a dump), read by ``internal_query``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple

from .errors import QueryError, QuerySyntaxError, UnknownQueryError
from .resources import files, find
from .sparqltext import check_nesting

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["PARAM_TYPES", "Catalogue", "NamedQuery", "Param", "internal_query", "load_catalogue", "parse_file",
           "parse_text"]

#: The types a parameter may have (see ``binding``): ``resource`` is an IRI or a name that names resources,
#: ``search`` a text that the search index finds resources for
PARAM_TYPES = ("iri", "resource", "search", "string", "integer", "decimal", "date", "boolean")
# compiled on first use (re caches them): compiling all at import costs start-up time
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_HEADER = r"#\+\s*([A-Za-z]+)\s*:\s*(.*)"


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
