"""Columnar results: ``to_arrow()`` types each column from its values, polars and DuckDB read the table, and
``kzgraph query --format parquet --out FILE`` writes what pyarrow and DuckDB read back."""

import datetime
import re
import shlex
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import polars
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clirun import run_mini

from kzgraph.cli import build_parser
from kzgraph.errors import UsageError
from kzgraph.namespaces import XSD
from kzgraph.results import AskResult, GraphResult, SelectResult, encode_result, format_result
from kzgraph.terms import IRI, BNode, LangString, TypedLiteral

ATHLETE = "https://w3id.org/kzgraph/athlete/"
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")

# The article: Kazakhstan won 9 medals at Paris 2024 (2 gold, 3 silver, 4 bronze), 5 of them in para judo.
MEDALS_PER_SPORT = [  # (sport, gold, silver, bronze, total), most medals first
    ("para judo", 1, 1, 3, 5),
    ("para athletics", 0, 0, 1, 1),
    ("para powerlifting", 1, 0, 0, 1),
    ("para shooting", 0, 1, 0, 1),
    ("para swimming", 0, 1, 0, 1),
]


@pytest.fixture(scope="module")
def medals(kg):
    return kg.query("medals").to_arrow()


def schema(table: pa.Table) -> dict[str, str]:
    return {field.name: str(field.type) for field in table.schema}


def test_medals_have_typed_columns(medals):
    expected = {
        "athlete_name": "string", "medal": "string", "sport": "string", "event": "string",
        "date": "date32[day]", "result": "decimal128(5, 2)",  # 188, 247.7, 64.83, 16: 3 digits before, 2 after
        "unit": "string", "athlete": "string", "medal_iri": "string",
    }
    assert {name: schema(medals).get(name) for name in expected} == expected  # the query may add columns
    first = medals.slice(0, 1).to_pylist()[0]
    assert first["athlete_name"] == "David Degtyarev" and first["athlete"] == ATHLETE + "david-degtyarev"
    assert first["date"] == datetime.date(2024, 9, 4) and first["result"] == Decimal("188")
    assert medals.column("result").to_pylist().count(None) == 5  # judo medals have no score


def test_decimal_precision_comes_from_the_values(kg):
    table = kg.query("cq-s08-shooting-score").to_arrow()
    assert str(table.schema.field("result").type) == "decimal128(4, 1)"
    assert table.column("result").to_pylist() == [Decimal("247.7")]


def test_duckdb_counts_medals_per_sport(medals):
    sql = """SELECT sport, count(*) FILTER (medal = 'Gold') AS gold, count(*) FILTER (medal = 'Silver') AS silver,
                    count(*) FILTER (medal = 'Bronze') AS bronze, count(*) AS total
             FROM medals GROUP BY sport ORDER BY total DESC, sport"""
    connection = duckdb.connect()
    connection.register("medals", medals)
    assert connection.execute(sql).fetchall() == MEDALS_PER_SPORT
    totals = connection.execute("SELECT medal, count(*) FROM medals GROUP BY medal ORDER BY 2").fetchall()
    assert totals == [("Gold", 2), ("Silver", 3), ("Bronze", 4)]
    # the types reach DuckDB: a decimal sums exactly and a date compares as a date
    assert connection.execute("SELECT typeof(result), typeof(date) FROM medals LIMIT 1").fetchone() == \
        ("DECIMAL(5,2)", "DATE")
    assert connection.execute("SELECT sum(result) FROM medals").fetchone() == (Decimal("516.53"),)
    assert connection.execute("SELECT count(*) FROM medals WHERE date < DATE '2024-09-05'").fetchone() == (3,)


def test_polars_frame_has_the_same_types(kg):
    frame = kg.query("medals").to_polars()
    assert isinstance(frame, polars.DataFrame) and frame.height == 9
    assert frame.schema["date"] == polars.Date and frame.schema["result"] == polars.Decimal(5, 2)
    judo = frame.filter(polars.col("sport") == "para judo").group_by("medal").len().sort("medal")
    assert judo.rows() == [("Bronze", 3), ("Gold", 1), ("Silver", 1)]


