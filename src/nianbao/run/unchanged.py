"""Whether a report must run at all: the outcome of its last run when its inputs did not change since (see
cache.py). Reads a few files and imports nothing heavy, so that a batch decides it for every report before starting
any worker."""

from __future__ import annotations

from nianbao.errors import ValidationFailed
from nianbao.paths import REPORT_PDF, VALIDATION_FILE, display_path
from nianbao.run.cache import recorded_failure, recorded_key
from nianbao.run.context import RunContext
from nianbao.run.status import RunResult, Stage, Status


def _unchanged(ctx: RunContext, message: str) -> RunResult:
    ctx.say(message)
    ctx.at(Stage.UNCHANGED)
    return RunResult(ctx.body, ctx.year, Status.RENDERED, ctx.final, "输入未变（unchanged）", unchanged=True)


def unchanged_result(ctx: RunContext) -> RunResult | None:
    """Unless forced, the outcome of the last run when the report's inputs did not change since: the rendered
    report as it is, or ValidationFailed again with the kept result. None when the report must run."""
    if ctx.key is None or ctx.force:
        return None
    if recorded_key(ctx.final) == ctx.key and (ctx.final / REPORT_PDF).exists():
        return _unchanged(ctx, f"输入未变，沿用 {display_path(ctx.final)}")
    if recorded_key(ctx.failed) == ctx.key and (ctx.failed / VALIDATION_FILE).exists():
        ctx.say(f"输入未变，上次未通过校验: {display_path(ctx.failed)}")
        ctx.at(Stage.FAILED_UNCHANGED)
        raise ValidationFailed(recorded_failure(ctx.failed) + "\n  （输入未变，沿用上次的校验结果；--force 重新运行）")
    return None


def made_meanwhile(ctx: RunContext) -> RunResult | None:
    """Unless forced, the report the run that held the lock made from the same inputs; None when there is none."""
    if ctx.force or ctx.key is None or recorded_key(ctx.final) != ctx.key:
        return None
    return _unchanged(ctx, f"另一个运行已用相同的输入生成 {display_path(ctx.final)}")
