"""The HTML pages, from Jinja templates shared by the server and the static site.

Templates get ``links`` (a :class:`~kzgraph.web.links.Links`), so they never spell a URL themselves; the
helpers here turn RDF terms into text and links. Only http(s) and relative links are links (``link``,
``term``): an IRI of another scheme (``javascript:``) is shown as text. Static pages carry the server's
Content-Security-Policy (``CONTENT_SECURITY_POLICY``) in a ``<meta http-equiv>``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..namespaces import BASE, XSD
from ..results import display
from ..terms import IRI, BNode, LangString, TypedLiteral, Value
from . import svg
from .languages import DEFAULT, LANGUAGES, Label, page_heading
from .links import Links
from .model import Chain

__all__ = ["CONTENT_SECURITY_POLICY", "STATIC", "TEMPLATES", "Renderer"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
#: Nothing from other origins (YASGUI styles some elements inline): the header of every answer of
#: ``kzgraph serve``, and a ``<meta http-equiv>`` of every page ``kzgraph publish`` writes.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")


def _link(links: Links, iri: str, text: str, cls: str | None = None, title: str | None = None,
          lang: str | None = None) -> Markup:
    """``<a>`` to ``iri`` (its page in the namespace) when it is an http(s) IRI, else a ``<span>`` of text;
    ``lang`` is the language of ``text`` when it is not the page's."""
    # escape() and f-strings, not Markup.format (string.Formatter, written in Python): pages call this for
    # every link they show
    href = links.href(iri)
    attributes = ((f' class="{escape(cls)}"' if cls else "") + (f' href="{escape(href)}"' if href is not None else "")
                  + (f' title="{escape(title)}"' if title else "") + (f' lang="{escape(lang)}"' if lang else ""))
    if href is None:
        return Markup(f"<span{attributes}>{escape(text)}</span>")
    return Markup(f"<a{attributes}>{escape(text)}</a>")


def _term(links: Links, value: Value | None, label: str | None = None, lang: str | None = None) -> Markup:
    """A value as HTML: IRIs as links (with their label when known, in ``lang`` when that is not the page's
    language), literals with language or datatype."""
    if value is None:
        return Markup("")
    if isinstance(value, IRI):
        return _link(links, value, label or display(value), "iri" if links.href(value) is None else None,
                     str(value), lang)
    if isinstance(value, BNode):
        return Markup(f"<code>_:{escape(str(value))}</code>")
    if isinstance(value, LangString):
        return Markup(f'{escape(str(value))} <span class="lang">@{escape(value.lang)}</span>')
    if isinstance(value, TypedLiteral):
        return Markup(f'{escape(str(value))} <span class="datatype">{escape(display(IRI(value.datatype)))}</span>')
    if isinstance(value, bool):
        return Markup("true" if value else "false")
    if isinstance(value, (datetime.date, int, Decimal, float)):
        return escape(value.isoformat() if isinstance(value, datetime.date) else str(value))
    return escape(str(value))


class Renderer:
    """Renders pages for one kind of links (server or static site)."""

    def __init__(self) -> None:
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                      auto_reload=False)  # templates ship with the package: no stat per page
        self.env.globals.update(base=BASE, XSD=XSD, content_security_policy=CONTENT_SECURITY_POLICY,
                                page_heading=page_heading,  # a resource's heading in the page's language
                                language_names=LANGUAGES)
        self.env.filters["short"] = lambda value: display(value) if value is not None else ""

    def render(self, template: str, links: Links, **context: Any) -> str:
        """A page: ``template`` with ``links`` and the helpers every page uses. A page in another language
        than English gives ``page_lang`` and ``names`` (``localnames.names``: the linked resources' names in
        it), which ``term`` and ``named_link`` show, with a ``lang`` attribute where a name is in another."""
        names: Mapping[str, Label] = context.get("names") or {}
        page_lang = context.get("page_lang") or DEFAULT

        def name(iri: object, text: str | None) -> tuple[str | None, str | None]:
            found = names.get(str(iri)) if iri is not None else None
            return (text, None) if found is None else (found.text, found.lang if found.lang != page_lang else None)

        def term(value: Value | None, label: str | None = None) -> Markup:
            return _term(links, value, *name(value, label)) if isinstance(value, IRI) else _term(links, value, label)

        def link(iri: str, text: str, cls: str | None = None, title: str | None = None) -> Markup:
            return _link(links, iri, text, cls, title)

        def named_link(iri: str, text: str, cls: str | None = None) -> Markup:
            shown, lang = name(iri, text)
            return _link(links, iri, shown or text, cls, None, lang)

        def chain_svg(item: Chain, ident: str = "chain") -> Markup:
            return Markup(svg.chain([("athlete", name(item.athlete, item.athlete_name)[0], item.athlete),
                                     ("medal", f"{item.medal_type}" + (f", {item.date.isoformat()}" if item.date
                                                                       else ""), item.medal),
                                     ("event", name(item.event, item.event_name)[0], item.event),
                                     ("venue", name(item.venue, item.venue_name)[0], item.venue)],
                                    links.resource, ident=ident))

        def as_json(data: object) -> Markup:
            text = json.dumps(data, ensure_ascii=False)
            return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

        helpers: dict[str, Callable[..., Any]] = {"term": term, "link": link, "named_link": named_link,
                                                   "chain_svg": chain_svg, "as_json": as_json, "escape": escape}
        return self.env.get_template(template).render(links=links, **helpers, **context)

    @staticmethod
    def medal_bars(rows: Sequence[dict[str, Value | None]]) -> Markup:
        """The medal table as bars (safe SVG markup)."""
        return Markup(svg.medal_bars(rows))

    @staticmethod
    def timeline(links: Links, medals: Sequence[dict[str, Value | None]], start: datetime.date | None,
                 end: datetime.date | None) -> Markup:
        """The medals by date (safe SVG markup)."""
        return Markup(svg.timeline(medals, start, end, links.resource))
