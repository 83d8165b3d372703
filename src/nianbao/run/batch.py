"""A batch of reports: every report that has params, ``jobs`` at a time; a report that fails does not stop the
others.

The parent computes every report's key first (files only, no pandas, no Great Expectations) and settles the reports
whose inputs did not change without starting any worker. The others go to an executor: ``local``, a pool of worker
processes on this machine, or ``dask``, the workers of a Dask cluster (``distributed.py``). A worker keeps its
warm state across the reports it runs (``warm.py``): one kernel, Great Expectations and WeasyPrint per worker, not
per report. The reports of one era are checked together, in groups (``groups``): a local worker checks a group, and
the workers that run its reports, in shares, are given their validations (``prepared``). Each report still has its
own build folder, lock and atomic publish.
"""

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
from nianbao.run.context import RunContext
from nianbao.run.prepared import Checked
from nianbao.run.signals import terminate
from nianbao.run.status import RunResult, Stage, StageCallback, StageUpdate, Status
from nianbao.run.unchanged import unchanged_result

EXECUTORS = ("local", "dask")

BatchStage = Callable[[str, int, StageUpdate], None]  # (body, year, stage) of a report in the batch


@dataclass(frozen=True)
class Batch:
    """What every report of a batch runs with: the project, where its outputs go, and whether to force runs."""

    root: Path | str
    outputs: Path | str | None = None
    force: bool = False


@dataclass(frozen=True)
class Job:
    """A report of a batch that must run, with the key the parent computed for it."""

    body: str
    year: int
    key: str | None = None


def run_report(root: Path | str, body: str, year: int, **options: Any) -> RunResult:
    """``pipeline.run_report``, imported when a report runs (pandas, nbformat, the renderers)."""
    from nianbao.run.pipeline import run_report as run

    return run(root, body, year, **options)


def report_result(
    batch: Batch, body: str, year: int, *, log: Callable[[str], None], stage: StageCallback, key: str | None = None
) -> RunResult:
    """``run_report`` with its errors turned into a result, so that a failing report does not stop a batch (a bug
    neither: its traceback becomes the result's message); only an interrupt stops it."""
    try:
        options: dict[str, Any] = {"outputs": batch.outputs, "log": log, "stage": stage, "force": batch.force, "index": False}
        if key is not None:
            options["key"] = key
        return run_report(batch.root, body, year, **options)
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


def _worker_started(events: Any, kernels: Any) -> None:
    """A worker process starting: SIGTERM stops its report as Ctrl-C would (build kept aside, kernel shut down),
    the parent learns its pid, to pass a SIGTERM of its own on, and the worker keeps its kernel warm: one the parent
    started for it (from the queue ``kernels``), which has been importing while the fork server did, or else one it
    starts now, while it checks its first group."""
    import queue

    from nianbao.run import warm

    signal.signal(signal.SIGTERM, terminate)
    events.put(("pid", "", 0, os.getpid()))
    warm.enable()
    try:
        warm.adopt(kernels.get_nowait())
    except queue.Empty:
        warm.launch()


def _check(batch: Batch, jobs: list[Job]) -> Checked:
    """Check a group of reports together in a worker process (``prepared.check``); the validations go back to the
    parent, which gives each to the worker that runs the report."""
    from nianbao.run import prepared

    return prepared.check(batch.root, _keyed(jobs))


def _worker(batch: Batch, jobs: list[Job], events: Any, checked: Checked) -> list[RunResult]:
    """A share of the reports in a worker process, run one by one with the validations their group's check made
    (``checked``): their log lines and stages go to the parent through the queue ``events``."""
    from nianbao.run import prepared

    prepared.keep(batch.root, checked)
    return [_worker_report(batch, job, events) for job in jobs]


def _worker_report(batch: Batch, job: Job, events: Any) -> RunResult:
    body, year = job.body, job.year

    def log(line: str) -> None:
        events.put(("log", body, year, line))

    def stage(update: StageUpdate) -> None:
        events.put(("stage", body, year, update))

    return report_result(batch, body, year, log=log, stage=stage, key=job.key)


def _prepare(batch: Batch, jobs: list[Job]) -> None:
    """Check ``jobs`` together in this process before the first of them runs (``prepared``)."""
    from nianbao.run import prepared

    prepared.prepare(batch.root, _keyed(jobs))


def _keyed(jobs: list[Job]) -> list[tuple[str, int, str | None]]:
    """Each job as (body, year, run key)."""
    return [(job.body, job.year, job.key) for job in jobs]


