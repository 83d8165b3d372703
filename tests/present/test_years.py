"""Year-on-year changes and the trend (present/years.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpers import copy_project
from nianbao.formats import load_indicators
from nianbao.inputs.report import load_report
from nianbao.present import years


@pytest.fixture
def p2022(root):
    return load_report(root, "pingtan", 2022)


class TestIndicatorValues:
    def test_old_format_falls_back_from_text_to_statistics_table(self, root):
        report = load_report(root, "pingtan", 2014)  # text states no total; the table does
        assert years.indicator_value(report, load_indicators().get("applications_received")) == Decimal(1)

    def test_subtotal_of_refusals(self, p2022):
        expected = sum(p2022.value("requests", r, "total") for r in p2022.format.tables["requests"].groups["refused"].rows)
        assert years.indicator_value(p2022, load_indicators().get("refused")) == expected

    def test_no_mapping_is_a_gap(self, root):
        assert years.indicator_value(load_report(root, "pingtan", 2015), load_indicators().get("unavailable")) is None


class TestChanges:
    def test_change_across_the_2020_to_2021_format_boundary(self, root):
        changes = {c.indicator.id: c for c in years.changes(load_report(root, "pingtan", 2021), "applications")}
        received = changes["applications_received"]
        assert (received.current, received.previous, received.delta) == (Decimal(70), Decimal(21), Decimal(49))
        assert received.percent == Decimal("233.3")

    def test_percent_from_zero_is_not_computed(self):
        change = years.Change(load_indicators().get("granted"), Decimal(3), Decimal(0))
        assert change.delta == 3 and change.percent is None

    def test_percent_rounds_half_up(self):
        change = years.Change(load_indicators().get("granted"), Decimal(1), Decimal(8))  # -87.5
        assert change.percent == Decimal("-87.5")
        change = years.Change(load_indicators().get("granted"), Decimal(2001), Decimal(2000))  # 0.05 -> 0.1
        assert change.percent == Decimal("0.1")


class TestTrend:
    def test_pingtan_spans_all_eras_with_gaps_not_estimates(self, root):
        trend = years.trend(root, "pingtan", 2025)
        assert trend.years == list(range(2011, 2026))
        assert set(trend.eras.values()) == {"old-free-text", "2019", "2021-standard"}
        assert trend.values["proactive_total"][2015] == Decimal(2949)
        assert trend.values["proactive_total"][2022] is None
        assert trend.values["licensing_decisions"][2015] is None
        assert all(trend.values["applications_received"][y] is not None for y in trend.years)
        frame = trend.frame()
        assert list(frame.columns) == ["指标", *map(str, range(2011, 2026))]
        assert any("旧格式“同意公开”≈ 2019年起“予以公开”" in line for line in trend.comparability())

    def test_trend_stops_at_the_report_year(self, root):
        assert years.trend(root, "pingtan", 2013).years == [2011, 2012, 2013]

    def test_a_year_whose_files_changed_is_read_again(self, tmp_path):
        """A year is read once per content of its files (a warm kernel runs every year of a body)."""
        project = copy_project(tmp_path / "project", reports=[("pingtan", 2021), ("pingtan", 2022)])
        assert years.trend(project, "pingtan", 2022).values["applications_received"][2021] == Decimal(70)
        requests = project / "data/pingtan/2021/requests.csv"
        rows = requests.read_text(encoding="utf-8").splitlines()
        rows = [_with_new_total(row, "700") if row.startswith("一、本年新收") else row for row in rows]
        requests.write_text("\n".join(rows) + "\n", encoding="utf-8")
        assert years.trend(project, "pingtan", 2022).values["applications_received"][2021] == Decimal(700)
        (project / "data/pingtan/2021/requests.csv").unlink()
        again = years.trend(project, "pingtan", 2022)
        assert again.values["applications_received"][2021] is None and "2021年的数据无法读取" in again.notes[0]


def _with_new_total(row: str, total: str) -> str:
    """A row of requests.csv with its total (the last column) replaced."""
    return ",".join([*row.split(",")[:-1], total])
