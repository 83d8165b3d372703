from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
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

    def test_the_notebook_is_validated_once_not_after_every_preprocessor(self, monkeypatch):
        from nbconvert.exporters.exporter import Exporter

        validated = []
        monkeypatch.setattr(Exporter, "_validate_preprocessor", lambda self, nb, preprocessor: validated.append(preprocessor))
        render.to_html(_notebook(), "标题", FONT)
        assert len(validated) == 1

    def test_the_page_is_the_templates_output_not_parsed_again(self, monkeypatch):
        import bs4

        parsed = []
        monkeypatch.setattr(bs4.BeautifulSoup, "__init__", lambda self, markup="", *a, **k: parsed.append(markup))
        html = render.to_html(_notebook(), "标题", FONT)
        assert parsed == [] and '<meta charset="utf-8">' in html  # as the template writes it (BeautifulSoup: "…/>")


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
        assert '"Noto Sans CJK SC"' in css and "__" not in css and "37mm" not in css and 'counter(page) " —"' not in css

    def test_the_gongwen_print_layout_names_each_face(self):
        css = render.css(FONT, FACES)
        assert "__" not in css
        print_rules = css[css.index("@media print", len(render.css(FONT))) :]
        for rule, family in [("h1", "Noto Serif CJK SC"), ("html", "LXGW WenKai"), ("h2, h2.chapter", "Noto Sans CJK SC")]:
            block = print_rules[print_rules.index(rule + " {") :]
            assert f'font-family: "{family}"' in block[: block.index("}")]
        assert 'font-family: "AR PL UKai CN"' in print_rules
        assert "margin: 37mm 26mm 35mm 28mm" in css and 'content: "— " counter(page) " —"' in css

    def test_to_html_prints_in_the_faces(self):
        html = render.to_html(_notebook(), "标题", FONT, faces=FACES)
        assert '"LXGW WenKai"' in html and "@media print" in html


class TestScrollTables:
    def test_each_table_stands_in_a_named_scrolling_region(self):
        fragment = "<figure><figcaption>表三</figcaption><table><tr><td>1</td></tr></table></figure><table></table>"
        soup = BeautifulSoup(render.scroll_tables(fragment), "html.parser")
        wrappers = soup.find_all("div", class_=render.SCROLL_CLASS)
        assert [w.find("table", recursive=False) is not None for w in wrappers] == [True, True]
        assert [w["aria-label"] for w in wrappers] == ["表三（可左右滑动）", "表格（可左右滑动）"]
        assert all(w["role"] == "region" and w["tabindex"] == "0" for w in wrappers)
        assert soup.find("figure").find("td").get_text() == "1"

    def test_is_idempotent_and_leaves_other_fragments_alone(self):
        once = render.scroll_tables("<table><tr><td>1</td></tr></table>")
        assert render.scroll_tables(once) == once
        assert render.scroll_tables("<p>“表”&lt;table&gt;</p>") == "<p>“表”&lt;table&gt;</p>"

    def test_markup_in_an_attribute_stays_in_the_attribute(self):
        fragment = '<a title="<table onmouseover=x()>" href="#a">x</a><table></table>'
        soup = BeautifulSoup(render.scroll_tables(fragment), "html.parser")
        assert soup.find("a")["title"] == "<table onmouseover=x()>"
        assert [t.attrs for t in soup.find_all("table")] == [{}]


class TestTableOfContents:
    def test_links_every_printed_chapter_and_its_section_page(self, dongyang):
        stems = {nb.stem for nb in dongyang.format.notebooks}
        soup = BeautifulSoup(render.toc_html(dongyang, stems), "html.parser")
        links = [(a["href"], a.get_text()) for a in soup.select("nav.toc li > a:not(.section-link)")]
        assert links[0] == ("#overview", "一、概述")
        assert ("#proactive", "二、主动公开政府信息的情况") in links and ("#validation", "校验摘要") in links
        assert "#statistics" not in dict(links) and "#trend" not in dict(links)  # 东阳 2017: no 统计表, one year
        pages = [a["href"] for a in soup.select("a.section-link")]
        assert pages[0] == "sections/10_proactive.html" and pages.count("sections/30_fees_appeals.html") == 2

    def test_a_section_not_rendered_is_not_linked(self, dongyang):
        soup = BeautifulSoup(render.toc_html(dongyang, {"10_proactive"}), "html.parser")
        assert [a["href"] for a in soup.select("a.section-link")] == ["sections/10_proactive.html"]
        chapters = [a["href"] for a in soup.select("li > a:not(.section-link)")]
        assert "#proactive" in chapters and "#overview" in chapters
        assert not {"#applications", "#fees", "#appeals", "#validation"} & set(chapters)

    def test_the_assembled_report_opens_with_it(self, dongyang):
        nb = render.assemble(dongyang, {nb.stem: new_notebook() for nb in dongyang.format.notebooks})
        assert nb.cells[2].outputs[0].data["text/html"].startswith('<nav class="toc" aria-label="目录">')


