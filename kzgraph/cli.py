"""The ``kzgraph`` command: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 ok, 1 a check failed (validate), 2 usage or bad input (query, parameter, data file),
3 runtime error (store, engine, I/O). Data goes to stdout; messages and progress to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__, formats
from .api import KnowledgeGraph
from .backends import Progress, Source
from .errors import BackendError, DataSyntaxError, KzgraphError, QuerySyntaxError, UsageError
from .queries import NamedQuery, parse_file, parse_text
from .results import SelectResult, format_result

__all__ = ["main", "build_parser"]

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
    from rich.console import Console  # imported only for terminals
    from rich.progress import Progress as Bar

    bar = Bar(console=Console(stderr=True), transient=True)
    task = bar.add_task("parsing", total=None)

    def update(done: int, total: int, label: str) -> None:
        if done == 1:
            bar.start()
        bar.update(task, completed=done, total=total, description=Path(label).name)
        if done == total:
            bar.stop()
    update.stop = bar.stop  # type: ignore[attr-defined]
    return update


def cmd_query(args: argparse.Namespace) -> int:
    params = _params(args.param)
    query: str | NamedQuery
    if args.query == "-":
        query = parse_text(sys.stdin.read(), name="stdin")
    elif args.query.endswith(".rq") or Path(args.query).is_file():
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
            added = kg.load(*(Source(path=Path(f), graph=args.graph) for f in args.files))
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
        Path(args.out).write_bytes(data)
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
            return Path(args.token_file).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise UsageError(f"--token-file {args.token_file}: {exc.strerror or exc}") from exc
    return os.environ.get("KZGRAPH_UPDATE_TOKEN") or None


def cmd_serve(args: argparse.Namespace) -> int:
    app = _web("app")
    settings = app.Settings(
        host=args.host, port=args.port, allow_update=args.allow_update,
        update_token=_token(args) if args.allow_update else None, timeout=args.timeout, max_rows=args.max_rows,
        max_body=args.max_body, cors=tuple(args.cors), service_allow=tuple(args.service_allow),
        workers=args.workers, backlog=args.backlog, cache=not args.no_cache)
    with _graph(args) as kg:
        print(f"kzgraph: building the dataset ({len(kg.backend)} quads)", file=sys.stderr)
        mode = "read-write (bearer token)" if args.allow_update else "read-only"
        print(f"kzgraph: serving http://{args.host}:{args.port}/ ({mode}); SPARQL at /sparql", file=sys.stderr)
        app.serve(kg, settings, log_level=args.log_level)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    publish = _web("publish")
    with _graph(args) as kg:
        site = publish.publish(kg, args.out)
    print(f"kzgraph: wrote {site.files} files ({site.resources} resources) to {args.out}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    with _graph(args) as kg:
        _write(format_result(kg.search_index.result(args.text, limit=args.limit), args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``kzgraph`` command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="PATH", default=argparse.SUPPRESS,
                        help="on-disk pyoxigraph store (built on first use); default: in memory")
    common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                        help="directory with ontology/, data/ and queries/ (default: kzgraph's own)")

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

    p = command("query", cmd_query, "Run a named query, a .rq file, or SPARQL from stdin.",
                "kzgraph query athlete --param athlete='David Degtyarev' --format csv\n"
                "echo 'SELECT * WHERE { ?s ?p ?o } LIMIT 3' | kzgraph query -")
    p.add_argument("query", metavar="NAME|FILE.rq|-", help="query name (see `kzgraph queries`), file, or - for stdin")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value (repeatable)")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS + RDF, default=None,
                   help="output format (default: table; ttl for CONSTRUCT/DESCRIBE)")

    p = command("queries", cmd_queries, "List the named queries.", "kzgraph queries --format md")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")

    p = command("load", cmd_load, "Add RDF files to an on-disk store, all or none.",
                "kzgraph load extra.trig more.ttl --store ./kz.db")
    p.add_argument("files", nargs="+", metavar="FILE", help="RDF files (format from the extension)")
    p.add_argument("--graph", metavar="IRI", help="named graph for triples that have none (default: the "
                   "default graph, which queries see as part of the union)")

    p = command("export", cmd_export, "Write the whole dataset as RDF.",
                "kzgraph export --format nq --out kzgraph.nq")
    p.add_argument("--format", "-f", choices=RDF, default="trig",
                   help="RDF format (default: trig); ttl, nt and rdfxml get the union of the graphs")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")

    p = command("validate", cmd_validate, "Check the data against the SHACL shapes and the check queries.",
                "kzgraph validate --format csv")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="report format")
    p.add_argument("--no-shacl", action="store_true", help="skip the SHACL shapes")
    p.add_argument("--no-checks", action="store_true", help="skip the *-violation check queries")

    p = command("stats", cmd_stats, "Count triples per kind of graph and instances per class.",
                "kzgraph stats --format json")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")

    command("diagram", cmd_diagram, "Print the data model as a Mermaid class diagram.", "kzgraph diagram > model.mmd")

    p = command("search", cmd_search, "Find resources by name, other spelling or name in another script.",
                "kzgraph search Shamey\nkzgraph search 'Даяна Федосова' --format csv")
    p.add_argument("text", metavar="TEXT", help="a name or part of one (case, accents and transliteration ignored)")
    p.add_argument("--limit", "-n", type=int, default=10, help="at most this many results (default: 10)")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")

    p = command("serve", cmd_serve, "Serve the graph as linked data with a SPARQL endpoint and a query UI.",
                "kzgraph serve --port 8000\n"
                "KZGRAPH_UPDATE_TOKEN=secret kzgraph serve --store kz.store --allow-update")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--allow-update", action="store_true",
                   help="accept SPARQL Update with 'Authorization: Bearer TOKEN' (token from $KZGRAPH_UPDATE_TOKEN "
                        "or --token-file)")
    p.add_argument("--token-file", metavar="FILE", help="file holding the update token")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a query may take before 504 (default: 10)")
    p.add_argument("--max-rows", type=int, default=10_000, help="largest result, in rows or triples (default: 10000)")
    p.add_argument("--max-body", type=int, default=1 << 20, help="largest request body in bytes (default: 1 MiB)")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="allow cross-origin requests from ORIGIN (repeatable; '*' for any); default: none")
    p.add_argument("--service-allow", action="append", default=[], metavar="URL",
                   help="allow SERVICE calls (and LOAD) to this endpoint (repeatable); default: none")
    p.add_argument("--workers", type=int, default=4, help="queries running at once (default: 4)")
    p.add_argument("--backlog", type=int, default=16,
                   help="queries waiting for a worker before new ones get 503 (default: 16)")
    p.add_argument("--no-cache", action="store_true", help="do not keep answers between requests")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"],
                   help="uvicorn's log level (default: info)")

    p = command("publish", cmd_publish, "Write the graph as a static linked-data site (no server needed).",
                "kzgraph publish --out site/")
    p.add_argument("--out", "-o", metavar="DIR", required=True,
                   help="directory to write (created; must be empty or an earlier kzgraph site)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args: Any = build_parser().parse_args(argv)
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
