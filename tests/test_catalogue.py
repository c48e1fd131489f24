"""Every named query of the repository: header matches the query, parameters can be bound, checks pass."""

from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

import kzgraph
from kzgraph.queries import load_catalogue
from kzgraph.results import SelectResult

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = load_catalogue(REPO / "queries")
NAMES = sorted(CATALOGUE)


@pytest.fixture(scope="module")
def kg():
    with kzgraph.open(root=REPO) as graph:
        yield graph


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete(name):
    query = CATALOGUE[name]
    assert query.title, f"{query.path}: no '#+ title:'"
    assert query.name == query.path.stem and query.name == query.name.lower()


@pytest.mark.parametrize("name", NAMES)
def test_returns_equals_columns(name):
    """Read statically (rdflib's parser), so queries that federate need no endpoint for this check."""
    query = CATALOGUE[name]
    algebra = prepareQuery(query.sparql).algebra
    if algebra.name != "SelectQuery":  # CONSTRUCT/DESCRIBE give triples
        assert list(query.returns) == ["subject", "predicate", "object"], query.path
        return
    projected = [str(v) for v in algebra.get("PV", [])]
    assert projected == list(query.returns), f"{query.path}: '#+ returns:' differs from the SELECT"
    for param in query.params:  # pyoxigraph substitutes only projected variables (SEP-0007)
        assert param.name in projected, f"{query.path}: parameter ?{param.name} is not projected"


@pytest.mark.parametrize("name", [n for n in NAMES if CATALOGUE[n].is_check])
def test_checks_return_no_rows(kg, name):
    result = kg.query(name)
    assert len(result) == 0, f"{name}:\n{result.to_table() if isinstance(result, SelectResult) else result}"
