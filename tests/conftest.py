"""Shared fixtures: the embedded dataset, and (from tests/servers.py) real SPARQL servers on loopback."""

from __future__ import annotations

import pytest

import kzgraph

pytest_plugins = ["tests.servers", "tests.kzgraph_servers"]


@pytest.fixture(scope="session")
def kg():
    """The dataset as a user gets it from ``kzgraph.open()``: in memory, built from ontology + data + rules."""
    with kzgraph.open() as graph:
        yield graph
