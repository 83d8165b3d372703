"""Warm state of a worker process: what every report needs and a cold run pays for again and again, made once per
process and kept across the reports the process runs.

- the kernel: started once (``launch``), or started by another process and taken over (``handed_off``,
  ``adopt``: a batch's parent starts its workers' kernels while the fork server imports), its imports (pandas,
  seaborn, matplotlib, the package) done once as it starts and left out of its garbage collector's scans, as the
  process's own are (``settle``); before each report its namespace is reset (``kernel_state.reset``: no variables,
  no figures, matplotlib settings and working folder as before the first report, execution count at 1). A kernel
  whose report raised is shut down and the next report starts a new one, so that nothing a failed run left (a
  half-run cell, a dead or timed-out kernel) is reused;
- Great Expectations, its context and the suites (``checks.validate`` caches them per process);
- WeasyPrint and its font configuration (imported and made once per process: ``render._font_config``).

``enable()`` turns it on for the process (batch workers, Dask workers, ``nianbao watch``); otherwise every report
starts a kernel of its own and shuts it down after (``nianbao run BODY YEAR``: one report per process anyway).
The kernel is shut down when the process exits.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path

from nianbao.run.kernel import Handoff, Kernel

RESET_TIMEOUT = 60  # seconds; resetting takes milliseconds

_enabled = False
_kernel: Kernel | None = None


def enable() -> None:
    """Keep kernels warm in this process from now on; shut the warm kernel down when the process exits (also in a
    ``multiprocessing`` worker, whose exit skips ``atexit``)."""
    global _enabled
    if _enabled:
        return
    _enabled = True
    settle()
    atexit.register(close)
    with contextlib.suppress(ImportError):
        from multiprocessing import util

        util.Finalize(None, close, exitpriority=10)


def settle() -> None:
    """Leave what the process holds now (the modules it imported: pandas, Great Expectations, WeasyPrint …) out of
    the garbage collector's scans for the rest of its life (``gc.freeze``): each collection of a report's garbage
    would otherwise walk all of it again, about a tenth of a report's CPU time. A kernel does the same once it has
    imported what the notebooks need (``kernel_state.prepare``). The young generations are collected first, where
    the garbage of the imports is: a full collection here walked every object imported (0.16 s in a fork server)
    and found next to none."""
    gc.collect(1)
    gc.freeze()


def enabled() -> bool:
    return _enabled


@contextlib.contextmanager
def kept() -> Iterator[None]:
    """Warm state within the block (a batch run in this process): the kernel is shut down at its end."""
    global _enabled
    before = _enabled
    _enabled = True
    settle()
    try:
        yield
    finally:
        _enabled = before
        if not before:
            close()


def close(*, interrupted: bool = False) -> None:
    """Shut the warm kernel down (a new one starts with the next report); see ``Kernel.close`` for ``interrupted``."""
    global _kernel
    kernel, _kernel = _kernel, None
    if kernel is not None:
        with contextlib.suppress(Exception):
            kernel.close(interrupted=interrupted)


IMPORTS = (
    "nianbao.run.pipeline",
    "nianbao.checks.batch",
    "nianbao.present.render",
    "nianbao.present.word",
    "great_expectations",
    "weasyprint",
    "papermill",
    "nbconvert",
)
"""What a worker imports before its first report: a process pool's fork server imports them once
(``set_forkserver_preload``) and every worker forked from it starts with them imported. Importing them starts no
thread and opens nothing, so that forking after is safe."""


PREPARE = "from nianbao.run import kernel_state; kernel_state.prepare()"  # what a report's kernel runs as it starts
PREPARE_SPARING = "from nianbao.run import kernel_state; kernel_state.prepare(spare_a_core=True)"  # (handed_off)


def warm_up() -> None:
    """Pay the fixed costs now rather than in the first report: the kernel and its imports, Great Expectations,
    WeasyPrint. The kernel starts first and imports what the notebooks need while this process makes its Great
    Expectations context and loads WeasyPrint's fonts."""
    from nianbao.checks.validate import warm_up as warm_up_checks
    from nianbao.present.render import warm_up as warm_up_render

    launch()
    warm_up_checks()
    warm_up_render()
    _kernel_ready()


def launch() -> Kernel:
    """Start the process's warm kernel unless it runs: it imports what every report's notebooks import as it starts
    (``kernel_state.prepare``), while this process goes on."""
    global _kernel
    if _kernel is None:
        kernel = Kernel(startup=PREPARE)
        try:
            kernel.start()
        except BaseException:
            kernel.close()
            raise
        _kernel = kernel
    return _kernel


def adopt(handoff: Handoff) -> Kernel:
    """Make the kernel ``handoff`` describes, started by another process (``handed_off``), this process's warm
    kernel, unless it has one."""
    global _kernel
    if _kernel is None:
        _kernel = Kernel.adopt(handoff)
    return _kernel


@contextlib.contextmanager
def handed_off(count: int) -> Iterator[list[Handoff]]:
    """``count`` warm kernels started here for other processes to take over (``adopt``: a batch's workers): each
    imports what the notebooks need as it starts, while this process goes on, on every core but one: that one is
    left to the fork server, whose imports the workers wait for. They are shut down, and their processes reaped,
    when the block ends, whoever ran them."""
    with contextlib.ExitStack() as stack:
        kernels = [stack.enter_context(Kernel(startup=PREPARE_SPARING)) for _ in range(count)]
        for kernel in kernels:
            kernel.start()
        yield [kernel.handoff() for kernel in kernels]


def _kernel_ready() -> Kernel:
    kernel = launch()
    try:
        kernel.run_code("pass", timeout=RESET_TIMEOUT)
    except BaseException:
        close()
        raise
    return kernel


@contextlib.contextmanager
def kernel_for_report(cwd: Path) -> Iterator[Kernel]:
    """A kernel for one report's notebooks, run in ``cwd``: the process's warm kernel, reset before the first code
    or notebook run in it (``Kernel.then``), when warm state is enabled, else a kernel of its own, started and shut
    down after. Neither is waited for: a kernel that is starting imports what the notebooks need while the block goes
    on (the report's checks). A warm kernel is shut down when the block raises."""
    if not _enabled:
        with Kernel(startup=PREPARE) as kernel:
            kernel.start(cwd=cwd)
            yield kernel
        return
    kernel = launch()
    try:
        kernel.then(f"from nianbao.run import kernel_state\nkernel_state.reset({str(cwd)!r})", timeout=RESET_TIMEOUT)
        yield kernel
    except BaseException as exc:
        close(interrupted=isinstance(exc, KeyboardInterrupt))
        raise
