"""SIGTERM handled like Ctrl-C: a run stopped by a cancelled CI job, ``timeout`` or ``kill`` raises ``Terminated``
(a KeyboardInterrupt) where it is, so that it cleans up as after Ctrl-C: the build kept aside, the kernel shut
down, the last good report in place."""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Iterator

from nianbao.errors import Terminated


def terminate(signum: int, frame: object) -> None:
    """The SIGTERM handler. The tasks of the kernel client that the interrupt abandons are not reported (asyncio
    would print "Task exception was never retrieved" with a traceback for each): the run says it was terminated."""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    raise Terminated()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises ``Terminated``; the previous handler is restored after."""
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
