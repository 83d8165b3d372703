"""Feedback on the data without rendering: the checks of every report (``validate --all``), and the checks of one
report again on every save of its files (``watch``).

Both keep Great Expectations warm in their processes (``checks.validate`` builds its context and suites once per
process and does not validate again a frame that did not change), so that after the first report a verdict takes
the time of the checks, not of the imports; ``validate --all`` checks its reports in batches (``checks.batch``),
every suite running once for a batch rather than once per report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.errors import ExitCode, NianbaoError, os_error_message
from nianbao.paths import ProjectLayout

if TYPE_CHECKING:
    from nianbao.checks.results import Validation


@dataclass(frozen=True)
class Verdict:
    """The checks of one report: ``success`` None when the report could not be checked (bad input)."""

    body: str
    year: int
    success: bool | None
    text: str  # the summary line, the failed checks and the loader's notes, or the error

    @property
    def exit_code(self) -> ExitCode:
        if self.success is None:
            return ExitCode.INPUT_ERROR
        return ExitCode.OK if self.success else ExitCode.VALIDATION_FAILED


def verdict(root: Path | str, body: str, year: int) -> Verdict:
    """Load ``body`` ``year`` and run its checks; a report that cannot be loaded is a verdict naming the error."""
    from nianbao.checks.validate import validate
    from nianbao.inputs.report import load_report

    try:
        result = validate(load_report(root, body, year))
    except (NianbaoError, OSError) as exc:
        return _failed(body, year, exc)
    return _verdict(body, year, result)


def _failed(body: str, year: int, exc: NianbaoError | OSError) -> Verdict:
    """The verdict on a report that could not be checked: the error."""
    return Verdict(body, year, None, f"错误: {os_error_message(exc) if isinstance(exc, OSError) else exc}")


def _verdict(body: str, year: int, result: Validation) -> Verdict:
    lines = [result.summary()] + [check.message() for check in result.checks if not check.success]
    lines += [f"说明: {note}" for note in result.notes]
    return Verdict(body, year, result.success, "\n".join(lines))


def verdicts(root: Path | str, reports: Sequence[tuple[str, int]]) -> list[Verdict]:
    """The verdicts of ``reports``, checked together (``checks.batch``: every suite runs once for all of them);
    a report that cannot be loaded is a verdict naming the error. Should the batch fail, each report is checked on
    its own, so that the error is named on the report that caused it."""
    from nianbao.checks.batch import validate_reports

    try:
        results, errors = validate_reports(root, reports)
    except (NianbaoError, OSError):
        return [verdict(root, body, year) for body, year in reports]
    return [_failed(*key, errors[key]) if key in errors else _verdict(*key, results[key]) for key in reports]


BATCH = 500
"""The most reports one process checks together: Great Expectations' cost per batch (seconds) is then a few
milliseconds per report, and a verdict is not held back long."""


def _verdicts_of(job: tuple[str, list[tuple[str, int]]]) -> list[Verdict]:
    root, reports = job
    return verdicts(root, reports)


def validate_all(root: Path | str, jobs: int = 1) -> Iterator[Verdict]:
    """The verdict of every report that has params, in report order, as they come; ``jobs`` processes check them,
    each a share of the reports at a time (at most ``BATCH``), so that each imports Great Expectations once and runs
    every suite once per share."""
    reports = ProjectLayout.at(root).reports()
    workers = max(1, min(jobs, len(reports)))
    size = max(1, min(BATCH, -(-len(reports) // workers)))
    shares = [(str(root), reports[i : i + size]) for i in range(0, len(reports), size)]
    if workers == 1:
        for share in shares:
            yield from _verdicts_of(share)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
        for checked in pool.map(_verdicts_of, shares):
            yield from checked


def watched_files(layout: ProjectLayout, body: str, year: int) -> dict[Path, tuple[int, int]]:
    """The files the checks of ``body`` ``year`` read (params and data of it and its earlier years, prose, the
    suites of its era), each with its modification time and size."""
    from nianbao.run.cache import era_named

    era = era_named(layout.params_file(body, year)) or None
    files = [layout.params_file(body, year), *layout.report_inputs(body, year, era)]
    seen = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


def watch(
    root: Path | str,
    body: str,
    year: int,
    *,
    echo: Callable[[str], None],
    interval: float = 0.2,
    rounds: int | None = None,
) -> None:
    """Check ``body`` ``year`` now and again after every change of its files (polled every ``interval`` seconds),
    passing each verdict to ``echo``. Runs until interrupted (or for ``rounds`` polls)."""
    layout = ProjectLayout.at(root)
    seen = watched_files(layout, body, year)
    _tell(echo, verdict(root, body, year), "校验")
    polls = 0
    while rounds is None or polls < rounds:
        time.sleep(interval)
        polls += 1
        now = watched_files(layout, body, year)
        if now == seen:
            continue
        changed = sorted({layout.relative(p) for p in set(now) ^ set(seen) | {p for p in now if now.get(p) != seen.get(p)}})
        seen = now
        _tell(echo, verdict(root, body, year), "已保存 " + "、".join(changed) + "，重新校验")


def _tell(echo: Callable[[str], None], result: Verdict, what: str) -> None:
    echo(f"— {time.strftime('%H:%M:%S')} {what} —")
    echo(result.text)
    mark = {ExitCode.OK: "通过", ExitCode.VALIDATION_FAILED: "未通过严重级别的校验"}.get(result.exit_code, "无法校验")
    echo(f"结论: {result.body} {result.year} {mark}")
