"""``kzgraph wikidata …`` and ``query --live`` as a user runs them, against the Wikidata-shaped fixture server."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kzgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kzgraph", *args], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


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


NO_SNAPSHOT = ("kzgraph: error: no snapshot; run `kzgraph wikidata pull` (with --home DIR it writes "
               "DIR/data/wikidata-snapshot.trig, part of that dataset; else load the file it writes: "
               "`kzgraph load wikidata-snapshot.trig --store PATH`)\n")
REVIEW_HEADER = "entity,kind,candidate,label,description,score,reason,accept"
SHAMEI = "https://w3id.org/kzgraph/athlete/yergali-shamei"


def fresh_home(tmp_path: Path) -> Path:
    """A copy of the dataset's files with no Wikidata links or snapshot: nothing pulled yet."""
    import shutil

    home = tmp_path / "home"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, home / part)
    return home


def listing(*directories: Path) -> set[Path]:
    return {p for d in directories for p in d.rglob("*") if "__pycache__" not in p.parts}


def test_accept_without_an_accept_column_exits_2_naming_it_and_keeps_the_links(tmp_path):
    home = fresh_home(tmp_path)
    links = home / "data" / "wikidata-links.trig"
    links.write_text("# accepted earlier\n", encoding="utf-8")
    review = tmp_path / "review.csv"
    review.write_text(f"entity,kind,candidate,label,description,score,reason\n{SHAMEI},athlete,"
                      "http://www.wikidata.org/entity/Q900000103,Yergali Shamei,,1.00,name\n", encoding="utf-8")
    run = kzgraph("wikidata", "reconcile", "--home", str(home), "--accept", str(review), cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (f"kzgraph: error: {review}: no 'accept' column (found: entity, kind, candidate, label, "
                          "description, score, reason); a review file has the columns entity, kind, candidate, "
                          "label, description, score, reason, accept, as `kzgraph wikidata reconcile --review FILE` "
                          "writes it\n")
    assert links.read_text(encoding="utf-8") == "# accepted earlier\n"


def test_accept_of_a_missing_file_or_a_row_that_is_no_link_exits_2_in_one_line(tmp_path):
    home = fresh_home(tmp_path)
    run = kzgraph("wikidata", "reconcile", "--home", str(home), "--accept", "/nonexistent.csv", cwd=tmp_path)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", "kzgraph: error: /nonexistent.csv: no such file\n")
    review = tmp_path / "review.csv"
    review.write_text(f"{REVIEW_HEADER}\n{SHAMEI},athlete,Q900000103,Yergali Shamei,,1.00,name,yes\n",
                      encoding="utf-8")
    run = kzgraph("wikidata", "reconcile", "--home", str(home), "--accept", str(review), cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (f"kzgraph: error: {review}:2: candidate 'Q900000103' is not a Wikidata item "
                          "(http://www.wikidata.org/entity/Q…)\n")
    assert not (home / "data" / "wikidata-links.trig").exists()


def test_accept_takes_the_rows_marked_yes(tmp_path):
    home = fresh_home(tmp_path)
    review = tmp_path / "review.csv"
    review.write_text(f"{REVIEW_HEADER}\n"
                      f"{SHAMEI},athlete,http://www.wikidata.org/entity/Q900000103,Yergali Shamei,,0.70,name,yes\n"
                      f"{SHAMEI},athlete,http://www.wikidata.org/entity/Q900000104,Someone Else,,0.90,name,\n",
                      encoding="utf-8")
    run = kzgraph("wikidata", "reconcile", "--home", str(home), "--accept", str(review), "--format", "csv",
                  cwd=tmp_path)
    assert (run.returncode, run.stdout) == (0, (f"entity,item,score,reason\n{SHAMEI},"
                                                "http://www.wikidata.org/entity/Q900000103,0.7,name\n"))
    links = home / "data" / "wikidata-links.trig"
    assert run.stderr == f"1 accepted links written to {links}\n"
    assert "<http://www.wikidata.org/entity/Q900000103>" in links.read_text(encoding="utf-8")


def test_diff_and_offline_join_without_a_snapshot_say_to_pull(tmp_path):
    home = fresh_home(tmp_path)
    for args in (["wikidata", "diff"], ["query", "wikidata-athletes"], ["query", "wikidata-diff"]):
        run = kzgraph(*args, "--home", str(home), cwd=tmp_path)
        assert (run.returncode, run.stdout, run.stderr) == (2, "", NO_SNAPSHOT), args
    other = kzgraph("query", "wikidata-links", "--home", str(home), "--format", "csv", cwd=tmp_path)
    assert other.returncode == 0 and other.stderr == ""


def test_without_home_files_go_to_the_working_directory_never_the_package(tmp_path, wikidata_server):
    """No --home: the dataset is the one kzgraph ships; reconcile and pull write where the user is, and say so."""
    endpoint = wikidata_server.query_url
    work = tmp_path / "work"
    work.mkdir()
    before = listing(ROOT / "data", ROOT / "kzgraph")
    store = ["--store", str(work / "kz.store")]

    run = kzgraph(*store, "wikidata", "reconcile", "--endpoint", endpoint, "--format", "csv", cwd=work)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "entity,item,score,reason"
    assert run.stderr.splitlines()[-1] == (
        f"{len(run.stdout.splitlines()) - 1} accepted links written to wikidata-links.trig (in the working "
        "directory, not part of any dataset: use --home DIR to keep it in DIR/data/, or load it: "
        "kzgraph load wikidata-links.trig --store PATH)")
    assert (work / "wikidata-links.trig").is_file() and (work / "wikidata-review.csv").is_file()

    assert kzgraph(*store, "query", "wikidata-athletes", cwd=work).stderr == NO_SNAPSHOT
    assert kzgraph(*store, "load", "wikidata-links.trig", cwd=work).returncode == 0
    live = kzgraph(*store, "query", "wikidata-athletes", "--live", endpoint, "--format", "csv", cwd=work)
    assert (live.returncode, live.stderr) == (0, "")  # the federated join needs no snapshot
    assert "Yergali Shamei,http://www.wikidata.org/entity/Q900000103," in live.stdout

    pulled = kzgraph(*store, "wikidata", "pull", "--endpoint", endpoint, cwd=work)
    assert pulled.returncode == 0 and pulled.stdout == ""
    assert pulled.stderr.startswith("fetched: wikidata-snapshot.trig (")
    assert pulled.stderr.endswith(" triples) (in the working directory, not part of any dataset: use --home DIR "
                                  "to keep it in DIR/data/, or load it: kzgraph load wikidata-snapshot.trig "
                                  "--store PATH)\n")
    assert kzgraph(*store, "load", "wikidata-snapshot.trig", cwd=work).returncode == 0
    offline = kzgraph(*store, "query", "wikidata-athletes", "--format", "csv", cwd=work)
    assert (offline.returncode, offline.stderr) == (0, "")
    assert [line.rsplit(",", 1)[0] for line in live.stdout.splitlines()[1:]] == offline.stdout.splitlines()[1:]

    assert listing(ROOT / "data", ROOT / "kzgraph") == before
