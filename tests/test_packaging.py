"""The wheel carries ontology/, data/ and queries/ and works outside the checkout."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)], cwd=REPO,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    (path,) = out.glob("kzgraph-*.whl")
    return path


def test_wheel_contents(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("ontology", "data", "queries"):
        files = sorted((REPO / part).rglob("*"))
        for f in (f for f in files if f.is_file()):
            assert f"kzgraph/_data/{f.relative_to(REPO).as_posix()}" in names
    assert "kzgraph/_data/queries/internal/graph-sizes.rq" in names  # kzgraph's own queries, with the others
    assert not any(name.startswith("kzgraph/sparql/") for name in names)
    assert "kzgraph/py.typed" in names  # type checkers read kzgraph's annotations (PEP 561)
    for packaged in ("web/templates/base.html", "web/static/kzgraph.css", "web/static/vendor/yasgui/yasgui.min.js",
                     "web/static/vendor/yasgui/yasgui.min.css", "web/static/vendor/yasgui/LICENSE",
                     "web/static/vendor/yasgui/THIRD-PARTY-NOTICES.txt"):
        assert f"kzgraph/{packaged}" in names, packaged
    assert not any(n.startswith(("tests/", "ontology/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kzgraph = kzgraph.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_unpacked_wheel_finds_its_data(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    r = subprocess.run([sys.executable, "-c", "import kzgraph.resources as r; print(r.find().root)"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "site" / "kzgraph" / "_data")
    r = subprocess.run([sys.executable, "-m", "kzgraph", "queries", "-f", "csv"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) > 1


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_answers_from_anywhere(wheel, tmp_path):
    """What a user gets from ``pip install``: the console script, with the data inside the package."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                         timeout=900)
    assert pip.returncode == 0, pip.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = subprocess.run([str(venv / "bin" / "kzgraph"), "query", "medals", "--format", "csv"], cwd=elsewhere,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("athlete_name,medal,sport,event")
    assert lines[1].startswith("David Degtyarev,Gold,para powerlifting,")
    assert len(lines) == 10
