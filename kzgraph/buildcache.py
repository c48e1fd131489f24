"""A cache of the built dataset, so that ``kzgraph query`` does not rebuild it at every start.

Building the in-memory dataset parses the ontology and every data file and runs every rule. The result is
the same for the same inputs, so it is kept as an N-Quads snapshot named by the SHA-256 of those inputs
(the ontology, ``data/*.trig``, ``queries/rules/*.rq`` and the code that builds and caches it): any
change to them gives another name, so a stale snapshot is never read. The inputs are hashed only when their
``os.stat`` (size, modification time, inode) differs from the one recorded beside the snapshots with the hash
(``inputs-*.txt``, one per home), as build tools do: a start with unchanged inputs reads none. Snapshots live in
``$KZGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/kzgraph``, else ``~/.cache/kzgraph``; ``KZGRAPH_NO_CACHE=1``
turns the cache off. A snapshot is written to a temporary file and renamed into place (a reader never
sees half of one); one without its first and last lines, or that does not parse, is deleted and the
dataset built again. At most ``KEEP`` snapshots are kept. A snapshot is loaded without checking every term again, so the
directory is created private (mode 0700): whoever can write there can change what kzgraph answers.
"""

from __future__ import annotations

import os
import zlib
from typing import TYPE_CHECKING

from . import dataset
from .backends import Backend, Progress
from .errors import DataError
from .resources import Resources

if TYPE_CHECKING:
    import logging

__all__ = ["KEEP", "build", "cache_dir", "key"]


def _log() -> logging.Logger:
    """This module's logger; logging is imported when there is something to say (a rebuild), not at every
    start (about 6 ms, a third of what kzgraph query may add to import pyoxigraph)."""
    import logging

    return logging.getLogger(__name__)

KEEP = 8
_FORMAT = b"kzgraph snapshot 1"


def cache_dir() -> str | None:
    """Where snapshots go; None when the cache is turned off."""
    if os.environ.get("KZGRAPH_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("KZGRAPH_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kzgraph")


def key(resources: Resources) -> str:
    """The SHA-256 of everything the built dataset depends on, in hex."""
    from hashlib import sha256  # only when an input changed (see _known_key): OpenSSL costs about 4 ms

    digest = sha256(_FORMAT)
    for path in _inputs(resources):
        with open(path, "rb") as stream:
            content = stream.read()
        digest.update(b"\0%s\0%d\0" % (os.path.basename(path).encode(), len(content)))
        digest.update(content)
    return digest.hexdigest()


def _inputs(resources: Resources) -> list[str]:
    return [*resources.inputs(), *dataset.code_files(), __file__]  # the builder's code and this module's


def _signature(paths: list[str]) -> str:
    """What ``os.stat`` says of the inputs (path, size, modification time, inode): when it is what it was, the
    contents are too, as build tools assume (make, ccache's direct mode)."""
    lines = []
    for path in paths:
        info = os.stat(path)
        lines.append(f"{path}\t{info.st_size}\t{info.st_mtime_ns}\t{info.st_ino}")
    return "\n".join(lines)


def _known_key(directory: str, resources: Resources) -> str:
    """``key(resources)``, read from the signature file of these inputs when their ``os.stat`` is unchanged, so
    that a start reads and hashes no input; computed (and the signature file replaced) otherwise."""
    paths = _inputs(resources)
    signature = _signature(paths)
    record = os.path.join(directory, f"inputs-{zlib.crc32(resources.location.encode()):08x}.txt")
    try:
        with open(record, encoding="utf-8") as stream:
            known, _, digest = stream.read().rpartition("\n")
        if known == signature and len(digest) == 64:
            return digest
    except (OSError, ValueError):
        pass
    digest = key(resources)
    partial = f"{record}.{os.getpid()}.{os.urandom(4).hex()}.partial"
    try:  # best effort, as the snapshots
        os.makedirs(directory, mode=0o700, exist_ok=True)
        with open(partial, "w", encoding="utf-8") as stream:
            stream.write(f"{signature}\n{digest}")
        os.replace(partial, record)
    except OSError:
        _remove(partial)
    return digest


def build(backend: Backend, resources: Resources, *, progress: Progress | None = None) -> None:
    """``dataset.build`` into an empty backend, from the snapshot when there is a good one."""
    directory = cache_dir()
    if directory is None:
        dataset.build(backend, resources, progress=progress)
        return
    path = os.path.join(directory, f"dataset-{_known_key(directory, resources)}.nq")
    if _read(backend, path):
        return
    _log().info("no dataset snapshot for these inputs (%s): building the dataset", path)
    dataset.build(backend, resources, progress=progress)
    _write(backend, path)


def _read(backend: Backend, path: str) -> bool:
    """Load the snapshot at ``path`` when it is there and whole (its last line is its trailer)."""
    try:
        with open(path, "rb") as stream:
            head = stream.readline()
            stream.seek(max(0, stream.seek(0, os.SEEK_END) - 128))
            tail = stream.read()
    except OSError:
        return False
    if head != b"# %s\n" % _FORMAT or not tail.endswith(b"\n# end of snapshot\n"):
        _log().info("dataset snapshot %s is incomplete: removed", path)
        _remove(path)
        return False
    try:
        backend.restore(path)  # an engine's fast path for its own snapshots, else a load
    except DataError as exc:
        _log().info("dataset snapshot %s does not load (%s): removed", path, exc)
        _remove(path)
        return False
    return True


def _write(backend: Backend, path: str) -> None:
    """Best effort: a cache that cannot be written is no error."""
    data = backend.dump("nq")
    directory = os.path.dirname(path)
    partial = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.partial"
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)  # snapshots are trusted: others may not write here
        with open(partial, "wb") as stream:
            stream.write(b"# %s\n" % _FORMAT)
            stream.write(data)
            stream.write(b"\n# end of snapshot\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, path)
    except OSError as exc:
        _log().info("cannot write the dataset snapshot %s: %s", path, exc)
        _remove(partial)
        return
    _log().info("dataset snapshot written: %s", path)
    _prune(directory)


def _prune(directory: str) -> None:
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith("dataset-") and e.name.endswith(".nq")]
        entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    except OSError:
        return
    for entry in entries[KEEP:]:
        _log().info("old dataset snapshot removed: %s", entry.path)
        _remove(entry.path)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
