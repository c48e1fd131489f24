"""Jupyter magics: ``%load_ext kzgraph`` gives ``%%sparql`` and ``%kzq``.

::

    %%sparql --param athlete="David Degtyarev" --out gold
    #+ param: athlete resource required An athlete: IRI, name or other spelling
    PREFIX kz: <https://w3id.org/kzgraph/ontology#>
    SELECT ?athlete ?event WHERE { ?athlete kz:won/kz:inEvent ?event } ORDER BY ?event

    %kzq medals
    %kzq athlete athlete=Shamey --format csv

A cell is SPARQL; its parameters are declared as in a ``.rq`` file (``#+ param:`` header lines) and bound as
RDF terms, never pasted into the text. ``%kzq`` runs a named query (``queries/NAME.rq``) with ``NAME=VALUE``
parameters. Both return the kzgraph result (a ``SelectResult`` shows as an HTML table; ``.to_dataframe()``
makes a pandas DataFrame), keep it in a variable with ``--out VAR``, or print it in a format with ``--format``
(``csv``, ``md``, ``json``, ``ttl``…, as ``kzgraph query --format``). ``--store``, ``--backend``, ``--home`` and
the remote options are the command line's; each store is opened once and reused by the cells that name it.

A kzgraph error (a SPARQL syntax error with its line and column, counted from the first line under
``%%sparql``; an unknown query; a bad parameter) shows as one line, not a traceback: it is raised as IPython's
``UsageError``, so the cell fails and "run all" stops there. Interrupting the kernel stops a cell at once, as
Ctrl-C stops ``kzgraph query``: the engine, which cannot be cancelled, finishes the query on its own thread.
``kzgraph`` imports this module only when ``%load_ext kzgraph`` asks for it, so neither ``import kzgraph`` nor
the command line imports IPython.
"""

from __future__ import annotations

import argparse
import keyword
import shlex
import weakref
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from IPython.core.error import UsageError as MagicUsageError
from IPython.core.interactiveshell import InteractiveShell

from .api import KnowledgeGraph
from .cli.common import (
    RDF,
    TEXT_AND_RESULTS,
    Formatter,
    global_options,
    open_graph,
    parse_params,
    remote_options,
    write,
)
from .deadline import interruptible
from .errors import KzgraphError, UnknownQueryError, UsageError
from .queries import parse_text
from .results import Result, format_result

__all__ = ["CELL", "KzgraphMagics", "load_ipython_extension", "magics_of", "unload_ipython_extension"]

#: What a cell's query is called in error messages (``cell:2:9: SPARQL syntax error: …``).
CELL = "cell"

#: The magics of each shell that loaded the extension.
_MAGICS: weakref.WeakKeyDictionary[InteractiveShell, KzgraphMagics] = weakref.WeakKeyDictionary()

#: The options that say which store a cell uses: its key in the magics' cache of open stores.
StoreSpec = tuple[Any, ...]


class _Finished(Exception):
    """``--help`` was shown: the magic has nothing more to do."""


class _Parser(argparse.ArgumentParser):
    """argparse for a magic: a mistake is a kzgraph UsageError, ``--help`` prints and ends the magic, never
    the kernel."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            write(message)
        raise _Finished


def _parser(prog: str, usage: str, description: str, example: str) -> _Parser:
    """A magic's parser: the command line's global options (store, backend, home, remote), then ``--format``
    and ``--out``."""
    parser = _Parser(prog=prog, usage=usage.replace("%", "%%"), parents=[global_options()], formatter_class=Formatter,
                     description=description,
                     epilog="example:\n  " + example.replace("\n", "\n  ") + "\n")
    parser.add_argument("--format", "-f", choices=TEXT_AND_RESULTS + RDF, default=None,
                        help="print the result in this format instead of showing it as a table")
    parser.add_argument("--out", "-o", metavar="VAR", default=None,
                        help="also keep the result in the notebook's variable VAR")
    return parser


def _split(line: str) -> list[str]:
    """The words of a magic's line, as a POSIX shell splits them (quotes group, backslashes escape)."""
    try:
        return shlex.split(line)
    except ValueError as exc:  # an unclosed quote
        raise UsageError(f"cannot read the options {line!r}: {exc}") from None


