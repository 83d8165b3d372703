"""warm.py: one kernel kept across the reports of a process, reset before each so that no state leaks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from nianbao.errors import ExecutionError
from nianbao.run import warm

pytestmark = pytest.mark.slow  # starts a kernel


@pytest.fixture
def kept():
    with warm.kept():
        yield


class TestKernelForReport:
    def test_the_same_kernel_serves_the_next_report_reset(self, kept, tmp_path):
        first, second = tmp_path / "a", tmp_path / "b"
        first.mkdir(), second.mkdir()
        with warm.kernel_for_report(first) as kernel:
            kernel.run_code(
                "import os, matplotlib\n"
                "assert os.getcwd() == " + repr(str(first)) + "\n"
                "leaked = 1\n"
                "matplotlib.rcParams['font.size'] = 99\n"
                "import matplotlib.pyplot as plt\n"
                "plt.figure()",
                timeout=60,
            )
            pid = kernel.km.provisioner.pid
        with warm.kernel_for_report(second) as again:
            assert again is kernel and again.km.provisioner.pid == pid  # warm: not started again
            again.run_code(
                "import os, matplotlib, matplotlib.pyplot as plt\n"
                "assert 'leaked' not in globals()\n"
                "assert matplotlib.rcParams['font.size'] != 99\n"
                "assert plt.get_fignums() == []\n"
                "assert os.getcwd() == " + repr(str(second)) + "\n"
                "assert get_ipython().execution_count == 1",
                timeout=60,
            )

    def test_the_reset_waits_for_the_first_code_so_that_the_block_need_not_wait_for_the_kernel(self, kept, tmp_path):
        with warm.kernel_for_report(tmp_path) as kernel:
            assert kernel.pending is not None and "kernel_state.reset" in kernel.pending[0]  # queued, not run
            kernel.run_code("import os\nassert os.getcwd() == " + repr(str(tmp_path)), timeout=60)
            assert kernel.pending is None

    def test_a_kernel_whose_report_raised_is_not_reused(self, kept, tmp_path):
        with pytest.raises(RuntimeError), warm.kernel_for_report(tmp_path) as kernel:
            raise RuntimeError("the report failed")
        assert not kernel.km.has_kernel  # shut down
        with warm.kernel_for_report(tmp_path) as fresh:
            assert fresh is not kernel
            fresh.run_code("assert 1", timeout=60)

    def test_code_that_raises_is_an_execution_error(self, kept, tmp_path):
        with warm.kernel_for_report(tmp_path) as kernel, pytest.raises(ExecutionError, match="ZeroDivisionError"):
            kernel.run_code("1 / 0", timeout=60)


class TestKept:
    def test_outside_the_block_every_report_has_a_kernel_of_its_own(self, tmp_path):
        with warm.kept():
            with warm.kernel_for_report(tmp_path) as kernel:
                kernel.run_code("assert 1", timeout=60)
            assert warm.enabled()
        assert not warm.enabled() and not kernel.km.has_kernel  # shut down when the block ended
        with warm.kernel_for_report(tmp_path) as own:
            own.run_code("assert 1", timeout=60)
        assert own is not kernel and not own.km.has_kernel


class TestSettle:
    @pytest.mark.parametrize(
        "code",
        [
            "from nianbao.run import warm\nwarm.enable()",
            "from nianbao.run import kernel_state\nkernel_state.prepare()",
            "import pandas, weasyprint\nimport nianbao.run.preload",
        ],
        ids=["warm worker", "kernel", "fork server"],
    )
    def test_what_a_warm_process_holds_is_left_out_of_the_collectors_scans(self, code):
        """Each collection of a report's garbage would otherwise walk every imported module's objects again."""
        probe = f"import gc\nbefore = gc.get_freeze_count()\n{code}\nprint(before, gc.get_freeze_count() > 10000)"
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
        assert result.stdout.split() == ["0", "True"], result.stdout + result.stderr


class TestHandedOff:
    def test_kernels_started_for_other_processes_prepared_taken_over_and_reaped(self, tmp_path):
        from pathlib import Path

        with warm.handed_off(2) as handoffs, warm.kept():
            assert len({h.pid for h in handoffs}) == 2
            taken = warm.adopt(handoffs[0])
            assert warm.adopt(handoffs[1]) is taken  # a process keeps one warm kernel
            with warm.kernel_for_report(tmp_path) as kernel:
                assert kernel is taken
                kernel.run_code(
                    "import os, sys\n"
                    f"assert os.getpid() == {handoffs[0].pid} and os.getcwd() == {str(tmp_path)!r}\n"
                    "assert {'pandas', 'seaborn', 'nianbao.present.session'} <= set(sys.modules)\n"  # prepared as it started
                    f"assert os.sched_getaffinity(0) == {os.sched_getaffinity(0)!r}",  # on every core again once prepared
                    timeout=60,
                )
        assert not any(Path(f"/proc/{h.pid}").exists() for h in handoffs)  # shut down and reaped
