"""The data frames the expectation suites validate, built from a report and its format declaration.

- one frame per table: a row per data row, with its canonical row id, kind, line, and for every declared
  value column the number and the normalised text;
- the identities frame: a row per (identity, value column, term), with the two sides already summed from the
  declared terms and written out as expressions, so that a failure names the rows and the numbers;
- the published-shares frame: a row per published share, beside the share recomputed from the counts at the
  printed precision and at the declared precision.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .formats import Identity, Terms
from .report import Report, format_number
from .shares import format_share, parse_published, percent, printed_decimals

SEVERITY_ZH = {"critical": "严重", "warning": "警告", "info": "提示"}


def table_frame(report: Report, table_id: str) -> pd.DataFrame:
    fmt = report.format
    data = report.tables[table_id]
    records = []
    for row in data.rows:
        record = {"label": row.label, "row": row.key, "kind": row.kind, "line": row.line}
        for column in fmt.columns:
            cell = row.cells.get(column.id)
            value = cell.value if cell is not None else None
            record[column.id] = float(value) if isinstance(value, Decimal) else None
            record[f"{column.id}_text"] = cell.text if cell is not None else None
        records.append(record)
    columns = ["label", "row", "kind", "line"] + [
        name for c in fmt.columns for name in (c.id, f"{c.id}_text")
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for column in fmt.columns:
        frame[column.id] = frame[column.id].astype("float64")
        frame[f"{column.id}_text"] = frame[f"{column.id}_text"].astype("object")
    return frame


def _terms(report: Report, terms: Terms, column: str):
    """(rows used, table id) for one side of an identity; rows without a number are left out."""
    if terms.share_base is not None:
        ref = report.share_spec(terms.share_base).base_ref
        table, row_ids = ref.table, (ref.row,)
    else:
        table, row_ids = terms.table, terms.rows
    rows = [r for r in report.rows(table, row_ids) if isinstance(r.value(column), Decimal)]
    if not rows and terms.fallback is not None:
        return _terms(report, terms.fallback, column)
    return rows, table


def _expression(rows, column: str) -> str:
    parts = [f"{r.label} {format_number(r.value(column))}" for r in rows]
    total = sum((r.value(column) for r in rows), Decimal(0))
    return " + ".join(parts) + (f" = {format_number(total)}" if len(rows) > 1 else "")


def _where(report: Report, used) -> str:
    by_file: dict[str, list[int]] = {}
    for table, rows in used:
        path = report.tables[table].path
        name = path.relative_to(report.root) if path.is_relative_to(report.root) else path
        by_file.setdefault(str(name), []).extend(r.line for r in rows)
    return "；".join(f"{name} 第{'、'.join(map(str, sorted(set(lines))))}行" for name, lines in by_file.items())


def identity_records(report: Report, identity: Identity) -> list[dict]:
    records = []
    column_labels = {c.id: c.label for c in report.format.columns}
    for column in column_labels:
        lhs_rows, lhs_table = _terms(report, identity.lhs, column)
        rhs_rows, rhs_table = _terms(report, identity.rhs, column)
        if not lhs_rows or not rhs_rows:
            continue
        groups = [[r] for r in lhs_rows] if identity.each else [lhs_rows]
        rhs = sum((r.value(column) for r in rhs_rows), Decimal(0))
        for group in groups:
            lhs = sum((r.value(column) for r in group), Decimal(0))
            records.append(
                {
                    "identity": identity.id,
                    "column": column_labels[column],
                    "lhs": float(lhs),
                    "rhs": float(rhs),
                    "lhs_expr": _expression(group, column),
                    "rhs_expr": _expression(rhs_rows, column),
                    "op": identity.op,
                    "where": _where(report, [(lhs_table, group), (rhs_table, rhs_rows)]),
                }
            )
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
        "share", "title", "table", "label", "line", "value", "base", "published", "exact",
        "at_printed", "at_declared", "precision", "printed_decimals", "file",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def frames(report: Report) -> dict[str, pd.DataFrame]:
    """Every frame a suite can name: ``table:<id>``, ``identities``, ``published_shares``."""
    result = {f"table:{table_id}": table_frame(report, table_id) for table_id in report.tables}
    result["identities"] = identities_frame(report)
    result["published_shares"] = shares_frame(report)
    return result
