"""The sheets of a format's workbook, cell by cell, built from the declarations.

One sheet per official table (``Table.official``: 表二's blocks stacked under their captions, 表三 with its merged
label and header cells, 表四's three blocks side by side in one row), and one sheet per table for a format without
official tables (a list: label, value columns). Each sheet has a heading row, a unit row, the table from row
``TABLE_TOP`` on and, below it, the live check cells (``formulas``). A ``SheetLayout`` says which cells hold fixed
labels (and their text), which ranges are merged, and which cell holds which value (table, row, column, kind):
the writer writes exactly this, and the reader refuses a workbook that differs from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from nianbao.formats import Format, Row, Table
from nianbao.inputs.tables import cell_kind

TABLE_TOP = 4  # the heading is row 1, the unit row 2, row 3 is blank
FREE_ROWS = 30  # label rows offered for a table whose rows the body chooses (free_rows)
BLOCK_HEADER = "信息内容"  # the header of 表二's label column, as the official table prints it
SHEET_NAME_CHARS = 31  # Excel's limit
NUMERALS = "一二三四五六七八九十"


def address(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


@dataclass(frozen=True)
class ValueCell:
    """A cell the analyst fills in: ``table.row.column`` of the data files. For a free row, ``row`` is empty and
    ``label_at`` is the cell holding the row's label."""

    table: str
    row: str
    column: str
    kind: str
    at: str
    label: str = ""
    label_at: str = ""


@dataclass
class SheetLayout:
    name: str
    heading: str
    unit: str
    tables: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)  # address -> fixed text (headers and row labels)
    merges: list[str] = field(default_factory=list)  # "A4:C6"
    values: list[ValueCell] = field(default_factory=list)
    free_labels: dict[str, list[str]] = field(default_factory=dict)  # table -> addresses of its free label cells
    bottom: int = TABLE_TOP  # the last row of the table
    right: int = 1  # the last column of the table

    def _label(self, row: int, column: int, text: str) -> None:
        self.labels[address(row, column)] = text
        self.right = max(self.right, column)
        self.bottom = max(self.bottom, row)

    def _merge(self, top: int, left: int, *, rows: int = 1, columns: int = 1) -> None:
        if rows > 1 or columns > 1:
            self.merges.append(f"{address(top, left)}:{address(top + rows - 1, left + columns - 1)}")

    def _value(self, cell: ValueCell, row: int, column: int) -> None:
        self.values.append(cell)
        self.right = max(self.right, column)
        self.bottom = max(self.bottom, row)

    def cell_of(self, table: str, row: str, column: str) -> ValueCell | None:
        for cell in self.values:
            if (cell.table, cell.row, cell.column) == (table, row, column):
                return cell
        return None


@dataclass(frozen=True)
class Span:
    """One label of a path list: ``text`` at ``index`` (along) and ``level`` (across), covering ``length``
    neighbours along and ``depth`` levels across."""

    index: int
    level: int
    length: int
    depth: int
    text: str


def spans(paths: list[tuple[str, ...]]) -> list[Span]:
    """Merged label cells for label paths (outermost first), as the official tables print them: equal neighbouring
    prefixes are one cell; a leaf on a shorter path is stretched across the remaining levels."""
    depth = max(len(p) for p in paths)
    found = []
    for level in range(depth):
        index = 0
        while index < len(paths):
            path = paths[index]
            if len(path) <= level:
                index += 1
                continue
            length = 1
            while (
                len(path) > level + 1
                and index + length < len(paths)
                and len(paths[index + length]) > level + 1
                and paths[index + length][: level + 1] == path[: level + 1]
            ):
                length += 1
            across = depth - level if len(path) == level + 1 else 1
            found.append(Span(index, level, length, across, path[level]))
            index += length
    return found


