"""The data frames the expectation suites validate, built from a report and its format declaration.

- one frame per table: a row per data row, with its canonical row id, kind, line, and for every declared
  value column the number and the normalised text;
- the identities frame: a row per (identity, value column, term), with the two sides already summed from the
  declared terms and written out as expressions, so that a failure names the rows and the numbers;
- the published-shares frame: a row per published share, beside the share recomputed from the counts at the
  printed precision and at the declared precision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from nianbao.formats import CellRef, Identity, Terms
from nianbao.inputs.report import Report, format_number
from nianbao.inputs.tables import cell_kind
from nianbao.shares import format_share, parse_published, percent, printed_decimals


def table_frame(report: Report, table_id: str) -> pd.DataFrame:
    """One row per data row; ``<column>_kind`` is the kind of each cell (the column's kind, else the row's)."""
    data = report.tables[table_id]
    declared = data.table.columns
    records = []
    for row in data.rows:
        variant = row.row.variant if row.row is not None else None
        record = {"label": row.label, "row": row.key, "kind": row.kind, "line": row.line, "variant": variant}
        for column in declared:
            cell = row.cells.get(column.id)
            value = cell.value if cell is not None else None
            record[column.id] = float(value) if isinstance(value, Decimal) else None
            record[f"{column.id}_text"] = cell.text if cell is not None else None
            record[f"{column.id}_kind"] = cell_kind(row.kind, column)
        records.append(record)
    columns = ["label", "row", "kind", "line", "variant"] + [
        name for c in declared for name in (c.id, f"{c.id}_text", f"{c.id}_kind")
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["variant"] = frame["variant"].astype("object")
    for column in declared:
        frame[column.id] = frame[column.id].astype("float64")
        frame[f"{column.id}_text"] = frame[f"{column.id}_text"].astype("object")
    return frame


@dataclass(frozen=True)
class TermCell:
    """One reported cell on a side of an identity, with where it was read."""

    label: str
    value: Decimal
    path: Path
    line: int


def _cells(report: Report, terms: Terms, along: str, slot: str) -> list[TermCell] | None:
    """The reported cells of one side at ``slot`` (a column id along columns, a row id along rows).

    None when a term of the side has no reported cell (after its fallback): the side cannot be summed, and the
    identity is not evaluated at this slot (an empty cell is reported by the table's own checks)."""
    source = report.previous if terms.previous else report
    if source is None:
        return None
    if terms.share_base is not None:
        ref = report.share_spec(terms.share_base).base_ref
        table_id, row_ids = ref.table, (ref.row,)
    else:
        table_id, row_ids = terms.table, terms.rows
    data = source.tables.get(table_id)
    prefix = "上年" if terms.previous else ""
    found: list[TermCell] = []
    if data is not None:
        if along == "column":
            for row in source.rows(table_id, row_ids):
                if isinstance(row.value(slot), Decimal):
                    found.append(TermCell(prefix + row.label, row.value(slot), data.path, row.line))
        else:
            row = source.row(table_id, slot)
            for column in terms.columns:
                if row is not None and isinstance(row.value(column), Decimal):
                    label = data.table.column(column).label
                    found.append(TermCell(prefix + label, row.value(column), data.path, row.line))
    if not found:
        return _cells(report, terms.fallback, along, slot) if terms.fallback is not None else None
    for extra in terms.also:
        more = _cells(report, extra, along, slot)
        if more is None:
            return None
        found.extend(more)
    return found


def _expression(cells: list[TermCell]) -> str:
    parts = [f"{c.label} {format_number(c.value)}" for c in cells]
    total = sum((c.value for c in cells), Decimal(0))
    return " + ".join(parts) + (f" = {format_number(total)}" if len(cells) > 1 else "")


def _where(report: Report, cells: list[TermCell]) -> str:
    by_file: dict[str, list[int]] = {}
    for cell in cells:
        name = cell.path.relative_to(report.root) if cell.path.is_relative_to(report.root) else cell.path
        by_file.setdefault(str(name), []).append(cell.line)
    return "；".join(f"{name} 第{'、'.join(map(str, sorted(set(lines))))}行" for name, lines in by_file.items())


def _record(report: Report, identity: Identity, slot: str, lhs: list[TermCell], rhs: list[TermCell]) -> dict:
    return {
        "identity": identity.id,
        "column": slot,
        "lhs": float(sum((c.value for c in lhs), Decimal(0))),
        "rhs": float(sum((c.value for c in rhs), Decimal(0))),
        "lhs_expr": _expression(lhs),
        "rhs_expr": _expression(rhs),
        "op": identity.op,
        "where": _where(report, lhs + rhs),
    }


def _slots(report: Report, identity: Identity) -> list[tuple[str, str]]:
    """(slot id, how a message names it) for every column or row the identity is checked at."""
    table = report.format.tables[identity.lhs.table] if identity.lhs.table else None
    if identity.along == "column":
        columns = table.columns if table is not None else report.format.columns
        return [(c.id, f"{c.label}列") for c in columns if not identity.columns or c.id in identity.columns]
    rows = report.rows(identity.lhs.table)
    return [(r.key, f"“{r.label}”行") for r in rows if not identity.rows or r.key in identity.rows]


def _same_as_records(report: Report, identity: Identity) -> list[dict]:
    """Rows of ``lhs.table`` that state an indicator also stated elsewhere, against that statement."""
    records = []
    data = report.tables.get(identity.lhs.table)
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
        records.append(_record(report, identity, f"{data.table.column(column).label}列", lhs, rhs))
    return records


def _text_records(report: Report, identity: Identity) -> list[dict]:
    """Every statement of the prose chapter that the pattern finds, against the cell it states."""
    text = report.prose.get(identity.chapter)
    terms = identity.lhs
    row = report.row(terms.table, terms.rows[0]) if text and terms.rows else None
    column = terms.columns[0] if terms.columns else report.main_column(terms.table)
    if row is None or not isinstance(row.value(column), Decimal):
        return []
    data = report.tables[terms.table]
    label = f"{data.table.title}“{row.label}”{data.table.column(column).label}"
    cell = [TermCell(label, row.value(column), data.path, row.line)]
    prose = report.data_dir / "prose" / report.format.chapter(identity.chapter).file
    where = _where(report, cell) + f"；{prose.relative_to(report.root)}"
    records = []
    for match in re.finditer(identity.pattern, text):
        stated = [TermCell(f"正文“{match.group(0)}”", Decimal(match.group("n")), prose, 0)]
        record = _record(report, identity, f"{report.params.heading(identity.chapter)}", cell, stated)
        record["where"] = where
        records.append(record)
    return records


def identity_records(report: Report, identity: Identity) -> list[dict]:
    if identity.along == "same_as":
        return _same_as_records(report, identity)
    if identity.along == "text":
        return _text_records(report, identity)
    records = []
    for slot, name in _slots(report, identity):
        lhs = _cells(report, identity.lhs, identity.along, slot)
        rhs = _cells(report, identity.rhs, identity.along, slot)
        if not lhs or not rhs:
            continue
        for group in [[c] for c in lhs] if identity.each else [lhs]:
            records.append(_record(report, identity, name, group, rhs))
    return records


def identities_frame(report: Report) -> pd.DataFrame:
    records = [rec for ident in report.format.identities for rec in identity_records(report, ident)]
    columns = ["identity", "column", "lhs", "rhs", "lhs_expr", "rhs_expr", "op", "where"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({"lhs": "float64", "rhs": "float64"})


def shares_frame(report: Report) -> pd.DataFrame:
    records = []
    for share_id in report.format.shares:
        spec = report.share_spec(share_id)
        base = report.share_base(share_id)
        for item in report.share_items(share_id):
            if item.published_share is None:
                continue
            published = parse_published(item.published_share)
            decimals = printed_decimals(item.published_share)
            base_number = base.number if base is not None else None
            exact = percent(item.number, base_number, 6)  # None when the base is missing or zero
            at_printed = format_share(percent(item.number, base_number, decimals), decimals)
            records.append(
                {
                    "share": share_id,
                    "title": spec.title,
                    "table": spec.table,
                    "label": item.label,
                    "line": item.line,
                    "value": item.value,
                    "base": f"{base.label} {base.value}" if base is not None else "—",
                    "published": format_share(published, decimals) if published is not None else item.published_share,
                    "exact": format_number(exact.normalize()) if exact is not None else "—",
                    "at_printed": at_printed,
                    "at_declared": item.share or "—",
                    "precision": spec.precision,
                    "printed_decimals": decimals,
                    "file": report.tables[spec.table].path.name,
                }
            )
    columns = [
        "share",
        "title",
        "table",
        "label",
        "line",
        "value",
        "base",
        "published",
        "exact",
        "at_printed",
        "at_declared",
        "precision",
        "printed_decimals",
        "file",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def frames(report: Report) -> dict[str, pd.DataFrame]:
    """Every frame a suite can name: ``table:<id>``, ``identities``, ``published_shares``."""
    result = {f"table:{table_id}": table_frame(report, table_id) for table_id in report.tables}
    result["identities"] = identities_frame(report)
    result["published_shares"] = shares_frame(report)
    return result
