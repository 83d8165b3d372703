"""Progress of a batch run: on a terminal, a live table with the status of every report (queued, validating,
section k/n, rendering PDF, done, failed) under an overall bar; elsewhere (CI, a log file), one plain line per
event."""

from __future__ import annotations

import sys
from collections.abc import Iterable

STATUS_ZH = {
    "queued": "排队",
    "loading": "读取数据",
    "waiting for lock": "等待锁",
    "validating": "校验",
    "rendering HTML": "渲染 HTML",
    "rendering PDF": "渲染 PDF",
    "done": "完成",
    "unchanged": "未变，跳过",
    "failed validation": "未通过校验",
    "failed (unchanged)": "未通过校验（未变）",
    "error": "出错",
}
FINAL = {"done", "unchanged", "failed validation", "failed (unchanged)", "error"}


def status_text(stage: str) -> str:
    if stage.startswith("section "):
        return f"执行章节 {stage.removeprefix('section ')}"
    return STATUS_ZH.get(stage, stage)


class PlainProgress:
    """One line per event, for logs and CI."""

    def __init__(self, reports: Iterable[tuple[str, int]], echo=print):
        self.echo = echo

    def log(self, line: str) -> None:
        self.echo(line)

    def stage(self, body: str, year: int, stage: str) -> None:
        pass  # the log lines already say what happens

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


class LiveProgress:
    """A live table of every report's status and an overall bar (rich), with log lines printed above it."""

    def __init__(self, reports: Iterable[tuple[str, int]], echo=None):
        from rich.console import Console
        from rich.live import Live
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console()
        self.reports = list(reports)
        self.status = {r: "queued" for r in self.reports}
        self.bar = Progress(TextColumn("报告"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=self.console)
        self.task = self.bar.add_task("reports", total=len(self.reports))
        self.live = Live(self._render(), console=self.console, refresh_per_second=8, transient=False)

    def _render(self):
        from rich.console import Group
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("机关")
        table.add_column("年度", justify="right")
        table.add_column("状态")
        styles = {
            "done": "green",
            "unchanged": "dim",
            "error": "red",
            "failed validation": "red",
            "failed (unchanged)": "red",
            "queued": "dim",
        }
        for (body, year), stage in self.status.items():
            table.add_row(body, str(year), f"[{styles.get(stage, 'yellow')}]{status_text(stage)}[/]")
        return Group(table, self.bar)

    def log(self, line: str) -> None:
        if "说明:" not in line:  # loader notes stay in the validation appendix; the live view shows events
            self.console.print(line, markup=False, highlight=False)

    def stage(self, body: str, year: int, stage: str) -> None:
        key = (body, int(year))
        self.status[key] = stage
        self.bar.update(self.task, completed=sum(s in FINAL for s in self.status.values()))
        self.live.update(self._render())

    def __enter__(self):
        self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.live.__exit__(*exc)


def progress_for(reports, echo) -> PlainProgress | LiveProgress:
    return LiveProgress(reports) if sys.stdout.isatty() else PlainProgress(reports, echo)
