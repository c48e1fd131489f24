"""The language of a resource's page: which of its labels is its heading.

A page is asked for in English, Kazakh or Russian (``LANGUAGES``): ``?lang=kk`` names the language (it wins),
else the ``Accept-Language`` header does (its ``q`` values honoured), else English. Only the names the data
holds change; the interface text stays English. ``language`` reads the request:

>>> language(None, "ru-RU,ru;q=0.9,en;q=0.8"), language(None, "de, kk;q=0.5, ru;q=0.4"), language("en", "kk")
('ru', 'kk', 'en')
>>> language(None, None), language(None, "de, fr;q=0.9"), language(None, "kk;q=0, *")
('en', 'en', 'en')
>>> language("xx", None)
Traceback (most recent call last):
...
kzgraph.web.languages.UnknownLanguage: unknown language 'xx'; pages are offered in en, kk, ru (?lang=en, kk or ru)

``heading`` chooses among the labels the page already read (``rdfs:label`` first, then ``skos:altLabel``):
the requested language, else English, else an untagged label (the article's own names, which are English:
shown as ``en``), else any; ``hint`` names the language when it is not the requested one:

>>> from kzgraph.terms import LangString
>>> names = ["Yergali Shamei", LangString("Ерғали Шәмей", "kk"), LangString("Ергали Шамей", "ru")]
>>> heading(names, "kk"), heading(names, "en")
(Label(text='Ерғали Шәмей', lang='kk', hint=None), Label(text='Yergali Shamei', lang='en', hint=None))
>>> heading(["David Degtyarev"], "kk")
Label(text='David Degtyarev', lang='en', hint='English')
>>> heading([LangString("Даяна Федосова", "ru")], "kk"), heading([], "kk")
(Label(text='Даяна Федосова', lang='ru', hint='Russian'), None)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..errors import UsageError
from ..namespaces import RDFS, SKOS
from ..terms import IRI, BNode, LangString, TypedLiteral, Value
from .model import ResourcePage

__all__ = ["DEFAULT", "LANGUAGES", "Label", "UnknownLanguage", "heading", "language", "page_heading"]

#: The languages a page can be asked for, with the name its hint shows (in English, as the interface).
LANGUAGES = {"en": "English", "kk": "Kazakh", "ru": "Russian"}
DEFAULT = "en"
_NAMES = (IRI(RDFS["label"]), IRI(SKOS["altLabel"]))


class UnknownLanguage(UsageError):
    """``?lang=`` names a language pages are not offered in (HTTP 400)."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(value)

    def __str__(self) -> str:
        return (f"unknown language {self.value[:20]!r}; pages are offered in {', '.join(LANGUAGES)} "
                f"(?lang=en, kk or ru)")


def _primary(tag: str) -> str:
    """The primary subtag of a language tag, in lower case: ``ru-RU`` → ``ru``."""
    return tag.strip().split("-", 1)[0].lower()


def _accepted(header: str) -> str | None:
    """The offered language ``Accept-Language`` prefers (highest ``q``, then first), ``*`` meaning English; None
    when it accepts none of them. A malformed part is skipped (a header is a hint, never an error)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = DEFAULT if tag.strip() == "*" else _primary(tag)
        if code in LANGUAGES and 0 < quality <= 1 and (best is None or quality > best[0]):
            best = (quality, position, code)
    return best[2] if best else None


def language(param: str | None, accept_language: str | None) -> str:
    """The page's language: ``?lang=`` (``param``) when given, else the one ``Accept-Language`` prefers, else
    English. An unknown ``?lang=`` is ``UnknownLanguage``."""
    if param is not None:
        if _primary(param) not in LANGUAGES:
            raise UnknownLanguage(param)
        return _primary(param)
    return (_accepted(accept_language) if accept_language else None) or DEFAULT


class Label(NamedTuple):
    """A label as a page shows it: its text, its language (``lang`` of its element) and, when that is not the
    language asked for, the language's name (shown after it, e.g. "(English)")."""

    text: str
    lang: str
    hint: str | None


def _rank(tag: str, lang: str) -> int:
    primary = _primary(tag) if tag else ""
    return 0 if primary == lang else 1 if primary == DEFAULT else 2 if not tag else 3


def heading(labels: Sequence[Value], lang: str) -> Label | None:
    """The label of ``labels`` (in order of preference: the ``rdfs:label`` values, then ``skos:altLabel``) to
    show to a reader of ``lang``; None when there is none."""
    texts = [(str(v), v.lang if isinstance(v, LangString) else "") for v in labels
             if isinstance(v, str) and not isinstance(v, (IRI, BNode, TypedLiteral))]
    if not texts:
        return None
    text, tag = min(texts, key=lambda pair: _rank(pair[1], lang))
    shown = tag or DEFAULT  # an untagged label is one of the article's names, which are English
    return Label(text, shown, None if _primary(shown) == lang else LANGUAGES.get(_primary(shown), shown))


def page_heading(page: ResourcePage, lang: str) -> Label:
    """The heading of a resource's page for a reader of ``lang``: the ``heading`` of its labels and alternative
    labels; a page without one keeps its English name (a sentence's, a rule's: interface text)."""
    labels = sorted((f for f in page.out if f.property in _NAMES), key=lambda f: _NAMES.index(f.property))
    return heading([f.value for f in labels], lang) or Label(page.label, DEFAULT, None)
