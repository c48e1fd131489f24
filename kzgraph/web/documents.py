"""The RDF documents of the site, every one in every RDF format the dumps are offered in.

A resource's IRI answers its page (HTML) or its description in Turtle, JSON-LD, N-Triples, RDF/XML, TriG or
N-Quads (``links.DOCUMENT_FORMATS``): the ``resource-quads`` query, each triple in the named graph that states
it. TriG and N-Quads keep those graphs; the other formats carry the union of them (what
``resource-description`` gives), JSON-LD included, so that a JSON-LD client reads plain triples. The dumps
(``DUMPS``) are the whole dataset in the same six RDF formats.

>>> from kzgraph.web.links import DOCUMENT_FORMATS
>>> DOCUMENT_FORMATS
{'html': '.html', 'ttl': '.ttl', 'jsonld': '.jsonld', 'nt': '.nt', 'rdfxml': '.rdf', 'trig': '.trig', 'nq': '.nq'}
>>> sorted(DUMPS) == sorted(name for name in DOCUMENT_FORMATS if name != "html")
True
"""

from __future__ import annotations

from collections.abc import Callable

from .. import formats
from ..api import KnowledgeGraph
from ..backends.oxrdf import serialize_quads
from ..formats import Format
from ..terms import IRI, Value

__all__ = ["DUMPS", "Quad", "description", "dump_links", "serialize_description"]

#: The dumps: format name → title (the same list as the ``void`` query's).
DUMPS = {"trig": "TriG, with the named graphs", "nq": "N-Quads, with the named graphs",
         "jsonld": "JSON-LD, with the named graphs", "ttl": "Turtle, the union of the graphs",
         "nt": "N-Triples, the union of the graphs", "rdfxml": "RDF/XML, the union of the graphs"}
#: A triple and the named graph that states it (None: the default graph).
Quad = tuple[Value, Value, Value, str | None]


def description(kg: KnowledgeGraph, iri: str) -> list[Quad]:
    """The quads of a resource's description (the ``resource-quads`` query); empty when the dataset does not
    mention ``iri``."""
    rows = kg.select("resource-quads", resource=IRI(iri))
    quads: list[Quad] = []
    for subject, predicate, value, graph, _ in rows:
        assert subject is not None and predicate is not None and value is not None, "a triple is always bound"
        quads.append((subject, predicate, value, None if graph is None else str(graph)))
    return quads


def serialize_description(quads: list[Quad], fmt: Format) -> bytes:
    """A description in an RDF format: TriG and N-Quads with its named graphs, any other format their union."""
    if fmt.name in ("trig", "nq"):
        return serialize_quads(quads, fmt.name)
    return serialize_quads(((s, p, o, None) for s, p, o, _ in quads), fmt.name)


def dump_links(href: Callable[[str], str]) -> list[tuple[str, str, str, str]]:
    """(file name, title, media type, link) of each dump; ``href(file name)`` makes the link."""
    rows = []
    for name, title in DUMPS.items():
        fmt = formats.by_name(name)
        rows.append((f"kzgraph{fmt.extension}", title, fmt.media_type, href(f"kzgraph{fmt.extension}")))
    return rows
