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

from typing import TYPE_CHECKING, Any

from .api import KnowledgeGraph, open
from .backends import Backend
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
    ResultsSyntaxError,
    ResultTooLargeError,
    UnknownQueryError,
    UsageError,
)
from .push import PushReport
from .queries import Catalogue, NamedQuery, Param
from .resources import Resources
from .results import AskResult, GraphResult, Result, SelectResult, format_result
from .terms import IRI, BNode, LangString, TypedLiteral

if TYPE_CHECKING:  # at run time these come from __getattr__ below, when first used
    from .search import Hit, SearchIndex
    from .stats import Stats
    from .validate import ValidationReport, Violation

__version__ = "0.1.0"

__all__ = [
    "IRI",
    "AskResult",
    "BNode",
    "Backend",
    "BackendError",
    "Catalogue",
    "DataError",
    "DataSyntaxError",
    "EndpointAuthError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "GraphResult",
    "Hit",
    "KnowledgeGraph",
    "KzgraphError",
    "LangString",
    "NamedQuery",
    "Param",
    "PushReport",
    "QueryError",
    "QueryParameterError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "Resources",
    "Result",
    "ResultTooLargeError",
    "ResultsSyntaxError",
    "SearchIndex",
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

#: Imported when first used, not at every start: dataclasses and pathlib (stats, validate), sqlite3 (search).
_LAZY = {"Hit": "search", "SearchIndex": "search", "Stats": "stats", "ValidationReport": "validate",
         "Violation": "validate"}


def __getattr__(name: str) -> object:
    """The records that ``search()``, ``stats()`` and ``validate()`` return, imported when first used."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext kzgraph`` in IPython or Jupyter: the ``%%sparql`` and ``%kzq`` magics (``kzgraph.notebook``,
    imported only now: ``import kzgraph`` never imports IPython)."""
    from . import notebook

    notebook.load_ipython_extension(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext kzgraph``: the magics close the stores they opened."""
    from . import notebook

    notebook.unload_ipython_extension(ipython)
