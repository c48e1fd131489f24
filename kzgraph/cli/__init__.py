"""The ``kzgraph`` command: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 ok, 1 a check failed (validate), 2 usage or bad input (query, parameter, data file),
3 runtime error (store, engine, I/O), 130 interrupted (Ctrl-C). Data goes to stdout; messages and
progress to stderr.
Sub-commands live in ``data`` (the dataset), ``web`` (serve, publish, search), ``wikidata``, ``mappings``
and ``synth``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn

from .. import __version__
from ..deadline import interruptible
from ..errors import BackendError, KzgraphError
from .common import Formatter, global_options

__all__ = ["COMMANDS", "EXIT_CODES", "build_parser", "exit_code", "main", "run"]


#: Each sub-command and the module of this package that defines it (imported only when needed).
COMMANDS = {"query": "data", "queries": "data", "load": "data", "export": "data", "validate": "data",
            "stats": "data", "diagram": "data", "synth": "synth", "search": "web", "serve": "web",
            "publish": "web", "wikidata": "wikidata", "mappings": "mappings"}
_VALUED = {"--store", "--backend", "--home", "--update-url", "--graph-store", "--user", "--auth", "--timeout",
           "--method", "--default-graph"}


def _command_word(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (skipping the global options and their values), or None."""
    words = iter(argv)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``kzgraph`` command.

    With ``only`` (a key of ``COMMANDS``), the parser knows that sub-command alone: argparse is slow to
    build, and one run uses one sub-command.
    """
    only = only if only in COMMANDS else None
    common = global_options()
    parser = argparse.ArgumentParser(
        prog="kzgraph", parents=[common], formatter_class=Formatter,
        description="A knowledge graph of Kazakhstan at the Paris 2024 Games, queried with SPARQL.",
        epilog="exit codes: 0 ok, 1 check failed, 2 usage or bad input, 3 runtime error, 130 interrupted\n\n"
               "example:\n  kzgraph query medals --format csv")
    parser.add_argument("--version", action="version", version=f"kzgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_: str,
                example: str) -> argparse.ArgumentParser:
        if only is not None and name != only:
            # a sub-command this run does not use
            return argparse.ArgumentParser(add_help=False, formatter_class=Formatter)
        p = sub.add_parser(name, parents=[common], help=help_, description=help_,
                           formatter_class=Formatter,
                           epilog="example:\n  " + example.replace("\n", "\n  ") + "\n")
        p.set_defaults(func=func)
        return p

    for module in sorted({COMMANDS[only]} if only else set(COMMANDS.values())):
        importlib.import_module(f"{__name__}.{module}").add_commands(command)
    return parser


#: The exit code of each kind of error (the most specific class that applies); see the README's table.
EXIT_CODES: dict[type[KzgraphError], int] = {KzgraphError: 2, BackendError: 3}


def exit_code(error: KzgraphError) -> int:
    """The status the command exits with after ``error``: 2 for usage or bad input, 3 for a runtime failure."""
    return next(EXIT_CODES[cls] for cls in type(error).__mro__ if cls in EXIT_CODES)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_word(argv)).parse_args(argv)
    args.store = getattr(args, "store", None)
    args.backend = getattr(args, "backend", None)
    args.home = getattr(args, "home", None)
    try:
        if args.command == "serve":  # the server handles SIGINT and SIGTERM itself, on this thread
            return int(args.func(args))
        return int(interruptible(lambda: args.func(args)))
    except KzgraphError as exc:  # syntax errors too: every error line starts the same way
        print(f"kzgraph: error: {exc}", file=sys.stderr)
        return exit_code(exc)
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"kzgraph: error: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("kzgraph: interrupted", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The ``kzgraph`` program: ``main()``, then exit. Engine work that was given up (interrupted, past its
    deadline) cannot be stopped and would hold the interpreter's exit: the process then ends at once (the
    store is left as it was: loads publish a new generation only when whole)."""
    code = main()
    if threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
