"""Importing a report as its body published it (a PDF with a text layer, a saved web page): the part shared by
``published_pdf`` and ``published_html``.

Both readers turn the document into the same pieces: ``Grid``s (a table's cells with their row and column spans, as
ruled in the PDF or marked up with rowspan/colspan) and ``Line``s of running text. ``read_published`` finds the
format's tables in the grids and the chapters in the text. What it looks for comes from the format's declaration
only: a block's caption (``Table.caption``), the column labels and their merged header cells (``Column.label``,
``aliases``, ``group``), the row labels and aliases (``Row.names``), the row-in-header layout of a transposed table
(``layout: transposed``) and the numbered chapters (``Chapter.number``). Every cell is copied as printed (spaces
removed); an empty cell stays empty. What it cannot place (a row label or header the declaration does not have, a
declared table it did not find) is reported with where it is printed, all at once, and nothing is written.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.errors import PublishedImportError, TextImportError
from nianbao.formats import Format, Table, normalize_label
from nianbao.formats.model import Column, Row
from nianbao.inputs.importer import Imported

Box = tuple[float, float, float, float]  # x0, top, x1, bottom on its page

_NUMBER = re.compile(r"[-+－−]?[0-9][0-9,，]*(\.[0-9]+)?[%％]?")
_WIDE = r"[^\x00-\x7f]"
_SPACE_BY_WIDE = re.compile(rf"(?<={_WIDE})\s+|\s+(?={_WIDE})")
HEADING_CHARS = 40  # a numbered chapter heading is a short paragraph of its own


def clean_text(text: str) -> str:
    """Running text as printed, without the spaces that layout puts next to Chinese characters and punctuation."""
    text = unicodedata.normalize("NFC", text).replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"\s+", " ", _SPACE_BY_WIDE.sub("", text)).strip()


def clean_cell(text: str | None) -> str:
    """A table cell as printed, without the spaces and line breaks of its layout."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text or "").replace("\u3000", " "))


@dataclass(frozen=True)
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    box: Box | None = None


@dataclass
class Grid:
    """One printed table: its cells (each at its top-left position with its spans) and where each row is printed."""

    cells: list[Cell]
    where: list[str]  # per row, e.g. "第3页" or "第2个表格第5行"
    page: int | None = None
    edges: list[float] | None = None  # PDF: the x of each column's left edge, and the table's right edge
    _cover: dict[tuple[int, int], Cell] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    self._cover.setdefault((r, c), cell)

    @property
    def n_rows(self) -> int:
        return len(self.where)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def covering(self, row: int, col: int) -> Cell | None:
        return self._cover.get((row, col))

    def starting(self, row: int) -> list[Cell]:
        """The cells whose top-left corner is in ``row``, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def projected(self, row: int, onto: Grid) -> Grid | None:
        """``row`` as a one-row grid in the columns of ``onto`` (the rest of a table continued on the next page,
        where the ruling of the page has fewer columns), by where its cells are printed; None without positions."""
        if onto.edges is None or any(c.box is None for c in self.starting(row)):
            return None
        edges, cells = onto.edges, []
        for cell in self.starting(row):
            assert cell.box is not None
            col = max(0, bisect.bisect_right(edges, cell.box[0] + 1) - 1)
            end = bisect.bisect_left(edges, cell.box[2] - 1)
            cells.append(Cell(cell.text, 0, col, 1, max(1, end - col), cell.box))
        return Grid(cells, [self.where[row]], page=self.page, edges=edges)


@dataclass(frozen=True)
class Line:
    """A line (PDF) or paragraph (web page) of running text; ``starts_paragraph`` when it is indented or a block."""

    text: str
    where: str
    starts_paragraph: bool
    page: int | None = None
    box: Box | None = None


@dataclass
class Published:
    path: Path
    title: str
    grids: list[Grid]
    lines: list[Line]


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text))


def _same(a: str, b: str) -> bool:
    return normalize_label(a) == normalize_label(b)


def _column_names(column: Column, year: int) -> list[str]:
    """A column's label and aliases; ``{year}`` in an alias is the report's year (a header printed "2015年度")."""
    return [name.replace("{year}", str(year)) for name in column.names()]


@dataclass
class _Mapping:
    """Grid column -> (row of a transposed table or None, column id) for one candidate table."""

    table: Table
    positions: dict[int, tuple[str | None, str]]

    @property
    def first(self) -> int:
        return min(self.positions)


@dataclass
class _Pending:
    """A data row of a section, kept until the section's table is decided by all its rows."""

    grid: Grid
    row: int
    cells: list[Cell]
    mappings: list[_Mapping]


