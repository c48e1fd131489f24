"""Columnar results: ``to_arrow()`` (typed columns) vs ``to_dataframe()`` (pandas, one object column per
variable) on a large SELECT result.

The result is the article's nine medals (``kg.query("medals")``: strings, IRIs, a date, a decimal with
nulls) repeated to the number of rows shown, so both sides convert the values a real query returns. Time is
CPU time of this process, the median of interleaved runs. ``to_arrow`` looks at each column's values to
type it (``decimal128`` sized from them, ``date32``…); ``to_dataframe`` hands the Python objects to pandas
as they are, so it is the cost of building a frame with no typing at all.
"""

from __future__ import annotations

from common import Context, Ratio, Section, human, interleaved, median

TITLE = "Columnar results: to_arrow() vs to_dataframe()"
SIZES = [100_000, 1_000_000]
NEEDS = "pyarrow and pandas: pip install 'kzgraph[arrow,pandas]'"


def run(ctx: Context) -> Section | None:
    try:
        import pandas  # noqa: F401  # both sides need their library
        import pyarrow  # noqa: F401
    except ImportError:
        return None

    import kzgraph
    from kzgraph.results import SelectResult

    section = Section(TITLE, __doc__.split("\n\n", 1)[1].strip(),
                      ["rows", "to_arrow ms", "to_dataframe ms", "to_arrow().to_pandas() ms", "ratio", "runs"])
    with kzgraph.open() as kg:
        medals = kg.select("medals")
    repeats = 3 if ctx.quick else 7
    for size in SIZES[:1] if ctx.quick else SIZES:
        result = SelectResult.of_tuples(medals.columns, (medals.rows * -(-size // len(medals.rows)))[:size])
        ctx.log(f"  {human(len(result))} rows, {repeats} runs")
        times = interleaved({"arrow": result.to_arrow, "pandas": result.to_dataframe,
                             "typed pandas": lambda result=result: result.to_arrow().to_pandas()}, repeats)
        arrow, frame, typed = (median(times[name]) for name in ("arrow", "pandas", "typed pandas"))
        ratio = arrow / frame
        section.rows.append([human(len(result)), f"{arrow * 1000:.0f}", f"{frame * 1000:.0f}",
                             f"{typed * 1000:.0f}", f"{ratio:.2f}", repeats])
        section.ratios.append(Ratio(f"to_arrow / to_dataframe at {human(len(result))} rows", ratio, "none", None))
    section.notes.append("**No target.** `to_arrow()` does more than `to_dataframe()` (it types every column, "
                         "checks integer ranges and sizes decimals); the ratio says what that costs.")
    return section
