"""Importing a published report's PDF (nianbao import report.pdf): the two 洪泽区 PDFs as the body published them
(tests/sources/pdf, copies of ../shared/reports/pdf) give the committed data cell by cell and the committed prose;
a scan is refused; a row the format does not declare is reported with its page and text."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pytest

from helpers import ROOT, read_csv
from nianbao.errors import PublishedImportError, ScannedPdfError, TextImportError
from nianbao.formats import load_format
from nianbao.inputs.published import import_published
from nianbao.inputs.published_pdf import read_pdf

SOURCES = ROOT / "tests/sources/pdf"
FIXTURES = Path(__file__).parent / "published"
HONGZE = [2023, 2024]


def _paragraphs(text: str) -> list[str]:
    """A prose file's paragraphs with their line wrapping removed."""
    return [re.sub(r"\s+", "", p) for p in text.split("\n\n") if p.strip()]


@pytest.fixture(scope="module")
def imported():
    """Each 洪泽区 PDF imported once for the module."""
    return {year: import_published(SOURCES / f"hongze-{year}.pdf", load_format("2021-standard"), year) for year in HONGZE}


@pytest.fixture(params=HONGZE)
def hongze(request, imported):
    return request.param, imported[request.param]


class TestHongzePdfs:
    def test_every_table_equals_the_committed_data_cell_by_cell(self, hongze):
        year, imported = hongze
        folder = ROOT / "data/hongze" / str(year)
        assert {f"{t}.csv" for t in imported.tables} == {p.name for p in folder.glob("*.csv")}
        for table_id in imported.tables:
            ours = list(csv.reader(io.StringIO(imported.csv_text(table_id))))
            committed = read_csv(folder / f"{table_id}.csv")
            assert ours[0] == committed[0], f"{table_id}: header"
            assert len(ours) == len(committed), f"{table_id}: {len(ours) - 1} rows, committed {len(committed) - 1}"
            for line, (mine, theirs) in enumerate(zip(ours[1:], committed[1:], strict=True), start=2):
                assert mine == theirs, f"{table_id}.csv 第{line}行"

    def test_the_prose_chapters_are_the_committed_prose(self, hongze):
        year, imported = hongze
        folder = ROOT / "data/hongze" / str(year) / "prose"
        assert set(imported.prose) == {p.stem for p in folder.glob("*.md")}
        for chapter, text in imported.prose.items():
            assert _paragraphs(text) == _paragraphs((folder / f"{chapter}.md").read_text(encoding="utf-8")), chapter

    def test_title_and_headings_are_the_params(self, hongze):
        import yaml

        year, imported = hongze
        params = yaml.safe_load((ROOT / "params/hongze" / f"{year}.yaml").read_text(encoding="utf-8"))
        assert imported.title == params["title"]
        assert imported.headings == params["headings"]

    def test_the_fixtures_are_the_shared_pdfs(self):
        recorded = dict(
            reversed(line.split())
            for line in (ROOT / "tests/sources/shared-reports.sha256").read_text(encoding="utf-8").splitlines()
        )
        for year in HONGZE:
            name = f"pdf/hongze-{year}.pdf"
            assert hashlib.sha256((SOURCES / f"hongze-{year}.pdf").read_bytes()).hexdigest() == recorded[name]
            shared = ROOT.parent / "shared/reports" / name
            if shared.exists():
                assert shared.read_bytes() == (SOURCES / f"hongze-{year}.pdf").read_bytes()


class TestReadPdf:
    def test_a_scan_without_a_text_layer_is_refused_with_the_reason(self):
        with pytest.raises(ScannedPdfError, match="没有文字层") as caught:
            read_pdf(FIXTURES / "scanned.pdf")
        assert "第1页没有文字" in str(caught.value) and "OCR" in str(caught.value)

    def test_a_file_that_is_not_a_pdf_is_refused(self, tmp_path):
        fake = tmp_path / "report.pdf"
        fake.write_text("<html>not a pdf</html>", encoding="utf-8")
        with pytest.raises(TextImportError, match="无法读取该 PDF 文件"):
            read_pdf(fake)

    def test_the_table_over_two_pages_is_one_table(self, imported):
        """表三 starts on page 3 and ends on page 4 of hongze-2023.pdf; its rows on page 4 are under page 3's header."""
        published = read_pdf(SOURCES / "hongze-2023.pdf")
        pages = {g.page for g in published.grids if any(c.text == "（七）总计" for c in g.cells)}
        assert pages == {4}
        assert imported[2023].tables["requests"][-2] == ["（七）总计", "21", "0", "0", "0", "0", "0", "21"]

    def test_wrapped_labels_and_merged_headers(self, imported):
        tables = imported[2024].tables
        labels = [r[0] for r in tables["requests"]]
        assert "5.要求行政机关确认或重新出具已获取信息" in labels  # printed over two lines, with a space
        assert tables["requests"][0][1:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
        assert tables["reviews_litigation"][2] == ["行政诉讼·未经复议直接起诉", "1", "0", "0", "0", "1"]

    def test_the_running_text_leaves_out_page_numbers_and_table_cells(self, imported):
        text = "".join(imported[2023].prose.values())
        assert "-2-" not in text and "本年处理决定数量" not in text and "（七）总计" not in text


@pytest.mark.slow
class TestPrintedPage:
    """A PDF printed from a web page (WeasyPrint): other ruling, tables split over pages at other rows."""

    @staticmethod
    def _print(tmp_path: Path, html: str) -> Path:
        from nianbao.present.render import write_pdf

        style = "<style>body{font-family:'Noto Serif CJK SC';font-size:11pt} td{border:1px solid #000}</style>"
        pdf = tmp_path / "report.pdf"
        write_pdf(html.replace("</head>", f"{style}</head>"), pdf, tmp_path)
        return pdf

    def test_its_tables_are_the_data_and_an_unknown_row_is_reported_with_page_and_text(self, tmp_path):
        html = (FIXTURES / "pingtan-2021.html").read_text(encoding="utf-8")
        imported = import_published(self._print(tmp_path, html), load_format("2021-standard"), 2021)
        for table_id in imported.tables:
            assert imported.csv_text(table_id) == (ROOT / "data/pingtan/2021" / f"{table_id}.csv").read_text(encoding="utf-8")
        bad = self._print(tmp_path, html.replace(">2.重复申请<", ">2.重复提交的申请<"))
        with pytest.raises(PublishedImportError) as caught:
            import_published(bad, load_format("2021-standard"), 2021)
        assert caught.value.problems == [
            "第3页：行“2.重复提交的申请”不是“收到和处理政府信息公开申请情况”中声明的行",
            "第3页：“收到和处理政府信息公开申请情况”缺少行 2.重复申请",
        ]
