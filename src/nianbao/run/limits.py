"""Time limits on the steps of a run that execute no notebook (rendering HTML and PDF).

A notebook cell is limited by the kernel client (``execution_timeout``). Rendering runs in this process, so its
limit is an interval timer (``SIGALRM``): when it expires, the step is stopped where it is and ``ExecutionError``
raised. Signals reach only the main thread, so elsewhere (a run started from another thread) no limit applies.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from nianbao.errors import ExecutionError


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Stop the block with ExecutionError naming ``what`` when it runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise ExecutionError(
            f"{what}超过 {seconds:g} 秒，已停止",
            hint="常见原因是极长的文字（标签、正文）；如确需更长时间，在 params 中提高 render_timeout（秒）",
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