@dataclass
class _Section:
    """The rows of one printed table block: its caption, header rows and data rows (possibly over pages)."""

    caption: Table | None = None
    headers: list[tuple[Grid, int]] = field(default_factory=list)
    mappings: list[_Mapping] = field(default_factory=list)
    mapped_grid: Grid | None = None
    rows: list[_Pending] = field(default_factory=list)
    closed: bool = False


@dataclass
class _Found:
    table: Table
    where: str
    columns: set[str] = field(default_factory=set)
    rows: list[tuple[str, Row, dict[str, str], str]] = field(default_factory=list)  # label, row, values, where


class _TableReader:
    def __init__(self, fmt: Format, year: int):
        self.fmt = fmt
        self.year = year
        self.tables = [t for t in fmt.tables.values() if not t.free_rows]
        self.found: dict[str, _Found] = {}
        self.problems: list[str] = []
        self.consumed: set[Cell] = set()
        self.section: _Section | None = None

    # -- what a header text can be -------------------------------------------------------------------------------
    def _header_names(self, table: Table) -> list[str]:
        names = [n for c in table.columns for n in (*_column_names(c, self.year), *c.group)]
        if table.layout == "transposed":
            names += [n for r in table.rows for n in (*r.names(), *r.parents)]
        return names

    def _caption(self, text: str) -> Table | None:
        return next((t for t in self.tables if t.caption and text and _same(text, t.caption)), None)

    def _header_match(self, texts: list[str], candidates: Iterable[Table]) -> bool:
        if not texts or any(_is_number(t) for t in texts):
            return False
        return any(_same(t, n) for table in candidates for n in self._header_names(table) for t in texts)

    # -- rows ----------------------------------------------------------------------------------------------------
    def read(self, grids: list[Grid]) -> None:
        for grid in grids:
            for row in range(grid.n_rows):
                self._row(grid, row)
        self._start(None)

    def _start(self, section: _Section | None) -> _Section | None:
        """End the current section (placing its rows) and make ``section`` the current one."""
        if self.section is not None and self.section.rows:
            self._resolve(self.section)
        self.section = section
        return section

    def _row(self, grid: Grid, row: int) -> None:
        cells = grid.starting(row)
        if not any(c.text for c in cells):
            return
        caption = next((t for c in cells if (t := self._caption(c.text))), None)
        if caption is not None:
            self._start(_Section(caption=caption))
            self.consumed.update(cells)
            cells = [c for c in cells if not self._caption(c.text)]
            if not any(c.text for c in cells):
                return
        texts = [c.text for c in cells if c.text]
        section = self.section
        fresh = section is None or bool(section.rows) or section.closed
        candidates = [section.caption] if section and section.caption and not fresh else self.tables
        if self._header_match(texts, candidates):
            if fresh:
                section = self._start(_Section())
            assert section is not None
            section.headers.append((grid, row))
            section.mappings = []
            self.consumed.update(cells)
        elif len(cells) == 1 and not _is_number(cells[0].text):
            if section is not None and section.rows:
                section.closed = True
        else:
            self._data_row(grid, row, cells)

    def _mappings(self, section: _Section, grid: Grid) -> list[_Mapping]:
        own = [r for g, r in section.headers if g is grid]
        if own:
            rows, header_grid = own, grid
        elif section.headers and (
            section.headers[-1][0].n_cols == grid.n_cols
            or (grid.edges is not None and grid.edges is section.headers[-1][0].edges)
        ):
            header_grid = section.headers[-1][0]
            rows = [r for g, r in section.headers if g is header_grid]
        else:
            return []
        if section.mappings and section.mapped_grid is header_grid:
            return section.mappings
        candidates = [section.caption] if section.caption else self.tables
        mappings = [m for t in candidates if (m := self._map(t, header_grid, rows)).positions]
        best = max((len(m.positions) for m in mappings), default=0)
        section.mappings = [m for m in mappings if len(m.positions) == best]
        section.mapped_grid = header_grid
        return section.mappings

    def _map(self, table: Table, grid: Grid, rows: list[int]) -> _Mapping:
        positions: dict[int, tuple[str | None, str]] = {}
        for col in range(grid.n_cols):
            path: list[str] = []
            for row in rows:
                cell = grid.covering(row, col)
                if cell is not None and cell.text and (not path or path[-1] != cell.text):
                    path.append(cell.text)
            if not path:
                continue
            column = next((c for c in table.columns if any(_same(path[-1], n) for n in _column_names(c, self.year))), None)
            if column is None:
                continue
            key: tuple[str | None, str]
            if table.layout == "transposed":
                declared = next((r for text in path[:-1] for r in table.rows if any(_same(text, n) for n in r.names())), None)
                if declared is None:
                    continue
                key = (declared.id, column.id)
            else:
                key = (None, column.id)
            if key not in positions.values():  # a header cell over several ruled columns is one column
                positions[col] = key
        return _Mapping(table, positions)

    def _data_row(self, grid: Grid, row: int, cells: list[Cell]) -> None:
        section = self.section
        if section is not None and section.headers and all(g is not grid for g, _ in section.headers):
            header_grid = section.headers[-1][0]
            projected = grid.projected(row, header_grid) if header_grid.n_cols != grid.n_cols else None
            if projected is not None:
                self.consumed.update(cells)
                grid, row, cells = projected, 0, projected.starting(0)
        mappings = self._mappings(section, grid) if section is not None and not section.closed else []
        if section is None or not mappings:
            printed = "、".join(c.text for c in cells if c.text)
            self.problems.append(f"{grid.where[row]}：表格行“{printed}”不在可识别的表格中（没有找到该格式声明的表头或表题）")
            return
        self.consumed.update(cells)
        section.rows.append(_Pending(grid, row, cells, mappings))

    def _resolve(self, section: _Section) -> None:
        """Place the section's rows in the one candidate table that has the most of them; report the others."""
        tables = list(dict.fromkeys(m.table.id for m in section.rows[0].mappings))

        def mapping(pending: _Pending, table_id: str) -> _Mapping | None:
            return next((m for m in pending.mappings if m.table.id == table_id), None)

        def placed(table_id: str) -> int:
            return sum(1 for p in section.rows if (m := mapping(p, table_id)) and self._place(m, p, commit=False))

        best = max(tables, key=placed)
        for pending in section.rows:
            chosen = mapping(pending, best)
            if chosen is None or not self._place(chosen, pending, commit=True):
                label = (self._label(chosen, pending.cells) if chosen else "") or "、".join(
                    c.text for c in pending.cells if c.text
                )
                title = self.fmt.tables[best].title
                self.problems.append(f"{pending.grid.where[pending.row]}：行“{label}”不是“{title}”中声明的行")

    def _label(self, mapping: _Mapping, cells: list[Cell]) -> str:
        """The printed row label: the rightmost text left of the values that is not a unit of the table."""
        units = {mapping.table.unit} | {r.unit for r in mapping.table.rows if r.unit}
        labels = [c.text for c in cells if c.col < mapping.first and c.text and c.text not in units and not _is_number(c.text)]
        return labels[-1] if labels else ""

    def _place(self, mapping: _Mapping, pending: _Pending, *, commit: bool) -> bool:
        table, grid, row = mapping.table, pending.grid, pending.row
        values: dict[tuple[str | None, str], str] = {}
        for col, key in mapping.positions.items():
            cell = grid.covering(row, col)
            values[key] = cell.text if cell is not None and (cell.row, cell.col) == (row, col) else ""
        label = self._label(mapping, pending.cells)
        if table.layout == "transposed":
            if label or not any(values.values()):
                return False
            placements = [
                (table.row(r), {c: v for (rr, c), v in values.items() if rr == r})
                for r in dict.fromkeys(r for r, _ in values if r is not None)
            ]
            rows = [(declared.label, declared, by_column) for declared, by_column in placements]
        else:
            declared = table.match(label) if label else None
            if declared is None:
                return False
            rows = [(label, declared, {c: v for (_, c), v in values.items()})]
        if commit:
            found = self._found(table, grid.where[row])
            for printed, declared, by_column in rows:
                found.columns |= set(by_column)
                found.rows.append((printed, declared, by_column, grid.where[row]))
        return True

    def _found(self, table: Table, where: str) -> _Found:
        if table.id not in self.found:
            self.found[table.id] = _Found(table, where)
        return self.found[table.id]

    # -- the tables ----------------------------------------------------------------------------------------------
    def records(self) -> dict[str, list[list[str]]]:
        out: dict[str, list[list[str]]] = {}
        for table in self.fmt.tables.values():
            found = self.found.get(table.id)
            if found is None:
                if table.complete:
                    wording = f"“{table.caption}”" if table.caption and table.official else ""
                    official = f"{table.official}{wording}" if table.official else ""
                    self.problems.append(f"未找到表格“{table.title}”{f'（{official}）' if official else ''}")
                continue
            out[table.id] = self._table_records(found)
        return out

    def _table_records(self, found: _Found) -> list[list[str]]:
        table = found.table
        columns = [c for c in table.columns if c.id in found.columns]
        missing = [c.label for c in table.columns if c.id not in found.columns and not c.optional]
        if missing:
            self.problems.append(f"{found.where}：“{table.title}”缺少列 {'、'.join(missing)}")
        seen: dict[str, str] = {}
        records = [[self.fmt.label_column, *(c.label for c in columns)]]
        for label, row, values, where in found.rows:
            if row.id in seen:
                self.problems.append(f"{where}：“{table.title}”的行“{label}”重复（{seen[row.id]}已有）")
            seen[row.id] = where
            records.append([label, *(values.get(c.id, "") for c in columns)])
        absent = [r.label for r in table.rows if r.required and r.id not in seen]
        if absent:
            self.problems.append(f"{found.where}：“{table.title}”缺少行 {'、'.join(absent)}")
        return records


