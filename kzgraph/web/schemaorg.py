"""The dataset as a schema.org ``Dataset`` in JSON-LD, for search engines (Google's Dataset Search).

``index.html`` and ``about.html``, served and published, embed it in a ``<script type="application/ld+json">``.
Every value comes from the data, through the ``dataset-description`` query: the VoID and DCAT description of
the ``void`` query without its sizes (title, description, licence, dumps, endpoint), the keywords, the Games'
dates, the host city and its Wikidata match, the ontology's version and creator, the seed article named by
the provenance graph (its title and file name, never its text) and the data's last change. This module only
maps those DCAT terms onto schema.org's and the canonical IRIs onto the site's URLs (``Site``).

>>> site = Site("http://127.0.0.1:8000/")
>>> site.url("https://w3id.org/kzgraph/dumps/kzgraph.ttl")
'http://127.0.0.1:8000/dumps/kzgraph.ttl'
>>> site.url("http://www.wikidata.org/entity/Q90")
'http://www.wikidata.org/entity/Q90'
>>> w3c_datetime("2026-11-24"), w3c_datetime("2026-11-24T10:00:00"), w3c_datetime("yesterday")
('2026-11-24', '2026-11-24', None)
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from markupsafe import Markup

from .. import formats
from ..api import KnowledgeGraph
from ..errors import UsageError
from ..namespaces import BASE
from ..terms import IRI, Value

__all__ = ["DATASET", "Description", "Site", "dataset", "describe", "embedded", "script", "w3c_datetime"]

#: The dataset's IRI in the VoID description (the ``void`` and ``dataset-description`` queries).
DATASET = f"{BASE}.well-known/void#dataset"
_DCT = "http://purl.org/dc/terms/"
_DCAT = "http://www.w3.org/ns/dcat#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
_SPARQL_ENDPOINT = "http://rdfs.org/ns/void#sparqlEndpoint"
_AGENTS = {f"{_FOAF}Organization": "Organization", f"{_FOAF}Person": "Person"}
#: What the SPARQL endpoint answers a SELECT in (the result formats of ``/sparql``, see ``context``).
_RESULTS = ("json", "xml", "csv", "tsv")
_W3C_DATETIME = (r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?")


class Site:
    """Where a site is: ``base`` (an absolute http(s) URL ending in ``/``) stands for the namespace, so
    canonical IRIs of the namespace become URLs under it (others stay as they are)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise UsageError(f"the site's base URL must be an absolute http(s) URL, not {base!r}")
        self.base = base if base.endswith("/") else base + "/"

    def url(self, iri: str) -> str:
        """The site's URL for an IRI of the namespace; any other IRI as it is."""
        return self.base + iri[len(BASE):] if iri.startswith(BASE) else iri

    def page(self, path: str) -> str:
        """The absolute URL of a path of the site (``about.html``, ``athlete/x.html``)."""
        return self.base + path.lstrip("/")


def w3c_datetime(text: str) -> str | None:
    """``text`` when it is a W3C date-time (what sitemaps and schema.org take: ``2026``, ``2026-11``,
    ``2026-11-24``, a time with its zone); a time without a zone gives its date; anything else None."""
    if re.fullmatch(_W3C_DATETIME, text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+", text):
        return text[:10]
    return None


class Description:
    """The triples of the ``dataset-description`` query, by subject and predicate."""

    def __init__(self, triples: Iterable[tuple[Value, Value, Value]]) -> None:
        self._facts: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
        for subject, predicate, value in triples:
            values = self._facts[str(subject)][str(predicate)]
            if value not in values:
                values.append(value)

    def values(self, subject: str, predicate: str) -> list[Value]:
        """The values of ``predicate`` for ``subject``, in the order the engine gave them."""
        return list(self._facts.get(subject, {}).get(predicate, []))

    def text(self, subject: str, predicate: str) -> str | None:
        """One value as text (the first), or None."""
        found = self.values(subject, predicate)
        if not found:
            return None
        value = found[0]
        return value.isoformat() if isinstance(value, datetime.date) else str(value)

    def texts(self, subject: str, predicate: str) -> list[str]:
        """Every value as text, sorted."""
        return sorted(str(value) for value in self.values(subject, predicate))

    def modified(self) -> str | None:
        """The data's last change as a W3C date-time, or None when the data record no date."""
        found = self.text(DATASET, f"{_DCT}modified")
        return w3c_datetime(found) if found is not None else None


def describe(kg: KnowledgeGraph, *, endpoint: str | None = None) -> Description:
    """The ``dataset-description`` query's answer (with the SPARQL endpoint's canonical IRI when one serves)."""
    params = {"endpoint": IRI(endpoint)} if endpoint is not None else {}
    return Description(kg.construct("dataset-description", **params))


def _agent(facts: Description, iri: str) -> dict[str, object]:
    kind = next((_AGENTS[str(t)] for t in facts.values(iri, _RDF_TYPE) if str(t) in _AGENTS), "Organization")
    return {"@type": kind, "name": facts.text(iri, f"{_FOAF}name")}


def _article(facts: Description, iri: str) -> dict[str, object]:
    article: dict[str, object] = {"@type": "NewsArticle", "@id": iri}
    title = facts.text(iri, f"{_DCT}title")
    if title is not None:
        article["name"] = article["headline"] = title
    article["identifier"] = facts.text(iri, f"{_DCT}identifier")
    publisher = facts.text(iri, f"{_DCT}publisher")
    if publisher is not None:
        article["publisher"] = {"@type": "Organization", "name": publisher}
    language = facts.text(iri, f"{_DCT}language")
    if language is not None:
        article["inLanguage"] = language
    return article


def _place(facts: Description, iri: str) -> dict[str, object]:
    place: dict[str, object] = {"@type": "Place", "name": facts.text(iri, _LABEL) or iri}
    same = facts.texts(iri, _EXACT_MATCH)
    if same:
        place["sameAs"] = same[0] if len(same) == 1 else same
    return place


def _search_action(endpoint: str) -> dict[str, object]:
    """The SPARQL endpoint as a documented service: a query by URL (SPARQL 1.1 Protocol, GET)."""
    return {"@type": "SearchAction", "name": "SPARQL 1.1 query",
            "description": f"SPARQL 1.1 Protocol endpoint at {endpoint}: GET or POST a query, get SPARQL results "
                           "(JSON, XML, CSV, TSV) or RDF",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{endpoint}?query={{query}}", "httpMethod": "GET",
                       "contentType": [formats.by_name(name).media_type for name in _RESULTS]},
            "query-input": "required name=query"}


