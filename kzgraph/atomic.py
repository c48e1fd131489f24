"""Files written whole or not at all: written beside their place, then renamed over it.

>>> import os, pathlib, tempfile
>>> target = os.path.join(tempfile.mkdtemp(), "out.txt")
>>> with replacing(target) as stream:
...     _ = stream.write("whole")
>>> pathlib.Path(target).read_text()
'whole'
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import IO

__all__ = ["replaced", "replacing"]


@contextlib.contextmanager
def replaced(path: str | os.PathLike[str], *, durable: bool = False) -> Iterator[str]:
    """A temporary path beside ``path`` to write; renamed over ``path`` when the block ends without an error,
    removed when it raises. ``durable``: the file is flushed to disk before the rename, and the rename after."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    partial = os.path.join(directory, f".{os.path.basename(target)}.{os.getpid()}.{os.urandom(4).hex()}.partial")
    try:
        yield partial
        if durable:
            with open(partial, "rb") as written:
                os.fsync(written.fileno())
        os.replace(partial, target)
        if durable and hasattr(os, "O_DIRECTORY"):
            handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)  # gone already when the rename happened


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str], mode: str = "w", *, durable: bool = False) -> Iterator[IO[str]]:
    """``open()`` a text file that replaces ``path`` whole when the block ends without an error (see ``replaced``)."""
    with replaced(path, durable=durable) as partial, open(partial, mode, encoding="utf-8", newline="\n") as stream:
        yield stream
