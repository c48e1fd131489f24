"""What the sub-commands share: global options, the graph they describe, output and progress."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .. import formats
from ..api import (
    AUTH_SCHEMES,
    BACKENDS,
    DEFAULT_AUTH,
    DEFAULT_GRAPH,
    DEFAULT_GRAPHS,
    DEFAULT_METHOD,
    DEFAULT_TIMEOUT,
    METHODS,
    KnowledgeGraph,
    Progress,
)
from ..errors import UsageError

__all__ = [
    "PROGRESS_MINIMUM",
    "RDF",
    "TEXT_AND_RESULTS",
    "Command",
    "ProgressBar",
    "global_options",
    "open_graph",
    "parse_params",
    "progress_bar",
    "remote_options",
    "write",
]

#: ``command(name, func, help, example)`` registers a sub-command and returns its parser.
Command = Callable[[str, Callable[[argparse.Namespace], int], str, str], argparse.ArgumentParser]
TEXT_AND_RESULTS = formats.names("text", "results")
PROGRESS_MINIMUM = 1000  # triples: a push that small needs no progress bar
RDF = formats.names("rdf")


def parse_params(pairs: Sequence[str]) -> dict[str, str]:
    """``--param NAME=VALUE`` pairs as a dict; UsageError for a malformed or repeated one."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {pair!r}")
        if name in params:
            raise UsageError(f"--param {name} given twice")
        params[name] = value
    return params


def write(text: str) -> None:
    """Data to stdout, flushed."""
    sys.stdout.write(text)
    sys.stdout.flush()


REMOTE_OPTIONS = ("update_url", "store_url", "auth", "timeout", "method", "default_graph")


def remote_options(args: argparse.Namespace) -> dict[str, Any]:
    """The remote backend's options given on the command line (credentials also from the environment)."""
    options = {name: getattr(args, name, None) for name in REMOTE_OPTIONS}
    user = getattr(args, "user", None)
    if user is not None:
        name, sep, password = user.partition(":")
        options["user"], options["password"] = name, password if sep else os.environ.get("KZGRAPH_PASSWORD")
    if options.get("auth") == "bearer":
        options["token"] = os.environ.get("KZGRAPH_TOKEN")
        if not options["token"]:
            raise UsageError("--auth bearer needs the token in the environment variable KZGRAPH_TOKEN")
        options.pop("auth")
    return {k: v for k, v in options.items() if v is not None}


def open_graph(args: argparse.Namespace, progress: Progress | None = None, *,
               store: str | None = None) -> KnowledgeGraph:
    """The KnowledgeGraph the global options (--store, --backend, --home, remote options) describe; ``store``
    in place of --store."""
    return KnowledgeGraph(args.store if store is None else store, backend=args.backend, root=args.home,
                          progress=progress, **remote_options(args))


def progress_bar(description: str = "parsing", *, minimum: int = 0) -> ProgressBar | None:
    """A rich progress bar on stderr when it is a terminal (and the work counts at least ``minimum``)."""
    if not sys.stderr.isatty():
        return None
    return ProgressBar(description, minimum)


class ProgressBar:
    """A rich progress bar on stderr, called as a ``Progress``; ``stop()`` clears it (when the work failed too)."""

    def __init__(self, description: str, minimum: int) -> None:
        from rich.console import Console  # imported only for terminals
        from rich.progress import Progress as Bar

        self._bar = Bar(console=Console(stderr=True), transient=True)
        self._task = self._bar.add_task(description, total=None)
        self._minimum = minimum
        self._started = False

    def __call__(self, done: int, total: int, label: str) -> None:
        if total < self._minimum:
            return
        if not self._started:
            self._bar.start()
            self._started = True
        self._bar.update(self._task, completed=done, total=total, description=os.path.basename(label))
        if done >= total:  # files, or bytes of an on-disk load
            self._bar.stop()

    def stop(self) -> None:
        self._bar.stop()


class Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, told the terminal width so that it does not import shutil at every start."""

    def __init__(self, prog: str, *, width: int | None = None, **options: int) -> None:
        super().__init__(prog, width=_columns() if width is None else width, **options)


def _columns() -> int:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        stdout = sys.__stdout__  # None without a console (pythonw)
        return os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 80
    except (AttributeError, ValueError, OSError):
        return 80


def global_options() -> argparse.ArgumentParser:
    """The options every command takes (a parent parser): the store, the data home, remote settings."""
    common = argparse.ArgumentParser(add_help=False, formatter_class=Formatter)
    common.add_argument("--store", metavar="PATH|URL", default=argparse.SUPPRESS,
                        help="on-disk pyoxigraph store (built on first use), or a SPARQL endpoint's URL; "
                             "default: in memory")
    common.add_argument("--backend", choices=BACKENDS, default=argparse.SUPPRESS,
                        help="engine, where --store does not tell (rdflib: in memory)")
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help="directory with ontology/, data/ and queries/ (default: kzgraph's own)")
    remote = common.add_argument_group("remote store (--store URL, load --into URL)")
    remote.add_argument("--update-url", dest="update_url", metavar="URL", default=argparse.SUPPRESS,
                        help="SPARQL Update endpoint (default: the query URL)")
    remote.add_argument("--graph-store", dest="store_url", metavar="URL", default=argparse.SUPPRESS,
                        help="Graph Store Protocol endpoint; used for writes when given")
    remote.add_argument("--user", metavar="NAME[:PASSWORD]", default=argparse.SUPPRESS,
                        help="credentials (password also from $KZGRAPH_PASSWORD)")
    remote.add_argument("--auth", choices=AUTH_SCHEMES, default=argparse.SUPPRESS,
                        help=f"HTTP auth scheme (default {DEFAULT_AUTH}; bearer takes $KZGRAPH_TOKEN)")
    remote.add_argument("--timeout", type=float, metavar="SECONDS", default=argparse.SUPPRESS,
                        help="seconds to wait: per request to a remote store; for the other endpoints a "
                             f"federated (SERVICE) query calls from an embedded one (default {DEFAULT_TIMEOUT:g})")
    remote.add_argument("--method", choices=METHODS, default=argparse.SUPPRESS,
                        help=f"how queries are sent (default {DEFAULT_METHOD}: GET, form POST when long)")
    remote.add_argument("--default-graph", dest="default_graph", choices=DEFAULT_GRAPHS,
                        default=argparse.SUPPRESS,
                        help=f"how the server is asked for the union default graph (default {DEFAULT_GRAPH})")
    return common
