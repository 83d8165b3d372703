"""Reading the raw counts of one report (``data/<body>/<year>/<table>.csv``) as the format declares them.

The files are the analyst's: CSV with a label column (``指标``), one column per declared value column
(``本年``, optionally ``历年累计``) and optionally the published share (``公布占比``). Files saved by Excel or
WPS as UTF-8 with BOM or as GBK/GB18030 are read, and the encoding used is recorded; a file that mixes the two
is refused with the first line in the other encoding. Unambiguous number forms (full-width digits and signs,
thousands separators, surrounding spaces, leading zeros, a '+' on a count or an amount) are normalised and the
normalisation is recorded; any other form of a digit (superscripts, circled digits, Roman numerals, fractions,
the digits of other scripts) is refused with the character named, and anything that is not a number with the
file, line, column and value. A file beyond a limit of ``Format.limits`` (its size, rows, cells of a line,
characters of a label or a cell, the largest number) is refused before the work it would cost. Whether a number
is valid (non-negative, integer, a declared label, no duplicate row) is for the expectation suites to decide.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from nianbao.errors import DataError, did_you_mean
from nianbao.formats import Column, DataLimits, Format, Row, Table, normalize_label

LIMITS_FILE = "src/nianbao/formats/declarations/limits.yaml"
_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<whole>[0-9]+)(?P<fraction>\.[0-9]+)?$")
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


def _line_at(raw: bytes, offset: int) -> int:
    """The 1-based line of the byte at ``offset`` (lines end in \\n, \\r\\n or a lone \\r, as the CSV reader counts)."""
    return len(raw[:offset].splitlines()) + (1 if offset == 0 or raw[offset - 1 : offset] in (b"\n", b"\r") else 0)


def _read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of ``path``; DataError, without reading further, when it has more than ``limit``."""
    with path.open("rb") as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise DataError(
            f"数据文件超过 {limit} 字节（{limit // 1024} KiB）的上限，从该行起超出",
            path=path,
            line=_line_at(raw, limit),
            expected=f"一张表几十行（上限见 {LIMITS_FILE}）",
        )
    return raw


def _mixed(path: Path, line: int, *, utf8: bool) -> DataError:
    """The file mixes UTF-8 and GBK: ``line`` is the first in the other encoding (UTF-8 in a GBK file if ``utf8``)."""
    found = "是 UTF-8 编码，而此前的行是 GBK/GB18030" if utf8 else "不是 UTF-8 编码，而此前的行是 UTF-8"
    return DataError(
        f"该行{found}（同一文件混用了两种编码）",
        path=path,
        line=line,
        hint="在 Excel/WPS 中另存为“CSV UTF-8”，或在文本编辑器中以 UTF-8 重新输入该行",
    )


def _utf8_line(raw: bytes) -> int | None:
    """The first line of a GB18030 text that is UTF-8 with characters beyond ASCII (GB18030 would decode it into
    other characters without an error), if any."""
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return number
    return None


def decode(path: Path, *, max_bytes: int | None = None) -> tuple[str, str]:
    """The text of ``path`` and the encoding it was read with: UTF-8 (with or without BOM), UTF-16 with BOM
    (Excel's "Unicode text"), or GB18030 (a superset of GBK, what Excel and WPS write on Chinese Windows).
    DataError naming the line when the file is larger than ``max_bytes``, mixes UTF-8 and GBK or is neither."""
    raw = path.read_bytes() if max_bytes is None else _read_bytes(path, max_bytes)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8-sig"), "UTF-8 with BOM" if bom else "UTF-8"
    except UnicodeDecodeError as exc:
        failed = _line_at(raw, exc.start)
        line_start = max(raw.rfind(b"\n", 0, exc.start), raw.rfind(b"\r", 0, exc.start)) + 1
        if not raw[3 if bom else 0 : line_start].isascii():  # earlier lines are UTF-8 beyond ASCII
            raise _mixed(path, failed, utf8=False) from None
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DataError(
            "文件既不是 UTF-8 也不是 GBK/GB18030 编码",
            path=path,
            line=max(failed, _line_at(raw, exc.start)),
            hint="在 Excel/WPS 中另存为“CSV UTF-8”",
        ) from None
    utf8 = _utf8_line(raw)
    if utf8 is not None:
        raise _mixed(path, utf8, utf8=True)
    return text, "GB18030/GBK"


def _is_wide(char: str) -> bool:
    """A full-width form (``１``, ``，``, ``－``, the ideographic space): NFKC maps it to its ASCII character."""
    return unicodedata.decomposition(char).startswith("<wide>")


def _foreign_digit(text: str) -> str | None:
    """The first character of ``text`` that is a number or a compatibility form other than a full-width one
    (superscripts, subscripts, circled digits, Roman numerals, fractions, the digits of other scripts, a
    no-break space): NFKC would turn ``4²`` into ``42`` and ``⑦`` into ``7``, so such a cell is not read."""
    for char in text:
        if char.isascii() or _is_wide(char):
            continue
        if unicodedata.category(char).startswith("N") or unicodedata.decomposition(char).startswith("<"):
            return char
    return None


def _canonical(match: re.Match, kind: str) -> str:
    """A number without leading zeros and, unless it is a change (``signed``), without a '+'."""
    sign = match["sign"] if kind == "signed" or match["sign"] == "-" else ""
    return f"{sign}{match['whole'].lstrip('0') or '0'}{match['fraction'] or ''}"


