"""The search index inside SPARQL: ``search`` parameters on every engine, kzf:matches and kzf:score on the
embedded store (refused elsewhere).

The probes are one pattern and one call each; the named query that users run is queries/find-athlete.rq,
whose ``search`` parameter binds what the index finds.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import kzgraph
from kzgraph import IRI
from kzgraph.backends.functions import called
from kzgraph.namespaces import KZF, MATCHES, SCORE
from kzgraph.queries import parse_text

REPO = Path(__file__).resolve().parent.parent
ATHLETE = "https://w3id.org/kzgraph/athlete/"
SHAMEI, FEDOSOVA = IRI(ATHLETE + "yergali-shamei"), IRI(ATHLETE + "dayana-fedosova")
PROLOGUE = "PREFIX kzf: <https://w3id.org/kzgraph/function#>\n"
MATCHING = PROLOGUE + "SELECT ?a ?text WHERE { ?a a kz:Athlete FILTER(kzf:matches(?a, ?text)) } ORDER BY ?a"
SCORED = PROLOGUE + "SELECT ?a ?s ?text WHERE { ?a a kz:Athlete BIND(kzf:score(?a, ?text) AS ?s) } ORDER BY ?a"


def test_the_functions_live_in_kzgraphs_namespace():
    assert (KZF, MATCHES, SCORE) == ("https://w3id.org/kzgraph/function#", KZF + "matches", KZF + "score")


@pytest.mark.parametrize("text, athlete", [
    ("Shamey", SHAMEI), ("Ергали Шамей", SHAMEI), ("SHAMEI", SHAMEI), ("yergali shamei", SHAMEI),
    ("Ерғали Шәмей", SHAMEI), ("Fedossova", FEDOSOVA), ("fedosova", FEDOSOVA)])
def test_matches_finds_the_athlete_by_any_spelling(kg, text, athlete):
    assert [row["a"] for row in kg.select(MATCHING, text=text).to_dicts()] == [athlete]


def test_no_match_gives_no_rows(kg):
    assert len(kg.select(MATCHING, text="Zzyzx Qwerty")) == 0
    assert len(kg.select(MATCHING, text="")) == 0


def test_score_is_the_search_score_and_unbound_for_other_resources(kg):
    scores = {row["a"]: row["s"] for row in kg.select(SCORED, text="Shamey").to_dicts()}
    assert scores[SHAMEI] == Decimal("0.95") == Decimal(str(kg.search("Shamey")[0].score))
    assert scores[IRI(ATHLETE + "david-degtyarev")] is None
    assert sum(score is not None for score in scores.values()) == 1


def test_find_athlete_ranks_best_first(kg):
    rows = kg.select("find-athlete", athlete="SHAMEI").to_dicts()
    assert rows == [{"athlete": SHAMEI, "label": "Yergali Shamei", "score": Decimal("0.91")}]
    assert [row["athlete"] for row in kg.select("find-athlete", athlete="Fedossova").to_dicts()] == [FEDOSOVA]
    assert len(kg.select("find-athlete", athlete="no such athlete anywhere")) == 0


def test_a_search_parameter_binds_the_hits_and_their_scores_on_every_engine():
    """"Yer" begins two athletes' names (and their medals'): both athletes, best first, with the index's scores."""
    probe = parse_text("#+ param: who search required Text\n#+ returns: who, score\n"
                       "SELECT ?who ?score WHERE { ?who a kz:Athlete BIND (?who_score AS ?score) }\n"
                       "ORDER BY DESC(?score) ?who", name="probe")
    for backend in ("oxigraph", "rdflib"):
        with kzgraph.open(backend=backend) as graph:
            rows = [(row["who"], row["score"]) for row in graph.select(probe, who="Yer").to_dicts()]
            assert rows == [(IRI(ATHLETE + "yerkin-gabbasov"), Decimal("0.634")), (SHAMEI, Decimal("0.63"))]
            assert len(graph.select(probe, who="Zzyzx Qwerty")) == 0


@pytest.mark.parametrize("call, message", [
    ('kzf:matches(?a)', "kzf:matches takes two arguments (a resource and a text), not 1"),
    ('kzf:matches(?a, "Shamey", 1)', "kzf:matches takes two arguments (a resource and a text), not 3"),
    ('kzf:matches(?a, 42)', "kzf:matches's second argument is the text to look for, a string, not the int 42"),
    ('kzf:score(?a, ?a) > 0', "kzf:score's second argument is the text to look for, a string, not an IRI"),
])
def test_a_wrong_call_is_a_query_error_not_an_empty_answer(kg, call, message):
    with pytest.raises(kzgraph.QueryError) as caught:
        kg.select(PROLOGUE + f"SELECT ?a WHERE {{ ?a a kz:Athlete FILTER({call}) }} ORDER BY ?a")
    assert str(caught.value) == message


def test_a_first_argument_that_is_no_iri_matches_nothing(kg):
    """SPARQL's semantics: a literal is no resource with a name (false); an unbound argument is an error (the
    FILTER drops the row); neither stops the query."""
    probe = PROLOGUE + "SELECT ?l WHERE { ?a rdfs:label ?l FILTER(kzf:matches(?l, \"Yergali Shamei\")) } ORDER BY ?l"
    assert len(kg.select(probe)) == 0
    unbound = PROLOGUE + "SELECT ?x WHERE { OPTIONAL { ?a kz:none ?x } FILTER(kzf:matches(?x, \"a\")) } ORDER BY ?x"
    assert len(kg.select(unbound)) == 0


