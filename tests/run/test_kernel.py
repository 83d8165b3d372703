"""kernel.py: the errors of a notebook run in words (which notebook, which cell, where it is kept), without a kernel;
one client per kernel; a kernel handed from the process that started it to another."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook
from papermill import PapermillExecutionError

from nianbao.errors import ExecutionError
from nianbao.run import kernel


@pytest.fixture
def partly_executed(tmp_path):
    """A notebook whose second code cell started and did not finish."""
    cells = [new_code_cell("import time"), new_code_cell("time.sleep(30)"), new_code_cell("print('never')")]
    for cell in cells[:2]:
        cell.metadata["papermill"] = {"start_time": "2026-12-04T00:00:00"}
    path = tmp_path / "notebooks" / "10_proactive.ipynb"
    path.parent.mkdir()
    nbformat.write(new_notebook(cells=cells), path)
    return path


class TestExecutionErrors:
    def _raise(self, exc, output, kept):
        with pytest.raises(ExecutionError) as err:
            with kernel._execution_errors(output.with_name("10_proactive.ipynb"), output, kept=kept, timeout=2):
                raise exc
        return err.value

    def test_a_cell_that_raised_names_the_cell_its_code_and_the_kept_notebook(self, partly_executed, tmp_path):
        kept = tmp_path / "2017.failed" / "notebooks" / "10_proactive.ipynb"
        exc = PapermillExecutionError(3, 4, "1 / 0", "ZeroDivisionError", "division by zero", [])
        error = self._raise(exc, partly_executed, kept)
        assert (error.notebook, error.cell, error.kept) == ("10_proactive.ipynb", 4, kept)
        assert error.detail == "ZeroDivisionError: division by zero\n  出错的代码:\n      1 / 0"
        assert error.__cause__ is None and error.__suppress_context__

    def test_a_timeout_names_the_unfinished_cell_and_the_setting(self, partly_executed, tmp_path):
        error = self._raise(CellTimeoutError("timed out"), partly_executed, tmp_path / "kept.ipynb")
        assert error.detail == "单元格执行超过 2 秒，已停止\n  出错的代码:\n      time.sleep(30)"
        assert "execution_timeout" in error.hint and error.kept == tmp_path / "kept.ipynb"

    def test_a_dead_kernel_names_the_unfinished_cell_and_the_likely_cause(self, partly_executed, tmp_path):
        error = self._raise(DeadKernelError("Kernel died"), partly_executed, tmp_path / "kept.ipynb")
        assert error.detail.startswith("内核意外退出（Kernel died）\n  出错的代码:\n      time.sleep(30)")
        assert "内存不足" in error.hint

    def test_an_unreadable_notebook_names_no_code(self, tmp_path):
        error = self._raise(DeadKernelError("Kernel died"), tmp_path / "missing.ipynb", tmp_path / "kept.ipynb")
        assert error.detail == "内核意外退出（Kernel died）"

    def test_other_errors_pass_through(self, tmp_path):
        with pytest.raises(KeyError):
            with kernel._execution_errors(tmp_path / "a.ipynb", tmp_path / "a.ipynb", kept=tmp_path, timeout=2):
                raise KeyError("x")


class TestCheckParameters:
    def test_an_undeclared_parameter_is_named_with_the_declared_ones(self, root):
        with pytest.raises(ExecutionError) as err:
            kernel._check_parameters(root / "notebooks" / "00_validation.ipynb", {"body": "a", "colour": "red"})
        assert err.value.notebook == "00_validation.ipynb"
        assert "参数 colour 未在 parameters 单元格中声明（已声明: body, year, root, output_dir）" in str(err.value)

    def test_the_declared_parameters_pass(self, root):
        kernel._check_parameters(root / "notebooks" / "00_validation.ipynb", {"body": "a", "year": 2017})


@pytest.mark.slow  # starts a kernel
class TestKernel:
    def test_the_notebooks_and_the_code_run_in_a_kernel_share_one_client_closed_with_it(self, tmp_path, monkeypatch):
        """A client per notebook waited 0.2 s each for the kernel to be ready, and one left open would go on queueing
        the kernel's later outputs for as long as the kernel lives."""
        from jupyter_client.manager import AsyncKernelManager

        made = []
        make = AsyncKernelManager.client

        def client(self, **kwargs):
            made.append(made_client := make(self, **kwargs))
            return made_client

        monkeypatch.setattr(AsyncKernelManager, "client", client)
        notebook = tmp_path / "n.ipynb"
        nbformat.write(new_notebook(cells=[new_code_cell("x = 1 + 1"), new_code_cell("print(x)")]), notebook)
        with kernel.Kernel() as warm:
            warm.run_code("y = 40", timeout=60)
            for run in range(2):
                warm.execute(notebook, tmp_path / f"out{run}.ipynb", {}, cwd=tmp_path, timeout=60)
            assert len(made) == 1 and made[0].channels_running
            assert "2" in nbformat.read(tmp_path / "out1.ipynb", as_version=4).cells[1].outputs[0]["text"]
        assert not made[0].channels_running


def _adopt_and_run(handoff, results):
    """In another process: take the kernel over, ask its pid, and shut it down."""
    from jupyter_client.utils import run_sync

    taken = kernel.Kernel.adopt(handoff)
    taken.run_code("import os\nopen('pid', 'w').write(str(os.getpid()))", timeout=60)
    results.put(run_sync(taken.km.is_alive)())
    taken.close()
    results.put(taken.km.has_kernel)


class TestHandoff:
    def test_a_kernel_started_here_is_run_and_shut_down_by_another_process_and_reaped_here(self, tmp_path):
        """A batch's parent starts the workers' kernels while the fork server imports; each worker takes one over."""
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        with kernel.Kernel() as started:
            started.start(cwd=tmp_path)
            handoff = started.handoff()
            other = context.Process(target=_adopt_and_run, args=(handoff, results))
            other.start()
            assert results.get(timeout=120) is True  # alive, as the other process sees it
            assert results.get(timeout=60) is False  # shut down by the other process
            other.join(timeout=60)
            assert (tmp_path / "pid").read_text() == str(handoff.pid)  # the code ran in the kernel started here
            assert not kernel._running(handoff.pid)  # ended, not yet reaped
        assert not Path(f"/proc/{handoff.pid}").exists()  # reaped by the process that started it

    def test_a_kernel_not_started_has_no_handoff(self):
        with kernel.Kernel() as unstarted, pytest.raises(RuntimeError, match="not started"):
            unstarted.handoff()


class TestRunning:
    def test_a_running_an_ended_and_a_missing_process(self):
        import subprocess
        import sys
        import time

        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            assert kernel._running(child.pid)
        finally:
            child.kill()
        for _ in range(500):  # killed: a zombie until waited for
            if Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z":
                break
            time.sleep(0.01)
        assert not kernel._running(child.pid) and Path(f"/proc/{child.pid}").exists()
        child.wait()
        assert not kernel._running(child.pid)
