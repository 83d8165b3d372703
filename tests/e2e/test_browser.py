"""The rendered reports in a real browser (chromium through Playwright, tests/browser.py), at a desktop (1280 px)
and a phone (390 px) width: no sideways scrolling of the page, no console error (a CSP violation is one), every
link reaching a file and an id, every table shown with its label column in view, every chart loaded with a Chinese
text alternative; and the checker itself, on pages made to fail each of these."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import WIDTHS, browser, check_page
from helpers import CORPUS

pytestmark = pytest.mark.e2e

FAILING = (("hongze", 2023), ("pingtan", 2020))  # fail their critical checks by design: no report, a kept section
RENDERED = [r for r in CORPUS if r not in FAILING]
SECTIONS_OF = (("dongyang", 2017), ("pingtan", 2021))  # every section page of one old-format and one 2021 report


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("body, year", RENDERED)
def test_report_reads_well_in_a_browser(corpus_run, chromium, body, year, width):
    outputs, _ = corpus_run
    result = check_page(chromium, outputs / body / str(year) / "report.html", width)
    assert result.problems() == []
    assert result.counts["tables"] > 0 and result.counts["links"] > 0  # the table of contents at least


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("body, year", SECTIONS_OF)
def test_section_pages_read_well_and_link_back(corpus_run, chromium, body, year, width):
    outputs, _ = corpus_run
    pages = sorted((outputs / body / str(year) / "sections").glob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        result = check_page(chromium, page, width)
        assert result.problems() == []
        assert "../report.html#" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("body, year", FAILING)
def test_the_kept_validation_section_of_a_failed_report_links_nowhere_missing(corpus_run, chromium, body, year):
    outputs, _ = corpus_run
    page = outputs / body / f"{year}.failed" / "sections" / "00_validation.html"
    for width in WIDTHS:
        assert check_page(chromium, page, width).problems() == []
    assert "report.html" not in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_index_reads_well_and_every_link_resolves(corpus_run, chromium, width):
    outputs, _ = corpus_run
    result = check_page(chromium, outputs / "index.html", width)
    assert result.problems() == []
    # every report's HTML, PDF, Word and validation page, and the failed reports' kept validation pages
    assert result.counts["links"] >= 4 * len(RENDERED) + len(FAILING)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("body, year", [("pingtan", 2021), ("dongyang", 2017)])
def test_a_validation_page_reads_well(corpus_run, chromium, body, year, width):
    outputs, _ = corpus_run
    result = check_page(chromium, outputs / body / str(year) / "validation.html", width)
    assert result.problems() == []
    assert result.counts["tables"] > 0


def test_report_charts_carry_their_numbers_in_words(corpus_run, chromium):
    outputs, _ = corpus_run
    page = outputs / "dongyang" / "2017" / "report.html"
    result = check_page(chromium, page, 390)
    assert result.counts["images"] == 3 and result.images == []
    html = page.read_text(encoding="utf-8")
    assert 'alt="条形图：提交申请的方式，占比基数为收到政府信息公开申请91件。当面申请42件（46.15%）；' in html


class TestTheChecker:
    """Each check can fail: a page made with one fault of each kind, under the reports' CSP."""

    CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    PIXEL = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )

    def _page(self, tmp_path: Path, body: str) -> Path:
        (tmp_path / "other.html").write_text('<!DOCTYPE html><p id="here">x</p>', encoding="utf-8")
        page = tmp_path / "page.html"
        page.write_text(
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{self.CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>{body}</body></html>',
            encoding="utf-8",
        )
        return page

    def test_a_clean_page_has_no_problem(self, chromium, tmp_path):
        body = (
            f'<h2 id="a">甲</h2><a href="#a">甲</a> <a href="other.html#here">乙</a> <a href="https://example.invalid/">丙</a>'
            f'<img src="{self.PIXEL}" alt="图：一个像素"><table><thead><tr><th>指标</th></tr></thead>'
            f"<tbody><tr><td>1</td></tr></tbody></table>"
        )
        result = check_page(chromium, self._page(tmp_path, body), 390)
        assert result.problems() == []
        assert result.counts == {"links": 3, "tables": 1, "images": 1}

    def test_sideways_scrolling_of_the_page(self, chromium, tmp_path):
        result = check_page(chromium, self._page(tmp_path, '<div style="width: 600px">宽</div>'), 390)
        assert result.overflow > 150 and "页面横向溢出" in result.problems()[0]
        assert check_page(chromium, self._page(tmp_path, '<div style="width: 600px">宽</div>'), 1280).overflow == 0

    def test_a_fetch_the_csp_refuses_is_a_console_error(self, chromium, tmp_path):
        result = check_page(chromium, self._page(tmp_path, '<img src="http://127.0.0.1:9/x.png" alt="远程图片">'), 1280)
        assert any("Content Security Policy" in e for e in result.console_errors), result.console_errors
        assert any("没有载入" in p for p in result.images)

    def test_links_to_a_missing_file_or_id(self, chromium, tmp_path):
        body = '<a href="gone.html">a</a><a href="other.html#nowhere">b</a><a href="#nope">c</a><a href="other.html">d</a>'
        result = check_page(chromium, self._page(tmp_path, body), 1280)
        assert [p.split("（")[0] for p in result.broken_links] == ["gone.html", "other.html#nowhere", "#nope"]

    def test_images_without_a_chinese_alternative(self, chromium, tmp_path):
        body = f'<img src="{self.PIXEL}" alt="png"><img src="{self.PIXEL}">'
        result = check_page(chromium, self._page(tmp_path, body), 1280)
        assert len(result.images) == 2 and all("缺少中文替代文字" in p for p in result.images)

    def test_a_label_column_scrolled_out_of_view_and_a_hidden_table(self, chromium, tmp_path):
        cells = "".join(f"<td>{i}</td>" for i in range(30))
        body = (
            f'<div style="overflow-x: auto"><table><thead><tr><th>指标</th></tr></thead>'
            f"<tbody><tr><td>第一行</td>{cells}</tr></tbody></table></div>"
            f'<table style="display: none"><tr><td>1</td></tr></table>'
        )
        result = check_page(chromium, self._page(tmp_path, body), 390)
        assert result.overflow == 0
        assert any("标签列看不见: 第一行" in p for p in result.tables), result.tables
        assert any("没有显示" in p for p in result.tables), result.tables
