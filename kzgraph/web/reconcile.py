"""A W3C Entity Reconciliation service over kzgraph's own entities, for OpenRefine and similar tools.

``/reconcile`` answers the service manifest, and batches of queries (``queries=`` JSON, by GET or form
POST) with ranked candidates from the same name index as ``/search`` (case, accents, scripts and
transliteration variants ignored); ``/reconcile/suggest/entity`` completes names as they are typed;
``/reconcile/preview?id=IRI`` shows a small card of the entity. Types are the ontology's classes.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..namespaces import BASE, KZ
from ..search import Hit, SearchIndex
from .http import State, form_fields, one_value, read_body, state
from .problems import HttpError

__all__ = ["MATCH_SCORE", "Reconciler", "preview", "reconcile", "suggest"]

MATCH_SCORE = 0.9  # a top candidate at or above this, clearly ahead of the next, is a match
MAX_QUERIES = 50
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


def _manifest(request: Request, types: dict[str, str]) -> dict[str, Any]:
    base = str(request.url_for("reconcile"))
    return {
        "versions": ["0.2"],
        "name": "kzgraph: Kazakhstan at the Paris 2024 Summer Paralympics",
        "identifierSpace": BASE,
        "schemaSpace": str(KZ),
        "defaultTypes": [{"id": type_id, "name": label} for type_id, label in types.items()],
        "view": {"url": "{{id}}"},
        "preview": {"url": f"{base}/preview?id={{{{id}}}}", "width": 420, "height": 140},
        "suggest": {"entity": {"service_url": base, "service_path": "/suggest/entity"}},
    }


def _candidates(index: SearchIndex, types: dict[str, str], query: dict[str, Any]) -> list[dict[str, Any]]:
    text = query.get("query")
    if not isinstance(text, str):
        raise HttpError(400, "each reconciliation query needs a 'query' string")
    limit = query.get("limit", 5)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise HttpError(400, f"'limit' must be a whole number from 1 to {MAX_LIMIT}")
    wanted = query.get("type")
    wanted_ids = [wanted] if isinstance(wanted, str) else wanted if isinstance(wanted, list) else []
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


async def _queries(request: Request, kz: State) -> str | None:
    if request.method == "POST":
        return one_value(form_fields(await read_body(request, kz.settings.max_body)).get("queries", []), "queries")
    return one_value(request.query_params.getlist("queries"), "queries")


async def reconcile(request: Request) -> Response:
    """``/reconcile``: the manifest, or the candidates for a batch of ``queries``."""
    kz = state(request)
    text = await _queries(request, kz)
    if text is None:
        types = await kz.pages.run(lambda: kz.reconciler(lambda service: service.types))
        return JSONResponse(_manifest(request, types))
    try:
        batch = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HttpError(400, f"'queries' is not JSON: {exc.msg} at character {exc.pos}") from None
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise HttpError(400, "'queries' must be a JSON object of query objects, e.g. {\"q0\": {\"query\": \"Shamey\"}}")
    if len(batch) > MAX_QUERIES:
        raise HttpError(413, f"at most {MAX_QUERIES} queries per request")
    return JSONResponse(await kz.pages.run(lambda: kz.reconciler(lambda service: service.candidates(batch))))


async def suggest(request: Request) -> Response:
    """``/reconcile/suggest/entity?prefix=TEXT``: entities whose names start like ``prefix``."""
    kz = state(request)
    prefix = request.query_params.get("prefix", "").strip()
    hits = await kz.pages.run(lambda: kz.reconciler(lambda service: service.index.search(prefix, limit=10))) \
        if prefix else []
    return JSONResponse({"result": [{"id": h.resource, "name": h.label, "description": h.type or ""}
                                    for h in hits]})


async def preview(request: Request) -> Response:
    """``/reconcile/preview?id=IRI``: a small HTML card (name, class, link to the entity's page)."""
    kz = state(request)
    iri = request.query_params.get("id", "")
    entity = await kz.pages.run(lambda: kz.reconciler(lambda service: service.index.entity(iri)))
    if entity is None:
        raise HttpError(404, f"the dataset has no entity <{iri}>")
    label, kind = entity[0], entity[1] or ""
    link = kz.links.href(iri)  # None for an IRI that is not http(s): its name is shown as text
    name = f"<b>{html.escape(label)}</b>"
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><div style=\"font:14px sans-serif;padding:8px\">"
        + (f"<a href=\"{html.escape(link)}\" target=\"_blank\">{name}</a>" if link is not None else name) +
        f"<div>{html.escape(kind)}</div><code>{html.escape(iri)}</code></div>")