def _inside(line: Line, boxes: dict[int | None, list[Box]]) -> bool:
    if line.box is None:
        return False
    x = (line.box[0] + line.box[2]) / 2
    y = (line.box[1] + line.box[3]) / 2
    return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes.get(line.page, []))


def _paragraphs(lines: list[Line], consumed: set[Cell], grids: list[Grid]) -> list[str]:
    boxes: dict[int | None, list[Box]] = {}
    for grid in grids:
        for cell in grid.cells:
            if cell in consumed and cell.box is not None:
                boxes.setdefault(grid.page, []).append(cell.box)
    paragraphs: list[list[str]] = []
    for line in lines:
        if _inside(line, boxes):
            continue
        if line.starts_paragraph or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.text)
    return [t for p in paragraphs if (t := clean_text("".join(p)))]


def _chapters(paragraphs: list[str], fmt: Format, out: Imported) -> None:
    """Chapters by their numbered headings, in the declared order; the text before the first is the preamble."""
    numbered = [c for c in fmt.chapters if c.number]
    untitled = next((c for c in fmt.chapters if c.source == "prose" and not c.number), None)
    current = untitled.id if untitled else None
    texts: dict[str, list[str]] = {}
    position = 0
    for paragraph in paragraphs:
        heading = next(
            (
                (i, c)
                for i, c in enumerate(numbered[position:], start=position)
                if paragraph.startswith(f"{c.number}、") and len(paragraph) <= HEADING_CHARS
            ),
            None,
        )
        if heading is not None:
            position, chapter = heading[0] + 1, heading[1]
            current = chapter.id
            out.headings[chapter.id] = paragraph
            continue
        if current is not None:
            texts.setdefault(current, []).append(paragraph)
    prose = {c.id for c in fmt.chapters if c.source == "prose"}
    for chapter_id, parts in texts.items():
        if chapter_id in prose and parts:
            out.prose[chapter_id] = "\n\n".join(parts) + "\n"


