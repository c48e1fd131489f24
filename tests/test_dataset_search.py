"""Dataset search: the schema.org Dataset in index.html and about.html, sitemap.xml and robots.txt, on the
server (in process) and in a published site, with the values of the data written out."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import rdflib

from kzgraph.binding import execute
from kzgraph.queries import internal_query
from kzgraph.web import sitemaps
from kzgraph.web.publish import publish
from tests.conftest import APP_URL

REPO = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.org/kzgraph/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SCHEMA = rdflib.Namespace("http://schema.org/")
#: The dumps the server offers (/about, /dumps/) and the media type each DataDownload must give.
DUMP_TYPES = {"kzgraph.trig": "application/trig", "kzgraph.nq": "application/n-quads",
              "kzgraph.jsonld": "application/ld+json", "kzgraph.ttl": "text/turtle",
              "kzgraph.nt": "application/n-triples", "kzgraph.rdf": "application/rdf+xml"}
ARTICLE_FILE = "000_eb5953dc3fc1f44a.txt"
ARTICLE_TITLE = "Kazakhstan achieves historic success at Summer Paralympic Games in Paris"


def embedded(html: str) -> dict:
    """The one schema.org JSON-LD block of a page."""
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return json.loads(block)


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory):
    out = tmp_path_factory.mktemp("dataset-search") / "site"
    publish(kg, out, base_url=SITE_URL)
    return out


def served_pages(client) -> dict[str, dict]:
    return {path: embedded(client.get(path, headers={"Accept": "text/html"}).text) for path in ("/", "/about")}


def published_pages(site: Path) -> dict[str, dict]:
    return {name: embedded((site / name).read_text(encoding="utf-8")) for name in ("index.html", "about.html")}


def check_dataset(doc: dict, base: str) -> None:
    """Required and recommended properties of Google's Dataset guidelines, with the data's values."""
    assert doc["@context"] == "https://schema.org/" and doc["@type"] == "Dataset"
    assert doc["name"] == "kzgraph: Kazakhstan at the Paris 2024 Summer Paralympics"
    assert 50 <= len(doc["description"]) <= 5000
    assert doc["description"].startswith("The facts of one news article about Kazakhstan at the Paris 2024")
    assert doc["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert doc["creator"] == {"@type": "Organization", "name": "kzgraph developers"}
    assert doc["temporalCoverage"] == "2024-08-28/2024-09-08"
    assert doc["spatialCoverage"] == {"@type": "Place", "name": "Paris", "sameAs": "http://www.wikidata.org/entity/Q90"}
    assert {"Kazakhstan", "Paris", "Paris 2024 Summer Paralympics", "para judo", "para powerlifting"} <= \
        set(doc["keywords"])
    assert doc["url"] == base
    assert doc["identifier"] == "https://w3id.org/kzgraph/.well-known/void#dataset"
    assert doc["version"] == "0.2.0"
    assert doc["dateModified"] == "2026-11-24"
    article = doc["isBasedOn"]
    assert article["identifier"] == ARTICLE_FILE and article["name"] == ARTICLE_TITLE
    assert article["publisher"] == {"@type": "Organization", "name": "Caspian News"}
    assert set(article) == {"@type", "@id", "name", "headline", "identifier", "publisher", "inLanguage"}  # no text
    downloads = {d["contentUrl"]: d["encodingFormat"] for d in doc["distribution"]}
    assert downloads == {f"{base}dumps/{name}": media for name, media in DUMP_TYPES.items()}
    assert all(d["@type"] == "DataDownload" for d in doc["distribution"])


def test_served_pages_embed_the_dataset(kzgraph_app):
    for path, doc in served_pages(kzgraph_app).items():
        check_dataset(doc, f"{APP_URL}/")
        action = doc["potentialAction"]
        assert action["target"]["urlTemplate"] == f"{APP_URL}/sparql?query={{query}}", path
        assert "application/sparql-results+json" in action["target"]["contentType"]


def test_published_pages_embed_the_dataset_under_the_base_url(site):
    for name, doc in published_pages(site).items():
        check_dataset(doc, SITE_URL)
        assert "potentialAction" not in doc, name  # no endpoint behind a static site


def test_each_dump_the_server_offers_is_a_distribution_with_its_media_type(kzgraph_app):
    doc = served_pages(kzgraph_app)["/"]
    for item in doc["distribution"]:
        path = urlsplit(item["contentUrl"]).path
        answer = kzgraph_app.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"].split(";")[0] == item["encodingFormat"], path
    about = kzgraph_app.get("/about").text
    assert {f"/dumps/{name}" for name in DUMP_TYPES} == set(re.findall(r'href="(/dumps/[^"]+)"', about))


def test_the_json_ld_is_rdf(kzgraph_app):
    """Parsed as JSON-LD by rdflib, with schema.org's vocabulary given inline (no network)."""
    doc = served_pages(kzgraph_app)["/about"]
    graph = rdflib.Graph().parse(data=json.dumps({**doc, "@context": {"@vocab": str(SCHEMA)}}), format="json-ld")
    dataset = rdflib.URIRef(doc["@id"])
    assert (dataset, rdflib.RDF.type, SCHEMA.Dataset) in graph
    assert graph.value(dataset, SCHEMA.temporalCoverage) == rdflib.Literal("2024-08-28/2024-09-08")
    article = graph.value(dataset, SCHEMA.isBasedOn)
    assert graph.value(article, SCHEMA.identifier) == rdflib.Literal(ARTICLE_FILE)
    assert len(list(graph.objects(dataset, SCHEMA.distribution))) == len(DUMP_TYPES)


