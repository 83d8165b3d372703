"""A report's workbook read back into its data files (``nianbao import book.xlsx --body B --year Y``).

The workbook is read against the layout its format gives (``layout``), sheet by sheet: every sheet present under
its name, every label cell holding its label, every merged cell merged, and every value cell a value, not a
formula. Each value is read by the data loader's own cell reader (``inputs.tables.parse_cell``), so a cell is
refused for the same reasons and with the same words as in a CSV file, located by sheet and cell (C7). Nothing is
written before the whole workbook has been read; the data files are then written as the loader reads them (the
label column and the value columns, each cell as typed), checked by the loader, and moved into place one by one;
data already entered are replaced only when asked (``replace``). The workbook itself is copied into the data
folder beside the data files it gave.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.entry.layout import SheetLayout, ValueCell, template_rows, workbook_layout
from nianbao.entry.newyear import workbook_path
from nianbao.entry.writer import META_KEYS, META_SHEET, META_TOP
from nianbao.errors import DataError, ReportExists, ReportNotFound, WorkbookError
from nianbao.formats import DataLimits, Format
from nianbao.inputs.params import load_params
from nianbao.inputs.tables import parse_cell, read_tables
from nianbao.paths import ProjectLayout

MAX_BYTES = 5 * 1024 * 1024  # the workbook of a 2021-format report is some 20 KiB
MAX_UNPACKED = 20 * 1024 * 1024  # what its parts may unpack to (some 100 KiB; a zip bomb is refused unread)


@dataclass(frozen=True)
class Sheet:
    """A worksheet being read as one sheet of the layout."""

    path: Path
    layout: SheetLayout
    sheet: Worksheet

    def error(self, message: str, at: str | None = None, **details) -> WorkbookError:
        return WorkbookError(message, path=self.path, sheet=self.layout.name, cell=at, **details)


def _open(path: Path):
    """The workbook at ``path``, formulas as written; WorkbookError when it is not an .xlsx workbook or is larger
    than a workbook of a report can be."""
    if path.stat().st_size > MAX_BYTES:
        raise WorkbookError(f"文件超过 {MAX_BYTES // 1024 // 1024} MiB", path=path, expected="一个报告的填报表（几十 KiB）")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise WorkbookError(f"解压后超过 {MAX_UNPACKED // 1024 // 1024} MiB", path=path, expected="一个报告的填报表")
        return load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError) as exc:
        raise WorkbookError(
            "无法作为 .xlsx 工作簿读取",
            path=path,
            value=type(exc).__name__,
            expected="Excel/WPS 保存的 .xlsx 工作簿",
            hint="在 Excel/WPS 中另存为“Excel 工作簿(*.xlsx)”",
        ) from None


def _meta(path: Path, workbook) -> dict[str, str]:
    """The report the workbook is for, from its 说明 sheet (key -> value)."""
    if META_SHEET not in workbook.sheetnames:
        raise WorkbookError(f"缺少工作表“{META_SHEET}”", path=path, value="、".join(workbook.sheetnames), expected=META_SHEET)
    sheet = workbook[META_SHEET]
    found = {}
    for offset, (key, label) in enumerate(META_KEYS.items()):
        at_label, at_value = sheet.cell(META_TOP + offset, 1), sheet.cell(META_TOP + offset, 2)
        if str(at_label.value or "").strip() != label:
            raise WorkbookError(
                "说明页被改动", path=path, sheet=META_SHEET, cell=at_label.coordinate, value=at_label.value, expected=label
            )
        found[key] = str(at_value.value if at_value.value is not None else "").strip()
    return found


def _variants(text: str) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in text.split("；") if "=" in item]
    return {table.strip(): variant.strip() for table, variant in pairs}


def check_meta(path: Path, meta: dict[str, str], *, body: str, year: int, era: str) -> None:
    """The workbook is for the report it is imported into."""
    for key, wanted in (("body", body), ("year", str(year)), ("era", era)):
        if meta[key] != wanted:
            offset = list(META_KEYS).index(key)
            raise WorkbookError(
                f"工作簿是另一个报告的（{META_KEYS[key]}不符）",
                path=path,
                sheet=META_SHEET,
                cell=f"B{META_TOP + offset}",
                value=meta[key],
                expected=wanted,
                hint="用 nianbao new 为该报告生成的工作簿填写" if key != "era" else "参数文件的 era 与工作簿的格式不同",
            )


def _sheet(path: Path, workbook, layouts: list[SheetLayout], layout: SheetLayout) -> Sheet:
    if layout.name not in workbook.sheetnames:
        unknown = [n for n in workbook.sheetnames if n not in {META_SHEET, *(s.name for s in layouts)}]
        named = "、".join(f"“{n}”" for n in unknown)
        raise WorkbookError(
            f"缺少工作表“{layout.name}”",
            path=path,
            value="、".join(workbook.sheetnames),
            expected=layout.name,
            hint=f"工作表是否被改名为{named}？请改回“{layout.name}”" if unknown else "工作表被删除了？请用原工作簿填写",
        )
    return Sheet(path, layout, workbook[layout.name])


def _text(value: object) -> str:
    """A cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{Decimal(repr(value)):f}"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _check_labels(sheet: Sheet) -> None:
    """Every label cell holds its label: a row or column moved, inserted or deleted shows here first."""
    for at, label in sheet.layout.labels.items():
        found = _text(sheet.sheet[at].value).strip()
        if found != label:
            moved = [c.coordinate for row in sheet.sheet.iter_rows() for c in row if _text(c.value).strip() == label]
            hint = f"该标签现在在 {moved[0]}：行或列被移动、插入或删除了？" if moved else "标签单元格不能改动"
            raise sheet.error("标签与格式不符", at, value=found, expected=f"“{label}”", hint=hint)


