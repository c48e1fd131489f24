"""The ``kzgraph`` command: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 ok, 1 a check failed (validate), 2 usage or bad input (query, parameter, data file),
3 runtime error (store, engine, I/O). Data goes to stdout; messages and progress to stderr.
Sub-commands live in ``data`` (the dataset), ``web`` (serve, publish, search) and ``wikidata``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .. import __version__
from ..errors import DataSyntaxError, KzgraphError, QuerySyntaxError
from . import data, web, wikidata
from .common import global_options

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``kzgraph`` command."""
    common = global_options()
    parser = argparse.ArgumentParser(
        prog="kzgraph", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        description="A knowledge graph of Kazakhstan at the Paris 2024 Games, queried with SPARQL.",
        epilog="exit codes: 0 ok, 1 check failed, 2 usage or bad input, 3 runtime error\n\n"
               "example:\n  kzgraph query medals --format csv")
    parser.add_argument("--version", action="version", version=f"kzgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_: str,
                example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_, description=help_,
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           epilog="example:\n  " + example.replace("\n", "\n  ") + "\n")
        p.set_defaults(func=func)
        return p

    for module in (data, web, wikidata):
        module.add_commands(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args: Any = build_parser().parse_args(argv)
    args.store = getattr(args, "store", None)
    args.backend = getattr(args, "backend", None)
    args.home = getattr(args, "home", None)
    try:
        return int(args.func(args))
    except (DataSyntaxError, QuerySyntaxError) as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KzgraphError as exc:
        print(f"kzgraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"kzgraph: error: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
