"""Hostile text in every field that reaches a report page: the params' title, issuer and chapter headings, the
prose Markdown (copied verbatim from a published web page by `nianbao import`), a CSV label, a narrative, a
note of the loader. The page is rendered the way `nianbao run` renders it (the session's output in the section
notebooks, the prose chapters assembled around them, nbconvert with the package's template) and parsed: no
script, no frame or plugin, no event handler, no script URL, a Content-Security-Policy, and the fields from the
params shown as the text they are. The PDF renderer fetches nothing outside the build folder."""

from __future__ import annotations

import base64
import dataclasses
import io

import pypdf
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook, new_output

from helpers import assert_no_attachment, assert_safe
from nianbao.checks.results import Check, Validation
from nianbao.inputs.report import Report, load_report
from nianbao.present import render
from nianbao.present import session as session_module
from nianbao.present.fonts import FontInfo

FONT = FontInfo(family="Noto Sans CJK SC", path="x.ttc", index=2)

# Known XSS payloads: tags, event handlers, script URLs obfuscated with entities, whitespace and case, namespaces
# (svg, math), comments, CDATA, breakouts of raw-text elements, unclosed tags, style expressions, plugins.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//example.invalid/x.js></SCRIPT>",
    "<script/src=data:text/javascript,alert(1)>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    '<img src="http://example.invalid/track.png">',
    '<img src="file:///etc/passwd">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    "[x](javascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "![x](http://example.invalid/x.png)",
    "<http://example.invalid/x>",
    '<iframe src="http://example.invalid"></iframe>',
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'>",
    '<object data="http://example.invalid/x.swf"></object>',
    '<embed src="http://example.invalid/x.swf">',
    '<link rel="stylesheet" href="http://example.invalid/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="http://example.invalid/">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<div style="width: expression(alert(1))">x</div>',
    '<div style="background:url(http://example.invalid/x.png)">x</div>',
    "<style>@import 'http://example.invalid/x.css'; body{background:url(javascript:alert(1))}</style>",
    '<body onload="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<input autofocus onfocus="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    "<!--<script>alert(1)</script>-->",
    "<!-- --!><script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<p <script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<a href='javascript:alert(1)'",
    "<img src=x onerror=alert(1)//",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
]


def _hostile_report(report: Report, markup: str) -> Report:
    """``report`` with ``markup`` in every field from the params and data that a page shows."""
    fmt = report.format
    headings = {c.id: f"{c.title()}{markup}" for c in fmt.chapters}  # a numbered heading is printed as given
    params = report.params.model_copy(
        update={"title": f"{markup}年度报告", "issuer": f"{markup}人民政府", "scope": markup, "headings": headings}
    )
    prose = {chapter: f"{markup}\n\n{text}\n\n{markup}" for chapter, text in report.prose.items()}
    tables = dict(report.tables)
    data = dataclasses.replace(tables["proactive_categories"])
    data.rows = [dataclasses.replace(data.rows[0], label=markup), *data.rows[1:]]
    tables["proactive_categories"] = data
    return dataclasses.replace(report, params=params, prose=prose, tables=tables, loader_notes=[markup])


def _section_outputs(report: Report, monkeypatch, markup: str) -> dict:
    """The section notebooks as the kernel would leave them: each notebook's chapters shown by the session."""
    executed = {}
    for spec in report.format.notebooks:
        pages: list[str] = []
        monkeypatch.setattr(session_module, "_html", pages.append)
        session = session_module.Session(report, None, FONT)
        for chapter in spec.chapters:
            session.heading(chapter)
            session.narrative("applications")
            session.table("proactive_categories")
        validation = Validation(
            report=markup,
            era=report.format.era,
            checks=[Check(suite="s", check="c", severity="warning", success=False, description=markup, details=[markup])],
            identities=[],
            shares=[],
            notes=[markup, *report.notes],
        )
        session.show_validation(validation)
        cell = new_code_cell("session.heading('x')")
        cell.outputs = [new_output("display_data", data={"text/html": page}) for page in pages]
        executed[spec.stem] = new_notebook(cells=[cell])
    return executed


def render_page(report: Report, monkeypatch, markup: str) -> tuple[str, list[str]]:
    """The report page and the section pages, rendered with ``markup`` in every field."""
    hostile = _hostile_report(report, markup)
    executed = _section_outputs(hostile, monkeypatch, markup)
    page = render.to_html(render.assemble(hostile, executed), hostile.params.title, FONT)
    sections = [render.to_html(nb, hostile.params.title, FONT, header=hostile.params.issuer) for nb in executed.values()]
    return page, sections


