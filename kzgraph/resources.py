"""Where ontology/, data/ and queries/ are: a source checkout or an installed wheel.

In a checkout they sit beside the package (repository root = parent of ``kzgraph/``); a wheel carries them
inside the package as ``kzgraph/_data/``. Any other directory with the same layout can be passed as ``root``.

The properties of ``Resources`` give ``Path`` objects. The start-up path of ``kzgraph query`` uses the
string forms (``*_location``, ``inputs()``, ``files()``) and so does without pathlib, which with
what it imports (urllib.parse, ipaddress, fnmatch) costs about 3 ms of every command.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from .errors import DataError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Resources", "files", "find"]

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


def _path(location: str) -> Path:
    from pathlib import Path  # imported when a Path is asked for, not at start-up

    return Path(location)


class Resources(NamedTuple):
    """The files of one kzgraph dataset under the directory ``location`` (a str; ``find(root)`` takes a Path
    too and checks that it is a directory)."""

    location: str

    @property
    def root(self) -> Path:
        """The directory."""
        return _path(self.location)

    @property
    def ontology(self) -> Path:
        """``ontology/kzgraph.ttl``: loaded into graph kzg:ontology."""
        return _path(self.ontology_location)

    @property
    def shapes(self) -> Path:
        """``ontology/shapes.ttl``: SHACL shapes, used by validate only."""
        return _path(os.path.join(self.location, "ontology", "shapes.ttl"))

    @property
    def data_files(self) -> list[Path]:
        """``data/*.trig`` in file-name order."""
        return [_path(p) for p in self.data_locations()]

    @property
    def queries_dir(self) -> Path:
        """``queries/``: named queries, ``checks/``, ``rules/``, ``wikidata/`` and ``internal/``."""
        return _path(self.queries_location)

    @property
    def rules(self) -> list[Path]:
        """``queries/rules/*.rq`` in file-name order."""
        return [_path(p) for p in self.rule_locations()]

    @property
    def queries_location(self) -> str:
        """``queries/`` as a string."""
        return os.path.join(self.location, "queries")

    @property
    def ontology_location(self) -> str:
        """``ontology`` as a string."""
        return os.path.join(self.location, "ontology", "kzgraph.ttl")

    def ontology_locations(self) -> list[str]:
        """The ontology's modules as strings, all loaded into graph kzg:ontology: ``ontology/kzgraph.ttl`` (the
        domain ontology) first, then ``ontology/tooling.ttl`` (the provenance and tooling module) when it exists."""
        tooling = os.path.join(self.location, "ontology", "tooling.ttl")
        return [self.ontology_location, *([tooling] if os.path.isfile(tooling) else [])]

    def internal_query_location(self, name: str) -> str:
        """``queries/internal/<name>.rq``, one of kzgraph's own queries (not a named query), as a string."""
        return os.path.join(self.queries_location, "internal", f"{name}.rq")

    def data_locations(self) -> list[str]:
        """``data_files`` as strings."""
        return files(os.path.join(self.location, "data"), ".trig")

    def rule_locations(self) -> list[str]:
        """``rules`` as strings."""
        return files(os.path.join(self.queries_location, "rules"), ".rq")

    def inputs(self) -> list[str]:
        """What the built dataset is made of, as strings: the ontology's modules, the data files, the rules."""
        return [*self.ontology_locations(), *self.data_locations(), *self.rule_locations()]


def files(directory: str | os.PathLike[str], suffix: str) -> list[str]:
    """The files in ``directory`` whose names end in ``suffix``, as sorted strings; none when it does not
    exist. (``Path.glob`` does the same several times slower, at every start.)"""
    try:
        names = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(os.path.join(directory, name) for name in names if name.endswith(suffix))


def find(root: str | os.PathLike[str] | None = None) -> Resources:
    """The resources under ``root``, else those of the installed package or the source checkout."""
    if root is not None:
        if not os.path.isdir(root):
            raise DataError(f"{os.fspath(root)}: not a directory")
        return Resources(os.fspath(root))
    for candidate in (os.path.join(_PACKAGE, "_data"), os.path.dirname(_PACKAGE)):
        if any(os.path.isdir(os.path.join(candidate, part)) for part in ("ontology", "data", "queries")):
            return Resources(candidate)
    raise DataError(f"cannot find ontology/, data/ or queries/ beside or inside {_PACKAGE}")
