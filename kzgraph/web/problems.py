"""kzgraph's errors as HTTP answers: a status, a readable message, and headers.

A user's mistake is a 4xx saying what to change; the store or a remote endpoint failing is 502; a query
past its deadline is 504; a full server is 503. Nothing here is a 500: that is left for bugs.

>>> from kzgraph.errors import QuerySyntaxError, UnknownQueryError
>>> problem(QuerySyntaxError("expected WHERE", line=1, column=8)).status
400
>>> problem(UnknownQueryError("nope", ["medals"])).status
404
>>> problem(HttpError(413, "the request body is larger than 1024 bytes")).message
'the request body is larger than 1024 bytes'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import (
    BackendError,
    DataError,
    EndpointError,
    KzgraphError,
    QueryError,
    QueryTimeoutError,
    UnknownQueryError,
    UsageError,
)
from .executor import Overloaded, PageTimeoutError
from .guard import RemoteCallRefused
from .negotiation import NotAcceptable

__all__ = ["TITLES", "HttpError", "Problem", "problem"]

TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 406: "Not acceptable", 413: "Request body too large", 414: "URI too long",
          415: "Unsupported media type", 502: "Bad gateway", 503: "Service unavailable", 504: "Gateway timeout"}


class HttpError(KzgraphError):
    """An answer that is not a kzgraph error of the library: a missing page, a wrong method, a limit."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, dict(headers or {})
        super().__init__(status, message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Problem:
    """What to answer: status, title, message, and extra headers."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    heading: str | None = None

    @property
    def title(self) -> str:
        """The heading for a person, else the status's usual name."""
        return self.heading or TITLES.get(self.status, "Error")


def problem(exc: KzgraphError) -> Problem:
    """The HTTP answer for a kzgraph error."""
    if isinstance(exc, HttpError):
        return Problem(exc.status, exc.message, exc.headers)
    if isinstance(exc, NotAcceptable):
        return Problem(406, str(exc))
    if isinstance(exc, RemoteCallRefused):
        return Problem(403, str(exc))
    if isinstance(exc, UnknownQueryError):
        return Problem(404, str(exc))
    if isinstance(exc, (QueryError, UsageError, DataError)):
        return Problem(400, str(exc))
    if isinstance(exc, Overloaded):
        return Problem(503, str(exc), {"Retry-After": "1"})
    if isinstance(exc, PageTimeoutError):
        return Problem(504, str(exc), heading="This page took too long")
    if isinstance(exc, QueryTimeoutError):
        return Problem(504, str(exc))
    if isinstance(exc, EndpointError):
        return Problem(502, f"the store did not answer as expected: {exc}")
    if isinstance(exc, BackendError):
        return Problem(502, f"the store failed: {exc}")
    return Problem(400, str(exc))
