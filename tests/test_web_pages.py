"""Linked data from kzgraph's web app: every IRI of the namespace resolves (303 to the document the client asks
for, with Vary: Accept), pages show facts with their sources, unknown IRIs are 404, and the dataset is described
(VoID/DCAT) with dumps that load.

In process (Starlette's TestClient), but for one test on a real ``kzgraph serve``: a page past its deadline,
whose work the process's worker pool goes on with after the 504."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import httpx
import pytest
import rdflib

import kzgraph
from tests.servers import UPDATE_TOKEN

KZ = "https://w3id.org/kzgraph/"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml", "trig": "trig", "nq": "nquads"}


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


class Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if attributes.get("id"):
            self.ids.add(attributes["id"])


# --- dereferencing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept, extension", [
    (BROWSER, ".html"), ("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"), ("application/rdf+xml", ".rdf"), ("application/xml", ".rdf"),
    ("application/trig", ".trig"), ("application/n-quads", ".nq"),
    ("text/turtle;q=0.5, application/ld+json", ".jsonld"), (None, ".html")])
def test_resource_iri_answers_303_to_the_document_the_client_wants(client, accept, extension):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/athlete/david-degtyarev", headers=headers)
    assert r.status_code == 303
    assert r.headers["location"] == "/athlete/david-degtyarev" + extension
    assert "Accept" in [v.strip() for v in r.headers["vary"].split(",")]


@pytest.mark.parametrize("value, extension", [
    ("ttl", ".ttl"), ("turtle", ".ttl"), ("nt", ".nt"), ("ntriples", ".nt"), ("jsonld", ".jsonld"),
    ("json-ld", ".jsonld"), ("rdfxml", ".rdf"), ("rdf", ".rdf"), ("xml", ".rdf"), ("application/rdf+xml", ".rdf"),
    ("trig", ".trig"), ("nq", ".nq"), ("nquads", ".nq"), ("html", ".html")])
def test_format_parameter_picks_the_document_of_a_resource_and_a_dump(client, value, extension):
    r = client.get("/athlete/david-degtyarev", params={"format": value}, headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/athlete/david-degtyarev" + extension
    r = client.get("/dumps/kzgraph", params={"format": value})
    if extension == ".html":  # a dump is data only: Accept decides, and TriG comes first
        assert r.status_code == 303 and r.headers["location"] == "/dumps/kzgraph.trig"
    else:
        assert r.status_code == 303 and r.headers["location"] == "/dumps/kzgraph" + extension


def test_a_format_that_is_none_is_400_and_one_not_offered_is_406(client):
    r = client.get("/athlete/david-degtyarev", params={"format": "bogus"})
    assert r.status_code == 400 and "rdfxml, trig, nq" in r.text
    r = client.get("/athlete/david-degtyarev", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/rdf+xml" in r.text and "application/n-quads" in r.text
    r = client.get("/dumps/kzgraph", headers={"Accept": "text/html"})
    assert r.status_code == 406


MEDAL = rdflib.URIRef(KZ + "medal/paris-2024-david-degtyarev-gold")
IN_EVENT = (MEDAL, rdflib.URIRef(KZ + "ontology#inEvent"), rdflib.URIRef(KZ + "event/powerlifting-men-54kg"))
MEDAL_DATE = (MEDAL, rdflib.URIRef(KZ + "ontology#medalDate"), rdflib.Literal("2024-09-04", datatype=rdflib.XSD.date))
MEDIA = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
         "rdf": "application/rdf+xml", "trig": "application/trig", "nq": "application/n-quads"}


def parsed(response: httpx.Response, extension: str) -> rdflib.Dataset:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == f"{MEDIA[extension]}; charset=utf-8"
    return rdflib.Dataset().parse(data=response.content, format=RDFLIB[extension])


@pytest.mark.parametrize("extension", ["ttl", "jsonld", "nt", "rdf", "trig", "nq"])
def test_resource_data_in_each_format(client, extension):
    data = parsed(client.get(f"/medal/paris-2024-david-degtyarev-gold.{extension}"), extension)
    triples = {(s, p, o) for s, p, o, _ in data.quads()}
    assert IN_EVENT in triples and MEDAL_DATE in triples
    assert (rdflib.URIRef(KZ + "athlete/david-degtyarev"), rdflib.URIRef(KZ + "ontology#won"), MEDAL) in triples
    assert any(s == IN_EVENT[2] and p == rdflib.RDFS.label for s, p, _ in triples)  # the label of what it links to
    turtle = rdflib.Graph().parse(data=client.get("/medal/paris-2024-david-degtyarev-gold.ttl").text, format="turtle")
    assert triples == set(turtle)  # every format has the same triples: the union of the graphs stating them
    graphs = {g for *_, g in data.quads() if g not in (None, rdflib.graph.DATASET_DEFAULT_GRAPH_ID)}
    if extension in ("trig", "nq"):  # each fact in the graph that states it
        assert (*IN_EVENT, rdflib.URIRef(KZ + "graph/article/s05")) in set(data.quads())
        assert (*MEDAL_DATE, rdflib.URIRef(KZ + "graph/external/a2")) in set(data.quads())
    else:  # the union: no named graph
        assert graphs == set()


@pytest.mark.parametrize("extension", ["ttl", "jsonld", "nt", "rdf", "trig", "nq"])
def test_a_graph_page_gives_its_facts_and_provenance_in_each_format(client, extension):
    data = parsed(client.get(f"/graph/derived/judo-weight-categories/j2-90kg.{extension}"), extension)
    quads = set(data.quads())
    assert len({q[:3] for q in quads}) == 9  # 1 fact, 5 of provenance, 3 labels (of its rule, class and status)
    held = (rdflib.URIRef(KZ + "event/judo-90kg"), rdflib.URIRef(KZ + "ontology#sportClass"),
            rdflib.URIRef(KZ + "class/j2"))
    used = (rdflib.URIRef(KZ + "graph/derived/judo-weight-categories/j2-90kg"), rdflib.PROV.used,
            rdflib.URIRef(KZ + "graph/external/j1"))
    assert held in {q[:3] for q in quads} and used in {q[:3] for q in quads}
    if extension in ("trig", "nq"):
        assert (*held, rdflib.URIRef(KZ + "graph/derived/judo-weight-categories/j2-90kg")) in quads
        assert (*used, rdflib.URIRef(KZ + "graph/provenance")) in quads


def test_a_linked_data_client_follows_the_redirect(client):
    r = client.get("/venue/stade-de-france", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert str(r.url).endswith("/venue/stade-de-france.ttl") and r.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    assert graph.value(rdflib.URIRef(KZ + "venue/stade-de-france"), rdflib.RDFS.label) == rdflib.Literal(
        "Stade de France", lang="en")


def test_page_shows_facts_with_the_sentences_that_state_them(client):
    page = client.get("/athlete/yergali-shamei.html").text
    assert "<h1>Yergali Shamei</h1>" in page
    assert f"<code>{KZ}athlete/yergali-shamei</code>" in page  # the canonical IRI, wherever it is served
    won = re.search(r'<tr><td><a href="/ontology#won"[^<]*>won</a></td>(.*?)</tr>', page, re.S)
    assert won and 'href="/medal/paris-2024-yergali-shamei-silver"' in won[1]
    assert '<a class="source article" href="/graph/article/s12"' in won[1] and "sentence 12" in won[1]
    assert 'class="source external" href="/graph/external/e5"' in page  # the other spellings: fact e5
    assert "Ерғали Шәмей" in page and '<span class="lang">@kk</span>' in page


def test_medal_page_shows_the_chain_as_a_diagram_with_links(client):
    page = client.get("/medal/paris-2024-zarina-raifova-bronze.html").text
    svg = page[page.index("<svg"):page.index("</svg>")]
    for path in ("/athlete/zarina-raifova", "/medal/paris-2024-zarina-raifova-bronze",
                 "/event/judo-women-over-70kg", "/venue/champ-de-mars-arena"):
        assert f'href="{path}"' in svg
    assert "<script" not in svg and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_wikidata_link_where_there_is_one(client):
    page = client.get("/country/kazakhstan.html").text
    assert '<a class="wikidata" href="http://www.wikidata.org/entity/Q232">Q232</a>' in page
    assert 'class="wikidata"' not in client.get("/athlete/david-degtyarev.html").text


def test_graph_page_lists_the_facts_of_the_sentence(client):
    page = client.get("/graph/article/s07.html").text
    assert "<h1>Sentence 7 of the article</h1>" in page
    assert "Facts in this graph" in page and 'href="/athlete/akmaral-nauatbek"' in page


def test_every_resource_of_the_namespace_has_a_page(client, kg):
    resources = [str(r[0]) for r in kg.query("resources")]
    assert len(resources) > 100
    for iri in resources:
        path = iri[len(KZ) - 1:]
        document = path.split("#")[0]
        r = client.get(document, headers={"Accept": "text/html"}, follow_redirects=True)
        assert r.status_code == 200, iri
        if "#" in path:
            assert path.split("#")[1] in Links(r.text).ids, iri


def test_unknown_iri_is_a_404_page(client):
    r = client.get("/athlete/nobody-at-all", headers={"Accept": BROWSER})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert f"<code>{KZ}athlete/nobody-at-all</code>" in r.text
    r = client.get("/athlete/nobody-at-all.ttl")
    assert r.status_code == 404 and "nothing about" in r.text
    assert client.get("/static/nothing.css").status_code == 404


def test_pages_link_only_to_pages_that_exist(client):
    seen: set[str] = set()
    for start in ("/", "/athlete/dayana-fedosova.html", "/event/judo-90kg.html", "/about", "/resources"):
        for href in Links(client.get(start).text).hrefs:
            target = href.split("#")[0]
            if href.startswith("/") and target not in seen:
                seen.add(target)
                assert client.get(target, follow_redirects=True).status_code == 200, (start, href)


# --- ontology, dataset description, dumps ------------------------------------------------------------


def test_ontology_documentation_and_data(client, kg):
    r = client.get("/ontology", headers={"Accept": BROWSER})
    assert r.status_code == 303 and r.headers["location"] == "/ontology.html"
    text = client.get("/ontology.html").text
    page = Links(text)
    # each term under the heading of its kind (owl:Class, owl:ObjectProperty… read from the query's IRIs)
    headings = [text.index(f"<h2>{h}</h2>") for h in ("Classes", "Object properties", "Datatype properties")]
    assert headings[0] < text.index('id="Medal"') < headings[1] < text.index('id="won"') < headings[2]
    classes = [str(r[0]).split("#")[1] for r in kg.query("SELECT ?c WHERE { GRAPH kzg:ontology { ?c a owl:Class } "
                                                          "FILTER (isIRI(?c)) }")]
    assert classes and set(classes) <= page.ids
    graph = rdflib.Graph().parse(data=client.get("/ontology.ttl").text, format="turtle")
    assert (rdflib.URIRef(KZ + "ontology#Medal"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert (rdflib.URIRef(KZ + "ontology"), rdflib.RDF.type, rdflib.OWL.Ontology) in graph


def test_void_and_dcat(client, kg):
    r = client.get("/.well-known/void")
    assert r.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    dataset = rdflib.URIRef(KZ + ".well-known/void#dataset")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in graph and (dataset, rdflib.RDF.type, DCAT.Dataset) in graph
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef("http://kzgraph.test/sparql")
    assert graph.value(dataset, rdflib.URIRef("http://purl.org/dc/terms/license")) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    distinct = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }").rows[0][0]
    assert int(graph.value(dataset, VOID.triples)) == distinct
    dumps = sorted(str(d) for d in graph.objects(dataset, VOID.dataDump))
    assert len(dumps) == 6
    for distribution in graph.objects(dataset, DCAT.distribution):
        url = str(graph.value(distribution, DCAT.downloadURL))
        media = str(graph.value(distribution, DCAT.mediaType)).split("media-types/")[1]
        answer = client.get(url[len(KZ) - 1:])  # the canonical IRI's path on this server
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), url
        extension = url.rsplit(".", 1)[1]
        loaded = rdflib.Dataset().parse(data=answer.content, format=RDFLIB[extension])
        assert len(loaded) >= distinct if extension in ("ttl", "nt", "rdf") else len(list(loaded.quads())) >= distinct


def test_void_in_a_browser_goes_to_the_about_page(client):
    r = client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert r.status_code == 303 and r.headers["location"] == "/about"
    about = client.get("/about").text
    assert "creativecommons.org/licenses/by/4.0/" in about and 'href="/dumps/kzgraph.trig"' in about


def test_namespace_iri_gives_void_to_rdf_clients(client):
    r = client.get("/", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-location"] == "/.well-known/void"
    assert "void:Dataset" in r.text


def test_unknown_dump_is_404(client):
    r = client.get("/dumps/other.ttl")
    assert r.status_code == 404 and "kzgraph.trig" in r.text


# --- home page and search --------------------------------------------------------------------------


def test_home_page_shows_the_medal_table_and_the_timeline(client):
    page = client.get("/", headers={"Accept": BROWSER}).text
    assert re.search(r"<td>39</td><td>Kazakhstan \(Paris 2024 Summer Paralympics\)</td>\s*<td>2</td><td>3</td>"
                     r"<td>4</td><td>9</td>", page)
    timeline = page[page.index('class="chart timeline"'):]
    timeline = timeline[:timeline.index("</svg>")]
    assert timeline.count("<circle") == 9
    assert 'href="/medal/paris-2024-yerkin-gabbasov-silver"' in timeline
    assert "31 Aug" in timeline and "28 Aug" in timeline and "08 Sep" in timeline
    assert page.count('class="chart"') == 1  # the medal bars


@pytest.mark.parametrize("text, first", [
    ("Shamey", "athlete/yergali-shamei"), ("shamei", "athlete/yergali-shamei"),
    ("Ергали Шамей", "athlete/yergali-shamei"),
    ("Fedossova", "athlete/dayana-fedosova"), ("FEDOSOVA", "athlete/dayana-fedosova"),
    ("chateau de versailles", "venue/chateau-de-versailles"), ("Дегтярев", "athlete/david-degtyarev"),
    ("grand palais ephemere", "venue/champ-de-mars-arena")])
def test_search_finds_names_and_other_spellings_first(client, text, first):
    r = client.get("/search", params={"q": text}, headers={"Accept": "application/sparql-results+json"})
    bindings = r.json()["results"]["bindings"]
    assert bindings and bindings[0]["resource"]["value"] == KZ + first
    scores = [float(b["score"]["value"]) for b in bindings]
    assert scores == sorted(scores, reverse=True)


def test_search_page_links_to_the_resources(client):
    page = client.get("/search", params={"q": "Shamey"}, headers={"Accept": BROWSER}).text
    hits = page[page.index('<ol class="hits">'):]
    assert hits.index('href="/athlete/yergali-shamei"') < hits.index('href="/medal/paris-2024-yergali-shamei-silver"')
    assert "matched “Shamey”" in hits
    assert "Nothing matches" in client.get("/search", params={"q": "qqqxxx"}, headers={"Accept": BROWSER}).text
    assert client.get("/search", params={"q": "x", "limit": "0"}).status_code == 400
    assert 'name="q"' in client.get("/athlete/david-degtyarev.html").text  # every page offers search


# --- a page past its deadline -----------------------------------------------------------------------


def test_a_page_past_its_deadline_says_so_in_words_and_is_there_when_tried_again(start_kzgraph):
    """A page (not a query someone wrote) that takes longer than --query-timeout to build answers 504 with
    words for a visitor, not advice for SPARQL authors; the server finishes it, so trying again gets it.
    A real process: the deadline is the process's own (--query-timeout), and the page's work goes on in its
    worker pool after the answer."""
    server = start_kzgraph("--query-timeout", "0.001")  # every page takes longer than a millisecond to build
    url = f"{server.base_url}/medal/paris-2024-zarina-raifova-bronze.html"
    r = httpx.get(url, headers={"Accept": BROWSER}, timeout=30)
    assert r.status_code == 504 and r.headers["content-type"].startswith("text/html")
    assert "<h1>504 This page took too long</h1>" in r.text
    assert "This page took longer than 0.001 s to build" in r.text and "Please try again in a moment." in r.text
    assert "LIMIT" not in r.text and "narrow it" not in r.text  # what a user's slow SPARQL query is told
    plain = httpx.get(f"{server.base_url}/athlete/david-degtyarev.html", headers={"Accept": "text/plain"}, timeout=30)
    assert plain.status_code == 504 and plain.headers["content-type"].startswith("text/plain")
    assert plain.text.startswith("504 This page took too long: This page took longer than 0.001 s to build")
    for _ in range(200):
        r = httpx.get(url, headers={"Accept": BROWSER}, timeout=30)
        if r.status_code == 200:
            break
        time.sleep(0.05)
    assert r.status_code == 200 and "Zarina Raifova" in r.text


# --- only http(s) and relative links are links, on served pages as on the static site ---------------

SCRIPT_GRAPH = KZ + "graph/test-script-links"


def test_a_script_iri_is_shown_as_text_on_served_pages(kzgraph_update_app):
    client = kzgraph_update_app

    def update(text):
        r = client.post("/sparql", data={"update": text}, headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
        assert r.status_code == 204, r.text

    update(f"INSERT DATA {{ GRAPH <{SCRIPT_GRAPH}> {{ <{KZ}athlete/zarina-raifova> "
           "<http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(5)> . "
           f"<javascript:alert(8)> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{KZ}athlete/zarina-raifova> ; "
           "<http://www.w3.org/2000/01/rdf-schema#label> \"Zzscript Linkxq\"@en } }")
    try:
        page = client.get("/athlete/zarina-raifova.html").text
        card = client.get("/reconcile/preview", params={"id": "javascript:alert(8)"})
        query = client.get("/sparql", params={"query": "SELECT ?o WHERE { ?s <http://www.w3.org/2000/01/"
                                                       "rdf-schema#seeAlso> ?o } ORDER BY ?o"},
                           headers={"Accept": "text/html"}).text
    finally:
        update(f"DROP SILENT GRAPH <{SCRIPT_GRAPH}>")
    for text in (page, card.text, query):
        assert not re.search(r"""(?i)href\s*=\s*["']?\s*javascript:""", text)
    assert '<span class="iri" title="javascript:alert(5)">&lt;javascript:alert(5)&gt;</span>' in page
    assert '<span class="iri" title="javascript:alert(8)">Zzscript Linkxq</span>' in page
    assert card.status_code == 404  # reconciliation knows the namespace's resources only
    assert '<span class="iri" title="javascript:alert(5)">&lt;javascript:alert(5)&gt;</span>' in query


