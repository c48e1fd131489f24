"""``kzgraph mappings``: the mappings to Wikidata as SSSOM TSV, read back and validated by sssom-py.

Rows are checked one by one against what the ontology and data/external.trig state; reconciled links come from
``links_trig`` (what ``kzgraph wikidata reconcile`` writes) in a copy of the dataset's files, and once from the
real command run against the Wikidata stand-in server.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import warnings
from pathlib import Path

import pytest
import rdflib

from kzgraph.wikidata import Candidate, links_trig
from tests.clirun import run_cli

ROOT = Path(__file__).resolve().parent.parent
KZ = "https://w3id.org/kzgraph/"
WD = "http://www.wikidata.org/entity/"
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)
ENDPOINT = "http://127.0.0.1:1/sparql"
SHAMEI = Candidate(KZ + "athlete/yergali-shamei", "athlete", WD + "Q900000103", "Yergali Shamey", "", 0.95, "name")
DEGTYAREV = Candidate(KZ + "athlete/david-degtyarev", "athlete", WD + "Q900000101", "David Degtyarev", "", 0.7, "")


def parse(text: str):
    """The mapping set as sssom-py reads it, after its own validation (JSON schema, prefixes, CURIEs)."""
    with warnings.catch_warnings():  # sssom-py and its dependencies warn about their own use of pandas
        warnings.simplefilter("ignore")
        from sssom.parsers import parse_sssom_table
        from sssom.validators import validate

        mapping_set = parse_sssom_table(io.StringIO(text))
        validate(mapping_set, fail_on_error=True)
    return mapping_set


def rows(mapping_set) -> dict[tuple[str, str, str], dict[str, object]]:
    found = {}
    for record in mapping_set.df.to_dict("records"):
        row = {k: "" if v is None or v != v else v for k, v in record.items()}  # NaN != NaN: an empty cell
        key = (row["subject_id"], row["predicate_id"], row["object_id"])
        assert key not in found, key
        found[key] = row
    return found


def home_with_links(tmp_path: Path, *candidates: Candidate, confirmed: bool = False) -> Path:
    home = tmp_path / "home"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, home / part)
    (home / "data" / "wikidata-links.trig").write_text(links_trig(candidates, ENDPOINT, NOW, confirmed=confirmed),
                                                       encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def written():
    code, out, err = run_cli(["mappings"])
    assert (code, err) == (0, "")
    return out


def test_sssom_py_reads_and_validates_it_with_its_metadata(written):
    mapping_set = parse(written)
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "kzgraph.ttl")
    version = ontology.value(rdflib.URIRef(KZ + "ontology"), rdflib.OWL.versionInfo)
    assert mapping_set.metadata["mapping_set_id"] == "https://w3id.org/kzgraph/mappings/kzgraph.sssom.tsv"
    assert mapping_set.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert re.fullmatch(re.escape(str(version)) + r"\+[0-9a-f]{12}", mapping_set.metadata["mapping_set_version"])
    assert mapping_set.metadata["creator_label"] == ["kzgraph developers"]
    assert mapping_set.prefix_map["country"] == KZ + "country/"
    assert mapping_set.prefix_map["semapv"] == "https://w3id.org/semapv/vocab/"
    header = next(line for line in written.splitlines() if not line.startswith("#"))
    assert header.split("\t")[:6] == ["subject_id", "subject_label", "predicate_id", "object_id", "object_label",
                                      "mapping_justification"]


def test_stated_links_cite_their_fact_and_the_bronze_medal_has_none(written):
    found = rows(parse(written))
    kazakhstan = found[("country:kazakhstan", "skos:exactMatch", "wd:Q232")]
    assert kazakhstan["mapping_justification"] == "semapv:ManualMappingCuration"
    assert kazakhstan["subject_label"] == "Kazakhstan"
    assert kazakhstan["see_also"] == KZ + "graph/external/w1"
    assert kazakhstan["comment"] == ("external fact w1 (verified): Source: public SPARQL examples using this item "
                                     "for Kazakhstan.")
    assert kazakhstan.get("confidence", "") == "" and kazakhstan.get("mapping_date", "") == ""
    stated = {k: r["comment"].split(":")[0] for k, r in found.items() if r["comment"].startswith("external fact")}
    assert stated == {
        ("country:kazakhstan", "skos:exactMatch", "wd:Q232"): "external fact w1 (verified)",
        ("city:paris", "skos:exactMatch", "wd:Q90"): "external fact w2 (verified)",
        ("country:france", "skos:exactMatch", "wd:Q142"): "external fact w3 (verified)",
        ("kz:Gold", "skos:exactMatch", "wd:Q406039"): "external fact w4 (verified)",
        ("kz:Silver", "skos:exactMatch", "wd:Q847956"): "external fact w5 (verified)",
        ("games:summer-paralympics", "skos:exactMatch", "wd:Q3327913"): "external fact w7 (verified)",
    }
    assert not [k for k in found if k[0] == "kz:Bronze"]  # w6 is in conflict: no link is asserted


def test_ontology_alignments_keep_their_skos_match_and_scope_note(written):
    found = rows(parse(written))
    venue = found[("kz:atVenue", "skos:broadMatch", "wdt:P276")]
    assert (venue["subject_label"], venue["subject_type"], venue["mapping_justification"], venue["mapping_provider"]) \
        == ("at venue", "owl object property", "semapv:ManualMappingCuration", KZ + "ontology")
    assert venue["comment"].startswith("Broad: Wikidata 'location' (P276) is the location of any item")
    assert found[("kz:sport", "skos:exactMatch", "wdt:P641")]["subject_type"] == "owl object property"
    assert found[("kz:won", "skos:relatedMatch", "wdt:P1344")]["comment"].startswith("Related, not close")
    assert found[("kz:medalDate", "skos:closeMatch", "wdt:P585")]["subject_type"] == "owl data property"
    # every alignment of the ontology to Wikidata, read from the file itself, and nothing else
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "kzgraph.ttl")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    expected = set()
    for match in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"):
        for subject, target in ontology.subject_objects(skos[match]):
            if str(target).startswith("http://www.wikidata.org/prop/direct/"):
                note = ontology.value(subject, skos.scopeNote)
                expected.add((f"kz:{str(subject).split('#')[1]}", f"skos:{match}",
                              f"wdt:{str(target).rsplit('/', 1)[1]}", str(note)))
    got = {(*k, r["comment"]) for k, r in found.items() if r["mapping_provider"] == KZ + "ontology"}
    assert got == expected and len(got) >= 10


def test_reconciled_links_carry_score_method_and_date(tmp_path):
    home = home_with_links(tmp_path, SHAMEI)
    code, out, err = run_cli(["--home", str(home), "mappings"])
    assert (code, err) == (0, "")
    shamei = rows(parse(out))[("athlete:yergali-shamei", "skos:exactMatch", "wd:Q900000103")]
    assert shamei["mapping_justification"] == "semapv:CompositeMatching"
    assert (shamei["confidence"], shamei["mapping_date"], shamei["mapping_tool"], shamei["mapping_provider"]) \
        == (0.95, "2026-11-24", "kzgraph wikidata reconcile", ENDPOINT)
    assert shamei["subject_label"] == "Yergali Shamei"
    assert shamei["see_also"] == KZ + "graph/reconciled/athlete/yergali-shamei"
    assert shamei["comment"].startswith("exact label lookup of names and spelling variants")
    code, out, err = run_cli(["--home", str(home), "mappings", "--no-reconciled"])
    assert (code, err) == (0, "")
    assert not [k for k in rows(parse(out)) if k[0].startswith("athlete:")]
    assert ("country:kazakhstan", "skos:exactMatch", "wd:Q232") in rows(parse(out))


def test_the_version_names_the_ontology_and_the_data(tmp_path, written):
    """``0.2.0+`` and a digest of the rows: the same data gives the same version, data with another reconciled
    link (Shamei's, or Degtyarev's), or the set without reconciled links, another one."""
    versions = {"built": parse(written).metadata["mapping_set_version"]}
    for name, link in (("shamei", SHAMEI), ("degtyarev", DEGTYAREV)):
        home = home_with_links(tmp_path / name, link)
        for flags in ([], ["--no-reconciled"]):
            code, out, err = run_cli(["--home", str(home), "mappings", *flags])
            assert (code, err) == (0, "")
            versions[name + "".join(flags)] = parse(out).metadata["mapping_set_version"]
    assert all(v.startswith("0.2.0+") for v in versions.values()), versions
    assert len({versions["built"], versions["shamei"], versions["degtyarev"]}) == 3
    # without the reconciled links, both homes hold the built dataset's mappings: its version again
    assert versions["shamei--no-reconciled"] == versions["degtyarev--no-reconciled"] == versions["built"]
    code, again, _ = run_cli(["mappings"])
    assert again == written


def test_a_link_a_person_accepted_is_justified_by_review(tmp_path):
    home = home_with_links(tmp_path, DEGTYAREV, confirmed=True)
    code, out, err = run_cli(["--home", str(home), "mappings"])
    assert (code, err) == (0, "")
    degtyarev = rows(parse(out))[("athlete:david-degtyarev", "skos:exactMatch", "wd:Q900000101")]
    assert (degtyarev["mapping_justification"], degtyarev["confidence"]) == ("semapv:MappingReview", 0.7)
    assert degtyarev["comment"].endswith("; confirmed by a person in the review file")


def test_reconcile_then_mappings_against_the_wikidata_stand_in(tmp_path, wikidata_server):
    """The real commands: reconcile and pull (the item labels) against the stand-in, then mappings."""
    home = home_with_links(tmp_path)
    endpoint = wikidata_server.query_url
    for action in ("reconcile", "pull"):
        code, _, err = run_cli(["--home", str(home), "wikidata", action, "--endpoint", endpoint,
                                "--review", str(tmp_path / "review.csv")])
        assert code == 0, err
    code, out, err = run_cli(["--home", str(home), "mappings"])
    assert (code, err) == (0, "")
    found = rows(parse(out))
    shamei = found[("athlete:yergali-shamei", "skos:exactMatch", "wd:Q900000103")]
    assert (shamei["confidence"], shamei["mapping_justification"], shamei["mapping_provider"]) \
        == (1.0, "semapv:CompositeMatching", endpoint)
    assert (shamei["subject_label"], shamei["object_label"]) == ("Yergali Shamei", "Yergali Shamey")
    assert re.fullmatch(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}", shamei["mapping_date"])  # the day reconcile ran
    assert found[("country:kazakhstan", "skos:exactMatch", "wd:Q232")]["mapping_justification"] \
        == "semapv:ManualMappingCuration"


def test_out_writes_the_file_and_says_so_on_stderr(tmp_path, written):
    target = tmp_path / "kzgraph.sssom.tsv"
    code, out, err = run_cli(["mappings", "--out", str(target)])
    assert (code, out) == (0, "")
    assert err == f"wrote {len(rows(parse(written)))} mappings to {target}\n"
    assert target.read_text(encoding="utf-8") == written


def test_errors_are_one_line_on_stderr_with_their_exit_code(tmp_path):
    code, out, err = run_cli(["mappings", "--out", str(tmp_path / "missing" / "kzgraph.sssom.tsv")])
    assert (code, out) == (3, "") and err.startswith("kzgraph: error: ") and err.count("\n") == 1
    home = home_with_links(tmp_path)
    (home / "data" / "elsewhere.trig").write_text(
        "<https://w3id.org/kzgraph/graph/external/x1> { <https://example.org/x> "
        "<http://www.w3.org/2004/02/skos/core#exactMatch> <http://www.wikidata.org/entity/Q1> . }\n"
        "<https://w3id.org/kzgraph/graph/provenance> { <https://w3id.org/kzgraph/graph/external/x1> a "
        "<https://w3id.org/kzgraph/ontology#ExternalFactGraph> ; <https://w3id.org/kzgraph/ontology#factId> \"x1\" ; "
        "<https://w3id.org/kzgraph/ontology#factStatus> <https://w3id.org/kzgraph/ontology#Verified> . }\n",
        encoding="utf-8")
    code, out, err = run_cli(["--home", str(home), "mappings"])
    assert (code, out) == (2, "")
    assert err.startswith("kzgraph: error: no CURIE prefix for <https://example.org/x>: ") and err.count("\n") == 1


def test_help_has_an_example():
    code, out, err = run_cli(["mappings", "--help"])
    assert (code, err) == (0, "")
    assert "SSSOM" in out and "--no-reconciled" in out
    assert "example:\n  kzgraph mappings --out kzgraph.sssom.tsv\n" in out
