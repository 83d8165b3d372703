"""The run of one report (pipeline.py): its steps in order, publishing outputs atomically, keeping failed runs
aside with errors that name what was kept, locking and incremental runs; without starting kernels or Great
Expectations (the checks, the kernel's ``execute`` and the PDF printer are replaced by fakes)."""

from __future__ import annotations

import json
import threading
import types

import nbformat
import pytest
from filelock import FileLock
from nbformat.v4 import new_markdown_cell, new_notebook

from helpers import tree_digest
from nianbao.checks import validate as checks
from nianbao.checks.results import Check, Validation
from nianbao.errors import DeclarationError, ExecutionError, NianbaoError, RunLocked, ValidationFailed
from nianbao.paths import ProjectLayout
from nianbao.present import render
from nianbao.run import build as building
from nianbao.run import kernel, pipeline
from nianbao.run.cache import KEY_FILE, run_key
from nianbao.run.status import Section, Stage, Status


class FakeValidation(Validation):
    """A validation of one check (the critical one failed, unless ``success``) that says it made 68."""

    def __init__(self, success: bool):
        check = Check(
            suite="old-free-text.identities",
            check="application_channels_sum",
            severity="critical",
            success=success,
            description="各申请方式之和应等于收到申请总数",
            evaluated=1,
        )
        super().__init__(report="dongyang 2017", era="old-free-text", checks=[check], identities=[], shares=[], notes=[])

    def summary(self) -> str:
        return "dongyang 2017: 68 项检查"

    def write(self, path) -> None:
        path.write_text(json.dumps({"success": self.success}), encoding="utf-8")

    def to_json(self) -> dict:
        return {"counts": {"checks": 68}}


@pytest.fixture
def checked(monkeypatch):
    """The checks pass (set ``checked.success = False`` to fail them); returns the fake's settings."""
    settings = types.SimpleNamespace(success=True)
    monkeypatch.setattr(checks, "validate", lambda report: FakeValidation(settings.success))
    return settings


class RunList(list):
    refused: list[str]


@pytest.fixture
def executed(monkeypatch):
    """Each notebook "runs" into a one-cell notebook; the list of notebooks run, in order."""
    ran = RunList()

    def execute(notebook, output, parameters, *, cwd, timeout, kernel=None, kept=None):
        ran.append(notebook.name)
        output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(new_notebook(cells=[new_markdown_cell(f"{notebook.stem} 的内容")]), output)

    monkeypatch.setattr(kernel, "execute", execute)
    monkeypatch.setattr(kernel.Kernel, "start", lambda self, cwd=None: None)  # no kernel process for the fake notebooks

    def write_pdf(html, path, base_url):
        path.write_bytes(b"%PDF-fake")
        return list(ran.refused)

    ran.refused = []  # the URLs the fake PDF printer reports it refused to fetch
    monkeypatch.setattr(render, "write_pdf", write_pdf)
    return ran


@pytest.fixture
def good_outputs(dongyang_copy):
    final = dongyang_copy / "outputs" / "dongyang" / "2017"
    (final / "sections").mkdir(parents=True)
    (final / "report.html").write_text("good report", encoding="utf-8")
    (final / "sections" / "10_proactive.html").write_text("good section", encoding="utf-8")
    return final


def run(project, lines=None, stages=None, **kwargs):
    log = lines.append if lines is not None else (lambda _: None)
    return pipeline.run_report(project, "dongyang", 2017, log=log, stage=stages.append if stages is not None else None, **kwargs)


