"""The search index inside SPARQL: ``kzf:matches`` and ``kzf:score``, run by the embedded engine.

``kzf:matches(?resource, "text")`` is true when the resource is among what ``kg.search(text)`` finds (its
label, alternative or hidden label matches the text, case, accents, script and transliteration aside: the
hits a ``search`` parameter binds, at most ``queries.SEARCH_LIMIT``); ``kzf:score(?resource, "text")`` is that
hit's score (an ``xsd:decimal`` from 0 to 1), unbound when it is no hit. The text is searched once per query and
distinct text: each call after that is one dictionary look-up.

Their arguments, as SPARQL's own functions take them: a first argument that is no IRI (a literal, a blank
node) is no resource with a name, so ``matches`` is false and ``score`` unbound; an unbound one is an error,
as for any function (the FILTER drops the row). A text that is no string (a number, an IRI), or another
number of arguments, is the query's mistake: a QueryError once the query has run, not a silent empty answer.

Other engines (rdflib, a remote endpoint) do not run them: ``kzgraph.backends.functions.refuse`` stops a
query that calls them before it is sent, and says how to get the same answer anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from ..binding import SEARCH_LIMIT
from ..errors import QueryError
from ..namespaces import MATCHES, SCORE
from ..terms import IRI, BNode, TypedLiteral, Value

if TYPE_CHECKING:
    from .rank import SearchIndex

__all__ = ["functions"]

_NAMES = {MATCHES: "kzf:matches", SCORE: "kzf:score"}


def functions(index: Callable[[], SearchIndex]) -> Mapping[str, Callable[..., Value | None]]:
    """``kzf:matches`` and ``kzf:score`` for one query, on the index ``index()`` gives (asked on the first call
    only, so a query that calls neither never builds it); each text is searched once."""
    found: dict[str, dict[IRI, Decimal]] = {}

    def hits(name: str, args: tuple[Value | None, ...]) -> dict[IRI, Decimal]:
        if len(args) == 2 and type(args[1]) is str:  # the way every call but the first goes
            scores = found.get(args[1])
            if scores is not None:
                return scores
        if len(args) != 2:
            raise QueryError(f"{name} takes two arguments (a resource and a text), not {len(args)}")
        text = args[1]
        if not isinstance(text, str) or isinstance(text, (IRI, BNode, TypedLiteral)):
            what = "an IRI" if isinstance(text, IRI) else f"the {type(text).__name__} {text!r}"
            raise QueryError(f"{name}'s second argument is the text to look for, a string, not {what}")
        key = str.__str__(text)  # a plain string: a language tag does not change what the index finds
        scores = found.get(key)
        if scores is None:
            scores = found[key] = {IRI(hit.resource): Decimal(str(hit.score))
                                   for hit in index().search(key, limit=SEARCH_LIMIT)}
        return scores

    def matches(*args: Value | None) -> bool:
        scores = hits("kzf:matches", args)
        return type(args[0]) is IRI and args[0] in scores

    def score(*args: Value | None) -> Decimal | None:
        scores = hits("kzf:score", args)
        return scores.get(args[0]) if type(args[0]) is IRI else None

    return {MATCHES: matches, SCORE: score}
