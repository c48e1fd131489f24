"""kzgraph's exceptions: the library raises them, never prints or exits.

::

    KzgraphError
    ├── UsageError                a command or call was used the wrong way
    ├── QueryError
    │   ├── QuerySyntaxError      .line .column (when the engine tells them)
    │   ├── UnknownQueryError     .name .known .suggestions
    │   ├── QueryParameterError   .param
    │   └── ResultTooLargeError   .limit (more rows or triples than the caller allows)
    ├── DataError                 a data file cannot be read
    │   └── DataSyntaxError       .file .line .column
    │       └── ResultsSyntaxError  .format .path (a SPARQL results document; also a ValueError)
    └── BackendError              the engine or store failed
        ├── EndpointError         .endpoint .status (remote SPARQL endpoints)
        │   ├── EndpointUnreachableError  no connection (wrong host or port, server down)
        │   ├── EndpointTimeoutError      no answer within the timeout
        │   └── EndpointAuthError         401/403: missing or wrong credentials
        └── QueryTimeoutError     .seconds (a query ran past its deadline)

A failed validation is not an exception: it is a ``ValidationReport`` with ``conforms=False``.
The command line maps them to its exit codes (``kzgraph.cli.exit_code``): BackendError 3, the others 2.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "BackendError",
    "DataError",
    "DataSyntaxError",
    "EndpointAuthError",
    "EndpointError",
    "EndpointTimeoutError",
    "EndpointUnreachableError",
    "KzgraphError",
    "QueryError",
    "QueryParameterError",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "ResultTooLargeError",
    "ResultsSyntaxError",
    "UnknownQueryError",
    "UsageError",
]


class KzgraphError(Exception):
    """Root of every error kzgraph raises on purpose."""


class UsageError(KzgraphError):
    """A command, option or function was used the wrong way."""


class QueryError(KzgraphError):
    """A query could not be found, parsed or bound."""


class QuerySyntaxError(QueryError):
    """The SPARQL text does not parse; ``line``/``column`` are 1-based when known."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None,
                 source: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.source = message, line, column, source

    def __str__(self) -> str:
        where = self.source or "query"
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: SPARQL syntax error: {self.message}"


class UnknownQueryError(QueryError):
    """No named query has this name; ``suggestions`` are the known names closest to it (at most three).

    >>> print(UnknownQueryError("medal", ["athlete", "medal-table", "medals"]))
    no named query 'medal'; did you mean medals or medal-table?
    >>> print(UnknownQueryError("nope", ["athlete", "medals"]))
    no named query 'nope'; known queries: athlete, medals
    """

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        import difflib  # only when a name is wrong: off the start-up path

        self.name, self.known = name, sorted(known)
        self.suggestions = difflib.get_close_matches(name[:200], self.known, n=3, cutoff=0.6)
        super().__init__(name)

    def __str__(self) -> str:
        if self.suggestions:
            *others, last = self.suggestions
            return f"no named query {self.name!r}; did you mean {', '.join(others) + ' or ' if others else ''}{last}?"
        names = ", ".join(self.known) if self.known else "(none)"
        return f"no named query {self.name!r}; known queries: {names}"


class QueryParameterError(QueryError):
    """A parameter is missing, unknown, or its value does not fit its type."""

    def __init__(self, param: str, message: str) -> None:
        self.param, self.message = param, message
        super().__init__(param, message)

    def __str__(self) -> str:
        return f"parameter {self.param!r}: {self.message}"


class ResultTooLargeError(QueryError):
    """The query's result has more than ``limit`` rows (or triples); narrow it or add a LIMIT."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(limit)

    def __str__(self) -> str:
        return f"the result has more than {self.limit} rows; narrow the query or add LIMIT {self.limit}"


class DataError(KzgraphError):
    """A data file or resource cannot be read or is not usable."""


class DataSyntaxError(DataError):
    """A data file does not parse; ``line``/``column`` are 1-based when known."""

    def __init__(self, file: str, message: str, *, line: int | None = None,
                 column: int | None = None) -> None:
        self.file, self.message, self.line, self.column = file, message, line, column
        super().__init__(file, message)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: {self.message}"


class ResultsSyntaxError(DataSyntaxError, ValueError):
    """A SPARQL results document (``format``: ``json`` or ``xml``) that cannot be read: ``line``/``column``
    where its text does not parse, else ``path``, the part that is wrong. A ValueError too, as it used to be.

    >>> print(ResultsSyntaxError("json", "no 'type' member", path="results.bindings[2].name"))
    SPARQL JSON results at results.bindings[2].name: no 'type' member
    >>> print(ResultsSyntaxError("xml", "mismatched tag", line=3, column=5))
    SPARQL XML results:3:5: mismatched tag
    """

    def __init__(self, format: str, message: str, *, line: int | None = None, column: int | None = None,
                 path: str | None = None) -> None:
        super().__init__(f"SPARQL {format.upper()} results", message, line=line, column=column)
        self.format, self.path = format, path

    def __str__(self) -> str:
        text = super().__str__()
        if self.path is None:
            return text
        return f"{self.file} at {self.path}: {self.message}" if self.line is None else f"{text} (at {self.path})"


class BackendError(KzgraphError):
    """The engine or store failed at run time (I/O, lock, server)."""


class EndpointError(BackendError):
    """A remote SPARQL endpoint answered with an error or not at all."""

    def __init__(self, endpoint: str, message: str, *, status: int | None = None) -> None:
        self.endpoint, self.message, self.status = endpoint, message, status
        super().__init__(endpoint, message)

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{self.endpoint}{status}: {self.message}"


class EndpointUnreachableError(EndpointError):
    """No connection to the endpoint: wrong host or port, or the server is down."""


class EndpointTimeoutError(EndpointError):
    """The endpoint did not answer within the timeout."""


class EndpointAuthError(EndpointError):
    """The endpoint refused the credentials (HTTP 401 or 403)."""


class QueryTimeoutError(BackendError):
    """A query ran longer than its deadline (``seconds``) and its answer was given up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(seconds)

    def __str__(self) -> str:
        return f"the query did not finish within {self.seconds:g} s; narrow it or add a LIMIT"
