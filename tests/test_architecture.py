"""The package's shape: imports point one way, only backends import an engine, modules stay small."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kzgraph"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)

LAYERS = {  # a module may import from its own layer or lower ones
    "errors": 0, "namespaces": 0, "formats": 0, "terms": 0, "resources": 0, "names": 0, "sparqltext": 0, "table": 0,
    "atomic": 0,
    "deadline": 1,
    "results": 1,
    "backends": 2,
    "queries": 3, "binding": 3, "dataset": 3, "validate": 3, "stats": 3, "push": 3, "search": 3, "synth": 3,
    "buildcache": 3,
    "api": 4,
    "web": 5, "diagram": 5, "wikidata": 5, "mappings": 5,
    "cli": 6, "__main__": 6, "__init__": 6, "notebook": 6,
}
ENGINES = {"pyoxigraph", "rdflib", "SPARQLWrapper", "pyshacl", "httpx", "pyparsing"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imports(path: Path, top_level_only: bool = False) -> list[tuple[str, int]]:
    """(module, level) of every import; ``from . import x`` gives ("x", 1)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.level))
        elif isinstance(node, ast.ImportFrom):
            found += [(alias.name, node.level) for alias in node.names]
    return found


def internal_target(path: Path, module: str, level: int) -> str | None:
    if level == 0:
        return module.split(".")[1] if module.startswith("kzgraph.") else None
    base = path.relative_to(PACKAGE).parts[:-1][: len(path.relative_to(PACKAGE).parts) - level]
    parts = list(base) + (module.split(".") if module else [])
    if not parts or not ((PACKAGE / parts[0]).with_suffix(".py").exists() or (PACKAGE / parts[0]).is_dir()):
        return "__init__"  # a name defined in kzgraph/__init__.py, e.g. __version__
    return parts[0]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path):
    own = module_name(path)
    for module, level in imports(path):
        target = internal_target(path, module, level)
        if target is None or target == own:
            continue
        assert target in LAYERS and own in LAYERS, f"add {target} or {own} to LAYERS in this test"
        assert LAYERS[target] <= LAYERS[own], f"{own} (layer {LAYERS[own]}) imports {target} ({LAYERS[target]})"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_backends_import_an_engine(path):
    own = module_name(path)
    engines = {m.split(".")[0] for m, level in imports(path, top_level_only=own == "validate") if level == 0}
    if own != "backends":
        assert not engines & ENGINES, f"{own} imports {engines & ENGINES}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_small_modules_without_broad_excepts(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) <= 400
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ExceptHandler):
            assert node.type is not None, f"{path}:{node.lineno}: bare except"
            # allowed: a handler that raises (re-raises or translates), or one excused from ruff's blind-except
            # rule with a reason
            justified = any(isinstance(inner, ast.Raise) for inner in ast.walk(node)) \
                or "# noqa: BLE001  # " in lines[node.lineno - 1]
            broad = isinstance(node.type, ast.Name) and node.type.id in ("Exception", "BaseException")
            assert justified or not broad, \
                f"{path}:{node.lineno}: except {node.type.id}"


@pytest.mark.parametrize("path", [p for p in MODULES if module_name(p) in ("cli", "wikidata")],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_cli_and_wikidata_use_the_public_api(path):
    """The command line and the Wikidata join go through ``KnowledgeGraph`` (``kzgraph.api``), never
    ``kzgraph.backends``: what they need from a store is a public method, or a name ``kzgraph.api`` exports."""
    used = sorted({module for module, level in imports(path) if internal_target(path, module, level) == "backends"})
    assert not used, f"{path.relative_to(PACKAGE)} imports {', '.join(used)}: use kzgraph.api instead"


def dotted(path: Path) -> str:
    """``kzgraph/backends/client.py`` → ``kzgraph.backends.client``; a package's ``__init__.py`` → the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of kzgraph it imports (at the top, in functions, or for type checkers only),
    each import taken to the module it names: ``from . import x`` is module ``x`` when there is one, else
    the package."""
    paths = {dotted(p): p for p in MODULES}
    graph = {}
    for name, path in paths.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                named = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join([*package[:len(package) - node.level + 1], *filter(None, [node.module])]) \
                    if node.level else node.module or ""
                named = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base for alias in node.names]
            else:
                continue
            for target in named:
                while target and target not in paths:  # a name inside a module: the module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules, the first repeated at the end), or None: a depth-first walk."""
    done: set[str] = set()
    for start in sorted(graph):
        path: list[str] = []
        stack = [(start, iter(sorted(graph[start])))]
        on_path = {start}
        path.append(start)
        while stack:
            node, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                on_path.discard(path.pop())
                done.add(node)
            elif target in on_path:
                return [*path[path.index(target):], target]
            elif target not in done:
                stack.append((target, iter(sorted(graph[target]))))
                on_path.add(target)
                path.append(target)
    return None


def test_no_import_cycles():
    """Modules import one another without a cycle, inside a package too (where the layers above allow any
    import): a module that two others need is a leaf of its own (``backends/options.py``,
    ``web/reconciler.py``), not an import deferred into a function."""
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    graph = import_graph()
    assert graph["kzgraph.backends.remote"] >= {"kzgraph.backends", "kzgraph.backends.client",
                                                "kzgraph.backends.options", "kzgraph.errors"}
    assert "kzgraph.backends.remote" in graph["kzgraph.backends.select"]  # imported inside a function