def test_integer_boolean_double_date_columns(kg):
    table = kg.query("cq-s16-games-scale").to_arrow()
    assert {k: v for k, v in schema(table).items() if v != "string"} == {
        "start_date": "date32[day]", "end_date": "date32[day]", "athletes": "int64", "sports": "int64"}
    table = SelectResult(["ok", "x"], [(True, 1.5), (False, float("inf")), (None, None)]).to_arrow()
    assert schema(table) == {"ok": "bool", "x": "double"}
    assert table.to_pydict() == {"ok": [True, False, None], "x": [1.5, float("inf"), None]}


def test_terms_become_their_text():
    rows = [(IRI(ATHLETE + "x"),), (BNode("b0"),), ("plain",), (TypedLiteral("POINT(1 2)", "urn:wkt"),)]
    table = SelectResult(["v"], rows).to_arrow()
    assert schema(table) == {"v": "string"}
    assert table.column("v").to_pylist() == [ATHLETE + "x", "_:b0", "plain", "POINT(1 2)"]


def test_language_tags_go_to_a_companion_column():
    rows = [(LangString("Астана", "kk"), 1), (LangString("Astana", "en"), 2), ("no tag", 3), (None, 4)]
    table = SelectResult(["name", "n"], rows).to_arrow()
    assert table.column_names == ["name", "name@lang", "n"]
    assert table.column("name").to_pylist() == ["Астана", "Astana", "no tag", None]
    assert table.column("name@lang").to_pylist() == ["kk", "en", None, None]


def test_integers_and_decimals_mix_exactly():
    table = SelectResult(["x"], [(2,), (Decimal("0.125"),), (Decimal("-31.5"),)]).to_arrow()
    assert str(table.schema.field("x").type) == "decimal128(5, 3)"
    assert table.column("x").to_pylist() == [Decimal("2"), Decimal("0.125"), Decimal("-31.5")]


def test_decimal_type_is_the_smallest_that_holds_the_values():
    rows = [(Decimal("188.00"),), (Decimal("1.50"),), (Decimal("0.000"),), (Decimal("1E+3"),), (None,)]
    table = SelectResult(["x"], rows).to_arrow()
    assert str(table.schema.field("x").type) == "decimal128(5, 1)"
    assert table.column("x").to_pylist() == [Decimal("188"), Decimal("1.5"), Decimal(0), Decimal(1000), None]


def test_values_too_large_for_their_type():
    big = 2**70
    table = SelectResult(["n", "d"], [(big, Decimal("1" * 39)), (1, None)]).to_arrow()
    assert str(table.schema.field("n").type) == "decimal128(22, 0)"  # past int64, still exact
    assert table.column("n").to_pylist() == [Decimal(big), Decimal(1)]
    assert str(table.schema.field("d").type) == "string"  # 39 digits: more than decimal128 holds
    assert table.column("d").to_pylist() == ["1" * 39, None]


def test_mixed_columns_fall_back_to_strings():
    rows = [(1, 1.5, datetime.date(2024, 9, 4)), ("x", Decimal("2.5"), datetime.datetime(2024, 9, 4, 12, 0)),
            (IRI(ATHLETE + "y"), None, None)]
    table = SelectResult(["a", "b", "c"], rows).to_arrow()
    assert schema(table) == {"a": "string", "b": "string", "c": "string"}
    assert table.to_pydict() == {"a": ["1", "x", ATHLETE + "y"], "b": ["1.5", "2.5", None],
                                 "c": ["2024-09-04", "2024-09-04T12:00:00", None]}


