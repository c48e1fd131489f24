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
the state before it, and the next open sees the state after it. Loading uses ``Store.bulk_load`` (as
fast, and as light on memory, as loading into an empty store), not one large transaction.

A store made before generations (a RocksDB directory at the path itself) is opened as it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pyoxigraph as ox

from ..errors import BackendError

try:
    import fcntl
except ImportError:  # Windows: no locks; one writer at a time is then the user's to ensure
    fcntl = None  # type: ignore[assignment]

__all__ = ["Generations", "is_legacy"]

_POINTER = "GENERATION"


def is_legacy(path: str) -> bool:
    """True for a store written before generations: a RocksDB directory at the path itself."""
    return os.path.isfile(os.path.join(path, "CURRENT")) and not os.path.exists(os.path.join(path, _POINTER))


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
            os.close(lock)  # a writer published a newer one meanwhile: read that
        raise BackendError(f"cannot open the store at {self.path}: it changes too fast to be read")

    def write(self, change: Callable[[ox.Store], None]) -> None:
        """Apply ``change`` to a copy of the current generation, then make the copy current.

        If ``change`` raises, the copy is removed and the store is as it was.
        """
        import shutil  # writers only: shutil is slow to import, and reading is the common case

        lock = self._lock("write.lock", shared=False, wait=False)
        try:
            self._collect()
            name = self.current()
            number = int(name[1:]) + 1 if name else 1
            while os.path.exists(os.path.join(self.path, f"g{number:06d}")):
                number += 1
            new = os.path.join(self.path, f"g{number:06d}")
            done = False
            try:
                if name is not None:
                    ox.Store.read_only(os.path.join(self.path, name)).backup(new)
                store = ox.Store(new)
                change(store)
                store.flush()
                del store  # closes the RocksDB instance before it is published
                done = True
            finally:
                if not done:
                    shutil.rmtree(new, ignore_errors=True)
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
                _remove(os.path.join(self.path, entry))
            if not (entry.startswith("g") and entry[1:].isdigit()) or entry == current:
                continue
            try:
                lock = self._lock(f"{entry}.lock", shared=False, wait=False)
            except BackendError:
                continue  # a reader still has it open
            try:
                shutil.rmtree(os.path.join(self.path, entry), ignore_errors=True)
                for beside in os.listdir(self.path):
                    if beside.startswith(f"{entry}.") and beside != f"{entry}.lock":
                        _remove(os.path.join(self.path, beside))
                _remove(os.path.join(self.path, f"{entry}.lock"))
            finally:
                os.close(lock)

    def _lock(self, name: str, *, shared: bool, wait: bool) -> int:
        fd = os.open(os.path.join(self.path, name), os.O_RDWR | os.O_CREAT, 0o644)
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
