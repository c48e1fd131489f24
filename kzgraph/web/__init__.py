"""Publishing the graph as linked data: ``kzgraph serve`` (an ASGI app) and ``kzgraph publish`` (a static site).

::

    links.py        canonical IRIs ↔ local paths, links for the server and for the static site
    negotiation.py  Accept header → a format of kzgraph.formats (406 when none fits)
    languages.py    Accept-Language / ?lang= → which label is a page's heading
    localnames.py   the linked resources' names in a page's language (one query a page), the pages' variants
    guard.py        the SERVICE/LOAD allowlist (targets found by kzgraph.sparqltext)
    executor.py     queries on a bounded pool of worker threads with a deadline (504), a backlog (503)
    answers.py      answers kept while the data does not change
    cachepolicy.py  Cache-Control policy, and the static site's _headers and .htaccess
    caching.py      ETag/Last-Modified, 304 before the work (an ASGI layer)
    problems.py     kzgraph errors → HTTP status and a readable body
    model.py        what a resource page shows: facts in and out, their sources and statuses, chains of medals
    documents.py    the RDF documents of every resource, in every format the dumps are offered in
    ontology.py     the ontology's documentation page
    render.py       Jinja templates, shared by the server and the static site
    svg.py          the medal table, the timeline and the athlete → medal → event → venue chain
    sizes.py        the dataset's sizes for /about, counted once on a thread of their own
    schemaorg.py    the schema.org Dataset JSON-LD of index.html and about.html
    sitemaps.py     sitemap.xml (an index) and robots.txt, for the server and the static site
    settings.py     how ``kzgraph serve`` runs, and its defaults (no web framework: the CLI reads them)
    context.py      shared state, negotiation with ?format=, body limits, errors as answers
    paging.py       pages of a named query's answer (?limit, ?offset, Link headers)
    streaming.py    downloads written by the engine on a thread of their own (dumps)
    resultstream.py query answers sent as the engine reads them (CSV, TSV, JSON, N-Triples)
    reconciler.py   ranked candidates for W3C reconciliation queries, from the search index
    reconciliation.py  the W3C Entity Reconciliation service at /reconcile (with data extension)
    sparql.py       the SPARQL 1.1 Protocol at /sparql, named queries at /queries/NAME
    graphstore.py   the SPARQL 1.1 Graph Store HTTP Protocol at /store (GET, PUT, POST, DELETE of a graph)
    crawl.py        /robots.txt and the sitemaps
    pages.py        home, resource pages, ontology, search, VoID/DCAT, dumps
    openapi.py      the OpenAPI 3.1 description (/openapi.json) from the named queries' headers
    openapi_paths.py   its error responses, page parameters, /store and crawler paths
    app.py          the Starlette app: routes, limits, CORS, headers; ``serve()``
    publish.py      the static site

The routes' modules import Starlette (app, caching, context, crawl, graphstore, openapi's endpoint, pages,
reconciliation, resultstream, sparql, streaming); ``publish`` needs Jinja2 only. The CLI imports this package
lazily, so ``kzgraph query`` never loads a web framework.
"""
