"""What the notebooks call: open a report, then show its headings, sentences, tables, charts and checks.

The notebooks hold no logic; every function here builds its content from the report and the format
declaration and displays it as HTML or as an image, which is what the rendered report shows.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.inputs.report import Report, load_report
from nianbao.paths import CHARTS_DIR, VALIDATION_FILE
from nianbao.present import charts, official, render, years
from nianbao.present import html as report_html
from nianbao.present.fonts import FontInfo, cjk_font, use_in_matplotlib
from nianbao.present.narrative import narrative

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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
        self.unused = False  # the notebook is not one of this report's format: nothing of it is shown

    # --- report content -------------------------------------------------------------------------------
    def heading(self, chapter_id: str) -> None:
        """Start a chapter; the content of a chapter this report does not have is left out up to the next one."""
        self.hidden = self.unused or not self.report.shows(chapter_id)
        if not self.hidden:
            _html(render.chapter_heading(self.report, chapter_id, self.report.params.heading(chapter_id)))

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
        if table.layout == "blocks" and table.official is not None:
            _html(official.blocks_html(self.report, table.official))
        elif table.layout == "grid":
            _html(official.grid_html(self.report, table_id))
        elif table.layout == "transposed":
            _html(official.transposed_html(self.report, table_id))
        elif report_html.shown_as_table(self.report, table_id):
            _html(report_html.table_html(self.report, table_id))

    def compare(self, chapter_id: str) -> None:
        """The chapter's indicators beside the previous year's (change in 件数 and %), when that year exists."""
        if self.hidden or self.report.previous is None:
            return
        frame = years.changes_frame(self.report, chapter_id)
        if frame.empty:
            return
        caption = f"与{self.report.params.year - 1}年比较"
        body = frame.to_html(index=False, escape=True, classes="report-table compare", border=0)
        note = '<p class="table-note">“—”：该年度的报告格式没有此项或未填写，不作比较。增减百分比保留 1 位小数，四舍五入。</p>'
        _html(f'<figure class="report-table"><figcaption>{caption}</figcaption>{body}{note}</figure>')

    def trend(self) -> None:
        """The body's indicators over all its years up to this one, with charts; shown when there are two or more."""
        if self.hidden:
            return
        result = years.trend(self.report.layout, self.report.params.body, self.report.params.year)
        _html(f'<p class="narrative">{html.escape(result.intro())}</p>')
        frame = result.frame()
        columns = list(frame.columns[1:])
        # at most TREND_YEARS_PER_TABLE year columns per table, so that the table fits an A4 page
        bodies = [
            frame[[frame.columns[0], *columns[i : i + TREND_YEARS_PER_TABLE]]].to_html(
                index=False, escape=True, classes="report-table trend", border=0
            )
            for i in range(0, len(columns), TREND_YEARS_PER_TABLE)
        ]
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.comparability() + result.notes)
        _html(
            f'<figure class="report-table"><figcaption>历年主要指标</figcaption>{"".join(bodies)}'
            f'<ul class="table-note">{notes}<li>“—”：该年度的报告格式没有可比的指标或报告未填写，不作估算。</li></ul></figure>'
        )
        self._show_chart(charts.TREND_CHART, lambda: charts.trend_chart(result, self.font), charts.trend_alt(result))

    def _show_chart(self, name: str, draw: Callable[[], Figure], alt: str) -> None:
        """Show the chart ``draw`` makes as a PNG with its text alternative (``alt``, in the page's language) and
        keep the PNG in ``charts/``. Drawn with the cycle collector paused (matplotlib makes some ten thousand
        artists, transforms and text layouts a chart, which each collection would walk again)."""
        from IPython.display import Image

        with render.collector_paused():
            data = charts.png(draw())
        if self.output_dir is not None:
            path = self.output_dir / CHARTS_DIR / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _display(Image(data=data, format="png", alt=alt))

    def chart(self, chart_id: str) -> None:
        """Show a chart of a declared share; a share with no rows in this report has no chart."""
        if self.hidden or not self.report.share_items(self.report.format.charts[chart_id].share):
            return
        alt = charts.share_alt(self.report, chart_id)
        self._show_chart(chart_id, lambda: charts.share_chart(self.report, chart_id, self.font), alt)

    # --- validation -----------------------------------------------------------------------------------
    def validate(self):
        """The result of the expectation suites: the one ``nianbao run`` computed before starting this kernel
        (in the output folder), or, when exploring interactively, a fresh run of the suites."""
        from nianbao.checks.results import Validation
        from nianbao.checks.validate import validate

        if self.output_dir is not None and (self.output_dir / VALIDATION_FILE).exists():
            return Validation.read(self.output_dir / VALIDATION_FILE)
        result = validate(self.report)
        if self.output_dir is not None:
            result.write(self.output_dir / VALIDATION_FILE)
        return result

    def show_validation(self, result) -> None:
        """The 校验摘要: what the checks came to, in plain sentences (the rest is on the validation page)."""
        from nianbao.present.validation import summary_html

        if not self.unused:
            _html(summary_html(self.report, result))

    def _not_this_format(self, notebook: str) -> None:
        """Say that this report's format does not use ``notebook``, which formats do, and how to open one of them."""
        from nianbao.formats import ERAS, load_format

        self.unused = self.hidden = True
        users = [load_format(era).name for era in ERAS if any(nb.file == notebook for nb in load_format(era).notebooks)]
        params = self.report.params
        text = (
            f"{params.body} {params.year} 的报告是{self.report.format.name}，不使用本笔记本（{notebook}）；"
            f"使用它的是{'、'.join(users) or '（没有格式）'}的报告。"
            "在参数单元格中把 body、year 改为这种格式的一个报告（nianbao list 列出全部报告）后重新运行。"
        )
        _html(f'<p class="analyst-note">{html.escape(text)}</p>')


def open_report(
    body: str, year: int, root: str | Path = "..", output_dir: str | Path | None = None, *, notebook: str | None = None
) -> Session:
    """Load and check a report; ``output_dir`` receives charts and the validation result. ``notebook``: the file
    name of the calling notebook; when the report's format does not use it, the session says so and shows nothing."""
    report = load_report(root, body, year)
    font = cjk_font(report.params.font)
    use_in_matplotlib(font)
    out = Path(output_dir) if output_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    session = Session(report, out, font)
    if notebook is not None and all(nb.file != notebook for nb in report.format.notebooks):
        session._not_this_format(notebook)
    return session
