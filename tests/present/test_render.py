from __future__ import annotations

import datetime as dt

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nianbao.present import render
from nianbao.present.fonts import FontInfo, PrintFaces

FONT = FontInfo(family="Noto Sans CJK SC", path="x.ttc", index=2)


def _notebook():
    code = new_code_cell("session.heading('x')")
    code.outputs = [
        new_output("stream", name="stderr", text="WARNING something\n"),
        new_output("display_data", data={"text/html": "<h2>二、主动公开</h2>", "text/plain": "<HTML>"}),
    ]
    params = new_code_cell("body = 'x'", metadata={"tags": ["parameters"]})
    note = new_markdown_cell("# analyst note", metadata={"tags": ["analyst-note"]})
    return new_notebook(cells=[note, params, code])


class TestClean:
    def test_removes_notes_parameters_and_stderr(self):
        cleaned = render.clean(_notebook())
        assert len(cleaned.cells) == 1
        assert [o.output_type for o in cleaned.cells[0].outputs] == ["display_data"]

    def test_does_not_modify_its_input(self):
        nb = _notebook()
        render.clean(nb)
        assert len(nb.cells) == 3


class TestToHtml:
    def test_no_code_no_prompts_font_and_language(self):
        html = render.to_html(_notebook(), "标题", FONT)
        assert "<h2>二、主动公开</h2>" in html
        assert "session.heading" not in html and "In&nbsp;[" not in html and "WARNING" not in html
        assert "analyst note" not in html
        assert '<html lang="zh-CN">' in html and '"Noto Sans CJK SC"' in html and "<title>标题</title>" in html
        assert '<p class="report-header">' not in html

    def test_section_header_names_the_report(self):
        html = render.to_html(_notebook(), "标题", FONT, header="东阳市2017年政府信息公开工作年度报告 · 报告章节")
        assert '<p class="report-header">东阳市2017年政府信息公开工作年度报告 · 报告章节</p>' in html


class TestAssemble:
    def test_published_order_with_prose_and_sections(self, dongyang):
        section = new_notebook(cells=[new_markdown_cell("section body")])
        executed = {nb.stem: section for nb in dongyang.format.notebooks}
        nb = render.assemble(dongyang, executed)
        text = "\n".join(c.source if c.cell_type == "markdown" else c.outputs[0].data["text/html"] for c in nb.cells)
        assert text.startswith("<h1>东阳市2017年政府信息公开工作年度报告</h1>")
        positions = [
            text.index(h)
            for h in (
                "本年度报告系根据",
                '<h2 class="chapter" id="overview">一、概述</h2>',
                '<h2 class="chapter" id="problems">六、政府信息公开工作存在的主要问题及改进措施</h2>',
                '<h2 class="chapter" id="other">七、其它需要报告的事项</h2>',
            )
        ]
        assert positions == sorted(positions)
        # each section notebook appears once, even if it renders two chapters
        assert text.count("section body") == len(dongyang.format.notebooks)

    def test_the_signature_follows_the_numbered_chapters_with_the_date_without_leading_zeros(self, dongyang):
        section = new_notebook(cells=[new_markdown_cell("section body")])
        executed = {nb.stem: section for nb in dongyang.format.notebooks}
        nb = render.assemble(dongyang, executed)
        text = "\n".join(c.source if c.cell_type == "markdown" else c.outputs[0].data["text/html"] for c in nb.cells)
        signature = (
            '<div class="signature"><p class="signature-issuer">东阳市人民政府</p>'
            '<p class="signature-date">2018年2月23日</p></div>'
        )
        assert text.count(signature) == 1
        assert text.index('id="other">七、') < text.index(signature)
        assert '<p class="issuer">东阳市人民政府　2018年2月23日</p>' in text


class TestChineseDate:
    def test_no_leading_zeros(self):
        assert render.chinese_date(dt.date(2018, 1, 5)) == "2018年1月5日"
        assert render.chinese_date(dt.date(2022, 12, 31)) == "2022年12月31日"


class TestChapterHeading:
    def test_a_chapter_after_the_numbered_ones_starts_a_page(self, dongyang):
        assert render.chapter_heading(dongyang, "validation", "附录：数据校验") == (
            '<h2 class="chapter appendix" id="validation">附录：数据校验</h2>'
        )

    def test_a_numbered_chapter(self, dongyang):
        assert render.chapter_heading(dongyang, "fees", "四、<收费>") == '<h2 class="chapter" id="fees">四、&lt;收费&gt;</h2>'


FACES = PrintFaces(
    title=FontInfo("Noto Serif CJK SC", "s.ttc", 2),
    body=FontInfo("LXGW WenKai", "w.ttf", 0),
    heading=FontInfo("Noto Sans CJK SC", "x.ttc", 2),
    subheading=FontInfo("AR PL UKai CN", "u.ttc", 0),
)


class TestCss:
    def test_the_web_layout_alone_without_faces(self):
        css = render.css(FONT)
        assert '"Noto Sans CJK SC"' in css and "__" not in css and "@media print" not in css

    def test_the_gongwen_print_layout_names_each_face(self):
        css = render.css(FONT, FACES)
        assert "__" not in css
        print_rules = css[css.index("@media print") :]
        for rule, family in [("h1", "Noto Serif CJK SC"), ("html", "LXGW WenKai"), ("h2, h2.chapter", "Noto Sans CJK SC")]:
            block = print_rules[print_rules.index(rule + " {") :]
            assert f'font-family: "{family}"' in block[: block.index("}")]
        assert 'font-family: "AR PL UKai CN"' in print_rules
        assert "margin: 37mm 26mm 35mm 28mm" in css and 'content: "— " counter(page) " —"' in css

    def test_to_html_prints_in_the_faces(self):
        html = render.to_html(_notebook(), "标题", FONT, faces=FACES)
        assert '"LXGW WenKai"' in html and "@media print" in html
