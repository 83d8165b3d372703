"""The run of one report, as a sequence of steps (``run_report``):

    unchanged_result → load → check_suites → font → tell_notes → BuildDir (lock, build folder) → made_meanwhile
    → kernel (started, or the warm one reset) → validate → execute → stop_if_invalid → render_html → render_pdf
    → render_docx → record_manifest → publish → finish

Every run builds into a fresh folder beside the final one and only moves it into place when everything
succeeded, so a failed or interrupted run never deletes or half-overwrites the outputs of the last good run.
A failed run leaves what it produced (validation result, executed notebooks) in ``<year>.failed/`` for
inspection, and its error names the files there. Two runs of the same report are serialised by a lock file
(see build.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from nianbao.checks.suites import stale_suites
from nianbao.errors import DeclarationError, ExitCode, NianbaoError, ValidationFailed, os_error_message
from nianbao.formats import NotebookSpec
from nianbao.inputs.report import Report, load_report
from nianbao.paths import (
    CHARTS_DIR,
    EXECUTED_DIR,
    INDEX_PAGE,
    MANIFEST_FILE,
    REPORT_DOCX,
    REPORT_HTML,
    REPORT_PDF,
    SECTIONS_DIR,
    VALIDATION_FILE,
    VALIDATION_PAGE,
    ProjectLayout,
    display_path,
)
from nianbao.present import render, word
from nianbao.present.fonts import FontInfo, PrintFaces, cjk_font, print_faces
from nianbao.run import manifest
from nianbao.run.build import BuildDir
from nianbao.run.cache import record_failure
from nianbao.run.context import RunContext
from nianbao.run.limits import time_limit
from nianbao.run.status import RunResult, Section, Stage, StageCallback, Status
from nianbao.run.unchanged import made_meanwhile, unchanged_result
from nianbao.run.warm import kernel_for_report

if TYPE_CHECKING:
    from nianbao.checks.validate import Validation
    from nianbao.run.kernel import Kernel

Executed = list[tuple[NotebookSpec, nbformat.NotebookNode]]  # the executed notebooks of a report, in order


@dataclass(frozen=True)
class Work:
    """A loaded report being built: the report, the font of its charts and web layout, the faces of its 公文
    print layout (None: it prints as the page shows), and its build folder."""

    report: Report
    font: FontInfo
    build: BuildDir
    faces: PrintFaces | None = None


def run_report(
    root: Path | str,
    body: str,
    year: int | str,
    *,
    outputs: Path | str | None = None,
    log: Callable[[str], None] = print,
    stage: StageCallback | None = None,
    force: bool = False,
    key: str | None = None,
    index: bool = True,
) -> RunResult:
    """Produce ``outputs/<body>/<year>/``. Raises NianbaoError subclasses; the CLI maps them to exit codes.

    ``log`` receives the lines to print, ``stage`` where the run is (``Stage``, or the ``Section`` executing).
    Unless ``force``, a report whose inputs did not change since its last run (same key, see cache.py) is not
    run again: a rendered one is left as it is, and one that failed validation fails again with the kept result.
    ``key`` is the report's key when the caller computed it (a batch computes the keys where it starts); ``index``:
    rewrite the outputs' index when the run ends (a batch rewrites it once, at its end)."""
    layout = ProjectLayout.at(root, outputs)
    ctx = RunContext.create(layout, body, year, force=force, log=log, stage=stage, key=key, index=index)
    with recorded(ctx):
        return steps(ctx)


@contextlib.contextmanager
def recorded(ctx: RunContext) -> Iterator[None]:
    """Record how the run of a report with params ended (``site.record``) and rewrite the outputs' index; an
    interrupted run records nothing (the index keeps what is on disk)."""
    try:
        yield
    except ValidationFailed as exc:
        _ended(ctx, RunResult(ctx.body, ctx.year, Status.FAILED_VALIDATION, None, str(exc), exc.exit_code))
        raise
    except NianbaoError as exc:
        _ended(ctx, RunResult(ctx.body, ctx.year, Status.ERROR, None, str(exc), exc.exit_code))
        raise
    except OSError as exc:
        _ended(ctx, RunResult(ctx.body, ctx.year, Status.ERROR, None, os_error_message(exc), ExitCode.EXECUTION_ERROR))
        raise
    except Exception as exc:
        _ended(ctx, RunResult(ctx.body, ctx.year, Status.ERROR, None, f"内部错误: {exc!r}", ExitCode.INTERNAL_ERROR))
        raise
    _ended(ctx, RunResult(ctx.body, ctx.year, Status.RENDERED, ctx.final))


