"""Linked resources' names in the page's language (``kzgraph.web.localnames``): a Kazakh or Russian page shows the
athletes, medals, events and delegation it links to by their name in that language where the data has one (only
Yergali Shamei, kk and ru, and Dayana Fedosova, ru: ``data/external.trig`` facts e5 and f4), else in English with
``lang="en"``; ``<link rel="alternate" hreflang>`` and a line of language links on pages that differ; and the
static site's ``.kk.html`` / ``.ru.html`` variants, written only for those pages. In process (Starlette's
TestClient) and a published site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzgraph.web.publish import publish

DELEGATION = "/delegation/kazakhstan-paris-2024.html"


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


def links(text: str) -> dict[str, tuple[str, str | None]]:
    """Each ``<a>`` to an athlete's page: its href → (text, lang attribute), the last one of each href."""
    found = {}
    for attributes, body in re.findall(r"<a ([^>]*)>([^<]*)</a>", text):
        href = re.search(r'href="([^"]*)"', attributes)
        lang = re.search(r'lang="([^"]*)"', attributes)
        if href and "athlete/" in href[1] and "hreflang" not in attributes:
            found[href[1]] = (body, lang[1] if lang else None)
    return found


def alternates(text: str) -> list[tuple[str, str]]:
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', text)


def get(client, path: str, **headers: str) -> str:
    r = client.get(path, headers={"Accept": "text/html", **headers})
    assert r.status_code == 200, r.text
    return r.text


def test_linked_athletes_in_kazakh_with_english_marked(client):
    shown = links(get(client, DELEGATION + "?lang=kk"))  # ?lang= kept by the links
    assert shown["/athlete/yergali-shamei?lang=kk"] == ("Ерғали Шәмей", None)  # the page's own language: no lang
    assert shown["/athlete/david-degtyarev?lang=kk"] == ("David Degtyarev", "en")  # no Kazakh name: English
    assert shown["/athlete/dayana-fedosova?lang=kk"] == ("Dayana Fedosova", "en")  # a Russian name only: English


def test_linked_athletes_in_russian(client):
    shown = links(get(client, DELEGATION, **{"Accept-Language": "ru-RU,ru;q=0.9"}))
    assert shown["/athlete/yergali-shamei"] == ("Ергали Шамей", None)
    assert shown["/athlete/dayana-fedosova"] == ("Даяна Федосова", None)
    assert shown["/athlete/david-degtyarev"] == ("David Degtyarev", "en")


def test_english_pages_name_everything_in_english_without_lang(client):
    shown = links(get(client, DELEGATION))
    assert shown["/athlete/yergali-shamei"] == ("Yergali Shamei", None)
    assert shown["/athlete/david-degtyarev"] == ("David Degtyarev", None)


def test_medal_chain_names_its_athlete_and_marks_the_english_event(client):
    text = get(client, "/medal/paris-2024-yergali-shamei-silver.html?lang=ru")
    assert '<a class="athlete" href="/athlete/yergali-shamei?lang=ru">Ергали Шамей</a>' in text
    assert '<a class="event" href="/event/judo-men-73kg?lang=ru" lang="en">Para judo, up to 73 kg</a>' in text
    assert "<text x=\"20\" y=\"50\">Ергали Шамей</text>" in text  # the chain's picture too
    text = get(client, "/event/judo-women-57kg.html?lang=ru")
    assert '<a class="athlete" href="/athlete/dayana-fedosova?lang=ru">Даяна Федосова</a>' in text


