"""Command line: ``nianbao run|validate|fields|list|expectations|import|new``.

Exit codes (``ExitCode``): 0 success; 1 critical validation failure (``run --all``: a report was not rendered);
2 usage or input error; 3 execution error (a notebook failed, or a file could not be written); 130 interrupted
(Ctrl-C); 143 terminated (SIGTERM); 4 an internal error (a bug; the traceback is printed).
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nianbao.errors import ExitCode, InputError, NianbaoError, Terminated, did_you_mean, os_error_message
from nianbao.paths import ProjectLayout, display_path
from nianbao.run.signals import terminate_as_interrupt

if TYPE_CHECKING:
    from nianbao.run.status import RunResult

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project folder holding params/, data/, notebooks/ and expectations/.",
)


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


def _fail(exc: NianbaoError) -> None:
    _echo_err(f"错误: {exc}")
    sys.exit(exc.exit_code)


@contextlib.contextmanager
def _reported_errors() -> Iterator[None]:
    """Turn the errors a user can act on into a message and an exit code, never a traceback."""
    try:
        with terminate_as_interrupt():
            yield
    except NianbaoError as exc:
        _fail(exc)
    except OSError as exc:
        _echo_err(f"错误: {os_error_message(exc)}")
        sys.exit(ExitCode.EXECUTION_ERROR)
    except Terminated:
        _echo_err("已终止（收到 SIGTERM）；上一次成功生成的报告保持不变。")
        sys.exit(ExitCode.TERMINATED)
    except KeyboardInterrupt:
        _echo_err("已中断；上一次成功生成的报告保持不变。")
        sys.exit(ExitCode.INTERRUPTED)
    except Exception:
        _echo_err(traceback.format_exc().rstrip())
        _echo_err("内部错误（nianbao 的缺陷，不是输入的问题）；上一次成功生成的报告保持不变。请连同以上信息报告此问题。")
        sys.exit(ExitCode.INTERNAL_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nianbao")
def main() -> None:
    """政府信息公开工作年度报告: validate raw counts and render the report (HTML and PDF)."""


@main.command()
@click.argument("body", required=False)
@click.argument("year", required=False, type=int)
@click.option("--all", "run_all_reports", is_flag=True, help="Run every report that has params.")
@click.option(
    "--outputs",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where outputs/<body>/<year>/ go (default: <root>/outputs).",
)
@click.option("--force", is_flag=True, help="Run even when the inputs did not change since the last run.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="With --all: reports run at the same time (default: the number of cores).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="With --all: where reports run: worker processes on this machine, or the workers of a Dask cluster.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="With --executor dask: the cluster's scheduler (default: a local cluster of --jobs workers). Its workers "
    "must see --root and --outputs at the same paths.",
)
@ROOT_OPTION
def run(*, body, year, run_all_reports, outputs, force, jobs, executor, scheduler, root) -> None:
    """Validate and render one report (BODY YEAR), or every report with --all.

    A report whose inputs did not change since its last run is not run again (--force to run it anyway)."""
    if run_all_reports == bool(body):
        raise click.UsageError("give either BODY YEAR or --all")
    if not run_all_reports and year is None:
        raise click.UsageError("missing YEAR")
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    with _reported_errors():
        if run_all_reports:
            _run_all(root, outputs=outputs, force=force, executor=(executor, jobs, scheduler))
        _run_one(root, body, year, outputs=outputs, force=force)


def _run_one(root: Path, body: str, year: int, *, outputs: Path | None, force: bool) -> None:
    """One report; when its inputs did not change, said without importing what a run needs."""
    from nianbao.run.context import RunContext
    from nianbao.run.unchanged import unchanged_result

    ctx = RunContext.create(ProjectLayout.at(root, outputs), body, year, force=force, log=click.echo)
    if unchanged_result(ctx) is not None:
        return
    from nianbao.run.pipeline import run_report

    run_report(root, body, year, outputs=outputs, log=click.echo, force=force, key=ctx.key)


def _run_all(root: Path, *, outputs: Path | None, force: bool, executor: tuple[str, int | None, str | None]) -> None:
    from nianbao.run.batch import Executor, run_all
    from nianbao.run.progress import progress_for
    from nianbao.run.status import Status

    with progress_for(ProjectLayout.at(root).reports(), click.echo) as progress:
        how = Executor(*executor)
        results = run_all(root, outputs=outputs, log=progress.log, stage=progress.stage, force=force, executor=how)
    _summary(results)
    failed = any(r.status is not Status.RENDERED for r in results)
    sys.exit(ExitCode.VALIDATION_FAILED if failed else ExitCode.OK)


def _summary(results: list[RunResult]) -> None:
    from nianbao.run.status import Status

    click.echo("\n汇总:")
    for res in results:
        line = f"  {res.body} {res.year}: {res.status.label}（{res.status.value}）"
        if res.status is Status.RENDERED:
            line += f"{'，输入未变' if res.unchanged else ''} → {res.output}"
            line += "" if res.unchanged or not res.message else f"\n      {res.message}"  # the checks, by verdict
        else:
            line += "\n      " + res.message.replace("\n", "\n      ")
        click.echo(line)
    counts = {status: sum(r.status is status for r in results) for status in Status}
    unchanged = sum(r.unchanged for r in results)
    click.echo(
        f"共 {len(results)} 个报告: "
        + "，".join(f"{s.label} {n}" for s, n in counts.items())
        + (f"（其中 {unchanged} 个输入未变，未重新运行）" if unchanged else "")
    )


@main.command()
@click.argument("body", required=False)
@click.argument("year", required=False, type=int)
@click.option("--all", "validate_all_reports", is_flag=True, help="Check every report that has params.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --all: processes checking reports at the same time.",
)
@ROOT_OPTION
def validate(*, body, year, validate_all_reports, jobs, root) -> None:
    """Run the expectation suites on one report's data (BODY YEAR), or on every report with --all, without
    rendering. Exit 0 when every check of severity critical passed, 1 when one failed (with --all: in a report, or
    a report could not be checked)."""
    if validate_all_reports == bool(body):
        raise click.UsageError("give either BODY YEAR or --all")
    if not validate_all_reports and year is None:
        raise click.UsageError("missing YEAR")
    if validate_all_reports:
        with _reported_errors():
            _validate_all(root, jobs)
    from nianbao.checks.validate import validate as run_validation
    from nianbao.inputs.report import load_report

    with _reported_errors():
        report = load_report(root, body, year)
        for note in report.notes:
            click.echo(f"说明: {note}")
        result = run_validation(report)
    click.echo(result.summary())
    for check in result.checks:
        if not check.success:
            click.echo(check.message())
    sys.exit(ExitCode.OK if result.success else ExitCode.VALIDATION_FAILED)


def _validate_all(root: Path, jobs: int) -> None:
    from nianbao.run.feedback import validate_all

    counts = {ExitCode.OK: 0, ExitCode.VALIDATION_FAILED: 0, ExitCode.INPUT_ERROR: 0}
    for verdict in validate_all(root, jobs):
        click.echo(f"[{verdict.body} {verdict.year}] " + verdict.text.replace("\n", "\n    "))
        counts[verdict.exit_code] += 1
    total = sum(counts.values())
    click.echo(
        f"\n共 {total} 个报告: 通过 {counts[ExitCode.OK]}，未通过严重级别的校验 {counts[ExitCode.VALIDATION_FAILED]}，"
        f"无法校验 {counts[ExitCode.INPUT_ERROR]}"
    )
    sys.exit(ExitCode.OK if counts[ExitCode.OK] == total else ExitCode.VALIDATION_FAILED)


@main.command()
@click.argument("body")
@click.argument("year", type=int)
@click.option("--interval", type=click.FloatRange(min=0.05), default=0.2, show_default=True, help="Seconds between polls.")
@ROOT_OPTION
def watch(body, year, interval, root) -> None:
    """Check one report's data now and again on every save of its params, data or prose; runs until Ctrl-C."""
    from nianbao.run.feedback import watch as watch_report

    with _reported_errors():
        if not ProjectLayout.at(root).params_file(body, year).exists():
            from nianbao.inputs.report import load_report

            load_report(root, body, year)  # the error naming what is missing
        watch_report(root, body, year, echo=click.echo, interval=interval)


