"""``kzgraph synth``: synthetic data in the ontology's shape, for benchmarks.

A module of its own: its defaults are ``kzgraph.synth``'s, and that module is imported only for this command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import synth
from ..atomic import replacing
from .common import Command, progress_bar

__all__ = ["add_commands"]


def cmd_synth(args: argparse.Namespace) -> int:
    target = synth.parse_count(args.triples) if args.triples else None
    options = {"games": args.games, "triples": target, "scale": args.scale, "seed": args.seed}
    progress = progress_bar() if args.out else None
    summary = synth.Summary()
    total = target or args.games
    try:
        if args.out:
            out = Path(args.out)
            with replacing(out) as stream:  # a reader never sees half a file
                for chunk in synth.generate(summary=summary, **options):
                    stream.write(chunk)
                    if progress is not None and summary.games:
                        progress(min(total, summary.triples if target else summary.games), total, out.name)
        else:
            for chunk in synth.generate(summary=summary, **options):
                sys.stdout.write(chunk)
            sys.stdout.flush()
    finally:
        if progress is not None:
            progress.stop()
    print(f"synth: {summary.triples} triples: {summary.games} Games, {summary.athletes} athletes, "
          f"{summary.events} medal events, {summary.medals} medals (seed {args.seed})", file=sys.stderr)
    return 0


def add_commands(command: Command) -> None:
    """Register the sub-command of this module (``command`` adds one and returns its parser)."""
    p = command("synth", cmd_synth,
                "Generate synthetic data in the ontology's shape (TriG), for benchmarks.",
                "kzgraph synth --games 1 --out games.trig\nkzgraph synth --triples 1M --seed 7 > 1m.trig")
    size = p.add_mutually_exclusive_group()
    defaults = synth.generate.__kwdefaults__ or {}  # generate()'s keyword defaults: the command's
    size.add_argument("--games", type=int, default=defaults["games"], metavar="N",
                      help="number of Games (default %(default)s; one is about 4,400 athletes, 549 events, "
                           "1,650 medals)")
    size.add_argument("--triples", metavar="N",
                      help="as many Games as it takes to reach N triples: 100k, 1M, 10M")
    p.add_argument("--scale", type=float, default=defaults["scale"], metavar="F",
                   help="size of each Games (default %(default)s)")
    p.add_argument("--seed", type=int, default=synth.DEFAULT_SEED,
                   help="random seed; the same seed gives the same bytes (default %(default)s)")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")
