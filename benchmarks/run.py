"""kzgraph's benchmarks: one command, every comparison side by side in one run, ratios in a table.

    python benchmarks/run.py            # the full set (10M triples: tens of minutes)
    python benchmarks/run.py --quick    # a reduced set in a few minutes
    python benchmarks/run.py --only cold_start query_overhead

Prints a table and writes benchmarks/RESULTS.md (machine facts, versions, the command) with the plots
beside it. Each family of benchmarks is one module here with ``TITLE`` and ``run(context) -> Section``;
a family listed in ``FAMILIES`` whose module or engine is not there yet is reported as not measured.
Synthetic data and stores are kept in the work directory between runs (``--work``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # the families, and kzgraph from this checkout

from common import Context, Section, machine  # noqa: E402  (after the path is set)

FAMILIES = {  # module: what it needs, when it cannot run yet
    "query_overhead": None,
    "bulk_load": None,
    "cold_start": None,
    "backends": None,
    "http_serve": "run on its own: python benchmarks/serve_vs_oxigraph.py (its section of RESULTS.md)",
    "soak": "run on its own against a running server: python benchmarks/soak.py --kzgraph (its section of RESULTS.md)",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="example:\n  python benchmarks/run.py --quick")
    parser.add_argument("--quick", action="store_true", help="a reduced set that runs in a few minutes")
    parser.add_argument("--only", nargs="+", choices=list(FAMILIES), metavar="FAMILY",
                        help=f"run only these families: {', '.join(FAMILIES)}")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kzgraph-bench",
                        help="where synthetic data and stores are kept between runs")
    parser.add_argument("--out", type=Path, default=HERE, help="where RESULTS.md and the plots go")
    args = parser.parse_args(argv)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    context = Context(quick=args.quick, work=args.work, out=args.out)
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "") + \
        (f" --only {' '.join(args.only)}" if args.only else "")
    facts = machine()
    started = time.perf_counter()
    sections: list[Section] = []
    missing: list[str] = []
    try:
        run_families(args, context, sections, missing)
    finally:  # what was measured is written even when a later family fails
        facts["duration"] = f"{time.perf_counter() - started:.0f} s"
        print(render_table(sections))
        (args.out / "RESULTS.md").write_text(render_markdown(command, facts, sections, missing), encoding="utf-8")
        context.log(f"wrote {args.out / 'RESULTS.md'}")
    return 0


def run_families(args: argparse.Namespace, context: Context, sections: list[Section], missing: list[str]) -> None:
    """Run the chosen families in order, adding their sections (or why they were not measured)."""
    for name, needs in FAMILIES.items():
        if args.only and name not in args.only:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            module = None
        if module is None or not hasattr(module, "run"):
            missing.append(f"- **{name}**: not measured yet; needs {needs}.")
            continue
        context.log(f"{module.TITLE}")
        section = module.run(context)
        if section is None:  # the family's module is there, what it measures is not yet
            missing.append(f"- **{name}**: not measured yet; needs {needs or getattr(module, 'NEEDS', '?')}.")
        else:
            sections.append(section)


def render_table(sections: list[Section]) -> str:
    """The headline ratios as a plain-text table."""
    rows = [(s.title, r.name, r.cell(), r.target) for s in sections for r in s.ratios]
    head = ("family", "measure", "ratio", "target")
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths))
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def _md_table(columns: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def render_markdown(command: str, facts: dict[str, str], sections: list[Section], missing: list[str]) -> str:
    parts = ["# kzgraph benchmark results", "",
             "Written by `benchmarks/run.py`; every figure compares kzgraph with the engine it wraps *in the same "
             "run*, interleaved and repeated, as a ratio of medians. Absolute times depend on the machine and on "
             "what else it runs (this one is shared), ratios much less.", "",
             f"Command: `{command}`", "", _md_table(["machine", ""], [[k, v] for k, v in facts.items()]), "",
             "## Summary", "",
             _md_table(["family", "measure", "ratio", "target"],
                       [[s.title, r.name, r.cell(), r.target] for s in sections for r in s.ratios]), ""]
    for section in sections:
        parts += [f"## {section.title}", "", section.intro, "", _md_table(section.columns, section.rows), ""]
        parts += [f"![{section.title}]({plot})" for plot in section.plots] + ([""] if section.plots else [])
        parts += [note + "\n" for note in section.notes]
    if missing:
        parts += ["## Not measured yet", "", *missing, ""]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    sys.exit(main())
