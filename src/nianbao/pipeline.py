"""The pipeline of one report: check inputs, validate, execute the notebooks, render, and publish the new
outputs atomically.

Every run builds into a fresh folder beside the final one and only moves it into place when everything
succeeded, so a failed or interrupted run never deletes or half-overwrites the outputs of the last good run.
A failed run leaves what it produced (validation result, executed notebooks) in ``<year>.failed/`` for
inspection. Two runs of the same report are serialised by a lock file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import render
from .exceptions import (
    DeclarationError,
    ExecutionError,
    NianbaoError,
    RunLocked,
    ValidationFailed,
    display_path,
    os_error_message,
)
from .execute import execute
from .expectations import stale_suites
from .fonts import cjk_font
from .formats import VALIDATION_CHAPTER
from .manifest import build_manifest, write_manifest
from .report import load_report

LOCK_TIMEOUT = 900  # seconds a run waits for another run of the same report


@dataclass
class RunResult:
    body: str
    year: int
    status: str  # rendered / failed validation / error
    output: Path | None
    message: str = ""
    exit_code: int = 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish(build: Path, final: Path) -> None:
    """Move ``build`` to ``final``, replacing a previous ``final`` only once the new one is in place."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(build, final)
    except OSError:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _keep_failed(build: Path, final: Path) -> Path:
    failed = final.with_name(f"{final.name}.failed")
    if failed.exists():
        shutil.rmtree(failed)
    os.rename(build, failed)
    return failed


def run_report(
    root: Path | str,
    body: str,
    year: int | str,
    *,
    outputs: Path | str | None = None,
    log: Callable[[str], None] = print,
) -> RunResult:
    """Produce ``outputs/<body>/<year>/``. Raises NianbaoError subclasses; the CLI maps them to exit codes."""
    root = Path(root).resolve()
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
    out_root = Path(outputs).resolve() if outputs else root / "outputs"
    final = out_root / params.body / str(params.year)
    final.parent.mkdir(parents=True, exist_ok=True)
    tag = f"[{params.body} {params.year}]"
    for note in report.notes:
        log(f"{tag} 说明: {note}")

    from filelock import FileLock, Timeout

    lock = FileLock(str(final.parent / f".{final.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"{tag} 另一个运行正在生成同一报告，等待其结束…")
        try:
            lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout:
            raise RunLocked(
                f"{final} 正被另一个运行锁定超过 {LOCK_TIMEOUT} 秒", hint=f"确认没有其他运行后删除 {lock.lock_file}"
            ) from None
    try:
        build = Path(tempfile.mkdtemp(prefix=f".{final.name}.build-", dir=final.parent))
        os.chmod(build, 0o777 & ~_umask())
        try:
            validation = _build(report, root, build, font, log, tag)
        except ValidationFailed as exc:
            failed = _keep_failed(build, final)
            exc.message += (
                f"\n  校验结果已保存: {display_path(failed / 'validation.json')}"
                f"（可读的校验章节: {display_path(failed / 'sections' / (fmt.notebooks[0].stem + '.html'))}）"
            )
            raise
        except ExecutionError as exc:
            failed = _keep_failed(build, final)
            kept = failed / exc.kept.relative_to(build) if exc.kept is not None else None
            raise ExecutionError(
                exc.detail, notebook=exc.notebook, cell=exc.cell, kept=kept, hint=exc.hint
            ) from None
        except BaseException:
            if build.exists():
                _keep_failed(build, final)
            raise
        _publish(build, final)
        stale_failed = final.with_name(f"{final.name}.failed")
        if stale_failed.exists():
            shutil.rmtree(stale_failed, ignore_errors=True)
    finally:
        lock.release()
    log(f"{tag} 完成 → {display_path(final)}")
    return RunResult(params.body, params.year, "rendered", final, validation.summary())


def _build(report, root: Path, build: Path, font, log, tag: str):
    from .validate import Validation

    params = report.params
    fmt = report.format
    parameters = {"body": params.body, "year": params.year, "root": str(root), "output_dir": str(build)}
    executed: dict[str, nbformat.NotebookNode] = {}
    # A notebook whose chapters this report does not have (omitted, no such table, a single year) is not run.
    notebooks = [nb for nb in fmt.notebooks if any(report.shows(c) for c in nb.chapters)]
    total = len(notebooks)
    for index, spec in enumerate(notebooks, start=1):
        log(f"{tag} 执行 {spec.file}（{index}/{total}）")
        target = build / "notebooks" / spec.file
        execute(root / "notebooks" / spec.file, target, parameters, cwd=root / "notebooks", timeout=params.execution_timeout)
        executed[spec.stem] = nbformat.read(target, as_version=4)
        if VALIDATION_CHAPTER in spec.chapters:  # the first notebook (the declaration guarantees it)
            validation = Validation.read(build / "validation.json")
            log(f"{tag} {validation.summary()}")
            if not validation.success:
                # The validation section is still rendered, so that a reviewer can read what failed.
                _write_section(build, spec, executed[spec.stem], params, font)
                raise ValidationFailed(
                    "数据未通过严重级别的校验，未生成报告章节:\n"
                    + "\n".join(c.message() for c in validation.critical_failures),
                    validation.critical_failures,
                )
    log(f"{tag} 渲染 HTML")
    for spec in notebooks:
        _write_section(build, spec, executed[spec.stem], params, font)
    assembled = render.assemble(report, executed)
    html = render.to_html(assembled, params.title, font)
    (build / "report.html").write_text(html, encoding="utf-8")
    log(f"{tag} 渲染 PDF")
    render.write_pdf(html, build / "report.pdf", base_url=build)
    write_manifest(build / "manifest.json", build_manifest(report, font, build, validation.to_json()["counts"]))
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


def run_all(root: Path | str, *, outputs=None, log: Callable[[str], None] = print) -> list[RunResult]:
    """Run every report that has params; a report that fails does not stop the others."""
    from .params import available_reports

    results = []
    for body, year in available_reports(Path(root)):
        try:
            results.append(run_report(root, body, year, outputs=outputs, log=log))
        except ValidationFailed as exc:
            results.append(RunResult(body, year, "failed validation", None, str(exc), exc.exit_code))
        except NianbaoError as exc:
            results.append(RunResult(body, year, "error", None, str(exc), exc.exit_code))
        except OSError as exc:
            results.append(RunResult(body, year, "error", None, os_error_message(exc), 3))
    return results
