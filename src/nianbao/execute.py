"""Executing the parameterized notebooks with papermill."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .exceptions import ExecutionError

KERNEL = "python3"


def parameters_of(notebook: Path) -> dict:
    """Names and defaults of the notebook's ``parameters`` cell."""
    import papermill as pm

    return {name: spec["default"] for name, spec in pm.inspect_notebook(str(notebook)).items()}


def execute(notebook: Path, output: Path, parameters: dict, *, cwd: Path, timeout: int) -> None:
    """Run ``notebook`` with ``parameters`` into ``output``.

    Raises ExecutionError naming the notebook, the cell and the error; the partly executed notebook is left
    at ``output`` for inspection.
    """
    import papermill as pm
    from jupyter_client.manager import KernelManager
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    declared = parameters_of(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ExecutionError(
            f"参数 {', '.join(unknown)} 未在 parameters 单元格中声明（已声明: {', '.join(declared)}）",
            notebook=notebook.name,
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    # The kernel talks over IPC sockets in a private folder: no TCP ports to race for when reports run in
    # parallel, and nothing on the network.
    sockets = Path(tempfile.mkdtemp(prefix="nianbao-kernel-"))
    km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=str(sockets / "kernel"))
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
        code = "\n      ".join(exc.source.strip().splitlines()[:5])
        raise ExecutionError(
            f"{exc.ename}: {exc.evalue}\n  出错的代码:\n      {code}",
            notebook=notebook.name,
            cell=exc.exec_count,
            kept=output,
        ) from None
    except CellTimeoutError as exc:
        raise ExecutionError(
            f"单元格执行超过 {timeout} 秒: {exc}", notebook=notebook.name, kept=output,
            hint="如确需更长时间，在 params 中提高 execution_timeout",
        ) from None
    except DeadKernelError as exc:
        raise ExecutionError(f"内核意外退出: {exc}", notebook=notebook.name, kept=output) from None
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