class TestEveryField:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_a_payload_in_every_field_is_inert(self, dongyang, monkeypatch, payload):
        page, sections = render_page(dongyang, monkeypatch, payload)
        for html in (page, *sections):
            assert_safe(html)

    def test_title_issuer_and_headings_are_shown_as_written(self, dongyang, monkeypatch):
        markup = "<b>*粗体*</b> [链接](http://example.invalid) <script>alert(1)</script>"
        page, sections = render_page(dongyang, monkeypatch, markup)
        soup = assert_safe(page)
        assert soup.find("h1").get_text() == f"{markup}年度报告"
        assert soup.find("p", class_="issuer").get_text().startswith(f"{markup}人民政府")
        headings = [h.get_text() for h in soup.find_all("h2")]
        assert f"一、概述{markup}" in headings and f"二、主动公开政府信息的情况{markup}" in headings
        assert soup.find("title").get_text() == f"{markup}年度报告"
        section = assert_safe(sections[0])
        assert section.find("p", class_="report-header").get_text() == f"{markup}人民政府"

    def test_prose_markdown_is_rendered_and_kept(self, dongyang, monkeypatch):
        markup = '**加粗** [政府网站](https://www.example.gov.cn/) [本页](#overview) <em onclick="x()">强调</em>'
        page, _ = render_page(dongyang, monkeypatch, markup)
        soup = assert_safe(page)
        assert soup.find("strong", string="加粗") is not None and soup.find("em", string="强调") is not None
        assert [a["href"] for a in soup.find_all("a", string="政府网站")][0] == "https://www.example.gov.cn/"
        assert soup.find("a", string="本页")["href"] == "#prose-overview"  # the prose's ids and links are its own
        assert any("强化公开责任落实" in h.get_text() for h in soup.find_all("h3"))  # the prose's own subheadings

    def test_prose_cannot_take_the_id_of_a_chapter(self, dongyang, monkeypatch):
        page, _ = render_page(dongyang, monkeypatch, '<h3 id="proactive">冒充</h3>\n\n[跳转](#proactive)')
        soup = assert_safe(page)
        assert [h.name for h in soup.find_all(id="proactive")] == ["h2"]
        assert soup.find("nav", class_="toc").find("a", href="#proactive") is not None
        assert soup.find("h3", string="冒充")["id"] == "prose-proactive"
        assert soup.find("a", string="跳转")["href"] == "#prose-proactive"

    def test_prose_images_are_not_fetched(self, dongyang, monkeypatch):
        page, _ = render_page(dongyang, monkeypatch, '<img src="http://example.invalid/x.png" alt="远程图片">')
        soup = assert_safe(page)
        assert soup.find("img", alt="远程图片") is None

    def test_a_page_has_the_content_security_policy(self, dongyang, monkeypatch):
        page, sections = render_page(dongyang, monkeypatch, "")
        for html in (page, *sections):
            policy = BeautifulSoup(html, "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
            assert policy is not None
            assert policy["content"] == render.CONTENT_SECURITY_POLICY


class TestOutputsOfASection:
    def test_script_widget_and_isolated_outputs_are_not_rendered(self):
        cell = new_code_cell("x")
        cell.outputs = [
            new_output("display_data", data={"application/javascript": "alert(1)", "text/plain": "x"}),
            new_output("display_data", data={"image/svg+xml": "<svg onload='alert(1)'></svg>", "text/plain": "x"}),
            new_output("display_data", data={"text/markdown": "<script>alert(1)</script>[x](javascript:alert(1))"}),
            new_output("display_data", data={"text/html": "<p>表</p>"}, metadata={"text/html": {"isolated": True}}),
        ]
        html = render.to_html(new_notebook(cells=[cell]), "t", FONT)
        soup = assert_safe(html)
        assert "表" in soup.get_text()


def _payloads() -> st.SearchStrategy[str]:
    text = st.text(alphabet=st.sampled_from(list("<>\"'`=/&#;:\\ \t\n-![]()*_年度abc")), max_size=12)
    return st.lists(st.one_of(st.sampled_from(PAYLOADS), text), min_size=1, max_size=5).map("".join)


def test_fuzz_every_field_with_combined_payloads(root, monkeypatch):
    """Payloads combined with each other and with random markup characters, in every field at once."""
    report = load_report(root, "dongyang", 2017)

    @settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_payloads())
    def check(markup: str) -> None:
        page, sections = render_page(report, monkeypatch, markup)
        for html in (page, *sections):
            assert_safe(html)

    check()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


class TestPdf:
    def test_the_renderer_reads_only_the_build_folder_and_names_what_it_refused(self, tmp_path):
        build = tmp_path / "build"
        build.mkdir()
        (build / "chart.png").write_bytes(_png())
        outside = tmp_path / "outside.txt"
        outside.write_text("SECRET-OUTSIDE-THE-BUILD", encoding="utf-8")
        inline = "data:image/png;base64," + base64.b64encode(_png()).decode()
        html = f"""<html><head><link rel="stylesheet" href="http://example.invalid/x.css">
            <link rel="attachment" href="../outside.txt"></head><body><p>正文</p>
            <a rel="attachment" href="file:///etc/passwd">passwd</a>
            <a rel="attachment" href="{outside.as_uri()}">outside</a>
            <img src="file:///etc/passwd"><img src="ftp://example.invalid/x.png"><img src="https://example.invalid/x.png">
            <img src="file://example.invalid{build}/chart.png">
            <img src="chart.png"><img src="{inline}"></body></html>"""
        refused = render.write_pdf(html, build / "report.pdf", base_url=build)
        reader = assert_no_attachment(build / "report.pdf", b"SECRET")
        assert len(reader.pages[0].images) == 2  # the file in the build folder and the data: URI
        assert set(refused) == {
            "http://example.invalid/x.css",
            outside.as_uri(),
            "file:///etc/passwd",
            "ftp://example.invalid/x.png",
            "https://example.invalid/x.png",
            f"file://example.invalid{build}/chart.png",
        }

    def test_a_symlink_out_of_the_build_folder_is_refused(self, tmp_path):
        build = tmp_path / "build"
        build.mkdir()
        (tmp_path / "chart.png").write_bytes(_png())
        (build / "link.png").symlink_to(tmp_path / "chart.png")
        refused = render.write_pdf('<img src="link.png">', build / "report.pdf", base_url=build)
        assert refused == [(build / "link.png").as_uri()]
        assert len(pypdf.PdfReader(build / "report.pdf").pages[0].images) == 0
