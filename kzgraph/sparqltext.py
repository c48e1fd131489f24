"""Just enough of SPARQL's lexical grammar to bind parameters safely in query text.

A small tokenizer that knows strings, IRIs, comments, variables and prefixed names, so that text inside
them is never mistaken for syntax. The remote backend uses it to insert ``VALUES`` blocks (values are
serialised as N-Triples terms, never formatted into the query), to declare kzgraph's prefixes a query
uses without declaring, and to see whether a query names its own dataset (``FROM``).

>>> insert_values('SELECT ?a WHERE { ?s ?p ?a }  # "{"', {"a": 1})
'SELECT ?a WHERE { VALUES (?a) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?s ?p ?a }  # "{"'
>>> with_prefixes("SELECT * { ?s a kz:Medal }", {"kz": "https://w3id.org/kzgraph/ontology#"})
'PREFIX kz: <https://w3id.org/kzgraph/ontology#> SELECT * { ?s a kz:Medal }'

The same lexer tells which remote endpoints a text calls (SERVICE, LOAD: codepoint escapes such as
``\\u0053`` decoded first, as engines do) and whether it names its own dataset (FROM).

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
>>> names_dataset('SELECT * FROM <http://g> WHERE { ?s ?p ?o }'), names_dataset('SELECT * { ?s ?p "FROM" }')
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple, NoReturn

from .errors import QueryParameterError, QuerySyntaxError
from .namespaces import PREFIXES
from .terms import IRI, BNode, LangString, TypedLiteral, Value, to_ntriples

__all__ = ["MAX_CHAIN", "MAX_DEPTH", "Shape", "Token", "check_nesting", "insert_rows", "insert_values",
           "names_dataset", "position", "query_form", "remote_calls", "shape", "tokens", "with_prefixes",
           "with_slice"]

#: The deepest brackets ({, ( and [ together) a text may open: engines' parsers recurse on each level
#: (pyoxigraph crashes the process from about 2,500 levels; rdflib raises RecursionError from about 30).
MAX_DEPTH = 100
#: The most operators (|| && ! + - * / ^ | = < > and UNION) that may be chained, counted over the open
#: brackets between triple separators: each one is a level of recursion too (pyoxigraph crashes from about
#: 10,000).
MAX_CHAIN = 1000
_OPERATORS = frozenset("|&!+-*/^=<>")

_TOKEN = (r'''
   (?P<comment>\#[^\r\n]*)
  |(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!\'\'))*\'\'\'
             |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  |(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  |(?P<word>(?:[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7-\uFFFF]*)?:[\w\-.:%\u00B7-\uFFFF]*
           |[A-Za-z_\u00C0-\uFFFF][\w\-\u00B7-\uFFFF]*)
  |(?P<punct>[{}()\[\];,.])
  |(?P<other>\S)
''', re.X | re.S)  # compiled on first use: about 20 ms, and most starts never lex
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_REMOTE = {"SERVICE", "LOAD"}
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Token(NamedTuple):
    """One lexical token (kind, text, start): ``kind`` is comment, string, iri, var, lang, word, punct or other."""

    kind: str
    text: str
    start: int


def tokens(sparql: str) -> Iterator[Token]:
    """The tokens of ``sparql``, whitespace skipped (an unterminated string becomes ``other`` tokens)."""
    for match in re.compile(*_TOKEN).finditer(sparql):  # re caches the compiled pattern
        kind = match.lastgroup or "other"
        yield Token(kind, match.group(), match.start())


def _code(sparql: str) -> list[Token]:
    return [t for t in tokens(sparql) if t.kind != "comment"]


class Shape(NamedTuple):
    """What the remote backend needs to know about a query's text (computed once per text): ``form``
    (SELECT, ASK, CONSTRUCT, DESCRIBE, or '' for an update), ``where`` (offset just after the ``{`` of the
    outermost WHERE group, or None), ``prefixes`` (used but not declared), ``names_dataset`` (FROM),
    ``branches`` (offsets just after the ``{`` of each UNION branch directly in the WHERE group, subqueries
    left out)."""

    form: str
    where: int | None
    prefixes: frozenset[str]
    names_dataset: bool
    branches: tuple[int, ...]


@lru_cache(maxsize=256)
def shape(sparql: str) -> Shape:
    """The :class:`Shape` of a query text (cached: named queries are sent again and again)."""
    code = _code(sparql)
    form = next((t.text.upper() for t in code if t.kind == "word" and t.text.upper() in _FORMS), "")
    declared = {code[i + 1].text.split(":", 1)[0] for i, t in enumerate(code[:-1])
                if t.kind == "word" and t.text.upper() == "PREFIX"}
    used = {t.text.split(":", 1)[0] for t in code if t.kind == "word" and ":" in t.text}
    brace = _where_group(code)
    return Shape(form, None if brace is None else code[brace].start + 1, frozenset(used - declared),
                 any(t.kind == "word" and t.text.upper() == "FROM" for t in code),
                 () if brace is None else _union_branches(code, brace))


def _union_branches(code: list[Token], brace: int) -> tuple[int, ...]:
    groups: list[tuple[int, int]] = []  # (opening, closing) index of each group directly in the WHERE group
    depth, opening = 0, brace
    for i in range(brace + 1, len(code)):
        if code[i].kind != "punct" or code[i].text not in "{}":
            continue
        if code[i].text == "{":
            opening, depth = (i, depth + 1) if depth == 0 else (opening, depth + 1)
        elif depth == 0:
            break  # the end of the WHERE group
        else:
            depth -= 1
            if depth == 0:
                groups.append((opening, i))

    def word(i: int, text: str) -> bool:
        return 0 <= i < len(code) and code[i].kind == "word" and code[i].text.upper() == text

    return tuple(code[o].start + 1 for o, c in groups
                 if (word(o - 1, "UNION") or word(c + 1, "UNION")) and not word(o + 1, "SELECT"))


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the first such keyword); '' for an update or unknown text."""
    return shape(sparql).form


def _where_group(code: list[Token]) -> int | None:
    """Index (in ``code``) of the ``{`` opening the outermost WHERE group."""
    form, depth, seen_where = "", 0, False
    for i, token in enumerate(code):
        upper = token.text.upper() if token.kind == "word" else ""
        if not form:
            form = upper if upper in _FORMS else ""
            continue
        if depth == 0 and upper == "WHERE":
            seen_where = True
        elif token.text == "{" and token.kind == "punct":
            if depth == 0 and (seen_where or form != "CONSTRUCT"):
                return i
            depth += 1
        elif token.text == "}" and token.kind == "punct":
            depth -= 1
    return None


def _term(name: str, value: Value) -> str:
    if isinstance(value, BNode):
        raise QueryParameterError(name, "a blank node cannot be bound to a variable")
    if isinstance(value, IRI) and _BAD_IRI.search(value):
        raise QueryParameterError(name, f"{value!r} is not a valid IRI")
    if isinstance(value, LangString) and not _LANG.fullmatch(value.lang):
        raise QueryParameterError(name, f"{value.lang!r} is not a language tag")
    if isinstance(value, TypedLiteral) and _BAD_IRI.search(value.datatype):
        raise QueryParameterError(name, f"datatype {value.datatype!r} is not a valid IRI")
    try:
        return to_ntriples(value)
    except TypeError as exc:
        raise QueryParameterError(name, str(exc)) from exc


def insert_values(sparql: str, bindings: Mapping[str, Value]) -> str:
    """``sparql`` with ``VALUES (?a ?b) { (term term) }`` as the first element of its WHERE group.

    The block is inserted on the line of the ``{`` so that error line numbers still match the original.
    """
    if not bindings:
        return sparql
    return insert_rows(sparql, list(bindings), [tuple(bindings.values())])


def with_prefixes(sparql: str, prefixes: Mapping[str, str], *, used: frozenset[str] | None = None) -> str:
    """``sparql`` with ``PREFIX`` declarations (on its first line) for known prefixes it uses undeclared."""
    missing = sorted(p for p in (shape(sparql).prefixes if used is None else used) if p in prefixes)
    head = "".join(f"PREFIX {p}: <{prefixes[p]}> " for p in missing)
    return head + sparql


@lru_cache(maxsize=256)
def names_dataset(sparql: str) -> bool:
    """Whether the text has FROM or FROM NAMED (then its own dataset applies, not the union of the graphs);
    cached, as ``shape``: a page sends the same named queries again and again."""
    code = sparql.lower()
    if '"""' not in code and "'''" not in code:  # whole-line comments may say "from": no need to lex them
        code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("#"))
    if "\\u" not in code and "from" not in code:
        return False
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in _decoded_code(sparql))


