"""The ontology's documentation page, generated from its named graph: the ontology's metadata, then its
classes, properties and individuals, each with its facts and where it is used as a domain or range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..api import KnowledgeGraph
from ..namespaces import KZ, ONTOLOGY_GRAPH, OWL, RDF, RDFS
from ..results import display
from ..terms import IRI, BNode, Value
from .model import GraphFact

__all__ = ["OntologyPage", "Term", "ontology_page"]


@dataclass
class Term:
    """A term of the ontology with its facts (lists such as owl:unionOf read as ``A or B``)."""

    iri: str
    label: str
    comment: str | None
    kind: str
    facts: list[tuple[IRI, str | None, list[Value]]]

    @property
    def anchor(self) -> str:
        """The fragment of the term's hash IRI."""
        return self.iri.partition("#")[2]


@dataclass
class OntologyPage:
    """The ontology's documentation: its own metadata, then its terms by kind."""

    iri: str
    metadata: list[tuple[IRI, str | None, list[Value]]]
    sections: dict[str, list[Term]]


_KINDS = {IRI(OWL["Class"]): "Classes", IRI(OWL["ObjectProperty"]): "Object properties",
          IRI(OWL["DatatypeProperty"]): "Datatype properties", IRI(OWL["AnnotationProperty"]): "Annotation properties"}


def _read_list(node: Value, triples: dict[Value, dict[str, list[Value]]]) -> list[Value]:
    items: list[Value] = []
    while isinstance(node, BNode) and len(items) < 100:
        items += triples.get(node, {}).get(RDF["first"], [])
        node = (triples.get(node, {}).get(RDF["rest"]) or [RDF["nil"]])[0]
    return items


def _resolve(value: Value, triples: dict[Value, dict[str, list[Value]]]) -> list[Value]:
    if isinstance(value, BNode):
        for prop in (OWL["unionOf"], OWL["oneOf"]):
            if prop in triples.get(value, {}):
                return _read_list(triples[value][prop][0], triples)
    return [value]


def ontology_page(kg: KnowledgeGraph) -> OntologyPage:
    """The documentation of the ontology, generated from graph kzg:ontology."""
    triples: dict[Value, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[str, str] = {}
    rows = kg.select("graph-facts", graph=IRI(ONTOLOGY_GRAPH))
    for fact in (GraphFact.of(row) for row in rows.to_dicts()):
        triples[fact.subject][str(fact.property)].append(fact.value)
        if fact.property_label:
            labels[str(fact.property)] = fact.property_label
    ontology_iri = IRI(KZ.rstrip("#"))
    sections: dict[str, list[Term]] = {name: [] for name in (*_KINDS.values(), "Individuals")}
    used: dict[Value, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    for subject, props in triples.items():
        for link, name in ((RDFS["domain"], "domain of"), (RDFS["range"], "range of")):
            for value in props.get(link, []):
                for cls in _resolve(value, triples):
                    used[cls][name].append(subject)
    metadata: list[tuple[IRI, str | None, list[Value]]] = []
    for subject, props in triples.items():
        facts = [(IRI(p), labels.get(p), [x for v in values for x in _resolve(v, triples)])
                 for p, values in sorted(props.items()) if p not in (RDFS["label"], RDFS["comment"], RDF["type"])]
        if subject == ontology_iri:
            metadata = facts
            continue
        if isinstance(subject, BNode) or not str(subject).startswith(KZ):
            continue
        types = props.get(RDF["type"], [])
        kind = next((_KINDS[t] for t in types if isinstance(t, IRI) and t in _KINDS), "Individuals")
        label = str(next(iter(props.get(RDFS["label"], [])), display(IRI(str(subject)))))
        comment = next(iter(props.get(RDFS["comment"], [])), None)
        facts = [(IRI(RDF["type"]), "type", list(types))] + facts + [
            (IRI(RDFS[link.split()[0]]), link, sorted(props_, key=str)) for link, props_ in used[subject].items()]
        sections[kind].append(Term(str(subject), label, str(comment) if comment else None, kind, facts))
    for terms in sections.values():
        terms.sort(key=lambda t: t.anchor.casefold())
    return OntologyPage(ontology_iri, metadata, sections)
