"""pyoxigraph's SPARQL syntax errors in kzgraph's one short form: line, column, the offending token.

pyoxigraph says where its parser got furthest and every token it could have taken there ("error at 1:49:
expected one of ABS, AVG, … [_]"): a list of character classes that is long, partial and often beside the
point. Once the engine has refused a text (a valid one pays nothing), it is read again here: the mistakes
a lexer can see exactly (a first keyword that starts no query, an update sent as a query, a bracket not
closed or closed twice, an unterminated string, an undeclared prefix) are named at their own position;
otherwise the message names the token at the engine's position, and the engine's reason when it gives one
in words ("duplicated variable name in SELECT").

>>> print(sparql_error("SELEC *", "error at 1:8: expected one of VERSION, [_]"))
query:1:1: SPARQL syntax error: unexpected 'SELEC'; expected SELECT, ASK, CONSTRUCT or DESCRIBE
>>> print(sparql_error("SELECT * WHERE {\\n  ?s ?p ?o\\n", "error at 3:1: expected one of OPTIONAL, [_]"))
query:3:1: SPARQL syntax error: unexpected end of query; '{' at 1:16 is not closed
>>> print(sparql_error("SELECT * WHERE { ?s ?p ?o } LIMIT x", "error at 1:35: expected one of HAVING, ['0'..='9']"))
query:1:35: SPARQL syntax error: unexpected 'x'
"""

from __future__ import annotations

import re

from ..errors import QuerySyntaxError
from ..namespaces import PREFIXES
from ..sparqltext import Token, position, tokens

__all__ = ["QUERY_FORMS", "UPDATE_FORMS", "sparql_error"]

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_FORMS = ("INSERT", "DELETE", "DROP", "CLEAR", "LOAD", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_ENGINE = r"(?s)error at (\d+):(\d+): (.*)"  # compiled on first use: only errors need it
_REASON = r"[A-Za-z][A-Za-z*?'. ]* [A-Za-z*?'. ]*[a-z][A-Za-z*?'. ]*"  # words, not tokens or character classes
_CLOSING = {")": "(", "]": "[", "}": "{"}


def sparql_error(text: str, message: str, *, update: bool = False) -> QuerySyntaxError:
    """The QuerySyntaxError for pyoxigraph's ``message`` about ``text`` (a query, or an update)."""
    error = _sparql_error(text, message, update)
    if update:
        error.source = "update"
    return error


def _sparql_error(text: str, message: str, update: bool) -> QuerySyntaxError:
    match = re.match(_ENGINE, message)
    if match is None:
        return QuerySyntaxError(message.strip().splitlines()[0][:300] if message.strip() else "the engine refused it")
    code = [t for t in tokens(text) if t.kind != "comment"]
    found = _seen_in_text(text, code, update)
    if found is not None:
        line, column = position(text, found[0])
        return QuerySyntaxError(found[1], line=line, column=column)
    line, column = int(match[1]), int(match[2])
    reason = _reason(match[3])
    if reason is not None:
        return QuerySyntaxError(reason, line=line, column=column)
    offset = _offset(text, line, column)
    token = next((t for t in code if t.start + len(t.text) > offset), None)
    if token is None and code and code[-1].text in _CLOSING:  # the text is whole: what closes came too early
        token = code[-1]
    if token is None:  # the parser wanted more: say after what
        after = f" after {_show(code[-1].text)}" if code else ""
        return QuerySyntaxError(f"unexpected end of {'update' if update else 'query'}{after}", line=line,
                                column=column)
    line, column = position(text, token.start)
    return QuerySyntaxError(f"unexpected {_show(token.text)}", line=line, column=column)


def _seen_in_text(text: str, code: list[Token], update: bool) -> tuple[int, str] | None:
    """(offset, message) of the first mistake the tokens show, or None."""
    found = [f for f in (_first_keyword(text, code, update), _brackets(text, code, update), _undeclared(code)) if f]
    return min(found, key=lambda f: f[0]) if found else None


def _first_keyword(text: str, code: list[Token], update: bool) -> tuple[int, str] | None:
    forms, kind = (UPDATE_FORMS, "update") if update else (QUERY_FORMS, "query")
    expected = "INSERT, DELETE, LOAD, CLEAR or another update" if update else "SELECT, ASK, CONSTRUCT or DESCRIBE"
    i = 0
    while i < len(code) and code[i].text.upper() in ("PREFIX", "BASE"):  # the prologue
        i += 3 if code[i].text.upper() == "PREFIX" else 2
    if i >= len(code):
        return (len(text), f"unexpected end of {kind}; expected {expected}") if i == len(code) else None
    token, word = code[i], code[i].text.upper()
    if word in forms:
        return None
    if not update and word in UPDATE_FORMS:
        return token.start, f"{_show(token.text)} starts an update, not a query"
    if update and word in QUERY_FORMS:
        return token.start, f"{_show(token.text)} starts a query, not an update"
    return token.start, f"unexpected {_show(token.text)}; expected {expected}"


def _brackets(text: str, code: list[Token], update: bool) -> tuple[int, str] | None:
    """A bracket closed that is not open, or open at the end; an unterminated string."""
    opened: list[Token] = []
    for token in code:
        if token.kind == "other" and token.text in "\"'":
            return token.start, "unterminated string"
        if token.kind != "punct":
            continue
        if token.text in "({[":
            opened.append(token)
        elif token.text in _CLOSING:
            if not opened:
                return token.start, f"unexpected {_show(token.text)}: no '{_CLOSING[token.text]}' is open"
            last = opened.pop()
            if last.text != _CLOSING[token.text]:
                return token.start, f"unexpected {_show(token.text)}: {_at(text, last)} is not closed"
    if opened:
        return len(text), f"unexpected end of {'update' if update else 'query'}; {_at(text, opened[-1])} is not closed"
    return None


def _undeclared(code: list[Token]) -> tuple[int, str] | None:
    declared = set(PREFIXES) | {code[i + 1].text.split(":", 1)[0] for i, t in enumerate(code[:-1])
                                if t.kind == "word" and t.text.upper() == "PREFIX"}
    for token in code:
        if token.kind == "word" and ":" in token.text:
            prefix = token.text.split(":", 1)[0]
            if prefix != "_" and prefix not in declared:
                return token.start, f"undeclared prefix '{prefix}:'"
    return None


def _reason(expected: str) -> str | None:
    """The first thing the engine expected that is a sentence (its own message), lower-cased; else None."""
    for item in expected.removeprefix("expected one of ").removeprefix("expected ").split(", "):
        if len(item) < 200 and re.fullmatch(_REASON, item.strip()):
            first, _, rest = item.strip().partition(" ")
            return (first.lower() if not first.isupper() else first) + " " + rest
    return None


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        newline = text.find("\n", start)
        if newline < 0:
            return len(text)
        start = newline + 1
    return min(start + column - 1, len(text))


def _at(text: str, token: Token) -> str:
    line, column = position(text, token.start)
    return f"'{token.text}' at {line}:{column}"


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")
