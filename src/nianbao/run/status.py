"""What a run reports: the stage a report's run is at (for the progress display) and the status of its result,
each with the Chinese label the command line prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from nianbao.errors import ExitCode


class Status(Enum):
    """The outcome of one report's run."""

    RENDERED = "rendered"
    FAILED_VALIDATION = "failed validation"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {Status.RENDERED: "已生成", Status.FAILED_VALIDATION: "未通过校验", Status.ERROR: "出错"}


class Stage(Enum):
    """Where a report's run is; ``Section`` stands for the notebook being executed."""

    QUEUED = "queued"
    LOADING = "loading"
    WAITING_FOR_LOCK = "waiting for lock"
    VALIDATING = "validating"
    RENDERING_HTML = "rendering HTML"
    RENDERING_PDF = "rendering PDF"
    DONE = "done"
    UNCHANGED = "unchanged"
    FAILED_VALIDATION = "failed validation"
    FAILED_UNCHANGED = "failed (unchanged)"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def final(self) -> bool:
        """Whether the run of the report has ended."""
        return self in _FINAL_STAGES


_STAGE_LABELS = {
    Stage.QUEUED: "排队",
    Stage.LOADING: "读取数据",
    Stage.WAITING_FOR_LOCK: "等待锁",
    Stage.VALIDATING: "校验",
    Stage.RENDERING_HTML: "渲染 HTML",
    Stage.RENDERING_PDF: "渲染 PDF",
    Stage.DONE: "完成",
    Stage.UNCHANGED: "未变，跳过",
    Stage.FAILED_VALIDATION: "未通过校验",
    Stage.FAILED_UNCHANGED: "未通过校验（未变）",
    Stage.ERROR: "出错",
}
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
