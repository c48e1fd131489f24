"""Where ontology/, data/ and queries/ are: a source checkout or an installed wheel.

In a checkout they sit beside the package (repository root = parent of ``kzgraph/``); a wheel carries them
inside the package as ``kzgraph/_data/``. Any other directory with the same layout can be passed as ``root``.
"""

from __future__ import annotations

import os
from collections import namedtuple
from pathlib import Path

from .errors import DataError

__all__ = ["Resources", "find", "files"]

_PACKAGE = Path(__file__).resolve().parent


class Resources(namedtuple("Resources", "root")):
    """The files of one kzgraph dataset under ``root`` (a Path)."""

    __slots__ = ()

    @property
    def ontology(self) -> Path:
        """``ontology/kzgraph.ttl``: loaded into graph kzg:ontology."""
        return self.root / "ontology" / "kzgraph.ttl"

    @property
    def shapes(self) -> Path:
        """``ontology/shapes.ttl``: SHACL shapes, used by validate only."""
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data_files(self) -> list[Path]:
        """``data/*.trig`` in file-name order."""
        return files(self.root / "data", ".trig")

    @property
    def queries_dir(self) -> Path:
        """``queries/``: named queries, ``checks/`` and ``rules/``."""
        return self.root / "queries"

    @property
    def rules(self) -> list[Path]:
        """``queries/rules/*.rq`` in file-name order."""
        return files(self.queries_dir / "rules", ".rq")


def files(directory: Path, suffix: str) -> list[Path]:
    """The files in ``directory`` whose names end in ``suffix``, sorted; none when it does not exist.

    (``Path.glob`` does the same several times slower, at every start.)
    """
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(directory / name for name in names if name.endswith(suffix))


def find(root: str | os.PathLike[str] | None = None) -> Resources:
    """The resources under ``root``, else those of the installed package or the source checkout."""
    if root is not None:
        path = Path(root)
        if not path.is_dir():
            raise DataError(f"{path}: not a directory")
        return Resources(path)
    for candidate in (_PACKAGE / "_data", _PACKAGE.parent):
        if any((candidate / part).is_dir() for part in ("ontology", "data", "queries")):
            return Resources(candidate)
    raise DataError(f"cannot find ontology/, data/ or queries/ beside or inside {_PACKAGE}")
