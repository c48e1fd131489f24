"""Terminal tables fit the terminal: long cells end in an ellipsis, and no line is wider than the width."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from kzgraph.results import SelectResult
from kzgraph.table import cell_width, clip, fit, render
from kzgraph.terms import IRI, LangString

REPO = Path(__file__).resolve().parent.parent
LONG = ("Ақмарал Науатбек 阿克马拉尔 " * 300)[:6000]  # 6,000 characters: Cyrillic, and wide CJK ones


def widths(text: str) -> list[int]:
    return [cell_width(line) for line in text.splitlines()]


def test_a_6000_character_literal_is_cut_to_its_column_with_an_ellipsis():
    result = SelectResult(["resource", "label", "n"], [(IRI("https://w3id.org/kzgraph/athlete/x"),
                                                        LangString(LONG, "kk"), 3), (None, LONG, None)])
    text = result.to_table(width=80)
    assert max(widths(text)) <= 80
    lines = text.splitlines()
    assert lines[-1] == "2 rows" and lines[3].startswith("│ <athlete/x> │ Ақмарал Науатбек") and "…" in lines[3]
    assert "…" in lines[4] and len(lines) == 7


@pytest.mark.parametrize("width", [20, 40, 61, 120])
def test_every_line_fits_the_width(width):
    result = SelectResult(["a", "b", "c"], [("x" * 100, "阿" * 50, LONG), ("short", "", "z")])
    assert max(widths(result.to_table(width=width))[:-1]) <= width


def test_a_table_that_fits_is_left_as_it_is():
    result = SelectResult(["name", "n"], [("Astana", 3)])
    assert result.to_table(width=200) == result.to_table(width=None) == (
        "┌────────┬───┐\n│ name   │ n │\n├────────┼───┤\n│ Astana │ 3 │\n└────────┴───┘\n1 row\n")


@pytest.mark.parametrize("text, width, expected", [
    ("Astana", 6, "Astana"), ("Astana", 5, "Asta…"), ("阿克马拉尔", 5, "阿克…"), ("阿克马拉尔", 4, "阿…"),
    ("é" * 5, 5, "é" * 5), ("e\u0301" * 4, 3, "e\u0301e\u0301…"), ("x", 0, ""),
])
def test_clip_measures_terminal_columns(text, width, expected):
    assert clip(text, width) == expected and cell_width(clip(text, width)) <= max(width, 0)


def test_fit_shrinks_the_widest_columns_first():
    assert fit([10, 50, 4], 64) == [10, 50, 4]
    assert fit([10, 50, 4], 40) == [10, 26, 4]
    assert fit([10, 50, 40], 40) == [10, 15, 15]
    assert fit([1, 50, 50], 5) == [1, 3, 3]  # never below three columns (or the text's own width)
    assert max(widths(render(["a", "b"], [["x" * 9, "y" * 9]], width=8))) <= 8  # too narrow even so: lines cut


def medals_on_a_terminal(columns: int) -> tuple[int, str]:
    """``kzgraph query medals`` with stdout on a pseudo-terminal of ``columns`` columns (no $COLUMNS)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "kzgraph", "query", "medals"], stdout=follower,
                               stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the program has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.communicate(timeout=120)  # reads stderr to its end and closes it
    return process.returncode, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [60, 100])
def test_query_medals_on_a_terminal_keeps_each_line_within_its_width(columns):
    code, out = medals_on_a_terminal(columns)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("┌") and lines[-1] == "9 rows" and len(lines) == 9 + 5
    assert max(widths(out)) <= columns
    assert "…" in out  # the medals table is wider than 100 columns: something was cut


def test_query_medals_to_columns_from_the_environment():
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "72"}
    r = subprocess.run([sys.executable, "-m", "kzgraph", "query", "medals"], capture_output=True, text=True,
                       env=env, timeout=120, check=False)
    assert r.returncode == 0 and r.stderr == ""
    assert max(widths(r.stdout)) <= 72 and r.stdout.splitlines()[-1] == "9 rows"
