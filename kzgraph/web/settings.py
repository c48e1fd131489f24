"""How ``kzgraph serve`` runs: its settings and their defaults, in a module that imports no web framework, so
that the command line shows and uses these defaults without importing Starlette.

>>> Settings().port, Settings(port=8080).port
(8000, 8080)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UsageError

__all__ = ["DEFAULT_LOG_LEVEL", "LOG_LEVELS", "Settings"]

#: uvicorn's log levels, and the one ``kzgraph serve`` logs at unless told.
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
DEFAULT_LOG_LEVEL = "info"


@dataclass(frozen=True)
class Settings:
    """How ``kzgraph serve`` runs; the defaults are the safe ones (read-only, loopback, no CORS, no SERVICE)."""

    host: str = "127.0.0.1"
    port: int = 8000
    allow_update: bool = False
    update_token: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    max_rows: int = 10_000
    max_body: int = 1 << 20
    cors: tuple[str, ...] = ()
    service_allow: tuple[str, ...] = ()
    workers: int = 4
    backlog: int = 16
    cache: bool = True

    def __post_init__(self) -> None:
        if self.allow_update and not self.update_token:
            raise UsageError("--allow-update needs a bearer token: set KZGRAPH_UPDATE_TOKEN or --token-file")
        if self.timeout <= 0 or self.max_rows < 1 or self.max_body < 1 or self.workers < 1 or self.backlog < 0:
            raise UsageError("timeout, max rows, max body and workers must be positive")
