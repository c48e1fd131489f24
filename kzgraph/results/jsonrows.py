"""The solutions of a SPARQL JSON results document read as its bytes come, one binding at a time: a remote
store's dump is never held whole (``backends.remotedump``). Terms are read as ``documents`` reads them
(``documents.read_term``: Virtuoso's variants, blank node labels made valid), so a dump read so holds the same terms
as one read whole.

>>> rows = bindings(iter([b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "val',
...                       b'ue": "x:1"}}, {"s": {"type": "bnode", "value": "nodeID://b1"}}]}}']))
>>> [row["s"] for row in rows]
[IRI('x:1'), BNode('x6e6f646549443a2f2f6231')]
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator

from ..errors import ResultsSyntaxError
from ..terms import Value
from .documents import read_term

__all__ = ["bindings"]

#: Characters of one binding (or of what comes before the first) waited for at most: past that, not a document.
MAX_BINDING = 1 << 20
_START = re.compile(r'"bindings"\s*:\s*\[')
_SPACE = re.compile(r"[\s,]*")
_DECODER = json.JSONDecoder()


def bindings(chunks: Iterator[bytes]) -> Iterator[dict[str, Value]]:
    """Each binding of the document whose bytes ``chunks`` gives (variable → term; unbound ones absent), read
    as the chunks come; ResultsSyntaxError where it is not a SPARQL JSON results document."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    text, at, more = "", 0, True

    def read() -> bool:
        nonlocal text, at
        piece = next(chunks, None)
        text = text[at:] + decoder.decode(piece or b"", final=piece is None)
        at = 0
        return piece is not None

    while (start := _START.search(text)) is None:
        if not more or len(text) > MAX_BINDING:
            raise ResultsSyntaxError("json", "no results.bindings array", path="results.bindings")
        more = read()
    text, number = text[start.end():], 0
    while True:
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]  # matches the empty string at least
        if at < len(text) and text[at] == "]":
            return
        try:
            binding, end = _DECODER.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            if more and len(text) - at <= MAX_BINDING:
                more = read()  # the binding goes on in the next chunk
                continue
            raise ResultsSyntaxError("json", f"not JSON: {exc.msg}", path=f"results.bindings[{number}]") from None
        at = end
        yield _binding(binding, number)
        number += 1


def _binding(binding: object, number: int) -> dict[str, Value]:
    path = f"results.bindings[{number}]"
    if not isinstance(binding, dict):
        raise ResultsSyntaxError("json", "not a JSON object", path=path)
    row: dict[str, Value] = {}
    for name, value in binding.items():
        try:
            row[name] = read_term(value["type"], value["value"], value.get("datatype"), value.get("xml:lang"))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            reason = f"no {exc.args[0]!r} member" if isinstance(exc, KeyError) else str(exc)
            raise ResultsSyntaxError("json", reason, path=f"{path}.{name}") from None
    return row
