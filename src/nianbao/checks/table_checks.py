"""The checks of one table's frame: the rows a table may, must and may only once hold, one layout variant, the
text of each value cell by its kind, the cells a complete table must report, and numbers too large to be
plausible.

A table's frame (``frames.table_frame``) has a row per data row and the columns named here: ``label``, ``row``
(the canonical row id), ``kind``, ``line``, ``variant`` and, for every declared value column ``c``, ``c`` (the
number), ``c_text`` (the normalised text) and ``c_kind`` (the kind of the cell).

A table's suite holds its table checks (``TableCheck``) in registration order, then, column by column, its column
checks (``ColumnCheck``) in registration order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from nianbao.checks.registry import CheckType, Outcome, register, where
from nianbao.checks.results import Severity
from nianbao.errors import did_you_mean
from nianbao.formats import Column, Table

FRAME: Final = "table"
LABEL: Final = "label"
ROW: Final = "row"
KIND: Final = "kind"
LINE: Final = "line"
VARIANT: Final = "variant"

COUNT_REGEX: Final = r"^(?:0|[1-9][0-9]*)$"
MONEY_REGEX: Final = r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"
SIGNED_REGEX: Final = r"^[-+]?(?:0|[1-9][0-9]*)$"


def frame_id(table_id: str) -> str:
    """The name under which ``frames`` keeps a table's frame and the table's suite finds it."""
    return f"{FRAME}:{table_id}"


def number_column(column_id: str) -> str:
    """The frame column holding a value column's numbers (None where the cell is not a number)."""
    return column_id


def text_column(column_id: str) -> str:
    """The frame column holding a value column's normalised cell text (None where the cell is empty)."""
    return f"{column_id}_text"


def kind_column(column_id: str) -> str:
    """The frame column holding the kind of each cell of a value column (the column's kind, else the row's)."""
    return f"{column_id}_kind"


def table_columns(table: Table) -> list[str]:
    """Every column of a table's frame, in order."""
    values = [name for c in table.columns for name in (number_column(c.id), text_column(c.id), kind_column(c.id))]
    return [LABEL, ROW, KIND, LINE, VARIANT, *values]


@dataclass(frozen=True)
class TableColumn:
    """One value column of a declared table: what a column check is built from."""

    table: Table
    column: Column

    @property
    def kinds(self) -> set[str]:
        """The kinds of cell the column can hold: its own kind (and text rows), else the kinds of the rows; a label
        the declaration does not know counts as a count."""
        row_kinds = {"count"} | {r.kind for r in self.table.rows}
        if self.column.kind:
            return {self.column.kind} | ({"text"} & row_kinds)
        return row_kinds


@dataclass(frozen=True)
class _Source:
    """The declared table a failure is in and how a sentence names its file."""

    table: Table
    file: str

    def at(self, record: dict) -> str:
        """The file, line and label of a row of the frame."""
        return f"{self.file} 第{record[LINE]}行 “{record[LABEL]}”"


def _source(outcome: Outcome) -> _Source:
    data = outcome.report.tables[outcome.suite["table"]]
    root = outcome.report.root
    name = data.path.relative_to(root) if data.path.is_relative_to(root) else data.path
    return _Source(data.table, str(name))


class TableCheck(CheckType[Table]):
    """A check of a whole table's frame, built from the declared table."""

    frame = FRAME
    severity: ClassVar[Severity] = Severity.CRITICAL


class ColumnCheck(CheckType[TableColumn]):
    """A check of one value column of a table's frame, built from the table and the column."""

    frame = FRAME
    severity: ClassVar[Severity] = Severity.CRITICAL

    def applies(self, outcome: Outcome) -> bool:
        """Not for an optional column the report's data file does not have (e.g. no 历年累计)."""
        return outcome.meta["column"] in outcome.report.tables[outcome.suite["table"]].columns

    def _column(self, outcome: Outcome) -> tuple[str, str]:
        """The id and the label of the column a failed expectation checked."""
        column = outcome.meta["column"]
        return column, _source(outcome).table.column(column).label


