"""What a SPARQL text says, read by a small lexer: which remote endpoints it calls, whether it sets its dataset.

Codepoint escapes (``\\u0053``) are decoded first, as engines do; strings, IRIs and comments are skipped,
so a keyword inside them does not count. Prefixed names are resolved with the text's PREFIX declarations
and kzgraph's own prefixes.

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
>>> declares_dataset('SELECT * FROM <http://g> WHERE { ?s ?p ?o }'), declares_dataset('SELECT * { ?s ?p "FROM" }')
(True, False)
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .namespaces import PREFIXES

__all__ = ["tokens", "remote_calls", "declares_dataset"]

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


def _decode(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), text)


def tokens(sparql: str) -> list[tuple[str, str]]:
    """``(kind, text)`` of each token after decoding escapes; kinds: string, iri, var, pname, word, other."""
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(_decode(sparql))
            if m.lastgroup not in ("ws", "comment")]


def _may_contain(sparql: str, *words: str) -> bool:
    """False when no keyword can be in the text (no escapes, no word as a substring): no need to lex."""
    lowered = sparql.lower()
    return "\\u" in lowered or any(word in lowered for word in words)


def remote_calls(sparql: str) -> list[tuple[str, str | None]]:
    """``(keyword, target IRI or None)`` for each SERVICE or LOAD in the text, in order."""
    if not _may_contain(sparql, "service", "load"):
        return []
    toks = tokens(sparql)
    prefixes: dict[str, str] = dict(PREFIXES)
    base = ""
    for i, (kind, text) in enumerate(toks):
        if kind == "word" and text.upper() == "PREFIX" and i + 2 < len(toks):
            (pkind, ptext), (ikind, itext) = toks[i + 1], toks[i + 2]
            if pkind == "pname" and ptext.endswith(":") and ikind == "iri":
                prefixes[ptext[:-1]] = urljoin(base, itext[1:-1])
        elif kind == "word" and text.upper() == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
            base = urljoin(base, toks[i + 1][1][1:-1])
    calls: list[tuple[str, str | None]] = []
    for i, (kind, text) in enumerate(toks):
        if kind != "word" or text.upper() not in _KEYWORDS:
            continue
        j = i + 1
        if j < len(toks) and toks[j][0] == "word" and toks[j][1].upper() == "SILENT":
            j += 1
        target: str | None = None
        if j < len(toks):
            tkind, ttext = toks[j]
            if tkind == "iri":
                target = urljoin(base, ttext[1:-1]) if base else ttext[1:-1]
            elif tkind == "pname":
                prefix, _, local = ttext.partition(":")
                target = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local) if prefix in prefixes else None
        calls.append((text.upper(), target))
    return calls


def declares_dataset(sparql: str) -> bool:
    """Whether the text has FROM or FROM NAMED (then its own dataset applies, not the union of the graphs)."""
    if not _may_contain(sparql, "from"):
        return False
    return any(kind == "word" and text.upper() == "FROM" for kind, text in tokens(sparql))
