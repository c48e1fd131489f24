"""Reconciliation: find Wikidata items for the entities no link ties to one, score them, keep accepted links apart.

Names are looked up exactly (Wikidata's label index is exact), so each name is sent with its usual
alternative spellings (``names.variants``) and in the scripts our data has (Kazakh, Russian). Candidates are
scored on the name match and on type: an athlete must be a human, and scores more when Wikidata says they
represent Kazakhstan and share our sport; a sport must be something used as a sport; the Games must be
Paralympic and never the 2024 Olympics. Accepted links (the single best candidate at or above the threshold,
or confirmed by a person in the review file) go to one named graph each, with score, method and date.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from ..names import fold, key, similarity, variants
from ..namespaces import BASE, GRAPH, KZ, PROV, PROVENANCE_GRAPH, RDF, SKOS, WD, XSD
from ..terms import IRI, LangString, TypedLiteral, Value, to_ntriples
from .endpoint import Endpoint

__all__ = [
    "CONFIRMED",
    "LINKS_FILE",
    "THRESHOLD",
    "Candidate",
    "Entity",
    "accept",
    "links_trig",
    "read_review",
    "reconcile",
    "unlinked",
    "write_review",
]

THRESHOLD = 0.8
#: The file in ``data/`` that holds the accepted links (what ``links_trig`` writes).
LINKS_FILE = "wikidata-links.trig"
METHOD = "exact label lookup of names and spelling variants, scored on name and type (kzgraph wikidata reconcile)"
#: How ``links_trig`` ends the method of a link a person accepted in the review file (``--accept``).
CONFIRMED = "confirmed by a person in the review file"
OLYMPICS_2024 = WD["Q995653"]  # the Olympics, never the Paralympics (external fact w8)
REVIEW_COLUMNS = ["entity", "kind", "candidate", "label", "description", "score", "reason", "accept"]
_YES = ("yes", "y", "true", "1")
_ENTITY = re.compile(re.escape(BASE) + r"[a-z][a-z-]*/[^\s<>\"{}|\\^`/]+")  # kind/slug: its link's graph name
_ITEM = re.compile(re.escape(WD) + r"Q[1-9][0-9]*")


@dataclass(frozen=True)
class Entity:
    """One of our resources without a Wikidata link, with every name it goes by and its sports."""

    resource: str
    kind: str
    names: tuple[Value, ...]
    sports: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A Wikidata item proposed for one of our entities."""

    resource: str
    kind: str
    item: str
    label: str
    description: str
    score: float
    reason: str


def unlinked(rows: Iterable[dict[str, Value | None]]) -> list[Entity]:
    """Entities from the rows of the ``wikidata-unlinked`` query."""
    names: dict[tuple[str, str], list[Value]] = defaultdict(list)
    sports: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        resource, kind, name, language = (str(row["resource"]), str(row["kind"]), str(row["name"]),
                                          str(row["language"] or ""))
        value: Value = LangString(name, language) if language else name
        if value not in names[(resource, kind)]:
            names[(resource, kind)].append(value)
        if row.get("sport"):
            sports[resource].add(str(row["sport"]))
    return [Entity(r, k, tuple(n), tuple(sorted(sports[r]))) for (r, k), n in names.items()]


def search_names(entity: Entity) -> set[LangString]:
    """What to look up: English spellings (variants, and hidden surname spellings swapped in) and other scripts."""
    latin = [str(n) for n in entity.names if not isinstance(n, LangString) or n.lang == "en"]
    found: set[LangString] = set()
    for name in latin:
        for spelled in variants(name) | _with_hidden_spellings(name, latin):
            found.add(LangString(spelled, "en"))
    found |= {n for n in entity.names if isinstance(n, LangString) and n.lang not in ("", "en")}
    return found


def _with_hidden_spellings(name: str, others: Sequence[str]) -> set[str]:
    """``Yergali Shamei`` with the one-word spelling ``Shamey`` swapped in for the word it spells."""
    words = name.split()
    found = set()
    for other in (o for o in others if " " not in o):
        for i, word in enumerate(words):
            if key(word) == key(other) and word != other:
                found.add(" ".join([*words[:i], other, *words[i + 1:]]))
    return found


