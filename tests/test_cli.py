"""The kzgraph command, run as a subprocess: exit code, stdout and stderr checked separately."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


def run(*args: str, stdin: str | None = None, home: Path | None = MINI,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", **(env or {})}
    prefix = ["--home", str(home)] if home else []
    r = subprocess.run([sys.executable, "-m", "kzgraph", *prefix, *args], capture_output=True, env=env,
                       input=stdin.encode() if stdin is not None else None, timeout=120)
    r.stdout, r.stderr = r.stdout.decode(), r.stderr.decode()  # bytes first: keep CSV's CRLF as written
    return r


def test_query_csv():
    r = run("query", "medals", "--param", "athlete=athlete/beta", "--format", "csv")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == ("athlete,athlete_name,medal,type,points\r\n"
                        "https://w3id.org/kzgraph/athlete/beta,Beta Tester,https://w3id.org/kzgraph/medal/beta-1,"
                        "https://w3id.org/kzgraph/ontology#Silver,\r\n")


def test_query_table_by_default():
    r = run("query", "medals")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.splitlines()[1].split("│")[1].strip() == "athlete"
    assert r.stdout.endswith("3 rows\n")


def test_query_json_and_construct_default_turtle():
    r = run("query", "has-gold", "-f", "json")
    assert (r.returncode, json.loads(r.stdout), r.stderr) == (0, {"head": {}, "boolean": True}, "")
    r = run("query", "medal-graph")
    assert r.returncode == 0 and "kz:athlete <https://w3id.org/kzgraph/athlete/alpha>" in r.stdout


def test_query_file_and_stdin(tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("#+ param: type iri required\nSELECT ?type (COUNT(*) AS ?n) WHERE { ?m kz:medalType ?type }"
                    " GROUP BY ?type\n")
    r = run("query", str(path), "-p", "type=kz:Gold", "-f", "tsv")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == ("?type\t?n\n<https://w3id.org/kzgraph/ontology#Gold>\t"
                        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>\n')
    r = run("query", "-", "-f", "csv", stdin="SELECT (COUNT(*) AS ?n) WHERE { ?m a kz:Medal }")
    assert (r.returncode, r.stdout, r.stderr) == (0, "n\r\n3\r\n", "")


@pytest.mark.parametrize("args, stdin, message", [
    (["query", "nope"], None, "kzgraph: error: no named query 'nope'; known queries: athlete-by-name"),
    (["query", "medals", "-p", "athlete=not an iri"], None, "kzgraph: error: parameter 'athlete': "),
    (["query", "medals", "-p", "team=x"], None, "kzgraph: error: parameter 'team': unknown parameter"),
    (["query", "athlete-by-name"], None, "kzgraph: error: parameter 'name': required"),
    (["query", "medals", "-p", "athlete"], None, "kzgraph: error: --param expects NAME=VALUE"),
    (["query", "medals", "-f", "ttl"], None, "kzgraph: error: format 'ttl' is for CONSTRUCT/DESCRIBE"),
    (["query", "-"], "SELECT ?s WHERE { ?s ?p }", "kzgraph: error: stdin:1:25: SPARQL syntax error: unexpected '}'\n"),
    (["load", "x.ttl"], None, "kzgraph: error: load needs FILE... and --store PATH|URL"),
])
def test_bad_input_exits_2(args, stdin, message):
    r = run(*args, stdin=stdin)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith(message)
    assert "Traceback" not in r.stderr


def test_usage_errors_exit_2():
    r = run("frobnicate")
    assert r.returncode == 2 and r.stdout == "" and "invalid choice" in r.stderr
    r = run("query", "medals", "--format", "yaml")
    assert r.returncode == 2 and r.stdout == "" and "invalid choice" in r.stderr


def test_runtime_error_exits_3(tmp_path):
    store = tmp_path / "store"
    store.write_text("not a directory")
    r = run("--store", str(store), "query", "has-gold")
    assert r.returncode == 3 and r.stdout == ""
    assert r.stderr.startswith("kzgraph: error: cannot open the store at")


def test_queries_list():
    r = run("queries", "--format", "csv")
    assert (r.returncode, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    assert lines[0] == "name,title,params,tags"
    assert "medals,Medals of the fixture,athlete:iri?,\"core, test\"" in lines
    assert "athlete-by-name,Athletes with an English name,name:string," in lines


def test_load_is_atomic(tmp_path):
    store = tmp_path / "store"
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.trig"
    good.write_text("<http://example.org/a> <http://example.org/p> 1 .\n")
    bad.write_text("<http://example.org/g> {\n  <http://example.org/a> <http://example.org/p> .\n}\n")
    r = run("load", str(good), str(bad), "--store", str(store))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"kzgraph: error: {bad}:2:49: . is not a valid RDF object\n"
    assert r.stderr.count("\n") == 1
    before = run("--store", str(store), "stats", "-f", "json")
    assert before.returncode == 0
    quads = json.loads(before.stdout)["quads"]
    r = run("--store", str(store), "load", str(good))
    assert r.returncode == 0 and r.stdout == ""
    assert r.stderr == f"read 1 quad from 1 file(s) into {store}: 1 new\n"
    after = json.loads(run("--store", str(store), "stats", "-f", "json").stdout)
    assert after["quads"] == quads + 1
    r = run("--store", str(store), "load", str(good), "--graph", "https://w3id.org/kzgraph/graph/external/x")
    assert (r.returncode, r.stdout) == (0, "")
    after = json.loads(run("--store", str(store), "stats", "-f", "json").stdout)
    assert after["graphs"]["https://w3id.org/kzgraph/graph/external/x"] == 1
    r = run("--store", str(store), "load", str(good), "--graph", "not an iri")
    assert r.returncode == 2 and r.stdout == "" and "is not an IRI" in r.stderr


def test_export(tmp_path):
    r = run("export", "-f", "nt")
    assert r.returncode == 0 and r.stderr == ""
    assert '<https://w3id.org/kzgraph/athlete/alpha> <http://www.w3.org/2000/01/rdf-schema#label> "Альфа"@kk .' \
        in r.stdout.splitlines()
    out = tmp_path / "all.nq"
    r = run("export", "--format", "nq", "--out", str(out))
    assert r.returncode == 0 and r.stdout == "" and r.stderr.startswith(f"wrote {out.stat().st_size} bytes")
    assert "<https://w3id.org/kzgraph/graph/ontology> ." in out.read_text()


def test_validate_exit_1_with_report_on_stdout():
    r = run("validate", "-f", "csv")
    assert r.returncode == 1
    assert r.stdout == ("focus_node,component,path,message,severity\r\n"
                        "https://w3id.org/kzgraph/medal/beta-1,check:medal-without-points-violation,,"
                        "Medal without points (type=kz:Silver),Violation\r\n")
    assert r.stderr == "does not conform: 1 result(s)\n"
    r = run("validate", "--no-checks", "-f", "csv")
    assert (r.returncode, r.stdout, r.stderr) == (0, "focus_node,component,path,message,severity\r\n",
                                                  "conforms\n")


def test_stats():
    r = run("stats", "-f", "csv")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("kind,graphs,triples\r\nontology,1,9\r\nprovenance,1,16\r\narticle,2,17\r\n")
    assert "https://w3id.org/kzgraph/ontology#Medal,3" in r.stdout
    assert json.loads(run("stats", "-f", "json").stdout)["kinds"]["derived"] == {"graphs": 2, "triples": 3}


@pytest.mark.parametrize("command", ["query", "queries", "load", "export", "validate", "stats", "diagram", "search",
                                     "serve", "publish"])
def test_every_command_has_help_with_an_example(command):
    r = run(command, "--help", home=None)
    assert r.returncode == 0 and r.stderr == ""
    assert "example:\n  kzgraph " + command in r.stdout


def test_top_level_help_and_version():
    r = run("--help", home=None)
    assert r.returncode == 0 and "exit codes: 0 ok, 1 check failed, 2 usage or bad input, 3 runtime" in r.stdout
    r = run("--version", home=None)
    assert r.returncode == 0 and r.stdout.startswith("kzgraph ")


def test_commands_lists_every_sub_command():
    from kzgraph.cli import COMMANDS, build_parser

    assert set(build_parser()._subparsers._group_actions[0].choices) == set(COMMANDS)
    for name in COMMANDS:  # a parser built for one command parses that command alone
        assert list(build_parser(name)._subparsers._group_actions[0].choices) == [name]


def test_the_options_default_to_the_librarys_defaults():
    """Options the library has too take its defaults, never copies: serve's are the web Settings', wikidata's
    and synth's their modules', the remote --timeout's (in the help) the library's."""
    from kzgraph import api, synth, wikidata
    from kzgraph.cli import build_parser
    from kzgraph.cli.web import serve_settings
    from kzgraph.web.settings import Settings

    assert serve_settings(build_parser("serve").parse_args(["serve"])) == Settings()
    pulled = build_parser("wikidata").parse_args(["wikidata", "pull"])
    assert (pulled.endpoint, pulled.wikidata_timeout, pulled.threshold) == \
        (wikidata.DEFAULT_ENDPOINT, wikidata.TIMEOUT, wikidata.THRESHOLD)
    made = build_parser("synth").parse_args(["synth"])
    assert {"games": made.games, "scale": made.scale, "seed": made.seed} == \
        {name: (synth.generate.__kwdefaults__ or {})[name] for name in ("games", "scale", "seed")}
    assert f"(default {api.DEFAULT_TIMEOUT:g})" in " ".join(build_parser("query").format_help().split())
    assert build_parser("export").parse_args(["export"]).format == api.EXPORT_FORMAT


def test_help_shows_the_librarys_defaults():
    r = run("serve", "--help", home=None)
    assert (r.returncode, r.stderr) == (0, "")
    help_ = " ".join(r.stdout.split())
    for text in ("(default: 127.0.0.1)", "(default: 8000)", "(default: 10)", "(default: 10000)",
                 "(default: 1048576, 1 MiB)", "(default: 4)", "(default: 16)"):
        assert text in help_
