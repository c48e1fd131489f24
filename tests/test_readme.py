"""The README tells the truth: its catalogue, commands, picture and Python example match the code."""

from __future__ import annotations

import re
from pathlib import Path

from kzgraph.cli import build_parser
from kzgraph.diagram import mermaid

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def block(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_every_named_query_is_in_the_catalogue(kg):
    for query in kg.queries():
        assert f"| `{query.name}` | {query.title} |" in README, query.name


def test_every_command_is_in_the_command_table():
    commands = build_parser()._subparsers._group_actions[0].choices  # the argparse sub-commands
    for name in commands:
        assert f"| `kzgraph {name}" in README, name


def test_the_data_model_picture_is_generated_from_the_ontology(kg):
    assert block("mermaid") == [mermaid(kg)]


def test_quickstart_has_two_commands_install_and_test():
    install, test = [b.strip() for b in block("sh")[:2]]
    assert install.endswith("kzgraph query medals") and "pip install" in install
    assert test.endswith("python -m pytest")


def test_python_example_runs(tmp_path, monkeypatch):
    (example,) = block("python")
    (tmp_path / "more.trig").write_text(
        "<https://w3id.org/kzgraph/graph/example> { <https://example.org/a> <https://example.org/b> 1 . }\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert namespace["medals"].columns[:4] == ["athlete_name", "medal", "sport", "event"]
    namespace["disk"].close()
