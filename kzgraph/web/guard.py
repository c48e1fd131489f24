"""What a SPARQL text makes the server fetch: ``SERVICE`` calls and ``LOAD`` operations.

pyoxigraph follows ``SERVICE <url>`` (and an update's ``LOAD <url>``) over HTTP, so an open endpoint lets
anyone make the server fetch any URL. ``remote_calls`` finds every such target with a small SPARQL lexer
(codepoint escapes decoded first, as the engine does; strings, IRIs and comments skipped; prefixed
names resolved with the query's PREFIX declarations and kzgraph's own prefixes). A target that is a
variable or cannot be resolved comes back as ``None``, which no allowlist admits.

>>> remote_calls('SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }')
[('SERVICE', 'https://query.wikidata.org/sparql')]
>>> remote_calls('PREFIX e: <http://example.org/> SELECT * { SERVICE SILENT e:sparql { } }')
[('SERVICE', 'http://example.org/sparql')]
>>> remote_calls('SELECT * { SERVICE ?endpoint { } }')
[('SERVICE', None)]
>>> remote_calls('SELECT * { ?s ?p "SERVICE <http://x/>" } # SERVICE <http://y/>')
[]
>>> remote_calls(r'SELECT * { \\u0053ERVICE <http://x/> { } }')
[('SERVICE', 'http://x/')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

from ..errors import KzgraphError
from ..namespaces import PREFIXES

__all__ = ["remote_calls", "check_remote_calls", "RemoteCallRefused"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\uffff"
_TOKEN = re.compile(rf'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][0-9_{_PN}][0-9_\u00b7{_PN}]*)
  | (?P<pname>(?:[{_PN}][-.0-9_\u00b7{_PN}]*)?:(?:[-.:%0-9_\u00b7{_PN}]|\\.)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
''', re.X | re.S)
_KEYWORDS = {"SERVICE", "LOAD"}


class RemoteCallRefused(KzgraphError):
    """The query would make the server fetch a URL that is not on its allowlist (HTTP 403)."""

    def __init__(self, keyword: str, target: str | None, allowed: Iterable[str]) -> None:
        self.keyword, self.target, self.allowed = keyword, target, sorted(allowed)
        super().__init__(keyword, target)

    def __str__(self) -> str:
        what = f"<{self.target}>" if self.target else "a variable or unresolved IRI"
        allowed = ", ".join(f"<{a}>" for a in self.allowed) if self.allowed else "none (start kzgraph serve " \
            "with --service-allow URL to allow one)"
        return f"{self.keyword} {what} is not allowed on this server; allowed: {allowed}"


def _decode(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), text)


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("ws", "comment")]


def remote_calls(sparql: str) -> list[tuple[str, str | None]]:
    """``(keyword, target IRI or None)`` for each SERVICE or LOAD in the text, in order."""
    tokens = _tokens(_decode(sparql))
    prefixes: dict[str, str] = dict(PREFIXES)
    base = ""
    for i, (kind, text) in enumerate(tokens):
        if kind == "word" and text.upper() == "PREFIX" and i + 2 < len(tokens):
            (pkind, ptext), (ikind, itext) = tokens[i + 1], tokens[i + 2]
            if pkind == "pname" and ptext.endswith(":") and ikind == "iri":
                prefixes[ptext[:-1]] = urljoin(base, itext[1:-1])
        elif kind == "word" and text.upper() == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base = urljoin(base, tokens[i + 1][1][1:-1])
    calls: list[tuple[str, str | None]] = []
    for i, (kind, text) in enumerate(tokens):
        if kind != "word" or text.upper() not in _KEYWORDS:
            continue
        j = i + 1
        if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
            j += 1
        target: str | None = None
        if j < len(tokens):
            tkind, ttext = tokens[j]
            if tkind == "iri":
                target = urljoin(base, ttext[1:-1]) if base else ttext[1:-1]
            elif tkind == "pname":
                prefix, _, local = ttext.partition(":")
                target = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local) if prefix in prefixes else None
        calls.append((text.upper(), target))
    return calls


def check_remote_calls(sparql: str, allowed: Iterable[str]) -> None:
    """RemoteCallRefused unless every SERVICE/LOAD target is on the allowlist (exact IRIs)."""
    allowlist = set(allowed)
    for keyword, target in remote_calls(sparql):
        if target is None or target not in allowlist:
            raise RemoteCallRefused(keyword, target, allowlist)
