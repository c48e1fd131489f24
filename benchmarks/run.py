"""kzgraph's benchmarks: one command, every comparison side by side in one run, ratios in a table.

    python benchmarks/run.py            # the full set (10M triples: an hour or more)
    python benchmarks/run.py --quick    # a reduced set in a few minutes
    python benchmarks/run.py --only answer_latency --sizes 100k 1M

Prints a table and writes RESULTS.md (machine facts, versions, the command) with the plots beside it:
into benchmarks/ for a full run of every family (the published results), into benchmarks/draft/ for a
quick or partial run unless ``--write`` is given. Each family of benchmarks is one module here with
``TITLE`` and ``run(context) -> Section``; a family listed in ``FAMILIES`` whose module or engine is not
there yet is reported as not measured. Synthetic data and stores are kept in the work directory between
runs (``--work``); ``--stores`` lends ready-made ones to the families that grow with the data.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # the families, and kzgraph from this checkout

from common import Context, Section, human, machine  # noqa: E402  # imported after the path is set

from kzgraph.errors import KzgraphError  # noqa: E402  # from this checkout, once the path is set

FAMILIES = {  # module: what it needs, when it cannot run yet
    "query_overhead": None,
    "bulk_load": None,
    "cold_start": None,
    "backends": None,
    "answer_latency": None,
    "search_latency": None,
    "search_function": None,
    "page_latency": None,
    "columnar": None,
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
    parser.add_argument("--out", type=Path,
                        help="where RESULTS.md and the plots go (default: benchmarks/ for a full run or with "
                             "--write, else benchmarks/draft/)")
    parser.add_argument("--write", action="store_true",
                        help="write benchmarks/RESULTS.md even for a quick or partial run")
    parser.add_argument("--sizes", nargs="+", type=parse_count, metavar="N",
                        help="data sizes of the answer, search and page latency families, e.g. 100k 1M 10M "
                             "(default 100k with --quick, else 100k 1M 10M)")
    parser.add_argument("--stores", nargs="+", type=given_store, default=[], metavar="SIZE=DIR",
                        help="a ready-made store of that size: kzgraph's dataset plus 'kzgraph synth --triples "
                             "SIZE --seed 1', loaded with 'kzgraph load --store DIR'; read, never written")
    parser.add_argument("--virtuoso", action="store_true",
                        help="also load the 1M data into Virtuoso for the answer-latency family (minutes)")
    args = parser.parse_args(argv)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.out is None:
        args.out = HERE if args.write or not (args.quick or args.only) else HERE / "draft"
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    context = Context(quick=args.quick, work=args.work, out=args.out, sizes=args.sizes,
                      given=dict(args.stores),
                      options={"virtuoso"} if args.virtuoso else set())
    command = "python benchmarks/run.py" + (" --quick" if args.quick else "") + \
        (f" --only {' '.join(args.only)}" if args.only else "") + \
        (f" --sizes {' '.join(human(n) for n in args.sizes)}" if args.sizes else "") + \
        "".join(f" --stores {human(n)}=DIR" for n, _ in args.stores) + (" --virtuoso" if args.virtuoso else "")
    facts = machine()
    started = time.perf_counter()
    sections: list[Section] = []
    missing: list[str] = []
    try:
        run_families(args, context, sections, missing)
    finally:  # what was measured is written even when a family fails
        facts["duration"] = f"{time.perf_counter() - started:.0f} s"
        print(render_table(sections))
        (args.out / "RESULTS.md").write_text(render_markdown(command, facts, sections, missing), encoding="utf-8")
        context.log(f"wrote {args.out / 'RESULTS.md'}")
    return 1 if any("failed in this run" in line for line in missing) else 0


def parse_count(text: str) -> int:
    """100k, 1M, 10M or a plain number."""
    from kzgraph.errors import UsageError
    from kzgraph.synth import parse_count as parse

    try:
        return parse(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def given_store(text: str) -> tuple[int, Path]:
    """``SIZE=DIR`` of ``--stores``: DIR must be a kzgraph store."""
    size, equals, path = text.partition("=")
    if not equals or not (Path(path) / "GENERATION").is_file():
        raise argparse.ArgumentTypeError(f"expected SIZE=DIR with DIR a kzgraph store, got {text!r}")
    return parse_count(size), Path(path)


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
        try:
            section = module.run(context)
        except (KzgraphError, RuntimeError, OSError, ValueError, subprocess.SubprocessError) as exc:
            traceback.print_exc()  # the next families still run; the run's exit status says one failed
            missing.append(f"- **{name}**: failed in this run: {type(exc).__name__}: {' '.join(str(exc).split())}")
            continue
        if section is None:  # the family's module is there, what it measures is not yet
            missing.append(f"- **{name}**: not measured yet; needs {needs or getattr(module, 'NEEDS', '?')}.")
        else:
            sections.append(section)


def render_table(sections: list[Section]) -> str:
    """The headline ratios as a plain-text table."""
    rows = [(s.title, r.name, r.cell(), r.target) for s in sections for r in s.ratios]
    head = ("family", "measure", "ratio", "target")
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(head)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=False))
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) for row in rows]
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
