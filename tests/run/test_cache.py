"""The key of a report's inputs (cache.py): it changes exactly when something the report depends on changes."""

from __future__ import annotations

import pytest

from helpers import edit_csv
from nianbao.run.cache import KEY_FILE, dependencies, recorded_key, run_key


@pytest.fixture
def key(project):
    return run_key(project, "pingtan", 2022)


class TestRunKey:
    def test_stable_when_nothing_changes(self, project, key):
        assert run_key(project, "pingtan", 2022) == key

    @pytest.mark.parametrize(
        "path",
        [
            "params/pingtan/2022.yaml",
            "data/pingtan/2022/requests.csv",
            "data/pingtan/2022/prose/overview.md",
            "data/pingtan/2021/requests.csv",  # the previous year: cross-year checks, year-on-year
            "data/pingtan/2011/statistics.csv",  # an earlier year: the trend
            "notebooks/21_tables_applications.ipynb",
            "expectations/2021-standard/identities.json",
        ],
    )
    def test_changes_with_each_dependency(self, project, key, path):
        target = project / path
        target.write_bytes(target.read_bytes() + b"\n")
        assert run_key(project, "pingtan", 2022) != key

    @pytest.mark.parametrize(
        "path", ["data/pingtan/2023/requests.csv", "data/hongze/2024/requests.csv", "expectations/2019/identities.json"]
    )
    def test_unaffected_by_what_the_report_does_not_read(self, project, key, path):
        target = project / path
        target.write_bytes(target.read_bytes() + b"\n")
        assert run_key(project, "pingtan", 2022) == key

    def test_includes_the_declarations_and_the_lock(self, project):
        names = {p.name for p in dependencies(project, "pingtan", 2022)}
        assert {"2021-standard.yaml", "standard-tables.yaml", "indicators.yaml", "pipeline.py", "requirements.lock"} <= names

    def test_a_value_edit_changes_the_key(self, project, key):
        edit_csv(project / "data/pingtan/2022/regulations.csv", "行政规范性文件,88,55,698", "行政规范性文件,88,55,699")
        assert run_key(project, "pingtan", 2022) != key


class TestRunKeyNamesFiles:
    """The key covers the names of the files, not only their content: a chapter's prose file renamed, added or
    removed changes what the report contains."""

    def test_a_renamed_file_changes_the_key(self, project, key):
        prose = project / "data/pingtan/2022/prose"
        (prose / "other.md").rename(prose / "other-draft.md")
        assert run_key(project, "pingtan", 2022) != key

    def test_an_added_file_changes_the_key(self, project, key):
        (project / "data/pingtan/2022/prose/extra.md").write_text("", encoding="utf-8")
        assert run_key(project, "pingtan", 2022) != key

    def test_a_removed_file_changes_the_key(self, project, key):
        (project / "data/pingtan/2022/prose/other.md").unlink()
        assert run_key(project, "pingtan", 2022) != key

    def test_a_file_moved_to_another_folder_changes_the_key(self, project, key):
        (project / "data/pingtan/2022/prose/other.md").rename(project / "data/pingtan/2022/other.md")
        assert run_key(project, "pingtan", 2022) != key

    def test_two_files_swapping_their_contents_change_the_key(self, project, key):
        prose = project / "data/pingtan/2022/prose"
        first, second = (prose / "other.md").read_bytes(), (prose / "problems.md").read_bytes()
        (prose / "other.md").write_bytes(second)
        (prose / "problems.md").write_bytes(first)
        assert run_key(project, "pingtan", 2022) != key


class TestRecordedKey:
    def test_a_rendered_report_records_its_key_in_the_manifest(self, tmp_path):
        (tmp_path / "manifest.json").write_text('{"run_key": "abc", "params": {}}', encoding="utf-8")
        assert recorded_key(tmp_path) == "abc"

    def test_a_failed_report_records_it_beside_the_result(self, tmp_path):
        (tmp_path / KEY_FILE).write_text('{"run_key": "def", "message": "m"}', encoding="utf-8")
        assert recorded_key(tmp_path) == "def"

    def test_the_manifest_comes_first(self, tmp_path):
        (tmp_path / "manifest.json").write_text('{"run_key": "abc"}', encoding="utf-8")
        (tmp_path / KEY_FILE).write_text('{"run_key": "def"}', encoding="utf-8")
        assert recorded_key(tmp_path) == "abc"

    @pytest.mark.parametrize("text", ["{not json", "[]", '{"other": 1}', ""])
    def test_nothing_usable_is_no_key(self, tmp_path, text):
        (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
        assert recorded_key(tmp_path) is None

    def test_no_file_no_key(self, tmp_path):
        assert recorded_key(tmp_path) is None


class TestDependenciesOfTheEra:
    def test_only_the_suites_of_the_reports_era(self, project):
        suites = {p.parent.name for p in dependencies(project, "pingtan", 2022) if p.parent.parent.name == "expectations"}
        assert suites == {"2021-standard"}

    def test_params_with_a_bom_still_name_their_era(self, project):
        path = project / "params/pingtan/2022.yaml"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        suites = {p.parent.name for p in dependencies(project, "pingtan", 2022) if p.parent.parent.name == "expectations"}
        assert suites == {"2021-standard"}

    @pytest.mark.parametrize("text", ["- a list\n", "era: [unclosed\n", "year: 2022\n"])
    def test_params_without_a_readable_era_take_no_suites(self, project, text):
        (project / "params/pingtan/2022.yaml").write_text(text, encoding="utf-8")
        names = [p for p in dependencies(project, "pingtan", 2022) if p.parent.parent.name == "expectations"]
        assert names == []

    def test_no_compiled_files(self, project):
        assert not [p for p in dependencies(project, "pingtan", 2022) if "__pycache__" in p.parts]

    def test_the_package_version_is_part_of_the_key(self, project, monkeypatch):
        from nianbao.run import cache

        before = run_key(project, "pingtan", 2022)
        monkeypatch.setattr(cache, "_version", lambda: "0.0.0-other")
        assert run_key(project, "pingtan", 2022) != before

    def test_the_version_is_the_installed_one(self):
        from importlib import metadata

        from nianbao.run import cache

        assert cache._version() == metadata.version("nianbao")
