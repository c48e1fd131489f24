"""Commands on the dataset: query, queries, load (and load --into), export, validate, stats, diagram."""

from __future__ import annotations

import argparse
import os
import sys

from ..api import EXPORT_FORMAT
from ..errors import UsageError
from ..formats import names
from ..queries import NamedQuery, parse_file, parse_text
from ..results import GraphResult, SelectResult, encode_result, format_result
from .common import (
    PROGRESS_MINIMUM,
    RDF,
    TEXT_AND_RESULTS,
    Command,
    open_graph,
    parse_params,
    progress_bar,
    write,
)

__all__ = ["add_commands"]

BINARY = names("binary")


def cmd_query(args: argparse.Namespace) -> int:
    params = parse_params(args.param)
    if args.format in BINARY and not args.out:
        raise UsageError(f"--format {args.format} is a binary format: give --out FILE to write it to "
                         "(it is never written to stdout)")
    query: str | NamedQuery
    if args.query == "-":
        query = parse_text(sys.stdin.read(), name="stdin")
    elif args.query.endswith(".rq") or _is_file(args.query):
        query = parse_file(args.query)
    else:
        query = args.query
    if args.live:
        if not isinstance(query, str):
            raise UsageError("--live takes the name of a query that has a federated '-live' variant")
        query, params["endpoint"] = f"{query}-live", args.live
    with open_graph(args) as kg:
        if isinstance(query, str) and query.startswith("wikidata-") and not args.live:
            # Imported only here, off the start-up path of other queries. Without a snapshot the offline joins
            # would answer as if Wikidata said nothing.
            from ..wikidata.snapshot import require_snapshot

            require_snapshot(kg, query)
        result = kg.query(query, **params)
        fmt = args.format or ("ttl" if isinstance(result, GraphResult) else "table")
        if args.out is None:
            write(format_result(result, fmt))
            return 0
        data = encode_result(result, fmt)
    from ..atomic import replaced  # imported where used: only --out needs it

    with replaced(args.out) as partial, open(partial, "wb") as stream:
        stream.write(data)
    print(f"wrote {len(data)} bytes to {args.out}", file=sys.stderr)
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    kg = open_graph(args)
    rows = [(q.name, q.title, ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.params),
             ", ".join(q.tags)) for q in kg.queries()]
    write(format_result(SelectResult(["name", "title", "params", "tags"], rows), args.format))
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    if args.into is not None:
        return _push(args)
    if args.store is None or not args.files:
        raise UsageError("load needs FILE... and --store PATH|URL (the store to add the files to), "
                         "or --into PATH|URL to put the built dataset into a store")
    if len(args.graph) > 1:
        raise UsageError("with FILE..., give --graph once: the graph for triples that have none")
    progress = progress_bar()
    try:
        with open_graph(args, progress) as kg:
            before = len(kg)
            read = kg.load(*args.files, graph=args.graph[0] if args.graph else None)
            new = len(kg) - before
    finally:
        if progress is not None:
            progress.stop()
    unchanged = " (the store is unchanged)" if new == 0 else ""
    print(f"read {read} quad{'' if read == 1 else 's'} from {len(args.files)} file(s) into {args.store}: "
          f"{new} new{unchanged}", file=sys.stderr)
    return 0


def _push(args: argparse.Namespace) -> int:
    if args.files or args.store is not None:
        raise UsageError("--into puts the built dataset into a store: give neither FILE... nor --store")
    progress = progress_bar("pushing", minimum=PROGRESS_MINIMUM)
    try:
        with open_graph(args, progress, store=args.into) as target:
            report = target.push(*args.graph)
    finally:
        if progress is not None:
            progress.stop()
    print(f"pushed {report.triples} triples in {len(report.graphs)} graph(s) into {args.into} "
          f"(each graph replaced)", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with open_graph(args) as kg:
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
    with open_graph(args) as kg:
        report = kg.validate(shacl=not args.no_shacl, checks=not args.no_checks)
    write(format_result(report.to_result(), args.format))
    n = len(report.violations)
    print("conforms" if report.conforms else f"does not conform: {n} result(s)", file=sys.stderr)
    return 0 if report.conforms else 1


def cmd_stats(args: argparse.Namespace) -> int:
    with open_graph(args) as kg:
        stats = kg.stats()
    if args.format == "json":
        import json

        write(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "xml":
        raise UsageError("stats has no xml output; use table, csv, tsv, md or json")
    else:
        write(format_result(stats.kinds_result(), args.format) + "\n" +
               format_result(stats.classes_result(), args.format))
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    from ..diagram import mermaid

    with open_graph(args) as kg:
        write(mermaid(kg))
    return 0


def _is_file(name: str) -> bool:
    """Whether ``name`` is an existing file; False for what cannot be a path (too long, NUL bytes)."""
    return os.path.isfile(name)


def add_commands(command: Command) -> None:
    """Register the sub-commands of this module (``command`` adds one and returns its parser)."""
    p = command("query", cmd_query, "Run a named query, a .rq file, or SPARQL from stdin.",
                "kzgraph query athlete --param athlete='David Degtyarev' --format csv\n"
                "kzgraph query medals --format parquet --out medals.parquet\n"
                "echo 'SELECT * WHERE { ?s ?p ?o } LIMIT 3' | kzgraph query -")
    p.add_argument("query", metavar="NAME|FILE.rq|-", help="query name (see `kzgraph queries`), file, or - for stdin")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value (repeatable)")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS + RDF + BINARY, default=None,
                   help="output format (default: table; ttl for CONSTRUCT/DESCRIBE); parquet needs --out and "
                        "the kzgraph[arrow] extra")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE (replaced whole) instead of stdout")
    p.add_argument("--live", nargs="?", const="https://query.wikidata.org/sparql", metavar="ENDPOINT",
                   help="run NAME-live instead, federating with ENDPOINT (default: the public Wikidata endpoint)")

    p = command("queries", cmd_queries, "List the named queries.", "kzgraph queries --format md")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")

    p = command("load", cmd_load, "Add RDF files to a store, or put the built dataset into a store (--into).",
                "kzgraph load extra.trig more.ttl --store ./kz.db\n"
                "kzgraph load --into http://127.0.0.1:7878/query --update-url http://127.0.0.1:7878/update\n"
                "kzgraph load --into http://127.0.0.1:8890/sparql --graph-store "
                "http://127.0.0.1:8890/sparql-graph-crud-auth --user dba:dba --auth digest")
    p.add_argument("files", nargs="*", metavar="FILE", help="RDF files (format from the extension)")
    p.add_argument("--into", metavar="PATH|URL", help="store to put the built dataset (ontology, data, "
                   "derived graphs) into; each graph is replaced, so running twice gives the same store")
    p.add_argument("--graph", metavar="IRI", action="append", default=[],
                   help="with FILE...: the named graph for triples that have none (default: the default "
                   "graph); with --into: a graph to push (repeatable; default: all)")

    p = command("export", cmd_export, "Write the whole dataset as RDF.",
                "kzgraph export --format nq --out kzgraph.nq")
    p.add_argument("--format", "-f", choices=RDF, default=EXPORT_FORMAT,
                   help="RDF format (default: %(default)s); ttl, nt and rdfxml get the union of the graphs")
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
