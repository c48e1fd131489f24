"""kzgraph: a knowledge graph of Kazakhstan's Paris 2024 medals, queryable with SPARQL.

>>> import kzgraph
>>> kg = kzgraph.open()
>>> [row[:2] for row in kg.query("medals")][:3]
[('David Degtyarev', 'Gold'), ('Akmaral Nauatbek', 'Gold'), ('Yerkin Gabbasov', 'Silver')]
>>> kg.query("medal-table").to_dicts()[0]["total"]
9
>>> kg.close()
"""

from __future__ import annotations

from .api import KnowledgeGraph, open
from .errors import (
    BackendError,
    DataError,
    DataSyntaxError,
    EndpointAuthError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    KzgraphError,
    QueryError,
    QueryParameterError,
    QuerySyntaxError,
    QueryTimeoutError,
    ResultTooLargeError,
    UnknownQueryError,
    UsageError,
)
from .queries import NamedQuery, Param
from .results import AskResult, GraphResult, SelectResult, format_result
from .terms import IRI, BNode, LangString, TypedLiteral

__version__ = "0.1.0"

__all__ = [
    "IRI",
    "AskResult",
    "BNode",
    "BackendError",
    "DataError",
    "DataSyntaxError",
    "EndpointAuthError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "GraphResult",
    "KnowledgeGraph",
    "KzgraphError",
    "LangString",
    "NamedQuery",
    "Param",
    "QueryError",
    "QueryParameterError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "ResultTooLargeError",
    "SelectResult",
    "Stats",
    "TypedLiteral",
    "UnknownQueryError",
    "UsageError",
    "ValidationReport",
    "Violation",
    "__version__",
    "format_result",
    "open",
]

_LAZY = {"Stats": "stats", "ValidationReport": "validate", "Violation": "validate"}


def __getattr__(name: str) -> object:
    """``Stats``, ``ValidationReport`` and ``Violation``, imported when first used (not at every start)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
