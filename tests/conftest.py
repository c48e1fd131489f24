"""Shared fixtures: the embedded dataset, and (from tests/servers.py) real SPARQL servers on loopback."""

from __future__ import annotations

import pytest

import kzgraph

pytest_plugins = ["tests.servers"]


def pytest_configure(config):
    """Dataset snapshots (kzgraph.cache) of this run go to a directory of its own, not the user's cache."""
    import os
    import tempfile

    os.environ.setdefault("KZGRAPH_CACHE_DIR", tempfile.mkdtemp(prefix="kzgraph-test-cache-"))


@pytest.fixture(scope="session")
def kg():
    """The dataset as a user gets it from ``kzgraph.open()``: in memory, built from ontology + data + rules."""
    with kzgraph.open() as graph:
        yield graph
