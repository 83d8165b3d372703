"""Progress of a batch run (progress.py): plain lines off a terminal, a live status table on one."""

from __future__ import annotations

import io

from rich.console import Console

from nianbao.run.progress import LiveProgress, PlainProgress, progress_for, status_text


class TestStatusText:
    def test_sections_and_stages_in_chinese(self):
        assert status_text("section 2/5") == "执行章节 2/5"
        assert status_text("rendering PDF") == "渲染 PDF"
        assert status_text("failed validation") == "未通过校验"


class TestPlainProgress:
    def test_one_line_per_event(self):
        lines = []
        with PlainProgress([("a", 2020)], echo=lines.append) as progress:
            progress.log("[a 2020] 执行 00_validation.ipynb（1/3）")
            progress.stage("a", 2020, "section 1/3")
            progress.log("[a 2020] 完成 → outputs/a/2020")
        assert lines == ["[a 2020] 执行 00_validation.ipynb（1/3）", "[a 2020] 完成 → outputs/a/2020"]

    def test_chosen_when_stdout_is_not_a_terminal(self, capsys):
        assert isinstance(progress_for([("a", 2020)], print), PlainProgress)


class TestLiveProgress:
    def test_table_shows_each_report_and_the_overall_count(self):
        progress = LiveProgress([("a", 2020), ("b", 2021)])
        buffer = io.StringIO()
        progress.console = Console(file=buffer, width=100, force_terminal=False)
        progress.stage("a", 2020, "section 2/5")
        progress.stage("b", 2021, "done")
        progress.console.print(progress._render())
        text = buffer.getvalue()
        assert "执行章节 2/5" in text and "完成" in text
        assert "1/2" in text
