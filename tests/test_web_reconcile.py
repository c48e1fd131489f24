"""The W3C Entity Reconciliation API of kzgraph's web app, with requests shaped as OpenRefine sends them (in
process, through Starlette's TestClient)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    ('{"q0": {"query": "x", "type": [{"id": "x"}]}}', "'type' must be a type id"),
    ('[' * 10_000, "too deeply"),
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


# --- data extension, property proposals and property suggest (OpenRefine's "add columns from reconciled
# values"), validated against the spec's JSON schemas (tests/fixtures/reconciliation-api/) ------------------

SCHEMAS = Path(__file__).parent / "fixtures" / "reconciliation-api"
DEGTYAREV = KZ + "athlete/david-degtyarev"
DEGTYAREV_PARIS = KZ + "medal/paris-2024-david-degtyarev-gold"
MEDAL = KZ + "ontology#Medal"


def conforms(document, schema_name):
    """``document`` is valid for the spec's schema ``schema_name`` (its ``$ref``s resolved among the copies)."""
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    schemas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s, default_specification=DRAFT7))
                                         for s in schemas.values())
    validator = jsonschema.Draft7Validator(schemas[schema_name], registry=registry)
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return document


def extend(client, ids, properties, *, method="POST"):
    """OpenRefine posts a form with one field, ``extend``, holding the extension query as JSON."""
    query = conforms({"ids": ids, "properties": properties}, "data-extension-query")
    if method == "POST":
        return client.post("/reconcile", data={"extend": json.dumps(query)})
    return client.get("/reconcile", params={"extend": json.dumps(query)})


def names(cells):
    return [cell["name"] for cell in cells]


def test_the_manifest_declares_extension_and_property_suggest(client):
    manifest = conforms(client.get("/reconcile").json(), "manifest")
    assert manifest["extend"]["propose_properties"] == {"service_url": "http://kzgraph.test/reconcile",
                                                        "service_path": "/properties"}
    assert [s["name"] for s in manifest["extend"]["property_settings"]] == ["limit"]
    assert manifest["suggest"]["property"] == {"service_url": "http://kzgraph.test/reconcile",
                                               "service_path": "/suggest/property"}
    conforms(reconcile(client, {"q0": {"query": "Degtyarev"}}).json(), "reconciliation-result-batch")
    conforms(client.get("/reconcile/suggest/entity", params={"prefix": "Degty"}).json(), "suggest-entities-response")


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_extending_an_athlete_with_medal_event_and_sport(client, method):
    response = extend(client, [DEGTYAREV], [{"id": "medal"}, {"id": "event"}, {"id": "sport"}, {"id": "date"}],
                      method=method)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    answer = conforms(response.json(), "data-extension-response")
    assert answer["meta"] == [
        {"id": "medal", "name": "medal", "type": {"id": MEDAL, "name": "medal"}},
        {"id": "event", "name": "event", "type": {"id": KZ + "ontology#Event", "name": "medal event"}},
        {"id": "sport", "name": "sport", "type": {"id": KZ + "ontology#Sport", "name": "sport"}},
        {"id": "date", "name": "medal date"},
    ]
    row = answer["rows"][DEGTYAREV]
    assert row["sport"] == [{"id": KZ + "sport/para-powerlifting", "name": "para powerlifting"}]
    assert names(row["event"]) == ["Para powerlifting, men's 54 kg", "Para powerlifting, men's 54 kg (Tokyo 2020)"]
    assert [c["id"] for c in row["event"]] == [KZ + "event/powerlifting-men-54kg",
                                               KZ + "event/tokyo-2020-powerlifting-men-54kg"]
    assert {c["id"] for c in row["medal"]} == {DEGTYAREV_PARIS, KZ + "medal/tokyo-2020-david-degtyarev-gold"}
    assert row["date"] == [{"date": "2024-09-04T00:00:00Z"}]  # the Paris medal's, fact a2; Tokyo's is unknown


