"""The ``kzgraph`` command run in this process, for tests of what it prints and returns."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

from kzgraph.cli import main

#: A small home (ontology/, data/, queries/) that the command-line tests use.
MINI = Path(__file__).parent / "fixtures" / "mini"


def run_cli(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``kzgraph ARGV`` with ``stdin`` as its standard input."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def run_mini(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """``run_cli`` with ``--home`` the small fixture home."""
    return run_cli(["--home", str(MINI), *argv], stdin=stdin)