def reconcile(entities: Sequence[Entity], endpoint: Endpoint, *, batch: int = 100) -> list[Candidate]:
    """Every candidate for every entity, best first per entity; names go to the endpoint in batches."""
    wanted: dict[LangString, list[Entity]] = defaultdict(list)
    for entity in entities:
        for name in search_names(entity):
            wanted[name].append(entity)
    hits: dict[tuple[str, str], _Hit] = {}
    for row in endpoint.candidates(sorted(wanted, key=lambda n: (n.lang, str(n))), batch=batch):
        found = row["name"]
        if not isinstance(found, LangString):
            continue
        for entity in wanted.get(found, ()):
            info = hits.setdefault((entity.resource, str(row["item"])), _Hit(
                entity, str(row.get("label") or ""), str(row.get("description") or ""), bool(row.get("human")),
                bool(row.get("kazakhstan")), bool(row.get("is_sport"))))
            info.names.add(found)
            if row.get("item_sport"):
                info.sports.add(str(row["item_sport"]))
    candidates = [_scored(item, info) for (_, item), info in hits.items()]
    return sorted(candidates, key=lambda c: (c.resource, -c.score, c.item))


@dataclass(frozen=True)
class _Hit:
    """A Wikidata item found for one entity: what the endpoint said of it, and the names that found it."""

    entity: Entity
    label: str
    description: str
    human: bool
    kazakhstan: bool
    is_sport: bool
    names: set[LangString] = field(default_factory=set)
    sports: set[str] = field(default_factory=set)


def _scored(item: str, info: _Hit) -> Candidate:
    entity, matched = info.entity, info.names
    own = {str(n) for n in entity.names}
    exact = any(str(n) in own for n in matched)
    name_score = 1.0 if exact else 0.9
    reasons = [f"name {'exact' if exact else 'variant'}: " + ", ".join(sorted(f"{n}@{n.lang}" for n in matched))]
    score = _type_score(entity, item, info, name_score, reasons)
    return Candidate(entity.resource, entity.kind, item, info.label, info.description,
                     round(score, 2), "; ".join(reasons))


def _type_score(entity: Entity, item: str, info: _Hit, name: float, reasons: list[str]) -> float:
    if entity.kind == "athlete":
        if not info.human:
            reasons.append("not a human (Q5)")
            return 0.0
        score = 0.5 * name
        if info.kazakhstan:
            score += 0.3
            reasons.append("represents or is a citizen of Kazakhstan")
        shared = [s for s in info.sports for ours in entity.sports if similarity(s, ours) >= 0.8]
        if shared:
            score += 0.2
            reasons.append(f"same sport: {shared[0]}")
        return score
    if entity.kind == "sport":
        reasons.append("used as a sport" if info.is_sport else "nothing has it as its sport")
        return 0.6 * name + (0.4 if info.is_sport else 0.0)
    if entity.kind == "games":
        if item == OLYMPICS_2024:
            reasons.append("the 2024 Olympics, not the Paralympics")
            return 0.0
        paralympic = "paralympic" in fold(f"{info.label} {info.description}")
        reasons.append("Paralympic" if paralympic else "not said to be Paralympic")
        return 0.7 * name + (0.3 if paralympic else 0.0)
    reasons.append("name only")
    return 0.8 * name


def accept(candidates: Iterable[Candidate], threshold: float = THRESHOLD) -> list[Candidate]:
    """Per entity, the best candidate if it reaches the threshold and no other candidate ties with it."""
    best: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        best[candidate.resource].append(candidate)
    accepted = []
    for ranked in best.values():
        ranked.sort(key=lambda c: -c.score)
        top = ranked[0]
        if top.score >= threshold and (len(ranked) == 1 or ranked[1].score < top.score):
            accepted.append(top)
    return sorted(accepted, key=lambda c: c.resource)