def test_extending_a_medal_gives_its_date_result_class_and_delegation(client):
    judo = KZ + "medal/paris-2024-zhurkamyrza-shukurbekov-bronze"
    properties = ["athlete", "medal-type", "date", "result", "unit", "class", "delegation", "venue", "games"]
    answer = conforms(extend(client, [DEGTYAREV_PARIS, judo], [{"id": p} for p in properties]).json(),
                      "data-extension-response")
    assert list(answer["rows"]) == [DEGTYAREV_PARIS, judo]
    paris = answer["rows"][DEGTYAREV_PARIS]
    assert paris["athlete"] == [{"id": DEGTYAREV, "name": "David Degtyarev"}]
    assert paris["medal-type"] == [{"id": KZ + "ontology#Gold", "name": "Gold"}]
    assert paris["date"] == [{"date": "2024-09-04T00:00:00Z"}]
    assert paris["result"] == [{"float": 188.0}] and paris["unit"] == [{"str": "kg"}]
    assert paris["class"] == []  # no sport class is stated for men's 54 kg
    assert paris["delegation"] == [{"id": KZ + "delegation/kazakhstan-paris-2024",
                                    "name": "Kazakhstan at the Paris 2024 Summer Paralympics"}]
    assert paris["venue"] == [{"id": KZ + "venue/porte-de-la-chapelle-arena", "name": "Porte de La Chapelle Arena"}]
    assert paris["games"] == [{"id": KZ + "games/paris-2024", "name": "Paris 2024 Summer Paralympics"}]
    assert answer["rows"][judo]["class"] == [{"id": KZ + "class/j2", "name": "J2"}]
    assert answer["rows"][judo]["date"] == [{"date": "2024-09-07T00:00:00Z"}]


def test_literals_of_a_delegation_are_ints_and_entities_keep_their_order(client):
    delegation = KZ + "delegation/kazakhstan-paris-2024"
    answer = conforms(extend(client, [delegation], [{"id": "gold-medals"}, {"id": "total-medals"}, {"id": "rank"},
                                                    {"id": "flag-bearer"}]).json(), "data-extension-response")
    row = answer["rows"][delegation]
    assert (row["gold-medals"], row["total-medals"], row["rank"]) == ([{"int": 2}], [{"int": 9}], [{"int": 39}])
    assert names(row["flag-bearer"]) == ["Berik Izmaganbetov", "Sevda Aliyeva"]


def test_a_batch_answers_each_id_as_a_request_of_its_own(client):
    """The ids of a request are answered by one query (a VALUES block): each row is what a request for that id
    alone answers, values in the same order (by name, then value), whatever the other ids' classes."""
    ids = [DEGTYAREV, DEGTYAREV_PARIS, KZ + "event/powerlifting-men-54kg", KZ + "delegation/kazakhstan-paris-2024",
           KZ + "sport/judo", KZ + "venue/porte-de-la-chapelle-arena"]
    properties = [{"id": p} for p in ("athlete", "medal", "event", "sport", "venue", "date", "result", "flag-bearer")]
    batch = extend(client, ids, properties).json()["rows"]
    assert list(batch) == ids
    for entity in ids:
        assert batch[entity] == extend(client, [entity], properties).json()["rows"][entity], entity
    assert names(batch[KZ + "delegation/kazakhstan-paris-2024"]["flag-bearer"]) == ["Berik Izmaganbetov",
                                                                                   "Sevda Aliyeva"]
    assert names(batch[KZ + "event/powerlifting-men-54kg"]["athlete"]) == ["David Degtyarev"]
    assert batch[DEGTYAREV_PARIS]["result"] == [{"float": 188.0}]


def test_the_limit_setting_and_ids_without_values(client):
    nobody = KZ + "athlete/nobody-at-all"
    answer = conforms(extend(client, [DEGTYAREV, nobody, DEGTYAREV],
                             [{"id": "event", "settings": {"limit": "1"}}, {"id": "sport", "settings": {"limit": 0}}]
                             ).json(), "data-extension-response")
    assert list(answer["rows"]) == [DEGTYAREV, nobody]  # an id asked for twice is answered once
    assert names(answer["rows"][DEGTYAREV]["event"]) == ["Para powerlifting, men's 54 kg"]
    assert names(answer["rows"][DEGTYAREV]["sport"]) == ["para powerlifting"]
    assert answer["rows"][nobody] == {"event": [], "sport": []}