class TestRunReport:
    def test_the_steps_in_order_and_the_outputs_published(self, dongyang_copy, checked, executed, monkeypatch):
        monkeypatch.chdir(dongyang_copy)
        lines, stages = [], []
        result = run(dongyang_copy, lines, stages)
        final = dongyang_copy / "outputs" / "dongyang" / "2017"
        n = len(executed)
        assert executed[0] == "00_validation.ipynb" and n > 1
        assert stages == [Stage.LOADING, Stage.VALIDATING, *(Section(i, n) for i in range(1, n + 1))] + [
            Stage.RENDERING_HTML,
            Stage.RENDERING_PDF,
            Stage.RENDERING_DOCX,
            Stage.DONE,
        ]
        events = [line for line in lines if "说明:" not in line]
        assert events == [
            "[dongyang 2017] dongyang 2017: 68 项检查",
            *(f"[dongyang 2017] 执行 {name}（{i}/{n}）" for i, name in enumerate(executed, start=1)),
            "[dongyang 2017] 渲染 HTML",
            "[dongyang 2017] 渲染 PDF",
            "[dongyang 2017] 渲染 Word",
            "[dongyang 2017] 完成 → outputs/dongyang/2017",
        ]
        assert (result.status, result.output, result.message, result.unchanged) == (
            Status.RENDERED,
            final,
            "dongyang 2017: 68 项检查",
            False,
        )
        outputs = {"report.html", "report.pdf", "report.docx", "manifest.json", "validation.json"}
        assert outputs <= {p.name for p in final.iterdir()}
        assert len(list((final / "sections").glob("*.html"))) == n
        assert sorted(p.name for p in final.parent.iterdir()) == [".2017.lock", ".2017.result.json", "2017"]

    def test_the_kernel_starts_in_the_notebooks_folder_before_the_checks_run(self, dongyang_copy, executed, monkeypatch):
        """So that it imports what the notebooks need while the checks run in this process."""
        order = []
        monkeypatch.setattr(kernel.Kernel, "start", lambda self, cwd=None: order.append(("kernel", cwd)))
        monkeypatch.setattr(checks, "validate", lambda report: order.append(("checks", None)) or FakeValidation(True))
        run(dongyang_copy)
        assert order == [("kernel", dongyang_copy.resolve() / "notebooks"), ("checks", None)]

    def test_the_urls_the_pdf_printer_refused_are_named(self, dongyang_copy, checked, executed):
        executed.refused = ["file:///etc/passwd", "http://example.invalid/x.css"]
        lines: list[str] = []
        run(dongyang_copy, lines)
        warnings = [line for line in lines if "警告:" in line]
        assert warnings == [
            "[dongyang 2017] 警告: PDF 未读取 file:///etc/passwd（只读取构建目录内的文件和 data: URI），已略去",
            "[dongyang 2017] 警告: PDF 未读取 http://example.invalid/x.css（只读取构建目录内的文件和 data: URI），已略去",
        ]
        assert (dongyang_copy / "outputs/dongyang/2017/report.pdf").exists()

    def test_the_manifest_records_the_key_and_the_inputs(self, dongyang_copy, checked, executed):
        run(dongyang_copy)
        manifest = json.loads((dongyang_copy / "outputs/dongyang/2017/manifest.json").read_text(encoding="utf-8"))
        assert manifest["run_key"] == run_key(ProjectLayout.at(dongyang_copy), "dongyang", 2017)
        assert "data/dongyang/2017/applications.csv" in manifest["inputs"]
        assert manifest["validation"] == {"checks": 68}

    def test_a_second_run_with_the_same_inputs_runs_nothing(self, dongyang_copy, checked, executed, monkeypatch):
        monkeypatch.chdir(dongyang_copy)
        run(dongyang_copy)
        executed.clear()
        lines, stages = [], []
        result = run(dongyang_copy, lines, stages)
        assert executed == [] and stages == [Stage.UNCHANGED]
        assert lines == ["[dongyang 2017] 输入未变，沿用 outputs/dongyang/2017"]
        assert result.unchanged and result.status is Status.RENDERED and result.message == "输入未变（unchanged）"

    def test_force_runs_again(self, dongyang_copy, checked, executed):
        run(dongyang_copy)
        executed.clear()
        assert not run(dongyang_copy, force=True).unchanged and executed

    def test_a_changed_input_runs_again(self, dongyang_copy, checked, executed):
        run(dongyang_copy)
        executed.clear()
        path = dongyang_copy / "data/dongyang/2017/applications.csv"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert not run(dongyang_copy).unchanged and executed

    def test_success_removes_a_stale_failed_build(self, dongyang_copy, checked, executed):
        failed = dongyang_copy / "outputs/dongyang/2017.failed"
        failed.mkdir(parents=True)
        run(dongyang_copy)
        assert not failed.exists()


