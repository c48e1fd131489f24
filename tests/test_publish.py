"""``kzgraph publish --out DIR``: a static linked-data site. A crawler follows every link of every page and
finds none broken, every resource of the namespace has a page, the data files load, and nothing is
ever written outside DIR."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
import rdflib

import kzgraph
from kzgraph.backends import Source
from kzgraph.errors import DataError, UsageError
from kzgraph.web.publish import MARKER, publish

REPO = Path(__file__).resolve().parent.parent
KZ = "https://w3id.org/kzgraph/"


class Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.policies: list[str | None] = []  # the content of each <meta http-equiv="Content-Security-Policy">
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(attributes.get("content"))
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site written by the command line, as a user runs it."""
    out = tmp_path_factory.mktemp("published") / "site"
    r = subprocess.run([sys.executable, "-m", "kzgraph", "publish", "--out", str(out)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and "wrote" in r.stderr
    return out


def crawl(root: Path) -> tuple[dict[Path, Page], list[tuple[str, str]]]:
    """Every page from index.html by following links; the broken links found."""
    root = root.resolve()
    pages: dict[Path, Page] = {}
    queue, broken, fragments = [root / "index.html"], [], []
    while queue:
        current = queue.pop()
        if current in pages:
            continue
        pages[current] = Page(current.read_text(encoding="utf-8"))
        for link in pages[current].links:
            url = urlsplit(link)
            if url.scheme or link.startswith("//"):
                continue  # another site: Wikidata, the licence, the sources
            target = (current.parent / unquote(url.path)).resolve() if url.path else current
            if root not in target.parents or not target.is_file():
                broken.append((str(current.relative_to(root)), link))
                continue
            if target.suffix == ".html":
                queue.append(target)
                if url.fragment:
                    fragments.append((current, target, url.fragment, link))
    broken += [(str(page.relative_to(root)), link) for page, target, fragment, link in fragments
               if fragment not in pages[target].ids]
    return pages, broken


def test_crawl_finds_no_broken_link(site):
    pages, broken = crawl(site)
    assert broken == []
    assert len(pages) > 100


def test_every_resource_has_a_page(site, kg):
    pages, _ = crawl(site)
    reached = {p.relative_to(site.resolve()).as_posix() for p in pages}
    ontology_ids = pages[(site / "ontology.html").resolve()].ids
    for row in kg.query("resources"):
        iri = str(row[0])
        path = iri[len(KZ):]
        if "#" in path:
            assert path.split("#")[1] in ontology_ids, iri
        elif path not in ("", "ontology"):
            assert f"{path}.html" in reached, iri
            for extension in ("ttl", "jsonld", "nt", "rdf", "trig", "nq"):  # every format of the dumps
                assert (site / f"{path}.{extension}").is_file(), (iri, extension)


@pytest.mark.parametrize("extension, parser", [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml"),
                                               ("trig", "trig"), ("nq", "nquads")])
def test_resource_data_files_load(site, extension, parser):
    """The files the server answers for the resource: the same triples in each, TriG and N-Quads in the graph
    that states each one."""
    athlete = rdflib.URIRef(KZ + "athlete/akmaral-nauatbek")
    label = (athlete, rdflib.RDFS.label, rdflib.Literal("Akmaral Nauatbek"))
    data = rdflib.Dataset().parse(site / f"athlete/akmaral-nauatbek.{extension}", format=parser)
    triples = {q[:3] for q in data.quads()}
    assert label in triples
    assert triples == set(rdflib.Graph().parse(site / "athlete/akmaral-nauatbek.ttl", format="turtle"))
    if extension in ("trig", "nq"):
        assert (*label, rdflib.URIRef(KZ + "graph/article/s07")) in set(data.quads())


def test_site_has_index_with_medal_table_dumps_void_and_ontology(site, kg):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<td>2</td><td>3</td><td>4</td><td>9</td>" in index and index.count("<circle") == 9
    assert "yasgui" not in index and "/sparql" not in index  # no server, no endpoint
    for name in ("trig", "nq", "jsonld", "ttl", "nt", "rdf"):
        assert (site / f"dumps/kzgraph.{name}").stat().st_size > 1000
    quads = rdflib.Dataset().parse(site / "dumps/kzgraph.nq", format="nquads")
    assert len(list(quads.quads())) == len(kg.backend)
    void = rdflib.Graph().parse(site / ".well-known/void", format="turtle")
    dataset = rdflib.URIRef(KZ + ".well-known/void#dataset")
    assert (dataset, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in void
    assert (dataset, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) not in void
    ontology = rdflib.Graph().parse(site / "ontology.ttl", format="turtle")
    assert (rdflib.URIRef(KZ + "ontology#Medal"), rdflib.RDF.type, rdflib.OWL.Class) in ontology
    assert (site / MARKER).is_file() and (site / ".nojekyll").is_file()


def test_site_has_the_openapi_description_of_the_server(site, kg):
    from kzgraph.web.openapi import describe  # tests/test_openapi.py checks the document itself

    assert json.loads((site / "openapi.json").read_text(encoding="utf-8")) == describe(kg.catalogue)


def test_links_are_relative_so_the_site_works_from_any_host(site):
    for page in (site / "index.html", site / "graph/article/s05.html"):
        for link in Page(page.read_text(encoding="utf-8")).links:
            assert not link.startswith("/"), (page, link)


def test_publishing_again_into_the_same_site_works(site, kg):
    assert publish(kg, site).resources > 100


def test_refuses_a_directory_that_is_not_empty(tmp_path, kg):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty"):
        publish(kg, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_refuses_an_iri_whose_path_leaves_the_site(tmp_path):
    outside = tmp_path / "escaped.html"
    evil = tmp_path / "evil.nt"
    evil.write_text(f'<{KZ}athlete/../../../escaped> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    with kzgraph.open() as graph:
        graph.load(evil)
        with pytest.raises(DataError, match=r"athlete/\.\./\.\./\.\./escaped"):
            publish(graph, tmp_path / "site")
    assert not outside.exists()
    assert not any((tmp_path / "site").rglob("*.html"))  # refused before writing any page


def test_refuses_to_follow_a_link_out_of_the_site(tmp_path, kg):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    site.mkdir()
    elsewhere.mkdir()
    (site / MARKER).write_text("kzgraph static site\n")
    (site / "athlete").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UsageError, match="outside"):
        publish(kg, site)
    assert list(elsewhere.iterdir()) == []


def test_cli_reports_refusal_with_exit_code_2(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    r = subprocess.run([sys.executable, "-m", "kzgraph", "publish", "--out", str(tmp_path)], capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300, check=False)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("kzgraph: error:") and "not empty" in r.stderr


# --- links only to http(s) and relative targets; the server's Content-Security-Policy ------------------

#: IRIs of schemes a browser would run or open as a document; loaded as a fact's object, a resource
#: linking into the namespace, and a named graph stating a fact.
SCRIPTS = """
<https://w3id.org/kzgraph/graph/article/s05> {
  <https://w3id.org/kzgraph/athlete/david-degtyarev> <http://www.w3.org/2000/01/rdf-schema#seeAlso>
    <javascript:alert(5)>, <JavaScript:alert(6)>, <data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==> .
  <javascript:alert(8)> <http://www.w3.org/2000/01/rdf-schema#seeAlso>
    <https://w3id.org/kzgraph/athlete/david-degtyarev> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "a script" .
}
<javascript:alert(9)> {
  <https://w3id.org/kzgraph/athlete/david-degtyarev> <http://www.w3.org/2004/02/skos/core#note> "stated by a script" .
}
"""

#: How the pages show such an IRI: text with the IRI as its title, never an <a>.
SHOWN = '<span class="iri" title="javascript:alert(5)">&lt;javascript:alert(5)&gt;</span>'
LIVE_LINK = r"""(?i)href\s*=\s*["']?\s*(javascript|data|vbscript):"""


def test_a_script_iri_is_text_not_a_link_and_pages_carry_the_servers_csp(tmp_path, kzgraph_server):
    import re

    with kzgraph.open() as graph:
        graph.load(Source(data=SCRIPTS.encode(), format="trig", name="scripts"))
        publish(graph, tmp_path / "site")
    pages = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")}
    assert len(pages) > 100
    assert [p.name for p, text in pages.items() if re.search(LIVE_LINK, text)] == []
    athlete = pages[tmp_path / "site" / "athlete" / "david-degtyarev.html"]
    assert SHOWN in athlete
    assert '<span class="iri" title="data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==">' in athlete
    assert '<span class="iri" title="javascript:alert(8)">a script</span>' in athlete  # linked from
    assert '<span class="source graph" title="javascript:alert(9)">&lt;javascript:alert(9)&gt;</span>' in athlete
    served = httpx.get(kzgraph_server.base_url + "/about", timeout=30).headers["content-security-policy"]
    assert "default-src 'self'" in served
    assert {p.name: Page(text).policies for p, text in pages.items() if Page(text).policies != [served]} == {}