@register
class LabelsDeclared(TableCheck):
    """Every row label is a label (or a known alias) the declaration gives the table; free-row tables have none."""

    id = "labels_declared"

    def expectations(self, declared: Table) -> list[dict]:
        if declared.free_rows:
            return []
        return [
            self.expectation(
                "expect_column_values_to_be_in_set",
                {"column": ROW, "value_set": [r.id for r in declared.rows]},
                severity=self.severity,
                description=f"“{declared.title}”的每个指标都应是格式声明中的指标（或其已知别名）",
            )
        ]

    def reads(self, declared: Table) -> tuple[str, ...]:
        return (ROW, LINE, LABEL)

    def details(self, outcome: Outcome) -> list[str]:
        source = _source(outcome)
        table = source.table
        names = [n for r in table.rows for n in r.names()]
        known = "、".join(r.label for r in table.rows)
        out = []
        for rec in outcome.unexpected():
            guess = did_you_mean(rec[LABEL], names)
            hint = f"，是否想写“{guess}”？" if guess else ""
            out.append(f"{source.at(rec)}: 不是表“{table.title}”中声明的指标{hint}可用: {known}")
        return out

    plain_wording = "“{table}”中的“{label}”不是该表的指标{guess}"

    def findings(self, outcome: Outcome) -> list[dict]:
        table = _source(outcome).table
        names = [n for r in table.rows for n in r.names()]
        found = []
        for rec in outcome.unexpected():
            guess = did_you_mean(rec[LABEL], names)
            found.append({"table": table.title, "label": rec[LABEL], "guess": f"（可能应为“{guess}”）" if guess else ""})
        return found


@register
class NoDuplicateRows(TableCheck):
    """No indicator appears twice (also under two of its names)."""

    id = "no_duplicate_rows"

    def expectations(self, declared: Table) -> list[dict]:
        return [
            self.expectation(
                "expect_column_values_to_be_unique",
                {"column": ROW},
                severity=self.severity,
                description=f"“{declared.title}”中每个指标只能出现一次",
            )
        ]

    def reads(self, declared: Table) -> tuple[str, ...]:
        return (ROW, LINE, LABEL)

    def details(self, outcome: Outcome) -> list[str]:
        source = _source(outcome)
        return [f"{source.at(rec)}: 指标重复出现" for rec in outcome.unexpected()]

    plain_wording = "“{table}”中的{labels}是同一个指标，填了{times}次"

    def findings(self, outcome: Outcome) -> list[dict]:
        title = _source(outcome).table.title
        by_row: dict[str, list[str]] = {}
        for rec in outcome.unexpected():
            by_row.setdefault(rec[ROW], []).append(rec[LABEL])
        return [
            {"table": title, "labels": "和".join(f"“{label}”" for label in dict.fromkeys(labels)), "times": len(labels)}
            for labels in by_row.values()
        ]


@register
class RequiredRows(TableCheck):
    """The rows the declaration marks ``required`` are present."""

    id = "required_rows"

    def expectations(self, declared: Table) -> list[dict]:
        required = [r.id for r in declared.rows if r.required]
        if not required:
            return []
        return [
            self.expectation(
                "expect_column_distinct_values_to_contain_set",
                {"column": ROW, "value_set": required},
                severity=self.severity,
                description=f"“{declared.title}”必须包含: " + "、".join(declared.row(r).label for r in required),
            )
        ]

    def reads(self, declared: Table) -> tuple[str, ...]:
        return (ROW,)

    def blocked(self, outcome: Outcome) -> str | None:
        """Not while a label of the table is unknown: the row it was meant to be may be the one missing."""
        unknown = outcome.report.unknown_labels(outcome.suite["table"])
        if not unknown:
            return None
        labels = "、".join(f"“{r.label}”" for r in unknown)
        return f"未评估：表中有未声明的指标 {labels}，无法判断必须包含的指标是否缺少"

    def details(self, outcome: Outcome) -> list[str]:
        source = _source(outcome)
        present = set(outcome.frame[ROW])  # GX reports no observed rows for this expectation, only some missing
        missing = [r for r in outcome.kwargs["value_set"] if r not in present]
        return [f"{source.file}: 缺少指标“{source.table.row(r).label}”" for r in missing]

    plain_wording = "“{table}”缺少“{row}”一项"

    def findings(self, outcome: Outcome) -> list[dict]:
        table = _source(outcome).table
        present = set(outcome.frame[ROW])
        return [{"table": table.title, "row": table.row(r).label} for r in outcome.kwargs["value_set"] if r not in present]


