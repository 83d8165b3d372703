"""What a run reports: the stage a report's run is at (for the progress display) and the status of its result,
each with the Chinese label the command line prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nianbao.errors import ExitCode
from nianbao.labels import Labelled


class Status(Labelled):
    """The outcome of one report's run."""

    RENDERED = "rendered", "已生成"
    FAILED_VALIDATION = "failed validation", "未通过校验"
    ERROR = "error", "出错"


class Stage(Labelled):
    """Where a report's run is; ``Section`` stands for the notebook being executed."""

    QUEUED = "queued", "排队"
    LOADING = "loading", "读取数据"
    WAITING_FOR_LOCK = "waiting for lock", "等待锁"
    VALIDATING = "validating", "校验"
    RENDERING_HTML = "rendering HTML", "渲染 HTML"
    RENDERING_PDF = "rendering PDF", "渲染 PDF"
    RENDERING_DOCX = "rendering Word", "渲染 Word"
    DONE = "done", "完成"
    UNCHANGED = "unchanged", "未变，跳过"
    FAILED_VALIDATION = "failed validation", "未通过校验"
    FAILED_UNCHANGED = "failed (unchanged)", "未通过校验（未变）"
    ERROR = "error", "出错"

    @property
    def final(self) -> bool:
        """Whether the run of the report has ended."""
        return self in _FINAL_STAGES


_FINAL_STAGES = frozenset({Stage.DONE, Stage.UNCHANGED, Stage.FAILED_VALIDATION, Stage.FAILED_UNCHANGED, Stage.ERROR})


@dataclass(frozen=True)
class Section:
    """Executing the ``index``-th of the ``total`` notebooks of a report."""

    index: int
    total: int

    @property
    def label(self) -> str:
        return f"执行章节 {self.index}/{self.total}"

    @property
    def final(self) -> bool:
        return False


StageUpdate = Stage | Section
StageCallback = Callable[[StageUpdate], None]


def no_stage(update: StageUpdate) -> None:
    """A stage callback that ignores every update."""


@dataclass
class RunResult:
    """The result of one report's run: its status, its outputs folder when rendered, and a message."""

    body: str
    year: int
    status: Status
    output: Path | None
    message: str = ""
    exit_code: ExitCode = ExitCode.OK
    unchanged: bool = False  # not run again: its inputs did not change since the last run