def parse_cell(raw: str, kind: str, *, path: Path, line: int, column: str, max_number: int) -> Cell:
    """One cell as the declaration's row kind wants it; a number above ``max_number`` is refused."""
    stripped = raw.strip().strip("\u3000")
    if stripped == "":
        return Cell(raw=raw, text=None, value=None)
    if kind == "text":
        return Cell(raw=raw, text=stripped, value=stripped)
    where: dict[str, Any] = {"path": path, "line": line, "column": column, "value": raw}
    foreign = _foreign_digit(stripped)
    if foreign is not None:
        raise DataError(
            f"含有不接受的数字形式 “{foreign}”（U+{ord(foreign):04X} {unicodedata.name(foreign, '')}）".replace(" ）", "）"),
            **where,
            expected="阿拉伯数字 0–9（全角数字、千位分隔符、首尾空格、前导零和正号会自动转换）",
            hint="上标、下标、带圈数字、罗马数字、分数和其他文字的数字不转换，以免读错（4² 不是 42）；请按原意改写",
        )
    notes = []
    text = "".join(unicodedata.normalize("NFKC", c) if _is_wide(c) else c for c in stripped).strip()
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
    number = _NUMBER.match(text)
    if number is None:
        raise DataError(
            "不是数字",
            **where,
            expected="阿拉伯数字，例如 12（不带单位、不用汉字数字）",
            hint="未报告的数据请留空，不要填 N/A 或 —",
        )
    canonical = _canonical(number, kind)
    if canonical != text:
        what = "已去除正号" if text.startswith("+") and kind != "signed" else "已去除前导零"
        notes.append(f"{what}: {text!r} → {canonical!r}")
    value = Decimal(canonical)
    if abs(value) > max_number:
        raise DataError(
            f"数值超过上限 {max_number}（没有机关报告这么多）",
            **where,
            expected=f"不超过 {max_number} 的数（上限见 {LIMITS_FILE}）",
            hint="请核对是否多输入了数字或粘贴了别的内容",
        )
    return Cell(raw=raw, text=canonical, value=value, notes=tuple(notes))


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


def _records(path: Path, text: str, delimiter: str, limits: DataLimits) -> list[tuple[int, list[str]]]:
    """The non-blank records of a CSV text with their 1-based line numbers. Lines may end in \\n, \\r\\n or a lone
    \\r (old Mac files); DataError when the text is not CSV, or at the first line beyond a limit (rows, cells of a
    line, characters of a cell)."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            _within_limits(path, reader.line_num, record, limits)
            if any(c.strip() for c in record):
                if len(records) > limits.rows:  # the header and ``rows`` data rows were read
                    raise DataError(
                        f"数据行超过 {limits.rows} 行的上限",
                        path=path,
                        line=reader.line_num,
                        expected=f"至多 {limits.rows} 行数据（上限见 {LIMITS_FILE}）",
                    )
                records.append((reader.line_num, record))
    except csv.Error as exc:
        raise DataError(
            f"无法按 CSV 读取（{exc}）", path=path, line=reader.line_num, expected="逗号分隔的表格，每行一个指标"
        ) from None
    return records


def _within_limits(path: Path, line: int, record: list[str], limits: DataLimits) -> None:
    """DataError when a line has more cells than ``limits.columns``."""
    if len(record) > limits.columns:
        raise DataError(
            f"该行有 {len(record)} 个单元格，超过 {limits.columns} 个的上限",
            path=path,
            line=line,
            expected=f"至多 {limits.columns} 列（上限见 {LIMITS_FILE}）",
        )


def _check_lengths(file: _TableFile, line: int, cells: dict[str, str]) -> None:
    """DataError for the first cell longer than its limit: ``label_chars`` for the label, ``cell_chars`` for the
    others, by column name."""
    limits = file.fmt.limits.data
    for name, cell in cells.items():
        limit, what = (limits.label_chars, "指标名称") if name == file.fmt.label_column else (limits.cell_chars, "单元格")
        if len(cell) > limit:
            raise DataError(
                f"{what}有 {len(cell)} 个字符，超过 {limit} 个字符的上限",
                path=file.path,
                line=line,
                column=name,
                value=cell,
                expected=f"至多 {limit} 个字符（上限见 {LIMITS_FILE}）",
            )


def read_table(path: Path, table: Table, fmt: Format) -> DataTable:
    """Read one table file. Raises DataError for an unreadable file, header or cell."""
    file = _TableFile(path, table, fmt)
    limits = fmt.limits.data
    text, encoding = decode(path, max_bytes=limits.file_bytes)
    delimiter = _delimiter(text)
    records = _records(path, text, delimiter, limits)
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
    _check_lengths(file, line, dict(zip(header, record, strict=False)))  # cells beyond the header are empty
    label = record[position[fmt.label_column]].strip()
    if not label:
        raise DataError("指标名称为空", path=path, line=line, value=",".join(record))
    row = None if table.free_rows else table.match(label)
    row_kind = row.kind if row is not None else "count"
    cells = {
        column.id: parse_cell(
            record[position[column.label]],
            cell_kind(row_kind, column),
            path=path,
            line=line,
            column=column.label,
            max_number=fmt.limits.data.max_number,
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