class TestRecordedForTheIndex:
    def test_each_outcome_is_recorded_and_the_index_rewritten(self, dongyang_copy, checked, executed):
        layout = ProjectLayout.at(dongyang_copy)
        run(dongyang_copy)
        assert json.loads(layout.result_file("dongyang", 2017).read_text(encoding="utf-8"))["status"] == "rendered"
        row = '<td class="body">东阳市人民政府</td><td class="year">2017</td><td class="status">已生成</td>'
        assert row in layout.index_page.read_text(encoding="utf-8")
        assert (layout.output_dir("dongyang", 2017) / "validation.html").exists()
        checked.success = False
        with pytest.raises(ValidationFailed):
            run(dongyang_copy, force=True)
        assert json.loads(layout.result_file("dongyang", 2017).read_text(encoding="utf-8"))["status"] == "failed validation"
        index = layout.index_page.read_text(encoding="utf-8")
        assert "未通过校验" in index and 'href="dongyang/2017.failed/validation.html"' in index

    def test_an_error_before_the_build_is_recorded(self, dongyang_copy, checked, executed):
        params = dongyang_copy / "params/dongyang/2017.yaml"
        params.write_text(params.read_text(encoding="utf-8") + "scoep: x\n", encoding="utf-8")
        with pytest.raises(NianbaoError):
            run(dongyang_copy)
        layout = ProjectLayout.at(dongyang_copy)
        assert json.loads(layout.result_file("dongyang", 2017).read_text(encoding="utf-8"))["status"] == "error"
        assert "出错" in layout.index_page.read_text(encoding="utf-8")


class TestRunReportValidationFailure:
    def test_the_error_names_the_kept_result_and_section(self, dongyang_copy, good_outputs, checked, executed, monkeypatch):
        monkeypatch.chdir(dongyang_copy)
        checked.success = False
        before = tree_digest(good_outputs)
        stages = []
        with pytest.raises(ValidationFailed) as err:
            run(dongyang_copy, stages=stages)
        message = str(err.value)
        assert message.startswith("数据未通过严重级别的校验，未生成报告章节:\n[严重] 各申请方式之和应等于收到申请总数")
        assert "校验结果已保存: outputs/dongyang/2017.failed/validation.json" in message
        assert (
            "（校验页面: outputs/dongyang/2017.failed/validation.html；"
            "校验摘要: outputs/dongyang/2017.failed/sections/00_validation.html）"
        ) in message
        failed = good_outputs.with_name("2017.failed")
        assert (failed / "validation.json").exists() and (failed / "sections" / "00_validation.html").exists()
        assert (failed / "validation.html").exists()
        assert executed == ["00_validation.ipynb"]
        assert stages[-1] is Stage.FAILED_VALIDATION
        assert tree_digest(good_outputs) == before
        recorded = json.loads((failed / KEY_FILE).read_text(encoding="utf-8"))
        assert recorded["message"] == message and recorded["run_key"] == run_key(
            ProjectLayout.at(dongyang_copy), "dongyang", 2017
        )

    def test_unchanged_inputs_fail_again_without_running(self, dongyang_copy, checked, executed, monkeypatch):
        monkeypatch.chdir(dongyang_copy)
        checked.success = False
        with pytest.raises(ValidationFailed) as first:
            run(dongyang_copy)
        executed.clear()
        lines, stages = [], []
        with pytest.raises(ValidationFailed) as again:
            run(dongyang_copy, lines, stages)
        assert str(again.value) == str(first.value) + "\n  （输入未变，沿用上次的校验结果；--force 重新运行）"
        assert executed == [] and stages == [Stage.FAILED_UNCHANGED]
        assert lines == ["[dongyang 2017] 输入未变，上次未通过校验: outputs/dongyang/2017.failed"]


