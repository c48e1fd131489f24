"""Each fact on a page shows its status (issue 13): the graph stating it names its sentence, external fact or rule,
and says verified, inferred or conflict in words; a derived graph's page lists the graphs its rule used with their
statuses; the medal chain shows the status of its event and venue. The same on the server (in process, Starlette's
TestClient) and in the static site of ``kzgraph publish``."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from kzgraph.web.model import Attribution, rule_of
from kzgraph.web.publish import publish

KZ = "https://w3id.org/kzgraph/"
J2_CONFLICT = "graph/derived/judo-weight-categories/j2-90kg"


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("status-site") / "site"
    publish(kg, out)
    return out


def row(page: str, prop: str, value: str) -> str:
    """The cells after the property of the facts table's row ``prop`` → ``value`` (an IRI path)."""
    found = re.search(rf'<tr><td><a href="[^"]*ontology(?:\.html)?#{prop}"[^>]*>[^<]*</a></td>'
                      rf'<td><a href="[^"]*{re.escape(value)}(?:\.html)?"[^>]*>[^<]*</a></td><td>(.*?)</td></tr>',
                      page, re.S)
    assert found, (prop, value)
    return found[1]


def sources(cells: str) -> list[tuple[str, str, str]]:
    """(link, text, status) of each source in a "stated by" cell."""
    return re.findall(r'<a class="source \w+" href="([^"]+)"[^>]*>([^<]+)</a> <span class="status status-(\w+)"'
                      r'[^>]*>\3</span>', cells)


def server_and_site(client, site: Path, path: str) -> list[tuple[str, str]]:
    """(the page on the server, the same page in the static site) with links made comparable: server paths."""
    served = client.get(f"/{path}.html").text
    static = (site / f"{path}.html").read_text(encoding="utf-8")

    def absolute(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), match[1]))
        return f'href="/{target.removesuffix(".html")}{match[2] or ""}"'

    static = re.sub(r'href="(\.[^"#]*|[a-z][^":#]*)(#[^"]*)?"', absolute, static)
    return [("server", served), ("site", static)]


# --- the facts of an event, with their statuses ---------------------------------------------------------


@pytest.mark.parametrize("where", ["server", "site"])
def test_shukurbekovs_j2_is_a_conflict_of_the_rule_judo_weight_categories(client, site, where):
    page = dict(server_and_site(client, site, "event/judo-90kg"))[where]
    assert sources(row(page, "sportClass", "class/j2")) == [
        (f"/{J2_CONFLICT}", "rule judo-weight-categories", "conflict")]
    # the rule's other graph of the same event is verified, and named after the rule too
    assert sources(row(page, "sexCategory", "ontology#Men")) == [
        ("/graph/derived/judo-weight-categories/sex-category", "rule judo-weight-categories", "verified")]


@pytest.mark.parametrize("where", ["server", "site"])
def test_fedosovas_j2_rests_on_fact_f2_and_is_inferred(client, site, where):
    page = dict(server_and_site(client, site, "event/judo-women-57kg"))[where]
    assert sources(row(page, "sportClass", "class/j2")) == [("/graph/external/f2", "fact f2", "inferred")]


@pytest.mark.parametrize("where", ["server", "site"])
def test_nauatbeks_j2_is_stated_by_fact_b1_and_verified(client, site, where):
    page = dict(server_and_site(client, site, "event/judo-women-48kg"))[where]
    assert sources(row(page, "sportClass", "class/j2")) == [("/graph/external/b1", "fact b1", "verified")]
    assert sources(row(page, "atVenue", "venue/champ-de-mars-arena")) == [
        ("/graph/external/b3", "fact b3", "verified")]


def test_a_rule_with_several_justifications_is_named_after_the_rule_not_the_hash(client):
    page = client.get("/event/judo-women-57kg.html").text
    ((graph, label, status),) = sources(row(page, "atVenue", "venue/champ-de-mars-arena"))
    assert re.fullmatch(r"/graph/derived/venue-from-sport/[0-9a-f]{12}", graph)
    assert (label, status) == ("rule venue-from-sport", "inferred")


