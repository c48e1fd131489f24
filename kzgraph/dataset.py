"""Builds the dataset: the ontology into kzg:ontology, ``data/*.trig`` as given, then the rules.

A rule (``queries/rules/<name>.rq``) is a SELECT that yields facts together with the graphs that justify
them. The columns ``subject``, ``predicate`` and ``object`` give one triple; every column whose name starts
with ``used`` gives a graph the triple was derived from: an IRI bound by a ``GRAPH ?used_x { … }`` pattern
or, for an aggregate, a plain literal of IRIs separated by spaces (``GROUP_CONCAT(DISTINCT STR(?g))``);
unbound columns are skipped. One row is one justification, and names at least one graph: a triple with two
rows has two justifications, each enough on its own, and is written once for each.

Rules run in file-name order over everything loaded so far, each seeing the output of earlier ones. A
rule's triples are grouped by justification (the set of graphs used), and each group goes into a derived
graph of its own: ``kzg:derived/<rule>`` when all of the rule's triples share one justification, else
``kzg:derived/<rule>/<hash>``, the hash being the first 12 hex digits of the SHA-256 of the used graphs'
IRIs, sorted, one per line (the same graphs give the same IRI at every build). The provenance graph says
of each derived graph::

    <graph> a kz:DerivedGraph ; prov:wasGeneratedBy rule:<rule> ; prov:used <g1>, <g2> … ;
        kz:factStatus <the weakest of the statuses of g1, g2 … and of the rule's cap> .

Statuses, strongest first: kz:Verified, kz:Inferred, kz:Conflict, kz:Unknown (``STATUSES``). A sentence
graph of the article counts as verified (it holds what its source states), and so does a synthetic graph
(what its generator states, true of nothing; what a rule derives from it is as synthetic); an external fact graph or a
derived graph has the status its provenance gives (read once by ``queries/internal/graph-statuses.rq``;
the graphs of a rule are known to the rules after it). A rule whose reasoning is itself only a likely one
caps its output with a header line ``#+ status: inferred`` (or ``conflict``; ``rules`` reads it, and it is
not a header of named queries). Using a graph whose status is not
known is a DataError. The hand-applied rules of ``data/derived.trig`` follow the same convention, and the
check ``queries/checks/derived-status-violation.rq`` holds every derived graph to it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from .backends import Backend, Progress, Source
from .binding import execute
from .errors import DataError
from .namespaces import GRAPH, KZ, ONTOLOGY_GRAPH, PROV, PROVENANCE_GRAPH, RDF, RDFS, resource
from .queries import NamedQuery, internal_query, parse_file, parse_text
from .resources import Resources, find
from .results import SelectResult
from .terms import IRI, BNode, Value, to_ntriples

__all__ = ["STATUSES", "apply_rule", "build", "code_files", "derived_graph", "graph_kind", "graph_statuses",
           "rule_iri", "rule_status", "rules", "sources", "weakest"]

GRAPH_KINDS = ("ontology", "provenance", "article", "external", "derived", "reconciled", "wikidata", "synthetic")

#: The statuses of a fact, strongest first: a derived fact has the weakest of what it used.
STATUSES = (KZ["Verified"], KZ["Inferred"], KZ["Conflict"], KZ["Unknown"])
_CAPS = {"verified": KZ["Verified"], "inferred": KZ["Inferred"], "conflict": KZ["Conflict"]}
_STATUS_HEADER = r"#\+\s*status\s*:\s*(.*)"


def code_files() -> list[str]:
    """The files whose content decides what a build gives, besides its inputs (kzgraph.buildcache hashes them)."""
    return [os.path.abspath(__file__), find().internal_query_location("graph-statuses")]


def derived_graph(rule_name: str, used: Iterable[str] | None = None) -> str:
    """The graph holding the output of a rule: one justification (``used`` None), or the output that the
    graphs ``used`` justify when the rule's output has several justifications."""
    if used is None:
        return GRAPH[f"derived/{rule_name}"]
    from hashlib import sha256  # only when rules run: not on the start-up path

    digest = sha256("".join(f"{graph}\n" for graph in sorted(used)).encode()).hexdigest()
    return GRAPH[f"derived/{rule_name}/{digest[:12]}"]


