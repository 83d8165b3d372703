"""signals.py: SIGTERM within the block raises Terminated (a KeyboardInterrupt) where the process is; outside it,
the previous handler is back; the kernel client's abandoned tasks are not reported."""

from __future__ import annotations

import logging
import os
import signal

import pytest

from nianbao.errors import Terminated
from nianbao.run.signals import terminate_as_interrupt


class TestTerminateAsInterrupt:
    def test_sigterm_raises_terminated_where_the_process_is(self):
        reached = []
        with pytest.raises(Terminated), terminate_as_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
            reached.append("after")  # not reached: the handler raised at the kill
        assert reached == [] and issubclass(Terminated, KeyboardInterrupt)

    def test_the_previous_handler_is_restored(self):
        previous = signal.getsignal(signal.SIGTERM)
        with terminate_as_interrupt():
            assert signal.getsignal(signal.SIGTERM) is not previous
        assert signal.getsignal(signal.SIGTERM) is previous

    def test_asyncio_does_not_report_the_abandoned_tasks(self):
        logger = logging.getLogger("asyncio")
        level = logger.level
        try:
            with pytest.raises(Terminated), terminate_as_interrupt():
                os.kill(os.getpid(), signal.SIGTERM)
            assert logger.level == logging.CRITICAL
        finally:
            logger.setLevel(level)
