"""What the notebooks call: open a report, then show its headings, sentences, tables, charts and checks.

The notebooks hold no logic; every function here builds its content from the report and the format
declaration and displays it as HTML or as an image, which is what the rendered report shows.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from . import charts, layout
from .fonts import FontInfo, cjk_font, use_in_matplotlib
from .formats import VALIDATION_FILE
from .frames import SEVERITY_ZH
from .narrative import narrative
from .report import Report, load_report

NO_DATA = "（报告未公布此项数据。）"
TREND_YEARS_PER_TABLE = 8


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def _html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


class Session:
    """A report opened in a notebook, with the output folder (None when exploring interactively)."""

    def __init__(self, report: Report, output_dir: Path | None, font: FontInfo):
        self.report = report
        self.output_dir = output_dir
        self.font = font
        self.hidden = False  # the current chapter is not part of this report: its content is not shown

    # --- report content -------------------------------------------------------------------------------
    def heading(self, chapter_id: str) -> None:
        """Start a chapter; the content of a chapter this report does not have is left out up to the next one."""
        self.hidden = not self.report.shows(chapter_id)
        if not self.hidden:
            _html(f'<h2 class="chapter" id="{chapter_id}">{html.escape(self.report.params.heading(chapter_id))}</h2>')

    def narrative(self, key: str) -> None:
        """Show a narrative paragraph, or say that the report gives no data for it."""
        if self.hidden:
            return
        text = narrative(self.report, key)
        if text:
            _html(f'<p class="narrative">{html.escape(text)}</p>')
        else:
            _html(f'<p class="no-data">{NO_DATA}</p>')

    def table(self, table_id: str) -> None:
        """Show a table in its declared layout; a table this report has no data file for is left out."""
        if table_id not in self.report.tables or self.hidden:
            return
        table = self.report.format.tables[table_id]
        if table.layout == "blocks":
            _html(layout.blocks_html(self.report, table.official))
        elif table.layout == "grid":
            _html(layout.grid_html(self.report, table_id))
        elif table.layout == "transposed":
            _html(layout.transposed_html(self.report, table_id))
        else:
            _html(table_html(self.report, table_id))

    def compare(self, chapter_id: str) -> None:
        """The chapter's indicators beside the previous year's (change in 件数 and %), when that year exists."""
        from .compare import changes_frame

        if self.hidden or self.report.previous is None:
            return
        frame = changes_frame(self.report, chapter_id)
        if frame.empty:
            return
        caption = f"与{self.report.params.year - 1}年比较"
        body = frame.to_html(index=False, escape=True, classes="report-table compare", border=0)
        note = '<p class="table-note">“—”：该年度的报告格式没有此项或未填写，不作比较。增减百分比保留 1 位小数，四舍五入。</p>'
        _html(f'<figure class="report-table"><figcaption>{caption}</figcaption>{body}{note}</figure>')

    def trend(self) -> None:
        """The body's indicators over all its years up to this one, with charts; shown when there are two or more."""
        from . import compare

        if self.hidden:
            return
        result = compare.trend(self.report.root, self.report.params.body, self.report.params.year)
        _html(f'<p class="narrative">{html.escape(result.intro())}</p>')
        frame = result.frame()
        years = list(frame.columns[1:])
        # at most TREND_YEARS_PER_TABLE year columns per table, so that the table fits an A4 page
        bodies = [
            frame[[frame.columns[0], *years[i : i + TREND_YEARS_PER_TABLE]]].to_html(
                index=False, escape=True, classes="report-table trend", border=0
            )
            for i in range(0, len(years), TREND_YEARS_PER_TABLE)
        ]
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.comparability() + result.notes)
        _html(
            f'<figure class="report-table"><figcaption>历年主要指标</figcaption>{"".join(bodies)}'
            f'<ul class="table-note">{notes}<li>“—”：该年度的报告格式没有可比的指标或报告未填写，不作估算。</li></ul></figure>'
        )
        self._show_chart("trend", charts.trend_chart(result, self.font))

    def _show_chart(self, name: str, fig) -> None:
        from IPython.display import Image

        data = charts.png(fig)
        if self.output_dir is not None:
            path = self.output_dir / "charts" / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _display(Image(data=data, format="png"))

    def chart(self, chart_id: str) -> None:
        """Show a chart of a declared share; a share with no rows in this report has no chart."""
        if self.hidden or not self.report.share_items(self.report.format.charts[chart_id].share):
            return
        self._show_chart(chart_id, charts.share_chart(self.report, chart_id, self.font))

    # --- validation -----------------------------------------------------------------------------------
    def validate(self):
        """The result of the expectation suites: the one ``nianbao run`` computed before starting this kernel
        (in the output folder), or, when exploring interactively, a fresh run of the suites."""
        from .validate import Validation, validate

        if self.output_dir is not None and (self.output_dir / VALIDATION_FILE).exists():
            return Validation.read(self.output_dir / VALIDATION_FILE)
        result = validate(self.report)
        if self.output_dir is not None:
            result.write(self.output_dir / VALIDATION_FILE)
        return result

    def show_validation(self, result) -> None:
        _html(validation_html(self.report, result))


