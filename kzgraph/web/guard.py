"""The SERVICE allowlist: what a SPARQL text makes the server fetch, and whether it may.

pyoxigraph follows ``SERVICE <url>`` (and an update's ``LOAD <url>``) over HTTP, so an open endpoint lets
anyone make the server fetch any URL. Every such target (found by ``kzgraph.sparqltext.remote_calls``) must be
on the allowlist (``--service-allow``); a target that is a variable or cannot be resolved never is.

>>> check_remote_calls('SELECT * { SERVICE <https://query.wikidata.org/sparql> { } }',
...                    ["https://query.wikidata.org/sparql"])
>>> try:
...     check_remote_calls('SELECT * { SERVICE <http://169.254.169.254/> { } }', [])
... except RemoteCallRefused as refused:
...     print(refused.target)
http://169.254.169.254/
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import KzgraphError
from ..sparqltext import remote_calls

__all__ = ["RemoteCallRefused", "check_remote_calls"]


class RemoteCallRefused(KzgraphError):
    """The query would make the server fetch a URL that is not on its allowlist (HTTP 403)."""

    def __init__(self, keyword: str, target: str | None, allowed: Iterable[str]) -> None:
        self.keyword, self.target, self.allowed = keyword, target, sorted(allowed)
        super().__init__(keyword, target)

    def __str__(self) -> str:
        what = f"<{self.target}>" if self.target else "a variable or unresolved IRI"
        allowed = ", ".join(f"<{a}>" for a in self.allowed) if self.allowed else "none (start kzgraph serve " \
            "with --service-allow URL to allow one)"
        return f"{self.keyword} {what} is not allowed on this server; allowed: {allowed}"


def check_remote_calls(sparql: str, allowed: Iterable[str]) -> None:
    """RemoteCallRefused unless every SERVICE/LOAD target is on the allowlist (exact IRIs)."""
    allowlist = set(allowed)
    for keyword, target in remote_calls(sparql):
        if target is None or target not in allowlist:
            raise RemoteCallRefused(keyword, target, allowlist)