@pytest.fixture(scope="module")
def synth_app(tmp_path_factory):
    """The article's data with one synthetic Games of seed 1 beside it (2,392 resources at those Games), in
    process."""
    from kzgraph import synth
    from tests.conftest import app_client

    path = tmp_path_factory.mktemp("synth") / "games.trig"
    with path.open("w", encoding="utf-8") as out:
        synth.write(out, games=1, seed=1)
    with kzgraph.open() as kg:
        kg.load(path)
        for client in app_client(kg):
            yield kg, client


def test_a_page_shows_50_links_of_a_property_and_links_to_the_list_of_them_all(synth_app):
    kg, client = synth_app
    games, at_games = KZ + "games/synth-0001", KZ + "ontology#atGames"
    linkers = {str(r["s"]) for r in kg.query("SELECT ?s ?games WHERE { ?s kz:atGames ?games }",
                                           games=kzgraph.IRI(games)).to_dicts()}
    assert len(linkers) == 2392
    counts = {(r["direction"], str(r["property"])): r["links"]
              for r in kg.query("resource-link-counts", resource=games).to_dicts()}
    assert counts[("in", at_games)] == 2392 and counts[("out", KZ + "ontology#competitionVenue")] == 15
    page = client.get("/games/synth-0001.html")
    assert page.status_code == 200
    linked_from = page.text.split("<h2>Linked from</h2>", 1)[1]
    assert linked_from.count(f'title="{at_games}"') == 50
    assert "and 2,342 more" in linked_from
    assert 'class="more"' not in page.text.split("<h2>Linked from</h2>", 1)[0]  # 15 venues: all shown
    shown = {KZ + href[1:] for href in re.findall(r'<tr><td><a href="(/[^"#]+)"', linked_from)}
    assert len(shown) == 50 and shown <= linkers
    listing = re.search(r'<a href="(/queries/resource-links\?[^"]+)">all 2,392 by ', linked_from)
    assert listing is not None
    href = listing[1].replace("&amp;", "&")
    assert href == ("/queries/resource-links?resource=https%3A%2F%2Fw3id.org%2Fkzgraph%2Fgames%2Fsynth-0001"
                    "&property=https%3A%2F%2Fw3id.org%2Fkzgraph%2Fontology%23atGames&direction=in")
    everything = client.get(href, headers={"Accept": "application/sparql-results+json"}).json()
    assert {b["value"]["value"] for b in everything["results"]["bindings"]} == linkers
    assert client.get(href).status_code == 200  # and as a page