def test_an_unknown_function_of_the_namespace_names_it(kg):
    with pytest.raises(kzgraph.BackendError, match=r"<https://w3id\.org/kzgraph/function#matchs> is not supported"):
        kg.select(PROLOGUE + 'SELECT ?a WHERE { ?a a kz:Athlete FILTER(kzf:matchs(?a, "x")) } ORDER BY ?a')


def test_queries_that_do_not_call_them_do_not_build_the_index():
    with kzgraph.open() as graph:
        assert len(graph.select("medals")) == 9
        assert graph._search_index is None
        assert [row["a"] for row in graph.select(MATCHING, text="Shamey").to_dicts()] == [SHAMEI]
        assert graph._search_index is not None  # built by the first call, then kept


def test_called_reads_iris_and_any_prefix_but_not_comments_or_strings():
    assert called('SELECT * { ?a ?p ?o FILTER(<https://w3id.org/kzgraph/function#score>(?a, "x")) }') == ["kzf:score"]
    assert called('PREFIX f: <https://w3id.org/kzgraph/function#> SELECT * { FILTER(f:matches(?a, "x")) }') \
        == ["kzf:matches"]
    assert called('PREFIX f: <https://w3id.org/kzgraph/function#> SELECT * { ?a ?p "f:matches" } # f:score') == []


def test_rdflib_refuses_with_the_way_round():
    """rdflib alone would take the unknown function for an error in the FILTER and answer no rows."""
    with kzgraph.open(backend="rdflib") as graph:
        with pytest.raises(kzgraph.QueryError) as caught:
            graph.select(MATCHING, text="Shamey")
        assert str(caught.value).startswith("kzf:matches: kzgraph's search functions run only on the embedded "
                                            "pyoxigraph store, not on this one (RdflibBackend). Search first")
        # the portable way: the search index first, then the IRIs it found, bound
        found = [hit.resource for hit in graph.search("Shamey") if hit.type == "athlete"]
        assert found == [str(SHAMEI)]
        assert [row["athlete"] for row in graph.select("athlete", athlete=found[0]).to_dicts()][:1] == [SHAMEI]


def kzgraph_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kzgraph", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}, cwd=REPO)


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_find_athlete_on_the_command_line(backend):
    r = kzgraph_cli("query", "find-athlete", "--backend", backend, "--param", "athlete=Shamey", "--format", "csv")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == "athlete,label,score\nhttps://w3id.org/kzgraph/athlete/yergali-shamei,Yergali Shamei,0.95\n"


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_search_text_is_a_parameter_error(kg, text):
    with pytest.raises(kzgraph.QueryParameterError, match=r"'athlete'.*not a valid search: expected the text"):
        kg.query("find-athlete", athlete=text)


def test_find_athlete_over_http(kzgraph_app):
    r = kzgraph_app.get("/queries/find-athlete", params={"athlete": "Shamey"}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.text.splitlines() == ["athlete,label,score",
                                   "https://w3id.org/kzgraph/athlete/yergali-shamei,Yergali Shamei,0.95"]
    r = kzgraph_app.get("/queries/find-athlete", params={"athlete": " "})
    assert r.status_code == 400
    assert "parameter 'athlete'" in r.text


def test_a_wrong_call_over_http_is_a_400_with_the_message(kzgraph_app):
    query = PROLOGUE + "SELECT ?a WHERE { ?a a kz:Athlete FILTER(kzf:matches(?a, 42)) } ORDER BY ?a"
    r = kzgraph_app.get("/sparql", params={"query": query})
    assert r.status_code == 400
    assert "kzf:matches's second argument is the text to look for, a string, not the int 42" in r.text


README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Text search inside SPARQL"):README.index("## Linked data server")]


def fenced(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", SECTION, flags=re.S)


def test_the_readmes_query_runs_here_and_is_refused_on_rdflib(kg):
    (query,) = fenced("sparql")
    assert [row["athlete"] for row in kg.select(query).to_dicts()] == [SHAMEI]
    with kzgraph.open(backend="rdflib") as graph, pytest.raises(kzgraph.QueryError, match=r"^kzf:matches: "):
        graph.select(query)


def test_the_readmes_portable_example_runs():
    (example,) = fenced("py")
    namespace: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert namespace["found"] == ["https://w3id.org/kzgraph/athlete/yergali-shamei"]
    namespace["kg"].close()  # type: ignore[attr-defined]


def test_the_readmes_commands_answer(kzgraph_app):
    (commands,) = fenced("sh")
    first, _, curl = commands.splitlines()
    args = shlex.split(first.split("#")[0])
    assert args[:2] == ["kzgraph", "query"]
    r = kzgraph_cli(*args[1:], "--format", "csv")
    expected = [ATHLETE + "yergali-shamei,Yergali Shamei,0.95"]
    assert (r.returncode, r.stdout.splitlines()[1:]) == (0, expected), r.stderr
    name = shlex.split(curl)[-1].split("=", 1)[1]
    r = kzgraph_app.get("/queries/find-athlete", params={"athlete": name}, headers={"Accept": "text/csv"})
    assert r.text.splitlines()[1] == ATHLETE + "yergali-shamei,Yergali Shamei,0.95"
