"""The data frames the expectation suites validate, built from a report and its format declaration.

- one frame per table: a row per data row, with its canonical row id, kind, line, and for every declared
  value column the number and the normalised text;
- the identities frame: a row per (identity, value column, term), with the two sides already summed from the
  declared terms and written out as expressions, so that a failure names the rows and the numbers;
- the published-shares frame: a row per published share, beside the share recomputed from the counts at the
  printed precision and at the declared precision.

The columns of each frame are named by the family of checks that reads it (``table_checks``, ``identity_checks``,
``share_checks``).
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from nianbao.checks import identity_checks as ic
from nianbao.checks import prose_checks as pc
from nianbao.checks import share_checks as sc
from nianbao.checks import table_checks as tc
from nianbao.checks.prose import prose_numbers
from nianbao.formats import CellRef, Identity, Terms
from nianbao.inputs.report import Item, Report, format_number
from nianbao.inputs.tables import cell_kind
from nianbao.shares import format_share, parse_published, percent, printed_decimals


def table_frame(report: Report, table_id: str) -> pd.DataFrame:
    """One row per data row; ``<column>_kind`` is the kind of each cell (the column's kind, else the row's)."""
    data = report.tables[table_id]
    declared = data.table.columns
    columns: dict[str, list] = {name: [] for name in tc.table_columns(data.table)}
    for row in data.rows:
        columns[tc.LABEL].append(row.label)
        columns[tc.ROW].append(row.key)
        columns[tc.KIND].append(row.kind)
        columns[tc.LINE].append(row.line)
        columns[tc.VARIANT].append(row.row.variant if row.row is not None else None)
        for column in declared:
            cell = row.cells.get(column.id)
            value = cell.value if cell is not None else None
            columns[tc.number_column(column.id)].append(float(value) if isinstance(value, Decimal) else None)
            columns[tc.text_column(column.id)].append(cell.text if cell is not None else None)
            columns[tc.kind_column(column.id)].append(cell_kind(row.kind, column))
    numbers = {tc.number_column(column.id) for column in declared}
    return pd.DataFrame({name: _array(values, float if name in numbers else None) for name, values in columns.items()})


def _array(values: list, dtype: type | None) -> np.ndarray:
    """A frame column: floats (None: NaN), integers when every value is one, else Python objects."""
    if dtype is float:
        return np.array(values, dtype=float)
    if values and all(type(v) is int for v in values):
        return np.array(values, dtype=np.int64)
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


@dataclass(frozen=True)
class TermCell:
    """One reported cell on a side of an identity, with where it was read."""

    label: str
    value: Decimal
    path: Path
    line: int
    unit: str = ""


def _cells(report: Report, terms: Terms, along: str, slot: str) -> list[TermCell] | None:
    """The reported cells of one side at ``slot`` (a column id along columns, a row id along rows).

    None when a term of the side has no reported cell (after its fallback): the side cannot be summed, and the
    identity is not evaluated at this slot (an empty cell is reported by the table's own checks)."""
    source = report.previous if terms.previous else report
    if source is None:
        return None
    table_id, row_ids = _side(report, terms)
    prefix = "上年" if terms.previous else ""
    found: list[TermCell] = []
    if table_id is not None and (data := source.tables.get(table_id)) is not None:
        if along == "column":
            for row in source.rows(table_id, row_ids):
                if isinstance(number := row.value(slot), Decimal):
                    unit = (row.row.unit if row.row is not None else None) or data.table.unit
                    found.append(TermCell(prefix + row.label, number, data.path, row.line, unit))
        elif (row_at := source.row(table_id, slot)) is not None:
            for column in terms.columns:
                if isinstance(number := row_at.value(column), Decimal):
                    label = data.table.column(column).label
                    unit = (row_at.row.unit if row_at.row is not None else None) or data.table.unit
                    found.append(TermCell(prefix + label, number, data.path, row_at.line, unit))
    if not found:
        return _cells(report, terms.fallback, along, slot) if terms.fallback is not None else None
    for extra in terms.also:
        more = _cells(report, extra, along, slot)
        if more is None:
            return None
        found.extend(more)
    return found


def _side(report: Report, terms: Terms) -> tuple[str | None, tuple[str, ...] | Literal["all"]]:
    """The table and the rows of one side: the base of a share, or the declared table and rows."""
    if terms.share_base is not None:
        ref = report.share_spec(terms.share_base).base_ref
        return ref.table, (ref.row,)
    return terms.table, terms.rows


def _expression(cells: list[TermCell]) -> str:
    """One side written out: each term's label and number, and their sum when there are several."""
    parts = [f"{c.label} {format_number(c.value)}" for c in cells]
    total = sum((c.value for c in cells), Decimal(0))
    return " + ".join(parts) + (f" = {format_number(total)}" if len(cells) > 1 else "")


def _name(cells: list[TermCell], declared: str | None) -> str:
    """How the summary names one side: its declared name, else the label of its one term, else its terms' labels
    (the first of them when there are more than three) and 合计."""
    if declared:
        return declared
    labels = [c.label for c in cells]
    if len(labels) == 1:
        return labels[0]
    return ("、".join(labels) if len(labels) <= 3 else f"{labels[0]}等{len(labels)}项") + "合计"


def _unit(cells: list[TermCell]) -> str:
    """The unit of a side's cells when they share one, else none."""
    units = {c.unit for c in cells}
    return units.pop() if len(units) == 1 else ""


def _where(report: Report, cells: list[TermCell]) -> str:
    """The files and lines the cells were read from, file by file."""
    by_file: dict[str, list[int]] = {}
    for cell in cells:
        by_file.setdefault(_shown(cell.path, report.root), []).append(cell.line)
    return "；".join(f"{name} 第{'、'.join(map(str, sorted(set(lines))))}行" for name, lines in by_file.items())


@functools.lru_cache(maxsize=4096)
def _shown(path: Path, root: Path) -> str:
    """``path`` as a reader finds it: relative to the project when it is in it."""
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


def _record(report: Report, identity: Identity, slot: str, *, lhs: list[TermCell], rhs: list[TermCell]) -> dict:
    """One row of the identities frame: the identity at ``slot``, its two sides summed and written out, and named
    as the summary names them."""
    return {
        ic.IDENTITY: identity.id,
        ic.PLACE: slot,
        ic.LHS: float(sum((c.value for c in lhs), Decimal(0))),
        ic.RHS: float(sum((c.value for c in rhs), Decimal(0))),
        ic.LHS_EXPR: _expression(lhs),
        ic.RHS_EXPR: _expression(rhs),
        ic.OP: identity.op,
        ic.WHERE: _where(report, lhs + rhs),
        ic.LHS_NAME: _name(lhs, identity.lhs.name),
        ic.RHS_NAME: _name(rhs, identity.rhs.name if identity.rhs is not None else None),
        ic.UNIT: _unit(lhs + rhs),
    }


def _slots(report: Report, identity: Identity) -> list[tuple[str, str]]:
    """(slot id, how a message names it) for every column or row the identity is checked at."""
    table = report.format.tables[identity.lhs.table] if identity.lhs.table else None
    if identity.along == "column":
        columns = table.columns if table is not None else report.format.columns
        return [(c.id, f"{c.label}列") for c in columns if not identity.columns or c.id in identity.columns]
    rows = report.rows(identity.lhs.table) if identity.lhs.table is not None else []
    return [(r.key, f"“{r.label}”行") for r in rows if not identity.rows or r.key in identity.rows]


def _same_as_records(report: Report, identity: Identity) -> list[dict]:
    """Rows of ``lhs.table`` that state an indicator also stated elsewhere, against that statement."""
    records: list[dict] = []
    data = report.tables.get(identity.lhs.table) if identity.lhs.table is not None else None
    if data is None:
        return records
    column = data.table.columns[0].id
    for row in data.rows:
        if row.row is None or row.row.same_as is None or not isinstance(row.value(column), Decimal):
            continue
        ref = CellRef.parse(row.row.same_as)
        other = report.row(ref.table, ref.row)
        if other is None or not isinstance(other.value(column), Decimal):
            continue
        lhs = [TermCell(f"{data.table.title}“{row.label}”", row.value(column), data.path, row.line)]
        other_table = report.tables[ref.table]
        rhs = [TermCell(f"正文“{other.label}”", other.value(column), other_table.path, other.line)]
        records.append(_record(report, identity, f"{data.table.column(column).label}列", lhs=lhs, rhs=rhs))
    return records


def identity_records(report: Report, identity: Identity) -> list[dict]:
    """The rows of the identities frame for one identity: one per place it is checked at where both sides are
    reported (one per term of ``lhs`` when the identity holds for ``each``); none when the identity is declared for a
    claim the report does not make, or that sums a table with an unknown label (``unreadable_tables``)."""
    if identity.claim is not None and identity.claim not in report.params.claims:
        return []
    if ic.unreadable_tables(report, identity):
        return []
    if identity.along == "same_as":
        return _same_as_records(report, identity)
    records = []
    for slot, name in _slots(report, identity):
        lhs = _cells(report, identity.lhs, identity.along, slot)
        rhs = _cells(report, identity.rhs, identity.along, slot) if identity.rhs is not None else None
        if not lhs or not rhs:
            continue
        for group in [[c] for c in lhs] if identity.each else [lhs]:
            records.append(_record(report, identity, name, lhs=group, rhs=rhs))
    return records


def identities_frame(report: Report) -> pd.DataFrame:
    """Every declared identity at every place it is checked at (see ``identity_records``)."""
    records = [rec for ident in report.format.identities for rec in identity_records(report, ident)]
    frame = pd.DataFrame.from_records(records, columns=ic.COLUMNS)
    return frame.astype({ic.LHS: "float64", ic.RHS: "float64"})


def shares_frame(report: Report) -> pd.DataFrame:
    """One row per published share: as printed, recomputed at the printed and at the declared precision. None of a
    share whose parts or base are in a table with an unknown label (the label is the finding, not the share)."""
    records = [
        _share_record(report, share_id, item)
        for share_id in report.format.shares
        if not any(report.unknown_labels(t) for t in _share_tables(report, share_id))
        for item in report.share_items(share_id)
        if item.published_share is not None
    ]
    return pd.DataFrame.from_records(records, columns=sc.COLUMNS)


def _share_tables(report: Report, share_id: str) -> tuple[str, str]:
    """The table of a share's parts and the table of its base."""
    spec = report.share_spec(share_id)
    return spec.table, spec.base_ref.table


def _percent(part: Decimal | None, base: Decimal | None, precision: int) -> Decimal | None:
    """``part / base`` in percent; None when either is missing or the base is zero."""
    return percent(part, base, precision) if part is not None and base is not None else None


def _share_record(report: Report, share_id: str, item: Item) -> dict:
    """One row of the published-shares frame."""
    spec = report.share_spec(share_id)
    base = report.share_base(share_id)
    printed = str(item.published_share)
    published = parse_published(printed)
    decimals = printed_decimals(printed)
    base_number = base.number if base is not None else None
    exact = _percent(item.number, base_number, 6)
    return {
        sc.SHARE: share_id,
        sc.TITLE: spec.title,
        sc.TABLE: spec.table,
        sc.LABEL: item.label,
        sc.LINE: item.line,
        sc.VALUE: item.value,
        sc.BASE: f"{base.label} {base.value}" if base is not None else "—",
        sc.PUBLISHED: format_share(published, decimals) if published is not None else printed,
        sc.EXACT: format_number(exact.normalize()) if exact is not None else "—",
        sc.AT_PRINTED: format_share(_percent(item.number, base_number, decimals), decimals),
        sc.AT_DECLARED: item.share or "—",
        sc.AS_DECLARED: format_share(published, spec.precision, spec.trailing_zeros) if published is not None else printed,
        sc.PRECISION: spec.precision,
        sc.PRINTED_DECIMALS: decimals,
        sc.FILE: report.tables[spec.table].path.name,
    }


def prose_frame(report: Report) -> pd.DataFrame:
    """One row per number (and claim) of the prose chapters, with its verdict (``prose.prose_numbers``)."""
    records = [asdict(finding) for finding in prose_numbers(report).findings]
    return pd.DataFrame.from_records(records, columns=pc.COLUMNS)


def frames(report: Report) -> dict[str, pd.DataFrame]:
    """Every frame a suite can name: ``table:<id>``, ``identities``, ``published_shares``, ``prose_numbers``."""
    result = {tc.frame_id(table_id): table_frame(report, table_id) for table_id in report.tables}
    result[ic.FRAME] = identities_frame(report)
    result[sc.FRAME] = shares_frame(report)
    result[pc.FRAME] = prose_frame(report)
    return result
