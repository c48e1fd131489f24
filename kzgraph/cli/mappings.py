"""``kzgraph mappings``: the mappings to Wikidata as an SSSOM TSV file."""

from __future__ import annotations

import argparse
import sys

from ..mappings import mapping_set
from .common import Command, open_graph, write

__all__ = ["add_commands"]


def cmd_mappings(args: argparse.Namespace) -> int:
    with open_graph(args) as kg:
        found = mapping_set(kg, reconciled=args.reconciled)
    text = found.to_tsv()
    if not args.out:
        write(text)
        return 0
    from ..atomic import replacing  # imported where used: only --out needs it

    with replacing(args.out) as stream:
        stream.write(text)
    print(f"wrote {len(found.mappings)} mappings to {args.out}", file=sys.stderr)
    return 0


def add_commands(command: Command) -> None:
    """Register the sub-command of this module (``command`` adds one and returns its parser)."""
    p = command("mappings", cmd_mappings,
                "Write the mappings to Wikidata as SSSOM TSV: the ontology's alignments, the stated links and the "
                "accepted reconciled links, with justification, score, method and date.",
                "kzgraph mappings --out kzgraph.sssom.tsv\n"
                "kzgraph mappings --no-reconciled --store kz.store")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE (replaced whole) instead of stdout")
    p.add_argument("--reconciled", action=argparse.BooleanOptionalAction, default=True,
                   help="include the links `kzgraph wikidata reconcile` found and accepted that the store holds "
                        "(default: yes)")
