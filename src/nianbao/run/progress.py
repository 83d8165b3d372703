"""Progress of a batch run: on a terminal, a live table with the status of every report (queued, validating,
section k/n, rendering PDF, done, failed) under an overall bar; elsewhere (CI, a log file), one plain line per
event."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from nianbao.run.status import Stage, StageUpdate

ReportId = tuple[str, int]  # (body, year)

STYLES: dict[StageUpdate, str] = {
    Stage.DONE: "green",
    Stage.UNCHANGED: "dim",
    Stage.ERROR: "red",
    Stage.FAILED_VALIDATION: "red",
    Stage.FAILED_UNCHANGED: "red",
    Stage.QUEUED: "dim",
}  # the colour of a stage in the live table; any other: yellow


class PlainProgress:
    """One line per event, for logs and CI."""

    def __init__(self, reports: Iterable[ReportId], echo: Callable[[str], None] = print):
        self.echo = echo

    def log(self, line: str) -> None:
        self.echo(line)

    def stage(self, body: str, year: int, stage: StageUpdate) -> None:
        pass  # the log lines already say what happens

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc) -> None:
        pass


class LiveProgress:
    """A live table of every report's status and an overall bar (rich), with log lines printed above it."""

    def __init__(self, reports: Iterable[ReportId], echo: Callable[[str], None] | None = None):
        from rich.console import Console
        from rich.live import Live
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console()
        self.reports = list(reports)
        self.status: dict[ReportId, StageUpdate] = {r: Stage.QUEUED for r in self.reports}
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
        for (body, year), stage in self.status.items():
            table.add_row(body, str(year), f"[{STYLES.get(stage, 'yellow')}]{stage.label}[/]")
        return Group(table, self.bar)

    def log(self, line: str) -> None:
        if "说明:" not in line:  # loader notes stay in the validation appendix; the live view shows events
            self.console.print(line, markup=False, highlight=False)

    def stage(self, body: str, year: int, stage: StageUpdate) -> None:
        self.status[(body, int(year))] = stage
        self.bar.update(self.task, completed=sum(s.final for s in self.status.values()))
        self.live.update(self._render())

    def __enter__(self) -> LiveProgress:
        self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.live.__exit__(*exc)


def progress_for(reports: Iterable[ReportId], echo: Callable[[str], None]) -> PlainProgress | LiveProgress:
    """A live table on a terminal, plain lines elsewhere."""
    return LiveProgress(reports) if sys.stdout.isatty() else PlainProgress(reports, echo)
