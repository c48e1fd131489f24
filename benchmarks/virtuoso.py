"""Virtuoso Open Source (Debian's ``virtuoso-opensource``) holding the same data as a kzgraph store.

The store's current generation is dumped as N-Quads and bulk-loaded with Virtuoso's loader (``ld_dir``,
``rdf_loader_run``) into a database kept in the work directory, so a later run reuses it. The server's
configuration is the one the tests use (tests/servers.py), with room for a million-triple store: more
buffers, and no cap on result rows below what the benchmarks' queries return.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from common import Server, free_port, generation, program

LOADED = "loaded"  # marker file: the database holds the data


def virtuoso_server(store: Path, directory: Path) -> Server:
    """Virtuoso on 127.0.0.1 with ``store``'s quads (loaded the first time: minutes for a million)."""
    from tests.servers import VIRTUOSO_INI

    virtuoso, isql = program("virtuoso-t"), program("isql-vt")
    if virtuoso is None or isql is None:
        raise RuntimeError("virtuoso-t or isql-vt not found (Debian package virtuoso-opensource)")
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = (VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port)
           .replace("NumberOfBuffers = 10000", "NumberOfBuffers = 170000")
           .replace("MaxDirtyBuffers = 6000", "MaxDirtyBuffers = 130000")
           .replace("ResultSetMaxRows = 10000", "ResultSetMaxRows = 10000000")
           .replace("MaxQueryExecutionTime = 60", "MaxQueryExecutionTime = 600"))
    (directory / "virtuoso.ini").write_text(ini, encoding="utf-8")
    server = Server([virtuoso, "+foreground", "+configfile", str(directory / "virtuoso.ini")],
                    f"http://127.0.0.1:{http_port}", "/sparql?query=ASK%7B%7D", log=directory / "server.log")
    if not (directory / LOADED).exists():
        try:
            import pyoxigraph as ox

            start = time.perf_counter()
            dump = directory / "data.nq"
            ox.Store.read_only(str(generation(store))).dump(str(dump), format=ox.RdfFormat.N_QUADS)
            sql = f"ld_dir('{directory}', 'data.nq', 'urn:kzgraph:default'); rdf_loader_run(); checkpoint;"
            done = subprocess.run([isql, str(sql_port), "dba", "dba", f"exec={sql}"], capture_output=True,
                                  text=True, timeout=3600, check=False)
            if done.returncode != 0 or "*** Error" in done.stdout:
                raise RuntimeError(f"Virtuoso's bulk load failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
            dump.unlink()
            (directory / LOADED).write_text(f"{time.perf_counter() - start:.1f}\n", encoding="ascii")
        except BaseException:
            server.stop()
            raise
    return server


def load_seconds(directory: Path) -> float | None:
    """How long the bulk load into ``directory``'s database took, when it was done."""
    marker = directory / LOADED
    return float(marker.read_text(encoding="ascii")) if marker.exists() else None
