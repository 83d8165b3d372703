"""Live numbers in prose: a prose chapter may hold fields instead of numbers, filled from the report's data.

A field is a name between ``{{`` and ``}}`` (full-width ``｛｛`` ``｝｝`` too, as a Chinese input method types them),
optionally followed by a modifier after a dot (``.``, ``．`` or ``。``): ``{{收到申请}}``, ``{{予以公开.占比}}``,
``{{收到申请.上年}}``, ``{{收到申请.增长率}}``. The names and modifiers are declared in
``formats/declarations/fields.yaml``; a name is an indicator, the report's year, or a row (or declared group) of
the report's tables, optionally with its table and column. The value is printed as the report prints it
elsewhere: a count without separators, an unreported cell as "—", a share at its declared precision.

``fill_prose`` fills every field of a report's prose chapters (an unknown or unavailable field is a FieldError
naming the file, the line and the field); ``propose`` lists, for each number written in a chapter, the fields
that print that number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.errors import FieldError, InputError, did_you_mean
from nianbao.formats import Table, indicator_refs, load_indicators
from nianbao.formats.fields import FieldLanguage, ModifierKind, field_key, load_fields
from nianbao.shares import format_share, percent, round_half_up

if TYPE_CHECKING:
    from nianbao.inputs.report import Report

GAP = "—"  # an unreported cell, as the report prints it elsewhere
FIELD = re.compile(r"[{｛]{2}(?P<body>[^{}｛｝\n]*)[}｝]{2}")
_BRACES = re.compile(r"[{｛]{2}|[}｝]{2}")
_DOTS = re.compile(r"[.．。·・]")
_NUMBER = re.compile(r"(?<![0-9０-９.．])[0-9０-９]+(?:[.．][0-9０-９]+)?(?![0-9０-９])")
_SENTENCE_END = "。；！？!?;"


@dataclass(frozen=True)
class Year:
    """The report's year."""


@dataclass(frozen=True)
class IndicatorTarget:
    indicator: str


@dataclass(frozen=True)
class CellTarget:
    table: str
    row: str  # a declared row or group id, or the label of a free row
    column: str | None = None


@dataclass(frozen=True)
class SumTarget:
    """A declared sum of other fields (``sums`` in fields.yaml)."""

    name: str


Target = Year | IndicatorTarget | CellTarget | SumTarget


@dataclass(frozen=True)
class Field:
    """A field as written: the parts of its name and its modifier."""

    parts: tuple[str, ...]
    modifier: ModifierKind | None = None

    def __str__(self) -> str:
        words = list(self.parts)
        if self.modifier is not None:
            words.append(load_fields().modifier_name(self.modifier))
        return "{{" + ".".join(words) + "}}"


class _Unknown(Exception):
    """A name that resolves to nothing (or to several things): the message says which and why."""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse(body: str) -> Field:
    """``收到申请.增长率`` -> Field(("收到申请",), "growth"). Raises _Unknown on an empty name or part."""
    parts = [p.strip() for p in _DOTS.split(unicodedata.normalize("NFKC", body))]
    if not parts or not all(parts):
        raise _Unknown("字段名称为空或有空的部分")
    language = load_fields()
    modifier = language.modifier(parts[-1]) if len(parts) > 1 else None
    if modifier is not None:
        parts = parts[:-1]
        if len(parts) > 1 and language.modifier(parts[-1]) is not None:
            raise _Unknown("一个字段只能有一个修饰词", hint="如 {{收到申请.上年}} 或 {{予以公开.占比}}")
    return Field(tuple(parts), modifier)