def open_report(body: str, year: int, root: str | Path = "..", output_dir: str | Path | None = None) -> Session:
    """Load and check a report; ``output_dir`` receives charts and the validation result."""
    report = load_report(root, body, year)
    font = cjk_font(report.params.font)
    use_in_matplotlib(font)
    out = Path(output_dir) if output_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return Session(report, out, font)


def table_frame(report: Report, table_id: str) -> pd.DataFrame:
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
        record = {fmt.label_column: row.label}
        if per_row_units:
            record["计量单位"] = (row.row.unit if row.row is not None else None) or table.unit
        for column in columns:
            value = row.value(column.id)
            plain = per_row_units or row.kind == "text"
            record[column.label if plain else f"{column.label}（{table.unit}）"] = "" if value is None else str(value)
        if share_specs:
            record["占比（%）"] = shares.get(row.key, "")
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    return frame.fillna("")


def table_html(report: Report, table_id: str) -> str:
    table = report.format.tables[table_id]
    caption = html.escape(table.title)
    notes = []
    for share_id in report.format.shares:
        spec = report.share_spec(share_id)
        base = report.share_base(share_id)
        if spec.table == table_id and base is not None:
            notes.append(f"{spec.title}以{base.label}{base.value}{base.unit}为基数，保留{spec.precision}位小数，四舍五入")
    body = table_frame(report, table_id).to_html(index=False, escape=True, classes="report-table", border=0)
    note = "".join(f'<p class="table-note">{html.escape(n)}</p>' for n in notes)
    return f'<figure class="report-table"><figcaption>{caption}</figcaption>{body}{note}</figure>'


def validation_html(report: Report, result) -> str:
    """The validation chapter: summary, failed checks with their rows and numbers, every check, every share."""
    parts = [f'<p class="validation-summary">{html.escape(result.summary())}</p>']
    failed = [c for c in result.checks if not c.success]
    if failed:
        parts.append("<h3>未通过的检查</h3><ul class=\"findings\">")
        for check in failed:
            details = "".join(f"<li>{html.escape(d)}</li>" for d in check.details)
            parts.append(
                f'<li class="finding {check.severity}"><strong>[{SEVERITY_ZH[check.severity]}]</strong> '
                f"{html.escape(check.description)}<ul>{details}</ul></li>"
            )
        parts.append("</ul>")
    else:
        parts.append("<p>全部检查通过。</p>")
    if result.identities:
        rows = [
            {
                "检查": next((c.description for c in result.checks if c.check == rec["identity"]), rec["identity"]),
                "位置": rec["column"],
                "左边": rec["lhs_expr"],
                "关系": "=" if rec["op"] == "==" else "≤",
                "右边": rec["rhs_expr"],
                "结果": "不通过" if rec["failed_checks"] else "通过",
            }
            for rec in result.identities
        ]
        parts.append("<h3>勾稽关系与合理性检查</h3>")
        parts.append(pd.DataFrame(rows).to_html(index=False, classes="report-table checks", border=0))
    if result.shares:
        parts.append("<h3>公布占比的复核</h3>")
        groups: dict[tuple[str, str], list[dict]] = {}
        for rec in result.shares:
            groups.setdefault((rec["title"], rec["base"]), []).append(rec)
        for (title, base), records in groups.items():
            rows = [
                {
                    "指标": rec["label"],
                    "件数": rec["value"],
                    "公布（%）": rec["published"],
                    "重新计算（%）": rec["exact"],
                    "按公布位数（%）": rec["at_printed"],
                    "报告呈现（%）": rec["at_declared"],
                    "结果": _share_verdict(rec),
                }
                for rec in records
            ]
            table = pd.DataFrame(rows).to_html(index=False, classes="report-table checks", border=0)
            caption = html.escape(f"{title}（基数：{base}）")
            parts.append(f'<figure class="report-table"><figcaption>{caption}</figcaption>{table}</figure>')
    rows = [
        {
            "规则": f"{c.suite}/{c.check}",
            "级别": SEVERITY_ZH[c.severity],
            "说明": c.description,
            "结果": "不适用" if c.evaluated == 0 else ("通过" if c.success else "不通过"),
        }
        for c in result.checks
    ]
    parts.append("<h3>全部检查</h3>")
    parts.append(pd.DataFrame(rows).to_html(index=False, classes="report-table checks", border=0))
    if result.notes:
        parts.append("<h3>读取数据时的说明</h3><ul>")
        parts.extend(f"<li>{html.escape(n)}</li>" for n in result.notes)
        parts.append("</ul>")
    return "\n".join(parts)


def _share_verdict(rec: dict) -> str:
    """What the two published-share checks said of this share."""
    if "published_share_matches_counts" in rec["failed_checks"]:
        return "与件数不符"
    return "精度不同" if "published_share_precision" in rec["failed_checks"] else "一致"
