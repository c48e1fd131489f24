"""Ctrl-C, SIGTERM and deadlines on real processes: kzgraph stops when told, and never waits forever.

pyoxigraph cannot cancel a running query and follows SERVICE without a timeout; these tests send real signals
to real ``kzgraph`` processes and point federated queries at a real socket that accepts and never answers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import kzgraph
from kzgraph.errors import EndpointTimeoutError
from tests.servers import serve_kzgraph

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
# every triple against every triple against every triple: billions of solutions on the article's data
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def kzgraph_process(*argv: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "kzgraph", *argv], env=ENV, cwd=cwd, text=True,
                               stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if process.stdin is not None:
        process.stdin.write(stdin or "")
        process.stdin.close()
        process.stdin = None  # written whole: communicate() has nothing more to send
    return process


def stop_with(process: subprocess.Popen[str], signum: int, *, after: float) -> tuple[float, str]:
    """Send ``signum`` once ``after`` seconds have passed; (seconds until the process ended, its stderr)."""
    time.sleep(after)
    assert process.poll() is None, "the process ended before it was signalled"
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"still running 30 s after the signal:\n{err}")
    return time.monotonic() - sent, err


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "kz.store"
    subprocess.run([sys.executable, "-m", "kzgraph", "--store", str(path), "stats"], env=ENV, check=True,
                   capture_output=True)
    return path


def medal_count(store: Path) -> int:
    done = subprocess.run([sys.executable, "-m", "kzgraph", "--store", str(store), "query", "medals", "-f", "csv"],
                          env=ENV, capture_output=True, text=True, check=True)
    return len(done.stdout.splitlines()) - 1


def test_ctrl_c_stops_a_running_query_within_a_second_with_exit_130(store: Path):
    process = kzgraph_process("--store", str(store), "query", "-", stdin=ENDLESS)
    seconds, err = stop_with(process, signal.SIGINT, after=2)
    assert process.returncode == 130 and seconds < 1.5, (process.returncode, seconds, err)
    assert err.strip() == "kzgraph: interrupted"
    assert medal_count(store) == 9  # the store is as it was


def test_ctrl_c_during_a_load_leaves_the_store_as_it_was(store: Path, tmp_path: Path):
    data = tmp_path / "games.trig"
    subprocess.run([sys.executable, "-m", "kzgraph", "synth", "--triples", "300k", "--seed", "3", "--out", str(data)],
                   env=ENV, check=True, capture_output=True)
    generation = (store / "GENERATION").read_text()
    process = kzgraph_process("--store", str(store), "load", str(data))
    seconds, err = stop_with(process, signal.SIGINT, after=1.5)
    assert process.returncode == 130 and seconds < 1.5, (process.returncode, seconds, err)
    assert (store / "GENERATION").read_text() == generation
    assert medal_count(store) == 9


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A SPARQL endpoint's URL on a socket that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:  # shut down
                return

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    # shut down, not only closed: a blocked accept() would still take a connection that an engine the test gave up
    # on opens late, and drop it unclosed (a ResourceWarning, an error in whatever test runs then)
    listener.shutdown(socket.SHUT_RDWR)
    acceptor.join(timeout=10)
    listener.close()
    for connection in accepted:
        connection.close()


def test_a_federated_query_to_a_silent_endpoint_ends_at_its_deadline_naming_it(silent_endpoint: str):
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kzgraph", "query", "wikidata-athletes-live", "--timeout", "2",
                           "--param", f"endpoint={silent_endpoint}"], env=ENV, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr == (f"kzgraph: error: <{silent_endpoint}>: no answer within 2 s, so the federated query was "
                           "given up (--timeout or timeout= sets the deadline)\n")
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_service_has_a_deadline_on_every_embedded_engine(silent_endpoint: str, backend: str):
    with kzgraph.open(backend=backend, timeout=1) as kg:
        started = time.monotonic()
        with pytest.raises(EndpointTimeoutError) as raised:
            kg.query(f"SELECT * WHERE {{ SERVICE <{silent_endpoint}> {{ ?s ?p ?o }} }}")
        assert time.monotonic() - started < 10
    assert raised.value.endpoint == f"<{silent_endpoint}>" and "no answer within 1 s" in str(raised.value)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_on_the_first_signal_while_a_query_runs(tmp_path: Path, signum: int):
    server = serve_kzgraph(tmp_path, "--query-timeout", "120")
    answers: list[int] = []

    def endless() -> None:
        try:
            answers.append(httpx.post(server.query_url, content=ENDLESS, timeout=60,
                                      headers={"Content-Type": "application/sparql-query"}).status_code)
        except httpx.HTTPError:
            answers.append(0)

    client = threading.Thread(target=endless)
    client.start()
    time.sleep(1.5)
    sent = time.monotonic()
    server.process.send_signal(signum)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.stop()
        pytest.fail(f"kzgraph serve still running 15 s after the signal:\n{server.log_tail()}")
    client.join(timeout=30)
    log = server.log_path.read_text()
    assert server.process.returncode == 0 and time.monotonic() - sent < 6, (server.process.returncode, log[-2000:])
    assert "Traceback" not in log and "Exception ignored" not in log
    assert log.rstrip().endswith("kzgraph: stopped")
    assert answers in ([503], [0])  # told the server is stopping, or the connection closed
