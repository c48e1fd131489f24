"""Links that keep a reader's language from page to page, on the server and in the static site.

On the server, a page asked for with ``?lang=kk`` links to the site's other pages with the same ``?lang=kk``
(``carrying``): resources, the home page, the lists of one kind. Links to RDF documents, dumps, queries and other
sites stay as they are, and so does every link of a page asked for without ``?lang=`` (its language then comes
from ``Accept-Language``, and its links are the same for every reader):

>>> links = carrying(ServerLinks(), "kk")
>>> links.resource("https://w3id.org/kzgraph/athlete/yergali-shamei"), links.page("index")
('/athlete/yergali-shamei?lang=kk', '/?lang=kk')
>>> links.resource("https://w3id.org/kzgraph/ontology#Medal"), links.document("https://w3id.org/kzgraph/x", "ttl")
('/ontology?lang=kk#Medal', '/x.ttl')
>>> with_lang("/resources?kind=Athlete", "ru"), with_lang("/resources?kind=Athlete", None)
('/resources?kind=Athlete&lang=ru', '/resources?kind=Athlete')
>>> carrying(ServerLinks(), None).resource("https://w3id.org/kzgraph/athlete/yergali-shamei")
'/athlete/yergali-shamei'

In the static site, a page in Kazakh or Russian (``athlete/x.kk.html``) links to the page of another resource in
the same language where that page has such a variant, else to its English page (``VariantLinks``). Which pages
have which variants is known only once every page's linked names were read, so ``Variants`` writes the English
pages at once and keeps the few variants (only pages showing a Kazakh or Russian name have one) until then:

>>> later = Variants()
>>> later.add("athlete/yergali-shamei.kk.html", "athlete/yergali-shamei.html", "kk", print)
>>> links = VariantLinks("event/judo.kk.html", "kk", later.files)
>>> links.resource("https://w3id.org/kzgraph/athlete/yergali-shamei")
'../athlete/yergali-shamei.kk.html'
>>> links.resource("https://w3id.org/kzgraph/athlete/david-degtyarev"), links.page("index")
('../athlete/david-degtyarev.html', '../index.html')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

from .languages import DEFAULT, language
from .links import ServerLinks, StaticLinks
from .localnames import variant_file

__all__ = ["LangLinks", "VariantLinks", "Variants", "carrying", "chosen", "with_lang"]

#: The pages of the server (``Links.page`` names) that show names in a language and so keep ``?lang=``.
_LOCALISED_PAGES = frozenset({"index", "resources", "ontology"})


def with_lang(href: str, lang: str | None) -> str:
    """``href`` with ``lang=`` added to its query (before its ``#fragment``); ``href`` itself when ``lang`` is
    None."""
    if lang is None:
        return href
    path, hash_, fragment = href.partition("#")
    return f"{path}{'&' if '?' in path else '?'}lang={quote(lang, safe='')}{hash_}{fragment}"


class LangLinks(ServerLinks):
    """The server's links from a page asked for with ``?lang=``: its other HTML pages keep ``?lang=``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def resource(self, iri: str) -> str | None:
        href = super().resource(iri)
        return with_lang(href, self.lang) if href is not None else None

    def page(self, name: str) -> str:
        href = super().page(name)
        return with_lang(href, self.lang) if name in _LOCALISED_PAGES else href


def chosen(param: str | None, accept_language: str | None) -> tuple[str, str | None]:
    """The page's language (``languages.language``) and the one its links carry: the same when ``?lang=``
    (``param``) asked for it, else None.

    >>> chosen("ru-RU", "kk"), chosen(None, "kk")
    (('ru', 'ru'), ('kk', None))
    """
    lang = language(param, accept_language)
    return lang, lang if param is not None else None


def carrying(links: ServerLinks, lang: str | None) -> ServerLinks:
    """The links of a page asked for with ``?lang=lang``: ``LangLinks``; ``links`` when none was asked for."""
    return links if lang is None else LangLinks(lang)


class VariantLinks(StaticLinks):
    """Relative links from ``current``, a static page in ``lang``: to another page's variant in ``lang`` where
    ``files`` (English file → the languages of its variants) says it is written, else to the English page."""

    def __init__(self, current: str, lang: str, files: Mapping[str, set[str]]) -> None:
        super().__init__(current)
        self.lang, self.files = lang, files

    def _in_lang(self, target: str) -> str:
        return variant_file(target, self.lang) if self.lang in self.files.get(target, ()) else target

    def resource(self, iri: str) -> str | None:
        target = self.file(iri)
        if target is None:
            return None
        fragment = iri.partition("#")[2]
        return self._relative(self._in_lang(target)) + (f"#{fragment}" if fragment else "")

    def page(self, name: str) -> str:
        return self._relative(self._in_lang(self._PAGES[name]))


class Variants:
    """The static site's pages in other languages than English, written (``write_all``) once every page's
    variants are known (``files``: each English file → the languages of its variants), so that their links can
    go to each other."""

    def __init__(self) -> None:
        self.files: dict[str, set[str]] = {}
        self._pending: list[tuple[str, str, Callable[[StaticLinks], object]]] = []

    def add(self, name: str, english: str, lang: str, write: Callable[[StaticLinks], object]) -> None:
        """The page ``name``, variant in ``lang`` of ``english``: ``write(links)`` writes it, later (at once for
        English)."""
        if lang == DEFAULT:
            write(StaticLinks(name))
            return
        self.files.setdefault(english, set()).add(lang)
        self._pending.append((name, lang, write))

    def write_all(self) -> None:
        """Write the pages in other languages, each linking to the others' variants in its language."""
        for name, lang, write in self._pending:
            write(VariantLinks(name, lang, self.files))
        self._pending.clear()
