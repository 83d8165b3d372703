"""report.docx (present/word.py): read back with python-docx, on a report assembled from the package's own outputs."""

from __future__ import annotations

import base64
import io
import time

import docx
import docx.shared
import pytest
from docx.oxml.ns import qn
from lxml import html as lxml_html
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from PIL import Image

from helpers import docx_layout, html_layout
from nianbao.inputs.report import load_report
from nianbao.present import official, render, word

HOSTILE = "<script>alert(1)</script> **x** &amp; <b>粗</b>"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def html_cell(fragment: str):
    return new_code_cell(outputs=[new_output("display_data", data={"text/html": fragment})])


@pytest.fixture
def hostile_report(pingtan2021):
    """平潭 2021 with a title and issuer that look like markup."""
    path = pingtan2021 / "params/pingtan/2021.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: 平潭", f"title: '{HOSTILE} 平潭").replace("年度报告\n", "年度报告'\n", 1)
    text = text.replace("issuer: 平潭综合实验区管理委员会", f"issuer: '{HOSTILE}'")
    path.write_text(text, encoding="utf-8")
    return load_report(pingtan2021, "pingtan", 2021)


@pytest.fixture
def built(hostile_report, tmp_path):
    """The report's title and prose (render.assemble), then 表三 and a chart, as report.docx; (report, document)."""
    report = hostile_report
    assembled = render.assemble(report, {})
    assembled.cells += [
        html_cell('<h2 class="chapter" id="applications">三、收到和处理政府信息公开申请情况</h2>'),
        html_cell(official.grid_html(report, "requests")),
        new_code_cell(outputs=[new_output("display_data", data={"image/png": base64.b64encode(png_bytes()).decode()})]),
        new_markdown_cell(
            f"### 小标题\n\n正文 {HOSTILE}\n\n- 第一项\n- 第二项\n\n> 引文\n\n| 甲 | 乙 |\n|---|---|\n| 1 | <i>2</i> |"
        ),
    ]
    charts = tmp_path / "charts"
    charts.mkdir()
    (charts / "applicants.png").write_bytes(png_bytes())
    path = tmp_path / "report.docx"
    word.write_docx(report, assembled, path, charts)
    return report, docx.Document(str(path))


class TestTables:
    def test_table_three_has_the_merged_cells_of_the_official_layout(self, built):
        report, document = built
        expected = html_layout(lxml_html.fragment_fromstring(official.grid_html(report, "requests"), create_parent="div"))
        assert docx_layout(document.tables[0]) == expected
        cells = {text: (rowspan, colspan) for _, _, text, rowspan, colspan in docx_layout(document.tables[0])}
        assert cells["申请人情况"] == (1, 7) and cells["自然人"] == (2, 1) and cells["法人或其他组织"] == (1, 5)
        assert cells["三、本年度办理结果"] == (22, 1) and cells["（六）其他处理"] == (3, 1)

    def test_header_rows_repeat_and_no_row_splits(self, built):
        _, document = built
        rows = document.tables[0]._tbl.tr_lst
        header = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows]
        assert header[:3] == [True] * 3 and not any(header[3:])
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)

    def test_the_numbers_of_the_table_are_its_cells(self, built):
        report, document = built
        numbers = [text for _, _, text, _, _ in docx_layout(document.tables[0]) if text.isdigit()]
        assert numbers.count("70") == 1 and report.value("requests", "new", "total") == 70


class TestStyles:
    def test_each_style_names_its_face_for_chinese_text(self, built):
        report, document = built
        fonts = report.params.faces
        for name, face in [
            (word.TITLE, fonts.title),
            (word.BODY, fonts.body),
            ("Heading 1", fonts.heading),
            ("Heading 2", fonts.subheading),
            (word.TABLE_TEXT, fonts.body),
        ]:
            rfonts = document.styles[name].element.rPr.rFonts
            assert rfonts.get(qn("w:eastAsia")) == face and rfonts.get(qn("w:ascii")) == face, name
            assert rfonts.get(qn("w:eastAsiaTheme")) is None
        assert document.styles[word.BODY].font.size.pt == 16

    def test_the_page_of_gb_t_9704(self, built):
        _, document = built
        section = document.sections[0]
        assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
        assert round(docx.shared.Length(section.page_width - section.left_margin - section.right_margin).mm) == 156
        assert round(docx.shared.Length(section.page_height - section.top_margin - section.bottom_margin).mm) == 225
        for footer in (section.footer, section.even_page_footer):
            xml = footer._element.xml
            assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")


class TestText:
    def test_params_are_text(self, built):
        report, document = built
        title = document.paragraphs[0]
        assert title.style.name == word.TITLE and title.text == report.params.title
        assert HOSTILE in title.text and not any(run.bold is True for run in title.runs)

    def test_signature_after_the_numbered_chapters_without_leading_zeros(self, built):
        _, document = built
        texts = [p.text for p in document.paragraphs]
        assert texts[-2:] == [HOSTILE, "2022年2月8日"]
        assert document.paragraphs[-1].style.name == word.SIGNATURE

    def test_prose_markdown_is_rendered_and_raw_html_stays_text(self, built):
        _, document = built
        paragraph = next(p for p in document.paragraphs if p.text.startswith("正文"))
        # Markdown: ** is emphasis and an entity is a character (as on the HTML page); a tag is text
        assert paragraph.text == "正文 <script>alert(1)</script> x & <b>粗</b>"
        assert [r.text for r in paragraph.runs if r.bold] == ["x"]
        heading = next(p for p in document.paragraphs if p.text == "小标题")
        assert heading.style.name == "Heading 2"
        assert [p.style.name for p in document.paragraphs if p.text in ("第一项", "第二项")] == ["List Bullet"] * 2
        assert next(p for p in document.paragraphs if p.text == "引文").style.name == word.QUOTE

    def test_a_prose_table_is_a_word_table(self, built):
        _, document = built
        assert docx_layout(document.tables[1]) == [
            (0, 0, "甲", 1, 1),
            (0, 1, "乙", 1, 1),
            (1, 0, "1", 1, 1),
            (1, 1, "<i>2</i>", 1, 1),
        ]
        assert document.tables[1]._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None

    def test_chapter_heading_from_the_html(self, built):
        _, document = built
        assert any(p.style.name == "Heading 1" and p.text.startswith("三、收到") for p in document.paragraphs)


