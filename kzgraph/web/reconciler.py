"""What the reconciliation service answers from: ranked candidates for a batch of W3C Entity Reconciliation
queries, from the search index of one state of the data (``Reconciler``), and data extension: the service's
properties for each class (``Properties``, from the named query ``reconcile-properties``) and their values
for reconciled entities (``extend``, from ``reconcile-extend``, one query per request, its entities in a
``VALUES`` block).
The routes are in ``kzgraph.web.reconciliation``; the server's state keeps one Reconciler until the data
changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ..binding import batch
from ..errors import QueryParameterError
from ..namespaces import BASE, KZ
from ..search import Hit, SearchIndex
from ..terms import IRI, BNode, Value
from .problems import HttpError

if TYPE_CHECKING:
    from ..api import KnowledgeGraph

__all__ = ["MATCH_SCORE", "MAX_IDS", "MAX_LIMIT", "MAX_PROPERTIES", "PROPERTY_SETTINGS", "Properties", "Property",
           "Reconciler", "extend", "whole_number"]

MATCH_SCORE = 0.9  # a top candidate at or above this, clearly ahead of the next, is a match
MAX_LIMIT = 50
_CLASSES = ("Athlete", "Medal", "Event", "Sport", "Venue", "Games", "Delegation", "Country", "City", "Record")


@dataclass(frozen=True)
class Reconciler:
    """What the service answers from: the search index of one state of the data, and the reconcilable
    classes it names (IRI → label). The server keeps one until an update (``State.reconciler``)."""

    index: SearchIndex
    types: dict[str, str]

    @classmethod
    def of(cls, index: SearchIndex) -> Reconciler:
        """The service over ``index``."""
        return cls(index, {KZ[name]: entity[0] for name in _CLASSES if (entity := index.entity(KZ[name])) is not None})

    def candidates(self, batch: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The answer to a batch of queries: ranked candidates for each."""
        return {key: {"result": _candidates(self.index, self.types, query)} for key, query in batch.items()}


def _candidates(index: SearchIndex, types: dict[str, str], query: dict[str, Any]) -> list[dict[str, Any]]:
    text = query.get("query")
    if not isinstance(text, str):
        raise HttpError(400, "each reconciliation query needs a 'query' string")
    limit = query.get("limit", 5)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"'limit' must be a whole number from 1 to {MAX_LIMIT}")
    wanted = query.get("type")
    wanted_ids = [wanted] if isinstance(wanted, str) else wanted if isinstance(wanted, list) else []
    if not all(isinstance(t, str) for t in wanted_ids):
        raise HttpError(400, "a query's 'type' must be a type id or a list of them (strings)")
    unknown = [t for t in wanted_ids if t not in types]
    if unknown:
        raise HttpError(400, f"unknown type {unknown[0]!r}; known: {', '.join(types)}")
    allowed = {types[t] for t in wanted_ids}
    hits = [h for h in index.search(text, limit=MAX_LIMIT) if not allowed or h.type in allowed][:limit]
    by_label = {label: type_id for type_id, label in types.items()}
    return [_candidate(h, by_label, i == 0 and _is_match(hits)) for i, h in enumerate(hits)]


def _is_match(hits: list[Hit]) -> bool:
    return bool(hits) and hits[0].score >= MATCH_SCORE and (len(hits) == 1 or hits[1].score < hits[0].score)


def _candidate(hit: Hit, by_label: dict[str, str], match: bool) -> dict[str, Any]:
    kinds = [{"id": by_label[hit.type], "name": hit.type}] if hit.type in by_label else []
    return {"id": hit.resource, "name": hit.label, "type": kinds, "score": round(100 * hit.score, 1),
            "match": match}


# --- data extension --------------------------------------------------------------------------------------

MAX_IDS = 50  # entities per extension request (OpenRefine sends its rows in small batches)
MAX_PROPERTIES = 20  # properties per extension request
MAX_SUGGESTIONS = 10  # properties per page of /reconcile/suggest/property
#: The settings a client may give each property of an extension request (the manifest's ``property_settings``).
PROPERTY_SETTINGS: list[dict[str, Any]] = [
    {"name": "limit", "label": "Limit", "type": "number", "default": 0,
     "help_text": "The most values to fetch for each entity (0: all of them)"},
]