class Names:
    """Every name a field may use in one report: indicator names, the year, the rows and groups of its tables
    (the free rows of its data too), the tables by title or official name and their columns by label."""

    def __init__(self, report: Report):
        self.report = report
        self.language: FieldLanguage = load_fields()
        self.first: dict[str, list[tuple[str, Target]]] = {}  # names that take precedence (indicators, the year)
        self.rows: dict[str, list[tuple[str, CellTarget]]] = {}
        for name, indicator_id in self.language.names.items():
            self.first.setdefault(field_key(name), []).append((name, IndicatorTarget(indicator_id)))
        for name in self.language.sums:
            self.first.setdefault(field_key(name), []).append((name, SumTarget(name)))
        for name in self.language.year:
            self.first.setdefault(field_key(name), []).append((name, Year()))
        for indicator in load_indicators().indicators:
            self.first.setdefault(field_key(indicator.label), []).append((indicator.label, IndicatorTarget(indicator.id)))
        for table in report.format.tables.values():
            for table_id, row_id, name in _row_names(report, table):
                self.rows.setdefault(field_key(name), []).append((name, CellTarget(table_id, row_id)))

    def known(self) -> list[str]:
        first = [name for entries in self.first.values() for name, _ in entries]
        return first + [name for entries in self.rows.values() for name, _ in entries]

    def entries(self) -> list[tuple[str, Target]]:
        """Every (name, target), the names that take precedence first."""
        first = [entry for entries in self.first.values() for entry in entries]
        return first + [entry for entries in self.rows.values() for entry in entries]

    def table(self, word: str) -> Table | None:
        """The table named by its title, its id, or its official name when no other table shares it (表三, 表四)."""
        key = field_key(word)
        tables = list(self.report.format.tables.values())
        officials = [field_key(t.official) for t in tables if t.official]
        for table in tables:
            if key in {field_key(table.title), field_key(table.id)}:
                return table
            if table.official and key == field_key(table.official) and officials.count(key) == 1:
                return table
        return None

    def resolve(self, field: Field) -> Target:
        """The target a field's name stands for in this report. Raises _Unknown."""
        parts = field.parts
        if len(parts) == 1:
            return self._named(parts[0])
        if len(parts) == 2:
            table = self.table(parts[0])
            if table is not None:
                return self._with_column(self._row_in(table, parts[1]), None)
            return self._with_column(self._cell_of(parts[0]), parts[1])
        if len(parts) == 3:
            table = self.table(parts[0])
            if table is None:
                raise _Unknown(f"没有名为“{parts[0]}”的表", hint=f"表名如“{_table_names(self.report)}”")
            return self._with_column(self._row_in(table, parts[1]), parts[2])
        raise _Unknown("字段名称的部分过多（至多为 表.行.列，再加一个修饰词）")

    def _named(self, word: str) -> Target:
        key = field_key(word)
        if key in self.first:
            target = self.first[key][0][1]
            return self._with_column(target, None) if isinstance(target, CellTarget) else target
        targets = self._rows_named(key)
        if not targets:
            raise _Unknown("未知的字段", hint=_suggest(word, self.known()))
        if len(targets) > 1:
            tables = "、".join(f"{{{{{self.report.format.tables[t.table].title}.{word}}}}}" for t in sorted(targets, key=str))
            raise _Unknown(f"“{word}”在几张表中都有", hint=f"写明表名，如 {tables}")
        return self._with_column(targets.pop(), None)

    def _rows_named(self, key: str, table: str | None = None) -> set[CellTarget]:
        """The rows and groups of that name; a group and the rows it adds up (（六）其他处理 in one row or three)
        are one: the group."""
        targets = {t for _, t in self.rows.get(key, []) if table is None or t.table == table}
        groups = {t for t in targets if t.row in self.report.format.tables[t.table].groups}
        for group in groups:
            members = self.report.format.tables[group.table].groups[group.row].rows
            targets -= {t for t in targets if t.table == group.table and t.row in members}
        return targets

    def _row_in(self, table: Table, word: str) -> CellTarget:
        targets = self._rows_named(field_key(word), table.id)
        if targets:
            return sorted(targets, key=str)[0]
        names = [name for entries in self.rows.values() for name, t in entries if t.table == table.id]
        raise _Unknown(f"表“{table.title}”中没有“{word}”", hint=_suggest(word, names))

    def _cell_of(self, word: str) -> CellTarget:
        """The cell a name stands for, to be read in another column: a row, or an indicator of one cell."""
        key = field_key(word)
        targets = self._rows_named(key)
        if len(targets) == 1:
            return targets.pop()
        target = self.first[key][0][1] if key in self.first else None
        if isinstance(target, IndicatorTarget):
            refs = _indicator_cells(self.report, target.indicator)
            if len(refs) == 1:
                return CellTarget(refs[0].table, refs[0].row)
        if len(targets) > 1:
            raise _Unknown(f"“{word}”在几张表中都有", hint="写明表名，如 {{表名.行.列}}")
        raise _Unknown(f"没有名为“{word}”的行", hint=_suggest(word, self.known()))

    def _with_column(self, target: Target, word: str | None) -> Target:
        """A cell target with its column: the named one, or the table's default column."""
        if not isinstance(target, CellTarget):
            if word is not None:
                raise _Unknown("只有表中的行可以写明列")
            return target
        table = self.report.format.tables[target.table]
        if word is not None:
            key = field_key(word)
            for column in table.columns:
                if key in {field_key(n) for n in column.names()}:
                    return CellTarget(target.table, target.row, column.id)
            labels = [c.label for c in table.columns]
            raise _Unknown(f"表“{table.title}”中没有“{word}”列", hint=_suggest(word, labels) or f"列为 {'、'.join(labels)}")
        ids = [c.id for c in table.columns]
        default = next((c for c in self.language.default_columns if c in ids), ids[0] if len(ids) == 1 else None)
        if default is None:
            columns = "、".join(c.label for c in table.columns)
            example = f"{_display(_row_label(table, target.row))}.{table.columns[0].label}"
            raise _Unknown(f"“{table.title}”有多列（{columns}），需写明列", hint=f"如 {{{{{example}}}}}")
        return CellTarget(target.table, target.row, default)