def test_the_description_agrees_with_void(kg):
    """The title, description, licence, homepage and dumps are the void query's (the two .rq files say them
    both)."""
    shared = {"http://purl.org/dc/terms/title", "http://purl.org/dc/terms/description",
              "http://purl.org/dc/terms/license", "http://xmlns.com/foaf/0.1/homepage",
              "http://www.w3.org/ns/dcat#distribution", "http://www.w3.org/ns/dcat#downloadURL",
              "http://www.w3.org/ns/dcat#mediaType", "http://purl.org/dc/terms/format"}
    description = {t for t in kg.construct("dataset-description").triples
                   if str(t[1]) in shared and str(t[0]).startswith("https://w3id.org/kzgraph/.well-known/void#")}
    assert len(description) == 4 + 6 + 6 * 5  # the dataset's, then each dump's (title and licence included)
    assert description <= set(kg.construct("void").triples)


def sitemap_urls(get) -> list[str]:
    """Every URL of the sitemap index ``get("sitemap.xml")`` and its sitemaps, checked against the protocol."""
    root = ET.fromstring(get("sitemap.xml"))
    assert root.tag == f"{SM}sitemapindex"
    urls: list[str] = []
    for entry in root:
        assert entry.tag == f"{SM}sitemap" and {child.tag for child in entry} == {f"{SM}loc", f"{SM}lastmod"}
        assert entry.findtext(f"{SM}lastmod") == "2026-11-24"
        sitemap = ET.fromstring(get(entry.findtext(f"{SM}loc")))
        assert sitemap.tag == f"{SM}urlset" and 0 < len(sitemap) <= sitemaps.SITEMAP_LIMIT
        for url in sitemap:
            assert url.tag == f"{SM}url" and [c.tag for c in url] == [f"{SM}loc", f"{SM}lastmod"]
            assert url.findtext(f"{SM}lastmod") == "2026-11-24"
            urls.append(url.findtext(f"{SM}loc"))
    assert len(urls) == len(set(urls))
    return urls


