"""Reading the raw counts of one report (``data/<body>/<year>/<table>.csv``) as the format declares them.

The files are the analyst's: CSV with a label column (``指标``), one column per declared value column
(``本年``, optionally ``历年累计``) and optionally the published share (``公布占比``). Files saved by Excel or
WPS as UTF-8 with BOM or as GBK/GB18030 are read, and the encoding used is recorded. Unambiguous number
forms (full-width digits, thousands separators, surrounding spaces) are normalised and the normalisation is
recorded; anything that is not a number is refused with the file, line, column and value. Whether a number is
valid (non-negative, integer, a declared label, no duplicate row) is for the expectation suites to decide.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.errors import DataError, did_you_mean
from nianbao.formats import Column, Format, Row, Table, normalize_label

ENCODINGS = ("utf-8-sig", "gb18030")
_NUMBER = re.compile(r"^[-+]?[0-9]+(\.[0-9]+)?$")
_UNIT = re.compile(r"^(?P<number>.*?[0-9])\s*(?P<unit>万元|元)$")
_THOUSANDS = re.compile(r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")


@dataclass(frozen=True)
class Cell:
    raw: str
    text: str | None  # normalised; None for an empty cell (not reported, distinct from 0)
    value: Decimal | str | None
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.text is None


@dataclass(frozen=True)
class DataRow:
    table: str
    line: int
    label: str
    row: Row | None  # None for free rows and for labels the declaration does not know
    cells: dict[str, Cell]
    published_share: str | None = None

    @property
    def alias_used(self) -> bool:
        """The label is a published variant of the declared one (a typo, "1、" for "1.")."""
        return self.row is not None and is_variant(self.label, self.row)

    @property
    def key(self) -> str:
        """Canonical row id, or the label itself for free rows and unknown labels."""
        return self.row.id if self.row is not None else self.label

    @property
    def kind(self) -> str:
        return self.row.kind if self.row is not None else "count"

    def value(self, column: str = "year"):
        cell = self.cells.get(column)
        return None if cell is None else cell.value


@dataclass
class DataTable:
    table: Table
    path: Path
    encoding: str
    columns: list[str]  # value column ids present in the file
    rows: list[DataRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def find(self, row_id: str) -> DataRow | None:
        for row in self.rows:
            if row.row is not None and row.row.id == row_id:
                return row
        group = self.table.groups.get(row_id)
        if group is not None:
            return self._group_row(group)
        return None

    def _group_row(self, group) -> DataRow | None:
        """A subtotal row: per column, the sum of the group's reported cells (empty if none is reported)."""
        members = [r for r in self.rows if r.row is not None and r.row.id in group.rows]
        if not members:
            return None
        cells = {}
        for column in self.columns:
            values = [r.value(column) for r in members if isinstance(r.value(column), Decimal)]
            total = sum(values, Decimal(0)) if values else None
            cells[column] = Cell(raw="", text=None if total is None else str(total), value=total)
        return DataRow(table=self.table.id, line=members[0].line, label=group.label, row=None, cells=cells)


def _plain(label: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label))


def cell_kind(row_kind: str, column: Column) -> str:
    """What a cell holds: text when its row is text, else its column's kind, else its row's."""
    return row_kind if row_kind == "text" else (column.kind or row_kind)


def is_variant(label: str, row: Row) -> bool:
    """Whether a published label differs from the declared one other than in spacing: an alias ("2.其他法律行政止公开"),
    or other numbering ("1、" for "1.") where the declared label is numbered. Numbering a body adds to an unnumbered
    indicator ("其中：1、政府网站公开数") is not a variant."""
    if _plain(label) == _plain(row.label):
        return False
    numbered = normalize_label(row.label) != _plain(row.label)
    return numbered or normalize_label(label) != normalize_label(row.label)


def decode(path: Path) -> tuple[str, str]:
    """The text of ``path`` and the encoding it was read with: UTF-8 (with or without BOM), UTF-16 with BOM
    (Excel's "Unicode text"), or GB18030 (a superset of GBK, what Excel and WPS write on Chinese Windows)."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig":
            return text, "UTF-8 with BOM" if raw.startswith(b"\xef\xbb\xbf") else "UTF-8"
        return text, "GB18030/GBK"
    raise DataError("文件既不是 UTF-8 也不是 GBK/GB18030 编码", path=path, hint="在 Excel/WPS 中另存为“CSV UTF-8”")


def parse_cell(raw: str, kind: str, *, path: Path, line: int, column: str) -> Cell:
    """One cell as the declaration's row kind wants it."""
    stripped = raw.strip().strip("\u3000")
    if stripped == "":
        return Cell(raw=raw, text=None, value=None)
    if kind == "text":
        return Cell(raw=raw, text=stripped, value=stripped)
    notes = []
    text = unicodedata.normalize("NFKC", stripped).strip()
    if text != stripped:
        notes.append(f"全角字符已转换: {stripped!r} → {text!r}")
    if text != raw:
        if raw.strip() != raw:
            notes.append("已去除首尾空格")
    unit = _UNIT.match(text) if kind == "money" else None
    if unit:
        notes.append(f"已去除金额中的单位: {text!r} → {unit['number']!r}")
        text = unit["number"]
    if _THOUSANDS.match(text):
        notes.append(f"已去除千位分隔符: {text!r}")
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise DataError(
            "不是数字",
            path=path,
            line=line,
            column=column,
            value=raw,
            expected="阿拉伯数字，例如 12（不带单位、不用汉字数字）",
            hint="未报告的数据请留空，不要填 N/A 或 —",
        )
    return Cell(raw=raw, text=text, value=Decimal(text), notes=tuple(notes))


DELIMITER_NAMES = {",": "逗号", "\t": "制表符", ";": "分号"}