def rule_iri(rule_name: str) -> str:
    """The IRI of a rule (a prov:Activity)."""
    return resource("rule", rule_name)


def graph_kind(graph: str) -> str:
    """The kind of a named graph from its IRI: ``kzg:<kind>`` or ``kzg:<kind>/…``; ``other`` otherwise."""
    if not graph.startswith(GRAPH):
        return "other"
    head = graph[len(GRAPH):].split("/", 1)[0]
    return head if head in GRAPH_KINDS else "other"


def weakest(statuses: Iterable[str]) -> str:
    """The weakest of some statuses (IRIs of ``STATUSES``).

    >>> weakest([KZ["Verified"], KZ["Conflict"], KZ["Inferred"]]) == KZ["Conflict"]
    True
    """
    return max(statuses, key=STATUSES.index)


def sources(resources: Resources) -> list[Source]:
    """What to load before the rules: the ontology's modules (into kzg:ontology) and ``data/*.trig``."""
    ontology = resources.ontology_location  # strings, not Paths: pathlib stays off the start-up path
    if not os.path.isfile(ontology):
        raise DataError(f"{ontology}: missing ontology file")
    return [Source(path=p, format="ttl", graph=ONTOLOGY_GRAPH) for p in resources.ontology_locations()] + \
        [Source(path=p, format="trig") for p in resources.data_locations()]


def rules(resources: Resources) -> list[NamedQuery]:
    """The rules, in the order they run."""
    return [_parse_rule(p) for p in resources.rule_locations()]


def _parse_rule(path: str) -> NamedQuery:
    """A rule file: a named query whose header may also say ``#+ status: …``; the header parser reads such a
    line as an empty ``tags`` line (line numbers stay those of the file), and the query keeps the file's text."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError):
        return parse_file(path)  # which says why it cannot be read
    lines = text.splitlines(keepends=True)
    header = 0
    while header < len(lines) and lines[header].startswith("#+"):
        header += 1
    masked = ["#+ tags:\n" if re.fullmatch(_STATUS_HEADER, line.strip()) else line for line in lines[:header]]
    query = parse_text("".join(masked + lines[header:]), name=os.path.splitext(os.path.basename(path))[0],
                       path=path)
    return query._replace(sparql=text)


def rule_status(rule: NamedQuery) -> str:
    """The strongest status a rule's output may have: its ``#+ status:`` header, verified by default."""
    cap = KZ["Verified"]
    for line in rule.sparql.splitlines():
        if not line.startswith("#+"):
            break
        match = re.fullmatch(_STATUS_HEADER, line.strip())
        if match:
            if match[1].strip() not in _CAPS:
                raise DataError(f"{rule.file or rule.name}: unknown status {match[1].strip()!r} "
                                f"(one of {', '.join(_CAPS)})")
            cap = weakest([cap, _CAPS[match[1].strip()]])
    return cap


def graph_statuses(backend: Backend) -> dict[str, str]:
    """The status of each graph whose status the provenance graph gives (a sentence graph: verified)."""
    result = execute(backend, internal_query("graph-statuses"))
    statuses: dict[str, str] = {}
    for graph, status in (row[:2] for row in result) if isinstance(result, SelectResult) else ():
        if str(status) not in STATUSES:
            raise DataError(f"graph {graph} has an unknown kz:factStatus {status}")
        statuses[str(graph)] = weakest([statuses.get(str(graph), str(status)), str(status)])
    return statuses


def _status_of(graph: str, statuses: dict[str, str], where: str) -> str:
    status = statuses.get(graph)
    if status is None and graph_kind(graph) in ("article", "synthetic"):
        status = KZ["Verified"]  # a sentence (or synthetic) graph by its name, even without provenance
    if status is None:
        raise DataError(f"{where}: used graph {graph}, whose status is not known (no kz:factStatus)")
    return status