def _check_merges(sheet: Sheet) -> None:
    """The merged cells of the layout, and no other merged cell over the table."""
    present = {str(r) for r in sheet.sheet.merged_cells.ranges}
    for merged in sheet.layout.merges:
        if merged not in present:
            raise sheet.error("合并单元格被拆分或改动", merged.split(":")[0], value=merged, expected=f"合并单元格 {merged}")
    values = {cell.at for cell in sheet.layout.values}
    for merged in sheet.sheet.merged_cells.ranges:
        covered = {c.coordinate for row in sheet.sheet.iter_rows(*_bounds(merged)) for c in row}
        if str(merged) not in sheet.layout.merges and covered & (values | set(sheet.layout.labels)):
            raise sheet.error(
                "表格中多出了合并单元格", str(merged).split(":")[0], value=str(merged), expected="格式规定的合并单元格"
            )


def _bounds(merged) -> tuple[int, int, int, int]:
    return merged.min_row, merged.max_row, merged.min_col, merged.max_col


def _value(sheet: Sheet, cell: ValueCell, limits: DataLimits) -> str:
    """One value cell as text, read by the data loader's cell reader; WorkbookError naming the cell."""
    found = sheet.sheet[cell.at]
    if found.data_type == "f" or isinstance(found.value, ArrayFormula | DataTableFormula):
        raise sheet.error(
            "数值单元格中是公式",
            cell.at,
            value=str(getattr(found.value, "text", found.value)),
            expected="直接填写的数值",
            hint="复制后用“选择性粘贴—数值”替换公式",
        )
    raw = _text(found.value)
    if len(raw) > limits.cell_chars:
        raise sheet.error(f"单元格有 {len(raw)} 个字符，超过 {limits.cell_chars} 个字符的上限", cell.at, value=raw)
    try:
        parse_cell(raw, cell.kind, path=sheet.path, line=found.row, column=cell.at, max_number=limits.max_number)
    except DataError as exc:
        raise sheet.error(exc.reason, cell.at, value=raw, expected=exc.expected, hint=exc.hint) from None
    return raw