def test_a_page_with_few_links_shows_them_all(synth_app):
    _, client = synth_app
    page = client.get("/games/paris-2024.html").text
    assert page.split("<h2>Linked from</h2>", 1)[1].count('title="https://w3id.org/kzgraph/ontology#atGames"') == 10
    assert "more ·" not in page


def test_a_venue_page_shows_50_medal_chains_and_links_to_them_all(synth_app):
    kg, client = synth_app
    venue = KZ + "venue/synth-0001-01"
    chains = kg.query("medal-chain", resource=venue)
    page = client.get("/venue/synth-0001-01.html").text
    assert len(chains) == 339
    assert page.count('<figure class="chain">') == 50
    listing = re.search(r'and more medals · <a href="(/queries/medal-chain\?[^"]+)">all of them as a table</a>', page)
    assert listing is not None
    assert listing[1] == "/queries/medal-chain?resource=https%3A%2F%2Fw3id.org%2Fkzgraph%2Fvenue%2Fsynth-0001-01"
    everything = client.get(listing[1], headers={"Accept": "application/sparql-results+json"}).json()
    assert len(everything["results"]["bindings"]) == 339
    drawn = re.findall(r'<figcaption>\n<a class="athlete" href="[^"]+">[^<]*</a> →\n'
                       r'<a class="medal" href="/([^"]+)"', page)
    assert len(drawn) == 50 and {KZ + m for m in drawn} <= {str(c["medal"]) for c in chains.to_dicts()}


def test_a_static_page_sends_and_k_more_to_the_turtle_document(synth_app):
    """A published site has no query endpoint: its Turtle document holds every link."""
    from kzgraph.web import model
    from kzgraph.web.links import StaticLinks
    from kzgraph.web.render import Renderer

    kg, _ = synth_app
    page = model.resource_page(kg, KZ + "games/synth-0001")
    assert page is not None
    assert [(m.direction, str(m.predicate), m.shown, m.total) for m in page.more.values()] == [
        ("in", KZ + "ontology#atGames", 50, 2392)]
    html = Renderer().render("resource.html", StaticLinks("games/synth-0001.html"), page=page)
    assert 'and 2,342 more ·\nall 2,392 in the <a href="synth-0001.ttl">Turtle</a> document' in html
    assert "/queries/" not in html
