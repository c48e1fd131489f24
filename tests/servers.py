"""Real servers for kzgraph's tests, started as processes on 127.0.0.1 (a pytest plugin: conftest.py registers it
with ``pytest_plugins = ["tests.servers"]``).

Every kind of server goes one way: ``_start`` runs the program with its output to a log file and probes a URL
of it until that answers 200 (``_probe``); the :class:`SparqlServer` it returns says where to query, update and
load, is stopped by :meth:`SparqlServer.stop` (SIGTERM, then SIGKILL), and is reported at the end of the
session (how long it took to answer) and with any failed test that used it (the tail of its log).

Session fixtures (each yields a :class:`SparqlServer`, stopped at the end of the session):

- ``oxigraph_server``: ``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` (PyPI package
  ``oxigraph``). No authentication. Default graph = the unnamed graph (not the union).
- ``wikidata_server``: a stand-in for the Wikidata Query Service, Oxigraph server with a fixture.
- ``virtuoso_server``: ``virtuoso-t +foreground +configfile INI`` (Debian package
  ``virtuoso-opensource``) with its own ``virtuoso.ini`` and a fresh database in a temp dir.
  Reads are anonymous; writes need HTTP *digest* auth as ``dba``/``dba`` (the default of a fresh
  database) on ``/sparql-auth`` and ``/sparql-graph-crud-auth``.
- ``kzgraph_update_server``: ``kzgraph serve --allow-update`` with a token file (:data:`UPDATE_TOKEN`); also
  the endpoint that ``kzgraph_server`` may call with SERVICE.
- ``kzgraph_server``: ``kzgraph serve`` with :data:`SERVED` (the settings ``kzgraph_app`` has in process)
  and ``--service-allow <kzgraph_update_server>/sparql``.

And ``start_kzgraph`` (module scope): a function that starts ``kzgraph serve`` with other options.

A server whose program is not installed makes its tests skip locally and fail when ``CI=true``
(:func:`unavailable`). A program that is installed but does not start always fails, with its log.
docs/engines.md records what each server accepts and how they differ.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

__all__ = [
    "ALLOWED_ORIGIN",
    "SERVED",
    "UPDATE_TOKEN",
    "SparqlServer",
    "ci_requires_servers",
    "free_port",
    "kzgraph_server",
    "kzgraph_update_server",
    "oxigraph_server",
    "run_isql",
    "serve_kzgraph",
    "serve_options",
    "start_kzgraph",
    "unavailable",
    "virtuoso_server",
    "wikidata_server",
]

REPO = Path(__file__).resolve().parent.parent
OXIGRAPH_START_TIMEOUT_S = 30.0
VIRTUOSO_START_TIMEOUT_S = 120.0
KZGRAPH_START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
LOG_TAIL_CHARS = 4000

UPDATE_TOKEN = "test-token-7f3a"
ALLOWED_ORIGIN = "http://allowed.example"
#: The settings (fields of kzgraph.web.app.Settings) of ``kzgraph_server`` beyond the defaults; ``kzgraph_app``
#: (conftest.py) serves with the same ones in process.
SERVED: dict[str, object] = {"cors": (ALLOWED_ORIGIN,), "max_body": 65536, "max_rows": 2000}


@dataclasses.dataclass(frozen=True)
class SparqlServer:
    """A running server process: where to query, update and load, and how to authenticate."""

    name: str
    base_url: str
    query_url: str  # SPARQL 1.1 Protocol query endpoint (GET ?query=, form POST query=)
    update_url: str  # SPARQL 1.1 Protocol update endpoint (form POST update=)
    store_url: str | None  # SPARQL 1.1 Graph Store Protocol endpoint (?graph=IRI or ?default); kzgraph has none
    version: str  # as the server names itself in its HTTP ``Server`` header
    log_path: Path
    process: subprocess.Popen[bytes] = dataclasses.field(repr=False, compare=False)
    username: str | None = None  # needed for update_url and store_url writes when set
    password: str | None = None
    auth_scheme: str | None = None  # "digest" for Virtuoso
    isql_port: int | None = None  # Virtuoso's SQL (ODBC/isql) port

    def graph_store_url(self, graph: str | None = None) -> str:
        """The Graph Store Protocol URL of one named graph, or of the default graph."""
        if self.store_url is None:
            raise ValueError(f"{self.name} has no Graph Store Protocol endpoint")
        query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
        return f"{self.store_url}?{query}"

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener that answers this server's auth challenge (plain opener if none)."""
        if self.username is None:
            return urllib.request.build_opener()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, self.base_url, self.username, self.password or "")
        handler: urllib.request.BaseHandler
        if self.auth_scheme == "digest":
            handler = urllib.request.HTTPDigestAuthHandler(passwords)
        else:
            handler = urllib.request.HTTPBasicAuthHandler(passwords)
        return urllib.request.build_opener(handler)

    def log_tail(self) -> str:
        return _tail(self.log_path)

    def stop(self) -> None:
        """Terminate, then kill after ``STOP_TIMEOUT_S`` (nothing when it has ended already)."""
        _stop(self.process)


