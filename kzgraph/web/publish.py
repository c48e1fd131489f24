"""``kzgraph publish``: the graph as a static linked-data site, browsable from any host or from disk.

Layout of ``DIR`` (every link relative, every page a file ending in ``.html``)::

    index.html  resources.html  about.html          home (medal table, timeline), all resources, data
    ontology.html  .ttl  .jsonld  .nt  .rdf  .trig  .nq      documentation (terms as #anchors)
    <kind>/<slug>.html  .ttl  .jsonld  .nt  .rdf  .trig  .nq  one page and six data files per resource
    <kind>/<slug>.kk.html  .ru.html                  the page in Kazakh, Russian where names differ
    dumps/kzgraph.trig  .nq  .jsonld  .ttl  .nt  .rdf
    .well-known/void  .well-known/void.ttl  static/kzgraph.css  .nojekyll  .kzgraph-site
    _headers  .htaccess                              the server's HTTP headers for Netlify, Cloudflare Pages, Apache
    openapi.json                                     the API of kzgraph serve (web.openapi), for clients
    robots.txt  sitemap.xml  sitemap-pages.xml  sitemap-resources-N.xml      for crawlers (web.sitemaps)

A resource's files are named after its IRI's path under the namespace; its data files are those the server
answers (``documents``: every RDF format of the dumps, TriG and N-Quads with the graphs stating each fact), and
its page shows the status of each fact as the server's does. Nothing is written outside
``DIR``: every path is checked after resolving symbolic links, and an IRI whose path is not a plain
file name (``..``, a separator, an empty segment) is refused with its name. ``DIR`` must be empty or
an earlier kzgraph site (it holds ``.kzgraph-site``). A page whose resource, or a resource it links to, has a
Kazakh or Russian name gets a variant in that language beside it (``athlete/yergali-shamei.kk.html``,
``.ru.html``, ``index.kk.html``: ``localnames``), each variant and the English page linking to all of them
(``<link rel="alternate" hreflang>`` and a line of language links), a variant's links going to the other pages'
variants in its language where they are written (``langlinks``); other pages are English only.

``base_url`` is where the site will be served (default: the namespace, ``https://w3id.org/kzgraph/``): the
absolute URLs of the sitemaps, of ``robots.txt`` and of the schema.org ``Dataset`` that ``index.html`` and
``about.html`` embed (``web.schemaorg``) are under it; every link between pages stays relative.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from .. import formats
from ..api import KnowledgeGraph
from ..errors import DataError, UsageError
from ..namespaces import BASE, KZ
from ..results import GraphResult
from . import cachepolicy, langlinks, localnames, model, openapi, schemaorg, sitemaps
from .documents import DUMPS, description, dump_links, serialize_description
from .links import DOCUMENT_FORMATS, RESERVED, StaticLinks
from .ontology import ontology_page
from .render import CONTENT_SECURITY_POLICY, STATIC, Renderer

__all__ = ["MARKER", "Site", "publish"]

MARKER = ".kzgraph-site"
_ONTOLOGY = KZ.rstrip("#")


@dataclass(frozen=True)
class Site:
    """What was written: the directory, the number of files, the number of resources with a page."""

    root: Path
    files: int
    resources: int


def _construct(kg: KnowledgeGraph, name: str, **params: object) -> GraphResult:
    return kg.construct(name, **params)


class _Writer:
    """Writes files under ``root`` only."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.written: list[str] = []

    def path(self, relative: str) -> Path:
        pure = PurePosixPath(relative)
        if pure.is_absolute() or "\\" in relative or any(p in ("", ".", "..") for p in pure.parts):
            raise UsageError(f"refusing to write {relative!r}: not a plain path inside {self.root}")
        target = self.root.joinpath(*pure.parts)
        resolved = target.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise UsageError(f"refusing to write {relative!r}: it resolves to {resolved}, outside {self.root}")
        return resolved

    def write(self, relative: str, data: bytes | str) -> None:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.path(relative) != target:  # a directory on the way was swapped for a link meanwhile
            raise UsageError(f"refusing to write {relative!r}: its directory changed while writing")
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.written.append(relative)


def _prepare(out: str | os.PathLike[str]) -> Path:
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a directory")
    if root.is_dir() and any(root.iterdir()) and not (root / MARKER).is_file():
        raise UsageError(f"{root} is not empty and is not a kzgraph site (no {MARKER}); choose an empty directory")
    root.mkdir(parents=True, exist_ok=True)
    return root


