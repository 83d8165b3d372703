"""The pipeline of one report: check inputs, validate, execute the notebooks, render, and publish the new
outputs atomically.

Every run builds into a fresh folder beside the final one and only moves it into place when everything
succeeded, so a failed or interrupted run never deletes or half-overwrites the outputs of the last good run.
A failed run leaves what it produced (validation result, executed notebooks) in ``<year>.failed/`` for
inspection. Two runs of the same report are serialised by a lock file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from nianbao.checks.suites import stale_suites
from nianbao.errors import (
    DeclarationError,
    ExecutionError,
    NianbaoError,
    RunLocked,
    ValidationFailed,
    os_error_message,
)
from nianbao.inputs.report import load_report
from nianbao.paths import VALIDATION_FILE, ProjectLayout, display_path
from nianbao.paths import failed_dir as failed_path_of
from nianbao.present import render
from nianbao.present.fonts import cjk_font
from nianbao.run.build import keep_failed, publish
from nianbao.run.manifest import build_manifest, write_manifest

LOCK_TIMEOUT = 900  # seconds a run waits for another run of the same report


@dataclass
class RunResult:
    body: str
    year: int
    status: str  # rendered / failed validation / error
    output: Path | None
    message: str = ""
    exit_code: int = 0
    unchanged: bool = False  # not run again: its inputs did not change since the last run


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _unchanged(body, year, final: Path, log, stage, message: str) -> RunResult:
    log(f"[{body} {year}] {message}")
    stage("unchanged")
    return RunResult(body, int(year), "rendered", final, "输入未变（unchanged）", unchanged=True)


def run_report(
    root: Path | str,
    body: str,
    year: int | str,
    *,
    outputs: Path | str | None = None,
    log: Callable[[str], None] = print,
    stage: Callable[[str], None] | None = None,
    force: bool = False,
) -> RunResult:
    """Produce ``outputs/<body>/<year>/``. Raises NianbaoError subclasses; the CLI maps them to exit codes.

    ``log`` receives the lines to print, ``stage`` the short status of the run (validating, section k/n, …).
    Unless ``force``, a report whose inputs did not change since its last run (same key, see cache.py) is not
    run again: a rendered one is left as it is, and one that failed validation fails again with the kept result."""
    from nianbao.run.cache import KEY_FILE, recorded_key, run_key

    stage = stage or (lambda _: None)
    root = Path(root).resolve()
    out_root = Path(outputs).resolve() if outputs else root / "outputs"
    final = out_root / body / str(year)
    failed_dir = failed_path_of(final)
    tag = f"[{body} {year}]"
    layout = ProjectLayout.at(root, outputs)
    key = run_key(layout, body, int(year)) if layout.params_file(body, year).exists() else None
    if key is not None and not force:
        if recorded_key(final) == key and (final / "report.pdf").exists():
            return _unchanged(body, year, final, log, stage, f"输入未变，沿用 {display_path(final)}")
        if recorded_key(failed_dir) == key and (failed_dir / "validation.json").exists():
            message = json.loads((failed_dir / KEY_FILE).read_text(encoding="utf-8"))["message"]
            log(f"{tag} 输入未变，上次未通过校验: {display_path(failed_dir)}")
            stage("failed (unchanged)")
            raise ValidationFailed(message + "\n  （输入未变，沿用上次的校验结果；--force 重新运行）")
    stage("loading")
    report = load_report(root, body, year)
    params = report.params
    fmt = report.format
    stale = stale_suites(root, fmt)
    if stale:
        raise DeclarationError(
            f"expectations/{fmt.era}/ 与格式声明不一致: {', '.join(stale)}",
            hint="运行 `nianbao expectations --write` 重新生成校验规则",
        )
    font = cjk_font(params.font)
    final.parent.mkdir(parents=True, exist_ok=True)
    for note in report.notes:
        log(f"{tag} 说明: {note}")

    from filelock import FileLock, Timeout

    lock = FileLock(str(final.parent / f".{final.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"{tag} 另一个运行正在生成同一报告，等待其结束…")
        stage("waiting for lock")
        try:
            lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout:
            raise RunLocked(
                f"{final} 正被另一个运行锁定超过 {LOCK_TIMEOUT} 秒", hint=f"确认没有其他运行后删除 {lock.lock_file}"
            ) from None
        if not force and key is not None and recorded_key(final) == key:  # the other run made these inputs' report
            lock.release()
            return _unchanged(body, year, final, log, stage, f"另一个运行已用相同的输入生成 {display_path(final)}")
    try:
        build = Path(tempfile.mkdtemp(prefix=f".{final.name}.build-", dir=final.parent))
        os.chmod(build, 0o777 & ~_umask())
        try:
            validation = _build(report, root, build, font, log, stage, tag, key)
        except ValidationFailed as exc:
            failed = keep_failed(build, final)
            exc.message += (
                f"\n  校验结果已保存: {display_path(failed / 'validation.json')}"
                f"（可读的校验章节: {display_path(failed / 'sections' / (fmt.notebooks[0].stem + '.html'))}）"
            )
            (failed / KEY_FILE).write_text(
                json.dumps({"run_key": key, "message": exc.message}, ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
            stage("failed validation")
            raise
        except ExecutionError as exc:
            failed = keep_failed(build, final)
            kept = failed / exc.kept.relative_to(build) if exc.kept is not None else None
            stage("error")
            raise ExecutionError(exc.detail, notebook=exc.notebook, cell=exc.cell, kept=kept, hint=exc.hint) from None
        except BaseException:
            if build.exists():
                keep_failed(build, final)
            stage("error")
            raise
        publish(build, final)
        if failed_dir.exists():
            shutil.rmtree(failed_dir, ignore_errors=True)
    finally:
        lock.release()
    log(f"{tag} 完成 → {display_path(final)}")
    stage("done")
    return RunResult(params.body, params.year, "rendered", final, validation.summary())


def _build(report, root: Path, build: Path, font, log, stage, tag: str, key: str | None):
    """Validate in this process, before any kernel starts; then run the notebooks in one kernel and render.

    Great Expectations is imported once per process (a batch run's workers reuse it across reports), and a
    report that fails a critical check costs one notebook (its validation section), not all of them."""
    from nianbao.checks.validate import validate
    from nianbao.run.kernel import Kernel

    params = report.params
    fmt = report.format
    stage("validating")
    validation = validate(report)
    validation.write(build / VALIDATION_FILE)
    log(f"{tag} {validation.summary()}")
    parameters = {"body": params.body, "year": params.year, "root": str(root), "output_dir": str(build)}
    executed: dict[str, nbformat.NotebookNode] = {}
    # A notebook whose chapters this report does not have (omitted, no such table, a single year) is not run;
    # after a critical failure only the validation notebook (the first) runs.
    notebooks = [nb for nb in fmt.notebooks if any(report.shows(c) for c in nb.chapters)]
    if not validation.success:
        notebooks = notebooks[:1]
    total = len(notebooks)
    with Kernel() as kernel:
        for index, spec in enumerate(notebooks, start=1):
            log(f"{tag} 执行 {spec.file}（{index}/{total}）")
            stage(f"section {index}/{total}")
            target = build / "notebooks" / spec.file
            kernel.execute(
                root / "notebooks" / spec.file,
                target,
                parameters,
                cwd=root / "notebooks",
                timeout=params.execution_timeout,
            )
            executed[spec.stem] = nbformat.read(target, as_version=4)
    if not validation.success:
        # The validation section is still rendered, so that a reviewer can read what failed.
        _write_section(build, notebooks[0], executed[notebooks[0].stem], params, font)
        raise ValidationFailed(
            "数据未通过严重级别的校验，未生成报告章节:\n" + "\n".join(c.message() for c in validation.critical_failures),
            validation.critical_failures,
        )
    log(f"{tag} 渲染 HTML")
    stage("rendering HTML")
    for spec in notebooks:
        _write_section(build, spec, executed[spec.stem], params, font)
    assembled = render.assemble(report, executed)
    html = render.to_html(assembled, params.title, font)
    (build / "report.html").write_text(html, encoding="utf-8")
    log(f"{tag} 渲染 PDF")
    stage("rendering PDF")
    render.write_pdf(html, build / "report.pdf", base_url=build)
    counts = validation.to_json()["counts"]
    manifest = build_manifest(report, font=font, output_dir=build, validation=counts, run_key=key)
    write_manifest(build / "manifest.json", manifest)
    return validation


def _write_section(build: Path, spec, executed, params, font) -> Path:
    """``sections/<notebook>.html``: one executed notebook as a report section."""
    sections = build / "sections"
    sections.mkdir(exist_ok=True)
    title = f"{params.title}：" + "、".join(params.heading(c) for c in spec.chapters)
    header = f"{params.title}（{params.issuer}）· 报告章节"
    path = sections / f"{spec.stem}.html"
    path.write_text(render.to_html(executed, title, font, header=header), encoding="utf-8")
    return path


def _result_of(root, body, year, outputs, log, stage, force) -> RunResult:
    """``run_report`` with its errors turned into a result, so that a failing report does not stop a batch."""
    try:
        return run_report(root, body, year, outputs=outputs, log=log, stage=stage, force=force)
    except ValidationFailed as exc:
        return RunResult(body, year, "failed validation", None, str(exc), exc.exit_code)
    except NianbaoError as exc:
        stage("error")
        return RunResult(body, year, "error", None, str(exc), exc.exit_code)
    except OSError as exc:
        stage("error")
        return RunResult(body, year, "error", None, os_error_message(exc), 3)


def _worker(root, body, year, outputs, force, queue) -> RunResult:
    """A report in a worker process: its log lines and stages go to the parent through ``queue``."""

    def log(line: str) -> None:
        queue.put(("log", body, year, line))

    def stage(text: str) -> None:
        queue.put(("stage", body, year, text))

    return _result_of(root, body, year, outputs, log, stage, force)


def run_all(
    root: Path | str,
    *,
    outputs=None,
    log: Callable[[str], None] = print,
    stage: Callable[[str, int, str], None] | None = None,
    jobs: int | None = None,
    force: bool = False,
) -> list[RunResult]:
    """Run every report that has params, ``jobs`` at a time (default: the number of cores), each in its own
    process, build folder and kernel; a report that fails does not stop the others. Results in report order."""
    import multiprocessing
    import queue as queues
    from concurrent.futures import ProcessPoolExecutor

    from nianbao.paths import ProjectLayout

    stage = stage or (lambda body, year, text: None)
    reports = ProjectLayout.at(root).reports()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(reports) or 1))
    if jobs == 1:
        return [
            _result_of(root, body, year, outputs, log, lambda text, b=body, y=year: stage(b, y, text), force)
            for body, year in reports
        ]
    context = multiprocessing.get_context("forkserver")
    with context.Manager() as manager:
        events = manager.Queue()
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(_worker, root, body, year, outputs, force, events) for body, year in reports]
            try:
                while True:
                    try:
                        kind, body, year, text = events.get(timeout=0.1)
                    except queues.Empty:
                        if all(f.done() for f in futures):
                            break
                        continue
                    if kind == "log":
                        log(text)
                    else:
                        stage(body, year, text)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            return [f.result() for f in futures]
