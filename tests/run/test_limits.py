"""limits.py: a step that runs past its time limit is stopped with an error naming it; a step within its limit is
not touched, and the timer and handler are restored after."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from nianbao.errors import ExecutionError
from nianbao.run.limits import time_limit


def busy(seconds: float) -> None:
    """Work in Python (not in a sleep) for ``seconds``, as rendering does."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(1000))


class TestTimeLimit:
    def test_a_step_past_its_limit_is_stopped_with_an_error_naming_it(self):
        started = time.monotonic()
        with pytest.raises(ExecutionError) as info:
            with time_limit(0.2, "渲染 PDF "):
                busy(5)
        assert time.monotonic() - started < 2
        assert "渲染 PDF 超过 0.2 秒，已停止" in str(info.value) and "render_timeout" in str(info.value)
        assert info.value.exit_code == 3

    def test_a_step_within_its_limit_runs_to_the_end_and_the_timer_is_off_after(self):
        previous = signal.getsignal(signal.SIGALRM)
        with time_limit(5, "渲染 HTML "):
            busy(0.05)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert signal.getsignal(signal.SIGALRM) is previous

    def test_outside_the_main_thread_no_limit_applies(self):
        done = []

        def work():
            with time_limit(0.05, "渲染 PDF "):
                busy(0.2)
            done.append(True)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        assert done == [True]
