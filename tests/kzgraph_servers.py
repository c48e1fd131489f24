"""``kzgraph serve`` started as a real process on 127.0.0.1 for the web tests (a pytest plugin).

Fixtures (session-scoped unless stated, each yields a :class:`KzgraphServer`):

- ``kzgraph_update_server``: ``--allow-update`` with a token file; also the endpoint that
  ``kzgraph_server`` is allowed to call with SERVICE.
- ``kzgraph_server``: read-only, the defaults except ``--cors http://allowed.example``,
  ``--service-allow <kzgraph_update_server>/sparql``, ``--max-body 65536`` and ``--max-rows 2000``.
- ``start_kzgraph``: a function to start one with other options (stopped at the end of the test module).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.servers import LOG_TAIL_CHARS, free_port

__all__ = ["UPDATE_TOKEN", "KzgraphServer", "kzgraph_server", "kzgraph_update_server", "start_kzgraph"]

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0
UPDATE_TOKEN = "test-token-7f3a"
ALLOWED_ORIGIN = "http://allowed.example"


@dataclasses.dataclass
class KzgraphServer:
    """A running ``kzgraph serve``."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def sparql(self) -> str:
        return f"{self.base_url}/sparql"

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-LOG_TAIL_CHARS:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _start(workdir: Path, *options: str) -> KzgraphServer:
    port = free_port()
    log_path = workdir / f"kzgraph-serve-{port}.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "kzgraph", "serve", "--port", str(port), "--log-level", "warning", *options]
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    server = KzgraphServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kzgraph serve exited with {process.returncode}:\n{server.log_tail()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{server.sparql}?query=ASK%7B%7D", timeout=1) as response:
                if response.status == 200:
                    return server
        except urllib.error.HTTPError:  # it answers (a 504 from a server started with a tiny --query-timeout)
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.1)
    server.stop()
    pytest.fail(f"kzgraph serve did not answer within {START_TIMEOUT_S:.0f} s:\n{server.log_tail()}", pytrace=False)


@pytest.fixture(scope="session")
def kzgraph_update_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KzgraphServer]:
    workdir = tmp_path_factory.mktemp("kzgraph-update")
    (workdir / "token").write_text(UPDATE_TOKEN + "\n")
    server = _start(workdir, "--allow-update", "--token-file", str(workdir / "token"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kzgraph_server(tmp_path_factory: pytest.TempPathFactory,
                   kzgraph_update_server: KzgraphServer) -> Iterator[KzgraphServer]:
    workdir = tmp_path_factory.mktemp("kzgraph-serve")
    server = _start(workdir, "--cors", ALLOWED_ORIGIN, "--service-allow", kzgraph_update_server.sparql,
                    "--max-body", "65536", "--max-rows", "2000")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def start_kzgraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., KzgraphServer]]:
    started: list[KzgraphServer] = []

    def start(*options: str) -> KzgraphServer:
        server = _start(tmp_path_factory.mktemp("kzgraph-custom"), *options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Attach the log of every kzgraph server a failed test used."""
    report = yield
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, KzgraphServer):
                report.sections.append(("kzgraph serve log (tail)", value.log_tail()))
    return report
