"""Reading W3C SPARQL results documents (JSON and XML) back into results: the one parser of SPARQL results,
for every backend and test. What is not such a document is a ``ResultsSyntaxError`` saying where.
"""

from __future__ import annotations

from ..errors import ResultsSyntaxError
from ..terms import IRI, BNode, Value, to_python
from . import SPARQL_RESULTS_NS, AskResult, SelectResult

__all__ = ["parse", "parse_json", "parse_xml", "read_term"]

#: A blank node label as N-Triples allows it; other labels (Virtuoso's ``nodeID://b1``) are hex-encoded,
#: the same way whichever format brought them.
_BNODE_LABEL = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"  # compiled on first use
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_term(kind: str, value: str, datatype: str | None, lang: str | None) -> Value:
    """A term of a results document: ``uri``, ``bnode``, or ``literal`` (``typed-literal``: Virtuoso's JSON);
    ValueError for another kind (the parsers say where it is)."""
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        import re

        return BNode(value if re.fullmatch(_BNODE_LABEL, value) else "x" + value.encode().hex())
    if kind in ("literal", "typed-literal"):
        return to_python(value, datatype, lang)
    raise ValueError(f"unknown kind of term {kind!r}")


def _reason(exc: Exception) -> str:
    """Why a part of a results document cannot be read, from the error that reading it raised."""
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r} member"
    if isinstance(exc, (TypeError, AttributeError)):
        return "not the JSON object, array or string that SPARQL JSON results have here"
    return str(exc)


def parse_json(text: str | bytes) -> SelectResult | AskResult:
    """Read a W3C SPARQL 1.1 JSON results document (Virtuoso's variants accepted); ResultsSyntaxError (a
    ValueError too) naming the line and column, or the member, where it is not one.

    >>> parse_json('{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "uri", "value": "x:y"}}]}}')
    <SelectResult 1 rows × 1 columns: a>
    >>> parse_json('{"head": {"vars": ["a"]}, "results": {"bindings": [{}, {"a": {"value": "x"}}]}}')
    Traceback (most recent call last):
    kzgraph.errors.ResultsSyntaxError: SPARQL JSON results at results.bindings[1].a: no 'type' member
    """
    import json

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsSyntaxError("json", f"not JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError as exc:
        raise ResultsSyntaxError("json", f"not UTF-8 text (byte {exc.start})") from None
    if not isinstance(doc, dict):
        kind = {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(doc), "number")
        raise ResultsSyntaxError("json", f"a JSON {kind}, not an object", path="(document)")
    if "boolean" in doc:
        return AskResult(doc["boolean"] is True)
    where, column = "head.vars", None
    try:
        columns = list(doc["head"].get("vars", []))
        if not all(isinstance(c, str) for c in columns):
            raise ValueError("the variables are not all strings")
        where = "results.bindings"
        bindings = doc["results"]["bindings"]
        rows: list[tuple[Value | None, ...]] = []
        for number, binding in enumerate(bindings):
            where, column = f"results.bindings[{number}]", None
            row: list[Value | None] = []
            for column in columns:
                term = binding.get(column)
                row.append(None if term is None else
                           read_term(term["type"], term["value"], term.get("datatype"), term.get("xml:lang")))
            rows.append(tuple(row))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        path = where if column is None else f"{where}.{column}"
        raise ResultsSyntaxError("json", _reason(exc), path=path) from None
    return SelectResult.of_tuples(columns, rows)


def parse_xml(text: str | bytes) -> SelectResult | AskResult:
    """Read a W3C SPARQL XML results document; ResultsSyntaxError (a ValueError too) naming the line and
    column, or the element, where it is not one.

    >>> parse_xml('<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><results><result>'
    ...           '<binding name="a"><triple/></binding></result></results></sparql>')
    Traceback (most recent call last):
    kzgraph.errors.ResultsSyntaxError: SPARQL XML results at /sparql/results/result[1]/binding[@name='a']: \
unknown kind of term 'triple'
    """
    ns = {"r": SPARQL_RESULTS_NS}
    from xml.etree import ElementTree  # only when reading XML results

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        line, column = exc.position  # the column counts from 0
        reason = str(exc.msg).rsplit(": line ", 1)[0]
        raise ResultsSyntaxError("xml", f"not XML: {reason}", line=line, column=column + 1) from None
    if root.tag != f"{{{SPARQL_RESULTS_NS}}}sparql":
        raise ResultsSyntaxError("xml", f"the root element is {root.tag}, not a SPARQL results element",
                                 path="/*[1]")
    boolean = root.find("r:boolean", ns)
    if boolean is not None:
        return AskResult((boolean.text or "").strip() == "true")
    columns = [v.get("name", "") for v in root.findall("r:head/r:variable", ns)]
    rows = []
    for number, result in enumerate(root.findall("r:results/r:result", ns), 1):
        values: dict[str, Value] = {}
        for binding in result.findall("r:binding", ns):
            path = f"/sparql/results/result[{number}]/binding[@name={binding.get('name', '')!r}]"
            if len(binding) != 1:
                raise ResultsSyntaxError("xml", f"{len(binding)} terms, not one", path=path)
            term = binding[0]
            try:
                values[binding.get("name", "")] = read_term(term.tag.rpartition("}")[2], term.text or "",
                                                        term.get("datatype"), term.get(_XML_LANG))
            except ValueError as exc:
                raise ResultsSyntaxError("xml", str(exc), path=path) from None
        rows.append(tuple(values.get(c) for c in columns))
    return SelectResult.of_tuples(columns, rows)


def parse(data: str | bytes, media_type: str) -> SelectResult | AskResult:
    """A results document by its media type: SPARQL XML for ``…xml``, else SPARQL JSON."""
    return parse_xml(data) if media_type.split(";", 1)[0].strip().lower().endswith("xml") else parse_json(data)