def write_review(candidates: Iterable[Candidate], accepted: Iterable[Candidate], path: Path) -> None:
    """The review file: one row per candidate; ``accept`` is ``yes`` for the accepted ones, to edit by hand."""
    chosen = {(c.resource, c.item) for c in accepted}
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(REVIEW_COLUMNS)
        for c in candidates:
            writer.writerow([c.resource, c.kind, c.item, c.label, c.description, f"{c.score:.2f}", c.reason,
                             "yes" if (c.resource, c.item) in chosen else ""])


def read_review(path: Path) -> list[Candidate]:
    """The candidates a person marked ``yes`` (or ``y``, ``true``, ``1``) in a review file.

    DataError (the CLI's exit 2) for a file that cannot be read, that lacks a column of the review file
    (naming the columns it has), or whose accepted row is not a link from one of our entities to an item.
    """
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            found = [c for c in reader.fieldnames or [] if c]
            missing = [c for c in REVIEW_COLUMNS if c not in found]
            if missing:
                raise DataError(f"{path}: no {', '.join(repr(c) for c in missing)} column"
                                f"{'s' if len(missing) > 1 else ''} (found: {', '.join(found) or 'none'}); "
                                f"a review file has the columns {', '.join(REVIEW_COLUMNS)}, as "
                                "`kzgraph wikidata reconcile --review FILE` writes it")
            rows = []
            for row in reader:
                if (row["accept"] or "").strip().lower() in _YES:
                    rows.append(_reviewed(row, f"{path}:{reader.line_num}"))
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text") from exc
    except csv.Error as exc:
        raise DataError(f"{path}: not a CSV file: {exc}") from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return rows


def _reviewed(row: dict[str, str | None], where: str) -> Candidate:
    value = {c: (row[c] or "").strip() for c in REVIEW_COLUMNS}
    if not _ENTITY.fullmatch(value["entity"]):
        raise DataError(f"{where}: entity {value['entity']!r} is not one of ours ({BASE}<kind>/<slug>)")
    if not _ITEM.fullmatch(value["candidate"]):
        raise DataError(f"{where}: candidate {value['candidate']!r} is not a Wikidata item ({WD}Q…)")
    try:
        score = float(value["score"])
    except ValueError:
        raise DataError(f"{where}: score {value['score']!r} is not a number") from None
    return Candidate(value["entity"], value["kind"], value["candidate"], value["label"], value["description"],
                     score, value["reason"])


def links_trig(accepted: Iterable[Candidate], endpoint: str, when: datetime.datetime, *,
               confirmed: bool = False) -> str:
    """TriG: one named graph per accepted link, and its provenance (score, method, endpoint, time)."""
    method = METHOD + (f"; {CONFIRMED}" if confirmed else f"; score ≥ {THRESHOLD}")
    parts = ["# Links to Wikidata items found by `kzgraph wikidata reconcile` and accepted; apart from stated links.\n"]
    provenance = []
    for c in accepted:
        graph = IRI(GRAPH[f"reconciled/{c.resource.rsplit('/', 2)[-2]}/{c.resource.rsplit('/', 1)[-1]}"])
        parts.append(f"{to_ntriples(graph)} {{ {_triple(IRI(c.resource), IRI(SKOS['exactMatch']), IRI(c.item))} }}\n")
        provenance += [
            _triple(graph, IRI(RDF["type"]), IRI(KZ["ReconciledLinkGraph"])),
            _triple(graph, IRI(KZ["score"]), TypedLiteral(f"{c.score:.2f}", XSD["decimal"])),
            _triple(graph, IRI(KZ["method"]), method),
            _triple(graph, IRI(PROV["wasDerivedFrom"]), IRI(endpoint)),
            _triple(graph, IRI(PROV["generatedAtTime"]), when),
        ]
    if provenance:
        parts.append(f"{to_ntriples(IRI(PROVENANCE_GRAPH))} {{\n  " + "\n  ".join(provenance) + "\n}\n")
    return "".join(parts)


def _triple(s: Value, p: Value, o: Value) -> str:
    return f"{to_ntriples(s)} {to_ntriples(p)} {to_ntriples(o)} ."
