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
>>> choose(offer, "image/png")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
kzgraph.web.negotiation.NotAcceptable: none of the acceptable types (image/png) is available; available:
application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values, text/html

``requested(value, offer)`` reads ``?format=``: a format name, a media type or a name other clients send
picks that format when it is on offer; a known format that is not (``ttl`` for a SELECT) leaves the choice
to ``Accept``; anything else is ``UnknownFormat`` (HTTP 400) naming what is on offer.

>>> requested("turtle", offered("ttl", "jsonld")).name, requested("text/csv", offer).name
('ttl', 'csv')
>>> requested("ttl", offer) is None
True
>>> requested("bogus", offer)  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
kzgraph.web.negotiation.UnknownFormat: unknown format 'bogus'; this answer is offered as json, xml, csv, tsv, html
(or by media type)
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import formats
from ..errors import KzgraphError, UsageError
from ..formats import Format

__all__ = ["NotAcceptable", "UnknownFormat", "by_extension", "choose", "offered", "parse_accept", "requested"]

#: ``?format=`` values other clients send (SPARQLWrapper sends ``format=turtle``, ``format=xml`` for RDF/XML…).
ALIASES = {"turtle": ("ttl",), "n3": ("ttl",), "ntriples": ("nt",), "n-triples": ("nt",), "nquads": ("nq",),
           "n-quads": ("nq",), "json-ld": ("jsonld",), "rdf": ("rdfxml",), "rdf+xml": ("rdfxml",),
           "rdf/xml": ("rdfxml",), "xml": ("xml", "rdfxml"),
           "json": ("json", "jsonld"), "text": ("table",), "tab-separated-values": ("tsv",)}


class NotAcceptable(KzgraphError):
    """No offered format is acceptable to the client (HTTP 406)."""

    def __init__(self, accept: str, offer: Sequence[Format]) -> None:
        self.accept, self.offer = accept, list(offer)
        super().__init__(accept)

    def __str__(self) -> str:
        return (f"none of the acceptable types ({self.accept}) is available; available: "
                f"{', '.join(f.media_type for f in self.offer)}")


class UnknownFormat(UsageError):
    """``?format=`` names no format (HTTP 400); ``offer`` is what this answer could be."""

    def __init__(self, value: str, offer: Sequence[Format]) -> None:
        self.value, self.offer = value, list(offer)
        super().__init__(value)

    def __str__(self) -> str:
        return (f"unknown format {self.value[:100]!r}; this answer is offered as "
                f"{', '.join(f.name for f in self.offer)} (or by media type)")


def requested(value: str | None, offer: Sequence[Format]) -> Format | None:
    """The offered format that ``?format=`` names (a format name, an alias other clients send or a media type,
    parameters ignored); None without a value or for a known format not on offer (``Accept`` then decides);
    UnknownFormat for a value that names no format."""
    value = (value or "").strip().lower()
    if not value:
        return None
    media = value.split(";", 1)[0].strip()
    names = set(ALIASES.get(value, (value,)))
    names.update(f.name for f in formats.FORMATS if media == f.media_type or media in f.aliases)
    known = names & set(formats.names())
    if not known:
        raise UnknownFormat(value, offer)
    return next((f for f in offer if f.name in known), None)


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