def test_properties_proposed_for_a_type(client):
    response = client.get("/reconcile/properties", params={"type": ATHLETE, "limit": "7"})
    assert response.status_code == 200
    answer = conforms(response.json(), "data-extension-property-proposal")
    assert answer["type"] == ATHLETE and answer["limit"] == 7
    assert [p["id"] for p in answer["properties"]] == ["medal", "medal-type", "event", "sport", "class", "date",
                                                       "result"]
    assert answer["properties"][5] == {"id": "date", "name": "medal date", "description": "the day each medal was won"}
    medal = conforms(client.get("/reconcile/properties", params={"type": MEDAL}).json(),
                     "data-extension-property-proposal")
    wanted = {"athlete", "event", "sport", "date", "class", "delegation", "venue"}
    assert wanted <= {p["id"] for p in medal["properties"]}
    assert "limit" not in medal
    every = client.get("/reconcile/properties").json()["properties"]
    assert len(every) == len({p["id"] for p in every}) >= 20


def test_property_suggest(client):
    def suggested(**params):
        response = client.get("/reconcile/suggest/property", params=params)
        assert response.status_code == 200
        return conforms(response.json(), "suggest-properties-response")["result"]

    medals = suggested(prefix="Med")  # names that start so first, then names with a word that does
    assert [p["id"] for p in medals] == ["medal", "date", "rank", "medal-type", "bronze-medals", "gold-medals",
                                         "silver-medals", "total-medals"]
    assert medals[1] == {"id": "date", "name": "medal date", "description": "of athlete, medal event, medal"}
    assert [p["id"] for p in suggested(prefix="sport class")] == ["class"]
    assert [p["id"] for p in suggested(prefix="flag-b")] == ["flag-bearer"]  # an id as prefix finds its property
    assert suggested(prefix="zzz") == []
    first, second = suggested(prefix=""), suggested(prefix="", cursor="10")
    assert len(first) == 10 and second and not {p["id"] for p in first} & {p["id"] for p in second}


@pytest.mark.parametrize("field, value, status, message", [
    ("extend", "{not json", 400, "'extend' is not JSON"),
    ("extend", '["x"]', 400, "JSON object such as"),
    ("extend", '{"ids": "x", "properties": []}', 400, "JSON object such as"),
    ("extend", '{"ids": [1], "properties": []}', 400, "list of entity ids"),
    ("extend", '{"ids": [], "properties": [{"name": "sport"}]}', 400, "'id' string"),
    ("extend", '{"ids": [], "properties": [{"id": "shoe size"}]}', 400, "unknown property 'shoe size'; known: athlete"),
    ("extend", '{"ids": [], "properties": [{"id": "sport", "settings": {"limit": -1}}]}', 400, "'limit' setting"),
    ("extend", '{"ids": [], "properties": [{"id": "sport", "settings": {"colour": 1}}]}', 400, "unknown setting"),
    ("extend", '{"ids": [], "properties": [{"id": "sport", "settings": {"limit": "\u00b2"}}]}', 400, "'limit' setting"),
    ("extend", '{"ids": [], "properties": [{"id": "sport", "settings": {"limit": NaN}}]}', 400, "'limit' setting"),
    ("extend", '{"ids": [], "properties": [{"id": "sport", "settings": []}]}', 400, "'settings' must be an object"),
    ("extend", '{"ids": ["Q42"], "properties": [{"id": "sport"}]}', 400, "'Q42' is not an id of this service"),
    ("extend", json.dumps({"ids": [KZ + "athlete/a b"], "properties": [{"id": "sport"}]}), 400,
     "is not an id of this service"),
    ("extend", json.dumps({"ids": [KZ + f"athlete/{i}" for i in range(51)], "properties": []}), 413,
     "at most 50 ids"),
    ("extend", json.dumps({"ids": [], "properties": [{"id": "sport"}] * 21}), 413, "at most 20 properties"),
    ("extend", "[" * 10_000, 400, "too deeply"),
    ("queries", '{"q0": {"query": "x"}}', 400, "not both"),
    ("queries", "[" * 10_000, 400, "too deeply"),
])
def test_bad_extension_requests_are_4xx_with_a_reason(client, field, value, status, message):
    data = {field: value} if field == "extend" or "[[" in value else \
        {"queries": value, "extend": '{"ids": [], "properties": []}'}
    for response in (client.post("/reconcile", data=data), client.get("/reconcile", params=data)):
        assert response.status_code == status, response.text
        assert message in response.text


