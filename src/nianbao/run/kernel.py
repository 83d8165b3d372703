"""Executing the parameterized notebooks with papermill.

The notebooks of one report run one after the other in one kernel (``Kernel``): papermill parameterizes and
executes each, but the kernel start and the imports (pandas, seaborn) are paid once per report, not once per
notebook. Each report has its own kernel, talking over IPC sockets in a private folder: no TCP ports, so
reports run in parallel without port races.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _manager_class() -> type:
    """The kernel manager of a ``Kernel``: every client asked of it (nbclient asks one per notebook) is one and the
    same, made once per event loop (its sockets belong to the loop it was made in); it starts its channels once and
    waits for the kernel to be ready once.

    A client per notebook cost 0.2 s of idle waiting each (``wait_for_ready`` waits for IOPub to stay quiet that
    long), and nbclient leaves a client of a kernel manager it was given open (it keeps the kernel alive for the
    caller): each one left open would go on queueing every later output of the kernel in native memory."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    class OneClient(AsyncKernelClient):
        ready = False

        def start_channels(self, *args: Any, **kwargs: Any) -> None:
            if not self.channels_running:
                super().start_channels(*args, **kwargs)

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            if not self.ready:
                await super().wait_for_ready(timeout=timeout)
                self.ready = True

    class OneClientManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_factory = OneClient
            self.one: OneClient | None = None
            self.loop: asyncio.AbstractEventLoop | None = None

        def client(self, **kwargs: Any) -> Any:
            try:
                loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if self.one is None or self.loop is not loop:
                self.close_client()
                self.one, self.loop = super().client(**kwargs), loop  # type: ignore[assignment]
            return self.one

        def close_client(self) -> None:
            one, self.one = self.one, None
            if one is not None:
                with contextlib.suppress(Exception):
                    one.stop_channels()

    return OneClientManager


@dataclass(frozen=True)
class Handoff:
    """A started kernel that another process of this machine takes over (``Kernel.adopt``): how to talk to it (its
    connection: IPC sockets and the key that signs its messages) and its process."""

    connection: dict[str, Any]
    pid: int


@functools.cache
def _adopted_provisioner() -> type:
    """The provisioner of a kernel this process took over from the process that started it: the kernel is alive
    while its process runs (a process that ended and was not yet reaped by its parent is not running), and it is
    signalled by its pid. The process that started it reaps it."""
    from jupyter_client.provisioning import KernelProvisionerBase

    class Adopted(KernelProvisionerBase):
        pid: int | None = None

        @property
        def has_process(self) -> bool:
            return self.pid is not None

        async def poll(self) -> int | None:
            return None if self.pid is not None and _running(self.pid) else 0

        async def wait(self) -> int | None:
            while await self.poll() is None:
                await asyncio.sleep(0.02)
            return 0

        async def send_signal(self, signum: int) -> None:
            if self.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signum)

        async def kill(self, restart: bool = False) -> None:
            await self.send_signal(signal.SIGKILL)

        async def terminate(self, restart: bool = False) -> None:
            await self.send_signal(signal.SIGTERM)

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            return self.connection_info

        async def cleanup(self, restart: bool = False) -> None:
            self.pid = None

    return Adopted


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (exists and has not ended: a zombie has)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


