"""The official layouts of the 2019 and 2021 tables (present/official.py)."""

from __future__ import annotations

import re

import pytest

from nianbao.inputs.report import load_report
from nianbao.present import official


@pytest.fixture
def p2022(root):
    return load_report(root, "pingtan", 2022)


class TestGridHtml:
    def test_2021_table_three_merges_headers_and_labels(self, p2022):
        html = official.grid_html(p2022, "requests")
        assert '<th colspan="7">申请人情况</th>' in html
        assert '<th rowspan="2">自然人</th>' in html and '<th colspan="5">法人或其他组织</th>' in html
        assert '<th rowspan="22" class="row-label">三、本年度办理结果</th>' in html
        assert '<th rowspan="3" class="row-label level-1">（六）其他处理</th>' in html
        assert "勾稽关系" in html

    def test_2021_report_with_the_single_other_row(self, root):
        html = official.grid_html(load_report(root, "hongze", 2023), "requests")
        assert '<th rowspan="20" class="row-label">三、本年度办理结果</th>' in html
        assert '<th colspan="2" class="row-label level-1">（六）其他处理</th>' in html
        # official label shown; the published typo is listed under the table
        assert "2.其他法律行政法规禁止公开" in html and "写作“2.其他法律行政止公开”" in html

    def test_empty_cells_render_empty_with_a_note(self, root):
        html = official.grid_html(load_report(root, "shanghai-office", 2019), "requests")
        assert '<td class="num"></td>' in html and "与 0 区分" in html


class TestTransposedAndBlocks:
    def test_table_four_is_one_row_of_fifteen(self, p2022):
        html = official.transposed_html(p2022, "reviews_litigation")
        assert '<th colspan="5">行政复议</th>' in html and '<th colspan="10">行政诉讼</th>' in html
        assert '<th colspan="5">未经复议直接起诉</th>' in html
        assert len(re.findall(r'<td class="num">', html)) == 15

    def test_table_two_blocks_under_their_captions(self, root):
        html = official.blocks_html(load_report(root, "shanghai-office", 2019), "表二")
        captions = re.findall(r'class="caption-row">(第二十条第（.）项)<', html)
        assert captions == [f"第二十条第（{n}）项" for n in "一五六八九"]
        assert "251000" in html


class TestBlocksHtml:
    """表二's blocks: a row the report lacks is left out (the rows after it stay), an empty cell gets the note."""

    def test_a_missing_row_leaves_the_others(self, pingtan2021):
        path = pingtan2021 / "data/pingtan/2021/regulations.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("规章,0,0,0\n", ""), encoding="utf-8")
        html = official.blocks_html(load_report(pingtan2021, "pingtan", 2021), "表二")
        assert "规章" not in html and "行政规范性文件" in html and "行政许可" in html

    def test_an_empty_cell_is_noted(self, pingtan2021):
        report = load_report(pingtan2021, "pingtan", 2021)
        assert "与 0 区分" not in official.blocks_html(report, "表二")
        path = pingtan2021 / "data/pingtan/2021/regulations.csv"
        path.write_text(path.read_text(encoding="utf-8").replace("行政规范性文件,69,3,665", "行政规范性文件,69,,665"))
        html = official.blocks_html(load_report(pingtan2021, "pingtan", 2021), "表二")
        assert '<td class="num"></td>' in html and "与 0 区分" in html

    def test_no_block_no_table(self, pingtan2021):
        report = load_report(pingtan2021, "pingtan", 2021)
        assert official.blocks_html(report, "表九") == ""


class TestGridHtmlWithoutRows:
    def test_a_table_file_with_only_its_header_prints_the_headers(self, tmp_path):
        from helpers import copy_project

        project = copy_project(tmp_path / "project", reports=[("pingtan", 2021)])
        path = project / "data/pingtan/2021/requests.csv"
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        html = official.grid_html(load_report(project, "pingtan", 2021), "requests")
        assert re.search(r'<th rowspan="3" class="corner">（本列数据的勾稽关系', html)  # the corner spans one label column
        assert "row-label" not in html and '<th colspan="7">申请人情况</th>' in html
