"""What the pages show, built from named queries: a resource's facts with their sources and each source's
status (verified, inferred, conflict, unknown), the medals on a timeline (the ontology's documentation is in
``ontology``). Plain data for the templates; no web framework here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..api import KnowledgeGraph
from ..namespaces import GRAPH, KZ, ONTOLOGY_GRAPH, PROV, PROVENANCE_GRAPH, RDF, RDFS, SKOS, WD
from ..results import SelectResult, display
from ..terms import IRI, BNode, LangString, Value

__all__ = [
    "KIND_PAGE",
    "PAGE_LINKS",
    "Attribution",
    "Chain",
    "Fact",
    "GraphFact",
    "Home",
    "More",
    "ResourceGroup",
    "ResourcePage",
    "all_resources",
    "group_by_kind",
    "home",
    "resource_kinds",
    "resource_page",
    "resources_of_kind",
    "rule_of",
]

_FIRST = tuple(IRI(p) for p in (RDF["type"], RDFS["label"], SKOS["altLabel"], SKOS["hiddenLabel"], RDFS["comment"]))
_TYPE, _LABEL, _EXACT_MATCH, _MEDAL = IRI(RDF["type"]), IRI(RDFS["label"]), IRI(SKOS["exactMatch"]), IRI(KZ["Medal"])
_USED, _FACT_STATUS, _SENTENCE = IRI(PROV["used"]), IRI(KZ["factStatus"]), IRI(KZ["sentenceNumber"])


def _select(kg: KnowledgeGraph, name: str, **params: object) -> SelectResult:
    return kg.select(name, **params)


def rule_of(graph: str) -> str | None:
    """The rule whose output a derived graph holds: the segment after ``derived/`` of ``graph/derived/<rule>``
    and ``graph/derived/<rule>/<justification>`` (``kzgraph.dataset.derived_graph``); None for other graphs.

    >>> rule_of("https://w3id.org/kzgraph/graph/derived/judo-weight-categories/j2-90kg")
    'judo-weight-categories'
    >>> rule_of("https://w3id.org/kzgraph/graph/derived/venue-from-sport"), rule_of("https://w3id.org/kzgraph/graph/external/e4")
    ('venue-from-sport', None)
    """
    prefix = GRAPH["derived/"]
    return graph[len(prefix):].split("/", 1)[0] or None if graph.startswith(prefix) else None


@dataclass(frozen=True)
class Attribution:
    """A named graph that states a fact, how to name it (``sentence 5``, ``fact a2``, ``rule …``) and the status
    of what it states (``verified``, ``inferred``, ``conflict`` or ``unknown``; None for the ontology and the
    provenance graph)."""

    graph: str
    kind: str
    label: str
    status: str | None = None

    @classmethod
    def of(cls, graph: str, kind: str | None, sentence: Value | None, fact: Value | None,
           status: Value | None = None) -> Attribution:
        """The source of a ``resource-facts`` row: its graph, the graph's kind, its ``kz:sentenceNumber``
        (an integer) and ``kz:factId`` (a string) when it has them, and its status. A derived graph is named
        after the rule that wrote it (``graph/derived/<rule>/<justification>``: the rule, not the justification)."""
        stated = _text(status)
        rule = rule_of(graph)
        if sentence is not None:
            return cls(graph, "article", f"sentence {sentence}", stated)
        if fact is not None:
            return cls(graph, "external", f"fact {fact}", stated)
        if kind == "derived" or rule is not None:
            return cls(graph, "derived", f"rule {rule or display(IRI(graph))}", stated)
        if graph == ONTOLOGY_GRAPH:
            return cls(graph, "ontology", "ontology")
        if graph == PROVENANCE_GRAPH:
            return cls(graph, "provenance", "provenance")
        return cls(graph, kind or "graph", display(IRI(graph)), stated if kind else None)


@dataclass
class Fact:
    """One triple seen from the page's resource, with every graph that states it."""

    property: IRI
    property_label: str | None
    value: Value
    value_label: str | None
    sources: list[Attribution] = field(default_factory=list)