def read_published(published: Published, fmt: Format, year: int) -> Imported:
    """The tables and prose chapters of ``fmt`` in a published document; PublishedImportError listing every cell,
    row or table that could not be placed."""
    reader = _TableReader(fmt, year)
    reader.read(published.grids)
    records = reader.records()
    if reader.problems:
        raise PublishedImportError(
            f"发布的报告中有 {len(reader.problems)} 处无法按“{fmt.name}”的声明导入（未写入任何文件）",
            reader.problems,
            path=published.path,
            hint="核对 --era；表格行、表头与 formats/declarations/ 中的行名、列名和别名（aliases）不一致时，不会猜测",
        )
    if not published.title:
        raise TextImportError("没有找到报告标题", path=published.path)
    out = Imported(title=published.title, tables=records)
    _chapters(_paragraphs(published.lines, reader.consumed, published.grids), fmt, out)
    return out


PUBLISHED_SUFFIXES = (".pdf", ".html", ".htm")


def import_published(path: Path, fmt: Format, year: int) -> Imported:
    """A published report's PDF or saved web page (by its suffix), read into the tables and chapters of ``fmt``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        from nianbao.inputs.published_pdf import read_pdf

        published = read_pdf(path)
    elif suffix in (".html", ".htm"):
        from nianbao.inputs.published_html import read_html

        published = read_html(path, tuple(c.number for c in fmt.chapters if c.number))
    else:
        raise TextImportError("不是 PDF 或网页文件", path=path, value=suffix, expected=" / ".join(PUBLISHED_SUFFIXES))
    return read_published(published, fmt, year)
