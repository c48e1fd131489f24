"""Small SVG pictures, drawn on the server: no script, no external resource, every text escaped.

- ``medal_bars``: gold, silver and bronze medals of each delegation as bars;
- ``timeline``: the medals by date along the days of the Games, each a link to its medal's page;
- ``chain``: athlete → medal → event → venue as four linked boxes.

Links come from a function ``href(iri) -> str | None`` so that the same pictures serve the server and
the static site.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from html import escape

from ..terms import Value

__all__ = ["COLOURS", "chain", "medal_bars", "timeline"]

Href = Callable[[str], "str | None"]
COLOURS = {"Gold": "#d4a017", "Silver": "#9ea7ad", "Bronze": "#b0703c"}
_ORDER = ("Gold", "Silver", "Bronze")
_FONT = 'font-family="system-ui, sans-serif"'


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(css_class: str, width: int, height: int) -> str:
    """The opening tag of a picture ``width`` × ``height`` pixels, its coordinates in pixels too."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" {_FONT} font-size="12">')


def _link(href: str | None, body: str, title: str) -> str:
    tip = f"<title>{escape(title)}</title>"
    if not href:
        return f"<g>{tip}{body}</g>"
    return f'<a href="{escape(href)}">{tip}{body}</a>'


def _count(value: Value | None) -> int:
    """A count column of a result row (an integer literal); 0 when unbound."""
    if isinstance(value, datetime.date):
        raise TypeError(f"a count, not a date: {value!r}")
    return int(value or 0)


def medal_bars(rows: Sequence[dict[str, Value | None]]) -> str:
    """One group of three bars (gold, silver, bronze) per delegation of the ``medal-table`` query."""
    peak = max([_count(r.get(k)) for r in rows for k in ("gold", "silver", "bronze")] + [1])
    bar_w, gap, top, height = 36, 10, 24, 120
    group_w = 3 * bar_w + 2 * gap + 40
    width = max(group_w * len(rows), group_w) + 20
    parts = [_svg("chart", width, top + height + 44), "<title>Medals by colour</title>"]
    for i, row in enumerate(rows):
        x0 = 20 + i * group_w
        for j, kind in enumerate(("gold", "silver", "bronze")):
            count = _count(row.get(kind))
            h = round(height * count / peak)
            x, y = x0 + j * (bar_w + gap), top + height - h
            parts.append(f'<rect x="{x}" y="{y}" width="{bar_w}" height="{h}" fill="{COLOURS[kind.title()]}">'
                         f"<title>{count} {kind}</title></rect>")
            parts.append(f'<text x="{x + bar_w / 2}" y="{y - 6}" text-anchor="middle">{count}</text>')
            parts.append(f'<text x="{x + bar_w / 2}" y="{top + height + 16}" text-anchor="middle">{kind}</text>')
        label = _cut(str(row.get("country") or ""), 24)
        parts.append(f'<text x="{x0}" y="{top + height + 36}" font-weight="bold">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def timeline(medals: Sequence[dict[str, Value | None]], start: datetime.date | None, end: datetime.date | None,
             href: Href) -> str:
    """The dated medals of the ``medals`` query on the days from ``start`` to ``end`` (the Games): one row
    per medal in date order, a dot of the medal's colour on its day, the athlete's name beside it."""
    dated: list[tuple[datetime.date, dict[str, Value | None]]] = []
    for medal in medals:
        when = medal.get("date")
        if isinstance(when, datetime.date):
            dated.append((when, medal))
    dated.sort(key=lambda dm: (dm[0], _ORDER.index(str(dm[1].get("medal")))
                               if dm[1].get("medal") in _ORDER else len(_ORDER)))
    if not dated:
        return ""
    days = [when for when, _ in dated]
    first, last = start or min(days), end or max(days)
    if last <= first:
        last = first + datetime.timedelta(days=1)
    span = (last - first).days
    left, step, axis_y, row_h, radius = 30, 56, 30, 24, 8
    width = 2 * left + span * step
    height = axis_y + 20 + len(dated) * row_h
    parts = [_svg("chart timeline", width, height), "<title>Medals by date</title>"]
    for d in range(span + 1):
        day = first + datetime.timedelta(days=d)
        x = left + d * step
        parts.append(f'<line x1="{x}" y1="{axis_y}" x2="{x}" y2="{height}" stroke="#e5e8eb"/>')
        parts.append(f'<text x="{x}" y="{axis_y - 10}" text-anchor="middle" font-size="11">'
                     f'{day.strftime("%d %b")}</text>')
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + span * step}" y2="{axis_y}" stroke="#333"/>')
    for row, (day, medal) in enumerate(dated):
        x = left + (day - first).days * step
        y = axis_y + 20 + row * row_h
        colour = COLOURS.get(str(medal.get("medal")), "#777")
        name = escape(str(medal.get("athlete_name") or ""))
        on_right = x < width / 2
        anchor, text_x = ("start", x + radius + 5) if on_right else ("end", x - radius - 5)
        title = f"{medal.get('athlete_name')}: {medal.get('medal')}, {medal.get('event')} ({day.isoformat()})"
        body = (f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{colour}" stroke="#333" stroke-width="1"/>'
                f'<text x="{text_x}" y="{y + 4}" text-anchor="{anchor}">{name}</text>')
        parts.append(_link(href(str(medal.get("medal_iri") or "")), body, title))
    parts.append("</svg>")
    return "".join(parts)


def chain(links: Sequence[tuple[str, str | None, str | None]], href: Href, *, ident: str = "chain") -> str:
    """Boxes joined by arrows: each link is ``(kind, label, iri)``; missing parts are drawn dashed."""
    box_w, box_h, gap, top = 196, 54, 40, 10
    width = len(links) * box_w + (len(links) - 1) * gap + 20
    parts = [_svg("chart chain", width, box_h + 2 * top),
             "<title>" + escape(" → ".join(f"{k}: {label or 'unknown'}" for k, label, _ in links)) + "</title>",
             (f'<defs><marker id="{escape(ident)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
              'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
              '<path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>')]
    for i, (kind, label, iri) in enumerate(links):
        x = 10 + i * (box_w + gap)
        dash = "" if iri else ' stroke-dasharray="4 3"'
        body = (f'<rect x="{x}" y="{top}" width="{box_w}" height="{box_h}" rx="8" fill="#f6f8fa" stroke="#333"{dash}/>'
                f'<text x="{x + 10}" y="{top + 20}" font-size="10" fill="#555">{escape(kind)}</text>'
                f'<text x="{x + 10}" y="{top + 40}">{escape(_cut(label or "not known", 29))}</text>')
        parts.append(_link(href(iri) if iri else None, body, f"{kind}: {label or 'not known'}"))
        if i:
            parts.append(f'<line x1="{x - gap + 2}" y1="{top + box_h / 2}" x2="{x - 2}" y2="{top + box_h / 2}" '
                         f'stroke="#333" marker-end="url(#{escape(ident)}-arrow)"/>')
    parts.append("</svg>")
    return "".join(parts)