def _decoded_code(sparql: str) -> list[Token]:
    """The code tokens after decoding codepoint escapes, as engines do before they parse."""
    return _code(_ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), sparql))


def remote_calls(sparql: str) -> list[tuple[str, str | None]]:
    """``(keyword, target IRI or None)`` for each SERVICE or LOAD in the text, in order."""
    lowered = sparql.lower()
    if '"""' not in lowered and "'''" not in lowered:  # a named query's header may say "service": not lexed for that
        lowered = "\n".join(line for line in lowered.splitlines() if not line.lstrip().startswith("#"))
    if "\\u" not in lowered and "service" not in lowered and "load" not in lowered:
        return []
    from urllib.parse import urljoin  # only texts that may call out get here

    code = _decoded_code(sparql)
    prefixes: dict[str, str] = dict(PREFIXES)
    base = ""
    for i, token in enumerate(code[:-1]):
        keyword = token.text.upper() if token.kind == "word" else ""
        if keyword == "PREFIX" and i + 2 < len(code) and code[i + 1].text.endswith(":") and code[i + 2].kind == "iri":
            prefixes[code[i + 1].text[:-1]] = urljoin(base, code[i + 2].text[1:-1])
        elif keyword == "BASE" and code[i + 1].kind == "iri":
            base = urljoin(base, code[i + 1].text[1:-1])
    calls: list[tuple[str, str | None]] = []
    for i, token in enumerate(code):
        if token.kind != "word" or token.text.upper() not in _REMOTE:
            continue
        j = i + 2 if i + 1 < len(code) and code[i + 1].text.upper() == "SILENT" else i + 1
        target: str | None = None
        if j < len(code) and code[j].kind == "iri":
            target = urljoin(base, code[j].text[1:-1]) if base else code[j].text[1:-1]
        elif j < len(code) and code[j].kind == "word" and ":" in code[j].text:
            prefix, _, local = code[j].text.partition(":")
            target = prefixes[prefix] + local if prefix in prefixes else None
        calls.append((token.text.upper(), target))
    return calls


