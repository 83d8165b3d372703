"""HTML of what the report shows besides the official tables: a declared table as a list with its shares, and
the validation chapter (summary, failed checks with their rows and numbers, every identity, every share, every
check). Every text from the inputs is escaped."""

from __future__ import annotations

import html

import pandas as pd

from nianbao.checks import identity_checks as ic
from nianbao.checks import share_checks as sc
from nianbao.checks.results import Validation
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


def validation_html(report: Report, result: Validation) -> str:
    """The validation chapter: summary, failed checks with their rows and numbers, every identity, every share,
    every check, and what the loader noted."""
    parts = [f'<p class="validation-summary">{html.escape(result.summary())}</p>']
    parts += _findings(result)
    parts += _identities(result)
    parts += _shares(result)
    parts += _all_checks(result)
    if result.notes:
        parts.append("<h3>读取数据时的说明</h3><ul>")
        parts.extend(f"<li>{html.escape(n)}</li>" for n in result.notes)
        parts.append("</ul>")
    return "\n".join(parts)


def _checks_table(rows: list[dict]) -> str:
    return pd.DataFrame(rows).to_html(index=False, classes="report-table checks", border=0)


def _findings(result: Validation) -> list[str]:
    """The failed checks with their details, or that none failed (and, then, how many were not evaluated or do not
    apply: “全部通过” only when every check evaluated something and held)."""
    failed = [c for c in result.checks if not c.success]
    if not failed:
        n = result.counts()
        if n["passed"] == n["checks"]:
            return ["<p>全部检查通过。</p>"]
        return [f"<p>没有不通过的检查；{n['passed']} 项通过，{n['not_evaluated']} 项未评估，{n['not_applicable']} 项不适用。</p>"]
    parts = ['<h3>未通过的检查</h3><ul class="findings">']
    for check in failed:
        details = "".join(f"<li>{html.escape(d)}</li>" for d in check.details)
        parts.append(
            f'<li class="finding {check.severity.value}"><strong>[{check.severity.label}]</strong> '
            f"{html.escape(check.description)}<ul>{details}</ul></li>"
        )
    parts.append("</ul>")
    return parts


def _identities(result: Validation) -> list[str]:
    """Every identity at every place it was evaluated, written out with its numbers."""
    if not result.identities:
        return []
    rows = [
        {
            "检查": next((c.description for c in result.checks if c.check == rec[ic.IDENTITY]), rec[ic.IDENTITY]),
            "位置": rec[ic.PLACE],
            "左边": rec[ic.LHS_EXPR],
            "关系": ic.relation(rec[ic.OP]),
            "右边": rec[ic.RHS_EXPR],
            "结果": ic.verdict(rec).value,
        }
        for rec in result.identities
    ]
    return ["<h3>勾稽关系与合理性检查</h3>", _checks_table(rows)]


def _shares(result: Validation) -> list[str]:
    """Every published share beside the share recomputed from the counts, a table per share and base."""
    if not result.shares:
        return []
    parts = ["<h3>公布占比的复核</h3>"]
    groups: dict[tuple[str, str], list[dict]] = {}
    for rec in result.shares:
        groups.setdefault((rec[sc.TITLE], rec[sc.BASE]), []).append(rec)
    for (title, base), records in groups.items():
        rows = [
            {
                "指标": rec[sc.LABEL],
                "件数": rec[sc.VALUE],
                "公布（%）": rec[sc.PUBLISHED],
                "重新计算（%）": rec[sc.EXACT],
                "按公布位数（%）": rec[sc.AT_PRINTED],
                "报告呈现（%）": rec[sc.AT_DECLARED],
                "结果": sc.share_verdict(rec),
            }
            for rec in records
        ]
        caption = html.escape(f"{title}（基数：{base}）")
        parts.append(f'<figure class="report-table"><figcaption>{caption}</figcaption>{_checks_table(rows)}</figure>')
    return parts


def _all_checks(result: Validation) -> list[str]:
    """Every check with its severity and verdict."""
    rows = [
        {"规则": f"{c.suite}/{c.check}", "级别": c.severity.label, "说明": c.description, "结果": c.verdict.value}
        for c in result.checks
    ]
    return ["<h3>全部检查</h3>", _checks_table(rows)]
