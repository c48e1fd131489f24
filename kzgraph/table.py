"""Box-drawn text tables for terminals: cells measured in terminal columns, the table fitted to a width.

Wide characters (CJK) take two columns and combining marks none. A table wider than the terminal shrinks its
widest columns first, and a cell longer than its column ends in ``…``; each cell is measured and cut once,
in one pass over its text, so a long literal costs time in proportion to its length.

>>> print(render(["name", "n"], [["Astana", "3"], ["Almaty", "12"]], right=[False, True]), end="")
┌────────┬────┐
│ name   │ n  │
├────────┼────┤
│ Astana │  3 │
│ Almaty │ 12 │
└────────┴────┘
>>> print(render(["name", "note"], [["Astana", "the capital since 1997"]], width=30), end="")
┌────────┬───────────────────┐
│ name   │ note              │
├────────┼───────────────────┤
│ Astana │ the capital sinc… │
└────────┴───────────────────┘
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Sequence

__all__ = ["cell_width", "clip", "fit", "render", "terminal_width"]

_MIN_COLUMN = 3  # a column is not shrunk below this (two characters and an ellipsis)


def _char_width(c: str) -> int:
    return 0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1


def cell_width(text: str) -> int:
    """The columns ``text`` takes on a terminal."""
    if text.isascii():  # no wide or combining characters: the common case, fast
        return len(text)
    return sum(_char_width(c) for c in text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending in ``…`` when something was cut (one pass)."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    if text.isascii():
        return text[:width - 1] + "…"
    used = 0
    for end, c in enumerate(text):
        used += _char_width(c)
        if used > width - 1:  # this character no longer fits beside the ellipsis
            return text[:end] + "…"
    return text


def fit(natural: Sequence[int], available: int) -> list[int]:
    """Column widths that sum to at most ``available`` when they can: the widest columns give up space first,
    each down to no less than ``min(natural, 3)``."""
    widths = list(natural)
    if sum(widths) <= available:
        return widths
    floor = [min(n, _MIN_COLUMN) for n in natural]
    low, high = 0, max(natural)  # the largest cap such that the capped columns fit
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(min(n, cap), f) for n, f in zip(natural, floor, strict=False)) <= available:
            low = cap
        else:
            high = cap - 1
    widths = [max(min(n, low), f) for n, f in zip(natural, floor, strict=False)]
    spare = available - sum(widths)
    for i, n in enumerate(natural):  # what the cap left over goes to the columns it cut, left to right
        if spare <= 0:
            break
        extra = min(n - widths[i], spare)
        widths[i] += extra
        spare -= extra
    return widths


def render(columns: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[bool] = (),
           width: int | None = None) -> str:
    """A table of one-line cells; ``right`` aligns columns to the right; ``width`` is the most columns a
    line may take (None: no limit). Ends with a newline."""
    natural = [max([cell_width(c)] + [cell_width(r[i]) for r in rows]) for i, c in enumerate(columns)]
    widths = natural if width is None else fit(natural, width - (3 * len(columns) + 1))
    aligned = list(right) + [False] * (len(columns) - len(right))

    def line(texts: Sequence[str], align: Sequence[bool]) -> str:
        cells = []
        for text, w, r in zip(texts, widths, align, strict=False):
            text = clip(text, w)
            pad = " " * (w - cell_width(text))
            cells.append(pad + text if r else text + pad)
        return "│ " + " │ ".join(cells) + " │"

    def rule(left: str, mid: str, end: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + end

    out = [rule("┌", "┬", "┐"), line(columns, [False] * len(columns)), rule("├", "┼", "┤")]
    out += [line(r, aligned) for r in rows]
    out.append(rule("└", "┴", "┘"))
    if width is not None:  # more columns than the width has room for even at their narrowest
        out = [clip(text, width) for text in out]
    return "\n".join(out) + "\n"


def terminal_width() -> int | None:
    """The width to fit tables to: ``$COLUMNS`` when set, else the terminal's when stdout is one, else None."""
    try:
        return max(int(os.environ["COLUMNS"]), 1)
    except (KeyError, ValueError):
        pass
    try:
        if sys.stdout is not None and sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        pass
    return None
