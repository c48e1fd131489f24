"""``/openapi.json``: an OpenAPI 3.1 document generated from the named queries' ``#+`` headers, valid, complete
(one operation per named query), and true (its examples answer, its error bodies are the server's).
tests/test_publish.py checks that a published site carries the same document."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate

from kzgraph.web import openapi
from kzgraph.web.openapi import describe
from kzgraph.web.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
KZ = "https://w3id.org/kzgraph/"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def document(kzgraph_app):
    response = kzgraph_app.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()


def operations(document):
    return [(path, method, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises OpenAPIValidationError naming what is wrong


def test_the_document_is_valid_for_a_server_that_allows_updates_and_says_how_to_authenticate(kg):
    allowing = describe({}, Settings(allow_update=True, update_token="secret"))  # named queries: as above
    validate(allowing)
    post = allowing["paths"]["/sparql"]["post"]
    assert "application/sparql-update" in post["requestBody"]["content"]
    assert post["security"] == [{}, {"updateToken": []}] and "204" in post["responses"]
    assert allowing["components"]["securitySchemes"] == {"updateToken": {"type": "http", "scheme": "bearer"}}
    read_only = describe(kg.catalogue)
    assert "application/sparql-update" not in read_only["paths"]["/sparql"]["post"]["requestBody"]["content"]
    assert "security" not in read_only["paths"]["/sparql"]["post"] and "securitySchemes" not in read_only["components"]


def test_every_named_query_has_exactly_one_operation(kg, document):
    found = [operation["x-kzgraph-query"]["name"] for _, _, operation in operations(document)
             if "x-kzgraph-query" in operation]
    assert sorted(found) == sorted(kg.catalogue) and len(found) == len(set(found)) == len(kg.catalogue) > 50
    for name in kg.catalogue:
        item = document["paths"][f"/queries/{name}"]
        assert [m for m in item if m in METHODS] == ["get"]
        assert item["get"]["operationId"] == "query_" + name.replace("-", "_")
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))


def test_the_athlete_operation_has_its_parameter_from_the_header(document):
    # queries/athlete.rq: "#+ param: athlete resource required The athlete's IRI, name or other spelling
    # (any case), e.g. David Degtyarev"
    operation = document["paths"]["/queries/athlete"]["get"]
    assert operation["summary"] == "Everything about one athlete"
    athlete, fmt, limit, offset = operation["parameters"]  # then the page's parameters (a SELECT query)
    assert athlete["name"] == "athlete" and athlete["in"] == "query" and athlete["required"] is True
    assert athlete["schema"]["type"] == "string" and athlete["x-kzgraph-type"] == "resource"
    assert athlete["example"] == "David Degtyarev"
    assert athlete["description"].startswith("The athlete's IRI, name or other spelling")
    assert fmt["name"] == "format" and fmt["required"] is False
    assert fmt["schema"]["enum"] == ["json", "xml", "csv", "tsv", "html"]
    assert (limit["name"], offset["name"]) == ("limit", "offset")


def test_parameter_types_examples_and_choices(document):
    parameters = {p["name"]: p for p in document["paths"]["/queries/resource-links"]["get"]["parameters"]}
    assert parameters["resource"]["example"] == KZ + "games/paris-2024"
    assert parameters["property"]["example"] == KZ + "ontology#atGames"
    assert parameters["direction"]["schema"]["enum"] == ["out", "in"]  # '"out" (…) or "in" (…)'
    (endpoint, language, feature, _) = document["paths"]["/queries/service-description"]["get"]["parameters"]
    assert endpoint["required"] is True and language["required"] is False and feature["required"] is False
    assert "example" not in language


MEDALS_COLUMNS = ["athlete_name", "medal", "sport", "event", "date", "result", "unit", "athlete", "medal_iri",
                  "date_status", "result_status"]


def test_the_medals_response_schema_lists_its_columns(document):
    # queries/medals.rq: "#+ returns: athlete_name, medal, sport, event, date, result, unit, athlete, medal_iri,
    # date_status, result_status"
    content = document["paths"]["/queries/medals"]["get"]["responses"]["200"]["content"]
    assert list(content) == ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                             "text/tab-separated-values", "text/html"]
    schema = content["application/sparql-results+json"]["schema"]
    assert schema["properties"]["head"]["properties"]["vars"]["const"] == MEDALS_COLUMNS
    binding = schema["properties"]["results"]["properties"]["bindings"]["items"]
    assert list(binding["properties"]) == MEDALS_COLUMNS and binding["additionalProperties"] is False
    assert content["text/csv"]["example"] == ",".join(MEDALS_COLUMNS) + "\r\n"
    assert content["text/tab-separated-values"]["example"] == "\t".join("?" + c for c in MEDALS_COLUMNS) + "\n"


def test_the_answers_match_the_documented_schemas(kzgraph_app, document):
    """The JSON, CSV and TSV that /queries/medals answers conform to the schemas of its operation."""
    content = document["paths"]["/queries/medals"]["get"]["responses"]["200"]["content"]
    for media_type in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        response = kzgraph_app.get("/queries/medals", headers={"Accept": media_type})
        assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
        answer = response.json() if media_type.endswith("json") else response.text
        jsonschema.validate(answer, {**content[media_type]["schema"], "components": document["components"]})
    constructed = document["paths"]["/queries/ontology"]["get"]["responses"]["200"]["content"]
    assert next(iter(constructed)) == "text/turtle"
    refused = kzgraph_app.get("/queries/ontology", headers={"Accept": "image/png"})
    assert (refused.status_code, refused.text) == (406, plain(document["paths"]["/queries/ontology"]["get"]
                                                              ["responses"]["406"]))


def example_request(document, name):
    """The path and query parameters of a request built from the document alone: each required parameter of
    the named query's operation with its example."""
    (path, _, operation), = [(p, m, o) for p, m, o in operations(document)
                             if o.get("x-kzgraph-query", {}).get("name") == name]
    return path, {p["name"]: p["example"] for p in operation["parameters"] if p["required"]}


