"""Executing the parameterized notebooks with papermill.

The notebooks of one report run one after the other in one kernel (``Kernel``): papermill parameterizes and
executes each, but the kernel start and the imports (pandas, seaborn) are paid once per report, not once per
notebook. Each report has its own kernel, talking over IPC sockets in a private folder: no TCP ports, so
reports run in parallel without port races.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from nianbao.errors import ExecutionError

KERNEL = "python3"


def parameters_of(notebook: Path) -> dict:
    """Names and defaults of the notebook's ``parameters`` cell."""
    import papermill as pm

    return {name: spec["default"] for name, spec in pm.inspect_notebook(str(notebook)).items()}


def _code(source: str) -> str:
    return "\n  出错的代码:\n      " + "\n      ".join(source.strip().splitlines()[:5])


def _unfinished_code(output: Path) -> str:
    """The code of the cell that did not finish (timed out, or its kernel died), read from the partly executed
    notebook: the last cell papermill started."""
    import nbformat

    try:
        nb = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return ""
    started = [
        c for c in nb.cells if c.cell_type == "code" and c.source.strip() and c.metadata.get("papermill", {}).get("start_time")
    ]
    return _code(started[-1].source) if started else ""


class Kernel:
    """One kernel for the notebooks of one report: started by the first notebook, shut down on exit."""

    def __init__(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.sockets = Path(tempfile.mkdtemp(prefix="nianbao-kernel-"))
        self.km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=str(self.sockets / "kernel"))

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        from jupyter_client.utils import run_sync

        try:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)

    def run_code(self, code: str, *, timeout: float) -> None:
        """Run ``code`` silently (no output, no history, no execution count), starting the kernel if it has not
        started. ExecutionError when the code raised or did not finish within ``timeout`` seconds."""
        from jupyter_client.utils import run_sync

        run_sync(self._run_code)(code, timeout)

    async def _run_code(self, code: str, timeout: float) -> None:
        if not self.km.has_kernel:
            await self.km.start_kernel()
        client = self.km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=timeout)
            reply = await client.execute_interactive(
                code, silent=True, store_history=False, timeout=timeout, output_hook=_ignore_output
            )
        except TimeoutError:
            raise ExecutionError(f"内核在 {timeout:g} 秒内没有完成准备", notebook="（内核）") from None
        finally:
            client.stop_channels()
        content = reply["content"]
        if content["status"] != "ok":
            raise ExecutionError(f"准备内核时出错: {content.get('ename')}: {content.get('evalue')}", notebook="（内核）")

    def execute(
        self, notebook: Path, output: Path, parameters: dict, *, cwd: Path, timeout: int, kept: Path | None = None
    ) -> None:
        """``execute`` in this kernel."""
        with self._clients_closed():
            execute(notebook, output, parameters, cwd=cwd, timeout=timeout, kernel=self, kept=kept)

    @contextlib.contextmanager
    def _clients_closed(self) -> Iterator[None]:
        """Close the channels of every client made from the kernel manager within the block. nbclient leaves the
        client of a notebook open when it was given the kernel manager (it keeps the kernel alive for the caller);
        left open, each such client's IOPub socket would go on queueing every later output of the kernel, in native
        memory, for as long as the kernel lives."""
        made: list = []
        make = self.km.client

        def client(**kwargs):
            made.append(made_client := make(**kwargs))
            return made_client

        self.km.client = client  # type: ignore[method-assign]
        try:
            yield
        except Exception:
            self._close(made)
            raise
        else:
            self._close(made)
        finally:  # on an interrupt the kernel is shut down and the run ends: its clients go with it
            del self.km.client

    @staticmethod
    def _close(clients: list) -> None:
        for kc in clients:
            with contextlib.suppress(Exception):
                kc.stop_channels()


def _ignore_output(message: dict) -> None:
    pass


def execute(
    notebook: Path,
    output: Path,
    parameters: dict,
    *,
    cwd: Path,
    timeout: int,
    kernel: Kernel | None = None,
    kept: Path | None = None,
) -> None:
    """Run ``notebook`` with ``parameters`` into ``output``, in ``kernel`` (default: a kernel of its own).

    Raises ExecutionError naming the notebook, the cell and the error; the partly executed notebook is left
    at ``output`` for inspection, and the error names it where it will be kept (``kept``, default ``output``).
    """
    import papermill as pm

    _check_parameters(notebook, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    # papermill's logger repeats kernel deaths and timeouts in English; the ExecutionError says it better
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    own = kernel is None
    kernel = kernel or Kernel()
    try:
        with _execution_errors(notebook, output, kept=kept or output, timeout=timeout):
            pm.execute_notebook(
                str(notebook),
                str(output),
                parameters=parameters,
                kernel_name=KERNEL,
                km=kernel.km,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
            )
    finally:
        if own:
            kernel.close()


def _check_parameters(notebook: Path, parameters: dict) -> None:
    """Raise ExecutionError when ``parameters`` names one the notebook's ``parameters`` cell does not declare."""
    declared = parameters_of(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ExecutionError(
            f"参数 {', '.join(unknown)} 未在 parameters 单元格中声明（已声明: {', '.join(declared)}）",
            notebook=notebook.name,
        )


@contextlib.contextmanager
def _execution_errors(notebook: Path, output: Path, *, kept: Path, timeout: int) -> Iterator[None]:
    """A cell that raised, timed out or killed its kernel as an ExecutionError naming the notebook, the cell (read
    from ``output``, the partly executed notebook) and ``kept``, where that notebook will be kept."""
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        yield
    except pm.PapermillExecutionError as exc:
        raise ExecutionError(
            f"{exc.ename}: {exc.evalue}{_code(exc.source)}",
            notebook=notebook.name,
            cell=exc.exec_count,
            kept=kept,
        ) from None
    except CellTimeoutError:
        raise ExecutionError(
            f"单元格执行超过 {timeout} 秒，已停止{_unfinished_code(output)}",
            notebook=notebook.name,
            kept=kept,
            hint="如确需更长时间，在 params 中提高 execution_timeout（秒）",
        ) from None
    except DeadKernelError as exc:
        raise ExecutionError(
            f"内核意外退出（{exc}）{_unfinished_code(output)}",
            notebook=notebook.name,
            kept=kept,
            hint="内核进程被终止或崩溃；常见原因是内存不足",
        ) from None