@dataclass(frozen=True)
class Chain:
    """athlete → medal → event → venue, as far as the data goes."""

    athlete: IRI | BNode
    athlete_name: str | None
    medal: IRI | BNode
    medal_name: str | None
    medal_type: str
    date: datetime.date | None
    event: IRI | BNode | None
    event_name: str | None
    venue: IRI | BNode | None
    venue_name: str | None
    #: The status of the link medal → event and of the link event → venue (the strongest of the graphs stating it).
    event_status: str | None = None
    venue_status: str | None = None

    @classmethod
    def of(cls, row: dict[str, Value | None]) -> Chain:
        """The chain of a ``medal-chain`` row."""
        athlete, medal, event, venue = (_node(row[c]) for c in ("athlete", "medal", "event", "venue"))
        assert athlete is not None and medal is not None, "medal-chain binds ?athlete and ?medal"
        date = row["date"]
        assert date is None or isinstance(date, datetime.date), "kz:medalDate is an xsd:date"
        return cls(athlete, _text(row["athlete_name"]), medal, _text(row["medal_name"]),
                   str(_bound(row, "medal_type")), date, event, _text(row["event_name"]), venue,
                   _text(row["venue_name"]), _text(row.get("event_status")), _text(row.get("venue_status")))


class GraphFact(NamedTuple):
    """A triple of a named graph, with the labels of its terms (a row of ``graph-facts``)."""

    subject: Value
    subject_label: str | None
    property: IRI
    property_label: str | None
    value: Value
    value_label: str | None

    @classmethod
    def of(cls, row: dict[str, Value | None]) -> GraphFact:
        prop = _bound(row, "property")
        assert isinstance(prop, IRI), "a property is an IRI"
        return cls(_bound(row, "subject"), _text(row["subject_label"]), prop, _text(row["property_label"]),
                   _bound(row, "value"), _text(row["value_label"]))


#: The most links of one property, in each direction, that a resource's page shows; it counts the others
#: (``resource-link-counts``) and links to the list of them all (``resource-links``).
PAGE_LINKS = 50


@dataclass(frozen=True)
class More:
    """The links of one property a page does not show: ``total`` in all, ``shown`` of them on the page."""

    direction: str
    predicate: IRI
    shown: int
    total: int

    @property
    def rest(self) -> int:
        """How many are not shown."""
        return self.total - self.shown


@dataclass
class ResourcePage:
    """Everything a resource's page shows."""

    iri: str
    label: str
    types: list[Fact]
    out: list[Fact]
    incoming: list[Fact]
    wikidata: list[str]
    chains: list[Chain]
    graph_facts: list[GraphFact]
    #: The properties with links not shown, by (direction, property).
    more: dict[tuple[str, IRI], More] = field(default_factory=dict)
    #: Whether the resource has more medal chains than ``chains`` (the page links to them all).
    more_chains: bool = False
    #: The page of a named graph: the status of what the graph states (an article sentence's: verified).
    status: str | None = None
    #: The page of a derived graph: the graphs its rule used (``graph-sources``), each with its status.
    used: list[Attribution] = field(default_factory=list)
    #: The page of a derived graph: the rule that wrote it.
    rule: str | None = None

    @property
    def is_medal(self) -> bool:
        """A kz:Medal: its page shows the chain diagram."""
        return any(t.value == _MEDAL for t in self.types)


def _node(value: Value | None) -> IRI | BNode | None:
    """A column that holds a resource (the subject or object of an object property) or nothing."""
    assert value is None or isinstance(value, (IRI, BNode)), f"a resource, not {value!r}"
    return value


def _bound(row: dict[str, Value | None], column: str) -> Value:
    """A column the query always binds (a term of a triple pattern)."""
    value = row[column]
    assert value is not None, column
    return value


def _text(value: Value | None) -> str | None:
    """A column of text (a label, a kind): the string itself; the text of any other literal."""
    return value if value is None or isinstance(value, str) else str(value)


def _facts(rows: Iterable[dict[str, Value | None]]) -> tuple[list[Fact], list[Fact]]:
    grouped: dict[tuple[str, Value, Value], Fact] = {}
    for row in rows:
        prop, value = _bound(row, "property"), _bound(row, "value")
        key = (str(row["direction"]), prop, value)
        fact = grouped.get(key)
        if fact is None:
            fact = grouped[key] = Fact(IRI(str(prop)), _text(row["property_label"]), value, _text(row["value_label"]))
        if row["graph"] is not None:
            source = Attribution.of(str(row["graph"]), _text(row["kind"]), row["sentence"], row["fact"],
                                    row.get("status"))
            if source not in fact.sources:
                fact.sources.append(source)
    out = [f for (d, _, _), f in grouped.items() if d == "out"]
    incoming = [f for (d, _, _), f in grouped.items() if d == "in"]
    out.sort(key=lambda f: (_FIRST.index(f.property) if f.property in _FIRST else len(_FIRST),
                            f.property_label or f.property))
    incoming.sort(key=lambda f: (f.property_label or f.property, f.value_label or str(f.value)))
    return out, incoming


