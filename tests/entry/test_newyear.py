"""A new report: params carried over, blank data files, prose stubs and the workbook (``nianbao new``)."""

from __future__ import annotations

import pytest
import yaml

from helpers import copy_project, read_csv, tree_digest
from nianbao.entry.newyear import NewReport, blank_csv, create, era_of_year, latest_year, new_params, workbook_path
from nianbao.errors import InputError, ParamsError, ReportExists
from nianbao.formats import load_format
from nianbao.inputs.params import load_params
from nianbao.inputs.report import load_report
from nianbao.paths import ProjectLayout


@pytest.fixture
def pingtan(tmp_path) -> ProjectLayout:
    """平潭 2020 (2019 format) and 2021 (2021 format)."""
    return ProjectLayout.at(copy_project(tmp_path / "project", reports=[("pingtan", 2020), ("pingtan", 2021)]))


class TestNewParams:
    def test_carried_over_from_last_year(self, pingtan):
        params = new_params(pingtan, NewReport("pingtan", 2022))
        assert params.era == "2021-standard" and params.issuer == "平潭综合实验区管理委员会" and params.scope == "全区"
        assert params.title == "平潭综合实验区2022年度政府信息公开工作年度报告"
        assert params.headings["applications"] == "三、收到和处理政府信息公开申请情况"
        assert params.published is None and params.claims == ()

    def test_another_era_leaves_last_years_chapters(self, pingtan):
        params = new_params(pingtan, NewReport("pingtan", 2022, era="2019"))
        assert params.era == "2019" and params.headings == {} and params.issuer == "平潭综合实验区管理委员会"

    def test_latest_earlier_year(self, pingtan):
        assert latest_year(pingtan, "pingtan", 2025) == 2021
        assert latest_year(pingtan, "pingtan", 2020) is None

    def test_a_first_report_needs_an_issuer_and_before_2019_an_era(self, pingtan):
        with pytest.raises(InputError, match="--era"):
            new_params(pingtan, NewReport("newbody", 2017, issuer="某某局"))
        with pytest.raises(InputError, match="--issuer"):
            new_params(pingtan, NewReport("newbody", 2024))
        params = new_params(pingtan, NewReport("newbody", 2024, era="2021-standard", issuer="某某局"))
        assert params.title == "某某局2024年政府信息公开工作年度报告" and params.scope == "本机关"

    def test_an_unknown_era_names_the_nearest(self, pingtan):
        with pytest.raises(InputError, match="2021-standard"):
            new_params(pingtan, NewReport("pingtan", 2022, era="2021-standart"))

    def test_checked_by_the_params_model(self, pingtan):
        with pytest.raises(ParamsError, match="body"):
            new_params(pingtan, NewReport("../x", 2022, era="2021-standard", issuer="某某局"))
        with pytest.raises(ParamsError, match="year"):
            new_params(pingtan, NewReport("pingtan", 1999, era="2019", issuer="某某局"))


class TestEraOfYear:
    @pytest.mark.parametrize(
        "year, last, era",
        [
            (2021, "2019", "2021-standard"),  # the 2021 format starts with the reports of 2021
            (2020, "2019", "2019"),
            (2019, "old-free-text", "2019"),
            (2018, "old-free-text", "old-free-text"),
            (2024, None, "2021-standard"),
            (2015, None, None),  # before 2019 the format cannot be told from the year
        ],
    )
    def test_the_newest_format_declared_for_the_year(self, year, last, era):
        assert era_of_year(year, last) == era

    def test_the_year_after_a_2019_format_report(self, pingtan):
        assert latest_year(pingtan, "pingtan", 2021) == 2020  # a 2019-format report
        params = new_params(pingtan, NewReport("pingtan", 2021))
        assert params.era == "2021-standard" and params.headings == {}  # last year's chapters were of 2019


class TestBlankCsv:
    def test_every_declared_row_and_column_empty(self):
        fmt = load_format("2021-standard")
        text = blank_csv(fmt, "requests", "split")
        rows = [line.split(",") for line in text.splitlines()]
        assert rows[0] == ["指标", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
        assert [r[0] for r in rows[1:]] == [r.label for r in fmt.tables["requests"].rows if r.variant != "single"]
        assert all(cell == "" for r in rows[1:] for cell in r[1:])


class TestCreate:
    def test_writes_a_report_the_loader_reads(self, pingtan):
        written = create(pingtan, NewReport("pingtan", 2022))
        assert pingtan.params_file("pingtan", 2022) in written and workbook_path(pingtan, "pingtan", 2022) in written
        assert load_params(pingtan, "pingtan", 2022).era == "2021-standard"
        report = load_report(pingtan, "pingtan", 2022)
        assert set(report.tables) == set(report.format.tables)
        assert all(c.empty for t in report.tables.values() for r in t.rows for c in r.cells.values())
        assert len(report.tables["requests"].rows) == 25  # the 2021 format's （六）, not last year's 2019 single row
        assert (pingtan.data_dir("pingtan", 2022) / "prose" / "overview.md").exists()

    def test_follows_last_years_variant_in_the_same_era(self, tmp_path):
        layout = ProjectLayout.at(copy_project(tmp_path / "p", reports=[("hongze", 2023)]))
        create(layout, NewReport("hongze", 2024))
        labels = [r[0] for r in read_csv(layout.data_dir("hongze", 2024) / "requests.csv")]
        assert "（六）其他处理" in labels and "3.其他" not in labels
        create(layout, NewReport("hongze", 2025, variant="split"))
        assert "3.其他" in [r[0] for r in read_csv(layout.data_dir("hongze", 2025) / "requests.csv")]

    def test_an_unknown_variant_is_refused(self, pingtan):
        with pytest.raises(InputError, match="single / split|split / single"):
            create(pingtan, NewReport("pingtan", 2022, variant="double"))
        assert not pingtan.data_dir("pingtan", 2022).exists()

    def test_refuses_an_existing_report_and_changes_nothing(self, pingtan):
        before = tree_digest(pingtan.root)
        with pytest.raises(ReportExists, match="不会覆盖"):
            create(pingtan, NewReport("pingtan", 2021))
        assert tree_digest(pingtan.root) == before

    def test_params_file_as_written(self, pingtan):
        create(pingtan, NewReport("pingtan", 2022))
        data = yaml.safe_load(pingtan.params_file("pingtan", 2022).read_text(encoding="utf-8"))
        assert list(data)[:6] == ["body", "year", "era", "issuer", "title", "scope"]
        assert "published" not in data
