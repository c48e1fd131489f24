"""HTTP caching of kzgraph's web app (``kzgraph.web.caching``), in process: a weak ETag per data generation and
representation, 304 for a matching If-None-Match (before any work) or If-Modified-Since, a new ETag after an
update, gzip of text answers from 1 KiB, Cache-Control per mode, and the same headers in the static site's
``_headers`` and ``.htaccess``."""

from __future__ import annotations

import email.utils
import gzip
import time

import pytest
from starlette.testclient import TestClient

from kzgraph.web import caching
from kzgraph.web.app import Settings, create_app
from kzgraph.web.publish import publish
from tests.servers import UPDATE_TOKEN

READ_ONLY = "public, max-age=60, stale-while-revalidate=60"
PAGE = "/athlete/zarina-raifova"
NAMED = ("/queries/medals", {"params": {"format": "csv"}})
ASK = "ASK {}"  # a trivial probe: its answer is small
TEST_GRAPH = "https://w3id.org/kzgraph/graph/test-http-caching"


@pytest.fixture(scope="module")
def client(kzgraph_app):
    return kzgraph_app


def etag_of(client: TestClient, url: str, **options: object):
    r = client.get(url, **options)
    assert r.status_code == 200, r.text
    return r.headers["etag"]


# --- validators -------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, options", [
    (PAGE + ".html", {}), (PAGE + ".ttl", {}), ("/resources", {}), ("/dumps/kzgraph.nq", {}), NAMED,
    ("/sparql", {"params": {"query": ASK}}), ("/queries/medals.rq", {})])
def test_an_answer_has_a_weak_etag_that_is_stable(client, url, options):
    first, second = client.get(url, **options), client.get(url, **options)
    assert first.status_code == second.status_code == 200
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["etag"].startswith('W/"') and first.headers["etag"].endswith('"')
    assert first.headers["cache-control"] == READ_ONLY


def test_about_is_not_kept_until_the_sizes_are_counted(client):
    r = client.get("/about")
    for _ in range(100):
        if "etag" in r.headers:
            break
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"  # a page of the moment
        time.sleep(0.1)
        r = client.get("/about")
    assert r.headers["cache-control"] == READ_ONLY and client.get("/about").headers["etag"] == r.headers["etag"]


def test_each_representation_has_its_own_etag(client):
    html, turtle, jsonld = (etag_of(client, PAGE + ext) for ext in (".html", ".ttl", ".jsonld"))
    assert len({html, turtle, jsonld}) == 3
    by_accept = {accept: etag_of(client, "/sparql", params={"query": ASK}, headers={"Accept": accept})
                 for accept in ("application/sparql-results+json", "text/csv", "text/html")}
    assert len(set(by_accept.values())) == 3
    # the same page in another language is another representation too
    assert etag_of(client, PAGE + ".html", headers={"Accept-Language": "kk"}) != html


def test_a_redirect_and_an_error_have_no_etag(client):
    see_other = client.get(PAGE, headers={"Accept": "text/turtle"})
    assert see_other.status_code == 303 and see_other.headers["location"] == PAGE + ".ttl"
    assert "etag" not in see_other.headers and see_other.headers["cache-control"] == READ_ONLY
    missing = client.get("/athlete/nobody-of-this-name.html")
    assert missing.status_code == 404 and "etag" not in missing.headers
    assert missing.headers["cache-control"] == "no-store"
    bad = client.get("/sparql", params={"query": "SELECT WHERE"})
    assert bad.status_code == 400 and bad.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("url, options", [(PAGE + ".html", {}), ("/dumps/kzgraph.ttl", {}), NAMED,
                                          ("/sparql", {"params": {"query": ASK}})])
