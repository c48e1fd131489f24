"""A reader's language kept from page to page (``kzgraph.web.langlinks``): a served page asked for with ``?lang=kk``
links to the site's other pages with ``?lang=kk`` (resources, home, the lists of one kind; not RDF documents, dumps
or other sites), a page without ``?lang=`` links as before; and in the static site a ``.kk.html`` / ``.ru.html``
variant links to the other resources' variants in its language where they are written, else to their English
pages. Only Yergali Shamei (kk and ru) and Dayana Fedosova (ru) have such names (``data/external.trig``).
In process (Starlette's TestClient) and a published site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kzgraph.web.publish import publish

DELEGATION = "/delegation/kazakhstan-paris-2024.html"


def hrefs(text: str) -> set[str]:
    """The targets of the page's ``<a>`` links (hreflang links to its own variants left out)."""
    return {href for attributes in re.findall(r"<a ([^>]*)>", text) if "hreflang" not in attributes
            for href in re.findall(r'href="([^"]*)"', attributes)}


def get(client, path: str, **headers: str) -> str:
    r = client.get(path, headers={"Accept": "text/html", **headers})
    assert r.status_code == 200, r.text
    return r.text


@pytest.fixture(scope="module")
def client(make_kzgraph_app):
    return make_kzgraph_app()


def test_a_page_asked_with_lang_links_its_pages_with_it(client):
    links = hrefs(get(client, DELEGATION + "?lang=kk"))
    assert {"/athlete/yergali-shamei?lang=kk", "/athlete/david-degtyarev?lang=kk", "/?lang=kk",
            "/resources?lang=kk", "/medal/paris-2024-yergali-shamei-silver?lang=kk",
            "/ontology?lang=kk#flagBearer"} <= links
    assert "/athlete/yergali-shamei" not in links and "/" not in links
    assert "/delegation/kazakhstan-paris-2024.ttl" in links  # the RDF documents as they are
    assert "/about" in links and "/queries" in links  # pages that show no names
    assert not {href for href in links if href.startswith("http") and "lang=" in href}  # other sites untouched


def test_a_page_without_lang_links_as_before(client):
    for headers in ({}, {"Accept-Language": "kk"}):  # the language from Accept-Language: links the same for all
        links = hrefs(get(client, DELEGATION, **headers))
        assert {"/athlete/yergali-shamei", "/athlete/david-degtyarev", "/", "/resources"} <= links
        assert not {href for href in links if "lang=" in href}


def test_the_cache_keeps_pages_with_and_without_lang_apart(make_kzgraph_app):
    fresh = make_kzgraph_app()  # nothing cached yet
    page = "/medal/paris-2024-yergali-shamei-silver.html"
    assert "/athlete/yergali-shamei?lang=ru" in hrefs(get(fresh, page + "?lang=ru"))
    plain = get(fresh, page, **{"Accept-Language": "ru"})  # the same language, not asked by ?lang=
    assert "/athlete/yergali-shamei" in hrefs(plain) and ">Ергали Шамей<" in plain
    assert not {href for href in hrefs(plain) if "lang=" in href}
    assert "/athlete/yergali-shamei?lang=ru" in hrefs(get(fresh, page + "?lang=ru"))  # and the other way round
    assert "/?lang=ru" in hrefs(get(fresh, "/?lang=ru")) and "/" in hrefs(get(fresh, "/"))


def test_following_a_link_keeps_the_language(client):
    r = client.get("/athlete/yergali-shamei?lang=kk", headers={"Accept": "text/html", "Accept-Language": "ru"})
    assert r.status_code == 303 and r.headers["location"] == "/athlete/yergali-shamei.html?lang=kk"
    text = get(client, r.headers["location"], **{"Accept-Language": "ru"})
    assert '<h1 lang="kk">Ерғали Шәмей</h1>' in text  # ?lang= wins over the header
    assert "/medal/paris-2024-yergali-shamei-silver?lang=kk" in hrefs(text)


def test_the_home_page_and_its_timeline_keep_lang(client):
    text = get(client, "/?lang=ru")
    assert {"/athlete/yergali-shamei?lang=ru", "/athlete/dayana-fedosova?lang=ru"} <= hrefs(text)
    assert '<a href="/medal/paris-2024-dayana-fedosova-bronze?lang=ru">' in text  # the timeline's picture
    assert "/dumps/kzgraph.ttl" in text and "/dumps/kzgraph.ttl?lang" not in text


def test_the_kinds_and_their_lists_keep_lang(client):
    kinds = get(client, "/resources?lang=kk")
    assert "/resources?kind=Athlete&amp;lang=kk" in hrefs(kinds) and "/?lang=kk" in hrefs(kinds)
    assert "/resources?kind=Athlete" in hrefs(get(client, "/resources"))
    athletes = hrefs(get(client, "/resources?kind=Athlete&lang=kk"))
    assert {"/athlete/yergali-shamei?lang=kk", "/athlete/dayana-fedosova?lang=kk", "/resources?lang=kk"} <= athletes
    r = client.get("/resources?lang=xx")
    assert r.status_code == 400 and "unknown language 'xx'" in r.text


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("language-links") / "site"
    publish(kg, root)
    return root


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_published_variants_link_to_the_variants_in_their_language(site):
    kk = hrefs(read(site, "delegation/kazakhstan-paris-2024.kk.html"))
    assert {"../athlete/yergali-shamei.kk.html", "../medal/paris-2024-yergali-shamei-silver.kk.html",
            "../index.kk.html"} <= kk
    assert {"../athlete/david-degtyarev.html", "../athlete/dayana-fedosova.html"} <= kk  # no Kazakh page: English
    assert "../athlete/yergali-shamei.html" not in kk
    assert "kazakhstan-paris-2024.ttl" in kk and "../resources.html" in kk  # documents, English-only pages
    ru = hrefs(read(site, "index.ru.html"))
    assert {"athlete/yergali-shamei.ru.html", "athlete/dayana-fedosova.ru.html", "athlete/david-degtyarev.html"} <= ru
    medal = hrefs(read(site, "medal/paris-2024-yergali-shamei-silver.ru.html"))
    assert {"../athlete/yergali-shamei.ru.html", "../event/judo-men-73kg.ru.html", "../index.ru.html"} <= medal


def test_english_pages_link_to_english_pages(site):
    english = hrefs(read(site, "delegation/kazakhstan-paris-2024.html"))
    assert {"../athlete/yergali-shamei.html", "../index.html"} <= english
    assert not {href for href in english if re.search(r"\.(kk|ru)\.html", href)}


def test_every_link_of_a_variant_reaches_a_file(site):
    variants = [p for p in site.rglob("*.html") if re.search(r"\.(kk|ru)\.html$", p.name)]
    assert len(variants) == 31
    for page in variants:
        for href in hrefs(page.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", href):
                assert (page.parent / href.split("#", 1)[0]).resolve().is_file(), (page, href)
