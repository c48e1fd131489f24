"""One table of output formats: name ↔ media type ↔ file extension ↔ kind.

Used by the CLI's ``--format`` and by HTTP content negotiation.

>>> by_name("json").media_type
'application/sparql-results+json'
>>> by_extension(".trig").name
'trig'
>>> by_media_type("text/turtle; charset=utf-8").name
'ttl'

A file named after an RDF format is read in that format, as is a file with the format's extension:
``kzgraph export --format rdfxml --out kz.rdfxml`` writes what ``kzgraph load kz.rdfxml`` reads.

>>> by_extension("rdfxml").name, by_extension(".rdf").name, by_extension(".owl").name
('rdfxml', 'rdfxml', 'rdfxml')
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from .errors import UsageError

#: What a format can carry.
Kind = Literal["results", "rdf", "text", "binary"]

__all__ = ["FORMATS", "Format", "Kind", "by_extension", "by_media_type", "by_name", "names"]


class Format(NamedTuple):
    """A format (name, media_type, extension, kind, quads, aliases, other_extensions); ``kind`` says what it
    can carry.

    ``results``: SELECT/ASK results; ``rdf``: triples or quads (``quads`` tells which);
    ``text``: human-readable renderings of SELECT/ASK results; ``binary``: SELECT results as bytes (Parquet),
    written to files only.
    ``extension``: what kzgraph names its files in this format; ``other_extensions``: what else it reads as
    this format (an RDF format's own name is one: ``kz.rdfxml``).
    ``aliases``: media types that clients also send in ``Accept`` for this format.
    """

    name: str
    media_type: str
    extension: str
    kind: Kind
    quads: bool = False
    aliases: tuple[str, ...] = ()
    other_extensions: tuple[str, ...] = ()


FORMATS: tuple[Format, ...] = (
    Format("table", "text/plain", ".txt", "text"),
    Format("csv", "text/csv", ".csv", "results"),
    Format("tsv", "text/tab-separated-values", ".tsv", "results"),
    Format("json", "application/sparql-results+json", ".srj", "results", aliases=("application/json",)),
    Format("xml", "application/sparql-results+xml", ".srx", "results", aliases=("application/xml", "text/xml")),
    Format("md", "text/markdown", ".md", "text"),
    Format("html", "text/html", ".html", "text", aliases=("application/xhtml+xml",)),
    Format("ttl", "text/turtle", ".ttl", "rdf", aliases=("application/x-turtle", "application/turtle"),
           other_extensions=(".turtle",)),
    Format("nt", "application/n-triples", ".nt", "rdf"),
    Format("nq", "application/n-quads", ".nq", "rdf", quads=True),
    Format("trig", "application/trig", ".trig", "rdf", quads=True),
    Format("jsonld", "application/ld+json", ".jsonld", "rdf", quads=True, aliases=("application/json",)),
    Format("rdfxml", "application/rdf+xml", ".rdf", "rdf", aliases=("application/xml", "text/xml"),
           other_extensions=(".rdfxml", ".owl")),
    Format("parquet", "application/vnd.apache.parquet", ".parquet", "binary"),
)

_BY_NAME = {f.name: f for f in FORMATS}
_BY_MEDIA = {f.media_type: f for f in FORMATS}
_BY_EXT = {ext: f for f in FORMATS for ext in (f.extension, *f.other_extensions)}


def names(*kinds: Kind) -> list[str]:
    """Format names of the given kinds (all when none given), in table order."""
    return [f.name for f in FORMATS if not kinds or f.kind in kinds]


def by_name(name: str) -> Format:
    """The format called ``name``; UsageError listing the known names otherwise."""
    try:
        return _BY_NAME[name.lower()]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; known: {', '.join(_BY_NAME)}") from None


def by_media_type(media_type: str) -> Format | None:
    """The format for a media type (parameters such as ``charset`` ignored), or None."""
    return _BY_MEDIA.get(media_type.split(";", 1)[0].strip().lower())


def by_extension(extension: str) -> Format | None:
    """The format for a file extension (with or without the dot), or None."""
    ext = extension.lower() if extension.startswith(".") else f".{extension.lower()}"
    return _BY_EXT.get(ext)