class TestRunReportFailures:
    @pytest.mark.parametrize(
        "exc",
        [
            ExecutionError("ZeroDivisionError: division by zero", notebook="10_proactive.ipynb", cell=4),
            KeyboardInterrupt(),
            RuntimeError("disk full"),
        ],
        ids=["execution-error", "ctrl-c", "unexpected"],
    )
    def test_previous_outputs_are_byte_identical_and_the_build_is_kept(
        self, dongyang_copy, good_outputs, executed, monkeypatch, exc
    ):
        def half_then_fail(notebook, output, parameters, **kwargs):
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text("{}", encoding="utf-8")
            raise exc

        monkeypatch.setattr(checks, "validate", lambda report: FakeValidation(True))
        monkeypatch.setattr(kernel, "execute", half_then_fail)
        before = tree_digest(good_outputs)
        stages = []
        with pytest.raises(type(exc)) as raised:
            run(dongyang_copy, stages=stages)
        assert raised.value is exc
        assert tree_digest(good_outputs) == before
        siblings = sorted(p.name for p in good_outputs.parent.iterdir() if not p.name.endswith(".lock"))
        recorded = [] if isinstance(exc, KeyboardInterrupt) else [".2017.result.json"]  # an interrupt records nothing
        assert siblings == [*recorded, "2017", "2017.failed"]
        assert (good_outputs.parent / "2017.failed" / "notebooks" / "00_validation.ipynb").exists()
        assert stages[-1] is Stage.ERROR

    def test_a_pdf_that_renders_past_render_timeout_is_stopped(self, dongyang_copy, good_outputs, checked, executed, monkeypatch):
        params = dongyang_copy / "params" / "dongyang" / "2017.yaml"
        params.write_text(params.read_text(encoding="utf-8") + "render_timeout: 5\n", encoding="utf-8")

        def endless(html, path, base_url):
            while True:
                sum(range(1000))

        monkeypatch.setattr(render, "write_pdf", endless)
        before = tree_digest(good_outputs)
        with pytest.raises(ExecutionError) as err:
            run(dongyang_copy)
        assert "渲染 PDF 超过 5 秒，已停止" in str(err.value)  # 5 s: the HTML step, under the same limit, runs first
        assert tree_digest(good_outputs) == before

    def test_an_execution_error_names_the_kept_notebook(self, dongyang_copy, good_outputs, checked, monkeypatch):
        """The kernel is told where the failed build will keep the notebook, so that its error names that place."""

        def failing_cell(notebook, output, parameters, *, cwd, timeout, kernel=None, kept=None):
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text("{}", encoding="utf-8")
            raise ExecutionError("boom", notebook=notebook.name, cell=4, kept=kept)

        monkeypatch.setattr(kernel, "execute", failing_cell)
        monkeypatch.chdir(dongyang_copy)
        with pytest.raises(ExecutionError) as err:
            run(dongyang_copy)
        kept = good_outputs.parent / "2017.failed" / "notebooks" / "00_validation.ipynb"
        assert err.value.kept == kept and kept.exists()
        assert "00_validation.ipynb 单元格 In [4]: boom" in str(err.value)
        assert "已保留执行到出错处的笔记本: outputs/dongyang/2017.failed/notebooks/00_validation.ipynb" in str(err.value)

    def test_a_locked_report_waits_then_refuses(self, dongyang_copy, good_outputs, monkeypatch):
        monkeypatch.setattr(building, "LOCK_TIMEOUT", 0.2)
        messages, stages = [], []
        with FileLock(str(good_outputs.parent / ".2017.lock")):
            with pytest.raises(RunLocked):
                run(dongyang_copy, messages, stages)
        assert "[dongyang 2017] 另一个运行正在生成同一报告，等待其结束…" in messages
        assert Stage.WAITING_FOR_LOCK in stages

    def test_stale_expectations_stop_the_run(self, dongyang_copy):
        path = dongyang_copy / "expectations/old-free-text/applications.json"
        path.write_text(path.read_text(encoding="utf-8").replace('"critical"', '"warning"'), encoding="utf-8")
        with pytest.raises(DeclarationError, match="expectations/old-free-text/ 与格式声明不一致: applications.json"):
            run(dongyang_copy)


class TestRunReportAfterWaiting:
    def test_a_report_the_other_run_made_from_the_same_inputs_is_not_made_again(
        self, dongyang_copy, checked, executed, monkeypatch
    ):
        monkeypatch.chdir(dongyang_copy)
        final = dongyang_copy / "outputs" / "dongyang" / "2017"
        final.mkdir(parents=True)
        key = run_key(ProjectLayout.at(dongyang_copy), "dongyang", 2017)
        holder = FileLock(str(final.parent / ".2017.lock"), thread_local=False)
        holder.acquire()

        def other_run_finishes():
            (final / "manifest.json").write_text(json.dumps({"run_key": key}), encoding="utf-8")
            holder.release()

        threading.Timer(0.3, other_run_finishes).start()
        lines = []
        result = run(dongyang_copy, lines)
        assert result.unchanged and executed == []
        assert lines[-1] == "[dongyang 2017] 另一个运行已用相同的输入生成 outputs/dongyang/2017"
        assert sorted(p.name for p in final.parent.iterdir()) == [".2017.lock", ".2017.result.json", "2017"]