def chains(kg: KnowledgeGraph, iri: str, *, query: str = "medal-chain") -> list[Chain]:
    """The medal chains that involve ``iri`` (as athlete, medal, event or venue); ``query`` may be
    ``medal-chain-sample``, which gives at most ``PAGE_LINKS + 1`` of them in no order."""
    return [Chain.of(row) for row in _select(kg, query, resource=IRI(iri)).to_dicts()]


def _page_chains(kg: KnowledgeGraph, iri: str) -> tuple[list[Chain], bool]:
    """Up to ``PAGE_LINKS`` medal chains of ``iri`` by date, and whether it has more."""
    found = chains(kg, iri, query="medal-chain-sample")
    shown = sorted(found[:PAGE_LINKS], key=lambda c: (c.date is not None, c.date or datetime.date.min,
                                                        c.athlete_name or "", c.medal))  # medal-chain's ORDER BY
    return shown, len(found) > PAGE_LINKS


def _graph_label(iri: str, out: list[Fact]) -> str | None:
    """A name for a named graph without a label: its sentence, fact id or rule."""
    values = {str(f.property): f.value for f in out}
    if KZ["sentenceNumber"] in values:
        return f"Sentence {values[KZ['sentenceNumber']]} of the article"
    if KZ["factId"] in values:
        return f"External fact {values[KZ['factId']]}"
    rule = rule_of(iri)
    if rule is not None:
        return f"Facts derived by the rule {rule}"
    return None


def _graph_status(out: list[Fact]) -> str | None:
    """The status of what the page's graph states: its ``kz:factStatus`` (by label), verified for a sentence of
    the article; None for a page that is not of such a graph."""
    stated = [f.value_label or display(f.value) for f in out if f.property == _FACT_STATUS]
    return stated[0] if stated else "verified" if any(f.property == _SENTENCE for f in out) else None


def _used(kg: KnowledgeGraph, iri: str) -> list[Attribution]:
    """The graphs a derived graph used, with their statuses (the ``graph-sources`` query)."""
    return [Attribution.of(str(row["used"]), _text(row["kind"]), row["sentence"], row["fact"], row["status"])
            for row in _select(kg, "graph-sources", graph=IRI(iri)).to_dicts()]


def _link_counts(kg: KnowledgeGraph, iri: str) -> dict[tuple[str, IRI], int]:
    """How many links ``iri`` has, by (direction, property): the ``resource-link-counts`` query."""
    return {(str(direction), IRI(str(prop))): int(str(links))
            for direction, prop, links, _ in _select(kg, "resource-link-counts", resource=IRI(iri))}


def _first_links(rows: list[dict[str, Value | None]], total: int) -> list[dict[str, Value | None]]:
    """The rows of the first ``PAGE_LINKS`` values of one property's sample. When the sample holds fewer values
    than there are links, its last value may have been cut off its sources by the query's LIMIT: it is left out."""
    values = list(dict.fromkeys(row["value"] for row in rows))
    if len(values) < total:
        values = values[:-1]
    keep = set(values[:PAGE_LINKS])
    return [row for row in rows if row["value"] in keep]


def _fact_rows(kg: KnowledgeGraph, iri: str,
               counts: dict[tuple[str, IRI], int]) -> tuple[list[dict[str, Value | None]], bool]:
    """The rows of the facts the page shows, and whether some may be left out: every fact (``resource-facts``)
    when no property has more than ``PAGE_LINKS`` links, else up to ``PAGE_LINKS`` of each property
    (``resource-facts-sample``, one query per property), so a page's cost does not grow with its links."""
    if all(total <= PAGE_LINKS for total in counts.values()):
        return _select(kg, "resource-facts", resource=IRI(iri)).to_dicts(), False
    rows: list[dict[str, Value | None]] = []
    for (direction, prop), total in counts.items():
        sample = _select(kg, "resource-facts-sample", resource=IRI(iri), property=prop, direction=direction)
        rows += _first_links(sample.to_dicts(), total)
    return rows, True