class Kernel:
    """One kernel for the notebooks of one report (or, kept warm, of many): started by ``start``, or by the first
    code or notebook run in it, and shut down on exit. The notebooks run in it and the code it is given
    (``run_code``) talk to it through one client (see ``_manager_class``). A kernel started by one process may be
    run by another (``handoff``, ``adopt``)."""

    def __init__(self, *, startup: str = "") -> None:
        """``startup``: code the kernel runs as it starts, before it answers (one line of Python)."""
        self.sockets = Path(tempfile.mkdtemp(prefix="nianbao-kernel-"))
        self.km = _manager_class()(kernel_name=KERNEL, transport="ipc", ip=str(self.sockets / "kernel"))
        self.startup = startup
        self.pending: tuple[str, float] | None = None  # code to run before the next (``then``)

    def handoff(self) -> Handoff:
        """What another process needs to take this started kernel over (``adopt``). This process still shuts it
        down on ``close`` (which also reaps its process) once the other is done with it."""
        provisioner = self.km.provisioner
        if provisioner is None or getattr(provisioner, "pid", None) is None:
            raise RuntimeError("the kernel has not started")
        return Handoff(dict(self.km.get_connection_info()), int(provisioner.pid))

    @classmethod
    def adopt(cls, handoff: Handoff) -> Kernel:
        """The kernel ``handoff`` describes, run by this process as if it had started it: closing it kills it."""
        kernel = cls()
        kernel.km.load_connection_info(handoff.connection)
        provisioner = _adopted_provisioner()(kernel_id=kernel.km.kernel_id or "", parent=kernel.km)
        provisioner.connection_info, provisioner.pid = handoff.connection, handoff.pid
        kernel.km.provisioner = provisioner
        return kernel

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(interrupted=kind is not None and issubclass(kind, KeyboardInterrupt))

    def close(self, *, interrupted: bool = False) -> None:
        """Shut the kernel down. After an interrupt its client is left to the ending process, and the task of the
        abandoned cell (which fails as the kernel goes) is not reported: asyncio would print its traceback, where
        the run says that it was interrupted."""
        from jupyter_client.utils import run_sync

        try:
            if interrupted:
                logging.getLogger("asyncio").setLevel(logging.CRITICAL)
            else:
                self.km.close_client()
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)

    def start(self, *, cwd: Path | None = None) -> None:
        """Start the kernel's process in ``cwd``, without waiting for it to be ready (it runs its ``startup``
        meanwhile)."""
        from jupyter_client.utils import run_sync

        run_sync(self._start)(cwd)

    async def _start(self, cwd: Path | None = None) -> None:
        if not self.km.has_kernel:
            startup = {"extra_arguments": [f"--IPKernelApp.exec_lines={self.startup}"]} if self.startup else {}
            where = {"cwd": str(cwd)} if cwd is not None else {}
            await self.km.start_kernel(**startup, **where)

    def then(self, code: str, *, timeout: float) -> None:
        """Run ``code`` (as ``run_code``) before the next code or notebook run in this kernel, not now: the caller
        goes on while the kernel may still be starting."""
        self.pending = (code, timeout)

    def run_code(self, code: str, *, timeout: float) -> None:
        """Run ``code`` silently (no output, no history, no execution count), starting the kernel if it has not
        started, after the code given to ``then``. ExecutionError when the code raised or did not finish within
        ``timeout`` seconds."""
        from jupyter_client.utils import run_sync

        self._run_pending()
        run_sync(self._run_code)(code, timeout)

    def _run_pending(self) -> None:
        from jupyter_client.utils import run_sync

        if self.pending is not None:
            (code, timeout), self.pending = self.pending, None
            run_sync(self._run_code)(code, timeout)

    async def _run_code(self, code: str, timeout: float) -> None:
        await self._start()
        client = self.km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=timeout)
            reply = await client.execute_interactive(
                code, silent=True, store_history=False, timeout=timeout, output_hook=_ignore_output
            )
        except TimeoutError:
            raise ExecutionError(f"内核在 {timeout:g} 秒内没有完成准备", notebook="（内核）") from None
        content = reply["content"]
        if content["status"] != "ok":
            raise ExecutionError(f"准备内核时出错: {content.get('ename')}: {content.get('evalue')}", notebook="（内核）")

    def execute(
        self, notebook: Path, output: Path, parameters: dict, *, cwd: Path, timeout: int, kept: Path | None = None
    ) -> None:
        """``execute`` in this kernel, after the code given to ``then``."""
        self._run_pending()
        execute(notebook, output, parameters, cwd=cwd, timeout=timeout, kernel=self, kept=kept)


def _ignore_output(message: dict) -> None:
    pass


ENGINE = "nianbao"


@functools.cache
def _engine() -> str:
    """papermill's nbclient engine, registered as ``ENGINE``, for notebooks run with ``request_save_on_cell_execute``
    off: papermill then writes the executed notebook once, at the end, not twice per cell (a JSON dump and a schema
    validation each), and when a cell raised. This engine also writes it when the run stops otherwise (a cell timed
    out, the kernel died, an interrupt), to ``partial_output``: the partly executed notebook names the cell that did
    not finish."""
    import nbformat
    from papermill.engines import NBClientEngine, papermill_engines

    class SavedOnStop(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            partial = kwargs.pop("partial_output")
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except BaseException:
                with contextlib.suppress(Exception):
                    nbformat.write(nb_man.nb, partial)
                raise

    papermill_engines.register(ENGINE, SavedOnStop)
    return ENGINE


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
                engine_name=_engine(),
                request_save_on_cell_execute=False,
                partial_output=str(output),
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