_ITEM_NUMBER = re.compile(r"^([(（][0-9一二三四五六七八九十]+[)）]|[0-9一二三四五六七八九十]+[、.．])")


def _display(name: str) -> str:
    """A label as a field name: without its item number ("（一）予以公开" -> "予以公开")."""
    return _ITEM_NUMBER.sub("", name.strip(), count=1) or name


def _row_label(table: Table, row_id: str) -> str:
    if row_id in table.groups:
        return table.groups[row_id].label
    return next((r.short or r.label for r in table.rows if r.id == row_id), row_id)


def _suggest(word: str, names: list[str]) -> str | None:
    match = did_you_mean(word, names)
    return f"是否想写 {{{{{match}}}}}？" if match else None


def _table_names(report: Report) -> str:
    return "”“".join(t.title for t in report.format.tables.values())


def _row_names(report: Report, table: Table) -> Iterator[tuple[str, str, str]]:
    for row in table.rows:
        for name in (*row.names(), *([row.short] if row.short else [])):
            yield table.id, row.id, name
    for group_id, group in table.groups.items():
        yield table.id, group_id, group.label
    data = report.tables.get(table.id)
    if table.free_rows and data is not None:
        for data_row in data.rows:
            yield table.id, data_row.label, data_row.label


def _indicator_cells(report: Report, indicator_id: str):
    """The first alternative of each cell of an indicator in the report's era (empty: the era has none)."""
    cells = load_indicators().get(indicator_id).cells.get(report.format.era, ())
    return [next(iter(indicator_refs(text))) for text in cells]


# --- values ---------------------------------------------------------------------------------------------------
def _cell(report: Report, target: CellTarget):
    data = report.tables.get(target.table)
    if data is None:
        return None
    row = data.find(target.row) or next((r for r in data.rows if r.row is None and r.label == target.row), None)
    return None if row is None else row.value(target.column or report.main_column(target.table))


def value(report: Report, target: Target):
    """The number (or text) a target stands for in ``report``; None when it is not reported."""
    from nianbao.inputs.report import indicator_value

    if isinstance(target, Year):
        return Decimal(report.params.year)
    if isinstance(target, IndicatorTarget):
        indicator = load_indicators().get(target.indicator)
        if not indicator.cells.get(report.format.era):
            raise _Unknown(f"{report.format.name}的报告没有“{indicator.label}”这一数字")
        return indicator_value(report, indicator)
    if isinstance(target, SumTarget):
        names = Names(report)
        parts = [value(report, names.resolve(Field((part,)))) for part in load_fields().sums[target.name]]
        if not all(isinstance(p, Decimal) for p in parts):
            return None
        return sum(parts, Decimal(0))
    return _cell(report, target)


def _cells(report: Report, target: Target, names: Names | None = None) -> list[CellTarget]:
    """The cells a target adds up (each indicator cell: its first alternative with a number); [] for the year."""
    if isinstance(target, CellTarget):
        return [target]
    if isinstance(target, IndicatorTarget):
        indicator = load_indicators().get(target.indicator)
        cells = []
        for text in indicator.cells.get(report.format.era, ()):
            refs = indicator_refs(text)
            ref = next((r for r in refs if isinstance(report.cell(r), Decimal)), refs[0])
            cells.append(CellTarget(ref.table, ref.row, ref.column or report.main_column(ref.table)))
        return cells
    if isinstance(target, SumTarget):
        names = names or Names(report)
        return [c for part in load_fields().sums[target.name] for c in _cells(report, names.resolve(Field((part,))), names)]
    return []


