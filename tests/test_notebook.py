"""The Jupyter magics (``kzgraph.notebook``): called on an IPython shell in this process, and
``docs/notebook.ipynb`` executed by nbclient in a real ipykernel kernel started from this interpreter.

IPython, ipykernel, nbclient and nbformat come with the ``test`` extra; without them these tests skip locally
and fail under ``CI=true``.
"""

from __future__ import annotations

import datetime
import gc
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kzgraph
from kzgraph import IRI, LangString, QuerySyntaxError, SelectResult

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "docs" / "notebook.ipynb"
README = (REPO / "README.md").read_text(encoding="utf-8")
MEDAL_TABLE_MD = ("| rank | country | gold | silver | bronze | total | games |\n"
                  "| --- | --- | --- | --- | --- | --- | --- |\n"
                  "| 39 | Kazakhstan | 2 | 3 | 4 | 9 | Paris 2024 Summer Paralympics |\n")
SYNTAX_ERROR = "UsageError: cell:2:12: SPARQL syntax error: unexpected '}'\n"


def require(*modules: str) -> None:
    """Skip the test locally when a module is missing; fail it under ``CI=true``, where the test extra is."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (pip install '.[test]')"
    if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
        pytest.fail(f"{reason} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(reason)


def code_cells() -> list[str]:
    """The sources of the example notebook's code cells."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def cell_starting(prefix: str) -> str:
    (source,) = [source for source in code_cells() if source.startswith(prefix)]
    return source


