"""The data model picture: a Mermaid class diagram generated from the ontology.

Classes carry their datatype properties; object properties are arrows from domain to range.
The README embeds the output of ``kzgraph diagram`` (a test keeps the two the same).
"""

from __future__ import annotations

from collections import defaultdict

from .api import KnowledgeGraph

__all__ = ["mermaid"]


def mermaid(kg: KnowledgeGraph) -> str:
    """The ontology as a Mermaid ``classDiagram``, from the ``ontology-relations`` query."""
    attributes: dict[str, list[str]] = defaultdict(list)
    arrows: list[str] = []
    relations = kg.select("ontology-relations")
    for domain, prop, range_, kind in relations:
        if kind == "datatype":
            attributes[str(domain)].append(f"{str(range_).split(':')[-1]} {prop}")
        else:
            arrows.append(f"    {domain} --> {range_} : {prop}")
    lines = ["classDiagram", "    direction LR"]
    for cls in sorted(attributes):
        lines += [f"    class {cls} {{", *(f"        {a}" for a in attributes[cls]), "    }"]
    return "\n".join(lines + arrows) + "\n"
