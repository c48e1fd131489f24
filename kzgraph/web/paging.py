"""Pages of a named query's answer: ``/queries/NAME?limit=N&offset=M``.

The engine slices the solutions (``KnowledgeGraph.page`` adds ``LIMIT``/``OFFSET`` to the query, whose
``ORDER BY`` keeps the pages stable), asked for one row more than the page holds: that row, dropped, tells
whether a next page exists without counting the whole answer. The answer then carries ``Link`` headers
(RFC 8288) to the ``next``, ``prev`` and ``first`` pages, and an HTML table links to them.

>>> page = Page(limit=4, offset=4)
>>> for rel, label, query in page.links([("format", "csv")], more=True):
...     print(rel, label, query)
next next page format=csv&limit=4&offset=8
prev previous page format=csv&limit=4&offset=0
first first page format=csv&limit=4&offset=0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import urlencode

from ..results import Result, SelectResult
from .problems import HttpError

__all__ = ["PARAMS", "Page", "Paged", "link_header", "requested", "trimmed"]

#: The query-string parameters that choose a page (never a named query's own parameters).
PARAMS = ("limit", "offset")
#: The largest offset taken (digits beyond it are a mistake, not a page).
MAX_OFFSET = 10**12
_LABELS = {"next": "next page", "prev": "previous page", "first": "first page"}


class Page(NamedTuple):
    """Rows ``offset`` to ``offset + limit`` of an answer."""

    limit: int
    offset: int

    def links(self, params: Sequence[tuple[str, str]], *, more: bool) -> list[tuple[str, str, str]]:
        """(rel, label, query string) of the pages around this one, the other ``params`` kept."""
        def query(offset: int) -> str:
            return urlencode([*params, ("limit", str(self.limit)), ("offset", str(offset))])

        found = [("next", query(self.offset + self.limit))] if more else []
        if self.offset > 0:
            found += [("prev", query(max(self.offset - self.limit, 0))), ("first", query(0))]
        return [(rel, _LABELS[rel], text) for rel, text in found]


class Paged(str):
    """A media type that also says which page it answers and whether there is a next one: what the answer
    cache keeps with the body, so that an answer from the cache gets its ``Link`` header too."""

    page: Page
    more: bool

    def __new__(cls, media_type: str, page: Page, *, more: bool) -> Paged:
        made = super().__new__(cls, media_type)
        made.page, made.more = page, more
        return made


def _number(params: Sequence[tuple[str, str]], name: str, low: int, high: int) -> int | None:
    given = [value for key, value in params if key == name]
    if not given:
        return None
    if len(given) > 1:
        raise HttpError(400, f"give the parameter '{name}' once")
    if not given[0].strip().isdigit() or not low <= int(given[0]) <= high:
        raise HttpError(400, f"{name} must be a whole number from {low} to {high}, not {given[0]!r}")
    return int(given[0])


def requested(params: Sequence[tuple[str, str]], max_rows: int) -> Page | None:
    """The page that ``limit`` and ``offset`` of a query string's ``params`` ask for (``limit`` up to
    ``max_rows``, the default when only ``offset`` is given), or None for the whole answer; HttpError 400
    for a value out of range or given twice.

    >>> requested([("offset", "8")], 100), requested([("athlete", "x")], 100)
    (Page(limit=100, offset=8), None)
    """
    limit = _number(params, "limit", 1, max_rows)
    offset = _number(params, "offset", 0, MAX_OFFSET)
    if limit is None and offset is None:
        return None
    return Page(max_rows if limit is None else limit, offset or 0)


def trimmed(result: Result, page: Page) -> tuple[Result, bool]:
    """The page's rows of a result asked for with one row more (``page.limit + 1``), and whether that row
    came, i.e. whether a next page exists."""
    if not isinstance(result, SelectResult) or len(result) <= page.limit:
        return result, False
    return SelectResult(result.columns, list(result)[:page.limit]), True


def link_header(path: str, params: Sequence[tuple[str, str]], media_type: str) -> dict[str, str]:
    """``{"Link": ...}`` to the pages around the one ``media_type`` answers (see ``Paged``), else ``{}``."""
    if not isinstance(media_type, Paged):
        return {}
    links = media_type.page.links(params, more=media_type.more)
    return {"Link": ", ".join(f'<{path}?{query}>; rel="{rel}"' for rel, _, query in links)} if links else {}