@main.command(name="fields")
@click.argument("body")
@click.argument("year", type=int)
@click.option("--chapter", "chapters", multiple=True, help="A prose chapter (overview, problems…); default: every one.")
@click.option("--all", "show_all", is_flag=True, help="List every candidate field of a number, not only the first ten.")
@ROOT_OPTION
def fields(*, body, year, chapters, show_all, root) -> None:
    """Propose fields for the numbers written in a report's prose: for each number, the fields that print it.
    Nothing is rewritten."""
    from nianbao.inputs.fields import propose
    from nianbao.inputs.report import load_report

    with _reported_errors():
        report = load_report(root, body, year)
        known = list(report.prose_source)
        for chapter in chapters:
            if chapter not in known:
                raise InputError(
                    f"{body} {year} 没有文字章节 {chapter!r}",
                    expected="、".join(known),
                    hint=f"是否想写 {match!r}？" if (match := did_you_mean(chapter, known)) else None,
                )
        proposals = propose(report, list(chapters) or None)
    for proposal in proposals:
        click.echo(f"{display_path(proposal.path)} 第{proposal.line}行: {proposal.sentence}")
        shown = proposal.fields if show_all else proposal.fields[:FIELDS_SHOWN]
        for field in shown:
            click.echo(f"    {proposal.number} → {field}")
        if len(shown) < len(proposal.fields):
            click.echo(f"    …另有 {len(proposal.fields) - len(shown)} 个字段（--all 全部列出）")
    numbers = len({(p.path, p.line, p.sentence) for p in proposals})
    click.echo(f"共 {numbers} 处数字可以改写为字段；文件未改动。")


FIELDS_SHOWN = 10


@main.command(name="list")
@ROOT_OPTION
def list_reports(root) -> None:
    """List the bodies and years that have params."""
    for body, year in ProjectLayout.at(root).reports():
        click.echo(f"{body} {year}")


