"""kzgraph's SPARQL extension functions, handed to pyoxigraph for one query.

pyoxigraph calls a custom function with its arguments as pyoxigraph terms and takes a term back (None:
unbound); whatever the function raises, it treats as an evaluation error, quietly (the expression is
unbound, a FILTER drops the row). So a ``QueryError`` that a function raises for its author's mistake is
kept here and raised once the query has run (``check``), rather than lost.

Functions are made afresh for each query (``Backend.functions``), and only for a query whose text names
their namespace, so that the other queries pay nothing for them.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import KZF
from ..terms import Value
from . import Functions
from .oxrdf import from_ox, to_ox

__all__ = ["Calls"]

_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_Custom = Callable[..., _Term | None]


class Calls:
    """The custom functions of one query (``custom``: None when it calls none), and what they raised."""

    def __init__(self, functions: Functions | None, sparql: str) -> None:
        self.custom: dict[ox.NamedNode, _Custom] | None = None
        self._raised: list[QueryError] = []
        if functions is not None and KZF in sparql:
            self.custom = {ox.NamedNode(iri): self._adapt(function) for iri, function in functions().items()}

    def _adapt(self, function: Callable[..., Value | None]) -> _Custom:
        results: dict[Value, ox.NamedNode | ox.BlankNode | ox.Literal] = {}  # a function gives few values

        def custom(*args: _Term) -> _Term | None:
            try:
                value = function(*map(from_ox, args))  # each a new term, mostly: remembering them costs more
            except QueryError as exc:
                if not self._raised:
                    self._raised.append(exc)
                return None
            if value is None:
                return None
            term = results.get(value)
            if term is None:
                term = results[value] = to_ox(value)
            return term
        return custom

    def check(self) -> None:
        """Raise the first QueryError a function raised while the query ran, if any."""
        if self._raised:
            raise self._raised[0]
