"""`kzgraph query medals` stays light: no rdflib, SPARQLWrapper, rich or pandas on that path."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
# the libraries that cost tens of milliseconds to import and that this path has no use for; standard modules
# (typing, dataclasses, pathlib, json…) are welcome: readable, checked code comes first, and the cold start
# stays within 4× `import pyoxigraph` (measured by benchmarks/cold_start.py, not by a timed test)
HEAVY = ["rdflib", "SPARQLWrapper", "rich", "pandas", "pyshacl", "httpx", "starlette", "uvicorn", "jinja2",
         "markupsafe", "sqlite3", "pyarrow", "polars", "duckdb", "IPython"]

PROBE = """
import io, sys, contextlib
from kzgraph.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(HEAVY))
import json
print(json.dumps({"code": code, "heavy": heavy, "rows": out.getvalue().count("\\n")}))
"""


def probe(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", PROBE.replace("HEAVY", repr(HEAVY)), *args],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_query_medals_on_fixture_is_light():
    assert probe("--home", str(MINI), "query", "medals") == {"code": 0, "heavy": [], "rows": 8}


def test_query_medals_is_light():
    result = probe("query", "medals")
    assert (result["code"], result["heavy"]) == (0, [])


def test_import_kzgraph_is_light():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", "import kzgraph, kzgraph.cli"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in r.stderr.splitlines() if "|" in line}
    assert imported.isdisjoint(HEAVY)
