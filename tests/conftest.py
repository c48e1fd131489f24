"""Shared fixtures: the dataset on each engine, and (from tests/servers.py) real SPARQL servers on loopback.

The remote stores are filled once per session through ``kzgraph.push`` (the code path of
``kzgraph load --into``): Oxigraph server by SPARQL Update, Virtuoso by the Graph Store Protocol with
HTTP Digest auth.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kzgraph
from kzgraph.backends.remote import RemoteBackend
from kzgraph.push import push
from kzgraph.resources import find

REPO = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.servers", "tests.kzgraph_servers"]

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
