"""Rendering executed notebooks into report sections (HTML) and the assembled report (HTML and PDF).

HTML comes from nbconvert with the package's template (code, prompts and analyst notes removed, images
embedded). What a page may contain is decided in safe.py: the template cleans every Markdown cell (the prose
chapters) through its allow-list and declares its Content-Security-Policy; the title, issuer and headings are
escaped text. The PDF is printed from the assembled HTML by WeasyPrint: it needs no LaTeX and no browser (only
Pango from the system), finds the CJK font through fontconfig by the same family name the charts use, and
embeds a subset of it in the PDF. It fetches nothing but ``data:`` URIs and files inside the build folder
(``BuildFolderFetcher``); every other URL is refused and reported.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import nbformat

from nianbao.inputs.report import Report
from nianbao.paths import TEMPLATES_DIR
from nianbao.present import safe
from nianbao.present.fonts import FontInfo
from nianbao.present.safe import CONTENT_SECURITY_POLICY

NOTE_TAG = "analyst-note"


@functools.cache
def _css() -> str:
    return (TEMPLATES_DIR / "nianbao" / "report.css").read_text(encoding="utf-8")


def css(font: FontInfo) -> str:
    return _css().replace("__FONT__", font.family)


@functools.cache
def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="nianbao",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_filter("prose_html", safe.prose)
    return exporter


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


def to_html(nb: nbformat.NotebookNode, title: str, font: FontInfo, header: str | None = None) -> str:
    """HTML of a cleaned notebook; ``header`` is a line above the content (which report a section belongs to)."""
    resources = {"report_title": title, "report_css": css(font), "report_header": header, "report_csp": CONTENT_SECURITY_POLICY}
    body, _ = _exporter().from_notebook_node(clean(nb), resources=resources)
    return body


def _html_cell(html: str) -> nbformat.NotebookNode:
    """A cell showing HTML the package built (from escaped text), as a notebook of the report shows its output."""
    from nbformat.v4 import new_code_cell, new_output

    return new_code_cell(outputs=[new_output("display_data", data={"text/html": html})])


def assemble(report: Report, executed: dict[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """One notebook holding the whole report in the published order: prose chapters and notebook sections.

    The title, the issuer and the chapter headings are text from the params, shown as written; the prose is
    Markdown, rendered and cleaned by the template."""
    from nbformat.v4 import new_markdown_cell, new_notebook

    params = report.params
    cells = [_html_cell(f"<h1>{safe.text(params.title)}</h1>")]
    issuer = params.issuer + (f"　{params.published:%Y年%m月%d日}" if params.published else "")
    cells.append(_html_cell(f'<p class="issuer">{safe.text(issuer)}</p>'))
    owner = {c: nb.stem for nb in report.format.notebooks for c in nb.chapters}
    done = set()
    for chapter in report.format.chapters:
        if chapter.source == "prose":
            if chapter.id not in report.prose or params.omits(chapter.id):
                continue
            heading = params.heading(chapter.id)
            text = report.prose[chapter.id]
            if heading:
                cells.append(_html_cell(f'<h2 class="chapter" id="{safe.text(chapter.id)}">{safe.text(heading)}</h2>'))
            cells.append(new_markdown_cell(text))
            continue
        stem = owner[chapter.id]
        if stem in done or stem not in executed:
            continue
        done.add(stem)
        cells.extend(clean(executed[stem]).cells)
    for i, cell in enumerate(cells):
        cell["id"] = f"report-{i}"
    return new_notebook(cells=cells, metadata={"title": params.title})


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
    HTML(string=html, base_url=str(base_url), url_fetcher=fetcher).write_pdf(str(path))
    return list(dict.fromkeys(refused))


def warm_up() -> None:
    """Load the HTML exporter, WeasyPrint, Pango and the fonts now rather than in the first report."""
    from weasyprint import HTML

    _exporter()
    HTML(string='<p style="font-family: serif">年度报告</p>').write_pdf()