def test_a_request_built_from_the_documents_example_answers_the_articles_facts(kzgraph_app, document):
    path, params = example_request(document, "athlete")
    assert (path, params) == ("/queries/athlete", {"athlete": "David Degtyarev"})
    response = kzgraph_app.get(path, params=params, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/sparql-results+json"]
    jsonschema.validate(response.json(), {**schema["schema"], "components": document["components"]})
    rows = [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]
    # sentence 5 of the article: David Degtyarev won gold in para powerlifting, men's 54 kg
    assert {"subject": KZ + "athlete/david-degtyarev", "property": KZ + "ontology#won",
            "value": KZ + "medal/paris-2024-david-degtyarev-gold", "sentence": "5",
            "graph": KZ + "graph/article/s05", "status": "verified"}.items() <= next(
                r for r in rows if r["value"] == KZ + "medal/paris-2024-david-degtyarev-gold").items()


def test_a_request_built_from_an_iri_example_answers_too(kzgraph_app, document):
    path, params = example_request(document, "medal-chain")
    assert params == {"resource": KZ + "athlete/zarina-raifova"}
    response = kzgraph_app.get(path, params={**params, "format": "csv"})
    assert response.status_code == 200
    assert response.text.splitlines()[0] == ",".join(document["paths"][path]["get"]["x-kzgraph-query"]["returns"])
    assert KZ + "athlete/zarina-raifova" in response.text


def plain(documented):
    return documented["content"]["text/plain"]["example"]


def test_documented_error_bodies_are_the_servers(kzgraph_app, document):
    responses = document["paths"]["/queries/athlete"]["get"]["responses"]
    missing = kzgraph_app.get("/queries/athlete", headers={"Accept": "text/plain"})
    assert (missing.status_code, missing.text) == (400, plain(responses["400"]))
    assert missing.text == "400 Bad request: parameter 'athlete': required by query 'athlete' (resource)\n"
    bogus = kzgraph_app.get("/queries/medals?format=bogus")
    assert (bogus.status_code, bogus.text) == (400, plain(document["paths"]["/queries/medals"]["get"]["responses"]
                                                          ["400"]))
    unknown = kzgraph_app.get("/queries/medal.rq")
    assert (unknown.status_code, unknown.text) == (404, plain(document["paths"]["/queries/{name}.rq"]["get"]
                                                              ["responses"]["404"]))
    refused = kzgraph_app.get("/queries/medals", headers={"Accept": "image/png"})
    assert responses["406"] == {"$ref": "#/components/responses/NotAcceptable"}
    assert (refused.status_code, refused.text) == (406, plain(document["components"]["responses"]["NotAcceptable"]))
    post = document["paths"]["/sparql"]["post"]["responses"]
    too_large = kzgraph_app.post("/sparql", content=b"x" * 65537, headers={"Content-Type": "application/sparql-query"})
    assert (too_large.status_code, too_large.text) == (413, plain(post["413"]))
    assert "65536 bytes" in too_large.text  # the served document states this server's --max-body
    timeout = document["components"]["responses"]["Timeout"]
    assert plain(timeout).startswith("504 Gateway timeout: the query did not finish within 10 s")
    for _, _, operation in operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")) and "$ref" not in answer:
                assert plain(answer).startswith(status + " "), (operation["operationId"], status)


def test_sparql_and_search_are_described(kzgraph_app, document):
    get, post = document["paths"]["/sparql"]["get"], document["paths"]["/sparql"]["post"]
    assert [p["name"] for p in get["parameters"]] == ["query", "default-graph-uri", "named-graph-uri", "format"]
    assert {"application/sparql-results+json", "text/csv", "text/turtle"} <= set(get["responses"]["200"]["content"])
    assert list(post["requestBody"]["content"]) == ["application/x-www-form-urlencoded", "application/sparql-query"]
    assert {"400", "406", "413", "415", "504"} <= set(post["responses"])
    query = next(p for p in get["parameters"] if p["name"] == "query")["example"]
    assert kzgraph_app.get("/sparql", params={"query": query}).status_code == 200
    search = document["paths"]["/search"]["get"]
    columns = search["responses"]["200"]["content"]["application/sparql-results+json"]["schema"]
    assert columns["properties"]["head"]["properties"]["vars"]["const"] == ["resource", "label", "type", "matched",
                                                                            "score"]
    found = kzgraph_app.get("/search", params={"q": "Degtyarev"}).json()
    jsonschema.validate(found, {**columns, "components": document["components"]})
    assert found["results"]["bindings"][0]["resource"]["value"] == KZ + "athlete/david-degtyarev"


def test_the_document_is_built_once_per_server(make_kzgraph_app, monkeypatch):
    built = []
    real = openapi.document
    monkeypatch.setattr(openapi, "document", lambda *args: built.append(1) or real(*args))
    client = make_kzgraph_app(max_body=4096)
    first, second = client.get("/openapi.json"), client.get("/openapi.json")
    assert first.content == second.content and len(built) == 1
    assert client.head("/openapi.json").content == b"" and len(built) == 1
    assert "4096 bytes" in first.text


def test_the_readme_example(kzgraph_app, document):
    """README's "API description" section: its curl commands answer 200, and the parameter it shows is the
    document's."""
    (section,) = re.findall(r"\n## API description\n(.*?)\n## ", README, flags=re.S)
    (commands,) = re.findall(r"```sh\n(.*?)```", section, re.S)
    (shown,) = re.findall(r"```json\n(.*?)```", section, re.S)
    assert json.loads(shown) == document["paths"]["/queries/athlete"]["get"]["parameters"][0]
    answered = []
    for line in commands.splitlines():
        if not line.startswith("curl "):
            continue
        words = shlex.split(line.split(" #", 1)[0])
        url = next(w for w in words if w.startswith("http://127.0.0.1:8000/"))
        fields = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--data-urlencode")
        response = kzgraph_app.get(url.removeprefix("http://127.0.0.1:8000"), params=fields)
        assert response.status_code == 200, (line, response.text)
        answered.append(response)
    assert [r.headers["content-type"].split(";")[0] for r in answered] == ["application/json", "text/csv"]
    assert "David Degtyarev" in answered[1].text


def test_select_named_queries_document_their_pages(kzgraph_app, document):
    """medals (a SELECT) takes limit (1 to --max-rows) and offset, and its pages carry the documented Link."""
    operation = document["paths"]["/queries/medals"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    max_rows = kzgraph_app.app.state.kzgraph.settings.max_rows
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": max_rows}
    assert parameters["offset"]["schema"]["minimum"] == 0 and parameters["offset"]["required"] is False
    assert "Link" in operation["responses"]["200"]["headers"]
    assert "limit" not in {p["name"] for p in document["paths"]["/queries/ontology"]["get"]["parameters"]}
    page = kzgraph_app.get("/queries/medals", params={"limit": 2, "format": "csv"})
    assert page.status_code == 200 and 'rel="next"' in page.headers["link"]
    too_many = kzgraph_app.get("/queries/medals", params={"limit": max_rows + 1})
    assert too_many.status_code == 400
    every = [op for path, _, op in operations(document) if op.get("x-kzgraph-query", {}).get("form") == "SELECT"]
    assert every and all({"limit", "offset"} <= {p["name"] for p in op["parameters"]} for op in every)


def test_the_graph_store_is_documented_writable_only_when_updates_are_allowed(kg, document):
    read_only = document["paths"]["/store"]
    assert sorted(m for m in read_only if m in METHODS) == ["get", "head"]
    assert {p["name"] for p in read_only["get"]["parameters"]} == {"graph", "default", "format"}
    assert {"text/turtle", "application/n-triples", "application/trig"} <= set(
        read_only["get"]["responses"]["200"]["content"])
    allowing = describe(kg.catalogue, Settings(allow_update=True, update_token="secret"))
    validate(allowing)
    store = allowing["paths"]["/store"]
    assert sorted(m for m in store if m in METHODS) == ["delete", "get", "head", "post", "put"]
    for method in ("put", "post", "delete"):
        assert store[method]["security"] == [{"updateToken": []}]
        assert {"204", "400", "401", "403"} <= set(store[method]["responses"])
    assert {"201", "413", "415"} <= set(store["put"]["responses"]) and "text/turtle" in store["put"][
        "requestBody"]["content"]
    assert "404" in store["delete"]["responses"] and "requestBody" not in store["delete"]


def test_the_graph_store_answers_as_documented(kzgraph_update_app, kg):
    store = describe(kg.catalogue, Settings(allow_update=True, update_token="secret"))["paths"]["/store"]
    unknown = kzgraph_update_app.get("/store", params={"graph": KZ + "graph/nope"})
    assert (unknown.status_code, unknown.text) == (404, plain(store["get"]["responses"]["404"]))
    wrong = kzgraph_update_app.put("/store", params={"default": ""}, content=b"",
                                   headers={"Authorization": "Bearer wrong", "Content-Type": "text/turtle",
                                            "Accept": "text/plain"})
    assert (wrong.status_code, wrong.text) == (403, plain(store["put"]["responses"]["403"]))


def test_crawler_files_are_described(document):
    assert list(document["paths"]["/robots.txt"]["get"]["responses"]["200"]["content"]) == ["text/plain"]
    assert list(document["paths"]["/sitemap.xml"]["get"]["responses"]["200"]["content"]) == ["application/xml"]
