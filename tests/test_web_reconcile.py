"""The W3C Entity Reconciliation API of kzgraph's web app, with requests shaped as OpenRefine sends them (in
process, through Starlette's TestClient)."""

from __future__ import annotations

import json

import pytest

from tests.servers import UPDATE_TOKEN

KZ = "https://w3id.org/kzgraph/"
ATHLETE = KZ + "ontology#Athlete"


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


def reconcile(client, queries, *, method="POST"):
    """OpenRefine posts a form with one field, ``queries``, holding a JSON object of queries."""
    if method == "POST":
        return client.post("/reconcile", data={"queries": json.dumps(queries)})
    return client.get("/reconcile", params={"queries": json.dumps(queries)})


def test_manifest(client):
    response = client.get("/reconcile")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    manifest = response.json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == KZ and manifest["schemaSpace"] == KZ + "ontology#"
    assert {"id": ATHLETE, "name": "athlete"} in manifest["defaultTypes"]
    assert manifest["preview"]["url"] == "http://kzgraph.test/reconcile/preview?id={{id}}"
    assert manifest["suggest"]["entity"]["service_path"] == "/suggest/entity"


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_batch_of_names_in_other_spellings(client, method):
    response = reconcile(client, {
        "q0": {"query": "Shamey", "type": ATHLETE, "limit": 3, "type_strict": "should"},
        "q1": {"query": "Dayana Fedossova", "type": ATHLETE},
        "q2": {"query": "Даяна Федосова"},
        "q3": {"query": "Nobody Atall", "type": ATHLETE},
    }, method=method)
    assert response.status_code == 200, response.text
    results = response.json()
    top = {key: value["result"][0] if value["result"] else None for key, value in results.items()}
    assert top["q0"]["id"] == KZ + "athlete/yergali-shamei" and top["q0"]["name"] == "Yergali Shamei"
    assert top["q0"]["type"] == [{"id": ATHLETE, "name": "athlete"}]
    assert top["q1"]["id"] == top["q2"]["id"] == KZ + "athlete/dayana-fedosova"
    assert top["q1"]["match"] is True and 90 <= top["q1"]["score"] <= 100
    assert top["q3"] is None
    assert len(results["q0"]["result"]) <= 3


def test_type_restricts_candidates(client):
    response = reconcile(client, {"q0": {"query": "judo", "type": KZ + "ontology#Sport"}})
    assert [c["id"] for c in response.json()["q0"]["result"]] == [KZ + "sport/para-judo"]


def test_suggest_and_preview(client):
    suggested = client.get("/reconcile/suggest/entity", params={"prefix": "Degty"}).json()["result"]
    assert suggested[0]["id"] == KZ + "athlete/david-degtyarev" and suggested[0]["name"] == "David Degtyarev"
    card = client.get("/reconcile/preview", params={"id": KZ + "athlete/david-degtyarev"})
    assert card.status_code == 200 and "David Degtyarev" in card.text and "athlete" in card.text
    assert client.get("/reconcile/preview", params={"id": KZ + "athlete/nobody"}).status_code == 404


@pytest.mark.parametrize("queries, message", [
    ("{not json", "not JSON"),
    ('["Shamey"]', "JSON object"),
    ('{"q0": {"limit": 3}}', "'query' string"),
    ('{"q0": {"query": "x", "type": "https://example.org/Thing"}}', "unknown type"),
    ('{"q0": {"query": "x", "limit": 0}}', "'limit'"),
])
def test_bad_requests_are_400_with_a_reason(client, queries, message):
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400
    assert message in response.text


# --- after an update: the service answers from the new data ----------------------------------------

NEW = KZ + "athlete/test-reconcile-qorqyt-zhyrau"
NEW_NAME = "Qorqyt Zhyrauly"
GRAPH = KZ + "graph/test-reconcile"


def update(client, text):
    r = client.post("/sparql", data={"update": text}, headers={"Authorization": f"Bearer {UPDATE_TOKEN}"})
    assert r.status_code == 204, r.text


def found(client, name):
    """(id, name) of the candidates /reconcile proposes for ``name``, and whether /reconcile/preview knows
    each of them."""
    results = reconcile(client, {"q0": {"query": name, "type": ATHLETE}}).json()["q0"]["result"]
    return [(c["id"], c["name"], client.get("/reconcile/preview", params={"id": c["id"]}).status_code)
            for c in results]


INSERT = (f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{NEW}> a <{ATHLETE}> ; "
          f"<http://www.w3.org/2000/01/rdf-schema#label> \"{NEW_NAME}\"@en }} }}")
DELETE = f"DROP SILENT GRAPH <{GRAPH}>"


def test_an_update_that_adds_then_removes_a_resource_is_reconciled_at_once(kzgraph_update_app):
    client = kzgraph_update_app
    assert client.get("/reconcile").status_code == 200  # the service is built from the data before the update
    assert found(client, NEW_NAME) == []
    update(client, INSERT)
    try:
        assert found(client, NEW_NAME) == [(NEW, NEW_NAME, 200)]
        suggested = client.get("/reconcile/suggest/entity", params={"prefix": "Qorqyt"}).json()["result"]
        assert [(s["id"], s["name"]) for s in suggested] == [(NEW, NEW_NAME)]
    finally:
        update(client, DELETE)
    assert found(client, NEW_NAME) == []
    assert client.get("/reconcile/preview", params={"id": NEW}).status_code == 404
    assert client.get("/reconcile/suggest/entity", params={"prefix": "Qorqyt"}).json()["result"] == []


def test_reconciling_while_updates_run_never_fails_and_ends_with_the_last_data(kzgraph_update_app):
    """Readers on several threads while the index is replaced (reconciliation, search, and a named query
    whose parameter is a name the index resolves): every answer is 200 (no closed index, no half-built
    service), and once the updates are over every candidate proposed has a preview. The requests of all
    threads meet in the app's one event loop, as they do in ``kzgraph serve``."""
    import concurrent.futures

    client = kzgraph_update_app

    def read(i):
        statuses = []
        for _ in range(6):
            statuses.append(reconcile(client, {"q0": {"query": NEW_NAME}}).status_code)
            statuses.append(client.get("/reconcile/suggest/entity", params={"prefix": "Qorqyt"}).status_code)
            statuses.append(client.get("/reconcile/preview", params={"id": KZ + "athlete/david-degtyarev"})
                            .status_code)
            statuses.append(client.get("/search", params={"q": "Shamey"}).status_code)
            statuses.append(client.get("/queries/athlete", params={"athlete": "Shamey"}).status_code)  # resolved
        return statuses

    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        readers = [pool.submit(read, i) for i in range(4)]
        try:
            for _ in range(3):
                update(client, INSERT)
                update(client, DELETE)
            update(client, INSERT)
            statuses = [s for r in readers for s in r.result()]
        finally:
            concurrent.futures.wait(readers)
    try:
        assert set(statuses) == {200}
        assert found(client, NEW_NAME) == [(NEW, NEW_NAME, 200)]
    finally:
        update(client, DELETE)
