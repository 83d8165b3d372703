"""paths.py: where a project's files are (ProjectLayout), and how paths are shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.paths import PACKAGE_DIR, ProjectLayout, as_layout, display_path, failed_dir, package_files


@pytest.fixture
def layout(project) -> ProjectLayout:
    return ProjectLayout.at(project)


class TestAt:
    def test_outputs_default_to_the_projects_outputs_folder(self, project):
        layout = ProjectLayout.at(project)
        assert layout.root == project.resolve() and layout.outputs == project.resolve() / "outputs"

    def test_given_outputs_are_resolved(self, project, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        assert ProjectLayout.at(project, "out").outputs == tmp_path.resolve() / "out"

    def test_a_relative_root_is_resolved(self, project, monkeypatch):
        monkeypatch.chdir(project.parent)
        assert ProjectLayout.at(project.name).root == project.resolve()


class TestAsLayout:
    def test_a_layout_is_kept(self, layout):
        assert as_layout(layout) is layout

    def test_a_folder_becomes_its_layout(self, project):
        assert as_layout(str(project)) == ProjectLayout.at(project)


class TestInputPaths:
    def test_each_input_has_its_place(self, layout):
        assert layout.params_file("pingtan", 2022) == layout.root / "params/pingtan/2022.yaml"
        assert layout.data_dir("pingtan", 2022) == layout.root / "data/pingtan/2022"
        assert layout.notebook("00_validation.ipynb") == layout.root / "notebooks/00_validation.ipynb"
        assert layout.suites_dir("2019") == layout.root / "expectations/2019"

    def test_outputs_by_body_and_year(self, project, tmp_path):
        layout = ProjectLayout.at(project, tmp_path / "out")
        assert layout.output_dir("pingtan", 2022) == tmp_path / "out/pingtan/2022"


class TestReports:
    def test_every_report_with_params_sorted(self, layout):
        reports = layout.reports()
        assert ("dongyang", 2017) in reports and reports == sorted(reports)

    def test_a_params_file_not_named_by_a_year_is_no_report(self, layout):
        (layout.params_root / "dongyang" / "draft.yaml").write_text("era: 2019\n", encoding="utf-8")
        assert [r for r in layout.reports() if r[0] == "dongyang"] == [("dongyang", 2017)]


class TestYears:
    def test_the_years_of_one_body_up_to_a_year(self, layout):
        assert layout.years("pingtan", 2013) == [2011, 2012, 2013]

    def test_every_year_without_a_limit(self, layout):
        assert layout.years("hongze") == [2023, 2024]

    def test_a_body_without_params_has_no_years(self, layout):
        assert layout.years("nobody") == []


class TestReportInputs:
    def test_params_and_data_of_this_and_earlier_years_only(self, layout):
        names = {layout.relative(p) for p in layout.report_inputs("pingtan", 2012, "old-free-text")}
        assert {"params/pingtan/2011.yaml", "params/pingtan/2012.yaml"} <= names
        assert any(n.startswith("data/pingtan/2011/") for n in names)
        assert not any(n.startswith(("data/pingtan/2013/", "params/pingtan/2013", "data/hongze/")) for n in names)

    def test_every_notebook_and_the_suites_of_the_era(self, layout):
        names = {layout.relative(p) for p in layout.report_inputs("pingtan", 2012, "old-free-text")}
        assert {f"notebooks/{p.name}" for p in layout.notebooks_dir.glob("*.ipynb")} <= names
        suites = {n.split("/")[1] for n in names if n.startswith("expectations/")}
        assert suites == {"old-free-text"}

    def test_no_era_no_suites(self, layout):
        assert not [p for p in layout.report_inputs("pingtan", 2012, None) if "expectations" in p.parts]


class TestRelative:
    def test_under_the_root(self, layout):
        assert layout.relative(layout.root / "data" / "x.csv") == "data/x.csv"

    def test_outside_the_root_as_given(self, layout, tmp_path):
        assert layout.relative(tmp_path / "elsewhere.csv") == str(tmp_path.resolve() / "elsewhere.csv")


class TestFailedDir:
    def test_beside_the_final_folder(self, tmp_path):
        assert failed_dir(tmp_path / "out" / "2017") == tmp_path / "out" / "2017.failed"


class TestDisplayPath:
    def test_relative_to_the_working_directory(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        assert display_path(tmp_path / "a" / "b.txt") == str(Path("a/b.txt"))

    def test_elsewhere_as_given(self, tmp_path, monkeypatch):
        (tmp_path / "cwd").mkdir()
        monkeypatch.chdir(tmp_path / "cwd")
        assert display_path(tmp_path / "b.txt") == str(tmp_path / "b.txt")


class TestPackageFiles:
    def test_source_and_declarations_without_compiled_files(self):
        names = {p.relative_to(PACKAGE_DIR).as_posix() for p in package_files()}
        assert {"run/pipeline.py", "formats/declarations/indicators.yaml"} <= names
        assert not [n for n in names if "__pycache__" in n]