@main.command()
@click.option("--write", is_flag=True, help="Regenerate expectations/ from the format declarations.")
@ROOT_OPTION
def expectations(write, root) -> None:
    """Check (or with --write regenerate) the expectation suites against the format declarations."""
    from nianbao.checks.suites import stale_suites, write_suites
    from nianbao.formats import ERAS, load_format

    layout = ProjectLayout.at(root)
    stale_total = []
    for era in ERAS:
        fmt = load_format(era)
        if write:
            for path in write_suites(root, fmt):
                click.echo(f"wrote {path}")
        else:
            folder = layout.relative(layout.suites_dir(era))
            stale_total += [f"{folder}/{name}" for name in stale_suites(root, fmt)]
    if stale_total:
        _echo_err("与格式声明不一致的校验规则: " + ", ".join(stale_total))
        _echo_err("运行 `nianbao expectations --write` 重新生成。")
        sys.exit(ExitCode.VALIDATION_FAILED)
    if not write:
        click.echo("expectations/ 与格式声明一致。")


@main.command(name="import")
@click.argument("text", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--body", required=True, help="Body id (folder name under data/ and params/).")
@click.option("--year", required=True, type=int)
@click.option(
    "--era",
    type=click.Choice(["old-free-text", "2019", "2021-standard"]),
    help="Format era of the tables (text, PDF or web page; old-free-text: a PDF or web page with a 统计表).",
)
@click.option("--issuer", help="Issuing body as printed (text, PDF or web page).")
@click.option("--scope", default="本机关", show_default=True, help="How the narrative names the body (全区, 本机关…).")
@click.option("--replace", is_flag=True, help="Workbook import: replace data files that already hold data.")
@ROOT_OPTION
def import_report(*, text, body, year, era, issuer, scope, replace, root) -> None:
    """Create data/BODY/YEAR/ and params/BODY/YEAR.yaml from a published report: its text with pipe tables, its
    PDF (with a text layer) or its saved web page (.html, .htm); or write the data files of BODY YEAR from the
    workbook (.xlsx) made by `nianbao new`."""
    from nianbao.formats import load_format
    from nianbao.inputs.importer import Target, import_report, import_text
    from nianbao.inputs.published import PUBLISHED_SUFFIXES, import_published

    if text.suffix.lower() == ".xlsx":
        _import_workbook(text, root=root, body=body, year=year, replace=replace)
        return
    if era is None or issuer is None:
        raise click.UsageError("importing a published report needs --era and --issuer")
    target = Target(body, year, era, issuer, scope)
    with _reported_errors():
        target.check()
        suffix = text.suffix.lower()
        if suffix in PUBLISHED_SUFFIXES:
            imported = import_published(text, load_format(era), year)
            written = import_report(imported, ProjectLayout.at(root), target, text, copy_as=f"published{suffix}")
        else:
            if era == "old-free-text":
                raise InputError("旧格式报告只能从 PDF 或网页导入其统计表", path=text, expected=" / ".join(PUBLISHED_SUFFIXES))
            imported = import_text(text, load_format(era))
            written = import_report(imported, ProjectLayout.at(root), target, text)
    params = written[-1]
    for path in written:
        click.echo(f"wrote {display_path(path)}")
    click.echo(f"下一步: 核对 {display_path(params)}（发布日期、占比精度），然后运行 nianbao validate {body} {year}")


def _import_workbook(book: Path, *, root: Path, body: str, year: int, replace: bool) -> None:
    from nianbao.entry.reader import import_workbook

    with _reported_errors():
        written = import_workbook(book, ProjectLayout.at(root), body=body, year=year, replace=replace)
    for path in written:
        click.echo(f"wrote {display_path(path)}")
    click.echo(f"下一步: nianbao validate {body} {year}")


@main.command(name="new")
@click.argument("body")
@click.argument("year", type=int)
@click.option("--era", help="Format era (default: the era of the body's latest earlier report).")
@click.option("--issuer", help="Issuing body as printed (default: last year's).")
@click.option("--scope", help="How the narrative names the body (default: last year's, else 本机关).")
@click.option("--title", help="The report's title (default: last year's with the year changed).")
@click.option("--variant", help="Layout variant of the tables that have one (e.g. split or single for （六）其他处理).")
@ROOT_OPTION
def new(*, body, year, era, issuer, scope, title, variant, root) -> None:
    """Start a report: params/BODY/YEAR.yaml, blank data files and prose stubs in data/BODY/YEAR/, and the workbook
    data/BODY/YEAR/BODY-YEAR.xlsx to fill in (then `nianbao import` it)."""
    from nianbao.entry.newyear import NewReport, create, workbook_path

    request = NewReport(body, year, era=era, issuer=issuer, scope=scope, title=title, variant=variant)
    layout = ProjectLayout.at(root)
    with _reported_errors():
        written = create(layout, request)
    for path in written:
        click.echo(f"wrote {display_path(path)}")
    book = display_path(workbook_path(layout, body, year))
    click.echo(f"下一步: 在 Excel/WPS 中填写 {book}，然后运行 nianbao import {book} --body {body} --year {year}")


if __name__ == "__main__":
    main()
