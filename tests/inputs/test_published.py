"""The part of the published-report import shared by the PDF and web-page readers: grids of cells with spans, the
tables found in them by the format's declaration, the chapters found in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.errors import PublishedImportError
from nianbao.formats import load_format
from nianbao.inputs.published import Cell, Grid, Line, Published, clean_cell, clean_text, read_published

FMT = load_format("2021-standard")


def _grid(rows: list[list[str | None]], page: int = 1) -> Grid:
    """A grid from rows of texts; None continues the cell to its left (colspan)."""
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            span = 1
            while c + span < len(row) and row[c + span] is None:
                span += 1
            cells.append(Cell(text, r, c, 1, span))
    return Grid(cells, [f"第{page}页"] * len(rows), page=page)


def _published(grids: list[Grid], paragraphs: tuple[str, ...] = ("一、总体情况", "正文。")) -> Published:
    lines = [Line(p, "第1页", True) for p in paragraphs]
    return Published(path=Path("report.pdf"), title="某区2023年政府信息公开工作年度报告", grids=grids, lines=lines)


def _table_two() -> list[Grid]:
    return [
        _grid(
            [
                ["第二十条第（一）项", None, None, None],
                ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                ["规章", "0", "0", "0"],
                ["行政规范性文件", "3", "", "8"],
                ["第二十条第（五）项", None, None, None],
                ["信息内容", "本年处理决定数量", None, None],
                ["行政许可", "9487", None, None],
                ["第二十条第（六）项", None, None, None],
                ["信息内容", "本年处理决定数量", None, None],
                ["行政处罚", "2776", None, None],
                ["行政强制", "84", None, None],
                ["第二十条第（八）项", None, None, None],
                ["信息内容", "本年收费金额（单位：万元）", None, None],
                ["行政事业性收费", "7545", None, None],
            ]
        )
    ]


class TestCleaning:
    def test_spaces_next_to_chinese_are_layout(self):
        assert clean_text("号 ， 邮 编 ： 223100 ， 2023 年") == "号，邮编：223100，2023年"

    def test_spaces_between_latin_words_stay(self):
        assert clean_text("门户网站（www.pingtan.gov.cn  or OA system）") == "门户网站（www.pingtan.gov.cn or OA system）"

    def test_a_cell_loses_its_line_breaks(self):
        assert clean_cell("5.要求行政机关确认或重 新出具\n已获取信息") == "5.要求行政机关确认或重新出具已获取信息"
        assert clean_cell(None) == ""


class TestGrid:
    def test_a_merged_cell_covers_its_span(self):
        grid = Grid([Cell("申请人情况", 0, 1, 1, 3), Cell("自然人", 1, 1, 2, 1)], ["r1", "r2", "r3"])
        assert grid.covering(0, 3).text == "申请人情况"
        assert grid.covering(2, 1).text == "自然人"
        assert grid.covering(2, 2) is None
        assert [c.text for c in grid.starting(1)] == ["自然人"]

    def test_a_row_continued_on_the_next_page_is_placed_by_its_position(self):
        header = Grid([Cell("a", 0, 0, 1, 1, (0, 0, 10, 5)), Cell("b", 0, 1, 1, 1, (10, 0, 20, 5))], ["p1"], 1, [0, 10, 20, 30])
        continued = Grid([Cell("x", 0, 0, 1, 1, (0, 0, 20, 5)), Cell("7", 0, 1, 1, 1, (20, 0, 30, 5))], ["p2"], 2)
        projected = continued.projected(0, header)
        assert projected is not None
        assert [(c.text, c.col, c.colspan) for c in projected.cells] == [("x", 0, 2), ("7", 2, 1)]


class TestReadPublished:
    def test_blocks_are_found_by_caption_and_empty_cells_stay_empty(self):
        problems = pytest.raises(PublishedImportError, read_published, _published(_table_two()), FMT, 2023)
        assert [p for p in problems.value.problems if "第二十条" in p] == []
        assert any("表三" in p for p in problems.value.problems)

    def test_cells_as_printed(self):
        fmt = FMT.model_copy(update={"tables": {k: v for k, v in FMT.tables.items() if v.official == "表二"}})
        imported = read_published(_published(_table_two()), fmt, 2023)
        assert imported.tables["regulations"] == [
            ["指标", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "0"],
            ["行政规范性文件", "3", "", "8"],
        ]
        assert imported.tables["licensing"] == [["指标", "本年处理决定数量"], ["行政许可", "9487"]]

    def test_an_unknown_label_is_reported_with_where_and_text(self):
        grids = _table_two()
        grids[0].cells[:] = [
            Cell("行政奖励" if c.text == "行政强制" else c.text, c.row, c.col, c.rowspan, c.colspan) for c in grids[0].cells
        ]
        fmt = FMT.model_copy(update={"tables": {k: v for k, v in FMT.tables.items() if v.official == "表二"}})
        with pytest.raises(PublishedImportError) as caught:
            read_published(_published([Grid(grids[0].cells, grids[0].where, 1)]), fmt, 2023)
        assert caught.value.problems == [
            "第1页：行“行政奖励”不是“第二十条第（六）项”中声明的行",
            "第1页：“第二十条第（六）项”缺少行 行政强制",
        ]

    def test_a_row_outside_any_table_is_reported(self):
        fmt = FMT.model_copy(update={"tables": {k: v for k, v in FMT.tables.items() if v.official == "表二"}})
        grid = _grid([["合计", "12", "3"]], page=5)
        with pytest.raises(PublishedImportError) as caught:
            read_published(_published([*_table_two(), grid]), fmt, 2023)
        assert caught.value.problems == ["第5页：表格行“合计、12、3”不在可识别的表格中（没有找到该格式声明的表头或表题）"]

    def test_transposed_table_from_its_header_paths(self):
        fmt = FMT.model_copy(update={"tables": {"reviews_litigation": FMT.tables["reviews_litigation"]}})
        heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        grid = _grid(
            [
                ["行政复议", None, None, None, None, "行政诉讼", *[None] * 9],
                ["", "", "", "", "", "未经复议直接起诉", None, None, None, None, "复议后起诉", None, None, None, None],
                [*heads, *heads, *heads],
                [str(n) for n in range(15)],
            ]
        )
        imported = read_published(_published([grid]), fmt, 2023)
        assert imported.tables["reviews_litigation"] == [
            ["指标", *heads],
            ["行政复议", "0", "1", "2", "3", "4"],
            ["行政诉讼·未经复议直接起诉", "5", "6", "7", "8", "9"],
            ["行政诉讼·复议后起诉", "10", "11", "12", "13", "14"],
        ]

    def test_chapters_follow_the_declared_numbers(self):
        fmt = FMT.model_copy(update={"tables": {k: v for k, v in FMT.tables.items() if v.official == "表二"}})
        paragraphs = ("前言。", "一、总体情况", "概述。", "二、要点", "五、存在的主要问题及改进情况", "问题一。", "问题二。")
        imported = read_published(_published(_table_two(), paragraphs), fmt, 2023)
        assert imported.prose == {"preamble": "前言。\n", "overview": "概述。\n", "problems": "问题一。\n\n问题二。\n"}
        assert imported.headings["proactive"] == "二、要点"