@register
class OneLayoutVariant(TableCheck):
    """The rows of a table that declares layout variants all belong to one variant."""

    id = "one_layout_variant"

    def expectations(self, declared: Table) -> list[dict]:
        variants = declared.variants()
        if len(variants) <= 1:
            return []
        layouts = "；或".join("、".join(r.label for r in rows) for rows in variants.values())
        return [
            self.expectation(
                "expect_column_unique_value_count_to_be_between",
                {"column": VARIANT, "max_value": 1},
                severity=self.severity,
                description=f"“{declared.title}”只能采用一种行布局：{layouts}",
            )
        ]

    def reads(self, declared: Table) -> tuple[str, ...]:
        return (VARIANT, LINE, LABEL)

    def details(self, outcome: Outcome) -> list[str]:
        source = _source(outcome)
        rows = outcome.frame[outcome.frame[VARIANT].notna()]
        return [f"{source.at(rec)}（{rec[VARIANT]} 布局）" for rec in rows.to_dict(orient="records")]

    plain_wording = "“{table}”混用了两种行布局：{rows}不能同时填报"

    def findings(self, outcome: Outcome) -> list[dict]:
        rows = outcome.frame[outcome.frame[VARIANT].notna()].to_dict(orient="records")
        return [{"table": _source(outcome).table.title, "rows": "与".join(f"“{rec[LABEL]}”" for rec in rows)}]


class ValueText(ColumnCheck):
    """The normalised text of every cell of one kind matches the pattern of that kind."""

    kind: ClassVar[str]
    regex: ClassVar[str]
    wording: ClassVar[str]  # what the description says the cells must be
    expected: ClassVar[str]  # what a failure says the cell is not

    def expectations(self, declared: TableColumn) -> list[dict]:
        if self.kind not in declared.kinds:
            return []
        column = declared.column
        return [
            self.expectation(
                "expect_column_values_to_match_regex",
                {
                    "column": text_column(column.id),
                    "regex": self.regex,
                    "row_condition": where(kind_column(column.id), self.kind),
                },
                severity=self.severity,
                description=f"“{declared.table.title}”{column.label}列的{self.wording}",
                column=column.id,
            )
        ]

    def reads(self, declared: TableColumn) -> tuple[str, ...]:
        return (text_column(declared.column.id), kind_column(declared.column.id), LINE, LABEL)

    def details(self, outcome: Outcome) -> list[str]:
        source = _source(outcome)
        column, label = self._column(outcome)
        text = text_column(column)
        return [f"{source.at(rec)} {label}列: {rec[text]!r} 不是{self.expected}" for rec in outcome.unexpected()]

    plain_wording = "“{table}”“{label}”一行{column}列填写的“{text}”不是{expected}"

    def findings(self, outcome: Outcome) -> list[dict]:
        column, label = self._column(outcome)
        title, text = _source(outcome).table.title, text_column(column)
        return [
            {"table": title, "label": rec[LABEL], "column": label, "text": rec[text], "expected": self.expected}
            for rec in outcome.unexpected()
        ]


@register
class CountsAreNonNegativeIntegers(ValueText):
    """A count is written as a non-negative integer."""

    id = "counts_are_non_negative_integers"
    kind = "count"
    regex = COUNT_REGEX
    wording = "件数应为非负整数"
    expected = "非负整数"


