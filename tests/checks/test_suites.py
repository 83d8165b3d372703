from __future__ import annotations

import json

from nianbao.checks.suites import build_suites, load_suites, stale_suites, write_suites
from nianbao.formats import ERAS, load_format

FMT = load_format("old-free-text")


class TestBuildSuites:
    def test_one_suite_per_table_plus_identities_shares_and_prose(self):
        names = set(build_suites(FMT))
        assert names == {f"{t}.json" for t in FMT.tables} | {"identities.json", "published_shares.json", "prose_numbers.json"}

    def test_table_suite_checks(self):
        suite = build_suites(FMT)["applications.json"]
        checks = {e["meta"]["check"]: e for e in suite["expectations"]}
        assert set(checks) >= {"labels_declared", "no_duplicate_rows", "required_rows", "counts_are_non_negative_integers"}
        assert checks["required_rows"]["kwargs"]["value_set"] == ["total"]
        assert all(e["severity"] == "critical" for e in suite["expectations"] if e["meta"]["check"] != "plausible_magnitude")
        assert checks["plausible_magnitude"]["severity"] == "warning"
        assert checks["plausible_magnitude"]["kwargs"]["max_value"] == FMT.table("applications").plausible_max

    def test_free_row_table_has_no_label_set(self):
        checks = [e["meta"]["check"] for e in build_suites(FMT)["proactive_categories.json"]["expectations"]]
        assert "labels_declared" not in checks and "no_duplicate_rows" in checks

    def test_identities_carry_declared_severity(self):
        suite = build_suites(FMT)["identities.json"]
        severity = {e["meta"]["identity"]: e["severity"] for e in suite["expectations"]}
        assert severity["application_channels_sum"] == "critical"
        assert severity["answers_sum"] == "critical"
        assert severity["proactive_parts_within_total"] == "warning"
        assert severity["categories_within_base"] == "warning"


class TestCommittedSuites:
    def test_committed_suites_match_the_declarations(self, root):
        for era in ERAS:
            assert stale_suites(root, load_format(era)) == [], "run `nianbao expectations --write`"

    def test_a_hand_edit_is_detected(self, project):
        path = project / "expectations/old-free-text/applications.json"
        suite = json.loads(path.read_text(encoding="utf-8"))
        suite["expectations"].pop()
        path.write_text(json.dumps(suite), encoding="utf-8")
        assert stale_suites(project, FMT) == ["applications.json"]
        write_suites(project, FMT)
        assert stale_suites(project, FMT) == []
        assert set(load_suites(project, FMT.era)) == set(build_suites(FMT))

    def test_written_into_a_project_without_expectations(self, tmp_path):
        written = write_suites(tmp_path / "fresh", FMT)
        assert sorted(p.name for p in written) == sorted(build_suites(FMT))
        assert stale_suites(tmp_path / "fresh", FMT) == []
        text = (tmp_path / "fresh/expectations/old-free-text/applications.json").read_bytes().decode("utf-8")
        assert "收到政府信息公开申请" in text and "\\u" not in text  # Chinese as written, not escaped

    def test_a_missing_suite_is_stale(self, project):
        (project / "expectations/old-free-text/answers.json").unlink()
        assert stale_suites(project, FMT) == ["answers.json"]

    def test_loaded_by_file_name_in_order(self, root):
        suites = load_suites(root, "old-free-text")
        assert list(suites) == sorted(build_suites(FMT))
        assert suites["identities.json"]["name"] == "old-free-text.identities"
