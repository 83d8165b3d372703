"""The key of a report's inputs (cache.py): it changes exactly when something the report depends on changes."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from helpers import edit_csv
from nianbao.paths import ProjectLayout
from nianbao.run import cache
from nianbao.run.cache import KEY_FILE, key_inputs, record_failure, recorded_failure, recorded_key


def run_key(project: Path, body: str, year: int) -> str:
    return cache.run_key(ProjectLayout.at(project), body, year)


def dependencies(project: Path, body: str, year: int) -> list[Path]:
    return [path for _, path in key_inputs(ProjectLayout.at(project), body, year)]


@pytest.fixture
def key(project):
    return run_key(project, "pingtan", 2022)


class TestRunKey:
    def test_stable_when_nothing_changes(self, project, key):
        assert run_key(project, "pingtan", 2022) == key

    def test_a_hex_sha256(self, key):
        assert len(key) == 64 and int(key, 16) >= 0

    def test_differs_between_reports(self, project, key):
        assert run_key(project, "pingtan", 2021) != key

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

    def test_includes_the_declarations_and_the_source(self, project):
        names = {p.name for p in dependencies(project, "pingtan", 2022)}
        assert {"2021-standard.yaml", "standard-tables.yaml", "indicators.yaml", "pipeline.py"} <= names

    def test_reads_no_file_outside_the_project_and_the_package(self, project):
        """The key of an installed package cannot depend on a checkout's files (such as requirements.lock)."""
        from nianbao.paths import PACKAGE_DIR

        outside = [p for p in dependencies(project, "pingtan", 2022) if not p.resolve().is_relative_to(project.resolve())]
        assert outside and all(p.is_relative_to(PACKAGE_DIR) for p in outside)

    def test_names_project_files_by_their_place_in_the_project(self, project):
        names = [name for name, _ in key_inputs(ProjectLayout.at(project), "pingtan", 2022)]
        assert "params/pingtan/2022.yaml" in names and "nianbao/run/pipeline.py" in names

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

    @pytest.mark.parametrize(
        "text",
        [
            "- a list\n",
            "era: [unclosed\n",
            "year: 2022\n",
            # what load_params refuses, read as it reads it: deep nesting, an anchor, a file over the size limit
            "era: 2021-standard\nscope: " + "[" * 5000 + "\n",
            "era: &e 2021-standard\n",
            "era: 2021-standard\n" + "# 注释\n" * 20_000,
        ],
        ids=["list", "syntax", "no-era", "deep", "anchor", "too-large"],
    )
    def test_params_without_a_readable_era_take_no_suites(self, project, text):
        (project / "params/pingtan/2022.yaml").write_text(text, encoding="utf-8")
        names = [p for p in dependencies(project, "pingtan", 2022) if p.parent.parent.name == "expectations"]
        assert names == []

    def test_no_compiled_files(self, project):
        assert not [p for p in dependencies(project, "pingtan", 2022) if "__pycache__" in p.parts]


class FakeDistribution:
    def __init__(self, name: str, version: str):
        self.name = name
        self.version = version

    def read_text(self, filename: str) -> str | None:
        """Its metadata file, as a wheel installs it: headers, a blank line, the description."""
        if filename != "METADATA":
            return None
        return f"Metadata-Version: 2.1\nName: {self.name}\nVersion: {self.version}\n\nVersion: 9.9 (in the description)\n"


@pytest.fixture
def installed(monkeypatch):
    """The installed distributions as the key sees them, replaced by a list the test edits."""
    distributions = [FakeDistribution("pandas", "2.2.3"), FakeDistribution("nianbao", "0.1.0")]
    monkeypatch.setattr(cache.metadata, "distributions", lambda: list(distributions))
    cache.environment.cache_clear()
    yield distributions
    cache.environment.cache_clear()


class TestEnvironment:
    def test_names_and_versions_sorted(self, installed):
        assert cache.environment() == "nianbao==0.1.0\npandas==2.2.3"

    def test_names_in_lower_case_without_duplicates(self, installed):
        installed.append(FakeDistribution("Pandas", "2.2.3"))
        assert cache.environment() == "nianbao==0.1.0\npandas==2.2.3"

    def test_the_real_one_lists_the_installed_package(self):
        cache.environment.cache_clear()
        assert f"nianbao=={metadata.version('nianbao')}" in cache.environment().splitlines()


class TestRunKeyAndDistributions:
    def test_a_changed_dependency_version_changes_the_key(self, project, installed):
        before = run_key(project, "pingtan", 2022)
        installed[0] = FakeDistribution("pandas", "2.3.0")
        cache.environment.cache_clear()
        assert run_key(project, "pingtan", 2022) != before

    def test_an_added_distribution_changes_the_key(self, project, installed):
        before = run_key(project, "pingtan", 2022)
        installed.append(FakeDistribution("numpy", "2.0.0"))
        cache.environment.cache_clear()
        assert run_key(project, "pingtan", 2022) != before

    def test_the_package_version_is_part_of_the_key(self, project, installed):
        before = run_key(project, "pingtan", 2022)
        installed[1] = FakeDistribution("nianbao", "0.0.0-other")
        cache.environment.cache_clear()
        assert run_key(project, "pingtan", 2022) != before

    def test_read_once_per_process(self, project, installed):
        before = run_key(project, "pingtan", 2022)
        installed[0] = FakeDistribution("pandas", "2.3.0")
        assert run_key(project, "pingtan", 2022) == before


class TestRecordFailure:
    def test_the_key_and_the_message_read_back(self, tmp_path):
        record_failure(tmp_path, "abc", "数据未通过严重级别的校验")
        assert recorded_key(tmp_path) == "abc"
        assert recorded_failure(tmp_path) == "数据未通过严重级别的校验"

    def test_written_as_readable_utf8(self, tmp_path):
        record_failure(tmp_path, None, "未通过")
        assert "未通过" in (tmp_path / KEY_FILE).read_text(encoding="utf-8")
