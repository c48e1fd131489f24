"""An on-disk pyoxigraph store that a crash never leaves half-written: one generation per write.

::

    kz.store/               the path the user names
      GENERATION            the name of the generation to read (replaced by an atomic rename)
      g000002/              a pyoxigraph (RocksDB) store, never written once GENERATION names it
      g000002.lock          readers of g000002 hold a shared lock on it; clean-up needs it exclusive
      g000002.*             other files made for g000002 (its search index): removed with it
      write.lock            the one writer holds it

A write (``load``, ``update``) copies the current generation with a RocksDB checkpoint (hard links: no
data is copied), bulk-loads or updates the copy, flushes it and only then renames GENERATION to name it.
Killed at any point, the store still names the old generation, whole; the half-written copy is removed
by the next writer. Readers open the named generation read-only, so a reader running during a write sees
the state before it, and the next open sees the state after it. Loading uses ``Store.bulk_extend`` with the
parser's quads (as fast, and as light on memory, as ``bulk_load`` into an empty store; and they are counted),
not one large transaction. A load that adds no quad publishes nothing.

A store made before generations (a RocksDB directory at the path itself, holding kzgraph's graphs) is
opened as it is. ``store_kind`` refuses any other directory that is not empty, so that kzgraph never
writes among someone else's files: a pyoxigraph store of other data is named as such, with how to use it.

Reading needs no write access: a reader that cannot create or open a generation's lock for writing takes
its shared lock through a read-only descriptor (or, when the lock file is missing, reads without one), so
another user's store, or one on a read-only mount, can be queried. Writing it is a ``BackendError``.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import BackendError, UsageError
from ..namespaces import ONTOLOGY_GRAPH, PROVENANCE_GRAPH

if TYPE_CHECKING:
    import logging

try:
    import fcntl
except ImportError:  # Windows: no locks; one writer at a time is then the user's to ensure
    fcntl = None  # type: ignore[assignment]

__all__ = ["Generations", "store_kind"]

_POINTER = "GENERATION"
#: What kzgraph itself puts in a store's directory: the pointer (and its partial copies), the writer's lock,
#: generations, their locks and the files beside them (``g000002.search.sqlite``); and what a fresh file
#: system has at its root, where a store may be mounted.
_OWN_ENTRY = r"GENERATION(\.\d+\.partial)?|write\.lock|g\d+(\..+)?|lost\+found"
#: Errors that mean "this process may not write here" (another user's store, a read-only mount).
_READ_ONLY = (errno.EACCES, errno.EPERM, errno.EROFS)



def _log() -> logging.Logger:
    """This module's logger (logging is imported only when a write cleans up: off the start-up path)."""
    import logging

    return logging.getLogger(__name__)


def store_kind(path: str) -> str:
    """``generations`` for a kzgraph store (or a path where one can be made: missing, or an empty directory),
    ``legacy`` for a kzgraph store made before generations; UsageError for a directory that holds anything
    else, so that kzgraph's files are never written among the user's."""
    try:
        entries = os.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return "generations"  # Generations makes it, or says it is not a directory
    except OSError as exc:
        raise BackendError(f"cannot open the store at {path}: {exc.strerror or exc}") from exc
    if _POINTER in entries:
        return "generations"
    if "CURRENT" in entries and os.path.isfile(os.path.join(path, "CURRENT")):
        if _holds_kzgraph_graphs(path):
            return "legacy"
        raise UsageError(
            f"{path} is a pyoxigraph (Oxigraph) store, not a kzgraph store: to query it, serve it with Oxigraph "
            f"server (oxigraph serve-read-only --location {path}) and pass its URL (--store "
            f"http://127.0.0.1:7878/query), or dump it (oxigraph dump --location {path} --file data.nq) and "
            f"load that file into a kzgraph store (kzgraph load data.nq --store NEW_DIR)")
    foreign = sorted(e for e in entries if not re.fullmatch(_OWN_ENTRY, e))
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise UsageError(f"{path} is not empty and is not a kzgraph store (it holds {shown}); "
                         f"give a new or empty directory for the store")
    return "generations"


def _holds_kzgraph_graphs(path: str) -> bool:
    """Whether the RocksDB store at ``path`` holds kzgraph's ontology or provenance graph."""
    try:
        store = ox.Store.read_only(path)
    except OSError:
        return False
    return any(store.contains_named_graph(ox.NamedNode(g)) for g in (ONTOLOGY_GRAPH, PROVENANCE_GRAPH))