def dataset(facts: Description, site: Site) -> dict[str, object]:
    """The schema.org ``Dataset`` (a JSON-LD object) of ``facts``, with URLs on ``site``; the SPARQL endpoint
    is a ``potentialAction`` where one serves the data (``describe(endpoint=...)``; not in a static site)."""
    d = DATASET
    doc: dict[str, object] = {"@context": "https://schema.org/", "@type": "Dataset", "@id": d,
                              "name": facts.text(d, f"{_DCT}title"),
                              "description": facts.text(d, f"{_DCT}description"),
                              "url": site.base, "identifier": d, "sameAs": facts.text(d, f"{_FOAF}homepage"),
                              "license": facts.text(d, f"{_DCT}license"), "isAccessibleForFree": True}
    keywords = facts.texts(d, f"{_DCAT}keyword")
    if keywords:
        doc["keywords"] = keywords
    creators = [_agent(facts, str(c)) for c in facts.values(d, f"{_DCT}creator")
                if facts.text(str(c), f"{_FOAF}name") is not None]
    if creators:
        doc["creator"] = creators[0] if len(creators) == 1 else creators
    version = facts.text(d, f"{_DCAT}version")
    if version is not None:
        doc["version"] = version
    modified = facts.modified()
    if modified is not None:
        doc["dateModified"] = modified
    for period in facts.values(d, f"{_DCT}temporal"):
        start, end = facts.text(str(period), f"{_DCAT}startDate"), facts.text(str(period), f"{_DCAT}endDate")
        if start is not None or end is not None:
            doc["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
    places = [_place(facts, str(p)) for p in facts.values(d, f"{_DCT}spatial")]
    if places:
        doc["spatialCoverage"] = places[0] if len(places) == 1 else places
    articles = [_article(facts, str(a)) for a in facts.values(d, f"{_DCT}source")]
    if articles:
        doc["isBasedOn"] = articles[0] if len(articles) == 1 else articles
    doc["distribution"] = sorted(
        ({"@type": "DataDownload", "name": facts.text(str(dist), f"{_DCT}title"),
          "encodingFormat": facts.text(str(dist), f"{_DCT}format"),
          "contentUrl": site.url(facts.text(str(dist), f"{_DCAT}downloadURL") or ""),
          "license": facts.text(str(dist), f"{_DCT}license")}
         for dist in facts.values(d, f"{_DCAT}distribution")), key=lambda item: str(item["contentUrl"]))
    endpoints = facts.texts(d, _SPARQL_ENDPOINT)
    if endpoints:
        doc["potentialAction"] = _search_action(site.url(endpoints[0]))
    return doc


def script(document: dict[str, object]) -> Markup:
    """A JSON-LD document as the text of a ``<script type="application/ld+json">`` (``<``, ``>`` and ``&``
    escaped, so no text of the data can end the script)."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def embedded(kg: KnowledgeGraph, base: str, *, endpoint: str | None = None) -> Markup:
    """The ``Dataset`` of ``kg`` for a page of the site at ``base``, ready for its ``<script>``."""
    return script(dataset(describe(kg, endpoint=endpoint), Site(base)))
