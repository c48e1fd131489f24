"""Every reference query of the benchmarks returns what its named query returns, on the article's data.

A reference (``benchmarks/reference/<query>--<case>.rq``, see benchmarks/reference.py) is the fastest SPARQL
someone could write for a named query's rows; the answer-latency benchmark times the two side by side, so
they must give the same columns and the same rows in the same order. Cases marked ``data: synth`` hold only
with synthetic data loaded: they are compared beside one synthetic Games only.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pyoxigraph
import pytest

from kzgraph.results import GraphResult

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _reference_module():  # benchmarks/ is not a package: load its module by path
    spec = importlib.util.spec_from_file_location("kzgraph_benchmarks_reference", BENCHMARKS / "reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


reference = _reference_module()
FILES = reference.files()
ARTICLE_FILES = [path for path in FILES if not reference.load(path).synth_only]  # the rest: beside synth data


def assert_same_answer(ours, named) -> None:
    """SELECT: the same columns, rows and order; CONSTRUCT: the same set of triples."""
    assert type(ours) is type(named)
    if isinstance(named, GraphResult):
        assert sorted(map(repr, set(ours.triples))) == sorted(map(repr, set(named.triples))), "not the same triples"
        return
    assert ours.columns == named.columns
    assert sorted(map(repr, ours.rows)) == sorted(map(repr, named.rows)), "not the same rows"
    assert ours.rows == named.rows, "the same rows in another order"


def test_there_are_reference_queries():
    assert FILES, f"no reference queries in {reference.REFERENCE_DIR}"


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_reference_is_well_formed(kg, path: Path):
    case = reference.load(path)  # a malformed file fails here
    case.arguments(kg.catalogue)  # so does an unknown query or parameter
    pyoxigraph.Store().query(case.sparql)  # self-contained: its own prefixes, valid SPARQL


@pytest.mark.parametrize("path", ARTICLE_FILES, ids=[path.stem for path in ARTICLE_FILES])
def test_reference_returns_the_named_querys_rows(kg, path: Path):
    case = reference.load(path)
    arguments = case.arguments(kg.catalogue)
    named = kg.query(case.query, **arguments)
    assert_same_answer(kg.query(case.sparql), named)
    assert len(named), "a reference case should have rows to compare"


@pytest.fixture(scope="module")
def kg_synth(tmp_path_factory: pytest.TempPathFactory):
    """The article's data and one synthetic Games of seed 1 beside it (42k triples): what scale adds."""
    import kzgraph
    from kzgraph import synth

    path = tmp_path_factory.mktemp("synth") / "games.trig"
    with path.open("w", encoding="utf-8") as out:
        synth.write(out, games=1, seed=reference.SYNTH_SEED)
    with kzgraph.open() as kg:
        kg.load(path)
        yield kg


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_reference_returns_the_named_querys_rows_beside_synthetic_data(kg_synth, path: Path):
    """The benchmark runs the references beside synthetic data: a reference must hold there too."""
    case = reference.load(path)
    assert_same_answer(kg_synth.query(case.sparql), kg_synth.query(case.query, **case.arguments(kg_synth.catalogue)))


@pytest.mark.parametrize("header, problem", [
    ("#+ query: medals\n", "exactly one '#+ case:'"),
    ("#+ query: medals\n#+ case: x\n#+ colour: red\n", "KEY one of"),
    ("#+ query: medals\n#+ case: x\n#+ param: resource\n", "NAME = VALUE"),
    ("#+ query: medals\n#+ case: x\n#+ data: big\n", "can only be 'synth'"),
    ("#+ query: medal-table\n#+ case: x\n", "is named medal-table--CASE.rq"),
    ("#+ query: medals\n#+ case: x\n", "no SPARQL"),
])
def test_malformed_reference_is_refused(tmp_path: Path, header: str, problem: str):
    path = tmp_path / "medals--x.rq"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(reference.ReferenceError, match=re.escape(problem)):
        reference.load(path)


def test_reference_to_an_unknown_query_or_parameter_is_refused(kg, tmp_path: Path):
    unknown = tmp_path / "no-such-query--x.rq"
    unknown.write_text("#+ query: no-such-query\n#+ case: x\nASK {}\n", encoding="utf-8")
    with pytest.raises(reference.ReferenceError, match="no named query 'no-such-query'"):
        reference.load(unknown).arguments(kg.catalogue)
    extra = tmp_path / "medals--x.rq"
    extra.write_text("#+ query: medals\n#+ case: x\n#+ param: athlete = x\nASK {}\n", encoding="utf-8")
    with pytest.raises(reference.ReferenceError, match="has no parameter 'athlete'"):
        reference.load(extra).arguments(kg.catalogue)