class Property(NamedTuple):
    """A property of the service for one class: ``id`` (as in extension requests), ``name``, ``description``
    (what it holds for that class), ``range`` (a class for entity values, an XSD datatype for literals) and
    the range's name (None for a datatype)."""

    type: str
    id: str
    name: str
    description: str
    range: str
    range_name: str | None


@dataclass(frozen=True)
class Properties:
    """The service's properties, by class, in the order they are proposed (``reconcile-properties``)."""

    rows: tuple[Property, ...]

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> Properties:
        """The properties ``kg`` declares."""
        rows = kg.select("reconcile-properties").to_dicts()
        return cls(tuple(Property(str(r["type"]), str(r["property"]), str(r["name"]), str(r["description"]),
                                  str(r["range"]), None if r["range_name"] is None else str(r["range_name"]))
                         for r in rows))

    def unique(self) -> dict[str, Property]:
        """One row per property id (the first: a property has one name and range whatever the class)."""
        found: dict[str, Property] = {}
        for row in self.rows:
            found.setdefault(row.id, row)
        return found

    def proposed(self, type_id: str | None, limit: int | None = None) -> list[dict[str, str]]:
        """What to propose for entities of ``type_id`` (every property without one), as the spec's objects."""
        rows = [r for r in self.rows if r.type == type_id] if type_id else list(self.unique().values())
        return [{"id": r.id, "name": r.name, "description": r.description} for r in rows[:limit]]

    def suggest(self, prefix: str, *, cursor: int = 0, types: dict[str, str] | None = None) -> list[dict[str, str]]:
        """Properties whose id, or a word of whose name, starts like ``prefix`` (case aside), a page from
        ``cursor``; the description names the classes that have the property (``types``: IRI → name)."""
        wanted = prefix.strip().casefold()
        names = types or {}
        found = [p for p in self.unique().values()
                 if not wanted or p.id.startswith(wanted) or p.name.casefold().startswith(wanted)
                 or any(word.startswith(wanted) for word in p.name.casefold().split())]
        found.sort(key=lambda p: (not p.name.casefold().startswith(wanted), p.name.casefold()))
        return [{"id": p.id, "name": p.name,
                 "description": "of " + ", ".join(names.get(r.type, r.type) for r in self.rows if r.id == p.id)}
                for p in found[cursor:cursor + MAX_SUGGESTIONS]]


class _Wanted(NamedTuple):
    property: Property
    limit: int  # 0: all values


def extend(kg: KnowledgeGraph, properties: Properties, request: object) -> dict[str, Any]:
    """The data extension response for a request ``{"ids": [...], "properties": [{"id": ..., "settings":
    {...}}]}``: ``meta`` (each property's id, name and range) and ``rows`` (entity → property → values).
    A request that breaks the spec's schema, or names an unknown property or setting, is a 400; more than
    MAX_IDS ids or MAX_PROPERTIES properties a 413."""
    ids, wanted = _extension_request(properties, request)
    found: dict[str, dict[str, list[tuple[Value, Value | None]]]] = {entity: {w.property.id: [] for w in wanted}
                                                                     for entity in ids}
    if ids and wanted:  # one query for the batch: the entities in a VALUES block (never an empty one)
        try:
            query = batch(kg.catalogue.lookup("reconcile-extend"), "entity", [IRI(entity) for entity in ids])
        except QueryParameterError as exc:
            raise HttpError(400, f"one of 'ids' is not an id of this service: {exc}") from None
        for entity, prop, value, name in kg.select(query).rows:
            cell = found.get(str(entity), {}).get(str(prop))
            if cell is not None and value is not None and not isinstance(value, BNode):
                cell.append((value, name))
    rows = {entity: {w.property.id: [_value(value, name) for value, name in
                                     sorted(found[entity][w.property.id], key=_order)[:w.limit or None]]
                     for w in wanted}
            for entity in ids}
    meta = [{"id": w.property.id, "name": w.property.name}
            | ({"type": {"id": w.property.range, "name": w.property.range_name}}
               if w.property.range_name is not None and w.property.range.startswith(BASE) else {})
            for w in wanted]
    return {"meta": meta, "rows": rows}


