"""The web commands on the command line: safe refusals, a friendly message when the web extra is missing,
and no web framework loaded by anything else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BLOCK_WEB = """
import sys
class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("starlette", "uvicorn", "jinja2"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Missing())
from kzgraph.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run(*args: str, code: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "kzgraph", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_allow_update_needs_a_token():
    env = {k: v for k, v in os.environ.items() if k != "KZGRAPH_UPDATE_TOKEN"}
    r = subprocess.run([sys.executable, "-m", "kzgraph", "serve", "--allow-update"], capture_output=True, text=True,
                       timeout=120, env={**env, "PYTHONPATH": str(REPO)})
    assert r.returncode == 2 and r.stdout == ""
    assert "KZGRAPH_UPDATE_TOKEN" in r.stderr


def test_missing_web_extra_is_named():
    for command in (["serve"], ["publish", "--out", "site"]):
        r = run(*command, code=BLOCK_WEB)
        assert r.returncode == 3, r.stderr
        assert "pip install 'kzgraph[web]'" in r.stderr and "Traceback" not in r.stderr


def test_serve_help_shows_the_safe_defaults():
    r = run("serve", "--help")
    assert r.returncode == 0
    for text in ("default: 127.0.0.1", "default: 8000", "--allow-update", "--service-allow", "--cors", "--max-body"):
        assert text in r.stdout


def test_publish_needs_jinja_only():
    code = "import sys, kzgraph.web.publish; print(sorted({'starlette', 'uvicorn'} & set(sys.modules)))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr
