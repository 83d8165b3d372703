from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nianbao.present import render
from nianbao.present.fonts import FontInfo

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
