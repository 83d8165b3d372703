"""Official layouts (layout.py), year-on-year changes and the trend (compare.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from nianbao import compare, layout
from nianbao.formats import load_indicators
from nianbao.report import load_report


@pytest.fixture
def p2022(root):
    return load_report(root, "pingtan", 2022)


class TestGridHtml:
    def test_2021_table_three_merges_headers_and_labels(self, p2022):
        html = layout.grid_html(p2022, "requests")
        assert '<th colspan="7">申请人情况</th>' in html
        assert '<th rowspan="2">自然人</th>' in html and '<th colspan="5">法人或其他组织</th>' in html
        assert '<th rowspan="22" class="row-label">三、本年度办理结果</th>' in html
        assert '<th rowspan="3" class="row-label">（六）其他处理</th>' in html
        assert "勾稽关系" in html

    def test_2021_report_with_the_single_other_row(self, root):
        html = layout.grid_html(load_report(root, "hongze", 2023), "requests")
        assert '<th rowspan="20" class="row-label">三、本年度办理结果</th>' in html
        assert '<th colspan="2" class="row-label">（六）其他处理</th>' in html
        # official label shown; the published typo is listed under the table
        assert "2.其他法律行政法规禁止公开" in html and "写作“2.其他法律行政止公开”" in html

    def test_empty_cells_render_empty_with_a_note(self, root):
        html = layout.grid_html(load_report(root, "shanghai-office", 2019), "requests")
        assert '<td class="num"></td>' in html and "与 0 区分" in html


class TestTransposedAndBlocks:
    def test_table_four_is_one_row_of_fifteen(self, p2022):
        html = layout.transposed_html(p2022, "reviews_litigation")
        assert '<th colspan="5">行政复议</th>' in html and '<th colspan="10">行政诉讼</th>' in html
        assert '<th colspan="5">未经复议直接起诉</th>' in html
        assert len(re.findall(r'<td class="num">', html)) == 15

    def test_table_two_blocks_under_their_captions(self, root):
        html = layout.blocks_html(load_report(root, "shanghai-office", 2019), "表二")
        captions = re.findall(r'class="caption-row">(第二十条第（.）项)<', html)
        assert captions == [f"第二十条第（{n}）项" for n in "一五六八九"]
        assert "251000" in html


class TestIndicatorValues:
    def test_old_format_falls_back_from_text_to_statistics_table(self, root):
        report = load_report(root, "pingtan", 2014)  # text states no total; the table does
        assert compare.indicator_value(report, load_indicators().get("applications_received")) == Decimal(1)

    def test_subtotal_of_refusals(self, p2022):
        expected = sum(p2022.value("requests", r, "total") for r in p2022.format.tables["requests"].groups["refused"].rows)
        assert compare.indicator_value(p2022, load_indicators().get("refused")) == expected

    def test_no_mapping_is_a_gap(self, root):
        assert compare.indicator_value(load_report(root, "pingtan", 2015), load_indicators().get("unavailable")) is None


class TestChanges:
    def test_change_across_the_2020_to_2021_format_boundary(self, root):
        changes = {c.indicator.id: c for c in compare.changes(load_report(root, "pingtan", 2021), "applications")}
        received = changes["applications_received"]
        assert (received.current, received.previous, received.delta) == (Decimal(70), Decimal(21), Decimal(49))
        assert received.percent == Decimal("233.3")

    def test_percent_from_zero_is_not_computed(self):
        change = compare.Change(load_indicators().get("granted"), Decimal(3), Decimal(0))
        assert change.delta == 3 and change.percent is None

    def test_percent_rounds_half_up(self):
        change = compare.Change(load_indicators().get("granted"), Decimal(1), Decimal(8))  # -87.5
        assert change.percent == Decimal("-87.5")
        change = compare.Change(load_indicators().get("granted"), Decimal(2001), Decimal(2000))  # 0.05 -> 0.1
        assert change.percent == Decimal("0.1")


class TestTrend:
    def test_pingtan_spans_all_eras_with_gaps_not_estimates(self, root):
        trend = compare.trend(root, "pingtan", 2025)
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
        assert compare.trend(root, "pingtan", 2013).years == [2011, 2012, 2013]


class TestBlocksHtml:
    """表二's blocks: a row the report lacks is left out (the rows after it stay), an empty cell gets the note."""

    def test_a_missing_row_leaves_the_others(self, pingtan2021):
        path = pingtan2021 / "data/pingtan/2021/regulations.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("规章,0,0,0\n", ""), encoding="utf-8")
        html = layout.blocks_html(load_report(pingtan2021, "pingtan", 2021), "表二")
        assert "规章" not in html and "行政规范性文件" in html and "行政许可" in html

    def test_an_empty_cell_is_noted(self, pingtan2021):
        report = load_report(pingtan2021, "pingtan", 2021)
        assert "与 0 区分" not in layout.blocks_html(report, "表二")
        path = pingtan2021 / "data/pingtan/2021/regulations.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("行政规范性文件,69,3,665", "行政规范性文件,69,,665"))
        html = layout.blocks_html(load_report(pingtan2021, "pingtan", 2021), "表二")
        assert '<td class="num"></td>' in html and "与 0 区分" in html

    def test_no_block_no_table(self, pingtan2021):
        report = load_report(pingtan2021, "pingtan", 2021)
        assert layout.blocks_html(report, "表九") == ""


class TestGridHtmlWithoutRows:
    def test_a_table_file_with_only_its_header_prints_the_headers(self, tmp_path):
        from helpers import copy_project

        project = copy_project(tmp_path / "project", reports=[("pingtan", 2021)])
        path = project / "data/pingtan/2021/requests.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        html = layout.grid_html(load_report(project, "pingtan", 2021), "requests")
        assert re.search(r'<th rowspan="3">（本列数据的勾稽关系', html)  # the corner spans one label column
        assert "row-label" not in html and '<th colspan="7">申请人情况</th>' in html
