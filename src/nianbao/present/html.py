"""HTML of what the report shows besides the official tables: a declared table as a list with its shares (the
check summary and the validation page are built in ``validation``). Every text from the inputs is escaped."""

from __future__ import annotations

import html

import pandas as pd

from nianbao.inputs.report import Report


def list_frame(report: Report, table_id: str) -> pd.DataFrame:
    """The table as shown in the report: label, count in the table's unit, and the declared share if any."""
    fmt = report.format
    table = fmt.tables[table_id]
    shares = {}
    share_specs = [s for s in fmt.shares if report.share_spec(s).table == table_id]
    for share_id in share_specs:
        for item in report.share_items(share_id):
            shares[item.key] = item.share
    columns = [c for c in table.columns if c.id in report.tables[table_id].columns]
    per_row_units = any(r.unit for r in table.rows)  # a statistics table: the unit is a column of its own
    records = []
    for row in report.rows(table_id):
        record: dict[str, str | None] = {fmt.label_column: row.label}
        if per_row_units:
            record["计量单位"] = (row.row.unit if row.row is not None else None) or table.unit
        for column in columns:
            value = row.value(column.id)
            plain = per_row_units or row.kind == "text"
            record[column.label if plain else f"{column.label}（{table.unit}）"] = "" if value is None else str(value)
        if any(shares.values()):
            record["占比（%）"] = shares.get(row.key) or ""
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    return frame.fillna("")


def shown_as_table(report: Report, table_id: str) -> bool:
    """Whether a list table is shown: a table of one row repeats the one number the sentence before it states."""
    return len(report.rows(table_id)) > 1


def share_note(report: Report, share_id: str) -> str | None:
    """How a share shown in a table was computed (base, decimals, 四舍五入); None when the report shows no value of
    it (its base is missing or zero)."""
    spec = report.share_spec(share_id)
    base = report.share_base(share_id)
    if base is None or not any(item.share for item in report.share_items(share_id)):
        return None
    rounding = "四舍五入取整数" if spec.precision == 0 else f"保留{spec.precision}位小数，四舍五入"
    return f"{spec.title}以{base.label}{base.value}{base.unit}为基数，{rounding}"


def table_html(report: Report, table_id: str) -> str:
    table = report.format.tables[table_id]
    caption = html.escape(table.title)
    notes = []
    for share_id in report.format.shares:
        note = share_note(report, share_id) if report.share_spec(share_id).table == table_id else None
        if note:
            notes.append(note)
    body = list_frame(report, table_id).to_html(index=False, escape=True, classes="report-table", border=0)
    note = "".join(f'<p class="table-note">{html.escape(n)}</p>' for n in notes)
    return f'<figure class="report-table"><figcaption>{caption}</figcaption>{body}{note}</figure>'