def _ended(ctx: RunContext, result: RunResult) -> None:
    """Record ``result`` and rewrite the index unless a batch will (for a report with params); a failure to do so is
    told, and does not change the run's outcome."""
    from nianbao.run import site

    if ctx.key is None:  # no params: not a report of the project, nothing on disk changed
        return
    try:
        site.record(ctx.layout, result)
        if ctx.index:
            site.write_index(ctx.layout)
    except OSError as exc:
        ctx.say(f"警告: 未能更新 {display_path(ctx.layout.index_page)}: {os_error_message(exc)}")


def steps(ctx: RunContext) -> RunResult:
    """The steps of a report's run (see the module)."""
    result = unchanged_result(ctx)
    if result is not None:
        return result
    report = load(ctx)
    check_suites(ctx, report)
    font = cjk_font(report.params.font)
    faces = print_faces(report.params.faces.model_dump()) if report.params.style == "gongwen" else None
    tell_notes(ctx, report)
    with BuildDir(ctx.final, on_wait=ctx.waiting_for_lock, on_recover=ctx.say) as build, ctx.failures_staged():
        if build.waited and (result := made_meanwhile(ctx)) is not None:
            return result
        work = Work(report, font, build, faces)
        with kernel_for_report(ctx.layout.notebooks_dir) as kernel:  # it starts while the checks run
            validation = validate(ctx, work)
            executed = execute(ctx, work, validation, kernel)
        stop_if_invalid(ctx, work, validation, executed)
        html = render_html(ctx, work, executed)
        render_pdf(ctx, work, html)
        render_docx(ctx, work, executed)
        record_manifest(ctx, work, validation)
        build.publish()
    return finish(ctx, validation)


def load(ctx: RunContext) -> Report:
    """The report's params, data and prose (InputError subclasses on bad input)."""
    ctx.at(Stage.LOADING)
    return load_report(ctx.layout, ctx.body, ctx.year)


def check_suites(ctx: RunContext, report: Report) -> None:
    """Raise DeclarationError when the expectation suites of the report's era differ from its format declaration."""
    fmt = report.format
    stale = stale_suites(ctx.layout.root, fmt)
    if stale:
        raise DeclarationError(
            f"{ctx.layout.relative(ctx.layout.suites_dir(fmt.era))}/ 与格式声明不一致: {', '.join(stale)}",
            hint="运行 `nianbao expectations --write` 重新生成校验规则",
        )


def tell_notes(ctx: RunContext, report: Report) -> None:
    """Log what the loader normalised or noticed."""
    for note in report.notes:
        ctx.say(f"说明: {note}")


def validate(ctx: RunContext, work: Work) -> Validation:
    """Run the checks in this process, before any kernel starts, and write their result to the build.

    Great Expectations is imported once per process (a batch run's workers reuse it across reports); a worker given
    several reports checked them together beforehand (``prepared``)."""
    from nianbao.checks.validate import validate as run_checks
    from nianbao.run import prepared

    ctx.at(Stage.VALIDATING)
    validation = prepared.take(ctx.layout.root, ctx.body, ctx.year, ctx.key) or run_checks(work.report)
    validation.write(work.build.path / VALIDATION_FILE)
    write_validation_page(work, validation)
    ctx.say(validation.summary())
    return validation


def write_validation_page(work: Work, validation: Validation) -> None:
    """``validation.html``: every check for reviewers and analysts, leading to the index and, when the report will
    be rendered, to the report."""
    from nianbao.present.validation import page_html

    links = {"全部报告": f"../../{INDEX_PAGE}"}
    if validation.success:
        links |= {"报告（HTML）": REPORT_HTML, "报告（PDF）": REPORT_PDF}
    (work.build.path / VALIDATION_PAGE).write_text(page_html(work.report, validation, links), encoding="utf-8")


def notebooks_to_run(report: Report, validation: Validation) -> list[NotebookSpec]:
    """The notebooks of the chapters the report has (none omitted, its tables present, enough years for the
    trend); after a critical failure only the validation notebook (the first), so that it costs one notebook."""
    notebooks = [nb for nb in report.format.notebooks if any(report.shows(c) for c in nb.chapters)]
    return notebooks if validation.success else notebooks[:1]


def execute(ctx: RunContext, work: Work, validation: Validation, kernel: Kernel) -> Executed:
    """Run ``notebooks_to_run`` one after the other in ``kernel``, into the build's notebooks folder. An
    ExecutionError names the partly executed notebook where the failed build will be kept."""
    params, build = work.report.params, work.build
    parameters = {"body": params.body, "year": params.year, "root": str(ctx.layout.root), "output_dir": str(build.path)}
    notebooks = notebooks_to_run(work.report, validation)
    executed: Executed = []
    for index, spec in enumerate(notebooks, start=1):
        ctx.say(f"执行 {spec.file}（{index}/{len(notebooks)}）")
        ctx.at(Section(index, len(notebooks)))
        target = build.path / EXECUTED_DIR / spec.file
        notebook = ctx.layout.notebook(spec.file)
        timeout = params.execution_timeout
        kernel.execute(notebook, target, parameters, cwd=ctx.layout.notebooks_dir, timeout=timeout, kept=build.kept(target))
        executed.append((spec, nbformat.read(target, as_version=4)))
    return executed


