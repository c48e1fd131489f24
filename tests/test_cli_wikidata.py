"""``kzgraph wikidata …`` and ``query --live`` as a user runs them, against the Wikidata-shaped fixture server."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def kzgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kzgraph", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_reconcile_pull_diff_and_live(home, wikidata_server):
    endpoint = wikidata_server.query_url
    run = kzgraph("wikidata", "reconcile", "--home", str(home), "--endpoint", endpoint, "--format", "csv",
                  cwd=home)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "entity,item,score,reason"
    assert "https://w3id.org/kzgraph/athlete/yergali-shamei,http://www.wikidata.org/entity/Q900000103,1.0" in run.stdout
    assert "accepted links written to" in run.stderr
    with (home / "wikidata-review.csv").open(encoding="utf-8") as f:
        review = list(csv.DictReader(f))
    assert {r["candidate"].rsplit("/", 1)[-1] for r in review if r["accept"] == "yes"} >= {"Q900000101", "Q900000103"}
    assert (home / "data" / "wikidata-links.trig").is_file()

    pulled = kzgraph("wikidata", "pull", "--home", str(home), "--endpoint", endpoint, cwd=home)
    assert pulled.returncode == 0 and pulled.stdout == "" and "fetched" in pulled.stderr
    again = kzgraph("wikidata", "pull", "--home", str(home), "--endpoint", endpoint, cwd=home)
    assert again.returncode == 0 and "kept" in again.stderr

    diff = kzgraph("wikidata", "diff", "--home", str(home), "--quickstatements", "out.qs", "--format", "csv",
                   cwd=home)
    assert diff.returncode == 0, diff.stderr
    assert "Yergali Shamei" in diff.stdout and ",missing," in diff.stdout
    assert (home / "out.qs").read_text(encoding="utf-8").startswith("Q900000103|P1344|Q900000010|P166|Q847956|")

    offline = kzgraph("query", "wikidata-athletes", "--home", str(home), "--format", "csv", cwd=home)
    live = kzgraph("query", "wikidata-athletes", "--live", endpoint, "--home", str(home), "--format", "csv",
                   cwd=home)
    assert offline.returncode == live.returncode == 0, live.stderr
    assert [line.rsplit(",", 1)[0] for line in live.stdout.splitlines()[1:]] == offline.stdout.splitlines()[1:]


def test_unreachable_endpoint_exits_3_naming_it(home):
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    run = kzgraph("wikidata", "reconcile", "--home", str(home), "--endpoint", url, "--wikidata-timeout", "2",
                  cwd=home)
    assert run.returncode == 3 and run.stdout == ""
    assert "127.0.0.1" in run.stderr and "Traceback" not in run.stderr
