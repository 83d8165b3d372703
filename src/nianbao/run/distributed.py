"""The ``dask`` executor of a batch: the reports that must run go to the workers of a Dask cluster.

``run --all --executor dask --scheduler tcp://host:8786`` sends each report to a worker of that cluster (without
``--scheduler``, a local cluster of ``--jobs`` worker processes is started for the run). Every worker must see the
project and the outputs folder at the same paths as the machine that starts the run (a shared file system), with
the same nianbao installed. The parent computes the keys (``batch.settle``) and sends only the reports whose
inputs changed, each with its key. A worker keeps its warm state across reports (``warm.py``, module-level in the
worker process). Each report runs under its lock (a file lock beside its outputs, on the shared folder) and
publishes atomically, so that a worker lost mid-report leaves the last good outputs in place; the scheduler then
runs the report again on another worker, whose run recovers what the lost one left (``build.recover``). Log lines
and stages come back as events while the reports run.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from collections.abc import Callable
from typing import Any

from nianbao.errors import ExitCode
from nianbao.paths import ProjectLayout
from nianbao.run.batch import Batch, BatchStage, Executor, Job, report_result
from nianbao.run.status import RunResult, Stage, StageUpdate, Status

TOPIC = "nianbao"  # the Dask event topic the workers' log lines and stages are sent on
ATTEMPTS = 3  # times a report is started on a worker (a worker lost mid-report counts one)


def _on_worker(batch: Batch, job: Job) -> RunResult:
    """A report on a Dask worker, its log lines and stages sent to the client as events."""
    from distributed import get_worker

    from nianbao.run import warm

    warm.enable()
    worker = get_worker()

    def send(kind: str, payload: Any) -> None:
        worker.log_event(TOPIC, pickle.dumps((kind, job.body, job.year, payload)))

    def log(line: str) -> None:
        send("log", line)

    def stage(update: StageUpdate) -> None:
        send("stage", update)

    return report_result(batch, job.body, job.year, log=log, stage=stage, key=job.key)


def _relay(log: Callable[[str], None], stage: BatchStage) -> Callable[[Any], None]:
    def handler(event: Any) -> None:
        _, message = event
        kind, body, year, payload = pickle.loads(message)
        if kind == "log":
            log(payload)
        else:
            stage(body, year, payload)

    return handler


def _lost(job: Job, exc: BaseException) -> RunResult:
    message = f"报告在 {ATTEMPTS} 个 Dask worker 上都未完成（{type(exc).__name__}: {exc}）；上一次成功生成的报告保持不变"
    return RunResult(job.body, job.year, Status.ERROR, None, message, ExitCode.EXECUTION_ERROR)


def run_on_dask(
    batch: Batch, jobs: list[Job], executor: Executor, *, log: Callable[[str], None], stage: BatchStage
) -> list[RunResult]:
    """Run ``jobs`` on the cluster of ``executor.scheduler`` (a local one of ``executor.jobs`` workers when None).
    Results in the order of ``jobs``. The project and the outputs are sent as absolute paths: a worker runs in a
    folder of its own, where a relative path would name another project."""
    import dask

    layout = ProjectLayout.at(batch.root, batch.outputs)
    batch = dataclasses.replace(batch, root=layout.root.resolve(), outputs=layout.outputs.resolve())
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": ATTEMPTS - 1}):
        cluster = None
        if executor.scheduler is None:
            workers = executor.jobs or os.cpu_count() or 1
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        try:
            with Client(executor.scheduler or cluster) as client:
                client.subscribe_topic(TOPIC, _relay(log, stage))
                futures = [
                    client.submit(_on_worker, batch, job, key=f"report-{job.body}-{job.year}-{job.key}", pure=False)
                    for job in jobs
                ]
                results = []
                for job, future in zip(jobs, futures, strict=True):
                    try:
                        results.append(future.result())
                    except Exception as exc:  # KilledWorker: the report's workers were lost, ATTEMPTS times
                        stage(job.body, job.year, Stage.ERROR)
                        results.append(_lost(job, exc))
                client.unsubscribe_topic(TOPIC)
                return results
        finally:
            if cluster is not None:
                cluster.close()
