"""The mappings to Wikidata as an SSSOM mapping set (https://mapping-commons.github.io/sssom/): ``kzgraph mappings``.

Three kinds of mapping, read by the named query ``mappings``: the ontology's alignments of its terms to Wikidata
properties (the SKOS match it states, the scope note saying why), the links to Wikidata items that external facts
state (the fact, its status and source), and the links ``kzgraph wikidata reconcile`` found and accepted (score,
method, date and endpoint). Curated alignments and stated links are justified by manual curation; a reconciled
link by composite matching (a lookup of its names, scored on name and type), or by a review when a person
accepted it from the review file. Identifiers are CURIEs, with one prefix per kind of resource:

>>> curie("https://w3id.org/kzgraph/country/kazakhstan", {"country": "https://w3id.org/kzgraph/country/"})
'country:kazakhstan'
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Mapping as MappingOf
from dataclasses import dataclass
from decimal import Decimal

from .api import KnowledgeGraph
from .errors import DataError
from .namespaces import BASE, KZ, OWL, SEMAPV, SKOS, WD, WDT
from .queries import internal_query
from .terms import Value
from .wikidata.reconcile import CONFIRMED

__all__ = ["COLUMNS", "MAPPING_SET_ID", "Mapping", "MappingSet", "curie", "mapping_set", "version"]

#: The mapping set's identifier, under the project's base.
MAPPING_SET_ID = f"{BASE}mappings/kzgraph.sssom.tsv"
#: The columns of the TSV, in the order of the SSSOM schema's slots.
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "subject_type", "mapping_provider", "mapping_tool", "mapping_date", "confidence", "see_also", "comment")
#: Prefixes every mapping set declares; a prefix per kind of resource (``country:``) is added as used.
PREFIXES = {"kz": KZ, "semapv": SEMAPV, "skos": SKOS, "wd": WD, "wdt": WDT}
TITLE = "kzgraph: Wikidata alignments of the ontology and Wikidata links of the data"
DESCRIPTION = ("The kzgraph ontology's alignments of its terms to Wikidata properties (SKOS matches, each with the "
               "scope note saying why), the links of resources to Wikidata items that the project's checked external "
               "facts state, and the links that `kzgraph wikidata reconcile` found and accepted, with their score.")
RECONCILE_TOOL = "kzgraph wikidata reconcile"
#: SSSOM's entity types for the OWL types of the ontology's terms.
SUBJECT_TYPES = {OWL["Class"]: "owl class", OWL["ObjectProperty"]: "owl object property",
                 OWL["DatatypeProperty"]: "owl data property", OWL["AnnotationProperty"]: "owl annotation property"}
_RESOURCE = re.compile(re.escape(BASE) + r"([a-z][a-z-]*)/([^/]+)")  # kind/slug


@dataclass(frozen=True)
class Mapping:
    """One row of the mapping set: SSSOM's slot names; identifiers are CURIEs, absent values empty strings."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    subject_type: str = ""
    mapping_provider: str = ""
    mapping_tool: str = ""
    mapping_date: str = ""
    confidence: str = ""
    see_also: str = ""
    comment: str = ""


@dataclass(frozen=True)
class MappingSet:
    """The mapping set: its metadata (the YAML block of the TSV), prefixes and mappings."""

    metadata: dict[str, str | list[str]]
    curie_map: dict[str, str]
    mappings: tuple[Mapping, ...]

    def to_tsv(self) -> str:
        """SSSOM TSV: the metadata as YAML in ``#`` lines, then a header row and one row per mapping."""
        lines = ["curie_map:", *(f"  {prefix}: {_yaml(iri)}" for prefix, iri in self.curie_map.items())]
        for key, value in self.metadata.items():
            if isinstance(value, str):
                lines.append(f"{key}: {_yaml(value)}")
            else:  # a multivalued slot
                lines += [f"{key}:", *(f"  - {_yaml(v)}" for v in value)]
        out = io.StringIO()
        out.write("".join(f"# {line}\n" for line in lines))
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for mapping in self.mappings:
            writer.writerow([_cell(getattr(mapping, column)) for column in COLUMNS])
        return out.getvalue()


