"""Executing the parameterized notebooks with papermill."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from .exceptions import ExecutionError

KERNEL = "python3"


def parameters_of(notebook: Path) -> dict:
    """Names and defaults of the notebook's ``parameters`` cell."""
    import papermill as pm

    return {name: spec["default"] for name, spec in pm.inspect_notebook(str(notebook)).items()}


def _code(source: str) -> str:
    return "\n  出错的代码:\n      " + "\n      ".join(source.strip().splitlines()[:5])


def _unfinished_code(output: Path, *, started: bool) -> str:
    """The code of the cell that did not finish, read from the partly executed notebook: the last cell that
    started (``started``: it got an execution count, then timed out) or the first that never replied."""
    import nbformat

    try:
        nb = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return ""
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if started:
        candidates = [c for c in code if c.get("execution_count") is not None][-1:]
    else:
        candidates = [c for c in code if c.get("execution_count") is None][:1]
    return _code(candidates[0].source) if candidates else ""


def execute(notebook: Path, output: Path, parameters: dict, *, cwd: Path, timeout: int) -> None:
    """Run ``notebook`` with ``parameters`` into ``output``.

    Raises ExecutionError naming the notebook, the cell and the error; the partly executed notebook is left
    at ``output`` for inspection.
    """
    import papermill as pm
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.utils import run_sync
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    declared = parameters_of(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ExecutionError(
            f"参数 {', '.join(unknown)} 未在 parameters 单元格中声明（已声明: {', '.join(declared)}）",
            notebook=notebook.name,
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    # papermill's logger repeats kernel deaths and timeouts in English; the ExecutionError says it better
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    # The kernel talks over IPC sockets in a private folder: no TCP ports to race for when reports run in
    # parallel, and nothing on the network.
    sockets = Path(tempfile.mkdtemp(prefix="nianbao-kernel-"))
    km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=str(sockets / "kernel"))
    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            km=km,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
    except pm.PapermillExecutionError as exc:
        raise ExecutionError(
            f"{exc.ename}: {exc.evalue}{_code(exc.source)}",
            notebook=notebook.name,
            cell=exc.exec_count,
            kept=output,
        ) from None
    except CellTimeoutError:
        raise ExecutionError(
            f"单元格执行超过 {timeout} 秒，已停止{_unfinished_code(output, started=True)}",
            notebook=notebook.name,
            kept=output,
            hint="如确需更长时间，在 params 中提高 execution_timeout（秒）",
        ) from None
    except DeadKernelError as exc:
        raise ExecutionError(
            f"内核意外退出（{exc}）{_unfinished_code(output, started=False)}",
            notebook=notebook.name,
            kept=output,
            hint="内核进程被终止或崩溃；常见原因是内存不足",
        ) from None
    finally:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