class TestSectionLinks:
    def test_back_to_the_report_then_neighbours_in_printed_order(self, dongyang):
        # the notebooks 东阳 2017 runs (no 统计表, no trend); 00_validation is declared first and printed last
        specs = [s for s in dongyang.format.notebooks if s.stem[:2] in ("00", "10", "20", "30")]
        by_stem = {s.stem: s for s in specs}
        links = render.section_links(dongyang, specs, by_stem["30_fees_appeals"])
        assert [(link.href, link.rel) for link in links] == [
            ("../report.html#fees", "up"),
            ("20_applications.html", "prev"),
            ("00_validation.html", "next"),
        ]
        assert links[2].text == "下一节：校验摘要"
        assert links[0].text == "返回全文：东阳市2017年政府信息公开工作年度报告"

    def test_without_a_report_no_link_back(self, dongyang):
        spec = dongyang.format.notebooks[0]
        assert render.section_links(dongyang, [spec], spec, in_report=False) == ()

    def test_the_page_shows_them_escaped_above_and_below(self):
        links = (render.Link("../report.html#x", "返回全文：<b>标题</b>", "up"),)
        soup = BeautifulSoup(render.to_html(_notebook(), "标题", FONT, links=links), "html.parser")
        navs = soup.find_all("nav", class_="report-nav")
        assert len(navs) == 2 and navs[-1] is soup.find("main").find_all(recursive=False)[-1]
        assert [(a["href"], a["rel"], a.get_text()) for a in navs[0].find_all("a")] == [
            ("../report.html#x", ["up"], "返回全文：<b>标题</b>")
        ]


class TestCollectorPaused:
    def test_weasyprint_lays_the_report_out_without_cycle_collections_the_collector_enabled_after(self, monkeypatch, tmp_path):
        import gc

        from weasyprint import HTML

        seen = []
        monkeypatch.setattr(HTML, "write_pdf", lambda self, target, **options: seen.append(gc.isenabled()))
        render.write_pdf("<p>年度报告</p>", tmp_path / "r.pdf", base_url=tmp_path)
        assert seen == [False] and gc.isenabled()
        with pytest.raises(RuntimeError), render.collector_paused():
            raise RuntimeError("the renderer failed")
        assert gc.isenabled()

    def test_a_collector_disabled_before_stays_disabled(self):
        import gc

        gc.disable()
        try:
            with render.collector_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        finally:
            gc.enable()


class TestFontConfig:
    def test_every_pdf_of_a_process_is_printed_with_one_font_configuration(self, monkeypatch, tmp_path):
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        used = []
        monkeypatch.setattr(HTML, "write_pdf", lambda self, target, font_config=None: used.append(font_config))
        render.write_pdf("<p>甲</p>", tmp_path / "a.pdf", base_url=tmp_path)
        render.write_pdf("<p>乙</p>", tmp_path / "b.pdf", base_url=tmp_path)
        assert used[0] is used[1] and isinstance(used[0], FontConfiguration)

    def test_the_same_pdf_as_with_a_configuration_of_its_own(self, tmp_path):
        from weasyprint import HTML

        page = "<h1 style=\"font-family: 'Noto Serif CJK SC'\">年度报告</h1><table><tr><td>表三</td><td>1</td></tr></table>"
        render.write_pdf("<p>先印一份</p>", tmp_path / "first.pdf", base_url=tmp_path)
        render.write_pdf(page, tmp_path / "shared.pdf", base_url=tmp_path)
        HTML(string=page, base_url=str(tmp_path)).write_pdf(str(tmp_path / "own.pdf"))
        assert (tmp_path / "shared.pdf").read_bytes() == (tmp_path / "own.pdf").read_bytes()
