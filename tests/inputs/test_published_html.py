"""Importing a published report saved as a web page (nianbao import report.html).

``published/pingtan-2021.html`` is 平潭 2021 made into a page like the government sites publish: the tables in the
official layout with rowspan/colspan, the text in <p>, and around them a header, a menu, a breadcrumb, an info bar,
share and related links, a footer and scripts; ``published/shanghai-office-2019.html`` is 上海市政府办公厅 2019 (2019
format) on a page of another site's layout. ``published/pingtan-2015.html`` is the old-format report of 2015 with its
统计表."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT
from nianbao.errors import PublishedImportError, TextImportError
from nianbao.formats import load_format
from nianbao.inputs.published import import_published
from nianbao.inputs.published_html import read_html

FIXTURES = Path(__file__).parent / "published"
PAGE = FIXTURES / "pingtan-2021.html"


def _import(path: Path, era: str = "2021-standard", year: int = 2021):
    return import_published(path, load_format(era), year)


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = PAGE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "page.html"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


PAGES = [
    ("pingtan", 2021, "2021-standard", ("当前位置", "发布时间", "分享到", "相关链接", "主办单位", "document.write", "搜索")),
    ("shanghai-office", 2019, "2019", ("您当前的位置", "浏览次数", "上一篇", "版权所有", "网站地图")),
]


@pytest.mark.parametrize("body, year, era, clutter", PAGES, ids=[f"{b}-{y}" for b, y, _, _ in PAGES])
class TestImportPage:
    """平潭 2021 (2021 format, （六） in three rows) and 上海市政府办公厅 2019 (2019 format, empty cells, 251000元)."""

    def test_tables_equal_the_data_cell_by_cell(self, body, year, era, clutter):
        imported = _import(FIXTURES / f"{body}-{year}.html", era, year)
        folder = ROOT / "data" / body / str(year)
        assert {f"{t}.csv" for t in imported.tables} == {p.name for p in folder.glob("*.csv")}
        for table_id in imported.tables:
            assert imported.csv_text(table_id) == (folder / f"{table_id}.csv").read_text(encoding="utf-8"), table_id

    def test_prose_is_the_data_without_the_page_around_it(self, body, year, era, clutter):
        imported = _import(FIXTURES / f"{body}-{year}.html", era, year)
        folder = ROOT / "data" / body / str(year) / "prose"
        assert set(imported.prose) == {p.stem for p in folder.glob("*.md")}
        for chapter, text in imported.prose.items():
            assert text == (folder / f"{chapter}.md").read_text(encoding="utf-8"), chapter
        everything = "".join(imported.prose.values())
        for words in clutter:
            assert words not in everything


class TestPageDetails:
    def test_empty_cells_stay_empty(self):
        imported = _import(FIXTURES / "shanghai-office-2019.html", "2019", 2019)
        assert imported.tables["requests"][3] == ["（一）予以公开", "258", "12", "", "", "1", "1", ""]
        assert imported.tables["procurement"][1] == ["政府集中采购", "6", "251000元"]

    def test_title_and_headings(self):
        imported = _import(PAGE)
        assert imported.title == "平潭综合实验区2021年度政府信息公开工作年度报告"
        assert imported.headings["appeals"] == "四、政府信息公开行政复议、行政诉讼情况"

    def test_old_format_statistics_table(self):
        imported = _import(FIXTURES / "pingtan-2015.html", "old-free-text", 2015)
        assert list(imported.tables) == ["statistics"]
        assert imported.csv_text("statistics") == (ROOT / "data/pingtan/2015/statistics.csv").read_text(encoding="utf-8")

    def test_the_statistics_header_is_of_the_reports_year(self):
        """The 统计表 heads its column "2015年度": a report imported as 2016 does not have that column."""
        with pytest.raises(PublishedImportError, match="缺少列 本年"):
            _import(FIXTURES / "pingtan-2015.html", "old-free-text", 2016)


class TestWhatCannotBePlaced:
    def test_an_unknown_row_label_is_reported_with_table_row_and_text(self, tmp_path):
        with pytest.raises(PublishedImportError) as caught:
            _import(_variant(tmp_path, ">2.重复申请<", ">2.重复提交的申请<"))
        assert "第2个表格第20行：行“2.重复提交的申请”不是“收到和处理政府信息公开申请情况”中声明的行" in caught.value.problems

    def test_a_missing_table_is_reported(self, tmp_path):
        page = PAGE.read_text(encoding="utf-8")
        start = page.index('<p style="text-indent:2em;"><strong>四、')
        end = page.index('<p style="text-indent:2em;"><strong>五、')
        path = tmp_path / "page.html"
        path.write_text(page[:start] + page[end:], encoding="utf-8")
        with pytest.raises(PublishedImportError) as caught:
            _import(path)
        assert caught.value.problems == ["未找到表格“政府信息公开行政复议、行政诉讼情况”（表四）"]

    def test_an_unknown_column_header_leaves_the_column_unplaced(self, tmp_path):
        with pytest.raises(PublishedImportError) as caught:
            _import(_variant(tmp_path, ">本年废止件数<", ">本年修订件数<"))
        assert any("缺少列 本年废止件数" in p for p in caught.value.problems)

    def test_a_2021_page_imported_as_2019_is_refused(self):
        with pytest.raises(PublishedImportError) as caught:
            _import(PAGE, "2019")
        assert any("未找到表格“第二十条第（九）项”" in p for p in caught.value.problems)

    def test_nothing_is_guessed_from_a_page_without_tables(self, tmp_path):
        path = tmp_path / "page.html"
        path.write_text("<html><body><h1>报告</h1><p>一、总体情况</p></body></html>", encoding="utf-8")
        with pytest.raises(TextImportError, match="网页中没有表格"):
            read_html(path)


class TestReadHtml:
    def test_rowspan_and_colspan_place_each_cell(self):
        grids = read_html(PAGE).grids
        requests = grids[1]
        corner = requests.covering(2, 2)
        assert corner is not None and corner.text.startswith("（本列数据的勾稽关系为")
        assert requests.covering(2, 9) is not None and requests.covering(2, 9).text == "总计"  # rowspan 2 from row 1
        # （三）不予公开 (rowspan 8) stays left of the eight rows that follow it
        assert {requests.covering(r, 1).text for r in range(7, 15)} == {"（三）不予公开"}

    def test_hostile_spans_are_bounded(self, tmp_path):
        path = tmp_path / "page.html"
        path.write_text(
            '<html><body><table><tr><td rowspan="99999999" colspan="x">规章</td><td>1</td></tr></table></body></html>',
            encoding="utf-8",
        )
        grid = read_html(path).grids[0]
        assert (grid.cells[0].rowspan, grid.cells[0].colspan) == (1, 1)

    def test_scripts_and_comments_are_not_text(self, tmp_path):
        path = tmp_path / "page.html"
        path.write_text(
            "<html><body><h1>标题</h1><div><p>一、总体情况</p><p>正文<!-- 注释 --><script>alert(1)</script></p>"
            "<table><tr><td>规章</td></tr></table></div></body></html>",
            encoding="utf-8",
        )
        assert [line.text for line in read_html(path).lines] == ["一、总体情况", "正文"]

    def test_a_hostile_page_is_read_as_text_and_nothing_is_fetched(self, tmp_path, monkeypatch):
        import socket

        def no_network(*args, **kwargs):
            raise AssertionError("the reader opened a connection")

        monkeypatch.setattr(socket, "socket", no_network)
        monkeypatch.setattr(socket, "create_connection", no_network)
        page = (
            PAGE.read_text(encoding="utf-8")
            .replace("<html lang", '<!DOCTYPE html SYSTEM "http://attacker.example/x.dtd"><html lang', 1)
            .replace(
                ">2021年，无收取信息处理费情况。<",
                '>2021年，无收取<img src="http://attacker.example/a.png" onerror="alert(1)">'
                '&lt;script&gt;alert(2)&lt;/script&gt;<iframe src="http://attacker.example/"></iframe><',
            )
        )
        path = tmp_path / "page.html"
        path.write_text(page, encoding="utf-8")
        imported = _import(path)
        assert imported.prose["other"] == "2021年，无收取<script>alert(2)</script>\n"
