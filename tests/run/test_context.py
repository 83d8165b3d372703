"""context.py: what the steps of a run share, and how a run tells the user where it is."""

from __future__ import annotations

import pytest

from nianbao.errors import ExecutionError, ValidationFailed
from nianbao.paths import ProjectLayout
from nianbao.run.cache import run_key
from nianbao.run.context import RunContext
from nianbao.run.status import Stage


@pytest.fixture
def layout(dongyang_copy, tmp_path) -> ProjectLayout:
    return ProjectLayout.at(dongyang_copy, tmp_path / "out")


def recorded(layout: ProjectLayout, body: str = "dongyang", year: int | str = 2017):
    lines, stages = [], []
    ctx = RunContext.create(layout, body, year, log=lines.append, stage=stages.append)
    return ctx, lines, stages


class TestCreate:
    def test_the_key_of_the_reports_inputs(self, layout):
        ctx, _, _ = recorded(layout)
        assert ctx.key == run_key(layout, "dongyang", 2017)

    def test_no_params_no_key(self, layout):
        ctx, _, _ = recorded(layout, year=2016)
        assert ctx.key is None

    def test_the_year_as_a_number(self, layout):
        ctx, _, _ = recorded(layout, year="2017")
        assert ctx.year == 2017 and ctx.key == run_key(layout, "dongyang", 2017)

    def test_without_a_stage_callback_stages_are_ignored(self, layout):
        RunContext.create(layout, "dongyang", 2017).at(Stage.DONE)


class TestPlaces:
    def test_final_and_failed_folders_in_the_outputs(self, layout, tmp_path):
        ctx, _, _ = recorded(layout)
        assert ctx.final == tmp_path / "out" / "dongyang" / "2017"
        assert ctx.failed == tmp_path / "out" / "dongyang" / "2017.failed"


class TestSay:
    def test_lines_are_tagged_with_the_report(self, layout):
        ctx, lines, _ = recorded(layout)
        ctx.say("完成")
        assert lines == ["[dongyang 2017] 完成"]


class TestWaitingForLock:
    def test_tells_and_reports_the_stage(self, layout):
        ctx, lines, stages = recorded(layout)
        ctx.waiting_for_lock()
        assert lines == ["[dongyang 2017] 另一个运行正在生成同一报告，等待其结束…"]
        assert stages == [Stage.WAITING_FOR_LOCK]


class TestFailuresStaged:
    @pytest.mark.parametrize(
        "exc, stage",
        [
            (ValidationFailed("未通过"), Stage.FAILED_VALIDATION),
            (ExecutionError("boom", notebook="a.ipynb"), Stage.ERROR),
            (OSError(28, "No space left on device"), Stage.ERROR),
            (KeyboardInterrupt(), Stage.ERROR),
        ],
        ids=["validation", "execution", "os-error", "ctrl-c"],
    )
    def test_the_stage_a_failing_run_ends_at_and_the_same_exception(self, layout, exc, stage):
        ctx, _, stages = recorded(layout)
        with pytest.raises(type(exc)) as raised:
            with ctx.failures_staged():
                raise exc
        assert raised.value is exc and stages == [stage]

    def test_a_run_that_does_not_raise_reports_nothing(self, layout):
        ctx, _, stages = recorded(layout)
        with ctx.failures_staged():
            pass
        assert stages == []
