"""Which of kzgraph's SPARQL functions (``kzf:``, see ``kzgraph.search.functions``) a query calls, and the
clear error for an engine that does not run them.

The embedded pyoxigraph engine runs them. rdflib takes an unknown function for an evaluation error, so a
FILTER that calls one drops every row: the query would answer nothing, silently. A remote endpoint fails
or answers nothing, depending on its engine. So a query that calls them is refused before it is sent, with
a way to get the same answer on any engine: search first, then bind the IRIs found.

>>> called('PREFIX kzf: <https://w3id.org/kzgraph/function#> '
...        'SELECT ?a { ?a a ?t FILTER(kzf:matches(?a, "kzf:score")) } # kzf:score')
['kzf:matches']
"""

from __future__ import annotations

from ..errors import QueryError
from ..namespaces import KZF, MATCHES, SCORE
from ..sparqltext import tokens

__all__ = ["called", "refuse"]

_NAMES = {MATCHES: "kzf:matches", SCORE: "kzf:score"}


def called(sparql: str) -> list[str]:
    """The kzf: functions ``sparql`` names (as ``kzf:matches``…), by IRI or by any prefix declared for their
    namespace; comments and strings aside."""
    if KZF not in sparql:
        return []
    code = [t for t in tokens(sparql) if t.kind != "comment"]
    aliases: set[str] = set()
    named: list[str] = []
    for i, token in enumerate(code):
        if token.kind == "iri" and token.text[1:-1].startswith(KZF):
            if i >= 2 and code[i - 2].kind == "word" and code[i - 2].text.upper() == "PREFIX":
                aliases.add(code[i - 1].text[:-1])
            else:
                named.append(token.text[1:-1])
        elif token.kind == "word" and ":" in token.text and token.text.split(":", 1)[0] in aliases:
            named.append(KZF + token.text.split(":", 1)[1])
    return list(dict.fromkeys(_NAMES.get(iri, f"<{iri}>") for iri in named))


def refuse(sparql: str, engine: str) -> None:
    """A QueryError when ``sparql`` calls kzf: functions, which ``engine`` (a backend's class name) does not run."""
    names = called(sparql)
    if names:
        raise QueryError(
            f"{', '.join(names)}: kzgraph's search functions run only on the embedded pyoxigraph store, not on "
            f"this one ({engine}). Search first, then bind the IRIs it finds: kg.search(text) "
            "or `kzgraph search TEXT`, then VALUES ?resource { <iri> } (or a named query's resource parameter, "
            "which takes a name); see the README, \"Text search inside SPARQL\"")
