"""The Excel workbook of a report (openpyxl): a 说明 sheet naming the report, then one sheet per official table in
its layout (``layout``), the value cells marked and validated (non-negative whole numbers; decimals where a cell
is an amount of money; signed whole numbers for a change), and below each table its live check cells
(``formulas``)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.entry.formulas import FAILED, PASSED, CheckLine
from nianbao.entry.layout import SheetLayout, address

META_SHEET = "说明"
META_KEYS = {"body": "机关", "year": "年度", "era": "格式", "variants": "行布局"}  # key -> its label in column A
META_TOP = 4  # the first metadata row of the 说明 sheet
VALUE_WIDTH = 12
MAX_WIDTH = 44
LINE_HEIGHT = 15
CHECK_HEADER = ("校验", "位置", "左边", "关系", "右边", "结果")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FAILED_FILL = PatternFill("solid", fgColor="F8CBAD")
PASSED_FILL = PatternFill("solid", fgColor="C6EFCE")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT_WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
VALIDATION_TEXT = {
    "count": ("whole", "非负整数", "请填写 0 或正整数（件数）；未报告的留空。"),
    "money": ("decimal", "金额", "请填写不小于 0 的数，可带小数；未报告的留空。"),
    "signed": ("whole", "整数", "请填写整数，减少填负数；未报告的留空。"),
}


@dataclass
class Book:
    """What a workbook holds: its report, its sheets, their check lines and the cells filled in from last year."""

    body: str
    year: int
    title: str
    era: str
    format_name: str
    variants: dict[str, str]
    sheets: list[SheetLayout]
    checks: dict[str, list[CheckLine]]
    max_number: int
    prefilled: dict[tuple[str, str, str], tuple[Decimal, str]] = field(default_factory=dict)


def _meta_sheet(sheet: Worksheet, book: Book) -> None:
    sheet["A1"] = f"{book.title} 数据填报表"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"格式：{book.format_name}"
    values = {
        "body": book.body,
        "year": book.year,
        "era": book.era,
        "variants": "；".join(f"{t}={v}" for t, v in book.variants.items()),
    }
    for offset, (key, label) in enumerate(META_KEYS.items()):
        sheet.cell(META_TOP + offset, 1, label).font = Font(bold=True)
        sheet.cell(META_TOP + offset, 2, values[key]).alignment = Alignment(horizontal="left")
    notes = [
        "填写方法：在黄色单元格中填写公布的数字；未报告的单元格留空（留空与 0 不同）。",
        "不要移动、插入或删除行列，不要改工作表名称，不要拆分合并单元格，数值单元格中不要写公式。",
        "每张表下方的“自动校验”随填写即时计算格式规定的勾稽关系：✓ 相符，✗ 不相符，空白表示尚未填写。",
        f"填好后运行：nianbao import 本文件.xlsx --body {book.body} --year {book.year}，再运行 nianbao validate。",
    ]
    for offset, note in enumerate(notes):
        row = META_TOP + len(META_KEYS) + 1 + offset
        sheet.cell(row, 1, note).alignment = LEFT_WRAP
        sheet.merge_cells(start_row=row, end_row=row, start_column=1, end_column=2)
        sheet.row_dimensions[row].height = LINE_HEIGHT * 2
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 70


def _text_width(text: str) -> int:
    """How wide a text prints, in Excel's width units (a CJK character takes two)."""
    return sum(1 if ch.isascii() else 2 for ch in text)


def _extent(layout: SheetLayout, at: str) -> tuple[int, int, int, int]:
    """(first column, last column, first row, last row) of the label cell at ``at`` with its merged range."""
    for merged in layout.merges:
        if merged.startswith(f"{at}:"):
            first_col, first_row, last_col, last_row = range_boundaries(merged)
            return first_col, last_col, first_row, last_row
    first_col, first_row, _, _ = range_boundaries(at)
    return first_col, first_col, first_row, first_row


