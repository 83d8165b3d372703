"""Reading a published report's PDF from its text layer (pdfplumber): the tables drawn with ruling lines as grids
of cells with their spans, and the running text as lines, each marked when it is indented (a new paragraph).

A PDF whose pages are images (a scan) has no text layer and is refused: nianbao does no OCR. Nothing in the PDF is
run or fetched; only its characters, lines and rectangles are read.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from pathlib import Path

from nianbao.errors import ScannedPdfError, TextImportError
from nianbao.inputs.published import Cell, Grid, Line, Published, clean_text

MAX_PAGES = 300
_PAGE_NUMBER = re.compile(r"[-－—–]?\s*[0-9]+\s*[-－—–]?|第\s*[0-9]+\s*页(\s*共\s*[0-9]+\s*页)?")
_TOLERANCE = 0.5


def _index(edges: list[float], value: float) -> int:
    return bisect.bisect_left(edges, value - _TOLERANCE)


def _grid(table, page_number: int) -> Grid:
    """A pdfplumber table as cells with their spans (a merged cell covers the rows and columns of its ruling)."""
    boxes = [cell for row in table.rows for cell in row.cells if cell is not None]
    lefts = sorted({round(b[0], 1) for b in boxes})
    tops = sorted({round(b[1], 1) for b in boxes})
    texts = table.extract()
    cells = []
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            col = _index(lefts, box[0])
            top = _index(tops, box[1])
            colspan = max(1, _index(lefts, box[2]) - col)
            rowspan = max(1, _index(tops, box[3]) - top)
            text = texts[r][c] if r < len(texts) and c < len(texts[r]) else ""
            cells.append(Cell(re.sub(r"\s+", "", text or ""), top, col, rowspan, colspan, tuple(box)))
    edges = [*lefts, max(b[2] for b in boxes)]
    return Grid(cells, [f"第{page_number}页"] * len(tops), page=page_number, edges=edges)


def _body_metrics(pages_lines: list[list[dict]]) -> tuple[float, float]:
    """The left margin and the character size of the running text (the most frequent ones)."""
    lefts: Counter[float] = Counter()
    sizes: Counter[float] = Counter()
    for lines in pages_lines:
        for line in lines:
            lefts[round(line["x0"])] += 1
            sizes.update(round(ch["size"], 1) for ch in line["chars"])
    left = lefts.most_common(1)[0][0] if lefts else 0.0
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    return left, size


def read_pdf(path: Path) -> Published:
    """The grids and lines of a PDF with a text layer; ScannedPdfError for a PDF without one."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise TextImportError("无法读取该 PDF 文件", path=path, value=str(exc) or type(exc).__name__) from None
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise TextImportError("PDF 页数过多", path=path, value=len(pdf.pages), expected=f"至多 {MAX_PAGES} 页")
        image_pages = [n for n, page in enumerate(pdf.pages, start=1) if not page.chars]
        if image_pages:
            raise ScannedPdfError(
                "PDF 没有文字层（扫描件或图片），无法导入",
                path=path,
                value="第" + "、".join(map(str, image_pages)) + "页没有文字",
                hint="nianbao 不做文字识别（OCR）：请取得带文字层的 PDF 或网页版报告",
            )
        grids, pages_lines = [], []
        for number, page in enumerate(pdf.pages, start=1):
            grids += [_grid(table, number) for table in page.find_tables()]
            pages_lines.append(page.extract_text_lines(return_chars=True))
    return _published(path, grids, pages_lines)


def _title(first_page: list[dict], body_size: float) -> list[int]:
    """The indexes of the title's lines: the first run of lines on the first page printed in its largest size."""
    sizes = [max(ch["size"] for ch in line["chars"]) for line in first_page]
    largest = max(sizes, default=0.0)
    if largest <= body_size + 1:
        return []
    start = sizes.index(largest)
    end = start
    while end < len(sizes) and abs(sizes[end] - largest) < 0.5:
        end += 1
    return list(range(start, end))


def _published(path: Path, grids: list[Grid], pages_lines: list[list[dict]]) -> Published:
    left, size = _body_metrics(pages_lines)
    title_lines = _title(pages_lines[0], size) if pages_lines else []
    title = "".join(pages_lines[0][i]["text"] for i in title_lines)
    lines: list[Line] = []
    for number, page_lines in enumerate(pages_lines, start=1):
        for index, line in enumerate(page_lines):
            text = line["text"].strip()
            if not text or _PAGE_NUMBER.fullmatch(text) or (number == 1 and index in title_lines):
                continue
            box = (line["x0"], line["top"], line["x1"], line["bottom"])
            indented = line["x0"] > left + size / 2
            lines.append(Line(text, f"第{number}页", indented, page=number, box=box))
    return Published(path=path, title=clean_text(title), grids=grids, lines=lines)