def template_rows(table: Table, variant: str | None = None) -> list[Row]:
    """The declared rows of a new report's table: every row, but of a table with layout variants only the rows of
    ``variant`` (default: the declared ``default_variant``, else the first declared variant)."""
    variants = table.variants()
    if not variants:
        return list(table.rows)
    chosen = variant if variant in variants else table.default_variant or next(iter(variants))
    return [r for r in table.rows if r.variant is None or r.variant == chosen]


def _numeral(official: str) -> int:
    """The position of an official table ("表三" → 3) for ordering the sheets as the report prints the tables."""
    digits = [NUMERALS.index(c) + 1 for c in official if c in NUMERALS]
    return digits[0] if digits else len(NUMERALS) + 1


def sheet_groups(fmt: Format) -> list[tuple[str, list[Table]]]:
    """(sheet name, its tables) in published order: the blocks of an official table together."""
    groups: dict[str, list[Table]] = {}
    for table in fmt.tables.values():
        groups.setdefault(table.official or table.title, []).append(table)
    ordered = sorted(groups.items(), key=lambda item: _numeral(item[0]) if item[1][0].official else 99)
    for name, _ in ordered:
        if len(name) > SHEET_NAME_CHARS or any(c in name for c in "[]:*?/\\"):
            raise ValueError(f"{name!r} cannot name a sheet")
    return ordered


def _heading(name: str, tables: list[Table]) -> str:
    return name if len(tables) > 1 or tables[0].title == name else f"{name} {tables[0].title}"


def _unit(tables: list[Table]) -> str:
    units = list(dict.fromkeys(t.unit for t in tables))
    if len(units) == 1:
        return f"单位：{units[0]}"
    first = units[0]
    others = "；".join(f"{t.caption or t.title}：{t.unit}" for t in tables if t.unit != first)
    return f"单位：{first}（{others}）"


def _cell(table: Table, row: Row, column_index: int) -> ValueCell:
    column = table.columns[column_index]
    return ValueCell(table.id, row.id, column.id, cell_kind(row.kind, column), "", row.label)


def _placed(cell: ValueCell, row: int, column: int) -> ValueCell:
    return ValueCell(cell.table, cell.row, cell.column, cell.kind, address(row, column), cell.label, cell.label_at)


def _blocks(sheet: SheetLayout, tables: list[Table], top: int, rows_of) -> int:
    """表二: per block its caption row (merged across), its 信息内容 header row and its rows."""
    width = 1 + max(len(t.columns) for t in tables)
    line = top
    for table in tables:
        sheet._label(line, 1, table.caption or table.title)
        sheet._merge(line, 1, columns=width)
        sheet._label(line + 1, 1, BLOCK_HEADER)
        for index, column in enumerate(table.columns):
            sheet._label(line + 1, 2 + index, column.label)
        line += 2
        for row in rows_of(table):
            sheet._label(line, 1, row.label)
            for index in range(len(table.columns)):
                sheet._value(_placed(_cell(table, row, index), line, 2 + index), line, 2 + index)
            line += 1
    return line - 1


def _grid(sheet: SheetLayout, table: Table, top: int, rows_of) -> int:
    """表三: the corner cell (the table's caption), merged column headers from the column groups, merged label
    cells from the row parents."""
    rows = rows_of(table)
    header_depth = max(len(c.group) for c in table.columns) + 1
    label_depth = max(len(r.parents) for r in rows) + 1
    sheet._label(top, 1, table.caption or "")
    sheet._merge(top, 1, rows=header_depth, columns=label_depth)
    for span in spans([(*c.group, c.label) for c in table.columns]):
        sheet._label(top + span.level, label_depth + 1 + span.index, span.text)
        sheet._merge(top + span.level, label_depth + 1 + span.index, rows=span.depth, columns=span.length)
    first = top + header_depth
    for span in spans([(*r.parents, r.label) for r in rows]):
        sheet._label(first + span.index, 1 + span.level, span.text)
        sheet._merge(first + span.index, 1 + span.level, rows=span.length, columns=span.depth)
    for index, row in enumerate(rows):
        for position in range(len(table.columns)):
            cell = _placed(_cell(table, row, position), first + index, label_depth + 1 + position)
            sheet._value(cell, first + index, label_depth + 1 + position)
    return first + len(rows) - 1