def stop_if_invalid(ctx: RunContext, work: Work, validation: Validation, executed: Executed) -> None:
    """After a critical failure: write the validation section (for a reviewer to read what failed), record the
    key and the message beside the result, and raise ValidationFailed naming both where they will be kept."""
    if validation.success:
        return
    spec, notebook = executed[0]
    section = write_section(work, spec, notebook, render.section_links(work.report, [spec], spec, in_report=False))
    kept = work.build.kept
    message = (
        "数据未通过严重级别的校验，未生成报告章节:\n"
        + "\n".join(c.message() for c in validation.critical_failures)
        + f"\n  校验结果已保存: {display_path(kept(work.build.path / VALIDATION_FILE))}"
        + f"（校验页面: {display_path(kept(work.build.path / VALIDATION_PAGE))}；校验摘要: {display_path(kept(section))}）"
    )
    record_failure(work.build.path, ctx.key, message)
    raise ValidationFailed(message, validation.critical_failures)


def write_section(work: Work, spec: NotebookSpec, executed: nbformat.NotebookNode, links: tuple[render.Link, ...]) -> Path:
    """``sections/<notebook>.html``: one executed notebook as a report section, with its navigation ``links``."""
    params = work.report.params
    sections = work.build.path / SECTIONS_DIR
    sections.mkdir(exist_ok=True)
    title = f"{params.title}：" + render.section_title(work.report, spec)
    header = f"{params.title}（{params.issuer}）· 报告章节"
    path = sections / f"{spec.stem}.html"
    path.write_text(render.to_html(executed, title, work.font, header=header, links=links, faces=work.faces), encoding="utf-8")
    return path


def render_html(ctx: RunContext, work: Work, executed: Executed) -> str:
    """Write every section and the assembled report as HTML; the report's HTML."""
    ctx.say("渲染 HTML")
    ctx.at(Stage.RENDERING_HTML)
    with time_limit(work.report.params.render_timeout, "渲染 HTML "):
        specs = [spec for spec, _ in executed]
        for spec, notebook in executed:
            write_section(work, spec, notebook, render.section_links(work.report, specs, spec))
        assembled = render.assemble(work.report, {spec.stem: notebook for spec, notebook in executed})
        html = render.to_html(assembled, work.report.params.title, work.font, faces=work.faces)
    (work.build.path / REPORT_HTML).write_text(html, encoding="utf-8")
    return html


def render_pdf(ctx: RunContext, work: Work, html: str) -> None:
    """Print the report's HTML to PDF; say which URLs the renderer refused to fetch (the PDF leaves them out)."""
    ctx.say("渲染 PDF")
    ctx.at(Stage.RENDERING_PDF)
    with time_limit(work.report.params.render_timeout, "渲染 PDF "):
        refused = render.write_pdf(html, work.build.path / REPORT_PDF, base_url=work.build.path)
    for url in refused:
        ctx.say(f"警告: PDF 未读取 {url}（只读取构建目录内的文件和 data: URI），已略去")


def render_docx(ctx: RunContext, work: Work, executed: Executed) -> None:
    """Write the report as a Word document, from the same assembled notebook as the HTML (see present/word.py)."""
    ctx.say("渲染 Word")
    ctx.at(Stage.RENDERING_DOCX)
    with time_limit(work.report.params.render_timeout, "渲染 Word "):
        assembled = render.assemble(work.report, {spec.stem: notebook for spec, notebook in executed})
        word.write_docx(work.report, assembled, work.build.path / REPORT_DOCX, work.build.path / CHARTS_DIR)


def record_manifest(ctx: RunContext, work: Work, validation: Validation) -> None:
    """Write the manifest of the build (inputs, versions, outputs) with the run key."""
    counts = validation.to_json()["counts"]
    built = manifest.build_manifest(
        work.report, font=work.font, output_dir=work.build.path, validation=counts, run_key=ctx.key, faces=work.faces
    )
    manifest.write_manifest(work.build.path / MANIFEST_FILE, built)


def finish(ctx: RunContext, validation: Validation) -> RunResult:
    """Tell that the report is in place; its result."""
    ctx.say(f"完成 → {display_path(ctx.final)}")
    ctx.at(Stage.DONE)
    return RunResult(ctx.body, ctx.year, Status.RENDERED, ctx.final, validation.summary())
