"""Report formats as declarations.

A format (one per era) is a YAML file beside this module. It declares the tables of a report, their rows
(canonical label, published aliases, kind), the value columns, the shares and their bases, the arithmetic
identities with their severities, the chapters in published order, which notebook renders which chapter,
the charts, and the narrative templates. The loaders, the expectation suites, the notebooks and the
renderers all read these objects; none of them hard-codes a row or a label.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..exceptions import DeclarationError

FORMATS_DIR = Path(__file__).parent

VALIDATION_CHAPTER = "validation"  # rendered by the first notebook, which runs the expectation suites

Era = Literal["old-free-text"]
ERAS: tuple[str, ...] = ("old-free-text",)


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


class Row(_Model):
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: Literal["count", "money", "text"] = "count"

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class Table(_Model):
    id: str = ""
    title: str
    unit: str
    rows: tuple[Row, ...] = ()
    free_rows: bool = False
    plausible_max: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _rows_or_free(self) -> Table:
        if not self.rows and not self.free_rows:
            raise ValueError(f"table {self.id!r} declares no rows and is not free_rows")
        ids = [r.id for r in self.rows]
        if len(ids) != len(set(ids)):
            raise ValueError(f"table {self.id!r} has duplicate row ids")
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


class CellRef(_Model):
    """``table.row`` written as one string in declarations and params."""

    table: str
    row: str

    @classmethod
    def parse(cls, text: str) -> CellRef:
        table, sep, row = str(text).partition(".")
        if not sep or not table or not row:
            raise ValueError(f"{text!r} is not of the form table.row")
        return cls(table=table, row=row)

    def __str__(self) -> str:
        return f"{self.table}.{self.row}"


class ShareSpec(_Model):
    id: str = ""
    title: str
    table: str
    rows: tuple[str, ...] | None = None  # None: every row of the table (free-row tables)
    base: str
    precision: int = Field(ge=0, le=6)
    trailing_zeros: Literal["keep", "drop"] = "keep"

    @property
    def base_ref(self) -> CellRef:
        return CellRef.parse(self.base)


class Terms(_Model):
    table: str | None = None
    rows: tuple[str, ...] | Literal["all"] = ()
    share_base: str | None = None
    fallback: Terms | None = None


class Identity(_Model):
    id: str
    description: str
    severity: Literal["critical", "warning", "info"]
    lhs: Terms
    op: Literal["==", "<="]
    rhs: Terms
    each: bool = False


class Chapter(_Model):
    id: str
    heading: str | None = None  # None: untitled (the opening paragraph of a report)
    source: Literal["prose", "notebook"]
    number: str | None = None
    file: str | None = None
    optional: bool = False

    def title(self, heading: str | None = None) -> str:
        text = heading or self.heading or ""
        return f"{self.number}、{text}" if self.number else text


class NotebookSpec(_Model):
    file: str
    chapters: tuple[str, ...]

    @property
    def stem(self) -> str:
        return Path(self.file).stem


class ChartSpec(_Model):
    share: str
    title: str


class Format(_Model):
    era: Era
    name: str
    label_column: str
    share_column: str
    columns: tuple[Column, ...]
    tables: dict[str, Table]
    shares: dict[str, ShareSpec]
    identities: tuple[Identity, ...]
    chapters: tuple[Chapter, ...]
    notebooks: tuple[NotebookSpec, ...]
    charts: dict[str, ChartSpec]
    narratives: dict[str, str]

    @model_validator(mode="before")
    @classmethod
    def _fill_ids(cls, data: dict) -> dict:
        for key in ("tables", "shares"):
            for item_id, item in (data.get(key) or {}).items():
                if isinstance(item, dict):
                    item.setdefault("id", item_id)
        return data

    @model_validator(mode="after")
    def _references(self) -> Format:
        problems = []

        def check_ref(where: str, table: str, rows=()):
            if table not in self.tables:
                problems.append(f"{where}: unknown table {table!r}")
                return
            declared = {r.id for r in self.tables[table].rows}
            for row in rows:
                if row not in declared:
                    problems.append(f"{where}: unknown row {table}.{row}")

        for share in self.shares.values():
            check_ref(f"share {share.id}", share.table, share.rows or ())
            check_ref(f"share {share.id} base", share.base_ref.table, [share.base_ref.row])
        for ident in self.identities:
            for side in (ident.lhs, ident.rhs):
                while side is not None:
                    if side.share_base is not None:
                        if side.share_base not in self.shares:
                            problems.append(f"identity {ident.id}: unknown share {side.share_base!r}")
                    elif side.table is None:
                        problems.append(f"identity {ident.id}: a side names neither table nor share_base")
                    else:
                        check_ref(f"identity {ident.id}", side.table, () if side.rows == "all" else side.rows)
                    side = side.fallback
        chapter_ids = [c.id for c in self.chapters]
        rendered = [c for nb in self.notebooks for c in nb.chapters]
        for chapter in self.chapters:
            if chapter.source == "notebook" and chapter.id not in rendered:
                problems.append(f"chapter {chapter.id} is rendered by no notebook")
            if chapter.source == "prose" and not chapter.file:
                problems.append(f"prose chapter {chapter.id} names no file")
        for cid in rendered:
            if cid not in chapter_ids:
                problems.append(f"a notebook renders unknown chapter {cid!r}")
        if not self.notebooks or VALIDATION_CHAPTER not in self.notebooks[0].chapters:
            problems.append(f"the first notebook must render the {VALIDATION_CHAPTER!r} chapter (it runs the checks)")
        for chart_id, chart in self.charts.items():
            if chart.share not in self.shares:
                problems.append(f"chart {chart_id}: unknown share {chart.share!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def table(self, table_id: str) -> Table:
        return self.tables[table_id]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    @property
    def path(self) -> Path:
        return declaration_path(self.era)


def declaration_path(era: str) -> Path:
    return FORMATS_DIR / f"{era}.yaml"


@functools.cache
def load_format(era: str) -> Format:
    """The declaration of ``era``. Raises DeclarationError if it is missing or inconsistent."""
    path = declaration_path(era)
    if era not in ERAS or not path.exists():
        raise DeclarationError(f"unknown format era {era!r}", hint=f"known eras: {', '.join(ERAS)}")
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    try:
        return Format.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError(f"{path}: invalid declaration:\n{exc}") from exc
