"""report.docx: the report as a Word document, for offices that route, edit and publish it in Word or WPS.

The document holds what report.html and report.pdf hold, in the same order, because it is read from the same
assembled notebook (render.assemble): the title, the prose chapters (Markdown, parsed by markdown-it-py with raw
HTML off, so that what looks like a tag stays text), the sections' narrative paragraphs, every table, the charts
(the PNGs the notebooks wrote to ``charts/``, with their declared title as alt text and caption) and, after the
numbered chapters, the 落款 (issuer and date). The package's own HTML outputs are read back with lxml: they are
built from escaped text, so reading them yields the text of the inputs as written, and their tables carry the
official layout (official.py) as ``rowspan``/``colspan``, which become Word's merged cells (``gridSpan``,
``vMerge``). Table header rows repeat on every page (``tblHeader``) and no row is split across pages
(``cantSplit``).

The page follows GB/T 9704 (A4, top margin 37 mm, left 28 mm, text area 156 × 225 mm, page number “— N —” in
the footer, odd pages right and even pages left); the styles are Word styles: the title in a 宋体-style face,
body text 三号 in a 仿宋-style face, first-level headings 黑体 and second-level 楷体. Each style names its face
for Latin and East Asian text (``w:eastAsia``), so Word and WPS pick the Chinese face; the faces are the
params' ``faces``, the same as the PDF's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.simpletypes import ST_HpsMeasure
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from nianbao.inputs.params import Faces
from nianbao.inputs.report import Report
from nianbao.present.charts import TREND_CHART, TREND_TITLE

PAGE = (Mm(210), Mm(297))
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}  # text area 156 × 225 mm
TEXT_WIDTH = Mm(156)
CHART_WIDTH = Mm(150)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE_PITCH = Pt(28.95)  # 22 lines on the 225 mm text area
FIXED_TIME = dt.datetime(1980, 1, 1)  # the date of a package's entries (the earliest a zip file can hold)
KEEP_TOGETHER = 20  # a table of at most this many rows is kept on one page (with its caption)

TITLE, BODY, NOTE, CAPTION, TABLE_TEXT, SIGNATURE = "公文标题", "公文正文", "表注", "题注", "表格文字", "落款"
QUOTE = "Quote"
HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}  # 一、 in 黑体, （一） in 楷体, 1. in 仿宋 bold
LISTS = {
    ("bullet", 1): "List Bullet",
    ("bullet", 2): "List Bullet 2",
    ("ordered", 1): "List Number",
    ("ordered", 2): "List Number 2",
}
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


@dataclass(frozen=True)
class Run:
    """A piece of text with its emphasis; ``"\\n"`` is a line break."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Cell:
    runs: list[Run]
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    label: bool = False  # a row label (left-aligned)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Grid:
    """A table as placed cells: (row, column, cell), the number of rows and columns."""

    placed: list[tuple[int, int, Cell]] = field(default_factory=list)
    rows: int = 0
    columns: int = 0

    @classmethod
    def of(cls, rows: list[list[Cell]]) -> Grid:
        """Place the cells of HTML-like rows, each cell in the first column its row has free (rowspans of the
        rows above take theirs)."""
        taken: set[tuple[int, int]] = set()
        grid = cls()
        for r, row in enumerate(rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                grid.placed.append((r, c, cell))
                taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
                c += cell.colspan
        grid.rows = max((r for r, _ in taken), default=-1) + 1
        grid.columns = max((c for _, c in taken), default=-1) + 1
        return grid

    def owners(self) -> dict[tuple[int, int], tuple[int, int, Cell]]:
        """For every position a cell covers, the cell and the row and column it starts at."""
        return {
            (r + dr, c + dc): (r, c, cell)
            for r, c, cell in self.placed
            for dr in range(cell.rowspan)
            for dc in range(cell.colspan)
        }

    def header_rows(self) -> int:
        """How many rows at the top hold header cells only (the rows repeated on every page)."""
        data_rows = {r + dr for r, _, cell in self.placed if not cell.header for dr in range(cell.rowspan)}
        count = 0
        while count < self.rows and count not in data_rows:
            count += 1
        return count if count < self.rows else 0

    def widths(self) -> list[int]:
        """Column widths (EMU) over the text width, from the longest text of the cells one column wide."""
        weights = [3.0] * self.columns
        for _, c, cell in self.placed:
            if cell.colspan == 1:
                cap = 4 if cell.rowspan > 1 else 16 if cell.label else 10 if cell.header else 12
                weights[c] = max(weights[c], min(len(cell.text) + 1, cap))
        total = sum(weights)
        return [int(TEXT_WIDTH * w / total) for w in weights]


# --- styles and page ---------------------------------------------------------------------------------------
def _set_face(rpr_owner, face: str) -> None:
    """Name ``face`` for Latin and East Asian text of a style or run (and drop theme fonts, which override it)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face)


def _style(doc, name: str, face: str, size, *, bold=False, base: str | None = None, kind=WD_STYLE_TYPE.PARAGRAPH):
    styles = doc.styles
    style = styles[name] if name in styles else styles.add_style(name, kind)
    if base is not None:
        style.base_style = styles[base]
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_face(style.element, face)
    return style


def _paragraph_format(style, *, align=None, indent=None, exact: bool = True, before=0, after=0, keep=False) -> None:
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = indent
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if exact:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_PITCH
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.keep_with_next = keep
    fmt.widow_control = True


def define_styles(doc, fonts: Faces) -> None:
    """The 公文 styles: title, body, headings, notes, captions, table text and the 落款."""
    normal = _style(doc, "Normal", fonts.body, BODY_SIZE)
    _paragraph_format(normal)
    _paragraph_format(_style(doc, BODY, fonts.body, BODY_SIZE, base="Normal"), align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Pt(32))
    title = _style(doc, TITLE, fonts.title, TITLE_SIZE, bold=True, base="Normal")
    _paragraph_format(title, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False, after=28.95, keep=True)
    for level, face in ((1, fonts.heading), (2, fonts.subheading), (3, fonts.body)):
        heading = _style(doc, HEADINGS[level], face, BODY_SIZE, bold=level == 3, base="Normal")
        _paragraph_format(heading, indent=Pt(32), keep=True)
    for name in (*LISTS.values(), QUOTE):
        _style(doc, name, fonts.body, BODY_SIZE)
    _paragraph_format(_style(doc, NOTE, fonts.body, Pt(12), base="Normal"), exact=False, after=6)
    _paragraph_format(
        _style(doc, CAPTION, fonts.heading, Pt(14), base="Normal"),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        exact=False,
        before=6,
        after=6,
        keep=True,
    )
    _paragraph_format(_style(doc, TABLE_TEXT, fonts.body, Pt(10.5), base="Normal"), exact=False)
    _paragraph_format(_style(doc, SIGNATURE, fonts.body, BODY_SIZE, base="Normal"), align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature = doc.styles[SIGNATURE].paragraph_format
    signature.right_indent = Pt(64)  # 右空四字
    signature.keep_with_next = True  # the issuer on the page of the date


def _field(paragraph, instruction: str) -> None:
    """A field (``PAGE``) as Word writes it: begin, instruction, separate, a placeholder result, end."""

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _page_number(footer, align, face: str) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Pt(14)  # 空一字
    fmt.first_line_indent = None
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.add_run("— ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" —")
    for run in paragraph.runs:
        run.font.size = PAGE_NUMBER_SIZE
        _set_face(run._r, face)


def set_up_page(doc, fonts: Faces) -> None:
    """A4 with the GB/T 9704 margins; “— N —” page numbers, odd pages right and even pages left."""
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE
    for side, length in MARGINS.items():
        setattr(section, f"{side}_margin", length)
    section.footer_distance = Mm(24)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, fonts.title)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, fonts.title)


# --- reading the report's content ------------------------------------------------------------------------
def inline_runs(element, bold: bool = False, italic: bool = False) -> list[Run]:
    """The text of an HTML element as runs (strong/b bold, em/i italic, br a line break); tags are never text."""
    runs = [Run(element.text, bold, italic)] if element.text else []
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            runs.append(Run("\n"))
        elif tag not in ("ul", "ol", "img"):
            runs += inline_runs(child, bold or tag in ("strong", "b"), italic or tag in ("em", "i"))
        if child.tail:
            runs.append(Run(child.tail, bold, italic))
    return runs


def table_rows(table) -> list[list[Cell]]:
    """The rows of an HTML table as cells with their spans; a ``th`` is a header cell (a row label when it has
    the class row-label or stands in a row of data)."""
    rows = []
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = []
        data_row = any(td.tag == "td" for td in tr)
        for td in tr.xpath("./th|./td"):
            header = td.tag == "th"
            label = header and ("row-label" in td.get("class", "") or data_row)
            cells.append(Cell(inline_runs(td), header, _span(td, "rowspan"), _span(td, "colspan"), label))
        rows.append(cells)
    return rows


def _span(td, attr: str) -> int:
    value = td.get(attr, "1").strip()
    return max(1, min(int(value), 1000)) if value.isdigit() else 1


@dataclass
class _Lists:
    """The lists a Markdown walk is in: (kind, whether the current item has its first paragraph yet)."""

    stack: list[list] = field(default_factory=list)

    def style(self) -> str | None:
        if not self.stack:
            return None
        kind, started = self.stack[-1]
        self.stack[-1][1] = True
        return LISTS[(kind, min(len(self.stack), 2))] if not started else BODY


class DocxWriter:
    """Builds the document, block by block, from the report's assembled notebook."""

    def __init__(self, report: Report, charts: dict[str, str], fonts: Faces):
        self.report = report
        self.charts = charts  # SHA-256 of a chart PNG → its title
        self.doc = Document()
        define_styles(self.doc, fonts)
        set_up_page(self.doc, fonts)
        self.doc.core_properties.title = report.params.title
        self.doc.core_properties.author = report.params.issuer
        self.doc.core_properties.comments = ""
        self.signature_before = _trailing_chapters(report)
        self.signed = False
        self.style_ids: dict[str, str] = {}

    # --- blocks ---
    def style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    def paragraph(self, runs: Iterable[Run], style: str = BODY):
        paragraph = self.doc.add_paragraph()
        paragraph._p.get_or_add_pPr().style = self.style_id(style)
        _add_runs(paragraph._p, runs)
        return paragraph

    def signature(self) -> None:
        """The 落款: issuer and date (without leading zeros), after the numbered chapters."""
        if self.signed:
            return
        self.signed = True
        params = self.report.params
        self.paragraph([], SIGNATURE)
        self.paragraph([Run(params.issuer)], SIGNATURE)
        if params.published:
            date = params.published
            self.paragraph([Run(f"{date.year}年{date.month}月{date.day}日")], SIGNATURE)

    def table(self, rows: list[list[Cell]]) -> None:
        """A Word table of the cells: a merged cell is a ``w:tc`` spanning its columns (``gridSpan``), continued in
        the rows below it by empty cells (``vMerge``)."""
        grid = Grid.of(rows)
        if not grid.rows or not grid.columns:
            return
        size = Pt(9) if grid.columns >= 10 else Pt(10.5) if grid.columns >= 6 else Pt(12)
        table = self.doc.add_table(rows=0, cols=grid.columns)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = grid.widths()
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Emu(width)
        owners = grid.owners()
        header_rows = grid.header_rows()
        for r in range(grid.rows):
            tr = OxmlElement("w:tr")
            table._tbl.append(tr)
            _row_flags(tr, header=r < header_rows)
            c = 0
            while c < grid.columns:
                r0, c0, cell = owners.get((r, c), (r, c, Cell([])))
                width = sum(widths[c : c + cell.colspan])
                tc = _tc(width, cell.colspan, None if cell.rowspan == 1 else "restart" if r0 == r else "continue")
                tr.append(tc)
                keep = r < grid.rows - 1 if grid.rows <= KEEP_TOGETHER else None
                align = WD_ALIGN_PARAGRAPH.LEFT if cell.label else WD_ALIGN_PARAGRAPH.CENTER
                p = tc.add_p()
                p.append(_cell_paragraph_properties(self.style_id(TABLE_TEXT), align, keep))
                if r0 == r:
                    runs = [Run(x.text, x.bold or (cell.header and not cell.label), x.italic) for x in cell.runs]
                    _add_runs(p, runs, size)
                c = c0 + cell.colspan
        self.paragraph([], NOTE)  # Word needs a paragraph between two tables

    def image(self, png: bytes) -> None:
        caption = self.charts.get(hashlib.sha256(png).hexdigest(), "图表")
        paragraph = self.paragraph([], CAPTION)
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
        shape._inline.docPr.set("descr", caption)
        shape._inline.docPr.set("title", caption)
        self.paragraph([Run(f"图：{caption}")], CAPTION)

    # --- HTML outputs ---
    def html(self, fragment: str) -> None:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
        self._children(root)

    def _children(self, element) -> None:
        if element.text and element.text.strip():
            self.paragraph([Run(element.text.strip())])
        for child in element:
            self._block(child)
            if child.tail and child.tail.strip():
                self.paragraph([Run(child.tail.strip())])

    def _block(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = element.get("class", "").split()
        if tag == "h2" and element.get("id") in self.signature_before:
            self.signature()
        if tag == "h1":
            self.paragraph(inline_runs(element), TITLE)
        elif tag in ("h2", "h3", "h4", "h5", "h6"):
            self.paragraph(inline_runs(element), HEADINGS[min(int(tag[1]) - 1, 3)])
        elif tag == "p" and "issuer" in classes:
            return  # the 落款 goes after the numbered chapters
        elif tag == "p":
            self.paragraph(inline_runs(element), NOTE if "table-note" in classes else BODY)
        elif tag == "figcaption":
            self.paragraph(inline_runs(element), CAPTION)
        elif tag == "table":
            self.table(table_rows(element))
        elif tag in ("ul", "ol"):
            self._list(element, "table-note" in classes, 1)
        elif tag:
            self._children(element)

    def _list(self, element, note: bool, level: int) -> None:
        kind = "ordered" if element.tag == "ol" else "bullet"
        for item in element.xpath("./li"):
            self.paragraph(inline_runs(item), NOTE if note else LISTS[(kind, min(level, 2))])
            for nested in item.xpath("./ul|./ol"):
                self._list(nested, note, level + 1)

    # --- Markdown (the prose chapters) ---
    def markdown(self, text: str) -> None:
        lists, heading, quote = _Lists(), None, 0
        table: list[list[Cell]] | None = None
        header_cell = False
        for token in _MARKDOWN.parse(text):
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                lists.stack.append(["ordered" if kind.startswith("ordered") else "bullet", True])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.stack.pop()
            elif kind == "list_item_open":
                lists.stack[-1][1] = False
            elif kind == "heading_open":
                heading = HEADINGS[min(max(int(token.tag[1]) - 1, 1), 3)]
            elif kind == "heading_close":
                heading = None
            elif kind in ("blockquote_open", "blockquote_close"):
                quote += 1 if kind.endswith("open") else -1
            elif kind == "table_open":
                table = []
            elif kind == "table_close" and table is not None:
                self.table(table)
                table = None
            elif kind == "tr_open" and table is not None:
                table.append([])
            elif kind in ("th_open", "td_open"):
                header_cell = kind == "th_open"
            elif kind == "inline" and table:
                table[-1].append(Cell(markdown_runs(token.children or []), header_cell))
            elif kind == "inline":
                style = heading or lists.style() or (QUOTE if quote else BODY)
                self.paragraph(markdown_runs(token.children or []), style)
            elif kind in ("fence", "code_block"):
                for line in token.content.rstrip("\n").split("\n"):
                    self.paragraph([Run(line)], NOTE)

    # --- the whole report ---
    def notebook(self, nb: nbformat.NotebookNode) -> None:
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                self.markdown(cell.source)
                continue
            for output in cell.get("outputs", []):
                self.output(output)
        self.signature()

    def output(self, output) -> None:
        data = output.get("data", {})
        if "image/png" in data:
            import base64

            self.image(base64.b64decode(data["image/png"]))
        elif "text/html" in data:
            self.html(data["text/html"])
        elif output.get("output_type") == "stream" and output.get("name") == "stdout":
            for line in output.get("text", "").splitlines():
                self.paragraph([Run(line)], BODY)

    def save(self, path: Path) -> None:
        """Write the document; equal reports give equal files (fixed times in the package and its properties)."""
        published = self.report.params.published
        when = dt.datetime(published.year, published.month, published.day) if published else FIXED_TIME
        self.doc.core_properties.created = self.doc.core_properties.modified = when
        buffer = io.BytesIO()
        self.doc.save(buffer)
        path.write_bytes(_fixed_times(buffer.getvalue()))


def _fixed_times(package: bytes) -> bytes:
    """The zip package with every entry dated ``FIXED_TIME`` (python-docx dates them when it writes them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


def markdown_runs(tokens) -> list[Run]:
    """The runs of an inline Markdown token's children: text, emphasis, code as text, link text; images and raw
    HTML are not parsed (raw HTML is off, so it arrives as text)."""
    runs, bold, italic = [], 0, 0
    for token in tokens:
        kind = token.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind in ("text", "code_inline"):
            runs.append(Run(token.content, bold > 0, italic > 0))
        elif kind == "hardbreak":
            runs.append(Run("\n"))
        elif kind == "softbreak":
            runs.append(Run(""))
    return runs


def _add_runs(p, runs: Iterable[Run], size: Length | None = None) -> None:
    """Append ``runs`` to the paragraph element ``p``: a ``w:r`` per line of each, with its emphasis and ``size``
    (``w:rPr``: ``b``, ``i``, ``sz``, in the schema's order), a line break between lines. The XML is what
    python-docx's ``add_run`` and ``Font`` write, built directly: python-docx finds the place of every property it
    adds by searching the schema's list of the elements that may follow it, which made a document's tables half
    its time."""
    for run in runs:
        for index, line in enumerate(run.text.split("\n")):
            if index:
                brk = OxmlElement("w:r")
                brk.append(OxmlElement("w:br"))
                p.append(brk)
            if line:
                properties = OxmlElement("w:rPr")
                if run.bold:
                    properties.append(OxmlElement("w:b"))
                if run.italic:
                    properties.append(OxmlElement("w:i"))
                if size is not None:
                    properties.append(OxmlElement("w:sz", {qn("w:val"): ST_HpsMeasure.convert_to_xml(size)}))
                r = OxmlElement("w:r")
                r.append(properties)
                r.text = line  # tabs become w:tab, a carriage return w:br, as python-docx does
                p.append(r)


def _cell_paragraph_properties(style_id: str, align: WD_ALIGN_PARAGRAPH, keep: bool | None):
    """A table cell paragraph's ``w:pPr``: its style, kept with the next row (``keep``: True, False, or None for
    not said) and its alignment, as python-docx writes them."""
    properties = OxmlElement("w:pPr")
    properties.append(OxmlElement("w:pStyle", {qn("w:val"): style_id}))
    if keep is not None:
        properties.append(OxmlElement("w:keepNext", {} if keep else {qn("w:val"): "0"}))
    properties.append(OxmlElement("w:jc", {qn("w:val"): str(WD_ALIGN_PARAGRAPH.to_xml(align))}))
    return properties


def _row_flags(tr, *, header: bool) -> None:
    """Keep the row on one page; a header row is repeated at the top of every page the table runs over."""
    tr_pr = OxmlElement("w:trPr")
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    tr.append(tr_pr)


def _tc(width: int, colspan: int, merge: str | None):
    """An empty table cell ``width`` EMU wide, spanning ``colspan`` columns, vertically merged (``merge``:
    restart, continue) or not, its text centred vertically."""
    tc = OxmlElement("w:tc")
    tc_pr = OxmlElement("w:tcPr")
    tc_w = OxmlElement("w:tcW")
    tc_w.set(qn("w:w"), str(Emu(width).twips))
    tc_w.set(qn("w:type"), "dxa")
    tc_pr.append(tc_w)
    if colspan > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(colspan))
        tc_pr.append(span)
    if merge is not None:
        v_merge = OxmlElement("w:vMerge")
        if merge == "restart":
            v_merge.set(qn("w:val"), "restart")
        tc_pr.append(v_merge)
    v_align = OxmlElement("w:vAlign")
    v_align.set(qn("w:val"), "center")
    tc_pr.append(v_align)
    tc.append(tc_pr)
    return tc


def _trailing_chapters(report: Report) -> set[str]:
    """The chapters after the last numbered one (统计表, appendices): the 落款 goes before the first of them."""
    chapters = report.format.chapters
    last = max((i for i, c in enumerate(chapters) if c.number), default=len(chapters) - 1)
    return {c.id for c in chapters[last + 1 :]}


def chart_titles(report: Report, charts_dir: Path) -> dict[str, str]:
    """The title of every chart PNG of the build, by the SHA-256 of its bytes."""
    titles = {}
    for path in sorted(charts_dir.glob("*.png")) if charts_dir.is_dir() else []:
        spec = report.format.charts.get(path.stem)
        title = spec.title if spec is not None else TREND_TITLE if path.stem == TREND_CHART else path.stem
        titles[hashlib.sha256(path.read_bytes()).hexdigest()] = title
    return titles


def write_docx(report: Report, assembled: nbformat.NotebookNode, path: Path, charts_dir: Path) -> None:
    """Write the assembled report (render.assemble) to ``path`` as a Word document."""
    writer = DocxWriter(report, chart_titles(report, charts_dir), report.params.faces)
    writer.notebook(assembled)
    writer.save(path)
