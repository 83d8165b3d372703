"""Progress of a batch run (progress.py): plain lines off a terminal, a live status table on one."""

from __future__ import annotations

import io

from rich.console import Console

from nianbao.run.progress import LiveProgress, PlainProgress, progress_for
from nianbao.run.status import Section, Stage


class TestPlainProgress:
    def test_one_line_per_event(self):
        lines = []
        with PlainProgress([("a", 2020)], echo=lines.append) as progress:
            progress.log("[a 2020] 执行 00_validation.ipynb（1/3）")
            progress.stage("a", 2020, Section(1, 3))
            progress.log("[a 2020] 完成 → outputs/a/2020")
        assert lines == ["[a 2020] 执行 00_validation.ipynb（1/3）", "[a 2020] 完成 → outputs/a/2020"]

    def test_chosen_when_stdout_is_not_a_terminal(self, capsys):
        assert isinstance(progress_for([("a", 2020)], print), PlainProgress)


class TestLiveProgress:
    def test_table_shows_each_report_and_the_overall_count(self):
        progress = LiveProgress([("a", 2020), ("b", 2021)])
        buffer = io.StringIO()
        progress.console = Console(file=buffer, width=100, force_terminal=False)
        progress.stage("a", 2020, Section(2, 5))
        progress.stage("b", 2021, Stage.DONE)
        progress.console.print(progress._render())
        text = buffer.getvalue()
        assert "执行章节 2/5" in text and "完成" in text
        assert "1/2" in text

    def test_queued_reports_are_listed_before_they_start(self):
        progress = LiveProgress([("a", 2020)])
        buffer = io.StringIO()
        progress.console = Console(file=buffer, width=100, force_terminal=False)
        progress.console.print(progress._render())
        assert "排队" in buffer.getvalue() and "0/1" in buffer.getvalue()

    def test_every_final_stage_counts_as_done(self):
        reports = [("a", 2020), ("b", 2021), ("c", 2022), ("d", 2023), ("e", 2024)]
        progress = LiveProgress(reports)
        finals = [Stage.DONE, Stage.UNCHANGED, Stage.FAILED_VALIDATION, Stage.FAILED_UNCHANGED, Stage.ERROR]
        for (body, year), stage in zip(reports, finals, strict=True):
            progress.stage(body, year, stage)
        assert progress.bar.tasks[0].completed == 5
        progress.stage("a", 2020, Stage.RENDERING_PDF)
        assert progress.bar.tasks[0].completed == 4
