"""Pages in Kazakh and Russian where the data has the names: a resource's heading is its label in the language
asked for (``?lang=`` wins over ``Accept-Language``, whose q values count), else its English (or untagged) one
with a hint; the page says which language each is in, answers vary by Accept-Language and are cached per
language, RDF documents are unchanged. The names of linked resources and the static site's variants:
``test_web_language_names``. In process (Starlette's TestClient).
"""

from __future__ import annotations

import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kzgraph.web.publish import publish

SHAMEI = "/athlete/yergali-shamei"


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


class Heading(HTMLParser):
    """The ``lang`` of ``<html>``, and the text, ``lang`` and hint of the page's ``<h1>``."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.page_lang: str | None = None
        self.lang: str | None = None
        self.text = ""
        self.hint = ""
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.page_lang = attributes.get("lang")
        if tag == "h1":
            self.lang = attributes.get("lang")
            self._in.append("h1")
        elif self._in and tag == "small" and attributes.get("class") == "lang-hint":
            self._in.append("hint")

    def handle_endtag(self, tag):
        if self._in and tag in ("h1", "small"):
            self._in.pop()

    def handle_data(self, data):
        if self._in == ["h1"]:
            self.text += data
        elif self._in == ["h1", "hint"]:
            self.hint += data

    @property
    def heading_lang(self) -> str | None:
        """The heading's language: its own ``lang``, else the page's."""
        return self.lang or self.page_lang


def page(client, path: str, accept_language: str | None = None):
    headers = {"Accept": "text/html"} | ({"Accept-Language": accept_language} if accept_language else {})
    r = client.get(path, headers=headers, follow_redirects=True)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    return r, Heading(r.text)


def test_kazakh_reader_gets_the_kazakh_name(client):
    r, h = page(client, SHAMEI, "kk")
    assert str(r.url).endswith("/athlete/yergali-shamei.html")  # by the 303, which keeps the header
    assert (h.text.strip(), h.lang, h.page_lang, h.hint) == ("Ерғали Шәмей", "kk", "kk", "")
    assert "<title>Ерғали Шәмей · kzgraph</title>" in r.text


def test_russian_reader_gets_the_russian_name(client):
    _, h = page(client, SHAMEI + ".html", "ru-RU,ru;q=0.9,en;q=0.8")
    assert (h.text.strip(), h.lang, h.page_lang, h.hint) == ("Ергали Шамей", "ru", "ru", "")


def test_q_values_decide(client):
    _, h = page(client, SHAMEI + ".html", "kk;q=0.3, ru;q=0.7, en;q=0.5")
    assert (h.text.strip(), h.heading_lang) == ("Ергали Шамей", "ru")
    _, h = page(client, SHAMEI + ".html", "de, fr;q=0.9")  # nothing offered: English
    assert (h.text.strip(), h.heading_lang, h.page_lang) == ("Yergali Shamei", "en", "en")


def test_lang_parameter_wins_over_accept_language(client):
    _, h = page(client, SHAMEI + ".html?lang=ru", "kk")
    assert (h.text.strip(), h.lang, h.page_lang) == ("Ергали Шамей", "ru", "ru")
    r = client.get(SHAMEI + "?lang=ru", headers={"Accept": "text/html", "Accept-Language": "kk"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == SHAMEI + ".html?lang=ru"


def test_english_is_the_default_and_unchanged(client):
    r, h = page(client, SHAMEI + ".html")
    assert "<h1>Yergali Shamei</h1>" in r.text and h.page_lang == "en"
    _, h = page(client, SHAMEI + ".html?lang=en", "kk")
    assert (h.text.strip(), h.heading_lang, h.hint) == ("Yergali Shamei", "en", "")


def test_a_name_not_in_the_language_asked_for_says_which_it_is(client):
    # David Degtyarev has only an untagged name (the article's, English): a Kazakh reader sees it, marked
    _, h = page(client, "/athlete/david-degtyarev.html", "kk")
    assert (h.text.strip(), h.lang, h.page_lang, h.hint) == ("David Degtyarev", "en", "kk", "(English)")
    # Dayana Fedosova has a Russian name, no Kazakh one: English comes before Russian
    _, h = page(client, "/athlete/dayana-fedosova.html", "kk")
    assert (h.text.strip(), h.lang, h.hint) == ("Dayana Fedosova", "en", "(English)")
    _, h = page(client, "/athlete/dayana-fedosova.html?lang=ru")
    assert (h.text.strip(), h.lang, h.hint) == ("Даяна Федосова", "ru", "")


def test_pages_vary_by_accept_language_and_are_cached_per_language(client):
    answers = {lang: client.get(SHAMEI + ".html", headers={"Accept-Language": lang}) for lang in ("kk", "ru", "en")}
    for r in answers.values():
        assert "Accept-Language" in r.headers["vary"] and "Accept" in r.headers["vary"].split(", ")
    assert "Ерғали Шәмей</h1>" in answers["kk"].text and "Ергали Шамей</h1>" in answers["ru"].text
    assert "<h1>Yergali Shamei</h1>" in answers["en"].text
    again = client.get(SHAMEI + ".html", headers={"Accept-Language": "kk"})
    assert again.text == answers["kk"].text  # from the cache, in its own language


def test_unknown_language_is_a_bad_request(client):
    r = client.get(SHAMEI + ".html?lang=xx", headers={"Accept": "text/plain"})
    assert r.status_code == 400
    assert "unknown language 'xx'" in r.text and "en, kk, ru" in r.text
    assert client.get(SHAMEI + "?lang=xx", follow_redirects=False).status_code == 400
    # a header is a hint: one that cannot be read is English, never an error
    _, h = page(client, SHAMEI + ".html", "kk;q=nope, ;;;, ru;q=2")
    assert (h.text.strip(), h.heading_lang) == ("Yergali Shamei", "en")


def test_rdf_documents_are_the_same_in_every_language(client):
    plain = client.get(SHAMEI + ".ttl")
    asked = client.get(SHAMEI + ".ttl?lang=kk", headers={"Accept-Language": "ru"})
    assert plain.status_code == asked.status_code == 200 and plain.text == asked.text
    assert '"Ерғали Шәмей"@kk' in plain.text and '"Ергали Шамей"@ru' in plain.text
    assert "Accept-Language" not in plain.headers["vary"]
    r = client.get(SHAMEI + "?lang=ru", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert r.headers["location"] == SHAMEI + ".ttl"


def test_graph_pages_keep_their_english_names(client):
    _, h = page(client, "/graph/article/s07.html", "kk")
    assert (h.text.strip(), h.heading_lang, h.hint) == ("Sentence 7 of the article", "en", "")


def test_the_static_site_writes_variants_where_names_differ(kg, tmp_path):
    publish(kg, tmp_path / "site")
    athlete = tmp_path / "site" / "athlete"
    assert sorted(p.name for p in athlete.glob("yergali-shamei.*")) == [
        "yergali-shamei.html", "yergali-shamei.jsonld", "yergali-shamei.kk.html", "yergali-shamei.nq",
        "yergali-shamei.nt", "yergali-shamei.rdf", "yergali-shamei.ru.html", "yergali-shamei.trig",
        "yergali-shamei.ttl"]
    h = Heading((athlete / "yergali-shamei.html").read_text(encoding="utf-8"))
    assert (h.text.strip(), h.heading_lang, h.page_lang, h.hint) == ("Yergali Shamei", "en", "en", "")
    h = Heading((athlete / "yergali-shamei.kk.html").read_text(encoding="utf-8"))
    assert (h.text.strip(), h.heading_lang, h.page_lang, h.hint) == ("Ерғали Шәмей", "kk", "kk", "")
    h = Heading((athlete / "yergali-shamei.ru.html").read_text(encoding="utf-8"))
    assert (h.text.strip(), h.heading_lang, h.page_lang, h.hint) == ("Ергали Шамей", "ru", "ru", "")


def test_a_page_in_another_language_runs_the_same_queries(make_kzgraph_app, monkeypatch):
    from kzgraph.api import KnowledgeGraph
    from kzgraph.web import model

    client = make_kzgraph_app(cache=False)  # every page built here, whatever other tests asked for before

    run: list[str] = []
    select = model._select
    monkeypatch.setattr(model, "_select", lambda kg, name, **params: run.append(name) or select(kg, name, **params))
    select_any = KnowledgeGraph.select
    monkeypatch.setattr(KnowledgeGraph, "select",
                        lambda kg, query, **params: run.append(getattr(query, "name", query))
                        or select_any(kg, query, **params))
    counts = {}
    for lang in ("en", "kk", "ru"):
        before = len(run)
        assert client.get("/athlete/akmaral-nauatbek.html?lang=" + lang).status_code == 200
        counts[lang] = [name for name in run[before:] if name != "resource-names"]
        assert run[before:].count("resource-names") == 1  # the linked resources' names: one query per page
    assert counts["en"] and counts["kk"] == counts["ru"] == counts["en"]  # each built once, none added


def test_the_readme_example(client):
    """README's "Languages" section: each curl answers the name its comment gives, in that language."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (section,) = re.findall(r"\n## Languages\n(.*?)\n## ", readme, flags=re.S)
    (commands,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    shown = []
    for line in commands.splitlines():
        if not line.startswith("curl "):
            continue
        if " | grep -o " in line:  # a link the page holds: the language kept by ?lang=
            command, pattern = line.split(" | grep -o ")
            url = next(w for w in shlex.split(command) if w.startswith("http://127.0.0.1:8000/"))
            text = client.get(url.removeprefix("http://127.0.0.1:8000"), headers={"Accept": "text/html"}).text
            assert f'href="{shlex.split(pattern)[0]}"' in text
            continue
        command, name = line.split("  # ")
        words = shlex.split(command)
        url = next(w for w in words if w.startswith("http://127.0.0.1:8000/"))
        headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
        r = client.get(url.removeprefix("http://127.0.0.1:8000"), headers=headers)
        h = Heading(r.text)
        shown.append((r.status_code, h.text.strip(), h.heading_lang, name.strip()))
    assert shown == [(200, "Ерғали Шәмей", "kk", "Ерғали Шәмей"), (200, "Ергали Шамей", "ru", "Ергали Шамей")]