def mapping_set(kg: KnowledgeGraph, *, reconciled: bool = True) -> MappingSet:
    """The mappings of ``kg`` (with the accepted reconciled links it holds, unless ``reconciled`` is false).

    DataError when a mapped resource has no CURIE prefix (it is not under https://w3id.org/kzgraph/).
    """
    header = kg.select(internal_query("mapping-set")).to_dicts()
    about = header[0] if header else {}
    prefixes: dict[str, str] = dict(PREFIXES)
    mappings = []
    for row in kg.select("mappings").to_dicts():
        if row["kind"] == "reconciled" and not reconciled:
            continue
        mappings.append(_mapping(row, about.get("ontology"), prefixes))
    curie_map = dict(sorted(prefixes.items()))
    metadata: dict[str, str | list[str]] = {"mapping_set_id": MAPPING_SET_ID, "mapping_set_title": TITLE,
                                            "mapping_set_description": DESCRIPTION,
                                            "mapping_set_version": version(about.get("version"), curie_map,
                                                                           mappings)}
    if about.get("license"):
        metadata["license"] = str(about["license"])
    if about.get("creator"):
        metadata["creator_label"] = [str(about["creator"])]
    return MappingSet(metadata, curie_map, tuple(mappings))


def version(ontology_version: Value | None, curie_map: MappingOf[str, str], mappings: list[Mapping]) -> str:
    """The mapping set's version: the ontology's, then ``+`` and the first 12 hex digits of the SHA-256 of the
    prefixes and rows (SemVer build metadata), so that data giving other mappings never shares a version.

    >>> from dataclasses import replace
    >>> row = Mapping("country:kazakhstan", "Kazakhstan", "skos:exactMatch", "wd:Q232", "",
    ...               "semapv:ManualMappingCuration")
    >>> version("0.2.0", {"wd": WD}, [row])
    '0.2.0+0024736fa658'
    >>> version("0.2.0", {"wd": WD}, [replace(row, object_id="wd:Q90")])
    '0.2.0+2d840c188575'
    """
    from hashlib import sha256  # only when a mapping set is made: not on the start-up path

    digest = sha256()
    for prefix, iri in curie_map.items():
        digest.update(f"{prefix}\t{iri}\n".encode())
    for mapping in mappings:
        digest.update(("\t".join(_cell(getattr(mapping, column)) for column in COLUMNS) + "\n").encode())
    return f"{_text(ontology_version) or '0'}+{digest.hexdigest()[:12]}"


def _mapping(row: MappingOf[str, Value | None], ontology: Value | None, prefixes: dict[str, str]) -> Mapping:
    kind, note = row["kind"], _text(row["note"])
    subject = str(row["subject"])
    found = _RESOURCE.fullmatch(subject)
    if found and not any(subject.startswith(namespace) for namespace in prefixes.values()):
        prefixes.setdefault(found[1], f"{BASE}{found[1]}/")  # a prefix per kind of resource: country:kazakhstan
    ids = {"subject_id": curie(subject, prefixes),
           "subject_label": _text(row["subject_label"]),
           "predicate_id": curie(str(row["predicate"]), prefixes),
           "object_id": curie(str(row["object"]), prefixes),
           "object_label": _text(row["object_label"])}
    if kind == "ontology":
        return Mapping(**ids, mapping_justification="semapv:ManualMappingCuration",
                       subject_type=SUBJECT_TYPES.get(str(row["subject_class"]), ""),
                       mapping_provider=_text(ontology), comment=note)
    if kind == "stated":
        cited = f"external fact {row['fact']} ({row['status']})"
        return Mapping(**ids, mapping_justification="semapv:ManualMappingCuration",
                       mapping_provider=_text(row["source"]), see_also=_text(row["graph"]),
                       comment=f"{cited}: {note}" if note else cited)
    method = _text(row["method"])
    reviewed = method.endswith(CONFIRMED)
    date = row["date"]
    return Mapping(**ids, mapping_justification="semapv:" + ("MappingReview" if reviewed else "CompositeMatching"),
                   mapping_provider=_text(row["source"]), mapping_tool=RECONCILE_TOOL,
                   mapping_date=date.date().isoformat() if isinstance(date, datetime.datetime) else _text(date),
                   confidence=_number(row["score"]), see_also=_text(row["graph"]), comment=method)


def curie(iri: str, prefixes: MappingOf[str, str]) -> str:
    """``iri`` as a CURIE of one of ``prefixes``; DataError when none is its namespace."""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    raise DataError(f"no CURIE prefix for <{iri}>: SSSOM names entities by CURIEs, and kzgraph mappings knows the "
                    f"prefixes {', '.join(sorted(prefixes))} and <{BASE}KIND/SLUG> for resources")


def _text(value: Value | None) -> str:
    return "" if value is None else str(value)


def _number(value: Value | None) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return _text(value)


def _cell(value: str) -> str:
    return " ".join(value.split()) if any(c in value for c in "\t\r\n") else value


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
