"""The ``kzgraph`` command: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 ok, 1 a check failed (validate), 2 usage or bad input (query, parameter, data file),
3 runtime error (store, engine, I/O). Data goes to stdout; messages and progress to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__, formats
from .api import KnowledgeGraph
from .backends import Progress, Source
from .errors import DataSyntaxError, KzgraphError, QuerySyntaxError, UsageError
from .queries import NamedQuery, parse_file, parse_text
from .results import SelectResult, format_result

__all__ = ["main", "build_parser"]

COMMANDS = ("query", "queries", "load", "export", "validate", "stats", "synth", "diagram")
TEXT_AND_RESULTS = formats.names("text", "results")
RDF = formats.names("rdf")


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {pair!r}")
        if name in params:
            raise UsageError(f"--param {name} given twice")
        params[name] = value
    return params


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _graph(args: argparse.Namespace, progress: Progress | None = None) -> KnowledgeGraph:
    return KnowledgeGraph(args.store, root=args.home, progress=progress)


def _progress() -> Progress | None:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    from pathlib import Path

    from rich.console import Console  # imported only for terminals
    from rich.progress import Progress as Bar

    bar = Bar(console=Console(stderr=True), transient=True)
    task = bar.add_task("parsing", total=None)
    started = False

    def update(done: int, total: int, label: str) -> None:  # files, or bytes of an on-disk load
        nonlocal started
        if not started:
            bar.start()
            started = True
        bar.update(task, completed=done, total=total, description=Path(label).name)
        if done >= total:
            bar.stop()
    update.stop = bar.stop  # type: ignore[attr-defined]
    return update


def _is_file(name: str) -> bool:
    """Whether ``name`` is an existing file; False for what cannot be a path (too long, NUL bytes)."""
    return os.path.isfile(name)


def cmd_query(args: argparse.Namespace) -> int:
    params = _params(args.param)
    query: str | NamedQuery
    if args.query == "-":
        query = parse_text(sys.stdin.read(), name="stdin")
    elif args.query.endswith(".rq") or _is_file(args.query):
        query = parse_file(args.query)
    else:
        query = args.query
    with _graph(args) as kg:
        result = kg.query(query, **params)
        fmt = args.format or ("ttl" if hasattr(result, "serialize") else "table")
        _write(format_result(result, fmt))
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    kg = _graph(args)
    rows = [(q.name, q.title, ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.params),
             ", ".join(q.tags)) for q in kg.queries()]
    _write(format_result(SelectResult(["name", "title", "params", "tags"], rows), args.format))
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    if args.store is None:
        raise UsageError("load needs --store PATH (the on-disk store to add the files to)")
    progress = _progress()
    try:
        with _graph(args, progress) as kg:
            before = len(kg.backend)
            added = kg.load(*(Source(path=f, graph=args.graph) for f in args.files))
            after = len(kg.backend)
    finally:
        getattr(progress, "stop", lambda: None)()
    print(f"loaded {added} quads from {len(args.files)} file(s) into {args.store} ({after - before} new)",
          file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with _graph(args) as kg:
        data = kg.export(args.format)
    if args.out:
        with open(args.out, "wb") as stream:
            stream.write(data)
        print(f"wrote {len(data)} bytes to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    with _graph(args) as kg:
        report = kg.validate(shacl=not args.no_shacl, checks=not args.no_checks)
    _write(format_result(report.to_result(), args.format))
    n = len(report.violations)
    print("conforms" if report.conforms else f"does not conform: {n} result(s)", file=sys.stderr)
    return 0 if report.conforms else 1


def cmd_stats(args: argparse.Namespace) -> int:
    with _graph(args) as kg:
        stats = kg.stats()
    if args.format == "json":
        import json

        _write(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "xml":
        raise UsageError("stats has no xml output; use table, csv, tsv, md or json")
    else:
        _write(format_result(stats.kinds_result(), args.format) + "\n" +
               format_result(stats.classes_result(), args.format))
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    from .diagram import mermaid

    with _graph(args) as kg:
        _write(mermaid(kg))
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import synth  # only for this command

    target = synth.parse_count(args.triples) if args.triples else None
    options = {"games": args.games, "triples": target, "scale": args.scale, "seed": args.seed}
    progress = _progress() if args.out else None
    summary = synth.Summary()
    total = target or args.games
    try:
        if args.out:
            out = Path(args.out)
            partial = out.with_name(f".{out.name}.partial")
            with partial.open("w", encoding="utf-8", newline="\n") as stream:
                for chunk in synth.generate(summary=summary, **options):
                    stream.write(chunk)
                    if progress is not None and summary.games:
                        progress(min(total, summary.triples if target else summary.games), total, out.name)
            partial.replace(out)  # a reader never sees half a file
        else:
            for chunk in synth.generate(summary=summary, **options):
                sys.stdout.write(chunk)
            sys.stdout.flush()
    finally:
        getattr(progress, "stop", lambda: None)()
    print(f"synth: {summary.triples} triples: {summary.games} Games, {summary.athletes} athletes, "
          f"{summary.events} medal events, {summary.medals} medals (seed {args.seed})", file=sys.stderr)
    return 0


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, told the terminal width so that it does not import shutil at every start."""

    def __init__(self, prog: str, **options: object) -> None:
        if options.get("width") is None:
            options["width"] = _columns()
        super().__init__(prog, **options)  # type: ignore[arg-type]


