"""The HTTP client of the remote backend: one pooled keep-alive ``httpx.Client`` per endpoint set.

It authenticates (Basic, Digest or Bearer), times out instead of hanging, retries with exponential backoff
on 429 and 503 only (honouring ``Retry-After``; each retry is logged as a warning on this module's logger,
naming the endpoint), and turns every failure into a typed ``EndpointError`` naming the endpoint and the
HTTP status.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import httpx

from ..deadline import DEFAULT_TIMEOUT
from ..errors import (
    EndpointAuthError,
    EndpointError,
    EndpointTimeoutError,
    EndpointUnreachableError,
    UsageError,
)
from .options import AUTH_SCHEMES, DEFAULT_AUTH, DEFAULT_RETRIES

__all__ = ["Http", "endpoint_name"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER_S = 30.0
_BODY_CHARS = 300


def endpoint_name(url: str) -> str:
    """The URL as messages show it: no query string, no credentials.

    >>> endpoint_name("http://dba:secret@127.0.0.1:8890/sparql?query=ASK%7B%7D")
    'http://127.0.0.1:8890/sparql'
    """
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _auth(user: str | None, password: str | None, scheme: str) -> httpx.Auth | None:
    if scheme not in AUTH_SCHEMES:
        raise UsageError(f"unknown auth scheme {scheme!r}; one of {', '.join(AUTH_SCHEMES)}")
    if scheme == "bearer":
        return None  # a header, set by Http
    if user is None:
        return None
    if scheme == "digest":
        return httpx.DigestAuth(user, password or "")
    return httpx.BasicAuth(user, password or "")


def _reason(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    if response.headers.get("content-type", "").startswith("text/html") or not text:
        text = response.reason_phrase or "error"
    return text[:_BODY_CHARS] + ("…" if len(text) > _BODY_CHARS else "")


class Http:
    """Requests to SPARQL endpoints with pooled connections, auth, timeouts and bounded retries."""

    def __init__(self, *, user: str | None = None, password: str | None = None, auth: str = DEFAULT_AUTH,
                 token: str | None = None, timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
                 backoff: float = 0.25,
                 headers: Mapping[str, str] | None = None) -> None:
        all_headers = {"User-Agent": "kzgraph", **(headers or {})}
        if auth == "bearer" or token is not None:
            if token is None:
                raise UsageError("bearer auth needs a token")
            all_headers["Authorization"] = f"Bearer {token}"
            auth = "bearer"
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self._client = httpx.Client(auth=_auth(user, password, auth), headers=all_headers,
                                    timeout=httpx.Timeout(timeout), follow_redirects=True,
                                    limits=httpx.Limits(max_keepalive_connections=4, max_connections=8))

    def request(self, method: str, url: str, *, params: Any = None, data: Any = None,
                content: bytes | None = None, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """Send one request; a 2xx response, or EndpointError (after retries on 429/503)."""
        for attempt in range(self.retries + 1):
            with self._failures(url):
                response = self._client.request(method, url, params=params, data=data, content=content,
                                                headers=headers)
            if not self._retry(response, url, attempt):
                break
        if not response.is_success:
            self._refuse(response, url)
        self._refuse_cut(response, url)
        return response

    @contextlib.contextmanager
    def stream(self, method: str, url: str, *, params: Any = None, content: bytes | None = None,
               headers: Mapping[str, str] | None = None) -> Iterator[httpx.Response]:
        """``request`` whose body is read while the block runs (``response.iter_bytes()``), as it comes: the
        same retries and errors, and the same timeout for each read of the body as for the answer's start."""
        for attempt in range(self.retries + 1):
            with self._failures(url):
                response = self._client.send(self._client.build_request(
                    method, url, params=params, content=content, headers=headers), stream=True)
            if not self._retry(response, url, attempt):
                break
            response.close()
        try:
            if not response.is_success:
                with self._failures(url):
                    response.read()  # the reason, from the body
                self._refuse(response, url)
            self._refuse_cut(response, url)
            with self._failures(url):
                yield response
        finally:
            response.close()

    @contextlib.contextmanager
    def _failures(self, url: str) -> Iterator[None]:
        """httpx's failures while the block runs, as EndpointErrors naming the endpoint."""
        try:
            yield
        except httpx.ConnectError as exc:
            raise EndpointUnreachableError(endpoint_name(url), f"cannot connect: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise EndpointTimeoutError(endpoint_name(url), f"no answer within {self.timeout:g} s "
                                       f"({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise EndpointError(endpoint_name(url), f"HTTP failure: {type(exc).__name__}: {exc}") from exc

    def _retry(self, response: httpx.Response, url: str, attempt: int) -> bool:
        """Whether to send again (429 or 503, retries left), after waiting."""
        if response.status_code not in RETRY_STATUSES or attempt >= self.retries:
            return False
        delay = self._delay(response, attempt)
        log.warning("%s answered HTTP %d: retry %d of %d in %.2g s", endpoint_name(url),
                    response.status_code, attempt + 1, self.retries, delay)
        time.sleep(delay)
        return True

    @staticmethod
    def _refuse(response: httpx.Response, url: str) -> NoReturn:
        """The EndpointError of an answer that is not a success (its body read)."""
        status, endpoint = response.status_code, endpoint_name(url)
        if status in (401, 403):
            raise EndpointAuthError(endpoint, f"{'authentication failed' if status == 401 else 'forbidden'}"
                                    f" (check the user, password or token): {_reason(response)}",
                                    status=status)
        if status == 404:
            raise EndpointError(endpoint, f"not found: is this the endpoint's URL? {_reason(response)}",
                                status=status)
        raise EndpointError(endpoint, _reason(response), status=status)

    @staticmethod
    def _refuse_cut(response: httpx.Response, url: str) -> None:
        """The EndpointError of a success that the server says it cut off (``X-SPARQL-MaxRows``: Virtuoso's
        ResultSetMaxRows, sent only when it cut): part of an answer taken for the whole would lose data."""
        cut = response.headers.get("x-sparql-maxrows")
        if cut is not None:
            raise EndpointError(endpoint_name(url), f"the endpoint cut its answer off at {cut} rows "
                                "(X-SPARQL-MaxRows, Virtuoso's ResultSetMaxRows): narrow the query, or raise the "
                                "endpoint's limit", status=response.status_code)

    def _delay(self, response: httpx.Response, attempt: int) -> float:
        retry_after = response.headers.get("retry-after", "")
        if retry_after.strip().isdigit():
            return min(float(retry_after), MAX_RETRY_AFTER_S)
        return float(self.backoff * 2 ** attempt)

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()
