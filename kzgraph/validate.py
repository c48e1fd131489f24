"""Validation: SHACL shapes (pySHACL) over the whole dataset, plus the ``*-violation`` check queries.

Failure is a result, not an exception: ``ValidationReport.conforms`` is False and ``violations`` says why.
rdflib and pySHACL are imported only when SHACL validation runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .backends import Backend
from .binding import execute
from .errors import DataError, DataSyntaxError
from .namespaces import SH
from .queries import NamedQuery
from .results import GraphResult, SelectResult, display
from .terms import IRI

__all__ = ["ValidationReport", "Violation", "run_checks", "shacl", "validate"]


@dataclass(frozen=True, order=True)
class Violation:
    """One problem: the focus node, the SHACL constraint component (or ``check:<query name>``), the
    property path when there is one, a message, and the severity (Violation, Warning or Info)."""

    focus_node: str
    component: str
    path: str | None
    message: str
    severity: str = "Violation"


@dataclass
class ValidationReport:
    """The outcome of ``validate``: ``conforms``, a readable ``text`` and the ``violations``."""

    conforms: bool
    text: str
    violations: list[Violation] = field(default_factory=list)

    def to_result(self) -> SelectResult:
        """The violations as a table: focus_node, component, path, message, severity."""
        return SelectResult(["focus_node", "component", "path", "message", "severity"],
                            [(IRI(v.focus_node) if "://" in v.focus_node else v.focus_node, v.component,
                              v.path, v.message, v.severity) for v in self.violations])


def _short(term: object) -> str:
    text = str(term)
    return text[len(SH):] if text.startswith(SH) else text


def shacl(backend: Backend, shapes: Path) -> ValidationReport:
    """Validate the union of all graphs (ontology included) against the SHACL ``shapes`` file."""
    import pyshacl  # heavy: only here
    import rdflib

    data = rdflib.Graph()
    data.parse(data=backend.dump("nt"), format="nt")
    shapes_graph = rdflib.Graph()
    try:
        shapes_graph.parse(str(shapes), format="turtle")
    except FileNotFoundError as exc:
        raise DataError(f"{shapes}: missing SHACL shapes file") from exc
    except SyntaxError as exc:  # rdflib's BadSyntax derives from SyntaxError
        raise DataSyntaxError(str(shapes), str(exc)) from exc
    conforms, results, text = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none",
                                               allow_warnings=True)
    sh = rdflib.Namespace(SH)
    violations = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        path = results.value(result, sh.resultPath)
        violations.append(Violation(
            focus_node=str(results.value(result, sh.focusNode)),
            component=_short(results.value(result, sh.sourceConstraintComponent)),
            path=str(path) if isinstance(path, rdflib.URIRef) else (None if path is None else "(complex path)"),
            message=str(results.value(result, sh.resultMessage) or ""),
            severity=_short(results.value(result, sh.resultSeverity))))
    return ValidationReport(bool(conforms), str(text), sorted(violations))


def run_checks(backend: Backend, checks: Iterable[NamedQuery]) -> ValidationReport:
    """Run the ``*-violation`` queries; every row they return is a violation."""
    violations, lines = [], []
    for check in checks:
        result = execute(backend, check)
        rows = result.as_select() if isinstance(result, GraphResult) else result
        if not isinstance(rows, SelectResult) or not rows.rows:
            lines.append(f"{check.name}: ok")
            continue
        lines.append(f"{check.name}: {len(rows)} row(s)")
        for row in rows:
            pairs = zip(rows.columns[1:], row[1:], strict=False)
            detail = "; ".join(f"{c}={display(v)}" for c, v in pairs if v is not None)
            message = check.title + (f" ({detail})" if detail else "")
            violations.append(Violation(str(row[0]) if row else "", f"check:{check.name}", None, message))
    return ValidationReport(not violations, "\n".join(lines) + ("\n" if lines else ""), violations)


def validate(backend: Backend, shapes: Path | None, checks: Iterable[NamedQuery] = ()) -> ValidationReport:
    """SHACL (when ``shapes`` is given) and the check queries, merged into one report."""
    reports = [run_checks(backend, checks)]
    if shapes is not None:
        reports.insert(0, shacl(backend, shapes))
    return ValidationReport(all(r.conforms for r in reports), "".join(r.text for r in reports),
                            [v for r in reports for v in r.violations])