@pytest.mark.parametrize("path, params, message", [
    ("/reconcile/properties", {"type": "https://example.org/Thing"}, "unknown type"),
    ("/reconcile/properties", {"type": ATHLETE, "limit": "0"}, "'limit' must be a whole number, 1 or more"),
    ("/reconcile/properties", {"type": ATHLETE, "limit": "many"}, "'limit'"),
    ("/reconcile/suggest/property", {"prefix": "med", "cursor": "-1"}, "'cursor'"),
    ("/reconcile/suggest/property", {"prefix": "med", "cursor": "9" * 5000}, "'cursor'"),
    ("/reconcile/suggest/property", {"prefix": "med", "cursor": "²"}, "'cursor'"),
])
def test_bad_proposal_and_suggest_requests_are_400(client, path, params, message):
    response = client.get(path, params=params)
    assert response.status_code == 400 and message in response.text


def test_every_proposed_property_is_answered_and_every_answer_proposed(kg):
    """The two queries agree: for every entity of every reconcilable class, each value reconcile-extend gives
    is of a property reconcile-properties proposes for that class, and each proposed property has a value
    for some entity of the class. A property has one name and one range whatever the class."""
    from kzgraph.web.reconciler import Properties

    properties = Properties.of(kg)
    proposed = {(p.type, p.id) for p in properties.rows}
    for prop in properties.rows:
        first = properties.unique()[prop.id]
        assert (prop.name, prop.range) == (first.name, first.range), prop
    answered = set()
    for type_id in {p.type for p in properties.rows}:
        for entity, *_ in kg.select("resources-of-kind", **{"class": type_id}).rows:
            for _, prop, _, _ in kg.select("reconcile-extend", entity=entity).rows:
                assert (type_id, prop) in proposed, (entity, prop)
                answered.add((type_id, prop))
    assert proposed == answered


def test_the_readme_example_answers_what_the_readme_shows(client):
    """README's OpenRefine section: each ``curl`` of its shell block, sent to the app, answers 200, and the
    extension request answers exactly the JSON shown."""
    import re
    import shlex

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (section,) = re.findall(r"\n## OpenRefine\n(.*?)\n## ", readme, flags=re.S)
    (commands,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    (shown,) = re.findall(r"```json\n(.*?)```", section, re.S)
    answers = []
    for line in commands.splitlines():
        if not line.startswith("curl "):
            continue
        words = shlex.split(line)
        url = next(w for w in words if w.startswith("http://127.0.0.1:8000/"))
        fields = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--data-urlencode")
        path = url.removeprefix("http://127.0.0.1:8000")
        response = client.get(path, params=fields) if "--get" in words else client.post(path, data=fields)
        assert response.status_code == 200, (line, response.text)
        answers.append(response.json())
    assert len(answers) == 2
    conforms(answers[0], "data-extension-property-proposal")
    assert conforms(answers[1], "data-extension-response") == json.loads(shown)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
                     | st.sampled_from([DEGTYAREV, "sport", "limit", "ids", "properties", "id", "settings"]),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                         st.sampled_from(["ids", "properties", "id", "settings", "limit", "x"]), inner, max_size=4),
                     max_leaves=12)


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=_JSON)
def test_any_extension_request_is_answered_or_refused_never_a_500(client, request):
    """Hostile or careless JSON in ``extend``: 200 with the spec's shape, or a 400/413 with a reason."""
    response = client.post("/reconcile", data={"extend": json.dumps(request)})
    assert response.status_code in (200, 400, 413), response.text
    if response.status_code == 200:
        conforms(response.json(), "data-extension-response")
    else:
        assert len(response.text) > 20


def test_with_cors_for_openrefine_every_endpoint_answers_its_page(make_kzgraph_app):
    """OpenRefine's page (its own origin) calls the suggest and proposal endpoints from the browser: with
    ``--cors ORIGIN`` every endpoint of the service allows it, preflight included (the spec asks for CORS on
    all of them)."""
    origin = "http://127.0.0.1:3333"
    client = make_kzgraph_app(cors=(origin,))
    for path, params in [("/reconcile", {}), ("/reconcile/properties", {"type": ATHLETE}),
                         ("/reconcile/suggest/property", {"prefix": "sp"}),
                         ("/reconcile/suggest/entity", {"prefix": "Degty"}),
                         ("/reconcile", {"extend": json.dumps({"ids": [DEGTYAREV], "properties": [{"id": "sport"}]})})]:
        response = client.get(path, params=params, headers={"Origin": origin})
        assert response.status_code == 200 and response.headers["access-control-allow-origin"] == origin, path
    preflight = client.options("/reconcile", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                      "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == origin