def test_home_page_athletes_in_the_language_asked(client):
    r = client.get("/?lang=kk", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "Accept-Language" in r.headers["vary"]
    shown = links(r.text)
    assert shown["/athlete/yergali-shamei?lang=kk"] == ("Ерғали Шәмей", None)
    assert shown["/athlete/david-degtyarev?lang=kk"] == ("David Degtyarev", "en")
    assert '<html lang="kk">' in r.text and ">Ерғали Шәмей</text>" in r.text  # the timeline too
    english = client.get("/", headers={"Accept": "text/html", "Accept-Language": "en"}).text
    assert links(english)["/athlete/yergali-shamei"] == ("Yergali Shamei", None)


def test_served_pages_link_their_languages_where_names_differ(client):
    page = "/athlete/yergali-shamei.html"
    text = get(client, page + "?lang=kk")
    assert alternates(text) == [("en", page + "?lang=en"), ("kk", page + "?lang=kk"), ("ru", page + "?lang=ru")]
    assert '<strong lang="kk">Kazakh</strong>' in text and f'<a href="{page}?lang=ru" hreflang="ru"' in text
    assert alternates(get(client, "/athlete/dayana-fedosova.html")) == [
        ("en", "/athlete/dayana-fedosova.html?lang=en"), ("ru", "/athlete/dayana-fedosova.html?lang=ru")]
    degtyarev = get(client, "/athlete/david-degtyarev.html?lang=kk")  # nothing it shows has a kk or ru name
    assert alternates(degtyarev) == [] and 'class="languages"' not in degtyarev


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("languages") / "site"
    publish(kg, root)
    return root


def test_published_variants_only_where_names_differ(site):
    variants = sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if re.search(r"\.(kk|ru)\.html$", p.name))
    assert {"athlete/yergali-shamei.kk.html", "athlete/yergali-shamei.ru.html", "athlete/dayana-fedosova.ru.html",
            "delegation/kazakhstan-paris-2024.kk.html", "event/judo-men-73kg.kk.html",
            "event/judo-women-57kg.ru.html", "medal/paris-2024-yergali-shamei-silver.ru.html",
            "index.kk.html", "index.ru.html"} <= set(variants)
    assert "athlete/dayana-fedosova.kk.html" not in variants  # she has no Kazakh name
    assert not (site / "athlete" / "david-degtyarev.kk.html").exists()  # no kk or ru name on his page
    assert not (site / "athlete" / "david-degtyarev.ru.html").exists()
    assert len(variants) == 31  # of 180 resources' pages and the home page
    assert "athlete/yergali-shamei.kk.html" in (site / ".kzgraph-site").read_text(encoding="utf-8")


def test_published_variants_link_each_other(site):
    kk = (site / "athlete" / "yergali-shamei.kk.html").read_text(encoding="utf-8")
    english = (site / "athlete" / "yergali-shamei.html").read_text(encoding="utf-8")
    expected = [("en", "yergali-shamei.html"), ("kk", "yergali-shamei.kk.html"), ("ru", "yergali-shamei.ru.html")]
    assert alternates(kk) == alternates(english) == expected
    assert '<html lang="kk">' in kk and '<h1 lang="kk">Ерғали Шәмей</h1>' in kk
    assert '<a href="yergali-shamei.ru.html" hreflang="ru" lang="ru">Russian</a>' in kk
    delegation = (site / "delegation" / "kazakhstan-paris-2024.ru.html").read_text(encoding="utf-8")
    shown = links(delegation)
    assert shown["../athlete/yergali-shamei.ru.html"] == ("Ергали Шамей", None)  # their pages in Russian
    assert shown["../athlete/dayana-fedosova.ru.html"] == ("Даяна Федосова", None)
    assert shown["../athlete/david-degtyarev.html"] == ("David Degtyarev", "en")  # his page is English only
    degtyarev = (site / "athlete" / "david-degtyarev.html").read_text(encoding="utf-8")
    assert alternates(degtyarev) == [] and 'class="languages"' not in degtyarev


def test_the_list_of_athletes_in_the_language_asked(client):
    r = client.get("/resources?kind=Athlete", headers={"Accept-Language": "kk"})
    assert r.status_code == 200 and "Accept-Language" in r.headers["vary"]
    shown = links(r.text)
    assert shown["/athlete/yergali-shamei"] == ("Ерғали Шәмей", None)
    assert shown["/athlete/dayana-fedosova"] == ("Dayana Fedosova", "en")
    assert ("ru", "/resources?kind=Athlete&amp;lang=ru") in alternates(r.text)
    shown = links(client.get("/resources?kind=Athlete&lang=ru").text)
    assert shown["/athlete/dayana-fedosova?lang=ru"] == ("Даяна Федосова", None)
    assert links(client.get("/resources?kind=Athlete").text)["/athlete/yergali-shamei"] == ("Yergali Shamei", None)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_one_query_reads_the_names_on_every_embedded_engine(engine_kg, engine):
    from kzgraph.terms import LangString
    from kzgraph.web import localnames

    base = "https://w3id.org/kzgraph/athlete/"
    found = localnames.labels(engine_kg(engine), [base + "yergali-shamei", base + "david-degtyarev",
                                                  "https://www.wikidata.org/wiki/Q1"])  # not the dataset's: not asked
    assert found == {base + "yergali-shamei": ["Yergali Shamei", LangString("Ергали Шамей", "ru"),
                                               LangString("Ерғали Шәмей", "kk")],
                     base + "david-degtyarev": ["David Degtyarev"]}
    assert {iri: label.text for iri, label in localnames.names(found, "ru").items()} == {
        base + "yergali-shamei": "Ергали Шамей", base + "david-degtyarev": "David Degtyarev"}
    assert localnames.variants(found) == ("kk", "ru")