def test_a_matching_if_none_match_is_304_without_a_body(client, url, options):
    etag = etag_of(client, url, **options)
    r = client.get(url, **options, headers={"If-None-Match": f'"other", {etag}'})
    assert r.status_code == 304 and r.content == b""
    assert r.headers["etag"] == etag and r.headers["cache-control"] == READ_ONLY
    assert "Accept" in r.headers["vary"]
    strong = etag.removeprefix("W/")  # RFC 9110: If-None-Match compares weakly
    assert client.get(url, **options, headers={"If-None-Match": strong}).status_code == 304
    assert client.get(url, **options, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_304_is_answered_before_the_work(kg):
    app = create_app(kg, Settings(cache=False))
    with TestClient(app, base_url="http://kzgraph.test", raise_server_exceptions=False) as client:
        etag = etag_of(client, NAMED[0], **NAMED[1])
        assert "David Degtyarev" in client.get(NAMED[0], **NAMED[1]).text
        app.state.kzgraph.queries.close()  # from now on a query that runs fails
        assert client.get(NAMED[0], **NAMED[1]).status_code == 500
        assert client.get(NAMED[0], **NAMED[1], headers={"If-None-Match": etag}).status_code == 304


def test_if_modified_since_when_no_etag_is_given(client):
    r = client.get(PAGE + ".html")
    if "last-modified" not in r.headers:  # the server started within this second: the ETag alone validates
        time.sleep(1.1)
        r = client.get(PAGE + ".html")
    modified = r.headers["last-modified"]
    assert email.utils.parsedate_to_datetime(modified).timestamp() <= time.time()
    same = client.get(PAGE + ".html", headers={"If-Modified-Since": modified})
    assert same.status_code == 304 and same.content == b"" and same.headers["last-modified"] == modified
    earlier = email.utils.formatdate(email.utils.parsedate_to_datetime(modified).timestamp() - 3600, usegmt=True)
    assert client.get(PAGE + ".html", headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(PAGE + ".html", headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since
    both = {"If-Modified-Since": modified, "If-None-Match": '"other"'}
    assert client.get(PAGE + ".html", headers=both).status_code == 200


# --- updates ----------------------------------------------------------------------------------------

def test_an_update_changes_the_etag(kzgraph_update_app):
    client, auth = kzgraph_update_app, {"Authorization": f"Bearer {UPDATE_TOKEN}"}
    before = client.get(PAGE + ".html")
    assert before.headers["cache-control"] == "no-cache"  # kept, but revalidated: the data may change
    old = before.headers["etag"]
    assert client.get(PAGE + ".html", headers={"If-None-Match": old}).status_code == 304
    insert = f'INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ <https://w3id.org/kzgraph/athlete/zarina-raifova> ' \
             '<http://www.w3.org/2000/01/rdf-schema#comment> "cached?" } }'
    updated = client.post("/sparql", data={"update": insert}, headers=auth)
    try:
        assert updated.status_code == 204 and updated.headers["cache-control"] == "no-store"
        after = client.get(PAGE + ".html", headers={"If-None-Match": old})
        assert after.status_code == 200 and "cached?" in after.text
        assert after.headers["etag"] != old
        assert client.get(PAGE + ".html", headers={"If-None-Match": after.headers["etag"]}).status_code == 304
    finally:
        client.post("/sparql", data={"update": f"DROP SILENT GRAPH <{TEST_GRAPH}>"}, headers=auth)
    refused = client.post("/sparql", data={"update": insert})
    assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"


def test_a_query_by_post_is_not_kept(client):
    r = client.post("/sparql", data={"query": ASK})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store" and "etag" not in r.headers


# --- compression ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/resources", "/dumps/kzgraph.ttl", PAGE + ".html"])
def test_a_large_answer_is_gzipped_when_the_client_accepts_it(client, url):
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert len(plain.content) > caching.GZIP_MINIMUM
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip" and int(r.headers["content-length"]) == len(raw)
    assert gzip.decompress(raw) == plain.content and len(raw) < len(plain.content)
    assert {"Accept", "Accept-Encoding"} <= {v.strip() for v in r.headers["vary"].split(",")}
    assert r.headers["etag"] == plain.headers["etag"]  # weak: the same representation, either encoding


def test_a_small_answer_is_not_compressed(client):
    r = client.get("/sparql", params={"query": ASK}, headers={"Accept-Encoding": "gzip",
                                                              "Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert len(r.content) < caching.GZIP_MINIMUM and "content-encoding" not in r.headers


# --- the static site --------------------------------------------------------------------------------

def test_publish_writes_the_headers_for_netlify_cloudflare_and_apache(tmp_path, kg):
    site = publish(kg, tmp_path / "site").root
    headers = (site / "_headers").read_text(encoding="utf-8").splitlines()
    assert headers[1:3] == ["/*", f"  Cache-Control: {READ_ONLY}"]
    for path, content_type in [("/*.ttl", "text/turtle"), ("/*.jsonld", "application/ld+json"),
                               ("/*.nq", "application/n-quads"), ("/*.html", "text/html"),
                               ("/.well-known/void", "text/turtle")]:
        assert headers[headers.index(path) + 1] == f"  Content-Type: {content_type}; charset=utf-8"
    assert "  X-Content-Type-Options: nosniff" in headers
    apache = (site / ".htaccess").read_text(encoding="utf-8").splitlines()
    for line in ["AddType text/turtle .ttl", "AddType application/trig .trig", "AddType application/rdf+xml .rdf",
                 f'  Header set Cache-Control "{READ_ONLY}"', "  RewriteCond %{HTTP_ACCEPT} application/ld\\+json",
                 "  RewriteRule ^(.+)$ $1.ttl [R=303,L]", "  RewriteRule ^(.+)$ $1.html [R=303,L]"]:
        assert line in apache, line
    assert (site / "athlete/zarina-raifova.html").is_file() and (site / "athlete/zarina-raifova.ttl").is_file()