class TestCharts:
    def test_a_chart_has_its_declared_title_as_alt_text_and_caption(self, built):
        report, document = built
        title = report.format.charts["applicants"].title
        (shape,) = document.inline_shapes
        assert shape._inline.docPr.get("descr") == title
        assert f"图：{title}" in [p.text for p in document.paragraphs]


class TestGrid:
    def test_a_cell_goes_to_the_first_free_column_below_a_rowspan(self):
        rows = [
            [word.Cell([word.Run("a")], rowspan=2), word.Cell([word.Run("b")])],
            [word.Cell([word.Run("c")])],
        ]
        grid = word.Grid.of(rows)
        assert [(r, c, cell.text) for r, c, cell in grid.placed] == [(0, 0, "a"), (0, 1, "b"), (1, 1, "c")]
        assert (grid.rows, grid.columns) == (2, 2)

    def test_header_rows_stop_at_the_first_row_with_data(self):
        rows = [[word.Cell([], header=True, colspan=2)], [word.Cell([], header=True), word.Cell([])]]
        assert word.Grid.of(rows).header_rows() == 1

    def test_a_table_of_header_cells_only_repeats_nothing(self):
        assert word.Grid.of([[word.Cell([], header=True)]]).header_rows() == 0

    def test_widths_fill_the_text_width(self):
        grid = word.Grid.of([[word.Cell([word.Run("一二三四五六")]), word.Cell([word.Run("1")])]])
        widths = grid.widths()
        assert widths[0] > widths[1] and abs(sum(widths) - word.TEXT_WIDTH) < 3


def _xml(element) -> bytes:
    from lxml import etree

    return etree.tostring(element)


class TestAddRuns:
    """The runs are built as XML: the same XML as python-docx's ``add_run``, ``bold``, ``italic``, ``font.size``
    and ``add_break`` write."""

    RUNS = [
        word.Run("正文"),
        word.Run("粗", bold=True),
        word.Run("斜", italic=True),
        word.Run("粗斜", bold=True, italic=True),
        word.Run("一行\n二行\t制表 "),
        word.Run("<b>&amp;</b>\r回车"),
    ]

    @staticmethod
    def with_python_docx(runs, size):
        paragraph = docx.Document().add_paragraph()
        for run in runs:
            for index, line in enumerate(run.text.split("\n")):
                if index:
                    paragraph.add_run().add_break()
                if line:
                    added = paragraph.add_run(line)
                    added.bold = run.bold or None
                    added.italic = run.italic or None
                    if size is not None:
                        added.font.size = size
        return paragraph._p

    @pytest.mark.parametrize("size", [None, docx.shared.Pt(9), docx.shared.Pt(10.5)])
    def test_the_xml_of_python_docx(self, size):
        built = docx.Document().add_paragraph()._p
        word._add_runs(built, self.RUNS, size)
        assert _xml(built) == _xml(self.with_python_docx(self.RUNS, size))

    def test_text_stays_text(self):
        built = docx.Document().add_paragraph()
        word._add_runs(built._p, [word.Run("<b>&amp;</b>")])
        assert built.text == "<b>&amp;</b>" and not built.runs[0].bold


class TestCellParagraphProperties:
    @pytest.mark.parametrize("keep", [None, True, False])
    @pytest.mark.parametrize("align", [word.WD_ALIGN_PARAGRAPH.LEFT, word.WD_ALIGN_PARAGRAPH.CENTER])
    def test_the_xml_of_python_docx(self, keep, align):
        document = docx.Document()
        style_id = document.styles["Normal"].style_id
        paragraph = document.add_paragraph()
        paragraph._p.get_or_add_pPr().style = style_id
        paragraph.alignment = align
        if keep is not None:
            paragraph.paragraph_format.keep_with_next = keep
        built = document.add_paragraph()._p
        built.append(word._cell_paragraph_properties(style_id, align, keep))
        assert _xml(built) == _xml(paragraph._p)


class TestWriteDocx:
    def test_equal_reports_give_equal_files(self, hostile_report, tmp_path):
        assembled = render.assemble(hostile_report, {})
        first, second = tmp_path / "a.docx", tmp_path / "b.docx"
        word.write_docx(hostile_report, assembled, first, tmp_path / "charts")
        time.sleep(2.1)  # python-docx dates the package's entries with the time of writing (2 s steps)
        word.write_docx(hostile_report, assembled, second, tmp_path / "charts")
        assert first.read_bytes() == second.read_bytes()
        assert docx.Document(str(first)).core_properties.created.date() == hostile_report.params.published
