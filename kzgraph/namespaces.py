"""The IRIs kzgraph mints and the vocabularies it reuses: the only place prefixes live in Python.

>>> KZ["Medal"]
'https://w3id.org/kzgraph/ontology#Medal'
>>> resource("athlete", "david-degtyarev")
'https://w3id.org/kzgraph/athlete/david-degtyarev'
"""

from __future__ import annotations

BASE = "https://w3id.org/kzgraph/"


class Namespace(str):
    """An IRI prefix; ``NS["term"]`` gives the full IRI as a plain string."""

    __slots__ = ()

    def __getitem__(self, local: str) -> str:  # type: ignore[override]  # by local name, not position, as rdflib's
        return f"{self}{local}"


KZ = Namespace(f"{BASE}ontology#")
GRAPH = Namespace(f"{BASE}graph/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("http://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
#: The Semantic Mapping Vocabulary: an SSSOM mapping's justification (``kzgraph mappings``).
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
#: kzgraph's own SPARQL functions (``kzgraph.search.functions``), which only the embedded engine runs; not in
#: ``PREFIXES``: a query declares ``PREFIX kzf: <https://w3id.org/kzgraph/function#>``, so it says what it needs.
KZF = Namespace(f"{BASE}function#")
#: ``kzf:matches(?resource, "text")``: true when the resource has a name that the search index finds for the text.
MATCHES = KZF["matches"]
#: ``kzf:score(?resource, "text")``: how well (0 to 1) it matches; unbound when it does not.
SCORE = KZF["score"]

#: Prefixes offered to every query and used when serialising.
PREFIXES: dict[str, str] = {
    "kz": KZ,
    "kzg": GRAPH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
    "sd": SD,
    "wd": WD,
    "wdt": WDT,
}

#: Graph that holds the ontology; statements about other graphs live in ``PROVENANCE_GRAPH``.
ONTOLOGY_GRAPH = GRAPH["ontology"]
PROVENANCE_GRAPH = GRAPH["provenance"]


def resource(kind: str, slug: str) -> str:
    """The IRI of a resource of the dataset, e.g. ``athlete/david-degtyarev``."""
    return f"{BASE}{kind}/{slug}"
