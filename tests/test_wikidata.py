"""The Wikidata join, end to end, against a real Oxigraph server holding a Wikidata-shaped fixture.

The fixture (tests/fixtures/wikidata/items.ttl) is test-only data: it stands in for the Wikidata Query
Service, which this machine cannot reach. Reconcile, pull, the offline and federated joins and the diff
run on a copy of the dataset's files, so the repository's own data/ is never written.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import kzgraph
from kzgraph import IRI
from kzgraph.errors import DataError, EndpointError, QueryError
from kzgraph.wikidata import (
    NO_SNAPSHOT,
    Endpoint,
    accept,
    diff,
    has_snapshot,
    links_trig,
    pull,
    read_review,
    reconcile,
    unlinked,
    write_review,
)

ROOT = Path(__file__).resolve().parent.parent
WD = "http://www.wikidata.org/entity/"
KZ = "https://w3id.org/kzgraph/"
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def endpoint(wikidata_server):
    client = Endpoint.connect(wikidata_server.query_url, timeout=10)
    yield client
    client.close()


@pytest.fixture(scope="module")
def candidates(home, endpoint):
    with kzgraph.open(root=home) as kg:
        entities = unlinked(kg.query("wikidata-unlinked").to_dicts())
    return reconcile(entities, endpoint)


@pytest.fixture(scope="module")
def linked(home, endpoint, candidates):
    """The home after reconcile (accepted links written) and pull (snapshot written)."""
    (home / "data" / "wikidata-links.trig").write_text(links_trig(accept(candidates), endpoint.url, NOW),
                                                       encoding="utf-8")
    with kzgraph.open(root=home) as kg:
        pulled = pull(kg, endpoint, home / "data" / "wikidata-snapshot.trig", now=NOW)
    assert pulled.fetched and pulled.triples > 0
    return home


def best(candidates, resource):
    return [(c.item[len(WD):], c.score) for c in candidates if c.resource == KZ + resource]


def test_unlinked_entities_carry_all_their_names(home):
    with kzgraph.open(root=home) as kg:
        entities = {e.resource: e for e in unlinked(kg.query("wikidata-unlinked").to_dicts())}
    shamei = entities[KZ + "athlete/yergali-shamei"]
    assert {str(n) for n in shamei.names} == {"Yergali Shamei", "Shamey", "Ерғали Шәмей", "Ергали Шамей"}
    assert shamei.sports == ("para judo",)
    assert KZ + "country/kazakhstan" not in entities  # stated link: not reconciled again


def test_reconcile_scores_name_and_type(candidates):
    assert best(candidates, "athlete/david-degtyarev") == [("Q900000101", 1.0), ("Q900000102", 0.5)]
    assert best(candidates, "athlete/yergali-shamei") == [("Q900000103", 1.0)]
    assert best(candidates, "athlete/dayana-fedosova") == [("Q900000104", 1.0)]
    assert best(candidates, "athlete/nurdaulet-zhumagali") == [("Q900000105", 0.5)]
    assert best(candidates, "sport/para-judo") == [("Q900000002", 1.0)]
    assert best(candidates, "sport/para-swimming") == [("Q900000003", 0.6)]
    assert best(candidates, "venue/stade-de-france") == [("Q900000020", 0.8)]


def test_the_olympics_are_never_the_paralympics(candidates):
    games = {c.item[len(WD):]: c for c in candidates if c.resource == KZ + "games/paris-2024"}
    assert games["Q900000010"].score == 1.0
    assert games["Q995653"].score == 0.0
    assert "not the Paralympics" in games["Q995653"].reason


def test_transliteration_variants_find_the_item(candidates):
    shamei = next(c for c in candidates if c.item == WD + "Q900000103")
    assert "Yergali Shamey@en" in shamei.reason and "Ерғали Шәмей@kk" in shamei.reason
    fedosova = next(c for c in candidates if c.item == WD + "Q900000104")
    assert "Dayana Fedossova@en" in fedosova.reason


def test_accept_takes_the_single_best_above_the_threshold(candidates):
    accepted = {c.resource[len(KZ):]: c.item[len(WD):] for c in accept(candidates)}
    assert accepted == {
        "athlete/david-degtyarev": "Q900000101", "athlete/yergali-shamei": "Q900000103",
        "athlete/dayana-fedosova": "Q900000104", "games/paris-2024": "Q900000010",
        "sport/para-judo": "Q900000002", "sport/para-powerlifting": "Q900000001",
        "venue/stade-de-france": "Q900000020"}


def test_review_file_round_trip(candidates, tmp_path):
    review = tmp_path / "review.csv"
    write_review(candidates, accept(candidates), review)
    lines = review.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "entity,kind,candidate,label,description,score,reason,accept"
    assert len(lines) == len(candidates) + 1
    # a person confirms the weak Zhumagali candidate and nothing else
    edited = [line.replace(",yes", ",") for line in lines]
    edited = [line + "yes" if "Q900000105" in line else line for line in edited]
    review.write_text("\n".join(edited) + "\n", encoding="utf-8")
    assert [(c.resource, c.item) for c in read_review(review)] == [
        (KZ + "athlete/nurdaulet-zhumagali", WD + "Q900000105")]


def test_read_review_refuses_a_file_without_the_review_columns(tmp_path):
    review = tmp_path / "review.csv"
    review.write_text("entity,candidate\nhttps://w3id.org/kzgraph/athlete/x,http://www.wikidata.org/entity/Q1\n",
                      encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_review(review)
    assert str(info.value) == (f"{review}: no 'kind', 'label', 'description', 'score', 'reason', 'accept' columns "
                               "(found: entity, candidate); a review file has the columns entity, kind, candidate, "
                               "label, description, score, reason, accept, as `kzgraph wikidata reconcile --review "
                               "FILE` writes it")
    review.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"\(found: none\)"):
        read_review(review)
    with pytest.raises(DataError) as info:
        read_review(tmp_path / "absent.csv")
    assert str(info.value) == f"{tmp_path / 'absent.csv'}: no such file"


def test_without_a_snapshot_diff_says_to_pull(tmp_path):
    import shutil

    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    with kzgraph.open(root=tmp_path) as kg:
        assert not has_snapshot(kg)
        with pytest.raises(DataError) as info:
            diff(kg)
    assert str(info.value) == NO_SNAPSHOT
    assert str(info.value).startswith("no snapshot; run `kzgraph wikidata pull`")


def test_reconciled_links_live_apart_with_score_and_method(linked, endpoint):
    with kzgraph.open(root=linked) as kg:
        links = {(r["resource"][len(KZ):], r["kind"]): r for r in kg.query("wikidata-links").to_dicts()}
        graphs = [g for g in kg.query("graphs").to_dicts() if g["kind"] == "reconciled"]
        report = kg.validate()
    assert links[("country/kazakhstan", "stated")]["fact"] == "w1"
    degtyarev = links[("athlete/david-degtyarev", "reconciled")]
    assert (degtyarev["item"], degtyarev["score"], degtyarev["fact"]) == (IRI(WD + "Q900000101"), 1, None)
    assert len(graphs) == 7 and {g["source"] for g in graphs} == {IRI(endpoint.url)}
    assert report.conforms, report.text


def test_pull_keeps_a_citable_snapshot_and_refetches_only_on_refresh(linked, endpoint):
    path = linked / "data" / "wikidata-snapshot.trig"
    before = path.read_bytes()
    with kzgraph.open(root=linked) as kg:
        snapshot = [g for g in kg.query("graphs").to_dicts() if g["kind"] == "wikidata"]
        assert has_snapshot(kg)
        kept = pull(kg, endpoint, path)
        assert (kept.fetched, path.read_bytes()) == (False, before)
        refreshed = pull(kg, endpoint, path, refresh=True, now=NOW + datetime.timedelta(days=1))
    assert refreshed.fetched and path.read_bytes() != before
    assert [(g["graph"], g["source"]) for g in snapshot] == [(IRI(KZ + "graph/wikidata/snapshot"), IRI(endpoint.url))]
    assert "schema.org/version" in before.decode()  # item revisions come with the items


def test_offline_join_with_the_snapshot(linked):
    with kzgraph.open(root=linked) as kg:
        rows = [(r["athlete_name"], r["birth_place"], r["wikidata_award"], r["wikidata_games"], r["our_medals"])
                for r in kg.query("wikidata-athletes").to_dicts()]
    assert rows == [
        ("David Degtyarev", "Karaganda", "gold medal", "2024 Summer Paralympics", 2),
        ("Dayana Fedosova", None, "silver medal", "2024 Summer Paralympics", 1),
        ("Yergali Shamei", None, None, None, 1),
    ]


def test_live_join_federates_and_agrees_with_the_snapshot(linked, wikidata_server):
    columns = ["athlete_name", "item", "birth_date", "birth_place", "wikidata_award", "wikidata_games",
               "our_medals"]
    with kzgraph.open(root=linked) as kg:
        offline = [tuple(r[c] for c in columns) for r in kg.query("wikidata-athletes").to_dicts()]
        live = [tuple(r[c] for c in columns)
                for r in kg.query("wikidata-athletes-live", endpoint=wikidata_server.query_url).to_dicts()]
    assert live == offline
    assert live[0][2] == datetime.datetime(1990, 1, 1, tzinfo=datetime.timezone.utc)


def test_diff_reports_and_exports_quickstatements(linked):
    with kzgraph.open(root=linked) as kg:
        result = diff(kg, today=datetime.date(2026, 11, 24))
    rows = {r["athlete_name"]: (r["medal"], r["status"], r["export"]) for r in result.report.to_dicts()}
    assert rows == {
        "David Degtyarev": ("Gold", "matches", "nothing to add"),
        "Yergali Shamei": ("Silver", "missing", "exported"),
        "Dayana Fedosova": ("Bronze", "not comparable", "nothing to add"),
    }
    assert result.quickstatements == (
        "Q900000103|P1344|Q900000010|P166|Q847956|P1352|2|P585|+2024-09-06T00:00:00Z/11|"
        'S1476|en:"Kazakhstan achieves historic success at Summer Paralympic Games in Paris"|'
        "S813|+2026-11-24T00:00:00Z/11\n")


def test_an_unreachable_endpoint_is_a_clear_error(home):
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    client = Endpoint.connect(url, timeout=2, retries=0)
    with kzgraph.open(root=home) as kg:
        entities = unlinked(kg.query("wikidata-unlinked").to_dicts())
    with pytest.raises(EndpointError) as info:
        reconcile(entities, client)
    client.close()
    assert url in str(info.value) or "127.0.0.1" in str(info.value)


def test_a_wikidata_query_of_the_wrong_form_is_a_query_error(tmp_path):
    """Queries of one's own (``queries_dir``) must keep the forms kzgraph reads: SELECT, CONSTRUCT."""
    from kzgraph.backends.oxigraph import OxigraphBackend
    from kzgraph.terms import LangString

    (tmp_path / "wikidata").mkdir()
    for mine, theirs in [("candidates", "statements"), ("statements", "candidates")]:
        (tmp_path / "wikidata" / f"{mine}.rq").write_text(
            (ROOT / "queries" / "wikidata" / f"{theirs}.rq").read_text(encoding="utf-8"), encoding="utf-8")
    client = Endpoint(kzgraph.open(OxigraphBackend()), "http://127.0.0.1:9/sparql", queries_dir=tmp_path)
    with pytest.raises(QueryError, match=r"candidates\.rq: expected a SELECT query"):
        list(client.candidates([LangString("Shamey", "en")]))
    with pytest.raises(QueryError, match=r"statements\.rq: expected a CONSTRUCT query"):
        client.statements([IRI(WD + "Q1")])
