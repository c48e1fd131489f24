"""Reference queries: for one named query and one case, the fastest SPARQL someone could write for its rows.

A reference is ``benchmarks/reference/<query>--<short-case>.rq``: ``#+`` header lines, then SPARQL that
returns the same rows as the named query (same columns, same rows, same order) on the same engine, with
the parameters' values written into it as constants::

    #+ query: medal-chain
    #+ case: article athlete
    #+ param: resource = https://w3id.org/kzgraph/athlete/david-degtyarev
    #+ data: synth            (optional: the case holds only on synthetic data of seed 1 beside the article)
    PREFIX kz: <https://w3id.org/kzgraph/ontology#>
    SELECT …

The SPARQL declares its own prefixes: it runs as it is on raw pyoxigraph and on a SPARQL server.
``tests/test_reference_queries.py`` checks every reference against its named query on the article's data;
``answer_latency.py`` times them side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REFERENCE_DIR", "SYNTH_SEED", "Case", "ReferenceError", "cases", "files", "load"]

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
SYNTH_SEED = 1  # the seed of the synthetic data that ``data: synth`` cases are written for
_HEADER = re.compile(r"#\+\s*([a-z]+)\s*:\s*(.*)")
_KEYS = ("query", "case", "param", "data")


class ReferenceError(ValueError):
    """A reference file that cannot be used: its header, its name or its SPARQL is wrong."""


@dataclass(frozen=True)
class Case:
    """One reference: the named query, the case, its raw parameter values, and the SPARQL to compare with."""

    query: str
    case: str
    params: tuple[tuple[str, str], ...]
    synth_only: bool
    sparql: str
    path: Path

    @property
    def key(self) -> str:
        """``<query>--<short-case>``, the file's stem."""
        return self.path.stem

    def arguments(self, catalogue: object) -> dict[str, object]:
        """Keyword arguments for ``kg.query(self.query, **…)``: ``IRI`` values where the param is an ``iri``.

        ``catalogue`` is ``kg.catalogue``; ReferenceError when the query or a parameter is not declared.
        """
        from kzgraph import IRI

        if self.query not in catalogue:  # type: ignore[operator]
            raise ReferenceError(f"{self.path.name}: no named query {self.query!r}")
        named = catalogue[self.query]  # type: ignore[index]
        arguments: dict[str, object] = {}
        for name, value in self.params:
            declared = named.param(name)
            if declared is None:
                raise ReferenceError(f"{self.path.name}: query {self.query!r} has no parameter {name!r}")
            arguments[name] = IRI(value) if declared.type == "iri" else value
        return arguments


def load(path: Path) -> Case:
    """The reference in ``path``; ReferenceError naming the file and line when it is malformed."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {key: [] for key in _KEYS}
    body_start = 0
    for lineno, line in enumerate(text.splitlines(keepends=True), 1):
        if not line.startswith("#+"):
            break
        body_start += len(line)
        match = _HEADER.fullmatch(line.strip())
        if not match or match[1] not in _KEYS:
            raise ReferenceError(f"{path.name}:{lineno}: expected '#+ KEY: VALUE' with KEY one of "
                                 f"{', '.join(_KEYS)}: {line.strip()!r}")
        fields[match[1]].append(match[2].strip())
    for key in ("query", "case"):
        if len(fields[key]) != 1 or not fields[key][0]:
            raise ReferenceError(f"{path.name}: needs exactly one '#+ {key}:' line")
    if fields["data"] not in ([], ["synth"]):
        raise ReferenceError(f"{path.name}: '#+ data:' can only be 'synth'")
    params: list[tuple[str, str]] = []
    for value in fields["param"]:
        name, equals, raw = value.partition("=")
        if not equals or not name.strip() or not raw.strip():
            raise ReferenceError(f"{path.name}: expected '#+ param: NAME = VALUE', got {value!r}")
        params.append((name.strip(), raw.strip()))
    query = fields["query"][0]
    if not path.stem.startswith(f"{query}--") or path.suffix != ".rq":
        raise ReferenceError(f"{path.name}: the file of a reference for {query!r} is named {query}--CASE.rq")
    sparql = text[body_start:].strip()
    if not sparql:
        raise ReferenceError(f"{path.name}: no SPARQL after the header")
    return Case(query, fields["case"][0], tuple(params), bool(fields["data"]), sparql + "\n", path)


def files(directory: Path = REFERENCE_DIR) -> list[Path]:
    """Every reference file, by name."""
    return sorted(directory.glob("*.rq"))


def cases(directory: Path = REFERENCE_DIR) -> list[Case]:
    """Every reference, by file name; ReferenceError on the first malformed one."""
    return [load(path) for path in files(directory)]