GROUP = 25
"""The most reports checked together (one check runs every suite once for the group)."""


@dataclass(frozen=True)
class Group:
    """Reports of one era checked together, and the same reports in shares, one per worker: a share runs in
    whichever worker is free once the group is checked, with the validations of its reports."""

    jobs: list[Job]
    shares: list[list[Job]]


def groups(batch: Batch, jobs: list[Job], workers: int) -> list[Group]:
    """``jobs`` in groups of one era (they share their suites), no group above ``GROUP``, each split evenly into
    shares for ``workers``; the largest groups first, so that no worker is left with a long share at the end."""
    from nianbao.run.cache import era_named

    layout = ProjectLayout.at(batch.root, batch.outputs)
    eras: dict[str, list[Job]] = {}
    for job in jobs:
        eras.setdefault(era_named(layout.params_file(job.body, job.year)), []).append(job)
    cut = []
    for members in eras.values():
        for start in range(0, len(members), GROUP):
            group = members[start : start + GROUP]
            size = -(-len(group) // workers)
            cut.append(Group(group, [group[i : i + size] for i in range(0, len(group), size)]))
    return sorted(cut, key=lambda group: len(group.jobs), reverse=True)


@dataclass(frozen=True)
class Executor:
    """Where the reports that must run go: ``local`` (a process pool of ``jobs``) or ``dask`` (the cluster whose
    scheduler is at ``scheduler``, or a local cluster of ``jobs`` workers when None)."""

    name: str = "local"
    jobs: int | None = None
    scheduler: str | None = None


def run_all(
    root: Path | str,
    *,
    outputs: Path | str | None = None,
    log: Callable[[str], None] = print,
    stage: BatchStage | None = None,
    jobs: int | None = None,
    force: bool = False,
    executor: Executor | None = None,
) -> list[RunResult]:
    """Run every report that has params, ``jobs`` at a time (default: the number of cores), each in its own
    build folder, the reports whose inputs did not change settled here without starting a worker; a report that
    fails does not stop the others. Then rewrite the outputs' index (also when interrupted). Results in report
    order."""
    batch = Batch(root, outputs, force)
    executor = executor or Executor(jobs=jobs)
    stage = stage or _no_batch_stage
    try:
        settled, jobs_to_run = settle(batch, log=log, stage=stage)
        if jobs_to_run:
            ran = _run_jobs(batch, jobs_to_run, executor, log=log, stage=stage)
            settled.update({(r.body, r.year): r for r in ran})
    finally:
        _index(ProjectLayout.at(root, outputs), log)
    return [settled[report] for report in ProjectLayout.at(root).reports() if report in settled]


def _index(layout: ProjectLayout, log: Callable[[str], None]) -> None:
    """Rewrite the outputs' index once every report has ended, or the batch was interrupted: the runs of a batch
    record how they ended but leave the index to the batch (it reads every report's record, so that rewriting it
    after each of N reports would cost N² reads)."""
    from nianbao.run.site import write_index

    try:
        write_index(layout)
    except OSError as exc:
        log(f"警告: 未能更新 {layout.index_page}: {os_error_message(exc)}")


def settle(batch: Batch, *, log: Callable[[str], None], stage: BatchStage) -> tuple[dict[tuple[str, int], RunResult], list[Job]]:
    """The results of the reports whose inputs did not change since their last run, and the jobs of the others
    (with their keys)."""
    layout = ProjectLayout.at(batch.root, batch.outputs)
    settled: dict[tuple[str, int], RunResult] = {}
    jobs: list[Job] = []
    for body, year in layout.reports():
        ctx = RunContext.create(layout, body, year, force=batch.force, log=log, stage=_report_stage(stage, body, year))
        try:
            result = unchanged_result(ctx)
        except ValidationFailed as exc:
            result = RunResult(body, year, Status.FAILED_VALIDATION, None, str(exc), exc.exit_code)
        if result is None:
            jobs.append(Job(body, year, ctx.key))
        else:
            settled[(body, year)] = result
    return settled, jobs


def _report_stage(stage: BatchStage, body: str, year: int) -> StageCallback:
    return lambda update: stage(body, year, update)


def _run_jobs(
    batch: Batch, jobs: list[Job], executor: Executor, *, log: Callable[[str], None], stage: BatchStage
) -> list[RunResult]:
    if executor.name == "dask":
        from nianbao.run.distributed import run_on_dask

        return run_on_dask(batch, jobs, executor, log=log, stage=stage)
    workers = max(1, min(executor.jobs or os.cpu_count() or 1, len(jobs)))
    if workers == 1:
        from nianbao.run import warm

        results = []
        with warm.kept():
            warm.launch()  # it starts while the first group is checked
            for group in groups(batch, jobs, 1):
                _prepare(batch, group.jobs)
                results += [_in_this_process(batch, job, log=log, stage=stage) for job in group.jobs]
        return _in_order(jobs, results)
    return _in_processes(batch, jobs, workers, log=log, stage=stage)


def _in_order(jobs: list[Job], results: list[RunResult]) -> list[RunResult]:
    by_report = {(r.body, r.year): r for r in results}
    return [by_report[(job.body, job.year)] for job in jobs]


def _no_batch_stage(body: str, year: int, update: StageUpdate) -> None:
    pass


def _in_this_process(batch: Batch, job: Job, *, log: Callable[[str], None], stage: BatchStage) -> RunResult:
    stage_of_report = _report_stage(stage, job.body, job.year)
    return report_result(batch, job.body, job.year, log=log, stage=stage_of_report, key=job.key)


def _in_processes(
    batch: Batch, reports: list[Job], jobs: int, *, log: Callable[[str], None], stage: BatchStage
) -> list[RunResult]:
    """Each report in a worker process of a pool of ``jobs`` (see ``_Schedule``); their log lines and stages
    relayed as they come."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import forkserver

    from nianbao.run import warm

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*warm.IMPORTS, "nianbao.run.preload"])  # imported once, not once per worker
    forkserver.ensure_running()  # it imports while the workers' kernels start (on another core) and import too
    with warm.handed_off(jobs) as kernels, context.Manager() as manager:
        events, handoffs = manager.Queue(), manager.Queue()
        for kernel in kernels:
            handoffs.put(kernel)
        workers: set[int] = set()
        started = (events, handoffs)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_started, initargs=started) as pool:
            schedule = _Schedule(pool, batch, groups(batch, reports, jobs), events, ahead=jobs)
            try:
                _relay(events, schedule.advance, workers, log=log, stage=stage)
            except BaseException as exc:
                if isinstance(exc, Terminated):
                    _pass_on_sigterm(workers)
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            return _in_order(reports, schedule.results())


class _Schedule:
    """The tasks of a batch in a pool: each group's check, then, once its validations are back, the runs of its
    shares. ``ahead`` groups are checked at the start (one per worker); each time a check comes back, its shares
    are queued and then the next group's check, so that the workers always find checked reports to run and a group
    is checked once, however many workers run its shares. A check that failed leaves its reports to validate on
    their own as they run."""

    def __init__(self, pool: Any, batch: Batch, groups: list[Group], events: Any, *, ahead: int) -> None:
        self.pool, self.batch, self.events = pool, batch, events
        self.waiting = list(groups)
        self.checks: dict[Future[Checked], Group] = {}
        self.runs: list[Future[list[RunResult]]] = []
        for _ in range(ahead):
            self._check_next()

    def _check_next(self) -> None:
        if self.waiting:
            group = self.waiting.pop(0)
            self.checks[self.pool.submit(_check, self.batch, group.jobs)] = group

    def advance(self) -> bool:
        """Queue the runs of every group whose check came back (and the next checks); True once every report ran."""
        for future in [f for f in self.checks if f.done()]:
            group = self.checks.pop(future)
            checked = future.result() if future.exception() is None else {}
            for share in group.shares:
                mine = set(_keyed(share))
                given = {report: validation for report, validation in checked.items() if report in mine}
                self.runs.append(self.pool.submit(_worker, self.batch, share, self.events, given))
            self._check_next()
        return not self.checks and all(f.done() for f in self.runs)

    def results(self) -> list[RunResult]:
        """Every report's result, once ``advance`` said that every report ran."""
        return [result for future in self.runs for result in future.result()]


def _pass_on_sigterm(workers: set[int]) -> None:
    for pid in workers:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def _relay(events: Any, advance: Callable[[], bool], workers: set[int], *, log: Callable[[str], None], stage: BatchStage) -> None:
    """Pass the workers' events to ``log`` and ``stage``, and let the schedule ``advance`` after each, until it
    says that every report is done; collect the workers' pids."""
    import queue

    while True:
        try:
            kind, body, year, payload = events.get(timeout=0.1)
        except queue.Empty:
            if advance():
                return
            continue
        advance()
        if kind == "pid":
            workers.add(payload)
        elif kind == "log":
            log(payload)
        else:
            stage(body, year, payload)