def _file_of(iri: str) -> str:
    """The HTML file of a resource, or DataError when its IRI cannot name a file inside the site."""
    path = iri[len(BASE):].split("#", 1)[0]
    name = StaticLinks.file(iri)
    if name is None or path.split("/", 1)[0] in RESERVED:
        raise DataError(f"<{iri}>: its path {path!r} cannot be a file of the site (only plain names like "
                        f"athlete/some-name, not under {', '.join(sorted(RESERVED))})")
    return name


def publish(kg: KnowledgeGraph, out: str | os.PathLike[str], *, base_url: str = BASE) -> Site:
    """Write the site into ``out``, to be served at ``base_url``; returns what was written."""
    site = schemaorg.Site(base_url)  # a UsageError before anything is written
    root = _prepare(out)
    writer, renderer = _Writer(root), Renderer()
    documents = {name: formats.by_name(name) for name in DOCUMENT_FORMATS if name != "html"}

    every = model.all_resources(kg)  # listed in resources.html; those with a page of their own:
    resources = [r for r in every if "#" not in str(r["resource"]) and str(r["resource"]) not in (BASE, _ONTOLOGY)]
    files = {str(r["resource"]): _file_of(str(r["resource"])) for r in resources}  # all checked before writing
    taken = set(files.values())

    def page(relative: str, template: str, links: StaticLinks | None = None, **context: object) -> None:
        writer.write(relative, renderer.render(template, links or StaticLinks(relative), **context))

    # a page in Kazakh or Russian links to the others in its language: those are written once all are known
    variants = langlinks.Variants()
    data = model.home(kg)
    facts = schemaorg.describe(kg)
    dataset = schemaorg.script(schemaorg.dataset(facts, site))
    athletes = localnames.labels(kg, [str(m["athlete"]) for m in data.medals])
    for name, shown in localnames.static_pages(athletes, "index.html"):  # index.html, index.kk.html …
        def home(links: StaticLinks, name: str = name, shown: localnames.Localised = shown) -> None:
            medals = localnames.renamed(data.medals, shown.names, "athlete", "athlete_name")
            page(name, "home.html", links, home=data, examples=[], config={}, bars=renderer.medal_bars(data.table),
                 timeline=renderer.timeline(links, medals, data.start, data.end), dataset_jsonld=dataset,
                 **shown._asdict())
        variants.add(name, "index.html", shown.page_lang, home)
    page("resources.html", "resources.html", title="Resources", groups=model.group_by_kind(every))
    page("about.html", "about.html", stats=kg.stats(), ontology=_ONTOLOGY,
         dumps=dump_links(lambda f: f"dumps/{f}"), dataset_jsonld=dataset)
    page("ontology.html", "ontology.html", page=ontology_page(kg))
    ontology = _construct(kg, "ontology")
    for name, fmt in documents.items():
        writer.write(f"ontology{fmt.extension}", ontology.serialize(name))

    for iri, html_file in files.items():
        resource = model.resource_page(kg, iri)
        if resource is None:  # used only as a predicate or datatype: nothing to show
            raise DataError(f"<{iri}> is used by the data but has no facts to publish")
        for name, shown in localnames.static_pages(localnames.labels(kg, localnames.linked(resource)), html_file):
            if name != html_file and name in taken:  # athlete/x.kk.html is the page of athlete/x.kk
                raise DataError(f"<{iri}>: its page in {shown.page_lang} would be {name}, another resource's page")
            variants.add(name, html_file, shown.page_lang,
                         partial(page, name, "resource.html", page=resource, **shown._asdict()))
        quads = description(kg, iri)
        for fmt in documents.values():
            writer.write(html_file[: -len(".html")] + fmt.extension, serialize_description(quads, fmt))
    variants.write_all()

    for name in DUMPS:
        fmt = formats.by_name(name)
        writer.write(f"dumps/kzgraph{fmt.extension}", kg.export(name))
    void = _construct(kg, "void").serialize("ttl")
    writer.write(".well-known/void", void)
    writer.write(".well-known/void.ttl", void)
    writer.write("openapi.json", openapi.document(kg.catalogue))
    for asset in ("kzgraph.css", "favicon.svg"):
        writer.write(f"static/{asset}", (STATIC / asset).read_bytes())
    writer.write(".nojekyll", b"")
    for name, text in sitemaps.site_files(site, sitemaps.resource_files(sorted(files)), facts.modified()):
        writer.write(name, text)
    writer.write("_headers", cachepolicy.netlify_headers(CONTENT_SECURITY_POLICY))  # the server's headers for
    writer.write(".htaccess", cachepolicy.htaccess(CONTENT_SECURITY_POLICY))        # Netlify/Cloudflare and Apache
    writer.write(MARKER, "kzgraph static site\n" + "\n".join(sorted(writer.written)) + "\n")
    return Site(root, len(writer.written), len(files))