def _justifications(rule: NamedQuery, result: object) -> dict[frozenset[str], set[str]]:
    """The rule's triples (N-Triples lines) grouped by the set of graphs that justify them."""
    where = rule.file or rule.name
    if not isinstance(result, SelectResult) or result.columns[:3] != ["subject", "predicate", "object"]:
        raise DataError(f"{where}: a rule must be a SELECT of ?subject ?predicate ?object and ?used… graphs")
    used_columns = [i for i, name in enumerate(result.columns) if name.startswith("used")]
    if not used_columns:
        raise DataError(f"{where}: a rule must name the graphs it used (columns ?used…)")
    groups: dict[frozenset[str], set[str]] = {}
    for row in result:
        subject, predicate, value = row[0], row[1], row[2]
        if not isinstance(subject, (IRI, BNode)) or not isinstance(predicate, IRI) or value is None:
            raise DataError(f"{where}: a row is no triple: {subject!r} {predicate!r} {value!r}")
        used: set[str] = set()
        for column in used_columns:
            cell: Value | None = row[column]
            if isinstance(cell, IRI):
                used.add(str(cell))
            elif type(cell) is str:
                used.update(cell.split())
            elif cell is not None:
                raise DataError(f"{where}: column {result.columns[column]} holds {cell!r}, not a graph")
        if not used:
            raise DataError(f"{where}: the fact {to_ntriples(subject)} {to_ntriples(predicate)} "
                            f"{to_ntriples(value)} names no graph it used")
        line = f"{to_ntriples(subject)} {to_ntriples(predicate)} {to_ntriples(value)} .\n"
        groups.setdefault(frozenset(used), set()).add(line)
    return groups


def apply_rule(backend: Backend, rule: NamedQuery, statuses: dict[str, str] | None = None) -> int:
    """Run one rule; store its triples in its derived graphs, and their provenance. Returns the triples
    written. ``statuses`` (graph → status, from ``graph_statuses``) is read when not given, and gets the
    statuses of the graphs written, for the rules that follow."""
    if statuses is None:
        statuses = graph_statuses(backend)
    cap = rule_status(rule)
    groups = _justifications(rule, execute(backend, rule))
    where = rule.file or rule.name
    activity = IRI(rule_iri(rule.name))
    statements: list[tuple[Value, Value, Value]] = [
        (activity, IRI(RDF["type"]), IRI(KZ["Rule"])),
        (activity, IRI(RDF["type"]), IRI(PROV["Activity"])),
    ]
    if rule.title:
        statements.append((activity, IRI(RDFS["label"]), rule.title))
    if rule.description:
        statements.append((activity, IRI(RDFS["comment"]), rule.description))
    loads: list[Source] = []
    for used, triples in sorted(groups.items(), key=lambda group: sorted(group[0])):
        graph = derived_graph(rule.name, used if len(groups) > 1 else None)
        status = weakest([_status_of(g, statuses, where) for g in used] + [cap])
        statuses[graph] = status
        statements += [(IRI(graph), IRI(RDF["type"]), IRI(KZ["DerivedGraph"])),
                       (IRI(graph), IRI(PROV["wasGeneratedBy"]), activity),
                       (IRI(graph), IRI(KZ["factStatus"]), IRI(status))]
        statements += [(IRI(graph), IRI(PROV["used"]), IRI(g)) for g in sorted(used)]
        loads.append(Source(data="".join(sorted(triples)).encode(), format="nt", graph=graph,
                            name=f"rule {rule.name}"))
    provenance = "".join(" ".join(map(to_ntriples, s)) + " .\n" for s in statements).encode()
    loads.append(Source(data=provenance, format="nt", graph=PROVENANCE_GRAPH, name=f"provenance of rule {rule.name}"))
    backend.load(loads)
    return sum(len(triples) for triples in groups.values())


def build(backend: Backend, resources: Resources, *, progress: Progress | None = None,
          extra: Iterable[Source] = ()) -> None:
    """Load ontology, data (and ``extra`` sources) in one transaction, then apply the rules in order."""
    backend.load(sources(resources) + list(extra), progress=progress)
    statuses: dict[str, str] | None = None
    for rule in rules(resources):
        if statuses is None:
            statuses = graph_statuses(backend)
        apply_rule(backend, rule, statuses)