def _share_id(report: Report, cell: CellTarget) -> str | None:
    """The declared share whose parts include the cell."""
    for share_id in report.format.shares:
        spec = report.share_spec(share_id)
        if spec.table != cell.table:
            continue
        if spec.row is not None:
            found = cell.row == spec.row and cell.column in spec.columns
        else:
            found = cell.column == (spec.column or report.main_column(spec.table)) and (
                spec.rows is None or cell.row in spec.rows
            )
        if found:
            return share_id
    return None


def share(report: Report, target: Target) -> str:
    """The share of the cell (or of the sum of cells that are parts of the same share), with the base and precision
    declared for it (format, then params)."""
    cells = _cells(report, target)
    shares = {_share_id(report, cell) for cell in cells}
    if not cells or len(shares) != 1 or None in shares:
        raise _Unknown("格式声明中没有这一数字的占比", hint="占比的基数和精度在格式声明（或 params）的 shares 中声明")
    share_id = shares.pop()
    assert share_id is not None
    spec = report.share_spec(share_id)
    numbers = [_cell(report, cell) for cell in cells]
    base = report.share_base(share_id)
    if not all(isinstance(n, Decimal) for n in numbers) or base is None or base.number is None:
        return GAP
    total = sum(numbers, Decimal(0))
    return format_share(percent(total, base.number, spec.precision), spec.precision, spec.trailing_zeros)


def _previous(report: Report) -> Report:
    year = report.params.year - 1
    if report.previous is not None:
        return report.previous
    if year not in report.years:
        raise _Unknown(
            f"没有上一年度（{year}年）的报告", hint=f"上年的数字需要 params/{report.params.body}/{year}.yaml 和它的数据"
        )
    from nianbao.inputs.report import load_report

    try:
        return load_report(report.layout, report.params.body, year, previous=False)
    except InputError as exc:
        raise _Unknown(f"上一年度（{year}年）的报告无法读取: {exc.message}") from None


def _previous_value(report: Report, field: Field):
    earlier = _previous(report)
    try:
        return value(earlier, Names(earlier).resolve(field))
    except _Unknown as exc:
        raise _Unknown(f"上一年度（{earlier.params.year}年）的报告中: {exc.message}", hint=exc.hint) from None


def _number(current) -> Decimal | None:
    if current is not None and not isinstance(current, Decimal):
        raise _Unknown(f"这一字段不是数字（{current}），不能计算增减")
    return current


def show(current) -> str:
    if current is None:
        return GAP
    if isinstance(current, Decimal):
        return f"{current:f}" if current != current.to_integral_value() else str(int(current))
    return str(current)


def render(report: Report, field: Field, names: Names | None = None) -> str:
    """The text a field prints in ``report``. Raises _Unknown."""
    target = (names or Names(report)).resolve(field)
    kind = field.modifier
    if kind is None:
        return show(value(report, target))
    if kind == "share":
        return share(report, target)
    bare = Field(field.parts)
    if kind == "previous":
        if isinstance(target, Year):
            return show(Decimal(report.params.year - 1))
        return show(_previous_value(report, bare))
    if isinstance(target, Year):
        raise _Unknown("年度只能写“上年”")
    current, earlier = _number(value(report, target)), _number(_previous_value(report, bare))
    if current is None or earlier is None:
        return GAP
    delta = current - earlier
    modifier = load_fields().modifiers[kind]
    if kind == "change":
        return show(delta)
    if kind == "amount":
        return show(abs(delta))
    if kind == "direction":
        return modifier.words["up" if delta > 0 else "down" if delta < 0 else "same"]
    if earlier == 0:
        raise _Unknown(f"上一年度为 0，无法计算增长率（本年 {show(current)}）", hint="改写这句话，例如写增减数")
    rate = round_half_up(delta * 100 / earlier, modifier.precision)
    return f"{abs(rate) if rate == 0 else rate:.{modifier.precision}f}"


# --- filling a report's prose -------------------------------------------------------------------------------
def _fill_line(report: Report, line: str, where: tuple[Path, int], problems: list[FieldError]) -> str:
    path, number = where

    def replace(match: re.Match) -> str:
        try:
            return render(report, parse(match.group("body")))
        except _Unknown as exc:
            problems.append(FieldError(exc.message, path=path, line=number, value=match.group(0), hint=exc.hint))
            return match.group(0)

    filled = FIELD.sub(replace, line)
    stray = _BRACES.search(FIELD.sub("", line))
    if stray is not None:
        problems.append(
            FieldError(
                "字段的括号不成对",
                path=path,
                line=number,
                value=stray.group(0),
                expected="{{名称}} 成对书写（半角 {{ }} 或全角 ｛｛ ｝｝，同一行内）",
            )
        )
    return filled


