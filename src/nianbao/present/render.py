"""Rendering executed notebooks into report sections (HTML) and the assembled report (HTML and PDF).

HTML comes from nbconvert with the package's template (code, prompts and analyst notes removed, images embedded).
For reading on a screen the assembled report opens with a table of contents (``toc_html``) linking its chapters and
their section pages, every section page links back to its place in the report and to the sections before and after
it (``section_links``), and every table stands in a container that scrolls sideways on a narrow screen
(``scroll_tables``), the table itself unchanged. What a page may contain is decided in safe.py: the template cleans
every Markdown cell (the prose chapters) through its allow-list and declares its Content-Security-Policy; the
title, issuer and headings are escaped text. The PDF is printed from the assembled HTML by WeasyPrint: it needs no
LaTeX and no browser (only Pango from the system), finds the CJK font through fontconfig by the same family name
the charts use, and embeds a subset of it in the PDF. It fetches nothing but ``data:`` URIs and files inside the
build folder (``BuildFolderFetcher``); every other URL is refused and reported.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from nianbao.formats import NotebookSpec
from nianbao.inputs.report import Report
from nianbao.paths import REPORT_HTML, SECTIONS_DIR, TEMPLATES_DIR
from nianbao.present import safe
from nianbao.present.fonts import FontInfo, PrintFaces
from nianbao.present.safe import CONTENT_SECURITY_POLICY

NOTE_TAG = "analyst-note"


# the page's styles: the report as printed and on screen (report.css), then what a screen adds (screen.css:
# navigation, sideways-scrolling tables with fixed label columns, narrow screens; hidden from print)
CSS_FILES = ("report.css", "screen.css")


@functools.cache
def _stylesheet(name: str) -> str:
    return (TEMPLATES_DIR / "nianbao" / name).read_text(encoding="utf-8")


def css(font: FontInfo, faces: PrintFaces | None = None) -> str:
    """The report's stylesheet: the web layout in ``font``, and, given ``faces``, the 公文 layout for print (the
    PDF and printing the page). Family names are params checked to hold no CSS syntax (inputs/params.py)."""
    text = "\n".join(_stylesheet(name) for name in CSS_FILES).replace("__FONT__", font.family)
    if faces is not None:
        gongwen = _stylesheet("gongwen.css")
        for role, face in (("TITLE", faces.title), ("BODY", faces.body), ("HEADING", faces.heading)):
            gongwen = gongwen.replace(f"__{role}_FACE__", face.family)
        text += "\n" + gongwen.replace("__SUBHEADING_FACE__", faces.subheading.family)
    return text


@functools.cache
def _exporter_class() -> type:
    """nbconvert's HTML exporter without its last pass, which parses the whole page with BeautifulSoup (the charts'
    PNG included) to give an image without alt text a placeholder and JupyterLab's cells a ``tabindex``, then
    writes the page out again: half of the time of a page. The package's pages have neither: every image is a
    chart with its text alternative as alt text, and the template is the classic one."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None, **kw: Any) -> tuple[str, dict]:  # type: ignore[override]
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            resources = self._init_resources(resources)
            data_types = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            self.register_filter("filter_data_type", data_types)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return Exporter