# ---------------------------------------------------------------------------------------------- in process


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An IPython shell in this process with ``%load_ext kzgraph``; its profile and history in a temporary
    directory, not the user's."""
    require("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    saved, main = os.environ.get("IPYTHONDIR"), sys.modules["__main__"]
    os.environ["IPYTHONDIR"] = str(tmp_path_factory.mktemp("ipython"))
    config = Config()
    config.HistoryManager.enabled = False
    ip = InteractiveShell.instance(config=config)
    try:
        ip.run_line_magic("load_ext", "kzgraph")
        yield ip
        ip.run_line_magic("unload_ext", "kzgraph")
    finally:
        InteractiveShell.clear_instance()
        sys.modules["__main__"] = main  # the shell put its namespace there
        if saved is None:
            os.environ.pop("IPYTHONDIR", None)
        else:
            os.environ["IPYTHONDIR"] = saved


def magics(ip: Any) -> Any:
    from kzgraph.notebook import magics_of

    found = magics_of(ip)
    assert found is not None
    return found


def test_kzq_runs_a_named_query(shell):
    medals = shell.run_line_magic("kzq", "medals")
    assert isinstance(medals, SelectResult) and len(medals) == 9
    assert medals.rows[0][:4] == ("David Degtyarev", "Gold", "para powerlifting", "Para powerlifting, men's 54 kg")
    assert [row[1] for row in medals].count("Gold") == 2
    assert medals._repr_html_().startswith("<table><thead><tr><th>athlete_name</th><th>medal</th>")


def test_kzq_parameters_follow_the_name_in_any_order(shell):
    facts = shell.run_line_magic("kzq", 'athlete --out facts athlete="David Degtyarev"')
    assert shell.user_ns["facts"] is facts
    assert {row[-1] for row in facts} == {IRI("https://w3id.org/kzgraph/athlete/david-degtyarev")}
    assert shell.run_line_magic("kzq", "athlete athlete=Dawid\\ Degtyarev").rows == facts.rows


def test_sparql_cell_binds_its_parameter(shell):
    """The notebook's %%sparql cell: the parameter, declared in the cell, is resolved and bound."""
    result = shell.run_cell(cell_starting("%%sparql --param"))
    assert result.success, result.error_in_exec
    (row,) = shell.user_ns["degtyarev"]
    assert row == (IRI("https://w3id.org/kzgraph/athlete/david-degtyarev"), LangString("Gold", "en"),
                   LangString("Para powerlifting, men's 54 kg", "en"), datetime.date(2024, 9, 4), Decimal("188"))
    frame = shell.user_ns["degtyarev"].to_dataframe()
    assert frame.loc[0, "event"] == "Para powerlifting, men's 54 kg" and list(frame.columns) == [
        "athlete", "medal", "event", "date", "result"]


def test_a_parameter_is_bound_never_pasted_into_the_text(shell):
    hostile = '"} } ; DROP ALL ; SELECT * { #'
    probe = "#+ param: text string required Anything\nSELECT ?text WHERE { }\n"
    result = shell.run_cell_magic("sparql", f"--param {shlex.quote('text=' + hostile)}", probe)
    assert result.rows == [(hostile,)]
    shell.user_ns["name"] = "Yergali Shamei"  # IPython expands {name} in a magic's line
    assert shell.run_line_magic("kzq", 'athlete athlete="{name}"').rows[0][-1] == IRI(
        "https://w3id.org/kzgraph/athlete/yergali-shamei")


def test_format_prints_the_result_as_text_and_out_keeps_it(shell, capsys):
    assert shell.run_line_magic("kzq", "medal-table --format md --out table") is None
    out, err = capsys.readouterr()
    assert (out, err) == (MEDAL_TABLE_MD, "")
    assert shell.user_ns["table"].to_dicts()[0]["total"] == 9
    shell.run_cell_magic("sparql", "-f csv", "SELECT (1 + 1 AS ?n) WHERE { }")
    assert capsys.readouterr() == ("n\r\n2\r\n", "")


def test_each_store_is_opened_once(shell, tmp_path):
    store = tmp_path / "kz.store"
    first = shell.run_line_magic("kzq", f"medal-table --store {store}")
    again = shell.run_cell_magic("sparql", f"--store {store}", "ASK { ?s ?p ?o }")
    assert first.to_dicts()[0]["total"] == 9 and bool(again)
    graphs = [kg for kg in magics(shell).graphs.values() if kg.path == store]
    assert len(graphs) == 1 and len(magics(shell).graphs) >= 2  # and the in-memory one of the other tests
    (spec,) = [spec for spec, kg in magics(shell).graphs.items() if kg.path == store]
    assert spec[:3] == (str(store), None, None)


ERRORS = [  # (magic, line, cell), what the shell shows
    (("sparql", "", "SELECT ?medal WHERE {\n  ?medal a }"), SYNTAX_ERROR),
    (("kzq", "medal", None), "UsageError: no named query 'medal'; did you mean medals, medal-table or medal-chain?\n"),
    (("kzq", "athlete who=x", None),
     "UsageError: parameter 'who': unknown parameter of query 'athlete' (known: athlete)\n"),
    (("kzq", "athlete", None), "UsageError: parameter 'athlete': required by query 'athlete' (resource)\n"),
    (("kzq", "medals shamey", None), "UsageError: --param expects NAME=VALUE, got 'shamey'\n"),
    (("kzq", "medals --format ttl", None), "UsageError: format 'ttl' is for CONSTRUCT/DESCRIBE results; for SELECT "
                                           "use one of table, csv, tsv, json, xml, md, html\n"),
    (("kzq", "medals --out 2nd", None), "UsageError: --out '2nd': not a Python variable name\n"),
    (("kzq", "medals --bogus", None), "UsageError: %kzq: unrecognized arguments: --bogus (see %kzq --help)\n"),
    (("kzq", "medals --store 'kz.store", None),
     "UsageError: cannot read the options \"medals --store 'kz.store\": No closing quotation\n"),
    (("sparql", "--param n=1", "SELECT ?n WHERE { }"),
     "UsageError: --param n: the cell declares no parameters; declare each in a line before the SPARQL, e.g. "
     "'#+ param: athlete resource required'\n"),
]


@pytest.mark.parametrize(("call", "shown"), ERRORS, ids=[f"{c[0]} {c[1]}" for c, _ in ERRORS])
def test_a_mistake_is_one_line_not_a_traceback(shell, capsys, call, shown):
    magic, line, cell = call
    source = f"%%{magic} {line}\n{cell}" if cell is not None else f"%{magic} {line}"
    result = shell.run_cell(source)
    assert not result.success
    out, err = capsys.readouterr()
    assert (out, err) == ("", shown)


def test_the_kzgraph_error_stays_reachable(shell):
    from IPython.core.error import UsageError

    with pytest.raises(UsageError) as raised:
        shell.run_cell_magic("sparql", "", "SELECT ?medal WHERE {\n  ?medal a }")
    cause = raised.value.__cause__
    assert isinstance(cause, QuerySyntaxError) and (cause.line, cause.column, cause.source) == (2, 12, "cell")


def test_help_lists_the_options_and_an_example(shell, capsys):
    assert shell.run_line_magic("kzq", "--help") is None
    out, err = capsys.readouterr()
    assert out.startswith("usage: %kzq NAME [NAME=VALUE]... [options]\n") and err == ""
    assert "--store PATH|URL" in out and "--out VAR" in out and '%kzq athlete athlete="David Degtyarev"' in out


def test_the_readme_cells_run(shell):
    section = README.split("\n## Jupyter\n", 1)[1].split("\n## ", 1)[0]
    cells = re.findall(r"```ipython\n(.*?)```", section, flags=re.S)
    assert len(cells) == 3
    for cell in cells:
        result = shell.run_cell(cell)
        assert result.success, (cell, result.error_in_exec)
    assert [tuple(map(str, row)) for row in shell.user_ns["shamei"]] == [
        ("https://w3id.org/kzgraph/athlete/yergali-shamei", "Silver", "Para judo, up to 73 kg")]
    assert shell.user_ns["shamei"].to_dataframe().shape == (1, 3)


def test_reloading_closes_the_stores(shell):
    shell.run_line_magic("kzq", "medal-table")
    old = magics(shell)
    assert old.graphs
    shell.run_line_magic("reload_ext", "kzgraph")
    assert not old.graphs and magics(shell) is not old
    assert shell.run_line_magic("kzq", "medal-table").to_dicts()[0]["total"] == 9


def test_kzgraph_and_its_command_line_never_import_ipython():
    probe = ("import contextlib, io, sys, kzgraph, kzgraph.cli\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    code = kzgraph.cli.main(['query', 'medal-table'])\n"
             "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'IPython', 'ipykernel', 'traitlets'}))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert (done.returncode, done.stdout) == (0, "0 []\n"), done.stderr
    assert "load_ipython_extension" in dir(kzgraph) and "notebook" not in kzgraph.__all__


# ------------------------------------------------------------------------------------------ in a real kernel


def kernel_manager(home: Path, manager_class: Any) -> Any:
    """A (not yet started) manager of an ipykernel kernel of this interpreter: a kernel spec of its own in
    ``home``, never the user's ``python3``, importing kzgraph from this checkout."""
    require("ipykernel", "nbclient", "nbformat", "jupyter_client")
    from jupyter_client.kernelspec import KernelSpecManager

    spec = home / "kernels" / "kzgraph-test"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "kzgraph tests", "language": "python",
        "env": {"PYTHONPATH": str(REPO), "IPYTHONDIR": str(home / "ipython")}}), encoding="utf-8")
    kernels = KernelSpecManager(kernel_dirs=[str(home / "kernels")], ensure_native_kernel=False)
    return manager_class(kernel_name="kzgraph-test", kernel_spec_manager=kernels)


