"""The W3C Entity Reconciliation API of ``kzgraph serve``, with requests shaped as OpenRefine sends them."""

from __future__ import annotations

import json

import httpx
import pytest

KZ = "https://w3id.org/kzgraph/"
ATHLETE = KZ + "ontology#Athlete"


@pytest.fixture(scope="module")
def client(kzgraph_server):
    with httpx.Client(base_url=kzgraph_server.base_url, timeout=30) as c:
        yield c


def reconcile(client, queries, *, method="POST"):
    """OpenRefine posts a form with one field, ``queries``, holding a JSON object of queries."""
    if method == "POST":
        return client.post("/reconcile", data={"queries": json.dumps(queries)})
    return client.get("/reconcile", params={"queries": json.dumps(queries)})


def test_manifest(client, kzgraph_server):
    response = client.get("/reconcile")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    manifest = response.json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == KZ and manifest["schemaSpace"] == KZ + "ontology#"
    assert {"id": ATHLETE, "name": "athlete"} in manifest["defaultTypes"]
    assert manifest["preview"]["url"] == kzgraph_server.base_url + "/reconcile/preview?id={{id}}"
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
