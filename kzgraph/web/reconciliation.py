"""A W3C Entity Reconciliation service over kzgraph's own entities, for OpenRefine and similar tools.

``/reconcile`` answers the service manifest, and batches of queries (``queries=`` JSON, by GET or form
POST) with ranked candidates from the same name index as ``/search`` (case, accents, scripts and
transliteration variants ignored); ``/reconcile/suggest/entity`` completes names as they are typed;
``/reconcile/preview?id=IRI`` shows a small card of the entity. Types are the ontology's classes.
"""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..namespaces import BASE, KZ
from .context import State, form_fields, one_value, read_body, state
from .problems import HttpError
from .reconciler import MATCH_SCORE, Reconciler

__all__ = ["MATCH_SCORE", "Reconciler", "preview", "reconcile", "suggest"]

MAX_QUERIES = 50


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


async def _queries(request: Request, server: State) -> str | None:
    if request.method == "POST":
        return one_value(form_fields(await read_body(request, server.settings.max_body)).get("queries", []), "queries")
    return one_value(request.query_params.getlist("queries"), "queries")


async def reconcile(request: Request) -> Response:
    """``/reconcile``: the manifest, or the candidates for a batch of ``queries``."""
    server = state(request)
    text = await _queries(request, server)
    if text is None:
        types = await server.pages.run(lambda: server.reconciler(lambda service: service.types))
        return JSONResponse(_manifest(request, types))
    try:
        batch = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HttpError(400, f"'queries' is not JSON: {exc.msg} at character {exc.pos}") from None
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise HttpError(400, "'queries' must be a JSON object of query objects, e.g. {\"q0\": {\"query\": \"Shamey\"}}")
    if len(batch) > MAX_QUERIES:
        raise HttpError(413, f"at most {MAX_QUERIES} queries per request")
    return JSONResponse(await server.pages.run(lambda: server.reconciler(lambda service: service.candidates(batch))))


async def suggest(request: Request) -> Response:
    """``/reconcile/suggest/entity?prefix=TEXT``: entities whose names start like ``prefix``."""
    server = state(request)
    prefix = request.query_params.get("prefix", "").strip()
    hits = await server.pages.run(lambda: server.reconciler(lambda service: service.index.search(prefix, limit=10))) \
        if prefix else []
    return JSONResponse({"result": [{"id": h.resource, "name": h.label, "description": h.type or ""}
                                    for h in hits]})


async def preview(request: Request) -> Response:
    """``/reconcile/preview?id=IRI``: a small HTML card (name, class, link to the entity's page)."""
    server = state(request)
    iri = request.query_params.get("id", "")
    entity = await server.pages.run(lambda: server.reconciler(lambda service: service.index.entity(iri)))
    if entity is None:
        raise HttpError(404, f"the dataset has no entity <{iri}>")
    label, kind = entity[0], entity[1] or ""
    link = server.links.href(iri)  # None for an IRI that is not http(s): its name is shown as text
    name = f"<b>{html.escape(label)}</b>"
    return HTMLResponse(
        "<!doctype html><meta charset=utf-8><div style=\"font:14px sans-serif;padding:8px\">"
        + (f"<a href=\"{html.escape(link)}\" target=\"_blank\">{name}</a>" if link is not None else name) +
        f"<div>{html.escape(kind)}</div><code>{html.escape(iri)}</code></div>")
