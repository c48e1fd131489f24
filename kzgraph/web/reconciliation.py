"""A W3C Entity Reconciliation service over kzgraph's own entities, for OpenRefine and similar tools.

``/reconcile`` answers the service manifest, batches of queries (``queries=`` JSON, by GET or form
POST) with ranked candidates from the same name index as ``/search`` (case, accents, scripts and
transliteration variants ignored), and data extension requests (``extend=`` JSON, by GET or form POST:
values of the service's properties for reconciled ids); ``/reconcile/suggest/entity`` completes names as
they are typed, ``/reconcile/suggest/property`` property names; ``/reconcile/properties?type=`` proposes
the properties of a class; ``/reconcile/preview?id=IRI`` shows a small card of the entity. Types are the
ontology's classes.
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
from .reconciler import MATCH_SCORE, PROPERTY_SETTINGS, Reconciler, extend, whole_number

__all__ = ["MATCH_SCORE", "Reconciler", "preview", "properties", "reconcile", "suggest", "suggest_property"]

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
        "suggest": {"entity": {"service_url": base, "service_path": "/suggest/entity"},
                    "property": {"service_url": base, "service_path": "/suggest/property"}},
        "extend": {"propose_properties": {"service_url": base, "service_path": "/properties"},
                   "property_settings": PROPERTY_SETTINGS},
    }


async def _fields(request: Request, server: State) -> dict[str, list[str]]:
    if request.method == "POST":
        return form_fields(await read_body(request, server.settings.max_body))
    return {name: request.query_params.getlist(name) for name in request.query_params}


def _json(text: str, name: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise HttpError(400, f"'{name}' is not JSON: {exc.msg} at character {exc.pos}") from None
    except RecursionError:  # arrays or objects nested thousands deep
        raise HttpError(400, f"'{name}' nests arrays or objects too deeply") from None


async def reconcile(request: Request) -> Response:
    """``/reconcile``: the manifest, the candidates for a batch of ``queries``, or the values that ``extend``
    asks for."""
    server = state(request)
    fields = await _fields(request, server)
    text, extension = one_value(fields.get("queries", []), "queries"), one_value(fields.get("extend", []), "extend")
    if text is not None and extension is not None:
        raise HttpError(400, "give either 'queries' (to reconcile) or 'extend' (to fetch values), not both")
    if extension is not None:
        wanted = _json(extension, "extend")
        return JSONResponse(await server.pages.run(
            lambda: extend(server.kg, server.properties.get(), wanted)))
    if text is None:
        types = await server.pages.run(lambda: server.reconciler(lambda service: service.types))
        return JSONResponse(_manifest(request, types))
    batch = _json(text, "queries")
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


def _whole(request: Request, name: str, *, least: int) -> int | None:
    text = one_value(request.query_params.getlist(name), name)
    if text is None or text.strip() == "":
        return None
    number = whole_number(text)
    if number is None or number < least:
        raise HttpError(400, f"'{name}' must be a whole number, {least} or more, not {text!r}")
    return number


async def properties(request: Request) -> Response:
    """``/reconcile/properties?type=IRI[&limit=N]``: the properties to propose for entities of a class (every
    property without ``type``)."""
    server = state(request)
    type_id = (one_value(request.query_params.getlist("type"), "type") or "").strip() or None
    limit = _whole(request, "limit", least=1)

    def work() -> list[dict[str, str]]:
        types = server.reconciler(lambda service: service.types)
        if type_id is not None and type_id not in types:
            raise HttpError(400, f"unknown type {type_id!r}; known: {', '.join(types)}")
        return server.properties.get().proposed(type_id, limit)

    answer: dict[str, Any] = {"properties": await server.pages.run(work)}
    if type_id is not None:
        answer["type"] = type_id
    if limit is not None:
        answer["limit"] = limit
    return JSONResponse(answer)


async def suggest_property(request: Request) -> Response:
    """``/reconcile/suggest/property?prefix=TEXT[&cursor=N]``: properties whose names start like ``prefix``."""
    server = state(request)
    prefix = one_value(request.query_params.getlist("prefix"), "prefix") or ""
    cursor = _whole(request, "cursor", least=0) or 0

    def work() -> list[dict[str, str]]:
        types = server.reconciler(lambda service: service.types)
        return server.properties.get().suggest(prefix, cursor=cursor, types=types)

    return JSONResponse({"result": await server.pages.run(work)})


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