def fill_prose(report: Report) -> dict[str, str]:
    """The report's prose chapters with every field filled in, as rendered. Raises FieldError listing every field
    that cannot be filled (file, line, field, why)."""
    problems: list[FieldError] = []
    prose = {}
    for chapter_id, source in report.prose_source.items():
        path = report.prose_path(chapter_id)
        lines = [_fill_line(report, line, (path, i), problems) for i, line in enumerate(source.split("\n"), start=1)]
        prose[chapter_id] = "\n".join(lines).strip()
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise FieldError(
            f"文字章节中有 {len(problems)} 个字段无法填写:\n"
            + "\n".join("  - " + str(p).replace("\n", "\n    ") for p in problems)
        )
    return prose


# --- proposing fields for the numbers of a chapter ----------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    path: Path
    line: int
    start: int  # where the number starts in the line
    sentence: str  # the sentence, the number marked 【】
    number: str
    fields: tuple[str, ...]


def candidates(report: Report) -> dict[str, list[str]]:
    """Every field the report can fill, by the text it prints (fields that print "—" left out). Each number is
    written with the shortest name that stands for it, then with each modifier."""
    names = Names(report)
    declared = set(names.language.names) | set(names.language.year)
    written: dict[object, tuple[tuple[int, int], Field]] = {}
    for name, target in names.entries():
        # the declared field names first, then row labels, then the (long) indicator labels
        tier = 0 if name in declared else 1 if isinstance(target, CellTarget) else 2
        for field in _fields_for(report, name, target):
            try:
                identity = _identity(report, names.resolve(field))
            except _Unknown:
                continue
            rank = (tier, len(str(field)))
            if identity not in written or rank < written[identity][0]:
                written[identity] = (rank, field)
    found: dict[str, list[str]] = {}
    for kind in (None, *names.language.modifiers):  # the plain numbers first, then each modifier
        for _, field in written.values():
            modified = Field(field.parts, kind)
            try:
                text = render(report, modified, names)
            except _Unknown:
                continue
            if text != GAP:
                found.setdefault(text, []).append(str(modified))
    return found


def _identity(report: Report, target: Target) -> object:
    """What a target reads: an indicator of one cell is that cell."""
    cells = _cells(report, target) if isinstance(target, IndicatorTarget) else []
    return cells[0] if len(cells) == 1 else target


def _fields_for(report: Report, name: str, target: Target) -> list[Field]:
    """The ways a target may be written as a field: its name, with its table, and with each column of its table
    (the caller keeps those that resolve and prefers the shortest)."""
    if isinstance(target, IndicatorTarget):
        refs = _indicator_cells(report, target.indicator)
        table = report.format.tables[refs[0].table] if len(refs) == 1 else None
        columns = table.columns if table is not None and len(table.columns) > 1 else ()
        return [Field((name,))] + [Field((name, column.label)) for column in columns]
    if not isinstance(target, CellTarget):
        return [Field((name,))]
    table = report.format.tables[target.table]
    name = _display(name)
    fields = [Field((name,)), Field((table.title, name))]
    if len(table.columns) > 1:
        fields += [Field((name, column.label)) for column in table.columns]
        fields += [Field((table.title, name, column.label)) for column in table.columns]
    return fields


def propose(report: Report, chapters: list[str] | None = None) -> list[Proposal]:
    """For each number written in the prose chapters (all, or ``chapters``), the fields that print it."""
    found = candidates(report)
    proposals = []
    for chapter_id, source in report.prose_source.items():
        if chapters is not None and chapter_id not in chapters:
            continue
        path = report.prose_path(chapter_id)
        for number, line in enumerate(source.split("\n"), start=1):
            outside = FIELD.sub(lambda m: "\0" * len(m.group(0)), line)
            for match in _NUMBER.finditer(outside):
                literal = unicodedata.normalize("NFKC", match.group(0))
                fields = found.get(literal)
                if fields:
                    sentence = _sentence(line, match.start(), match.end())
                    proposals.append(Proposal(path, number, match.start(), sentence, literal, tuple(fields)))
    return proposals


def _sentence(line: str, start: int, end: int) -> str:
    """The sentence of ``line`` around ``start:end``, with the number marked 【】."""
    left = max((line.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (line.find(c, end) for c in _SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(line)
    return (line[left:start] + "【" + line[start:end] + "】" + line[end:right]).strip()
