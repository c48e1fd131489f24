"""Records typed for type checkers only (a ``typing.NamedTuple`` under ``if TYPE_CHECKING``, a
``collections.namedtuple`` at run time, so that typing stays off the start-up path) declare the same fields,
in the same order, with the same defaults, in both places."""

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kzgraph"
MODULES = ["kzgraph.backends", "kzgraph.queries", "kzgraph.sparqltext"]


def typed_records(module: str) -> dict[str, tuple[list[str], list[str]]]:
    """Name → (fields, source of the defaults) of each NamedTuple declared under ``if TYPE_CHECKING``."""
    path = PACKAGE.joinpath(*module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for cls in node.body:
                if isinstance(cls, ast.ClassDef) and any(ast.unparse(b) == "NamedTuple" for b in cls.bases):
                    items = [s for s in cls.body if isinstance(s, ast.AnnAssign)]
                    found[cls.name] = ([ast.unparse(s.target) for s in items],
                                       [ast.unparse(s.value) for s in items if s.value is not None])
    return found


@pytest.mark.parametrize("module", MODULES)
def test_typed_records_match_run_time_records(module):
    records = typed_records(module)
    assert records, f"{module} declares no typed record"
    loaded = importlib.import_module(module)
    for name, (fields, defaults) in records.items():
        record = getattr(loaded, name)
        assert list(record._fields) == fields, name
        assert [repr(d) for d in record._field_defaults.values()] == defaults, name