@register
class AmountsAreNonNegative(ValueText):
    """An amount of money is written as a non-negative number, decimals allowed."""

    id = "amounts_are_non_negative"
    kind = "money"
    regex = MONEY_REGEX
    wording = "金额应为非负数"
    expected = "非负数"


@register
class ChangesAreIntegers(ValueText):
    """A change (本年增/减) is written as an integer, with or without its sign."""

    id = "changes_are_integers"
    kind = "signed"
    regex = SIGNED_REGEX
    wording = "增减数应为整数（可带正负号）"
    expected = "整数"


@register
class CellsReported(ColumnCheck):
    """Every cell of a table declared ``complete`` is filled in: an empty cell is not reported, not a zero."""

    id = "cells_reported"
    severity = Severity.WARNING

    def expectations(self, declared: TableColumn) -> list[dict]:
        if not declared.table.complete:
            return []
        column = declared.column
        return [
            self.expectation(
                "expect_column_values_to_not_be_null",
                {"column": text_column(column.id)},
                severity=self.severity,
                description=f"“{declared.table.title}”{column.label}列的每个单元格都应填写（空白表示未报告，不等于 0）",
                column=column.id,
            )
        ]

    def reads(self, declared: TableColumn) -> tuple[str, ...]:
        return (text_column(declared.column.id), LINE, LABEL)

    def details(self, outcome: Outcome) -> list[str]:
        source = _source(outcome)
        _, label = self._column(outcome)
        rows = "、".join(f"第{rec[LINE]}行“{rec[LABEL]}”" for rec in outcome.unexpected())
        return [f"{source.file} {label}列空白（未报告，与 0 区分）: {rows}"]

    plain_wording = "“{table}”{column}列有{n}个单元格未填写（空白表示未报告，不等于0）：{rows}"

    def findings(self, outcome: Outcome) -> list[dict]:
        _, label = self._column(outcome)
        flagged = outcome.unexpected()
        rows = "、".join(f"“{rec[LABEL]}”" for rec in flagged)
        return [{"table": _source(outcome).table.title, "column": label, "n": len(flagged), "rows": rows}]


@register
class PlausibleMagnitude(ColumnCheck):
    """No count exceeds the table's ``plausible_max`` (a larger number is most likely a mistyped one)."""

    id = "plausible_magnitude"
    severity = Severity.WARNING

    def expectations(self, declared: TableColumn) -> list[dict]:
        table, column = declared.table, declared.column
        if table.plausible_max is None or "count" not in declared.kinds:
            return []
        return [
            self.expectation(
                "expect_column_values_to_be_between",
                {
                    "column": number_column(column.id),
                    "max_value": table.plausible_max,
                    "row_condition": where(kind_column(column.id), "count"),
                },
                severity=self.severity,
                description=f"“{table.title}”{column.label}列的数值不应超过 {table.plausible_max}（更大的数多半是多输了数字）",
                column=column.id,
            )
        ]

    def reads(self, declared: TableColumn) -> tuple[str, ...]:
        column = declared.column.id
        return (number_column(column), kind_column(column), text_column(column), LINE, LABEL)

    def details(self, outcome: Outcome) -> list[str]:
        source = _source(outcome)
        column, label = self._column(outcome)
        text, limit = text_column(column), outcome.kwargs["max_value"]
        return [f"{source.at(rec)} {label}列: {rec[text]} 大于 {limit}，请核对是否多输入了数字" for rec in outcome.unexpected()]

    plain_wording = "“{table}”“{label}”一行{column}列为{value}，超过合理上限{limit}，可能多输入了数字"

    def findings(self, outcome: Outcome) -> list[dict]:
        column, label = self._column(outcome)
        title, text, limit = _source(outcome).table.title, text_column(column), outcome.kwargs["max_value"]
        return [
            {"table": title, "label": rec[LABEL], "column": label, "value": rec[text], "limit": limit}
            for rec in outcome.unexpected()
        ]
