"""``kzgraph wikidata reconcile|pull|diff``: the Wikidata join from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import wikidata  # this module is imported for the wikidata command alone (see COMMANDS)
from ..api import KnowledgeGraph
from ..resources import find
from ..results import SelectResult, format_result
from .common import TEXT_AND_RESULTS, Command, open_graph, write

__all__ = ["add_commands"]


def _wikidata_file(args: argparse.Namespace, default: str) -> tuple[Path, str]:
    """Where ``--out`` says, else ``data/`` of ``--home`` (part of that dataset), else the working directory:
    never the installed package. With a note for stderr when the file is not part of a dataset."""
    if args.out:
        return Path(args.out), ""
    if args.home:
        return find(args.home).root / "data" / default, ""
    return Path(default), (f" (in the working directory, not part of any dataset: use --home DIR to keep it in "
                           f"DIR/data/, or load it: kzgraph load {default} --store PATH)")


def cmd_wikidata(args: argparse.Namespace) -> int:
    if args.action == "diff":
        with open_graph(args) as kg:
            found = wikidata.diff(kg)
        write(format_result(found.report, args.format))
        if args.quickstatements:
            Path(args.quickstatements).write_text(found.quickstatements, encoding="utf-8")
            print(f"wrote {found.quickstatements.count(chr(10))} QuickStatements to {args.quickstatements}",
                  file=sys.stderr)
        return 0
    endpoint = wikidata.Endpoint.connect(args.endpoint, timeout=args.wikidata_timeout)
    try:
        with open_graph(args) as kg:
            if args.action == "pull":
                path, note = _wikidata_file(args, wikidata.SNAPSHOT_FILE)
                done = wikidata.pull(kg, endpoint, path, refresh=args.refresh)
                print(f"{'fetched' if done.fetched else 'kept (use --refresh to fetch again)'}: {done.path} "
                      f"({done.items} linked items, {done.triples} triples){note}", file=sys.stderr)
                return 0
            return _reconcile(args, kg, endpoint)
    finally:
        endpoint.close()


def _reconcile(args: argparse.Namespace, kg: KnowledgeGraph, endpoint: wikidata.Endpoint) -> int:
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    if args.accept:
        accepted = wikidata.read_review(Path(args.accept))
    else:
        unlinked = kg.select("wikidata-unlinked")
        entities = wikidata.unlinked(unlinked.to_dicts())
        candidates = wikidata.reconcile(entities, endpoint)
        accepted = wikidata.accept(candidates, args.threshold)
        wikidata.write_review(candidates, accepted, Path(args.review))
        print(f"{len(candidates)} candidates for {len(entities)} entities written to {args.review}",
              file=sys.stderr)
    out, note = _wikidata_file(args, wikidata.LINKS_FILE)
    wikidata.write_atomically(out, wikidata.links_trig(accepted, endpoint.url, now, confirmed=bool(args.accept)))
    write(format_result(SelectResult(["entity", "item", "score", "reason"],
                                      [(c.resource, c.item, c.score, c.reason) for c in accepted]), args.format))
    print(f"{len(accepted)} accepted links written to {out}{note}", file=sys.stderr)
    return 0


def add_commands(command: Command) -> None:
    """Register the sub-commands of this module (``command`` adds one and returns its parser)."""
    p = command("wikidata", cmd_wikidata, "Join with Wikidata: reconcile entities, pull a snapshot, diff medals.",
                "kzgraph wikidata reconcile --review review.csv\n"
                "kzgraph wikidata reconcile --accept review.csv\n"
                "kzgraph wikidata pull --refresh\n"
                "kzgraph wikidata diff --quickstatements medals.qs")
    p.add_argument("action", choices=["reconcile", "pull", "diff"], help="what to do")
    p.add_argument("--endpoint", default=wikidata.DEFAULT_ENDPOINT,
                   help="Wikidata SPARQL endpoint (default: the public one, %(default)s)")
    p.add_argument("--wikidata-timeout", type=float, default=wikidata.TIMEOUT, metavar="SECONDS",
                   help="per request to the endpoint (default: %(default)g)")
    p.add_argument("--threshold", type=float, default=wikidata.THRESHOLD,
                   help="reconcile: accept at or above this score (default: %(default)g)")
    p.add_argument("--review", default="wikidata-review.csv", metavar="FILE",
                   help="reconcile: where to write every candidate (default: wikidata-review.csv)")
    p.add_argument("--accept", metavar="FILE", help="reconcile: take the rows marked yes in this review file")
    p.add_argument("--out", metavar="FILE", help=f"reconcile/pull: output file (default: {wikidata.LINKS_FILE}, "
                   f"{wikidata.SNAPSHOT_FILE} in data/ of --home, else in the working directory)")
    p.add_argument("--refresh", action="store_true", help="pull: fetch again even if the snapshot exists")
    p.add_argument("--quickstatements", metavar="FILE", help="diff: write QuickStatements to FILE")
    p.add_argument("--format", "-f", choices=TEXT_AND_RESULTS, default="table", help="output format")
