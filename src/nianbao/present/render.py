"""Rendering executed notebooks into report sections (HTML) and the assembled report (HTML and PDF).

HTML comes from nbconvert with the package's template (code, prompts and analyst notes removed, images
embedded). The PDF is printed from the assembled HTML by WeasyPrint: it needs no LaTeX and no browser (only
Pango from the system), finds the CJK font through fontconfig by the same family name the charts use, and
embeds a subset of it in the PDF.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import nbformat

from nianbao.inputs.report import Report
from nianbao.paths import TEMPLATES_DIR
from nianbao.present.fonts import FontInfo

NOTE_TAG = "analyst-note"


@functools.cache
def _css() -> str:
    return (TEMPLATES_DIR / "nianbao" / "report.css").read_text(encoding="utf-8")


def css(font: FontInfo) -> str:
    return _css().replace("__FONT__", font.family)


def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="nianbao",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
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
    resources = {"report_title": title, "report_css": css(font), "report_header": header}
    body, _ = _exporter().from_notebook_node(clean(nb), resources=resources)
    return body


def assemble(report: Report, executed: dict[str, nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """One notebook holding the whole report in the published order: prose chapters and notebook sections."""
    from nbformat.v4 import new_markdown_cell, new_notebook

    params = report.params
    cells = [new_markdown_cell(f"# {params.title}")]
    issuer = params.issuer + (f"　{params.published:%Y年%m月%d日}" if params.published else "")
    cells.append(new_markdown_cell(f'<p class="issuer">{issuer}</p>'))
    owner = {c: nb.stem for nb in report.format.notebooks for c in nb.chapters}
    done = set()
    for chapter in report.format.chapters:
        if chapter.source == "prose":
            if chapter.id not in report.prose or params.omits(chapter.id):
                continue
            heading = params.heading(chapter.id)
            text = report.prose[chapter.id]
            cells.append(new_markdown_cell((f"## {heading}\n\n" if heading else "") + text))
            continue
        stem = owner[chapter.id]
        if stem in done or stem not in executed:
            continue
        done.add(stem)
        cells.extend(clean(executed[stem]).cells)
    for i, cell in enumerate(cells):
        cell["id"] = f"report-{i}"
    return new_notebook(cells=cells, metadata={"title": params.title})


def write_pdf(html: str, path: Path, base_url: Path) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=str(base_url)).write_pdf(str(path))