def test_date_times_with_and_without_a_zone():
    naive = datetime.datetime(2024, 8, 28, 20, 0)
    aware = datetime.datetime(2024, 8, 28, 20, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    table = SelectResult(["naive", "aware", "both"], [(naive, aware, naive), (None, None, aware)]).to_arrow()
    assert schema(table) == {"naive": "timestamp[us]", "aware": "timestamp[us, tz=UTC]", "both": "string"}
    assert table.column("aware").to_pylist()[0] == aware  # the same instant, in UTC


def test_unbound_and_empty_columns_are_strings():
    assert schema(SelectResult(["a"], [(None,), (None,)]).to_arrow()) == {"a": "string"}
    empty = SelectResult(["a", "b"], []).to_arrow()
    assert empty.num_rows == 0 and schema(empty) == {"a": "string", "b": "string"}


def test_a_companion_column_may_not_clash():
    with pytest.raises(UsageError, match="x@lang"):
        SelectResult(["x", "x@lang"], [(LangString("a", "en"), "b")]).to_arrow()


def test_parquet_bytes_read_back(medals, kg):
    data = encode_result(kg.query("medals"), "parquet")
    assert data[:4] == b"PAR1"
    assert pq.read_table(pa.BufferReader(data)).equals(medals)


def test_graph_results_as_rows_and_ask_refused():
    triples = [(IRI(ATHLETE + "x"), IRI(XSD["integer"]), 7)]
    data = encode_result(GraphResult(triples, lambda fmt: b""), "parquet")
    assert pq.read_table(pa.BufferReader(data)).to_pydict() == {
        "subject": [ATHLETE + "x"], "predicate": [XSD["integer"]], "object": [7]}
    with pytest.raises(UsageError, match="for SELECT results"):
        encode_result(AskResult(True), "parquet")
    with pytest.raises(UsageError, match="binary"):
        format_result(SelectResult(["a"], []), "parquet")


@pytest.mark.parametrize(("module", "extra", "call"), [
    ("pyarrow", "kzgraph[arrow]", SelectResult.to_arrow),
    ("pyarrow", "kzgraph[arrow]", SelectResult.to_parquet),
    ("polars", "kzgraph[polars]", SelectResult.to_polars),
])
def test_missing_extra_is_named(module, extra, call, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(UsageError, match=extra.replace("[", r"\[").replace("]", r"\]")):
        call(SelectResult(["a"], [(1,)]))


def test_cli_writes_parquet(tmp_path):
    out = tmp_path / "medals.parquet"
    code, stdout, stderr = run_mini("query", "medals", "--format", "parquet", "--out", str(out))
    assert (code, stdout) == (0, "")
    assert stderr == f"wrote {out.stat().st_size} bytes to {out}\n"
    table = pq.read_table(out)  # the small fixture home's medals query: three medals, names tagged @en
    assert schema(table) == {"athlete": "string", "athlete_name": "string", "athlete_name@lang": "string",
                             "medal": "string", "type": "string", "points": "decimal128(4, 1)"}
    assert table.column("athlete_name@lang").to_pylist() == ["en", "en", "en"]
    sql = f"SELECT athlete_name, sum(points), count(*) FROM read_parquet('{out}') GROUP BY 1 ORDER BY 1"
    assert duckdb.sql(sql).fetchall() == [("Alpha Tester", Decimal("435.7"), 2), ("Beta Tester", None, 1)]


def test_cli_refuses_parquet_on_stdout(tmp_path):
    code, stdout, stderr = run_mini("query", "medals", "--format", "parquet")
    assert (code, stdout) == (2, "")
    assert stderr == ("kzgraph: error: --format parquet is a binary format: give --out FILE to write it to "
                      "(it is never written to stdout)\n")


def test_cli_out_writes_text_formats_too(tmp_path):
    out = tmp_path / "medals.csv"
    code, stdout, stderr = run_mini("query", "medals", "--format", "csv", "--out", str(out))
    assert (code, stdout) == (0, "") and stderr.startswith("wrote ")
    assert out.read_bytes().decode("utf-8") == run_mini("query", "medals", "--format", "csv")[1]


def test_cli_parquet_for_an_ask_query_is_a_usage_error(tmp_path):
    out = tmp_path / "ask.parquet"
    code, stdout, stderr = run_mini("query", "-", "--format", "parquet", "--out", str(out), stdin="ASK {}")
    assert (code, stdout) == (2, "") and "for SELECT results" in stderr
    assert not out.exists()


def readme_section() -> str:
    (section,) = re.findall(r"\n## Columnar results\n(.*?)\n## ", README, flags=re.S)
    return section


def test_readme_example_runs():
    (example,) = re.findall(r"```py\n(.*?)```", readme_section(), flags=re.S)
    namespace: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert str(namespace["medals"].schema.field("result").type) == "decimal128(5, 2)"
    assert namespace["per_sport"].fetchall() == [(sport, total) for sport, *_, total in MEDALS_PER_SPORT]
    assert namespace["frame"].height == 9


def test_readme_command_parses():
    (command,) = re.findall(r"```sh\n(.*?)```", readme_section(), flags=re.S)
    words = shlex.split(command)
    assert words[0] == "kzgraph"
    args = build_parser("query").parse_args(words[1:])
    assert (args.query, args.format, args.out) == ("medals", "parquet", "medals.parquet")