def insert_rows(sparql: str, variables: list[str], rows: list[tuple[Value, ...]]) -> str:
    """``sparql`` with a multi-row ``VALUES (?a ?b) { (t t) (t t) }`` block first in its WHERE group.

    For a question about many values in one request (a batch of names, a list of items); each term is
    serialised as N-Triples, never formatted in. No rows gives a block with no solutions.

    >>> insert_rows("SELECT ?n WHERE { ?s ?p ?n }", ["n"], [("a",), ("b",)])
    'SELECT ?n WHERE { VALUES (?n) { ("a") ("b") } ?s ?p ?n }'

    Engines do not carry a VALUES block into the branches of a UNION (Oxigraph evaluates each branch over
    the whole store, then joins), so the block also opens each UNION branch of the WHERE group: a join
    distributes over a union, and with distinct rows joining the block twice changes nothing.

    >>> print(insert_rows("SELECT * WHERE { { ?n ?p ?o } UNION { ?s ?p ?n } }", ["n"], [("a",)]))
    ... # doctest: +NORMALIZE_WHITESPACE
    SELECT * WHERE { VALUES (?n) { ("a") } { VALUES (?n) { ("a") } ?n ?p ?o }
    UNION { VALUES (?n) { ("a") } ?s ?p ?n } }
    """
    for name in variables:
        if not _NAME.fullmatch(name):
            raise QueryParameterError(name, "not a SPARQL variable name")
    parsed = shape(sparql)
    at = parsed.where
    if at is None:
        raise QuerySyntaxError("cannot find the WHERE group of the query to bind parameters in")
    names = " ".join(f"?{name}" for name in variables)
    block = " ".join("(" + " ".join(_term(n, v) for n, v in zip(variables, row, strict=False)) + ")" for row in rows)
    values = f" VALUES ({names}) {{ {block} }}"
    places = [at, *(parsed.branches if len(set(rows)) == len(rows) else ())]
    for place in sorted(places, reverse=True):
        sparql = sparql[:place] + values + sparql[place:]
    return sparql