def resource_page(kg: KnowledgeGraph, iri: str) -> ResourcePage | None:
    """The page of ``iri``, or None when the dataset does not mention it. It shows at most ``PAGE_LINKS`` links
    of each property in each direction; ``more`` says how many others there are."""
    counts = _link_counts(kg, iri)
    rows, sampled = _fact_rows(kg, iri, counts)
    out, incoming = _facts(rows)
    shown: dict[tuple[str, IRI], int] = defaultdict(int)
    for direction, facts in (("out", out), ("in", incoming)):
        for fact in facts:
            shown[direction, fact.property] += 1
    more = {key: More(*key, shown[key], total) for key, total in counts.items() if sampled and shown[key] < total}
    graph_rows = [GraphFact.of(r) for r in _select(kg, "graph-facts", graph=IRI(iri)).to_dicts()]
    if not out and not incoming and not graph_rows:
        return None
    labels = [f.value for f in out if f.property == _LABEL]
    english = [v for v in labels if (v.lang if isinstance(v, LangString) else "en") in ("en", "")]
    first_label = (english or labels)[0] if labels else None
    label = str(first_label or _graph_label(iri, out) or display(IRI(iri)))
    types = [f for f in out if f.property == _TYPE]
    wikidata = [str(f.value) for f in out
                if f.property == _EXACT_MATCH and isinstance(f.value, IRI) and f.value.startswith(WD)]
    shown_chains, more_chains = _page_chains(kg, iri)
    used = _used(kg, iri) if any(f.property == _USED for f in out) else []
    return ResourcePage(iri, label, types, [f for f in out if f.property != _TYPE], incoming, wikidata,
                        shown_chains, graph_rows, more, more_chains, _graph_status(out), used,
                        rule_of(iri))


@dataclass
class Home:
    """The home page: the medal table, the medals by date, the Games' dates."""

    medals: list[dict[str, Value | None]]
    table: list[dict[str, Value | None]]
    start: datetime.date | None
    end: datetime.date | None
    games: str | None


def home(kg: KnowledgeGraph) -> Home:
    """The material of the home page, from the ``medals``, ``medal-table`` and ``games`` queries."""
    games = _select(kg, "games").to_dicts()
    first = games[0] if games else {}
    start, end = first.get("start_date"), first.get("end_date")
    return Home(_select(kg, "medals").to_dicts(), _select(kg, "medal-table").to_dicts(),
                start if isinstance(start, datetime.date) else None,
                end if isinstance(end, datetime.date) else None,
                str(first["games"]) if first.get("games") else None)


class ResourceGroup(NamedTuple):
    """The resources of one kind, as a listing shows them: rows with ``resource``, ``label`` and ``type``."""

    kind: str
    resources: list[dict[str, Value | None]]


def group_by_kind(rows: Iterable[dict[str, Value | None]]) -> list[ResourceGroup]:
    """Rows of the ``resources`` or ``resources-of-kind`` query by their ``type`` (the label of their class;
    ``other`` when they have none), the kinds in alphabetical order and the rows of each in the order given:
    the listing of the server's ``/resources`` pages and of a published site's ``resources.html``.

    >>> rows = [{"resource": IRI("x:b"), "type": "Venue"}, {"resource": IRI("x:a"), "type": None},
    ...         {"resource": IRI("x:c"), "type": "Venue"}]
    >>> [(g.kind, [str(r["resource"]) for r in g.resources]) for g in group_by_kind(rows)]
    [('Venue', ['x:b', 'x:c']), ('other', ['x:a'])]
    """
    groups: dict[str, list[dict[str, Value | None]]] = {}
    for row in rows:
        groups.setdefault(str(row["type"] or "other"), []).append(row)
    return [ResourceGroup(kind, groups[kind]) for kind in sorted(groups)]


def all_resources(kg: KnowledgeGraph) -> list[dict[str, Value | None]]:
    """Every IRI of the namespace the data uses, with a label and a type (the ``resources`` query)."""
    return _select(kg, "resources").to_dicts()


#: The most resources the ``resources-of-kind`` query lists (its LIMIT).
KIND_PAGE = 500


def resource_kinds(kg: KnowledgeGraph) -> list[tuple[IRI, str]]:
    """(class, label) of each class of the ontology that has instances (the ``resource-kinds`` query)."""
    return [(IRI(str(row["class"])), str(row["label"])) for row in _select(kg, "resource-kinds").to_dicts()]


def resources_of_kind(kg: KnowledgeGraph, cls: IRI) -> list[dict[str, Value | None]]:
    """Up to ``KIND_PAGE`` instances of ``cls`` with their labels and their type, the label of ``cls`` (the
    ``resources-of-kind`` query)."""
    return _select(kg, "resources-of-kind", **{"class": cls}).to_dicts()
