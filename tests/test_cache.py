"""The key of a report's inputs (cache.py): it changes exactly when something the report depends on changes."""

from __future__ import annotations

import pytest

from helpers import edit_csv
from nianbao.cache import dependencies, run_key


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

    def test_two_files_swapping_their_contents_change_the_key(self, project, key):
        prose = project / "data/pingtan/2022/prose"
        first, second = (prose / "other.md").read_bytes(), (prose / "problems.md").read_bytes()
        (prose / "other.md").write_bytes(second)
        (prose / "problems.md").write_bytes(first)
        assert run_key(project, "pingtan", 2022) != key
