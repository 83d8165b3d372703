"""Run inside a kernel that is kept warm across reports (see warm.py): ``prepare`` once after it started,
``reset`` before each report, so that a report finds the kernel as a fresh one would be: no variables, no open
figures, matplotlib's settings as they were before the first report, the working folder of the notebooks, and the
execution count at 1. Modules stay imported (what makes the kernel warm); the package's modules hold no state that
depends on a report: their caches are of the package's own declarations, or kept under the content of the files they
read (the years of the trend, ``present.years``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

_settings: dict[str, Any] = {}


def prepare(*, spare_a_core: bool = False) -> None:
    """Import what every report's notebooks import and remember matplotlib's settings before any report; leave what
    the kernel holds then out of the garbage collector's scans (``warm.settle``). ``spare_a_core``: meanwhile, run
    on the process's cores but one (``spared``), left to a process importing at the same time that others wait for:
    a batch's fork server, whose imports its workers wait for, while the kernels they will take over start."""
    with spared(spare_a_core):
        import matplotlib
        import matplotlib.pyplot  # noqa: F401  (selects the inline backend, which may change the settings)
        import seaborn  # noqa: F401  (else imported by the first chart: with scipy.stats half a second)

        import nianbao.present.session  # noqa: F401  (pandas, nbformat, the renderers)
        from nianbao.run.warm import settle

        _settings.clear()
        _settings.update(dict(matplotlib.rcParams.items()))
        settle()


@contextlib.contextmanager
def spared(spare: bool) -> Iterator[None]:
    """Within the block, run on the process's cores but the first (when ``spare``, the process has more than one
    and the system lets it choose); on all of them again after."""
    cores = os.sched_getaffinity(0) if spare and hasattr(os, "sched_setaffinity") else set()
    if len(cores) < 2:
        yield
        return
    os.sched_setaffinity(0, cores - {min(cores)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cores)


def reset(cwd: str) -> None:
    """Make the kernel look fresh to the next report; ``cwd`` is the notebooks' folder."""
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    plt.close("all")
    dict.update(matplotlib.rcParams, _settings)  # type: ignore[misc]  # as matplotlib.rc_context restores them, without validating again
    os.chdir(cwd)
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