def test_a_status_is_a_word_not_a_colour_alone(client):
    page = client.get("/event/judo-90kg.html").text
    badges = re.findall(r'<span class="status status-(\w+)" title="status: (\w+)">(\w+)</span>', page)
    assert badges and all(a == b == c for a, b, c in badges)
    assert {b[0] for b in badges} == {"verified", "inferred", "conflict"}


# --- a graph's page: its status, its rule, the graphs it used -------------------------------------------


@pytest.mark.parametrize("where", ["server", "site"])
def test_a_derived_graph_page_lists_the_graphs_it_used_with_their_statuses(client, site, where):
    page = dict(server_and_site(client, site, J2_CONFLICT))[where]
    assert "<h1>Facts derived by the rule judo-weight-categories</h1>" in page
    assert re.search(r'Status of its facts: <span class="status status-conflict"[^>]*>conflict</span> ·\s*'
                     r'derived by the rule <a class="rule" href="/rule/judo-weight-categories">', page)
    used = page[page.index("<h2>Derived from</h2>"):page.index("</ul>", page.index("<h2>Derived from</h2>"))]
    assert sources(used) == [("/graph/article/s15", "sentence 15", "verified"),
                             ("/graph/external/j1", "fact j1", "conflict")]


def test_a_derived_graph_built_by_a_query_rule_lists_what_it_used(client):
    page = client.get("/event/judo-women-57kg.html").text
    ((graph, _, _),) = sources(row(page, "atVenue", "venue/champ-de-mars-arena"))
    page = client.get(graph + ".html").text
    assert "<h1>Facts derived by the rule venue-from-sport</h1>" in page and "status-inferred" in page
    used = page[page.index("<h2>Derived from</h2>"):]
    assert sources(used[:used.index("</ul>")]) == [
        ("/graph/article/s12", "sentence 12", "verified"),
        ("/graph/derived/judokas-of-the-paragraph/s12", "rule judokas-of-the-paragraph", "verified"),
        ("/graph/external/e4", "fact e4", "inferred"),
        ("/graph/external/v5", "fact v5", "verified")]


def test_an_external_fact_and_a_sentence_page_say_their_status(client):
    page = client.get("/graph/external/f2.html").text
    assert re.search(r'Status of its facts: <span class="status status-inferred"[^>]*>inferred</span></p>', page)
    assert "Derived from" not in page
    page = client.get("/graph/article/s12.html").text
    assert re.search(r'Status of its facts: <span class="status status-verified"[^>]*>verified</span></p>', page)


# --- the medal chain ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["server", "site"])
def test_the_medal_chain_shows_the_status_of_its_event_and_venue(client, site, where):
    page = dict(server_and_site(client, site, "medal/paris-2024-zhurkamyrza-shukurbekov-bronze"))[where]
    caption = page[page.index("<figcaption>"):page.index("</figcaption>")]
    assert re.search(r'<a class="event" href="/event/judo-90kg">[^<]+</a> '
                     r'<span class="status status-verified"', caption)
    assert re.search(r'<a class="venue" href="/venue/champ-de-mars-arena">[^<]+</a> '
                     r'<span class="status status-inferred"[^>]*>inferred</span>', caption)
    page = client.get("/medal/paris-2024-akmaral-nauatbek-gold.html").text  # her venue is stated (fact b3)
    caption = page[page.index("<figcaption>"):page.index("</figcaption>")]
    assert re.search(r'<a class="venue" href="/venue/champ-de-mars-arena">[^<]+</a> '
                     r'<span class="status status-verified"', caption)


# --- the model ------------------------------------------------------------------------------------------


def test_attribution_takes_the_rule_from_the_graph_iri_and_keeps_the_status():
    hashed = KZ + "graph/derived/venue-from-sport/0e6f474f329b"
    assert Attribution.of(hashed, "derived", None, None, "inferred") == Attribution(
        hashed, "derived", "rule venue-from-sport", "inferred")
    assert Attribution.of(KZ + "graph/derived/judokas-of-the-paragraph/s12", "derived", None, None,
                          "verified").label == "rule judokas-of-the-paragraph"
    assert Attribution.of(KZ + "graph/ontology", None, None, None, "verified").status is None
    assert rule_of(KZ + "graph/derived/games-end-date") == "games-end-date"
    assert rule_of(KZ + "graph/derivedx/a") is None and rule_of(KZ + "graph/article/s12") is None