_SHAPE = ('the extension request must be a JSON object such as {"ids": ["https://w3id.org/kzgraph/athlete/'
          'david-degtyarev"], "properties": [{"id": "sport"}]}')


def _extension_request(properties: Properties, request: object) -> tuple[list[str], list[_Wanted]]:
    if not isinstance(request, dict) or not isinstance(request.get("ids"), list) \
            or not isinstance(request.get("properties"), list):
        raise HttpError(400, _SHAPE)
    ids, wanted = request["ids"], request["properties"]
    if not all(isinstance(i, str) for i in ids):
        raise HttpError(400, "'ids' must be a list of entity ids (strings)")
    if len(ids) > MAX_IDS:
        raise HttpError(413, f"at most {MAX_IDS} ids per extension request, not {len(ids)}")
    if len(wanted) > MAX_PROPERTIES:
        raise HttpError(413, f"at most {MAX_PROPERTIES} properties per extension request, not {len(wanted)}")
    known = properties.unique()
    chosen: dict[str, _Wanted] = {}
    for item in wanted:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise HttpError(400, "each of 'properties' must be an object with an 'id' string, e.g. {\"id\": \"sport\"}")
        if item["id"] not in known:
            raise HttpError(400, f"unknown property {item['id']!r}; known: {', '.join(sorted(known))}")
        chosen.setdefault(item["id"], _Wanted(known[item["id"]], _limit(item.get("settings", {}))))
    for entity in ids:
        if not entity.startswith(BASE):
            raise HttpError(400, f"{entity!r} is not an id of this service (its ids are IRIs starting with {BASE})")
    return list(dict.fromkeys(ids)), list(chosen.values())


def _limit(settings: object) -> int:
    if not isinstance(settings, dict):
        raise HttpError(400, "a property's 'settings' must be an object, e.g. {\"limit\": 1}")
    unknown = sorted(set(settings) - {s["name"] for s in PROPERTY_SETTINGS})
    if unknown:
        raise HttpError(400, f"unknown setting {unknown[0]!r}; known: "
                             f"{', '.join(s['name'] for s in PROPERTY_SETTINGS)}")
    raw = settings.get("limit", 0)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip() if isinstance(raw, (int, str)) and not isinstance(raw, bool) else ""
    number = whole_number(text)
    if number is None:
        raise HttpError(400, f"the 'limit' setting must be a whole number, 0 or more (0: all values), not {raw!r}")
    return number


def whole_number(text: str) -> int | None:
    """``text`` as a whole number of at most nine ASCII digits (``int`` takes other digits, and refuses
    thousands of them with ValueError), else None."""
    text = text.strip()
    return int(text) if 0 < len(text) <= 9 and text.isascii() and text.isdigit() else None


def _order(found: tuple[Value, Value | None]) -> tuple[Any, ...]:
    """The order of a cell's values, as SPARQL's ``ORDER BY ?name ?value`` would give it: no name first, then by
    name; then IRIs before literals, numbers by value, dates by time, other literals by their text."""
    value, name = found
    if isinstance(value, IRI):
        key: tuple[Any, ...] = (0, 0, str(value))
    elif isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        key = (1, 0, value)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        key = (1, 1, value.isoformat())
    else:
        key = (1, 2, str(value))
    return (name is not None, "" if name is None else str(name), *key)


def _value(value: Value, name: Value | None) -> dict[str, Any]:
    """A value as the spec's cell object: an entity ``{id, name}``, or ``{str|int|float|date: …}``."""
    if isinstance(value, IRI):
        return {"id": str(value), "name": str(name) if name is not None else str(value)}
    if isinstance(value, bool):
        return {"str": "true" if value else "false"}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, (Decimal, float)):
        return {"float": float(value)}
    if isinstance(value, datetime.datetime):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": f"{value.isoformat()}T00:00:00Z"}  # the spec's dates are date-times
    return {"str": str(value)}
