"""Reading a published report saved as a web page: its tables (rowspan/colspan expanded to grids of cells) and its
paragraphs, parsed as data with BeautifulSoup and lxml.

Nothing of the page is run or fetched: scripts, styles, frames, forms and the page chrome (``nav``, ``header``,
``footer``, ``aside``) are dropped before the text is read, and no link, image or stylesheet is followed. The report
is the part of the page that holds its tables and numbered chapter headings (the innermost element containing all
of them), so that menus, breadcrumbs and footers around it are not taken for its preamble.
"""

from __future__ import annotations

from pathlib import Path

from nianbao.errors import TextImportError
from nianbao.inputs.published import HEADING_CHARS, Cell, Grid, Line, Published, clean_cell, clean_text

MAX_BYTES = 20_000_000
MAX_SPAN = 1000
_DROPPED = ("script", "style", "noscript", "template", "iframe", "frame", "object", "embed", "svg", "form", "button",
            "select", "input", "textarea", "nav", "header", "footer", "aside", "link", "meta")  # fmt: skip
_BLOCKS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
           "dt", "dd", "blockquote", "pre", "center", "table", "tbody", "thead", "tr", "td", "th", "br", "hr"}  # fmt: skip


def _span(value: object) -> int:
    try:
        return min(MAX_SPAN, max(1, int(str(value).strip())))
    except ValueError:
        return 1


def _grid(table, number: int) -> Grid:
    """An HTML table as cells at their positions in the expanded grid (the HTML table model of rowspan/colspan)."""
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        col = 0
        for td in tr.find_all(["td", "th"], recursive=False):
            while (r, col) in taken:
                col += 1
            rowspan = min(_span(td.get("rowspan", 1)), len(rows) - r)
            colspan = _span(td.get("colspan", 1))
            cells.append(Cell(clean_cell(td.get_text()), r, col, rowspan, colspan))
            taken |= {(r + i, col + j) for i in range(rowspan) for j in range(colspan)}
            col += colspan
    return Grid(cells, [f"第{number}个表格第{r + 1}行" for r in range(len(rows))])


class _Walker:
    """The page's tables and paragraphs in document order."""

    def __init__(self) -> None:
        self.grids: list[Grid] = []
        self.lines: list[Line] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        text = clean_text("".join(self.inline))
        self.inline = []
        if text:
            self.lines.append(Line(text, f"第{len(self.lines) + 1}段", starts_paragraph=True))

    def walk(self, element) -> None:
        from bs4 import NavigableString, Tag

        for child in element.children:
            if isinstance(child, Tag):
                name = child.name.lower()
                if name == "table" and not child.find("table"):
                    self.flush()
                    self.grids.append(_grid(child, len(self.grids) + 1))
                elif name in _BLOCKS:
                    self.flush()
                    self.walk(child)
                    self.flush()
                else:
                    self.walk(child)
            elif isinstance(child, NavigableString) and type(child).__name__ == "NavigableString":
                self.inline.append(str(child))


def _common_ancestor(elements: list):
    common = [elements[0], *elements[0].parents]
    for element in elements[1:]:
        ancestors = {id(a) for a in (element, *element.parents)}
        common = [e for e in common if id(e) in ancestors]
    return common[0]


def _numbers(element, numbers: tuple[str, ...]) -> set[str]:
    """The chapter numbers of the short texts in ``element`` that read like a numbered heading ("一、总体情况")."""
    found = set()
    for string in element.find_all(string=True):
        text = clean_text(str(string))
        if len(text) <= HEADING_CHARS:
            found |= {n for n in numbers if text.startswith(f"{n}、")}
    return found


def _report_element(soup, tables: list, numbers: tuple[str, ...]):
    """The innermost element around the tables that also holds every numbered chapter heading of the page."""
    element = _common_ancestor(tables)
    if element.name == "table" and element.parent is not None:
        element = element.parent
    wanted = _numbers(soup, numbers)
    while element.parent is not None and not wanted <= _numbers(element, numbers):
        element = element.parent
    return element


def read_html(path: Path, chapter_numbers: tuple[str, ...] = ("一", "二", "三", "四", "五", "六")) -> Published:
    """The grids and paragraphs of a saved web page; ``chapter_numbers`` are the numbers of the format's chapters
    (their headings mark where the report is on the page)."""
    from bs4 import BeautifulSoup, Tag

    raw = Path(path).read_bytes()
    if len(raw) > MAX_BYTES:
        raise TextImportError("网页文件过大", path=path, value=len(raw), expected=f"至多 {MAX_BYTES} 字节")
    soup = BeautifulSoup(raw, "lxml")
    for tag in soup.find_all(_DROPPED):
        if isinstance(tag, Tag) and not tag.decomposed:
            tag.decompose()
    heading = (soup.body or soup).find(["h1", "h2"]) or soup.find("title")
    page_title = clean_text(heading.get_text()) if heading else ""
    tables = [t for t in soup.find_all("table") if not t.find("table")]
    if not tables:
        raise TextImportError("网页中没有表格", path=path, hint="请保存报告正文所在的网页（含表格）")
    walker = _Walker()
    walker.walk(_report_element(soup, tables, chapter_numbers))
    walker.flush()
    lines = [line for line in walker.lines if line.text != page_title]
    return Published(path=Path(path), title=page_title, grids=walker.grids, lines=lines)