def ci_requires_servers() -> bool:
    """True when missing servers must fail rather than skip (environment ``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip the test locally; fail it under ``CI=true``, where every server must be present."""
    if ci_requires_servers():
        pytest.fail(f"{reason} (CI=true: servers are required, not skipped)", pytrace=False)
    pytest.skip(reason)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def find_program(name: str, env_var: str) -> str | None:
    """``$env_var`` if set, else ``name`` on PATH, else beside the running Python (a venv's bin)."""
    override = os.environ.get(env_var)
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def run_isql(server: SparqlServer, sql: str, *, timeout: float = 30.0) -> str:
    """Run SQL statements on a Virtuoso server with ``isql-vt``; returns its output."""
    isql = find_program("isql-vt", "KZGRAPH_ISQL")
    if isql is None or server.isql_port is None:
        unavailable("isql-vt not found (Debian package virtuoso-opensource)")
    done = subprocess.run(
        [isql, str(server.isql_port), server.username or "dba", server.password or "dba", f"exec={sql}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql-vt failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


# --- one way to start, probe, stop and report every server ------------------------------------


def _tail(path: Path, chars: int = LOG_TAIL_CHARS) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log: {exc})"
    return text[-chars:]


def _probe(url: str) -> str | None:
    """The ``Server`` header if ``url`` answers 200 within a second, else None."""
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return response.headers.get("Server", "").strip() if response.status == 200 else None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill after ``STOP_TIMEOUT_S``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)


def _start(name: str, argv: list[str], *, workdir: Path, port: int, ready: str, timeout: float,
           query: str, update: str, store: str | None, env: dict[str, str] | None = None,
           username: str | None = None, password: str | None = None, auth_scheme: str | None = None,
           isql_port: int | None = None) -> SparqlServer:
    """Start ``argv`` in ``workdir`` with its output to a log there; once ``http://127.0.0.1:PORT`` + ``ready``
    answers 200, the server with its ``query``, ``update`` and ``store`` paths."""
    base_url = f"http://127.0.0.1:{port}"
    log_path = workdir / f"{name}-{port}.log"
    started = time.monotonic()
    with log_path.open("ab") as log:
        log.write(f"$ {' '.join(argv)}\n".encode())
        log.flush()
        process = subprocess.Popen(argv, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    deadline = started + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with code {process.returncode} before it was ready.\n"
                        f"log {log_path}:\n{_tail(log_path)}", pytrace=False)
        version = _probe(base_url + ready)
        if version is not None:
            server = SparqlServer(name, base_url, base_url + query, base_url + update,
                                  None if store is None else base_url + store, version, log_path, process,
                                  username, password, auth_scheme, isql_port)
            _START_SECONDS[f"{name} ({version}) at {base_url}"] = time.monotonic() - started
            return server
        time.sleep(0.1)
    _stop(process)
    pytest.fail(f"{name} did not answer {base_url + ready} within {timeout:.0f} s.\nlog {log_path}:\n"
                f"{_tail(log_path)}", pytrace=False)


def _ask(path: str) -> str:
    return f"{path}?{urllib.parse.urlencode({'query': 'ASK {}'})}"


_START_SECONDS: dict[str, float] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per server started: how long it took to answer."""
    for label, seconds in _START_SECONDS.items():
        terminalreporter.write_line(f"server {label} ready in {seconds:.2f} s")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the log of every server a failed test used to its report."""
    report = yield
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, SparqlServer):
                report.sections.append((f"{value.name} server log (tail)", value.log_tail()))
    return report


# --- Oxigraph server -----------------------------------------------------------------------


def _serve_oxigraph(name: str, workdir: Path, *, preload: Path | None = None,
                    options: tuple[str, ...] = ()) -> Iterator[SparqlServer]:
    """Run ``oxigraph serve`` on a store in ``workdir`` (first ``oxigraph load``-ing ``preload``)."""
    program = find_program("oxigraph", "KZGRAPH_OXIGRAPH")
    if program is None:
        unavailable("oxigraph server not found (pip install oxigraph)")
    store = workdir / "store"
    if preload is not None:
        subprocess.run([program, "load", "--location", str(store), "--file", str(preload)],
                       check=True, capture_output=True, timeout=120)
    port = free_port()
    server = _start(name, [program, "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}", *options],
                    workdir=workdir, port=port, ready=_ask("/query"), timeout=OXIGRAPH_START_TIMEOUT_S,
                    query="/query", update="/update", store="/store")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """Oxigraph server with an on-disk store in a temp dir; no auth."""
    yield from _serve_oxigraph("oxigraph", tmp_path_factory.mktemp("oxigraph"))