def _records(sheet: Sheet, fmt: Format, variants: dict[str, str]) -> dict[str, list[list[str]]]:
    """The data files of the sheet's tables (header first), every cell as typed."""
    limits = fmt.limits.data
    values = {cell.at: _value(sheet, cell, limits) for cell in sheet.layout.values}
    records = {}
    for table_id in sheet.layout.tables:
        table = fmt.tables[table_id]
        rows = [[fmt.label_column, *(c.label for c in table.columns)]]
        cells = [c for c in sheet.layout.values if c.table == table_id]
        if table.free_rows:
            for label_at in sheet.layout.free_labels[table_id]:
                label = _text(sheet.sheet[label_at].value).strip()
                typed = [values[c.at] for c in cells if c.label_at == label_at]
                if not label and any(v.strip() for v in typed):
                    raise sheet.error("指标名称为空", label_at, expected="该行数字所属的类别名称")
                if len(label) > limits.label_chars:
                    raise sheet.error(f"指标名称超过 {limits.label_chars} 个字符", label_at, value=label)
                if label:
                    rows.append([label, *typed])
        else:
            for row in template_rows(table, variants.get(table_id)):
                by_column = {c.column: values[c.at] for c in cells if c.row == row.id}
                rows.append([row.label, *(by_column[c.id] for c in table.columns)])
        records[table_id] = rows
    return records


def read_workbook(path: Path, fmt: Format, *, body: str, year: int) -> dict[str, list[list[str]]]:
    """The data files a report's workbook holds: table id -> CSV records (header first). WorkbookError for a
    workbook of another report, a missing or renamed sheet, a changed label, a broken merged cell, a formula in a
    value cell or a value the data loader refuses."""
    workbook = _open(path)
    meta = _meta(path, workbook)
    check_meta(path, meta, body=body, year=year, era=fmt.era)
    variants = _variants(meta["variants"])
    records: dict[str, list[list[str]]] = {}
    layouts = workbook_layout(fmt, variants)
    for layout in layouts:
        sheet = _sheet(path, workbook, layouts, layout)
        _check_labels(sheet)
        _check_merges(sheet)
        records.update(_records(sheet, fmt, variants))
    return records


def csv_text(records: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    return buffer.getvalue()


def entered(path: Path) -> bool:
    """Whether a data file holds data: a value in any cell but the labels."""
    if not path.exists():
        return False
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    return any(any(cell.strip() for cell in row[1:]) for row in rows)


def _replace_files(staging: Path, data_dir: Path, names: list[str]) -> list[Path]:
    written = []
    for name in names:
        os.replace(staging / name, data_dir / name)
        written.append(data_dir / name)
    return written


def import_workbook(book: Path, layout: ProjectLayout, *, body: str, year: int, replace: bool = False) -> list[Path]:
    """Write the data files of ``body`` ``year`` from its workbook ``book``; ReportExists when a data file already
    holds data and ``replace`` is not given."""
    if not layout.params_file(body, year).exists():
        raise ReportNotFound(
            f"没有 {body} {year} 的参数文件", hint=f"先运行 nianbao new {body} {year} 生成参数、数据文件和工作簿"
        )
    params = load_params(layout, body, year)
    fmt = params.format
    records = read_workbook(book, fmt, body=body, year=year)
    data_dir = layout.data_dir(body, year)
    holding = [fmt.tables[t].file for t in records if entered(data_dir / fmt.tables[t].file)]
    if holding and not replace:
        raise ReportExists(
            "数据文件中已有数据，不会覆盖",
            path=data_dir / holding[0],
            value="、".join(holding),
            hint="确认要用工作簿中的数据替换时，加 --replace",
        )
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=data_dir))
    try:
        names = []
        for table_id, rows in records.items():
            name = fmt.tables[table_id].file
            (staging / name).write_text(csv_text(rows), encoding="utf-8")
            names.append(name)
        read_tables(staging, fmt)  # the data files read as the loader reads them, before any is moved into place
        target = workbook_path(layout, body, year)
        if book.resolve() != target.resolve():
            shutil.copyfile(book, staging / target.name)
            names.append(target.name)
        return _replace_files(staging, data_dir, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