def with_slice(sparql: str, limit: int | None, offset: int = 0) -> str:
    """``sparql`` answering only its solutions ``offset`` to ``offset + limit`` (in its ``ORDER BY``), sliced by
    the engine: a ``LIMIT``/``OFFSET`` after its solution modifiers (before a trailing ``VALUES``), within
    the query's own ``LIMIT``/``OFFSET``, which it replaces. Line numbers of the text stay as they were.

    >>> with_slice("SELECT ?a WHERE { ?s ?p ?a } ORDER BY ?a  # last", 4, 8)
    'SELECT ?a WHERE { ?s ?p ?a } ORDER BY ?a  # last\\nLIMIT 4 OFFSET 8\\n'
    >>> with_slice("SELECT ?a { ?s ?p ?a } ORDER BY ?a LIMIT 10 OFFSET 2 VALUES ?a { 1 }", 4, 8)
    'SELECT ?a { ?s ?p ?a } ORDER BY ?a   \\nLIMIT 2 OFFSET 10\\nVALUES ?a { 1 }'
    """
    code = _code(sparql)
    brace = _where_group(code)
    if brace is None:
        raise QuerySyntaxError("cannot find the WHERE group of the query to slice")
    depth, own_offset, at = 0, 0, len(sparql)
    own_limit: int | None = None
    cuts: list[tuple[int, int]] = []
    for i in range(brace, len(code)):
        token = code[i]
        if token.kind == "punct" and token.text in "{(":
            depth += 1
        elif token.kind == "punct" and token.text in "})":
            depth -= 1
        elif depth == 0 and i > brace and token.kind == "word" and token.text.upper() in ("LIMIT", "OFFSET"):
            number = re.compile(r"\s*(\d+)").match(sparql, token.start + len(token.text))
            if number is None:
                raise QuerySyntaxError(f"{token.text} of the query is not followed by a number")
            cuts.append((token.start, number.end()))
            if token.text.upper() == "LIMIT":
                own_limit = int(number[1])
            else:
                own_offset = int(number[1])
        elif depth == 0 and i > brace and token.kind == "word" and token.text.upper() == "VALUES":
            at = token.start
            break
    if own_limit is not None:
        limit = max(own_limit - offset, 0) if limit is None else max(min(limit, own_limit - offset), 0)
    clause = f"\nLIMIT {limit} OFFSET {own_offset + offset}\n" if limit is not None else \
        f"\nOFFSET {own_offset + offset}\n"
    sparql = sparql[:at] + clause + sparql[at:]
    for start, end in reversed(cuts):
        sparql = sparql[:start] + sparql[end:]
    return sparql


def position(sparql: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``sparql``.

    >>> position("SELECT *\\nWHERE {}", 10)
    (2, 2)
    """
    line = sparql.count("\n", 0, offset) + 1
    return line, offset - (sparql.rfind("\n", 0, offset) + 1) + 1


def check_nesting(sparql: str) -> None:
    """Refuse text nested deeper than engines can parse (QuerySyntaxError at the first level too deep).

    Engines' parsers recurse without a limit, so such text would crash or exhaust them: it must be refused
    before any engine sees it. Brackets and operators inside strings, IRIs and comments do not count.

    >>> check_nesting("SELECT * WHERE { ?s ?p ?o FILTER (?o > 1 || ?o < -1) }")
    >>> check_nesting("SELECT * WHERE " + "{" * 101 + "}" * 101)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    kzgraph.errors.QuerySyntaxError: query:1:116: SPARQL syntax error: query nested too deeply
    (limit 100 levels of brackets)
    """
    if sum(map(sparql.count, "{([")) <= MAX_DEPTH and \
            sum(map(sparql.count, _OPERATORS)) + sparql.upper().count("UNION") <= MAX_CHAIN:
        return  # too few brackets and operators to go too deep, counted without lexing (the common case)
    chains = [0]  # operators chained at each open level
    chained = 0  # their sum: the levels the engine's expression parser is in
    for token in _code(sparql):
        kind, text = token.kind, token.text
        if kind == "punct":
            if text in "{([":
                chains.append(0)
                if len(chains) > MAX_DEPTH + 1:
                    _too_deep(sparql, token, f"query nested too deeply (limit {MAX_DEPTH} levels of brackets)")
            elif text in "})]":
                if len(chains) > 1:
                    chained -= chains.pop()
            else:  # . ; , separate triples: data with many negative numbers is no chain
                chained -= chains[-1]
                chains[-1] = 0
        elif (kind == "other" and text in _OPERATORS) or (kind == "word" and text.upper() == "UNION"):
            chains[-1] += 1
            chained += 1
            if chained > MAX_CHAIN:
                _too_deep(sparql, token, f"query nested too deeply (limit {MAX_CHAIN} operators in a row)")


def _too_deep(sparql: str, token: Token, message: str) -> NoReturn:
    line, column = position(sparql, token.start)
    raise QuerySyntaxError(message, line=line, column=column)
