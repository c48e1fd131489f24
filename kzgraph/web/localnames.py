"""The names of the resources a page links to, in the page's language (``languages`` chooses the page's heading).

A Kazakh or Russian page shows each linked resource (an athlete's medals, events, sport, delegation; the home page's
athletes; the resources of a ``/resources?kind=`` list) by the name ``languages.heading`` chooses for it: the
language asked for, else English, else an untagged label (the article's own names, English), else any. ``labels``
reads the labels of a page's resources with ONE query (``queries/internal/resource-names.rq``, the page's IRIs bound
by a ``VALUES`` block, so the engine starts from them), not one per link; ``names`` chooses among them for a
language, and ``variants`` says which languages besides English the page differs in (those a label of its resources
is in): the server's ``<link rel="alternate" hreflang>`` and language links, and the variants ``kzgraph publish``
writes (``athlete/yergali-shamei.kk.html`` beside the English ``.html``, only for those languages).

>>> from kzgraph.terms import LangString
>>> found = {"s": ["Yergali Shamei", LangString("Ерғали Шәмей", "kk"), LangString("Ергали Шамей", "ru")],
...          "d": ["David Degtyarev"], "f": ["Dayana Fedosova", LangString("Даяна Федосова", "ru-RU")]}
>>> variants(found), variants({"d": found["d"]})
(('kk', 'ru'), ())
>>> names(found, "kk")["s"], names(found, "kk")["d"]
(Label(text='Ерғали Шәмей', lang='kk', hint=None), Label(text='David Degtyarev', lang='en', hint='English'))
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from ..api import KnowledgeGraph
from ..binding import batch
from ..namespaces import BASE
from ..queries import internal_query
from ..terms import IRI, LangString, Value
from .languages import DEFAULT, LANGUAGES, Label, heading
from .model import ResourcePage

__all__ = ["BATCH", "Labels", "Localised", "alternates", "labels", "linked", "localise", "names", "renamed",
           "static_pages", "variant_file", "variants"]

#: The most IRIs one ``resource-names`` query binds (a page shows at most ``PAGE_LINKS`` links of each
#: property, a few hundred in all); more are asked for in further queries of this size.
BATCH = 500

#: The labels of some resources by IRI: their ``rdfs:label`` values first, then their ``skos:altLabel`` values.
Labels = dict[str, list[Value]]


def labels(kg: KnowledgeGraph, iris: Iterable[str]) -> Labels:
    """The labels and alternative labels of each of ``iris`` in the dataset's namespace that has some: one
    ``resource-names`` query (per ``BATCH`` IRIs), the IRIs bound first."""
    wanted = sorted({iri for iri in iris if iri.startswith(BASE)})  # the dataset's own: others have no names here
    query = internal_query("resource-names")
    found: Labels = {}
    for start in range(0, len(wanted), BATCH):
        some = batch(query, "resource", [IRI(iri) for iri in wanted[start:start + BATCH]])
        named = [(str(row["resource"]), str(row["kind"]), row["name"]) for row in kg.select(some).to_dicts()
                 if row["name"] is not None]
        # sorted here, not by the query (that doubled its time): rdfs:label before skos:altLabel, then by text
        for resource, _, name in sorted(named, key=lambda r: (r[0], r[1], str(r[2]), _lang(r[2]))):
            found.setdefault(resource, []).append(name)
    return found


def _lang(value: Value) -> str:
    return value.lang if isinstance(value, LangString) else ""


def names(found: Mapping[str, Sequence[Value]], lang: str) -> dict[str, Label]:
    """The name to show of each resource of ``found`` (the answer of ``labels``) to a reader of ``lang``:
    ``languages.heading``'s choice."""
    chosen = {iri: heading(values, lang) for iri, values in found.items()}
    return {iri: label for iri, label in chosen.items() if label is not None}


def variants(found: Mapping[str, Sequence[Value]]) -> tuple[str, ...]:
    """The languages besides English (of ``LANGUAGES``) a page showing the resources of ``found`` differs in:
    those one of their labels is in (``ru-RU`` counts as ``ru``)."""
    tags = {value.lang.split("-", 1)[0].lower() for values in found.values() for value in values
            if isinstance(value, LangString)}
    return tuple(lang for lang in LANGUAGES if lang != DEFAULT and lang in tags)


def alternates(langs: Sequence[str], href: Callable[[str], str]) -> list[tuple[str, str]]:
    """``(language, link)`` of a page's English version and its variants in ``langs`` (none: no alternates,
    the page exists in English only); ``href(lang)`` is the link to the page in ``lang``."""
    return [(lang, href(lang)) for lang in (DEFAULT, *langs)] if langs else []


def linked(page: ResourcePage) -> list[str]:
    """The IRIs of the resources ``page`` names: itself, the values of its facts, the resources linking to it,
    the subjects and values of a graph's facts, and the athletes, events and venues of its medal chains."""
    found: list[Value | None] = [IRI(page.iri), *(f.value for f in page.out + page.incoming)]
    found += [term for g in page.graph_facts for term in (g.subject, g.value)]
    found += [term for c in page.chains for term in (c.athlete, c.event, c.venue)]
    return list(dict.fromkeys(str(term) for term in found if isinstance(term, IRI)))


class Localised(NamedTuple):
    """What a template needs to show a page's resources in ``page_lang``: their ``names`` (``term`` and
    ``named_link`` of ``render`` show them) and the page's ``alternates`` (its versions in other languages).
    ``_asdict()`` is the template's context."""

    page_lang: str
    names: dict[str, Label]
    alternates: list[tuple[str, str]]


def localise(kg: KnowledgeGraph, iris: Iterable[str], lang: str, href: Callable[[str], str]) -> Localised:
    """The names of the resources ``iris`` (one query) in ``lang`` and the page's alternates, ``href(lang)``
    being the page in ``lang``."""
    found = labels(kg, iris)
    return Localised(lang, names(found, lang), alternates(variants(found), href))


def renamed(rows: Sequence[dict[str, Value | None]], shown: Mapping[str, Label], iri: str,
            name: str) -> list[dict[str, Value | None]]:
    """``rows`` with column ``name`` the ``shown`` name of the resource in column ``iri`` where it has one (for
    pictures, which show text only)."""
    return [{**row, name: shown[str(row[iri])].text} if str(row.get(iri)) in shown else row for row in rows]


def variant_file(html_file: str, lang: str) -> str:
    """The static site's file of a page in ``lang``: ``athlete/x.kk.html`` beside ``athlete/x.html`` (English).

    >>> variant_file("athlete/yergali-shamei.html", "kk"), variant_file("index.html", "en")
    ('athlete/yergali-shamei.kk.html', 'index.html')
    """
    return html_file if lang == DEFAULT else f"{html_file.removesuffix('.html')}.{lang}.html"


def static_pages(found: Mapping[str, Sequence[Value]], html_file: str) -> list[tuple[str, Localised]]:
    """The files of a static page and what each shows: ``html_file`` in English, and a variant in each language
    its resources (``found``: the answer of ``labels``) have a name in, each linking to the others by file name
    (they are side by side)."""
    langs = variants(found)
    links = alternates(langs, lambda code: posixpath.basename(variant_file(html_file, code)))
    return [(variant_file(html_file, lang), Localised(lang, names(found, lang), links)) for lang in (DEFAULT, *langs)]
