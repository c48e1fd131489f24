"""Shared fixtures: the dataset on each engine, kzgraph's web app in process, and (from tests/servers.py) real
servers on loopback.

The remote stores are filled once per session through ``kzgraph.push`` (the code path of
``kzgraph load --into``): Oxigraph server by SPARQL Update, Virtuoso by the Graph Store Protocol with
HTTP Digest auth.

Web tests of what the app answers (status, headers, bodies, negotiation) use ``kzgraph_app`` and
``kzgraph_update_app``: the app of ``kzgraph serve`` called in this process through Starlette's ``TestClient``,
as Starlette and datasette test theirs. Tests of what only a process shows (signals, deadlines and limits that
protect it, its HTTP parser, SERVICE between two servers, clients that need a socket, a browser) use
``kzgraph_server`` and ``kzgraph_update_server`` from tests/servers.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import kzgraph
from kzgraph.backends.remote import RemoteBackend
from kzgraph.push import push
from kzgraph.resources import find

if TYPE_CHECKING:
    from starlette.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.servers"]

ENGINES = ["oxigraph", "rdflib", "oxigraph-server", "virtuoso"]


def pytest_configure(config):
    """Dataset snapshots (kzgraph.buildcache) of this run go to a directory of its own, not the user's cache."""
    import os
    import tempfile

    os.environ.setdefault("KZGRAPH_CACHE_DIR", tempfile.mkdtemp(prefix="kzgraph-test-cache-"))


#: Markers given by the fixtures a test uses (registered in pyproject.toml; select with -m, e.g. -m "not server").
_MARKS = {"server": {"oxigraph_server", "virtuoso_server", "wikidata_server", "kzgraph_server", "kzgraph_update_server",
                     "start_kzgraph", "oxigraph_server_loaded", "virtuoso_server_loaded"},
          "browser": {"browser"}}


def pytest_collection_modifyitems(config, items):
    """Mark each test by the real processes it starts: ``server`` (a SPARQL server or kzgraph serve) and
    ``browser`` (headless Chromium); engine-parametrized tests on a server engine are ``server`` too."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for mark, fixtures in _MARKS.items():
            if used & fixtures:
                item.add_marker(mark)
        if "engine_kg" in used and any(e in item.name for e in ("oxigraph-server", "virtuoso")):
            item.add_marker("server")


_OPENED: list[RemoteBackend] = []  # remote backends the running test opened, to close when it ends


def keep(graph: kzgraph.KnowledgeGraph) -> kzgraph.KnowledgeGraph:
    """Leave ``graph``'s remote backend open after the test that opened it (a session fixture closes it)."""
    if graph.backend in _OPENED:
        _OPENED.remove(graph.backend)
    return graph


@pytest.fixture(autouse=True)
def _close_remote_backends(monkeypatch):
    """Every RemoteBackend a test opens (itself or through kzgraph.open) is closed when the test ends: its HTTP
    client's sockets would otherwise be left to the garbage collector, a ResourceWarning (an error here).
    Fixtures shared beyond one test take theirs out of this list with ``keep``."""
    init = RemoteBackend.__init__

    def tracked(self, *args, **options):
        init(self, *args, **options)
        _OPENED.append(self)

    monkeypatch.setattr(RemoteBackend, "__init__", tracked)
    yield
    while _OPENED:
        _OPENED.pop().close()


@pytest.fixture(scope="session")
def kg():
    """The dataset as a user gets it from ``kzgraph.open()``: in memory, built from ontology + data + rules."""
    with kzgraph.open() as graph:
        yield graph


def writer(server) -> RemoteBackend:
    """A remote backend that can write to ``server``: GSP with credentials when it has them, else Update."""
    if server.username is not None:
        return RemoteBackend(server.query_url, store_url=server.store_url, user=server.username,
                             password=server.password, auth=server.auth_scheme or "basic")
    return RemoteBackend(server.query_url, update_url=server.update_url)


def loaded(server):
    """``server`` with kzgraph's dataset pushed into it (the code path of ``kzgraph load --into``)."""
    target = writer(server)
    push(target, find())
    target.close()
    return server


@pytest.fixture(scope="session")
def oxigraph_server_loaded(oxigraph_server):
    """The Oxigraph server with kzgraph's dataset."""
    return loaded(oxigraph_server)


@pytest.fixture(scope="session")
def virtuoso_server_loaded(virtuoso_server):
    """Virtuoso with kzgraph's dataset."""
    return loaded(virtuoso_server)


@pytest.fixture(scope="session")
def engine_kg(request):
    """``engine_kg(name)``: the dataset opened on one engine, shared per session."""
    opened: dict[str, kzgraph.KnowledgeGraph] = {}

    def get(name: str) -> kzgraph.KnowledgeGraph:
        if name not in opened:
            if name == "oxigraph":
                opened[name] = kzgraph.open()
            elif name == "rdflib":
                opened[name] = kzgraph.open(backend="rdflib")
            elif name == "oxigraph-server":
                opened[name] = keep(kzgraph.open(request.getfixturevalue("oxigraph_server_loaded").query_url))
            else:
                opened[name] = keep(kzgraph.open(request.getfixturevalue("virtuoso_server_loaded").query_url))
        return opened[name]

    yield get
    for graph in opened.values():
        graph.close()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A writable copy of ontology/, data/ and queries/ (for commands that write into data/)."""
    root = tmp_path_factory.mktemp("kzgraph-home")
    for part in ("ontology", "data", "queries"):
        shutil.copytree(REPO / part, root / part)
    return root


# --- kzgraph's web app in process --------------------------------------------------------------------

#: Where the in-process apps say they are (the host of their links); no socket is opened.
APP_URL = "http://kzgraph.test"
UPDATE_APP_URL = "http://kzgraph-update.test"


def app_client(kg: kzgraph.KnowledgeGraph, base_url: str = APP_URL, **settings: object) -> Iterator[TestClient]:
    """A TestClient of ``create_app(kg, Settings(**settings))``, its lifespan running until the generator ends;
    like an httpx.Client, it does not follow redirects unless told to."""
    from starlette.testclient import TestClient

    from kzgraph.web.app import Settings, create_app

    with TestClient(create_app(kg, Settings(**settings)), base_url=base_url, follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="session")
def kzgraph_app(kg):
    """The web app with ``kzgraph_server``'s settings (SERVED), read-only over ``kg``, allowed to call
    ``kzgraph_update_app`` with SERVICE (in name only: nothing listens there)."""
    from tests.servers import SERVED  # imported by pytest first, as a plugin

    yield from app_client(kg, **SERVED, service_allow=(UPDATE_APP_URL + "/sparql",))


@pytest.fixture(scope="session")
def kzgraph_update_app():
    """The web app with ``kzgraph_update_server``'s settings (--allow-update, UPDATE_TOKEN), over a dataset of
    its own that updates change."""
    from tests.servers import UPDATE_TOKEN

    with kzgraph.open() as graph:
        yield from app_client(graph, UPDATE_APP_URL, allow_update=True, update_token=UPDATE_TOKEN)


@pytest.fixture(scope="module")
def make_kzgraph_app(kg) -> Iterator[Callable[..., TestClient]]:
    """``make_kzgraph_app(**settings)``: the web app over ``kg`` with other settings, until the module ends."""
    opened: list[Iterator[TestClient]] = []

    def make(**settings: object) -> TestClient:
        client = app_client(kg, **settings)
        opened.append(client)
        return next(client)

    yield make
    for client in opened:
        client.close()