class Generations:
    """The generations of one on-disk store; ``reader()`` opens the current one, ``write()`` adds one."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as exc:
            raise BackendError(f"cannot open the store at {path}: {exc.strerror or exc}") from exc
        if not os.path.isdir(path):
            raise BackendError(f"cannot open the store at {path}: not a directory")
        self._read_lock: int | None = None
        self.opened: str | None = None  # the generation reader() opened, while its read lock is held

    def current(self) -> str | None:
        """The name of the current generation, or None for a store never written."""
        try:
            with open(os.path.join(self.path, _POINTER), encoding="ascii") as stream:
                name = stream.read().strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise BackendError(f"cannot read {self.path}/{_POINTER}: {exc.strerror or exc}") from exc
        if not (name.startswith("g") and name[1:].isdigit()):
            raise BackendError(f"{self.path}/{_POINTER} names no generation: {name!r}")
        return name

    def reader(self) -> ox.Store:
        """The current generation, read-only (an empty store when there is none); holds its read lock."""
        self.release()
        for _attempt in range(100):
            name = self.current()
            if name is None:
                return ox.Store()
            lock = self._lock(f"{name}.lock", shared=True, wait=True)
            if name == self.current() and os.path.isdir(os.path.join(self.path, name)):
                self._read_lock, self.opened = lock, name
                try:
                    return ox.Store.read_only(os.path.join(self.path, name))
                except OSError as exc:
                    raise BackendError(f"cannot open the store at {self.path}: {exc}") from exc
            if lock is not None:
                os.close(lock)  # a writer published a newer one meanwhile: read that
        raise BackendError(f"cannot open the store at {self.path}: it changes too fast to be read")

    def write(self, change: Callable[[ox.Store], bool | None]) -> None:
        """Apply ``change`` to a copy of the current generation, then make the copy current.

        If ``change`` raises, or returns False (it changed nothing), the copy is removed and the store is as
        it was: no new generation is published.
        """
        import shutil  # writers only: shutil is slow to import, and reading is the common case

        lock = self._lock("write.lock", shared=False, wait=False)
        assert lock is not None  # only shared locks may be missing
        try:
            self._collect()
            name = self.current()
            number = int(name[1:]) + 1 if name else 1
            while os.path.exists(os.path.join(self.path, f"g{number:06d}")):
                number += 1
            new = os.path.join(self.path, f"g{number:06d}")
            done = False
            publish = False
            try:
                if name is not None:
                    ox.Store.read_only(os.path.join(self.path, name)).backup(new)
                store = ox.Store(new)
                publish = change(store) is not False
                store.flush()
                del store  # closes the RocksDB instance before it is published
                done = publish
            finally:
                if not done:
                    shutil.rmtree(new, ignore_errors=True)
            if publish:
                self._publish(os.path.basename(new))
                self._collect()
        except OSError as exc:
            raise BackendError(f"cannot write to the store at {self.path}: {exc}") from exc
        finally:
            os.close(lock)

    def release(self) -> None:
        """Let go of the read lock (the generation may then be cleaned up once it is not current)."""
        if self._read_lock is not None:
            os.close(self._read_lock)
        self._read_lock, self.opened = None, None

    def _publish(self, name: str) -> None:
        pointer = os.path.join(self.path, _POINTER)
        partial = f"{pointer}.{os.getpid()}.partial"
        with open(partial, "w", encoding="ascii") as stream:
            stream.write(name + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, pointer)
        if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
            directory = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)

    def _collect(self) -> None:
        """Remove generations that are not current and that no reader holds (and leftovers of crashes)."""
        import shutil

        current = self.current()
        for entry in os.listdir(self.path):
            if entry.endswith(".partial"):
                _log().info("%s: removing %s, left by a write that did not finish", self.path, entry)
                _remove(os.path.join(self.path, entry))
            if not (entry.startswith("g") and entry[1:].isdigit()) or entry == current:
                continue
            try:
                lock = self._lock(f"{entry}.lock", shared=False, wait=False)
            except BackendError:
                _log().debug("%s: generation %s is still being read: kept", self.path, entry)
                continue
            assert lock is not None
            _log().info("%s: removing generation %s (not current, read by no one)", self.path, entry)
            try:
                shutil.rmtree(os.path.join(self.path, entry), ignore_errors=True)
                for beside in os.listdir(self.path):
                    if beside.startswith(f"{entry}.") and beside != f"{entry}.lock":
                        _remove(os.path.join(self.path, beside))
                _remove(os.path.join(self.path, f"{entry}.lock"))
            finally:
                os.close(lock)

    def _lock(self, name: str, *, shared: bool, wait: bool) -> int | None:
        """A descriptor of the lock file ``name``, locked; None for a shared lock this process cannot take
        because it may not write to the store and the lock file is missing (a reader then reads unlocked)."""
        path = os.path.join(self.path, name)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno not in _READ_ONLY:
                raise BackendError(f"cannot open the store at {self.path}: {exc.strerror or exc}") from exc
            if not shared:
                raise BackendError(f"cannot write to the store at {self.path}: it is read-only for this user "
                                   f"({exc.strerror or exc}: {path}); it can be read, and changed by its owner "
                                   f"or in a copy of your own") from exc
            try:
                fd = os.open(path, os.O_RDONLY)  # a shared lock needs no write access to the file
            except FileNotFoundError:
                return None
            except OSError as again:
                raise BackendError(f"cannot open the store at {self.path}: {again.strerror or again}") from again
        if fcntl is None:
            return fd
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            os.close(fd)
            what = "another kzgraph is writing to" if name == "write.lock" else "in use:"
            raise BackendError(f"{what} {self.path} ({exc.strerror or exc})") from exc
        return fd


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