def _transposed(sheet: SheetLayout, table: Table, top: int, rows_of) -> int:
    """表四: the table's rows printed side by side as blocks of columns over one data row."""
    paths, cells = [], []
    for row in rows_of(table):
        block = (*row.parents, row.label.split("·")[-1])
        for index, column in enumerate(table.columns):
            paths.append((*block, column.label))
            cells.append(_cell(table, row, index))
    for span in spans(paths):
        sheet._label(top + span.level, 1 + span.index, span.text)
        sheet._merge(top + span.level, 1 + span.index, rows=span.depth, columns=span.length)
    line = top + max(len(p) for p in paths)
    for index, cell in enumerate(cells):
        sheet._value(_placed(cell, line, 1 + index), line, 1 + index)
    return line


def _list(sheet: SheetLayout, table: Table, fmt: Format, top: int) -> int:
    """A table without an official layout: the label column and the value columns; a free-row table offers
    ``FREE_ROWS`` rows whose labels the analyst writes."""
    sheet._label(top, 1, fmt.label_column)
    for index, column in enumerate(table.columns):
        sheet._label(top, 2 + index, column.label)
    line = top + 1
    if table.free_rows:
        sheet.free_labels[table.id] = []
        for number in range(FREE_ROWS):
            label_at = address(line + number, 1)
            sheet.free_labels[table.id].append(label_at)
            for index, column in enumerate(table.columns):
                kind = cell_kind("count", column)
                cell = ValueCell(table.id, "", column.id, kind, address(line + number, 2 + index), "", label_at)
                sheet._value(cell, line + number, 2 + index)
        return line + FREE_ROWS - 1
    for row in table.rows:
        sheet._label(line, 1, row.label)
        for index in range(len(table.columns)):
            sheet._value(_placed(_cell(table, row, index), line, 2 + index), line, 2 + index)
        line += 1
    return line - 1


def workbook_layout(fmt: Format, variants: dict[str, str] | None = None) -> list[SheetLayout]:
    """The sheets of ``fmt``'s workbook; ``variants`` chooses the layout variant of a table (table id -> variant)."""
    chosen = variants or {}

    def rows_of(table: Table) -> list[Row]:
        return template_rows(table, chosen.get(table.id))

    sheets = []
    for name, tables in sheet_groups(fmt):
        sheet = SheetLayout(name, _heading(name, tables), _unit(tables), tuple(t.id for t in tables))
        layout = tables[0].layout
        if layout == "blocks":
            _blocks(sheet, tables, TABLE_TOP, rows_of)
        elif layout == "grid":
            _grid(sheet, tables[0], TABLE_TOP, rows_of)
        elif layout == "transposed":
            _transposed(sheet, tables[0], TABLE_TOP, rows_of)
        else:
            top = TABLE_TOP
            for table in tables:
                top = _list(sheet, table, fmt, top) + 2
        sheets.append(sheet)
    return sheets


def chosen_variants(fmt: Format, variant: str | None) -> dict[str, str]:
    """The layout variant of each table that has variants: ``variant`` where the table declares it, else its
    ``default_variant``, else its first."""
    chosen = {}
    for table in fmt.tables.values():
        variants = table.variants()
        if variants:
            chosen[table.id] = variant if variant in variants else table.default_variant or next(iter(variants))
    return chosen


def all_variants(fmt: Format) -> list[str]:
    """Every layout variant a table of ``fmt`` declares."""
    return list(dict.fromkeys(v for t in fmt.tables.values() for v in t.variants()))


def cells_by_key(sheets: Iterable[SheetLayout]) -> dict[tuple[str, str, str], tuple[str, ValueCell]]:
    """(table, row, column) -> (sheet name, value cell) for every declared row's value cell."""
    return {(c.table, c.row, c.column): (s.name, c) for s in sheets for c in s.values if c.row}
