"""Publishing the graph as linked data: ``kzgraph serve`` (an ASGI app) and ``kzgraph publish`` (a static site).

::

    links.py        canonical IRIs ↔ local paths, links for the server and for the static site
    negotiation.py  Accept header → a format of kzgraph.formats (406 when none fits)
    guard.py        the SERVICE/LOAD allowlist (targets found by kzgraph.sparqltext)
    executor.py     queries on a bounded pool of worker threads with a deadline (504), a backlog (503)
    answers.py      answers kept while the data does not change
    problems.py     kzgraph errors → HTTP status and a readable body
    model.py        what a resource page shows: facts in and out, their sources, chains of medals
    ontology.py     the ontology's documentation page
    render.py       Jinja templates, shared by the server and the static site
    svg.py          the medal table, the timeline and the athlete → medal → event → venue chain
    settings.py     how ``kzgraph serve`` runs, and its defaults (no web framework: the CLI reads them)
    context.py      shared state, negotiation with ?format=, body limits, errors as answers
    reconciler.py   ranked candidates for W3C reconciliation queries, from the search index
    reconciliation.py  the W3C Entity Reconciliation service at /reconcile
    sparql.py       the SPARQL 1.1 Protocol at /sparql, named queries at /queries/NAME
    graphstore.py   the SPARQL 1.1 Graph Store HTTP Protocol at /store (GET, PUT, POST, DELETE of a graph)
    pages.py        home, resource pages, ontology, search, VoID/DCAT, dumps
    openapi.py      the OpenAPI 3.1 description (/openapi.json) from the named queries' headers
    app.py          the Starlette app: routes, limits, CORS, headers; ``serve()``
    publish.py      the static site

Only ``app``, ``context``, ``sparql``, ``graphstore``, ``reconciliation`` and ``pages`` import Starlette; ``publish``
needs Jinja2 only. The CLI imports this package lazily, so ``kzgraph query`` never loads a web framework.
"""
