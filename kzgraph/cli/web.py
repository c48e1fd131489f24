"""Commands that publish the graph: serve (SPARQL endpoint and linked data), publish (static site), search."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from ..errors import BackendError, UsageError
from ..namespaces import BASE
from ..results import format_result
from ..web.settings import (  # the serve command's defaults; imports no web framework
    DEFAULT_LOG_LEVEL,
    LOG_LEVELS,
    Settings,
)
from .common import TEXT_AND_RESULTS, Command, open_graph, write

__all__ = ["add_commands", "serve_settings"]


def _web(module: str) -> Any:
    """Import ``kzgraph.web.<module>``; a missing web dependency names the extra to install."""
    import importlib

    try:
        return importlib.import_module(f"kzgraph.web.{module}")
    except ModuleNotFoundError as exc:
        if exc.name in ("starlette", "uvicorn", "jinja2", "markupsafe"):
            raise BackendError(f"this command needs {exc.name}: pip install 'kzgraph[web]'") from exc
        raise


def _token(args: argparse.Namespace) -> str | None:
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip() or None
            mode = os.stat(args.token_file).st_mode
        except OSError as exc:
            raise UsageError(f"--token-file {args.token_file}: {exc.strerror or exc}") from exc
        if mode & 0o077:  # as ssh says of a private key: others may read (or change) the token
            print(f"kzgraph: warning: --token-file {args.token_file} is accessible to other users "
                  f"(mode {mode & 0o777:04o}); anyone who can read it can update the store: "
                  f"chmod 600 {args.token_file}", file=sys.stderr)
        return token
    return os.environ.get("KZGRAPH_UPDATE_TOKEN") or None


def serve_settings(args: argparse.Namespace) -> Settings:
    """The server's settings that ``kzgraph serve``'s options give (the update token read now)."""
    return Settings(
        host=args.host, port=args.port, allow_update=args.allow_update,
        update_token=_token(args) if args.allow_update else None, timeout=args.query_timeout, max_rows=args.max_rows,
        max_body=args.max_body, cors=tuple(args.cors), service_allow=tuple(args.service_allow),
        workers=args.workers, backlog=args.backlog, cache=not args.no_cache)


def cmd_serve(args: argparse.Namespace) -> int:
    app = _web("app")
    settings = serve_settings(args)
    with open_graph(args) as kg:
        backend = kg.backend  # built or opened before the first request; never counted (len reads every quad)
        print(f"kzgraph: dataset ready: {backend!r}", file=sys.stderr)
        mode = "read-write (bearer token)" if args.allow_update else "read-only"
        print(f"kzgraph: serving http://{args.host}:{args.port}/ ({mode}); SPARQL at /sparql", file=sys.stderr)
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            app.serve(kg, settings, log_level=args.log_level)
        except (_Stopped, KeyboardInterrupt):  # the server re-raises the signal that stopped it, once stopped
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
    print("kzgraph: stopped", file=sys.stderr)
    return 0


class _Stopped(Exception):
    """SIGTERM: stop serving (a normal end, exit 0, as with Ctrl-C)."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped


def cmd_publish(args: argparse.Namespace) -> int:
    publish = _web("publish")
    with open_graph(args) as kg:
        site = publish.publish(kg, args.out, base_url=args.base_url)
    print(f"kzgraph: wrote {site.files} files ({site.resources} resources) to {args.out}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    with open_graph(args) as kg:
        write(format_result(kg.search_index.result(args.text, limit=args.limit), args.format))
    return 0


def _size(count: int) -> str:
    """A number of bytes in binary units: 1 MiB, 512 KiB, 1000 bytes."""
    for unit, power in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 1 << power and count % (1 << power) == 0:
            return f"{count >> power} {unit}"
    return f"{count} bytes"


def add_commands(command: Command) -> None:
    """Register the sub-commands of this module (``command`` adds one and returns its parser)."""
    p = command("search", cmd_search, "Find resources by name, other spelling or name in another script.",
                "kzgraph search Shamey\nkzgraph search 'Даяна Федосова' --format csv")
    p.add_argument("text", metavar="TEXT", help="a name or part of one (case, accents and transliteration ignored)")
    p.add_argument("--limit", "-n", type=int, default=10, help="at most this many results (default: 10)")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")

    p = command("serve", cmd_serve, "Serve the graph as linked data with a SPARQL endpoint and a query UI.",
                "kzgraph serve --port 8000\n"
                "KZGRAPH_UPDATE_TOKEN=secret kzgraph serve --store kz.store --allow-update")
    defaults = Settings()
    p.add_argument("--host", default=defaults.host, help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=defaults.port, help="port (default: %(default)s)")
    p.add_argument("--allow-update", action="store_true",
                   help="accept SPARQL Update with 'Authorization: Bearer TOKEN' (token from $KZGRAPH_UPDATE_TOKEN "
                        "or --token-file)")
    p.add_argument("--token-file", metavar="FILE", help="file holding the update token")
    p.add_argument("--query-timeout", type=float, default=defaults.timeout, metavar="SECONDS",
                   help="seconds a query may take before 504 (default: %(default)g)")
    p.add_argument("--max-rows", type=int, default=defaults.max_rows,
                   help="largest result, in rows or triples (default: %(default)s)")
    p.add_argument("--max-body", type=int, default=defaults.max_body,
                   help=f"largest request body in bytes (default: %(default)s, {_size(defaults.max_body)})")
    p.add_argument("--cors", action="append", default=list(defaults.cors), metavar="ORIGIN",
                   help="allow cross-origin requests from ORIGIN (repeatable; '*' for any); default: none")
    p.add_argument("--service-allow", action="append", default=list(defaults.service_allow), metavar="URL",
                   help="allow SERVICE calls (and LOAD) to this endpoint (repeatable); default: none")
    p.add_argument("--workers", type=int, default=defaults.workers,
                   help="queries running at once (default: %(default)s)")
    p.add_argument("--backlog", type=int, default=defaults.backlog,
                   help="queries waiting for a worker before new ones get 503 (default: %(default)s)")
    p.add_argument("--no-cache", action="store_true", help="do not keep answers between requests")
    p.add_argument("--log-level", default=DEFAULT_LOG_LEVEL, choices=LOG_LEVELS,
                   help=f"uvicorn's log level (default: {DEFAULT_LOG_LEVEL})")

    p = command("publish", cmd_publish, "Write the graph as a static linked-data site (no server needed).",
                "kzgraph publish --out site/\nkzgraph publish --out site/ --base-url https://example.org/kzgraph/")
    p.add_argument("--out", "-o", metavar="DIR", required=True,
                   help="directory to write (created; must be empty or an earlier kzgraph site)")
    p.add_argument("--base-url", metavar="URL", default=BASE,
                   help="where the site will be served: the absolute URLs of its sitemaps, robots.txt and "
                        "dataset description (default: %(default)s)")