def _columns() -> int:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def _command_word(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (skipping --store PATH and --home DIR), or None."""
    words = iter(argv)
    for word in words:
        if word in ("--store", "--home"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``kzgraph`` command.

    With ``only`` (one of ``COMMANDS``), the parser knows that sub-command alone: argparse is slow to
    build, and one run uses one sub-command.
    """
    common = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    common.add_argument("--store", metavar="PATH", default=argparse.SUPPRESS,
                        help="on-disk pyoxigraph store (built on first use); default: in memory")
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help="directory with ontology/, data/ and queries/ (default: kzgraph's own)")

    parser = argparse.ArgumentParser(
        prog="kzgraph", parents=[common], formatter_class=_Formatter,
        description="A knowledge graph of Kazakhstan at the Paris 2024 Games, queried with SPARQL.",
        epilog="exit codes: 0 ok, 1 check failed, 2 usage or bad input, 3 runtime error\n\n"
               "example:\n  kzgraph query medals --format csv")
    parser.add_argument("--version", action="version", version=f"kzgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_: str,
                example: str) -> argparse.ArgumentParser | None:
        if only in COMMANDS and name != only:
            return None
        p = sub.add_parser(name, parents=[common], help=help_, description=help_,
                           formatter_class=_Formatter,
                           epilog="example:\n  " + example.replace("\n", "\n  ") + "\n")
        p.set_defaults(func=func)
        return p

    if p := command("query", cmd_query, "Run a named query, a .rq file, or SPARQL from stdin.",
                    "kzgraph query athlete --param athlete='David Degtyarev' --format csv\n"
                    "echo 'SELECT * WHERE { ?s ?p ?o } LIMIT 3' | kzgraph query -"):
        p.add_argument("query", metavar="NAME|FILE.rq|-",
                       help="query name (see `kzgraph queries`), file, or - for stdin")
        p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                       help="a parameter value (repeatable)")
        p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS + RDF, default=None,
                       help="output format (default: table; ttl for CONSTRUCT/DESCRIBE)")

    if p := command("queries", cmd_queries, "List the named queries.", "kzgraph queries --format md"):
        p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")

    if p := command("load", cmd_load, "Add RDF files to an on-disk store, all or none.",
                    "kzgraph load extra.trig more.ttl --store ./kz.db"):
        p.add_argument("files", nargs="+", metavar="FILE", help="RDF files (format from the extension)")
        p.add_argument("--graph", metavar="IRI", help="named graph for triples that have none (default: the "
                       "default graph, which queries see as part of the union)")

    if p := command("export", cmd_export, "Write the whole dataset as RDF.",
                    "kzgraph export --format nq --out kzgraph.nq"):
        p.add_argument("--format", "-f", choices=RDF, default="trig",
                       help="RDF format (default: trig); ttl, nt and rdfxml get the union of the graphs")
        p.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")

    if p := command("validate", cmd_validate, "Check the data against the SHACL shapes and the check queries.",
                    "kzgraph validate --format csv"):
        p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="report format")
        p.add_argument("--no-shacl", action="store_true", help="skip the SHACL shapes")
        p.add_argument("--no-checks", action="store_true", help="skip the *-violation check queries")

    if p := command("stats", cmd_stats, "Count triples per kind of graph and instances per class.",
                    "kzgraph stats --format json"):
        p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")

    if p := command("synth", cmd_synth,
                    "Generate synthetic data in the ontology's shape (TriG), for benchmarks.",
                    "kzgraph synth --games 1 --out games.trig\nkzgraph synth --triples 1M --seed 7 > 1m.trig"):
        size = p.add_mutually_exclusive_group()
        size.add_argument("--games", type=int, default=1, metavar="N",
                          help="number of Games (default 1: about 4,400 athletes, 549 events, 1,650 medals)")
        size.add_argument("--triples", metavar="N",
                          help="as many Games as it takes to reach N triples: 100k, 1M, 10M")
        p.add_argument("--scale", type=float, default=1.0, metavar="F", help="size of each Games (default 1.0)")
        p.add_argument("--seed", type=int, default=2024, help="random seed; the same seed gives the same bytes")
        p.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")

    command("diagram", cmd_diagram, "Print the data model as a Mermaid class diagram.", "kzgraph diagram > model.mmd")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_command_word(argv)).parse_args(argv)
    args.store = getattr(args, "store", None)
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