def collect_client_sockets() -> None:
    """jupyter_client's stop_channels() leaves some of the client's sockets open (a ResourceWarning when they
    are collected, which this suite makes an error): collect them now, that warning ignored."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unclosed socket", ResourceWarning)
        gc.collect()


def run_in_kernel(notebook: Any, home: Path, **options: Any) -> None:
    """Execute ``notebook`` (an nbformat notebook, given its outputs) with nbclient in a real kernel
    (``kernel_manager``). nbclient raises CellExecutionError for a failing cell not tagged raises-exception."""
    from jupyter_client.manager import AsyncKernelManager

    def run() -> None:
        from nbclient import NotebookClient

        manager = kernel_manager(home, AsyncKernelManager)
        NotebookClient(notebook, km=manager, resources={"metadata": {"path": str(home)}}, **options).execute()

    run()
    collect_client_sockets()


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """docs/notebook.ipynb run in a real kernel: each code cell's source → its outputs."""
    require("nbformat")
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    run_in_kernel(notebook, tmp_path_factory.mktemp("kernel"), timeout=300)
    return {cell.source: cell.outputs for cell in notebook.cells if cell.cell_type == "code"}


def result_of(outputs: list[dict[str, Any]]) -> dict[str, str]:
    (output,) = outputs
    assert output["output_type"] == "execute_result"
    return dict(output["data"])


