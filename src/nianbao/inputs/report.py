"""One report: its params, its format, its raw counts and prose, and what is computed from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from nianbao.errors import DataError, InputError
from nianbao.formats import CellRef, Format, Indicator, ShareSpec, indicator_refs
from nianbao.inputs.params import Params, load_params
from nianbao.inputs.tables import DataRow, DataTable, read_tables
from nianbao.paths import ProjectLayout, as_layout
from nianbao.shares import format_share, percent


@dataclass(frozen=True)
class Item:
    """A row as the narrative and tables use it."""

    key: str
    label: str  # as published
    value: str  # as printed (integers without separators)
    number: Decimal | None
    unit: str
    share: str | None = None  # formatted at the declared precision; None when the base is missing or zero
    share_value: Decimal | None = None
    published_share: str | None = None
    line: int | None = None


def format_number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:f}" if value != value.to_integral_value() else str(int(value))
    return str(value)


@dataclass
class Report:
    layout: ProjectLayout  # the project the report was loaded from
    params: Params
    format: Format
    tables: dict[str, DataTable]
    prose: dict[str, str]  # chapter id -> text as rendered (fields filled in)
    years: tuple[int, ...] = ()  # the years of the same body that have params, up to this one
    previous: Report | None = None  # the same body's report of the year before, when it exists and loads
    loader_notes: list[str] = field(default_factory=list)
    prose_source: dict[str, str] = field(default_factory=dict)  # chapter id -> the file's text, fields as written

    @property
    def root(self) -> Path:
        return self.layout.root

    @property
    def data_dir(self) -> Path:
        return self.layout.data_dir(self.params.body, self.params.year)

    @property
    def params_path(self) -> Path:
        return self.layout.params_file(self.params.body, self.params.year)

    def prose_path(self, chapter_id: str) -> Path:
        return self.data_dir / "prose" / str(self.format.chapter(chapter_id).file)

    @property
    def notes(self) -> list[str]:
        """What the loader normalised or noticed (encodings, number forms), to tell the user."""
        return [note for table in self.tables.values() for note in table.notes] + self.loader_notes

    @property
    def label(self) -> str:
        return f"{self.params.body} {self.params.year}"

    def shows(self, chapter_id: str) -> bool:
        """Whether this report has the chapter: not omitted in the params, its required table present, and (for
        the trend) enough years of the same body."""
        chapter = self.format.chapter(chapter_id)
        if self.params.omits(chapter_id):
            return False
        if chapter.requires is not None and chapter.requires not in self.tables:
            return False
        if chapter.min_years is not None:
            return len(self.years) >= chapter.min_years
        return True

    # --- access to counts -------------------------------------------------------------------------------
    def row(self, table: str, row_id: str) -> DataRow | None:
        data = self.tables.get(table)
        return None if data is None else data.find(row_id)

    def unknown_labels(self, table: str) -> list[DataRow]:
        """The rows of ``table`` whose label is neither a declared row nor an alias (none for free-row tables): while
        there is one, the table cannot be read row by row."""
        data = self.tables.get(table)
        if data is None or data.table.free_rows:
            return []
        return [r for r in data.rows if r.row is None]

    def main_column(self, table: str) -> str:
        return self.format.tables[table].columns[0].id

    def has(self, table: str, row_id: str, column: str | None = None) -> bool:
        return self.value(table, row_id, column) is not None

    def value(self, table: str, row_id: str, column: str | None = None):
        row = self.row(table, row_id)
        return None if row is None else row.value(column or self.main_column(table))

    def cell(self, ref: CellRef):
        return self.value(ref.table, ref.row, ref.column)

    def rows(self, table: str, row_ids=None, exclude=()) -> list[DataRow]:
        """Rows of ``table`` in file order; ``row_ids`` (None: all) selects and orders declared rows."""
        data = self.tables.get(table)
        if data is None:
            return []
        if row_ids is None or row_ids == "all":
            chosen = list(data.rows)
        else:
            chosen = [r for r in data.rows if r.row is not None and r.row.id in row_ids]
        return [r for r in chosen if r.key not in exclude]

    # --- shares -----------------------------------------------------------------------------------------
    def share_spec(self, share_id: str) -> ShareSpec:
        return self.params.share(share_id)

    def share_base(self, share_id: str) -> Item | None:
        spec = self.share_spec(share_id)
        ref = spec.base_ref
        row = self.row(ref.table, ref.row)
        if row is None:
            return None
        return self._item(row, ref.table, column=ref.column)

    def _item(
        self,
        row: DataRow,
        table: str,
        *,
        spec: ShareSpec | None = None,
        base=None,
        column: str | None = None,
        key: str | None = None,
        label: str | None = None,
    ) -> Item:
        number = row.value(column or self.main_column(table))
        share_value = None
        share = None
        if spec is not None and isinstance(number, Decimal):
            share_value = percent(number, base, spec.precision) if isinstance(base, Decimal) else None
            if share_value is not None:
                share = format_share(share_value, spec.precision, spec.trailing_zeros)
        return Item(
            key=key or row.key,
            label=label or (row.row.short if row.row is not None and row.row.short else row.label),
            value=format_number(number),
            number=number if isinstance(number, Decimal) else None,
            unit=(row.row.unit if row.row is not None and row.row.unit else None) or self.format.tables[table].unit,
            share=share,
            share_value=share_value,
            published_share=row.published_share if key is None else None,
            line=row.line,
        )

    def items(self, table: str, exclude=()) -> list[Item]:
        return [self._item(r, table) for r in self.rows(table, exclude=exclude) if r.value(self.main_column(table)) is not None]

    def share_items(self, share_id: str) -> list[Item]:
        """The parts of a share that the report states, with their shares (rows of a column, or columns of a row)."""
        spec = self.share_spec(share_id)
        base_item = self.share_base(share_id)
        base = base_item.number if base_item is not None else None
        declared = self.format.tables[spec.table]
        if spec.row is not None:
            return self._column_items(spec.table, spec.row, spec.columns, spec=spec, base=base)
        column = spec.column or self.main_column(spec.table)
        if spec.rows is None:
            rows = self.rows(spec.table)
        else:  # rows in file order, then the declared subtotals (groups) among the parts
            groups = [self.row(spec.table, g) for g in spec.rows if g in declared.groups]
            rows = self.rows(spec.table, spec.rows) + [g for g in groups if g is not None]
        items = [self._item(r, spec.table, spec=spec, base=base, column=spec.column) for r in rows if r.value(column) is not None]
        return items

    def text(self, table: str, row_id: str, column: str | None = None) -> str:
        """The cell exactly as published (e.g. "251000元"); "—" when absent."""
        row = self.row(table, row_id)
        cell = None if row is None else row.cells.get(column or self.main_column(table))
        return cell.raw.strip() if cell is not None and not cell.empty else "—"

    def row_items(self, table: str, row_id: str, exclude=()) -> list[Item]:
        """The reported cells of one row as items labelled by their columns (e.g. the outcomes of 行政复议)."""
        columns = [c.id for c in self.format.tables[table].columns if c.id not in exclude]
        return self._column_items(table, row_id, columns)

    def _column_items(self, table: str, row_id: str, columns, *, spec: ShareSpec | None = None, base=None) -> list[Item]:
        """The reported cells of ``columns`` in one row, each an item labelled by its column."""
        row = self.row(table, row_id)
        if row is None:
            return []
        declared = self.format.tables[table]
        items = [self._item(row, table, spec=spec, base=base, column=c, key=c, label=declared.column(c).label) for c in columns]
        return [i for i in items if i.number is not None]

    def num(self, table: str, row_id: str, column: str | None = None) -> str:
        """The value as printed: a count without separators, a text cell as written, "—" when absent."""
        return format_number(self.value(table, row_id, column))


def indicator_value(report: Report, indicator: Indicator) -> Decimal | None:
    """The indicator in ``report``: the sum of its cells for the report's era; None when the era has no such
    cells or a cell is not reported."""
    cells = indicator.cells.get(report.format.era)
    if not cells:
        return None
    total = Decimal(0)
    for text in cells:
        value = next((v for v in (report.cell(ref) for ref in indicator_refs(text)) if isinstance(v, Decimal)), None)
        if value is None:
            return None
        total += value
    return total


def read_prose(data_dir: Path, fmt: Format, omit=()) -> dict[str, str]:
    """The prose chapters of a report as their files hold them (fields not filled in)."""
    prose = {}
    for chapter in fmt.chapters:
        if chapter.source != "prose" or chapter.file is None or chapter.id in omit:
            continue
        path = data_dir / "prose" / chapter.file
        if not path.exists():
            if chapter.optional:
                continue
            raise DataError(
                "缺少文字章节",
                path=path,
                expected=f"“{chapter.title()}”的正文（Markdown，UTF-8）",
                hint="报告的文字部分按章节放在 data/<机关>/<年度>/prose/ 下",
            )
        try:
            prose[chapter.id] = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError("文字章节不是 UTF-8 编码", path=path) from exc
    return prose


def load_report(root: ProjectLayout | Path | str, body: str, year: int | str, *, previous: bool = True) -> Report:
    """Params, declaration, raw counts and prose of one report of the project in ``root``, the years of its body,
    and (``previous``) the same body's report of the year before for the cross-year checks. The fields of the prose
    ({{名称}}) are filled in from the data (``inputs.fields``). Raises InputError subclasses on bad input of this
    report (FieldError for a field that cannot be filled); a previous year that does not load is left out with a
    note."""
    from nianbao.inputs.fields import fill_prose

    layout = as_layout(root)
    params = load_params(layout, body, year)
    fmt = params.format
    data_dir = layout.data_dir(params.body, params.year)
    tables = read_tables(data_dir, fmt)
    prose = read_prose(data_dir, fmt, params.omit)
    years = tuple(layout.years(params.body, params.year))
    report = Report(layout=layout, params=params, format=fmt, tables=tables, prose={}, years=years, prose_source=prose)
    if previous and params.year - 1 in years:
        try:
            report.previous = load_report(layout, params.body, params.year - 1, previous=False)
        except InputError as exc:
            report.loader_notes.append(f"上一年度（{params.year - 1}）的数据无法读取，跨年度检查未进行: {exc.message}")
    report.prose = fill_prose(report)
    return report