def test_the_server_sitemap_lists_every_page(kzgraph_app, kg):
    def get(url: str) -> bytes:
        answer = kzgraph_app.get(urlsplit(url).path if "://" in url else f"/{url}")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/xml; charset=utf-8"
        return answer.content

    urls = sitemap_urls(get)
    assert urls[:4] == [f"{APP_URL}/", f"{APP_URL}/about", f"{APP_URL}/resources", f"{APP_URL}/ontology.html"]
    assert f"{APP_URL}/athlete/david-degtyarev.html" in urls
    assert f"{APP_URL}/medal/paris-2024-david-degtyarev-gold.html" in urls
    assert f"{APP_URL}/graph/article/s01.html" in urls
    assert not [u for u in urls if "#" in u]
    page = kzgraph_app.get("/athlete/david-degtyarev.html")
    assert page.status_code == 200 and "David Degtyarev" in page.text
    (counted,) = execute(kg.backend, internal_query("sitemap-size")).rows
    assert counted == (len(kg.select("sitemap")),) and len(urls) == 4 + counted[0]
    assert kzgraph_app.get("/sitemap-resources-2.xml").status_code == 404
    assert kzgraph_app.get("/sitemap-resources-0.xml").status_code == 404


def test_the_server_pages_its_sitemaps(make_kzgraph_app, kzgraph_app, monkeypatch):
    """Sitemaps of SITEMAP_LIMIT URLs each (20 here: 50,000 in use), in the sitemap query's order."""
    def urls_of(client):
        return sitemap_urls(lambda url: client.get(urlsplit(url).path if "://" in url else f"/{url}").content)

    whole = urls_of(kzgraph_app)
    monkeypatch.setattr(sitemaps, "SITEMAP_LIMIT", 20)
    client = make_kzgraph_app(cache=False)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert len(index) == 1 + -(-(len(whole) - 4) // 20)
    assert urls_of(client) == whole


def test_the_published_sitemap_lists_the_same_pages(site, kzgraph_app):
    def get(url: str) -> bytes:
        name = url[len(SITE_URL):] if url.startswith(SITE_URL) else url
        return (site / name).read_bytes()

    published = [u[len(SITE_URL):] for u in sitemap_urls(get)]
    assert published[:4] == ["index.html", "about.html", "resources.html", "ontology.html"]
    assert "athlete/david-degtyarev.html" in published
    assert all((site / name).is_file() for name in published)
    served = sitemap_urls(lambda url: kzgraph_app.get(urlsplit(url).path if "://" in url else f"/{url}").content)
    assert published[4:] == [u[len(APP_URL) + 1:] for u in served[4:]]


def test_robots_txt(kzgraph_app, site):
    served = kzgraph_app.get("/robots.txt")
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    lines = served.text.splitlines()
    assert f"Sitemap: {APP_URL}/sitemap.xml" in lines
    assert {"User-agent: *", "Allow: /", "Disallow: /sparql", "Disallow: /queries/"} <= set(lines)
    published = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {SITE_URL}sitemap.xml" in published
    assert {"Allow: /kzgraph/", "Disallow: /kzgraph/sparql"} <= set(published)


def test_publish_refuses_a_base_url_that_is_not_absolute(tmp_path):
    r = subprocess.run([sys.executable, "-m", "kzgraph", "publish", "--out", str(tmp_path / "site"),
                        "--base-url", "site/"], capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert r.returncode == 2 and r.stdout == ""
    assert "the site's base URL must be an absolute http(s) URL, not 'site/'" in r.stderr
    assert not (tmp_path / "site").exists()


def test_the_readme_example_asks_the_server_what_it_answers(kzgraph_app):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Dataset search"):text.index("## Query catalogue")]
    paths = re.findall(r"curl -s 'http://127\.0\.0\.1:8000(/[^']*)'", section)
    assert paths == ["/robots.txt", "/sitemap.xml", "/sitemap-resources-1.xml"]
    for path in paths:
        assert kzgraph_app.get(path).status_code == 200, path
    assert "--base-url https://example.org/kzgraph/" in section and SITE_URL == "https://example.org/kzgraph/"