class KzgraphMagics:
    """The ``%%sparql`` and ``%kzq`` magics of one IPython shell, and the stores they opened."""

    def __init__(self, shell: InteractiveShell) -> None:
        self.shell = shell
        self._graphs: dict[StoreSpec, KnowledgeGraph] = {}
        self._sparql_parser = _parser(
            "%%sparql", "%%sparql [--param NAME=VALUE]... [options]",
            "Run the SPARQL of the cell. Declare its parameters as a .rq file does, in '#+ param: NAME TYPE "
            "required|optional DESCRIPTION' lines before the SPARQL; --param binds them as RDF terms.",
            "%%sparql --param athlete=Shamey --out shamei\n"
            "#+ param: athlete resource required An athlete: IRI, name or other spelling\n"
            "SELECT ?athlete … (the SPARQL, where ?athlete is bound to the athlete's IRI)")
        self._sparql_parser.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                                         help="a parameter value (repeatable)")
        self._kzq_parser = _parser("%kzq", "%kzq NAME [NAME=VALUE]... [options]",
                                   "Run a named query (see kzgraph queries) with its parameters.",
                                   '%kzq medals\n%kzq athlete athlete="David Degtyarev" --format md')
        self._kzq_parser.add_argument("query", metavar="NAME", help="the query's name (queries/NAME.rq)")
        self._kzq_parser.add_argument("param", nargs="*", metavar="NAME=VALUE", help="its parameters")

    @property
    def graphs(self) -> Mapping[StoreSpec, KnowledgeGraph]:
        """The stores opened so far, by the options that name them."""
        return self._graphs

    def sparql(self, line: str, cell: str) -> Result | None:
        """``%%sparql [--param NAME=VALUE]… [--store PATH|URL] [--format FORMAT] [--out VAR]``: run the cell's
        SPARQL.

        The cell declares its parameters as a ``.rq`` file does, in ``#+ param: NAME TYPE required|optional
        DESCRIPTION`` lines before the SPARQL; ``--param`` binds them as RDF terms. ``--out VAR`` keeps the result
        in ``VAR`` too; ``--format`` prints it as text (csv, md, json, table, ttl…) instead of the table;
        ``--store`` and the command line's other global options choose the store (``%kzq --help`` lists them).
        """
        def run(args: argparse.Namespace) -> Result:
            if not cell.strip():
                raise UsageError("the cell has no SPARQL: write the query below the %%sparql line")
            query = parse_text(cell, name=CELL)
            params = parse_params(args.param)
            if params and not query.params:
                raise UsageError(f"--param {next(iter(params))}: the cell declares no parameters; declare each "
                                 "in a line before the SPARQL, e.g. '#+ param: athlete resource required'")
            return self._graph(args).query(query, **params)

        return self._magic(self._sparql_parser, line, run)

    def kzq(self, line: str) -> Result | None:
        """``%kzq NAME [NAME=VALUE]… [--store PATH|URL] [--format FORMAT] [--out VAR]``: run a named query
        (``%kzq --help`` tells more)."""
        def run(args: argparse.Namespace) -> Result:
            kg = self._graph(args)
            if args.query not in kg.catalogue:  # SPARQL text too: %%sparql runs that
                raise UnknownQueryError(args.query, kg.catalogue)
            return kg.query(kg.catalogue.lookup(args.query), **parse_params(args.param))

        return self._magic(self._kzq_parser, line, run, intermixed=True)

    def _magic(self, parser: _Parser, line: str, run: Callable[[argparse.Namespace], Result], *,
               intermixed: bool = False) -> Result | None:
        """Parse ``line``, ``run(args)``, then keep, print or return the result; a kzgraph error becomes
        IPython's UsageError, which the shell shows as one line."""
        try:
            words = _split(line)
            args = parser.parse_intermixed_args(words) if intermixed else parser.parse_args(words)
            if args.out is not None and (not args.out.isidentifier() or keyword.iskeyword(args.out)):
                raise UsageError(f"--out {args.out!r}: not a Python variable name")
            result: Result = interruptible(lambda: run(args))  # an interrupt stops the cell at once
        except _Finished:
            return None
        except KzgraphError as exc:
            raise MagicUsageError(str(exc)) from exc
        if args.out is not None:
            self.shell.user_ns[args.out] = result
        if args.format is not None:
            try:
                write(format_result(result, args.format))
            except KzgraphError as exc:  # an RDF format for a table, or the reverse
                raise MagicUsageError(str(exc)) from exc
            return None
        return result

    def _graph(self, args: argparse.Namespace) -> KnowledgeGraph:
        """The store the options name: opened on first use, then the same one for every cell that names it."""
        for name in ("store", "backend", "home"):
            setattr(args, name, getattr(args, name, None))
        spec: StoreSpec = (args.store, args.backend, args.home, *sorted(remote_options(args).items()))
        if spec not in self._graphs:
            self._graphs[spec] = open_graph(args)
        return self._graphs[spec]

    def close(self) -> None:
        """Close every store the magics opened."""
        graphs, self._graphs = list(self._graphs.values()), {}
        for kg in graphs:
            kg.close()


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """``%load_ext kzgraph``: register ``%%sparql`` and ``%kzq`` on this shell."""
    unload_ipython_extension(ipython)  # loaded again by a direct call: the stores of the old magics are closed
    magics = _MAGICS[ipython] = KzgraphMagics(ipython)
    ipython.magics_manager.register_function(magics.sparql, "cell", "sparql")
    ipython.magics_manager.register_function(magics.kzq, "line", "kzq")


def unload_ipython_extension(ipython: InteractiveShell) -> None:
    """``%unload_ext kzgraph`` (and ``%reload_ext``): close the stores the magics opened."""
    magics = _MAGICS.pop(ipython, None)
    if magics is not None:
        magics.close()


def magics_of(ipython: InteractiveShell) -> KzgraphMagics | None:
    """The magics ``%load_ext kzgraph`` gave this shell (None before)."""
    return _MAGICS.get(ipython)