def _delimiter(text: str) -> str:
    """Comma, unless the header row has no comma but tabs (Excel "Unicode text") or semicolons."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," in header:
        return ","
    for candidate in ("\t", ";"):
        if candidate in header:
            return candidate
    return ","


@dataclass(frozen=True)
class _TableFile:
    """A data file being read as the declared ``table`` of ``fmt``."""

    path: Path
    table: Table
    fmt: Format

    @property
    def known(self) -> list[str]:
        return [self.fmt.label_column, *(c.label for c in self.table.columns), self.fmt.share_column]


def _records(path: Path, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The non-blank records of a CSV text with their 1-based line numbers. Lines may end in \\n, \\r\\n or a lone
    \\r (old Mac files); DataError when the text is not CSV."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    try:
        return [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataError(
            f"无法按 CSV 读取（{exc}）", path=path, line=reader.line_num, expected="逗号分隔的表格，每行一个指标"
        ) from None


def read_table(path: Path, table: Table, fmt: Format) -> DataTable:
    """Read one table file. Raises DataError for an unreadable file, header or cell."""
    file = _TableFile(path, table, fmt)
    text, encoding = decode(path)
    delimiter = _delimiter(text)
    records = _records(path, text, delimiter)
    if not records:
        raise DataError(
            "文件为空", path=path, expected=f"表头 {fmt.label_column},{','.join(c.label for c in table.columns)} 和数据行"
        )
    header = _header(file, *records[0])
    present = [c.id for c in table.columns if c.label in header]
    result = DataTable(table=table, path=path, encoding=encoding, columns=present)
    if encoding != "UTF-8":
        result.notes.append(f"{path.name} 以 {encoding} 编码读取")
    if delimiter != ",":
        result.notes.append(f"{path.name} 以{DELIMITER_NAMES[delimiter]}分隔读取")
    for line, record in records[1:]:
        row = _data_row(file, header, line, record)
        for cell in row.cells.values():
            result.notes.extend(f"{path.name} 第{line}行: {n}" for n in cell.notes)
        if row.row is not None and is_variant(row.label, row.row):
            result.notes.append(f"{path.name} 第{line}行: 公布的指标名称“{row.label}”按已知别名对应到“{row.row.label}”")
        result.rows.append(row)
    return result


def _header(file: _TableFile, line: int, printed: list[str]) -> list[str]:
    """The header row as declared column labels (aliases and full-width forms mapped); DataError for an unknown,
    duplicate or missing column."""
    table, fmt = file.table, file.fmt
    column_by_name = {unicodedata.normalize("NFKC", n): c for c in table.columns for n in c.names()}
    normalised = [unicodedata.normalize("NFKC", h).strip() for h in printed]
    header = [column_by_name[h].label if h in column_by_name else h for h in normalised]
    known = file.known
    for name in header:
        if name not in known:
            guess = did_you_mean(name, known)
            raise DataError(
                "未知的列",
                path=file.path,
                line=line,
                value=name,
                expected=" / ".join(known),
                hint=f"是否想写 {guess!r}？" if guess else None,
            )
    if len(set(header)) != len(header):
        raise DataError("表头有重复的列", path=file.path, line=line, value=",".join(header))
    missing = [c for c in (fmt.label_column, *(c.label for c in table.columns if not c.optional)) if c not in header]
    if missing:
        raise DataError("缺少列", path=file.path, line=line, value=",".join(missing), expected=",".join(known))
    return header


def _data_row(file: _TableFile, header: list[str], line: int, record: list[str]) -> DataRow:
    """One data row: its label matched to a declared row, every present column parsed as the row's kind wants."""
    table, fmt, path = file.table, file.fmt, file.path
    if len(record) > len(header) and any(c.strip() for c in record[len(header) :]):
        raise DataError(
            f"该行有 {len(record)} 个单元格，表头只有 {len(header)} 列",
            path=path,
            line=line,
            value=",".join(record),
            expected=",".join(header),
        )
    record = record + [""] * (len(header) - len(record))
    position = {name: i for i, name in enumerate(header)}
    label = record[position[fmt.label_column]].strip()
    if not label:
        raise DataError("指标名称为空", path=path, line=line, value=",".join(record))
    row = None if table.free_rows else table.match(label)
    row_kind = row.kind if row is not None else "count"
    cells = {
        column.id: parse_cell(
            record[position[column.label]], cell_kind(row_kind, column), path=path, line=line, column=column.label
        )
        for column in table.columns
        if column.label in position
    }
    share = record[position[fmt.share_column]].strip() if fmt.share_column in position else ""
    return DataRow(table=table.id, line=line, label=label, row=row, cells=cells, published_share=share or None)


def read_tables(data_dir: Path, fmt: Format) -> dict[str, DataTable]:
    """Every declared table that has a file in ``data_dir``; a table with required rows must have one."""
    tables = {}
    csv_names = {p.name for p in data_dir.glob("*.csv")}
    for table_id, table in fmt.tables.items():
        path = data_dir / table.file
        if not path.exists():
            if any(r.required for r in table.rows):
                raise DataError(
                    "缺少数据文件",
                    path=path,
                    expected=f"表“{table.title}”的 CSV（{fmt.label_column},{','.join(c.label for c in table.columns)}）",
                )
            continue
        tables[table_id] = read_table(path, table, fmt)
    declared = {t.file for t in fmt.tables.values()}
    for name in sorted(csv_names - declared):
        guess = did_you_mean(name, declared)
        raise DataError(
            "数据文件不属于格式声明中的任何表",
            path=data_dir / name,
            expected=" / ".join(sorted(declared)),
            hint=f"是否想命名为 {guess!r}？" if guess else None,
        )
    return tables