def test_notebook_medals_show_as_a_table_of_nine(executed):
    data = result_of(executed["%kzq medals"])
    assert data["text/plain"].startswith("<SelectResult 9 rows × ")
    assert "columns: athlete_name, medal, sport, event, date, result, unit, athlete, medal_iri" in data["text/plain"]
    body = data["text/html"].split("<tbody>", 1)[1]
    assert body.count("<tr>") == 9 and body.count("<td>Gold</td>") == 2
    assert body.startswith("<tr><td>David Degtyarev</td><td>Gold</td><td>para powerlifting</td>"
                           "<td>Para powerlifting, men&#x27;s 54 kg</td><td>2024-09-04</td><td>188</td><td>kg</td>")


def test_notebook_sparql_cell_binds_the_athlete(executed):
    assert executed["%load_ext kzgraph"] == []
    data = result_of(executed[cell_starting("%%sparql --param")])
    assert data["text/html"].split("<tbody>", 1)[1] == (
        "<tr><td>&lt;athlete/david-degtyarev&gt;</td><td>Gold@en</td><td>Para powerlifting, men&#x27;s 54 kg@en</td>"
        "<td>2024-09-04</td><td>188</td></tr></tbody></table>")


def test_notebook_converts_to_a_dataframe(executed):
    data = result_of(executed["degtyarev.to_dataframe()"])
    assert 'class="dataframe"' in data["text/html"] and "<td>Gold</td>" in data["text/html"]
    assert "https://w3id.org/kzgraph/athlete/david-degtyarev" in data["text/plain"]
    assert "Para powerlifting, men's 54 kg" in data["text/plain"] and "2024-09-04" in data["text/plain"]


def test_notebook_format_prints_text(executed):
    assert executed["%kzq medal-table --format md"] == [
        {"output_type": "stream", "name": "stdout", "text": MEDAL_TABLE_MD}]


def test_notebook_error_cell_is_one_line(executed):
    (source,) = [source for source in executed if source.startswith("%%sparql\n")]
    assert executed[source] == [{"output_type": "stream", "name": "stderr", "text": SYNTAX_ERROR}]


def test_interrupting_the_kernel_stops_a_long_query(tmp_path):
    """The engine cannot cancel a query, yet an interrupt ends the cell (without the query's thread it would
    wait for the query, here for ever) and the store stays usable."""
    require("jupyter_client")
    from jupyter_client.manager import KernelManager

    def talk() -> tuple[dict[str, Any], str, str]:
        manager = kernel_manager(tmp_path, KernelManager)
        manager.start_kernel(cwd=str(tmp_path))
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)

            def run(code: str) -> str:
                out: list[str] = []
                reply = client.execute_interactive(code, timeout=300, output_hook=lambda msg: out.append(
                    msg["content"]["text"] if msg["msg_type"] == "stream" else ""))
                assert reply["content"]["status"] == "ok", reply["content"]
                return "".join(out)

            first = run("%load_ext kzgraph\n%kzq medal-table --format csv")
            # stop_on_error=False: else ipykernel aborts the requests that come soon after the interrupted cell
            endless = client.execute("%%sparql\nSELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                                     stop_on_error=False)
            time.sleep(2)
            manager.interrupt_kernel()
            reply = client.get_shell_msg(timeout=60)  # the engine would take hours, the kernel answers now
            assert reply["parent_header"]["msg_id"] == endless
            return reply["content"], first, run("%kzq medal-table --format csv")
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)

    interrupted, first, after = talk()
    collect_client_sockets()
    assert (interrupted["status"], interrupted["ename"]) == ("error", "KeyboardInterrupt")
    assert first == after == ("rank,country,gold,silver,bronze,total,games\r\n"
                              "39,Kazakhstan,2,3,4,9,Paris 2024 Summer Paralympics\r\n")