@functools.cache
def _exporter():
    exporter = _exporter_class()(
        template_name="nianbao",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.optimistic_validation = True  # validated once, not after each of its 12 preprocessors
    exporter.register_filter("prose_html", safe.prose)
    exporter.register_filter("scroll_tables", scroll_tables)
    return exporter


SCROLL_CLASS = "table-scroll"


@functools.lru_cache(maxsize=256)
def scroll_tables(fragment: str) -> str:
    """``fragment`` with every table in a container that scrolls sideways when the table is wider than the page
    (``div.table-scroll``: a keyboard-focusable region named after the table's caption). The table is left as it
    is; a table already in such a container is not wrapped again. Parsed, not matched as text, so that markup in an
    attribute value stays there. Kept per fragment: a report's sections and the report show the same outputs."""
    if "<table" not in fragment:
        return fragment
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    for table in soup.find_all("table"):
        if table.find_parent(class_=SCROLL_CLASS) is not None:
            continue
        figure = table.find_parent("figure")
        caption = table.find("caption") or (figure.find("figcaption") if figure is not None else None)
        name = caption.get_text(" ", strip=True) if caption is not None else "表格"
        wrapper = soup.new_tag("div", attrs={"class": SCROLL_CLASS, "role": "region", "tabindex": "0"})
        wrapper["aria-label"] = f"{name}（可左右滑动）"
        table.wrap(wrapper)
    return str(soup)


@dataclass(frozen=True)
class Link:
    """A link of a page's navigation: the target relative to the page, the text shown, and its relation."""

    href: str
    text: str
    rel: str | None = None


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without analyst notes, parameter cells and stderr output: what a reader of the report sees."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if NOTE_TAG in tags or "parameters" in tags or "injected-parameters" in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
        cells.append(cell)
    nb.cells = cells
    return nb


def to_html(
    nb: nbformat.NotebookNode,
    title: str,
    font: FontInfo,
    *,
    header: str | None = None,
    links: tuple[Link, ...] = (),
    faces: PrintFaces | None = None,
) -> str:
    """HTML of a cleaned notebook; ``header`` is a line above the content (which report a section belongs to),
    ``links`` the page's navigation, above and below the content; ``faces``: printed in the 公文 layout in these
    faces (else as the page shows)."""
    resources = {
        "report_title": title,
        "report_css": css(font, faces),
        "report_header": header,
        "report_links": links,
        "report_csp": CONTENT_SECURITY_POLICY,
    }
    body, _ = _exporter().from_notebook_node(clean(nb), resources=resources)
    return body


def _html_cell(html: str) -> nbformat.NotebookNode:
    """A cell showing HTML the package built (from escaped text), as a notebook of the report shows its output."""
    from nbformat.v4 import new_code_cell, new_output

    return new_code_cell(outputs=[new_output("display_data", data={"text/html": html})])


def _section_order(report: Report, specs: list[NotebookSpec]) -> list[NotebookSpec]:
    """The notebooks in the order their chapters are printed (the validation appendix last)."""
    position = {c.id: i for i, c in enumerate(report.format.chapters)}
    return sorted(specs, key=lambda spec: min(position[c] for c in spec.chapters))


def _shown(report: Report, spec: NotebookSpec) -> list[str]:
    return [c for c in spec.chapters if report.shows(c)] or list(spec.chapters)


def section_title(report: Report, spec: NotebookSpec) -> str:
    """The headings of the chapters a section page shows."""
    return "、".join(report.params.heading(c) for c in _shown(report, spec))


def section_href(spec: NotebookSpec) -> str:
    """The section page of a notebook, relative to the report."""
    return f"{SECTIONS_DIR}/{spec.stem}.html"


def section_links(report: Report, specs: list[NotebookSpec], spec: NotebookSpec, *, in_report: bool = True) -> tuple[Link, ...]:
    """The navigation of the section page of ``spec`` among the pages of ``specs``: back to its place in the
    report (unless there is no report, ``in_report`` false: a run that stopped at the validation), then the sections
    before and after it in the printed order."""
    ordered = _section_order(report, specs)
    index = ordered.index(spec)
    links = []
    if in_report:
        chapter = _shown(report, spec)[0]
        links.append(Link(f"../{REPORT_HTML}#{chapter}", f"返回全文：{report.params.title}", "up"))
    if index > 0:
        links.append(Link(f"{ordered[index - 1].stem}.html", f"上一节：{section_title(report, ordered[index - 1])}", "prev"))
    if index + 1 < len(ordered):
        links.append(Link(f"{ordered[index + 1].stem}.html", f"下一节：{section_title(report, ordered[index + 1])}", "next"))
    return tuple(links)


def toc_html(report: Report, stems: set[str]) -> str:
    """The report's table of contents: every chapter it prints with a heading, linked to the heading, and for a
    chapter of a notebook in ``stems`` a link to that notebook's section page. Screen only (print CSS hides it)."""
    params = report.params
    owner = {c: nb for nb in report.format.notebooks for c in nb.chapters}
    items = []
    for chapter in report.format.chapters:
        heading = params.heading(chapter.id)
        if chapter.source == "prose":
            if not heading or chapter.id not in report.prose or params.omits(chapter.id):
                continue
            items.append(f'<li><a href="#{safe.text(chapter.id)}">{safe.text(heading)}</a></li>')
            continue
        spec = owner[chapter.id]
        if spec.stem not in stems or not report.shows(chapter.id):
            continue
        label = safe.text(f"{heading}（单独页面）")
        page = f'<a class="section-link" href="{safe.text(section_href(spec))}" aria-label="{label}">单独页面</a>'
        items.append(f'<li><a href="#{safe.text(chapter.id)}">{safe.text(heading)}</a>　{page}</li>')
    return f'<nav class="toc" aria-label="目录"><h2 class="toc-title">目录</h2><ol>{"".join(items)}</ol></nav>'


def assemble(report: Report, executed: dict[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """One notebook holding the whole report in the published order: prose chapters and notebook sections.

    The title, the issuer and the chapter headings are text from the params, shown as written; the prose is
    Markdown, rendered and cleaned by the template. The 落款 (issuer and date) follows the numbered chapters,
    before the tables and appendices that come after them."""
    from nbformat.v4 import new_markdown_cell, new_notebook

    params = report.params
    cells = [_html_cell(f"<h1>{safe.text(params.title)}</h1>")]
    date = chinese_date(params.published) if params.published else ""
    cells.append(_html_cell(f'<p class="issuer">{safe.text(params.issuer + ("　" + date if date else ""))}</p>'))
    cells.append(_html_cell(toc_html(report, set(executed))))
    owner = {c: nb.stem for nb in report.format.notebooks for c in nb.chapters}
    done = set()
    signed = False
    for chapter in report.format.chapters:
        if not signed and report.format.after_signature(chapter.id):
            cells.append(_signature(params.issuer, date))
            signed = True
        if chapter.source == "prose":
            if chapter.id not in report.prose or params.omits(chapter.id):
                continue
            heading = params.heading(chapter.id)
            text = report.prose[chapter.id]
            if heading:
                cells.append(_html_cell(chapter_heading(report, chapter.id, heading)))
            cells.append(new_markdown_cell(text))
            continue
        stem = owner[chapter.id]
        if stem in done or stem not in executed:
            continue
        done.add(stem)
        cells.extend(clean(executed[stem]).cells)
    if not signed:
        cells.append(_signature(params.issuer, date))
    for i, cell in enumerate(cells):
        cell["id"] = f"report-{i}"
    return new_notebook(cells=cells, metadata={"title": params.title})


def chapter_heading(report: Report, chapter_id: str, heading: str) -> str:
    """A chapter's heading; one after the 落款 (a table, an appendix) starts a printed page."""
    cls = "chapter appendix" if report.format.after_signature(chapter_id) else "chapter"
    return f'<h2 class="{cls}" id="{safe.text(chapter_id)}">{safe.text(heading)}</h2>'


def chinese_date(day: dt.date) -> str:
    """A date as a 公文 writes it in the 落款: 2018年1月5日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _signature(issuer: str, date: str) -> nbformat.NotebookNode:
    """The 落款 after the report's numbered chapters: the issuer, and the date of publication when given."""
    lines = [f'<p class="signature-issuer">{safe.text(issuer)}</p>']
    if date:
        lines.append(f'<p class="signature-date">{safe.text(date)}</p>')
    return _html_cell(f'<div class="signature">{"".join(lines)}</div>')


def _build_folder_fetcher(folder: Path, refused: list[str]):
    """A WeasyPrint URL fetcher that fetches ``data:`` URIs and files inside ``folder``, and refuses every other
    URL (other files, http(s), ftp, …), appending it to ``refused``: WeasyPrint leaves the resource out."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    inside = folder.resolve()

    class BuildFolderFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            local = scheme == "file" and parts.netloc in ("", "localhost")  # urllib reads file://host/ over FTP
            if scheme == "data" or (local and _within(Path(unquote(parts.path)), inside)):
                return super().fetch(url, headers)
            refused.append(url)
            raise ValueError(f"refused: {url}")

    return BuildFolderFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def _within(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder)
    except (OSError, RuntimeError, ValueError):
        return False


def write_pdf(html: str, path: Path, base_url: Path) -> list[str]:
    """Print ``html`` to ``path``; relative URLs resolve in ``base_url`` (the build folder), the only folder the
    renderer reads from. The URLs it refused to fetch, in the order met."""
    from weasyprint import HTML

    refused: list[str] = []
    fetcher = _build_folder_fetcher(Path(base_url), refused)
    with collector_paused():
        HTML(string=html, base_url=str(base_url), url_fetcher=fetcher).write_pdf(str(path), font_config=_font_config())
    return list(dict.fromkeys(refused))


@functools.cache
def _font_config():
    """WeasyPrint's font configuration (fontconfig's configuration and Pango's map of the fonts it opened), made
    once in a process and kept for every report it prints: made anew for each report, it loaded fontconfig's
    configuration and opened and measured the CJK faces again (a tenth of a report's PDF time). The PDF is the same,
    byte for byte. A font installed while the process runs is seen by the next process."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection of reference cycles within the block (objects are still freed as their last
    reference goes). WeasyPrint makes some hundred thousand boxes and styles as it lays a report out: each
    collection the allocations set off would walk all of them again, about half of a warm worker's collection time;
    the cycles left are collected after the block."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def warm_up() -> None:
    """Load the HTML exporter, WeasyPrint, Pango and the fonts now rather than in the first report."""
    from weasyprint import HTML

    _exporter()
    HTML(string='<p style="font-family: serif">年度报告</p>').write_pdf(font_config=_font_config())
