"""HTTP content negotiation over the one table of formats (``kzgraph.formats``).

``choose(offered, accept)`` picks the offered format the client prefers: the highest ``q`` of the most
specific media range that matches the format's media type or one of its aliases; ties go to the
server's order (its first offer is the default for ``*/*`` or no ``Accept``). Nothing acceptable →
``NotAcceptable`` (HTTP 406) naming what is on offer.

>>> offer = offered("json", "xml", "csv", "tsv", "html")
>>> choose(offer, None).name
'json'
>>> choose(offer, "text/csv;q=0.5, application/sparql-results+xml").name
'xml'
>>> choose(offer, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").name
'html'
>>> choose(offer, "application/json").name
'json'
>>> choose(offered("ttl", "jsonld"), "application/json").name
'jsonld'
>>> choose(offer, "image/png")
Traceback (most recent call last):
...
kzgraph.web.negotiation.NotAcceptable: none of the acceptable types (image/png) is available; available: application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values, text/html
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import formats
from ..errors import KzgraphError
from ..formats import Format

__all__ = ["NotAcceptable", "offered", "choose", "parse_accept", "by_extension"]


class NotAcceptable(KzgraphError):
    """No offered format is acceptable to the client (HTTP 406)."""

    def __init__(self, accept: str, offer: Sequence[Format]) -> None:
        self.accept, self.offer = accept, list(offer)
        super().__init__(accept)

    def __str__(self) -> str:
        return (f"none of the acceptable types ({self.accept}) is available; available: "
                f"{', '.join(f.media_type for f in self.offer)}")


def offered(*names: str) -> list[Format]:
    """Formats by name, in the server's order of preference."""
    return [formats.by_name(n) for n in names]


def parse_accept(accept: str) -> list[tuple[str, float, int]]:
    """``(media range, q, order)`` for each part of an Accept header; malformed ``q`` counts as 1."""
    ranges = []
    for order, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
        ranges.append((media.lower(), q, order))
    return ranges


def _quality(fmt: Format, ranges: list[tuple[str, float, int]]) -> float:
    best_specificity, quality = -1, 0.0
    for media in (fmt.media_type, *fmt.aliases):
        kind = media.split("/", 1)[0]
        for pattern, q, _ in ranges:
            specificity = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
            if specificity > best_specificity or (specificity == best_specificity and q > quality):
                best_specificity, quality = specificity, q
    return quality if best_specificity >= 0 else 0.0


def choose(offer: Sequence[Format], accept: str | None) -> Format:
    """The offered format the ``Accept`` header prefers; the first offer without a header."""
    if not accept or not accept.strip():
        return offer[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offer[0]
    scored = [(_quality(f, ranges), -i, f) for i, f in enumerate(offer)]
    quality, _, best = max(scored, key=lambda t: (t[0], t[1]))
    if quality <= 0.0:
        raise NotAcceptable(accept, offer)
    return best


def by_extension(path: str, offer: Sequence[Format]) -> tuple[str, Format | None]:
    """Split ``/a/b.ttl`` into ``/a/b`` and the offered format of ``.ttl``; no format when none is offered."""
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        return path, None
    fmt = formats.by_extension(ext)
    if fmt is None or fmt not in offer:
        return path, None
    return stem, fmt
