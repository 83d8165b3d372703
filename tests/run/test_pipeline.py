"""Publishing outputs atomically, keeping failed runs aside, and locking; without starting kernels."""

from __future__ import annotations

import pytest

from helpers import tree_digest
from nianbao.errors import DeclarationError, ExecutionError, RunLocked
from nianbao.run import pipeline


@pytest.fixture
def good_outputs(project):
    final = project / "outputs" / "dongyang" / "2017"
    (final / "sections").mkdir(parents=True)
    (final / "report.html").write_text("good report", encoding="utf-8")
    (final / "sections" / "10_proactive.html").write_text("good section", encoding="utf-8")
    return final


class TestRunReportFailures:
    def _fail_with(self, monkeypatch, exc):
        def build(report, root, build, *rest):
            (build / "sections").mkdir()
            (build / "sections" / "10_proactive.html").write_text("half written", encoding="utf-8")
            (build / "notebooks").mkdir()
            (build / "notebooks" / "10_proactive.ipynb").write_text("{}", encoding="utf-8")
            raise exc

        monkeypatch.setattr(pipeline, "_build", build)

    @pytest.mark.parametrize(
        "exc",
        [
            ExecutionError("ZeroDivisionError: division by zero", notebook="10_proactive.ipynb", cell=4),
            KeyboardInterrupt(),
            RuntimeError("disk full"),
        ],
        ids=["execution-error", "ctrl-c", "unexpected"],
    )
    def test_previous_outputs_are_byte_identical_and_the_build_is_kept(self, project, good_outputs, monkeypatch, exc):
        before = tree_digest(good_outputs)
        self._fail_with(monkeypatch, exc)
        with pytest.raises(type(exc)):
            pipeline.run_report(project, "dongyang", 2017, log=lambda _: None)
        assert tree_digest(good_outputs) == before
        siblings = sorted(p.name for p in good_outputs.parent.iterdir() if not p.name.endswith(".lock"))
        assert siblings == ["2017", "2017.failed"]
        assert (good_outputs.parent / "2017.failed" / "sections" / "10_proactive.html").exists()

    def test_execution_error_points_at_the_kept_notebook(self, project, good_outputs, monkeypatch):
        kept = None

        def build(report, root, build, *rest):
            (build / "notebooks").mkdir()
            (build / "notebooks" / "10_proactive.ipynb").write_text("{}", encoding="utf-8")
            raise ExecutionError("boom", notebook="10_proactive.ipynb", cell=4, kept=build / "notebooks" / "10_proactive.ipynb")

        monkeypatch.setattr(pipeline, "_build", build)
        with pytest.raises(ExecutionError) as err:
            pipeline.run_report(project, "dongyang", 2017, log=lambda _: None)
        kept = err.value.kept
        assert kept == good_outputs.parent / "2017.failed" / "notebooks" / "10_proactive.ipynb"
        assert kept.exists()
        assert "10_proactive.ipynb 单元格 In [4]: boom" in str(err.value)

    def test_a_locked_report_waits_then_refuses(self, project, good_outputs, monkeypatch):
        from filelock import FileLock

        monkeypatch.setattr(pipeline, "LOCK_TIMEOUT", 0.2)
        lock = FileLock(str(good_outputs.parent / ".2017.lock"))
        messages = []
        with lock:
            with pytest.raises(RunLocked):
                pipeline.run_report(project, "dongyang", 2017, log=messages.append)
        assert any("等待" in m for m in messages)

    def test_stale_expectations_stop_the_run(self, project):
        path = project / "expectations/old-free-text/applications.json"
        path.write_text(path.read_text(encoding="utf-8").replace('"critical"', '"warning"'), encoding="utf-8")
        with pytest.raises(DeclarationError, match="applications.json"):
            pipeline.run_report(project, "dongyang", 2017, log=lambda _: None)
