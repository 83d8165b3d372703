"""A batch of reports: every report that has params, each in its own process, build folder and kernel, ``jobs``
at a time; a report that fails does not stop the others."""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.errors import ExitCode, NianbaoError, Terminated, ValidationFailed, os_error_message
from nianbao.paths import ProjectLayout
from nianbao.run.pipeline import run_report
from nianbao.run.signals import terminate
from nianbao.run.status import RunResult, Stage, StageCallback, StageUpdate, Status

BatchStage = Callable[[str, int, StageUpdate], None]  # (body, year, stage) of a report in the batch


@dataclass(frozen=True)
class Batch:
    """What every report of a batch runs with: the project, where its outputs go, and whether to force runs."""

    root: Path | str
    outputs: Path | str | None = None
    force: bool = False


def report_result(batch: Batch, body: str, year: int, *, log: Callable[[str], None], stage: StageCallback) -> RunResult:
    """``run_report`` with its errors turned into a result, so that a failing report does not stop a batch (a bug
    neither: its traceback becomes the result's message); only an interrupt stops it."""
    try:
        return run_report(batch.root, body, year, outputs=batch.outputs, log=log, stage=stage, force=batch.force)
    except ValidationFailed as exc:
        return RunResult(body, year, Status.FAILED_VALIDATION, None, str(exc), exc.exit_code)
    except NianbaoError as exc:
        stage(Stage.ERROR)
        return RunResult(body, year, Status.ERROR, None, str(exc), exc.exit_code)
    except OSError as exc:
        stage(Stage.ERROR)
        return RunResult(body, year, Status.ERROR, None, os_error_message(exc), ExitCode.EXECUTION_ERROR)
    except Exception:
        stage(Stage.ERROR)
        message = f"内部错误（nianbao 的缺陷，不是输入的问题）:\n{traceback.format_exc().rstrip()}"
        return RunResult(body, year, Status.ERROR, None, message, ExitCode.INTERNAL_ERROR)


def _worker_started(events: Any) -> None:
    """A worker process starting: SIGTERM stops its report as Ctrl-C would (build kept aside, kernel shut down),
    and the parent learns its pid, to pass a SIGTERM of its own on."""
    signal.signal(signal.SIGTERM, terminate)
    events.put(("pid", "", 0, os.getpid()))


def _worker(batch: Batch, body: str, year: int, events: Any) -> RunResult:
    """A report in a worker process: its log lines and stages go to the parent through the queue ``events``."""

    def log(line: str) -> None:
        events.put(("log", body, year, line))

    def stage(update: StageUpdate) -> None:
        events.put(("stage", body, year, update))

    return report_result(batch, body, year, log=log, stage=stage)


def run_all(
    root: Path | str,
    *,
    outputs: Path | str | None = None,
    log: Callable[[str], None] = print,
    stage: BatchStage | None = None,
    jobs: int | None = None,
    force: bool = False,
) -> list[RunResult]:
    """Run every report that has params, ``jobs`` at a time (default: the number of cores), each in its own
    process, build folder and kernel; a report that fails does not stop the others. Then rewrite the outputs'
    index. Results in report order."""
    batch = Batch(root, outputs, force)
    reports = ProjectLayout.at(root).reports()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(reports) or 1))
    stage = stage or _no_batch_stage
    if jobs == 1:
        results = [_in_this_process(batch, report, log=log, stage=stage) for report in reports]
    else:
        results = _in_processes(batch, reports, jobs, log=log, stage=stage)
    _index(ProjectLayout.at(root, outputs), log)
    return results


def _index(layout: ProjectLayout, log: Callable[[str], None]) -> None:
    """Rewrite the outputs' index once every report has ended (each run rewrote it too, possibly at the same time
    as another report's run)."""
    from nianbao.run.site import write_index

    try:
        write_index(layout)
    except OSError as exc:
        log(f"警告: 未能更新 {layout.index_page}: {os_error_message(exc)}")


def _no_batch_stage(body: str, year: int, update: StageUpdate) -> None:
    pass


def _in_this_process(batch: Batch, report: tuple[str, int], *, log: Callable[[str], None], stage: BatchStage) -> RunResult:
    body, year = report
    return report_result(batch, body, year, log=log, stage=lambda update: stage(body, year, update))


def _in_processes(
    batch: Batch, reports: list[tuple[str, int]], jobs: int, *, log: Callable[[str], None], stage: BatchStage
) -> list[RunResult]:
    """Each report in a worker process of a pool of ``jobs``; their log lines and stages relayed as they come."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    with context.Manager() as manager:
        events = manager.Queue()
        workers: set[int] = set()
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_started, initargs=(events,)) as pool:
            futures = [pool.submit(_worker, batch, body, year, events) for body, year in reports]
            try:
                _relay(events, futures, workers, log=log, stage=stage)
            except BaseException as exc:
                if isinstance(exc, Terminated):
                    _pass_on_sigterm(workers)
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            return [f.result() for f in futures]


def _pass_on_sigterm(workers: set[int]) -> None:
    for pid in workers:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def _relay(
    events: Any, futures: list[Future[RunResult]], workers: set[int], *, log: Callable[[str], None], stage: BatchStage
) -> None:
    """Pass the workers' events to ``log`` and ``stage`` until every report is done; collect the workers' pids."""
    import queue

    while True:
        try:
            kind, body, year, payload = events.get(timeout=0.1)
        except queue.Empty:
            if all(f.done() for f in futures):
                return
            continue
        if kind == "pid":
            workers.add(payload)
        elif kind == "log":
            log(payload)
        else:
            stage(body, year, payload)
