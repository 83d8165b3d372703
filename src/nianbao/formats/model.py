"""The declaration of a report format as typed, frozen models: tables and their rows and columns, shares,
identities, chapters, notebooks, charts and narratives. ``loader`` reads them from ``declarations/``."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nianbao.paths import DECLARATIONS_DIR

VALIDATION_CHAPTER = "validation"  # rendered by the first notebook, which shows the expectation suites' result

Era = Literal["old-free-text", "2019", "2021-standard"]
ERAS: tuple[str, ...] = ("old-free-text", "2019", "2021-standard")
Kind = Literal["count", "money", "signed", "text"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_NUMBERING = re.compile(r"^(其中[:：])?(\([0-9一二三四五六七八九十]+\)|[0-9一二三四五六七八九十]+[、.])?")


def normalize_label(label: str) -> str:
    """The form of a label used for matching: NFKC, no spaces, no leading "其中：" or item numbering ("1、")."""
    text = unicodedata.normalize("NFKC", str(label)).strip()
    text = re.sub(r"\s+", "", text)
    stripped = _NUMBERING.sub("", text, count=1)
    return stripped or text


class Column(_Model):
    id: str
    label: str
    optional: bool = False
    kind: Kind | None = None  # None: the row's kind decides
    group: tuple[str, ...] = ()  # merged header cells above this column, outermost first
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class Row(_Model):
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: Kind = "count"
    short: str | None = None  # how sentences and charts name the row when its label is long
    parents: tuple[str, ...] = ()  # merged label cells left of this row in the official table, outermost first
    unit: str | None = None  # when the rows of a table differ (a statistics table); else the table's unit
    same_as: str | None = None  # ``table.row`` of the same indicator elsewhere in the format
    variant: str | None = None  # rows of one variant exclude the rows of another (e.g. （六） in one or three rows)

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class Group(_Model):
    """A subtotal that is not a cell of the table (e.g. 不予公开 = its eight sub-rows)."""

    label: str
    rows: tuple[str, ...]


class Table(_Model):
    id: str = ""
    title: str
    unit: str
    rows: tuple[Row, ...] = ()
    columns: tuple[Column, ...] = ()  # empty: the format's columns
    free_rows: bool = False
    complete: bool = False  # every declared cell is expected: an empty cell is reported
    plausible_max: int | None = Field(default=None, gt=0)
    official: str | None = None  # the official table this block belongs to (blocks are rendered stacked)
    caption: str | None = None  # the block's caption row in the official table
    layout: Literal["list", "blocks", "grid", "transposed"] = "list"  # how the report shows it (see layout.py)
    groups: dict[str, Group] = Field(default_factory=dict)
    default_variant: str | None = None  # the layout variant a new report's template takes (``nianbao new``)

    @model_validator(mode="after")
    def _rows_or_free(self) -> Table:
        if not self.rows and not self.free_rows:
            raise ValueError(f"table {self.id!r} declares no rows and is not free_rows")
        ids = [r.id for r in self.rows]
        if len(ids) != len(set(ids)):
            raise ValueError(f"table {self.id!r} has duplicate row ids")
        for group_id, group in self.groups.items():
            if group_id in ids or set(group.rows) - set(ids):
                raise ValueError(f"table {self.id!r}: group {group_id!r} clashes with a row id or names unknown rows")
        if self.default_variant is not None and self.default_variant not in self.variants():
            raise ValueError(f"table {self.id!r}: default_variant {self.default_variant!r} is not a variant of its rows")
        return self

    @property
    def file(self) -> str:
        return f"{self.id}.csv"

    def row(self, row_id: str) -> Row:
        for row in self.rows:
            if row.id == row_id:
                return row
        raise KeyError(row_id)

    @functools.cached_property
    def label_index(self) -> dict[str, Row]:
        """Normalized label or alias -> row (built once per table)."""
        index: dict[str, Row] = {}
        for row in self.rows:
            for name in row.names():
                index[normalize_label(name)] = row
        return index

    def match(self, label: str) -> Row | None:
        return self.label_index.get(normalize_label(label))

    def column(self, column_id: str) -> Column:
        for column in self.columns:
            if column.id == column_id:
                return column
        raise KeyError(column_id)

    def variants(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        for row in self.rows:
            if row.variant:
                found.setdefault(row.variant, []).append(row)
        return found


class CellRef(_Model):
    """``table.row`` or ``table.row.column`` written as one string in declarations and params."""

    table: str
    row: str
    column: str | None = None

    @classmethod
    def parse(cls, text: str) -> CellRef:
        parts = str(text).split(".")
        if len(parts) not in (2, 3) or not all(parts):
            raise ValueError(f"{text!r} is not of the form table.row or table.row.column")
        return cls(table=parts[0], row=parts[1], column=parts[2] if len(parts) == 3 else None)

    def __str__(self) -> str:
        return ".".join(p for p in (self.table, self.row, self.column) if p)


class ShareSpec(_Model):
    """Parts over a base. The parts are ``rows`` of ``column`` (default: the table's first column), or, when
    ``row`` is given, the ``columns`` of that row (e.g. applicant types of the applications received)."""

    id: str = ""
    title: str
    table: str
    rows: tuple[str, ...] | None = None  # None: every row of the table (free-row tables)
    column: str | None = None
    row: str | None = None
    columns: tuple[str, ...] = ()
    base: str
    precision: int = Field(ge=0, le=6)
    trailing_zeros: Literal["keep", "drop"] = "keep"

    @property
    def base_ref(self) -> CellRef:
        return CellRef.parse(self.base)


class Terms(_Model):
    """Cells summed on one side of an identity.

    Checked along columns (the default), a side is the ``rows`` of ``table`` in the column being checked; checked
    along rows, it is the ``columns`` of ``table`` in the row being checked. ``previous`` takes the cells from the
    same body's report of the year before. ``also`` adds more terms to the same side."""

    table: str | None = None
    rows: tuple[str, ...] | Literal["all"] = ()
    columns: tuple[str, ...] = ()
    previous: bool = False
    share_base: str | None = None
    fallback: Terms | None = None
    also: tuple[Terms, ...] = ()
    name: str | None = None  # how the check summary names the side (default: its terms' labels)


class Identity(_Model):
    """``lhs op rhs``, checked for every column of the table (``along: column``, optionally only ``columns``),
    for every row (``along: row``, optionally only ``rows``), with ``along: same_as`` for every row of
    ``lhs.table`` that declares the same indicator elsewhere (``Row.same_as``). (Numbers stated in the prose are
    checked by the prose check, ``checks/prose.py``, not by identities.) An identity with a ``claim`` holds only for the reports
    whose params make that claim (``claims:``, what the published report states about its own figures); for the
    others it does not apply."""

    id: str
    description: str
    severity: Literal["critical", "warning", "info"]
    lhs: Terms
    op: Literal["==", "<="] = "=="
    rhs: Terms | None = None
    each: bool = False
    along: Literal["column", "row", "same_as"] = "column"
    columns: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    claim: str | None = None


class Chapter(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")  # the chapter's id in the page (an anchor of the table of contents)
    heading: str | None = None  # None: untitled (the opening paragraph of a report)
    source: Literal["prose", "notebook"]
    number: str | None = None
    file: str | None = None
    optional: bool = False
    requires: str | None = None  # a notebook chapter shown only when the report has this table
    min_years: int | None = None  # shown only when the body has at least this many reports up to this year

    def title(self, heading: str | None = None) -> str:
        """The printed heading; a heading given with its own number ("三、…") is used as it is."""
        text = heading or self.heading or ""
        if _NUMBERED_HEADING.match(text):
            return text
        return f"{self.number}、{text}" if self.number else text


_NUMBERED_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


class NotebookSpec(_Model):
    file: str
    chapters: tuple[str, ...]

    @property
    def stem(self) -> str:
        return Path(self.file).stem


class ChartSpec(_Model):
    share: str
    title: str


class ParamsLimits(_Model):
    """How large a params file may be, and how deeply its mappings and lists may nest."""

    file_bytes: int = Field(gt=0)
    depth: int = Field(gt=0)


class DataLimits(_Model):
    """How large a data file may be: bytes, data rows, cells of a line, characters of a label and of a cell, and
    the largest number a count or an amount may be."""

    file_bytes: int = Field(gt=0)
    rows: int = Field(gt=0)
    columns: int = Field(gt=0)
    label_chars: int = Field(gt=0)
    cell_chars: int = Field(gt=0)
    max_number: int = Field(gt=0)


class Limits(_Model):
    """The limits of a report's input files (``declarations/limits.yaml``, included by every format)."""

    params: ParamsLimits
    data: DataLimits


class Format(_Model):
    era: Era
    name: str
    first_year: int | None = None  # the first report year the format is for (None: the years before the others)
    label_column: str
    share_column: str
    columns: tuple[Column, ...] = ()  # value columns of the tables that declare none
    tables: dict[str, Table]
    shares: dict[str, ShareSpec]
    identities: tuple[Identity, ...]
    chapters: tuple[Chapter, ...]
    notebooks: tuple[NotebookSpec, ...]
    charts: dict[str, ChartSpec]
    narratives: dict[str, str]
    limits: Limits

    @model_validator(mode="before")
    @classmethod
    def _fill_ids(cls, data: dict) -> dict:
        for key in ("tables", "shares"):
            for item_id, item in (data.get(key) or {}).items():
                if isinstance(item, dict):
                    item.setdefault("id", item_id)
        for table in (data.get("tables") or {}).values():
            if isinstance(table, dict) and not table.get("columns"):
                table["columns"] = data.get("columns") or ()
        return data

    @model_validator(mode="after")
    def _references(self) -> Format:
        problems = self._table_problems() + self._share_problems() + self._identity_problems()
        problems += self._chapter_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _unknown(self, where: str, table: str, rows: Iterable[str] = (), columns: Iterable[str] = ()) -> list[str]:
        """What ``where`` names that the declaration does not have: the table, its rows (or groups), its columns."""
        if table not in self.tables:
            return [f"{where}: unknown table {table!r}"]
        declared = {r.id for r in self.tables[table].rows} | set(self.tables[table].groups)
        declared_columns = {c.id for c in self.tables[table].columns}
        return [f"{where}: unknown row {table}.{row}" for row in rows if row not in declared] + [
            f"{where}: unknown column {table}.{column}" for column in columns if column not in declared_columns
        ]

    def _table_problems(self) -> list[str]:
        problems = []
        for table in self.tables.values():
            if not table.columns:
                problems.append(f"table {table.id}: no value columns (declare them on the table or the format)")
            for row in table.rows:
                if row.same_as:
                    ref = CellRef.parse(row.same_as)
                    problems += self._unknown(f"row {table.id}.{row.id} same_as", ref.table, [ref.row])
        return problems

    def _share_problems(self) -> list[str]:
        problems = []
        for share in self.shares.values():
            problems += self._unknown(f"share {share.id}", share.table, share.rows or (), share.columns)
            if share.row:
                problems += self._unknown(f"share {share.id}", share.table, [share.row])
            if share.column:
                problems += self._unknown(f"share {share.id}", share.table, columns=[share.column])
            ref = share.base_ref
            problems += self._unknown(f"share {share.id} base", ref.table, [ref.row], [ref.column] if ref.column else ())
        return problems

    def _identity_problems(self) -> list[str]:
        problems = []
        for ident in self.identities:
            if ident.rhs is None and ident.along != "same_as":
                problems.append(f"identity {ident.id}: no rhs")
            sides = [ident.lhs] + ([ident.rhs] if ident.rhs else [])
            while sides:
                side = sides.pop()
                sides.extend(side.also)
                if side.fallback is not None:
                    sides.append(side.fallback)
                problems += self._side_problems(ident.id, side)
            if ident.lhs.table:
                problems += self._unknown(f"identity {ident.id}", ident.lhs.table, ident.rows, ident.columns)
        return problems

    def _side_problems(self, identity: str, side: Terms) -> list[str]:
        if side.share_base is not None:
            return [] if side.share_base in self.shares else [f"identity {identity}: unknown share {side.share_base!r}"]
        if side.table is None:
            return [f"identity {identity}: a side names neither table nor share_base"]
        rows = () if side.rows == "all" else side.rows
        return self._unknown(f"identity {identity}", side.table, rows, side.columns)

    def _chapter_problems(self) -> list[str]:
        problems = []
        chapter_ids = [c.id for c in self.chapters]
        rendered = [c for nb in self.notebooks for c in nb.chapters]
        for chapter in self.chapters:
            if chapter.source == "notebook" and chapter.id not in rendered:
                problems.append(f"chapter {chapter.id} is rendered by no notebook")
            if chapter.source == "prose" and not chapter.file:
                problems.append(f"prose chapter {chapter.id} names no file")
        problems += [f"a notebook renders unknown chapter {cid!r}" for cid in rendered if cid not in chapter_ids]
        if not self.notebooks or VALIDATION_CHAPTER not in self.notebooks[0].chapters:
            problems.append(f"the first notebook must render the {VALIDATION_CHAPTER!r} chapter (it runs the checks)")
        problems += [
            f"chart {chart_id}: unknown share {chart.share!r}"
            for chart_id, chart in self.charts.items()
            if chart.share not in self.shares
        ]
        return problems

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def after_signature(self, chapter_id: str) -> bool:
        """Whether a chapter follows the numbered ones, after the report's 落款: a table or an appendix, which
        a printed report starts on a page of its own."""
        ids = [c.id for c in self.chapters]
        numbered = [i for i, c in enumerate(self.chapters) if c.number is not None]
        return bool(numbered) and ids.index(chapter_id) > numbered[-1]

    @property
    def claims(self) -> tuple[str, ...]:
        """The claims a report of this format can make in its params (those its identities are declared for)."""
        return tuple(dict.fromkeys(i.claim for i in self.identities if i.claim is not None))

    def identity(self, identity_id: str) -> Identity:
        for identity in self.identities:
            if identity.id == identity_id:
                return identity
        raise KeyError(identity_id)

    @property
    def path(self) -> Path:
        return DECLARATIONS_DIR / f"{self.era}.yaml"