@pytest.fixture(scope="session")
def wikidata_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """A stand-in for the Wikidata Query Service: Oxigraph server holding the Wikidata-shaped test fixture
    in its default graph (as WDQS does), read-only use; no internet is involved."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "wikidata" / "items.ttl"
    yield from _serve_oxigraph("wikidata-fixture", tmp_path_factory.mktemp("wikidata"), preload=fixture,
                               options=("--union-default-graph",))


# --- Virtuoso Open Source ------------------------------------------------------------------

# Small buffers: the machine is shared (2 cores) with the rest of the suite. 10,000 buffers of
# 8 KiB are about 80 MiB; the server's resident size stays near 300 MiB.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 8
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 8
ServerThreads = 8
MaxKeepAlives = 8
KeepAliveTimeout = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """Virtuoso Open Source 7 with a fresh database in a temp dir; writes as dba/dba (digest)."""
    program = find_program("virtuoso-t", "KZGRAPH_VIRTUOSO")
    if program is None:
        unavailable("virtuoso-t not found (Debian package virtuoso-opensource)")
    workdir = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=workdir, sql_port=sql_port, http_port=http_port))
    server = _start("virtuoso", [program, "+foreground", "+configfile", str(ini)], workdir=workdir,
                    port=http_port, ready=_ask("/sparql"), timeout=VIRTUOSO_START_TIMEOUT_S, query="/sparql",
                    update="/sparql-auth", store="/sparql-graph-crud-auth",
                    username="dba", password="dba", auth_scheme="digest", isql_port=sql_port)
    try:
        yield server
    finally:
        server.stop()


# --- kzgraph serve -------------------------------------------------------------------------


def serve_options(**settings: object) -> list[str]:
    """The ``kzgraph serve`` options that give these settings (fields of kzgraph.web.app.Settings).

    >>> serve_options(cors=("http://a.example",), max_rows=5, allow_update=True)
    ['--cors', 'http://a.example', '--max-rows', '5', '--allow-update']
    """
    options: list[str] = []
    for field, value in settings.items():
        flag = "--" + field.replace("_", "-")
        if value is True:
            options.append(flag)
        elif isinstance(value, tuple):
            for item in value:
                options += [flag, str(item)]
        else:
            options += [flag, str(value)]
    return options


def serve_kzgraph(workdir: Path, *options: str) -> SparqlServer:
    """``kzgraph serve --port PORT OPTIONS`` (this checkout's kzgraph) in ``workdir``, once it answers; the
    caller stops it."""
    port = free_port()
    argv = [sys.executable, "-m", "kzgraph", "serve", "--port", str(port), "--log-level", "warning", *options]
    # ready when a static file answers: the dataset is open before the server listens, and no query is run
    # (a server started with a tiny --query-timeout answers every query 504)
    return _start("kzgraph", argv, workdir=workdir, port=port, ready="/static/kzgraph.css",
                  timeout=KZGRAPH_START_TIMEOUT_S, query="/sparql", update="/sparql", store=None,
                  env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture(scope="session")
def kzgraph_update_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    """``kzgraph serve --allow-update`` with :data:`UPDATE_TOKEN` in a token file."""
    workdir = tmp_path_factory.mktemp("kzgraph-update")
    token = workdir / "token"
    token.write_text(UPDATE_TOKEN + "\n")
    token.chmod(0o600)
    server = serve_kzgraph(workdir, "--allow-update", "--token-file", str(token))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kzgraph_server(tmp_path_factory: pytest.TempPathFactory,
                   kzgraph_update_server: SparqlServer) -> Iterator[SparqlServer]:
    """``kzgraph serve`` with :data:`SERVED`, allowed to call ``kzgraph_update_server`` with SERVICE."""
    server = serve_kzgraph(tmp_path_factory.mktemp("kzgraph-serve"),
                           *serve_options(**SERVED, service_allow=(kzgraph_update_server.query_url,)))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def start_kzgraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., SparqlServer]]:
    """``start_kzgraph(*options)``: a ``kzgraph serve`` with these options, stopped at the end of the module."""
    started: list[SparqlServer] = []

    def start(*options: str) -> SparqlServer:
        server = serve_kzgraph(tmp_path_factory.mktemp("kzgraph-custom"), *options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
