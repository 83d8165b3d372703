"""What every step of a report's run shares: the project, the report, how to tell the user, and the run's key."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nianbao.errors import ValidationFailed
from nianbao.paths import ProjectLayout, failed_dir
from nianbao.run.cache import run_key
from nianbao.run.status import Stage, StageCallback, StageUpdate, no_stage


@dataclass(frozen=True)
class RunContext:
    """The run of ``body`` ``year`` in ``layout``: ``log`` receives the lines to print, ``stage`` where the run is;
    ``key`` is the run key of the report's inputs (None when the report has no params); unless ``force``, a report
    whose key did not change since its last run is not run again. ``index``: the run rewrites the outputs' index when
    it ends (a batch rewrites it once, when the batch ends)."""

    layout: ProjectLayout
    body: str
    year: int
    force: bool = False
    log: Callable[[str], None] = print
    stage: StageCallback = no_stage
    key: str | None = None
    index: bool = True

    @classmethod
    def create(
        cls,
        layout: ProjectLayout,
        body: str,
        year: int | str,
        *,
        force: bool = False,
        log: Callable[[str], None] = print,
        stage: StageCallback | None = None,
        key: str | None = None,
        index: bool = True,
    ) -> RunContext:
        """The context of a run, with the key of the report's inputs (computed now unless given)."""
        year = int(year)
        if key is None and layout.params_file(body, year).exists():
            key = run_key(layout, body, year)
        return cls(layout, body, year, force=force, log=log, stage=stage or no_stage, key=key, index=index)

    @property
    def final(self) -> Path:
        """The report's outputs folder."""
        return self.layout.output_dir(self.body, self.year)

    @property
    def failed(self) -> Path:
        """Where the build of a failed run is kept."""
        return failed_dir(self.final)

    @property
    def tag(self) -> str:
        """The prefix of the report's log lines."""
        return f"[{self.body} {self.year}]"

    def say(self, text: str) -> None:
        """Log a line about this report."""
        self.log(f"{self.tag} {text}")

    def at(self, stage: StageUpdate) -> None:
        """Report the stage the run is at."""
        self.stage(stage)

    def waiting_for_lock(self) -> None:
        """Tell that another run of the same report holds its lock."""
        self.say("另一个运行正在生成同一报告，等待其结束…")
        self.at(Stage.WAITING_FOR_LOCK)

    @contextlib.contextmanager
    def failures_staged(self) -> Iterator[None]:
        """Report the stage a run that raises ends at: failed validation, or error."""
        try:
            yield
        except ValidationFailed:
            self.at(Stage.FAILED_VALIDATION)
            raise
        except BaseException:
            self.at(Stage.ERROR)
            raise