def _sizes(sheet: Worksheet, layout: SheetLayout) -> None:
    """Column widths that fit the labels (up to ``MAX_WIDTH``), and row heights for the labels that wrap."""
    widths = {column: VALUE_WIDTH for column in range(1, max(layout.right, len(CHECK_HEADER)) + 1)}
    extents = {at: _extent(layout, at) for at in layout.labels}
    for at, text in layout.labels.items():
        first_col, last_col, _, _ = extents[at]
        if first_col == last_col:
            widths[first_col] = max(widths[first_col], min(MAX_WIDTH, _text_width(text) + 2))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    for at, text in layout.labels.items():
        first_col, last_col, first_row, last_row = extents[at]
        room = sum(widths[c] for c in range(first_col, last_col + 1)) - 1
        lines = -(-_text_width(text) // max(room, 1))
        if first_row == last_row and lines > 1:
            current = sheet.row_dimensions[first_row].height or LINE_HEIGHT
            sheet.row_dimensions[first_row].height = max(current, LINE_HEIGHT * lines)


def _table(sheet: Worksheet, layout: SheetLayout) -> None:
    sheet["A1"] = layout.heading
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = layout.unit
    for at, text in layout.labels.items():
        sheet[at] = text
        sheet[at].alignment = WRAP
        sheet[at].border = BOX
        sheet[at].fill = HEADER_FILL
    for merged in layout.merges:
        sheet.merge_cells(merged)
    for labels in layout.free_labels.values():
        for at in labels:
            sheet[at].fill = INPUT_FILL
            sheet[at].border = BOX
    for cell in layout.values:
        sheet[cell.at].fill = INPUT_FILL
        sheet[cell.at].border = BOX
        sheet[cell.at].alignment = Alignment(horizontal="right", vertical="center")


def _validations(sheet: Worksheet, layout: SheetLayout, max_number: int) -> None:
    for kind, (rule, title, message) in VALIDATION_TEXT.items():
        cells = [c.at for c in layout.values if c.kind == kind]
        if not cells:
            continue
        low = -max_number if kind == "signed" else 0
        validation = DataValidation(
            type=rule,
            operator="between",
            formula1=str(low),
            formula2=str(max_number),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=message,
            showInputMessage=False,
        )
        for at in cells:
            validation.add(at)
        sheet.add_data_validation(validation)


def _prefill(sheet: Worksheet, layout: SheetLayout, book: Book) -> None:
    for cell in layout.values:
        carried = book.prefilled.get((cell.table, cell.row, cell.column))
        if carried is not None:
            value, why = carried
            sheet[cell.at] = int(value) if value == value.to_integral_value() else float(value)
            sheet[cell.at].comment = Comment(f"取自{book.year - 1}年报告（{why}），请核对", "nianbao")


def _checks(sheet: Worksheet, layout: SheetLayout, lines: list[CheckLine]) -> None:
    """The check block under the table: one line per identity and place, its two sides and its result."""
    if not lines:
        return
    top = layout.bottom + 2
    first, last = top + 2, top + 1 + len(lines)
    results = f"F{first}:F{last}"
    sheet.cell(top, 1, "自动校验（随填写即时计算：✓ 相符，✗ 不相符，空白表示尚未填写）").font = Font(bold=True)
    sheet.cell(top, 6, f'=IF(COUNTIF({results},"{FAILED}")>0,COUNTIF({results},"{FAILED}")&" 项不相符","")')
    sheet.cell(top, 6).font = Font(bold=True, color="C00000")
    for column, text in enumerate(CHECK_HEADER, start=1):
        sheet.cell(top + 1, column, text).font = Font(bold=True)
    starts = [i for i, line in enumerate(lines) if i == 0 or lines[i - 1].identity.id != line.identity.id]
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        sheet.cell(first + start, 1, lines[start].identity.description).alignment = TOP_WRAP
        if end - start > 1:
            sheet.merge_cells(start_row=first + start, end_row=first + end - 1, start_column=1, end_column=1)
    room = (sheet.column_dimensions["B"].width or VALUE_WIDTH) - 1
    for row, line in enumerate(lines, start=first):
        sheet.cell(row, 2, line.place).alignment = LEFT_WRAP
        sheet.row_dimensions[row].height = LINE_HEIGHT * -(-_text_width(line.place) // room)
        sheet.cell(row, 3, line.value(line.lhs))
        sheet.cell(row, 4, line.relation).alignment = WRAP
        sheet.cell(row, 5, line.value(line.rhs))
        sheet.cell(row, 6, line.result()).alignment = WRAP
    sheet.conditional_formatting.add(results, FormulaRule(formula=[f'F{first}="{FAILED}"'], fill=FAILED_FILL))
    sheet.conditional_formatting.add(results, FormulaRule(formula=[f'F{first}="{PASSED}"'], fill=PASSED_FILL))


def check_cells(layout: SheetLayout, lines: list[CheckLine]) -> list[str]:
    """The addresses of the result cells of a sheet's check lines, in order."""
    top = layout.bottom + 2
    return [address(top + 2 + index, 6) for index in range(len(lines))]


def _fit(sheet: Worksheet) -> None:
    """Printed landscape, as wide as one page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def build(book: Book) -> Workbook:
    workbook = Workbook()
    _meta_sheet(workbook.active, book)
    workbook.active.title = META_SHEET
    _fit(workbook.active)
    for layout in book.sheets:
        sheet = workbook.create_sheet(layout.name)
        _fit(sheet)
        _table(sheet, layout)
        _sizes(sheet, layout)
        _validations(sheet, layout, book.max_number)
        _prefill(sheet, layout, book)
        _checks(sheet, layout, book.checks.get(layout.name, []))
    return workbook


def save(workbook: Workbook, path: Path) -> Path:
    """Write ``workbook`` to ``path`` through a temporary file in the same folder (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
