"""The build folder of a report's run (``BuildDir``): locked, beside the final one, published on success and kept
aside on failure.

A build is made in a folder beside the final one (``.<year>.build-*``). Publishing swaps the build and the final
folder in one step (``renameat2`` with ``RENAME_EXCHANGE``, Linux), so that ``<year>/`` names a complete report at
every instant, however the run is stopped; the previous outputs, now in the build's place, are then removed. Where
the file system cannot swap, the old outputs are renamed aside and the build renamed into place (a kill between
the two leaves no ``<year>/`` until the next run). Either way the next run of the report, holding its lock, puts
back outputs a killed run left aside and removes the builds killed runs left, and says so. A failed build is kept
in ``<year>.failed`` for inspection. Two runs of the same report are serialised by a lock file.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from nianbao.errors import DiskFull, RunLocked
from nianbao.paths import display_path, failed_dir

LOCK_TIMEOUT: float = 900  # seconds a run waits for another run of the same report


AT_FDCWD = -100
RENAME_EXCHANGE = 2
_CANNOT_SWAP = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV}


def exchange(a: Path, b: Path) -> None:
    """Swap the folders ``a`` and ``b`` in one step. OSError with ``errno.ENOSYS`` where the system has no
    ``renameat2`` and ``EINVAL``/``ENOTSUP`` where the file system cannot swap."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a)) from None
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _step(name: str) -> None:
    """Called before each step of publishing (``rename``, ``exchange``, ``aside``, ``remove``); a test replaces it
    to stop the process there."""


def publish(build: Path, final: Path) -> None:
    """Put ``build`` in place of ``final``: ``final`` names the old outputs or the new ones at every instant, never
    nothing (where the file system can swap folders; see the module's docstring)."""
    if not final.exists():
        _step("rename")
        os.rename(build, final)
        return
    try:
        _step("exchange")
        exchange(build, final)
    except OSError as exc:
        if exc.errno not in _CANNOT_SWAP:
            raise
        _publish_in_two_renames(build, final)
        return
    _step("remove")
    shutil.rmtree(build, ignore_errors=True)  # the previous outputs, swapped into the build's place


def _publish_in_two_renames(build: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    _step("aside")
    os.rename(final, old)
    try:
        _step("rename")
        os.rename(build, final)
    except OSError:
        os.rename(old, final)
        raise
    _step("remove")
    shutil.rmtree(old, ignore_errors=True)


def recover(final: Path) -> list[str]:
    """Undo what runs of the report killed before they finished left beside ``final``: outputs renamed aside are
    put back when ``final`` is missing and removed otherwise, build folders are removed. Call it holding the
    report's lock. Returns what was done, a sentence each."""
    done = []
    for old in sorted(final.parent.glob(f".{final.name}.old-*")):
        if not final.exists():
            os.rename(old, final)
            done.append(f"上次运行在发布途中被终止，已把之前的报告放回 {final.name}/")
        else:
            shutil.rmtree(old, ignore_errors=True)
            done.append(f"已删除上次被终止的运行留下的旧输出 {old.name}")
    for build in sorted(final.parent.glob(f".{final.name}.build-*")):
        shutil.rmtree(build, ignore_errors=True)
        done.append(f"已删除上次被终止的运行留下的构建目录 {build.name}")
    return done


def keep_failed(build: Path, final: Path) -> Path:
    """Move a failed ``build`` to ``<year>.failed``, replacing the one a previous failed run left."""
    failed = failed_dir(final)
    if failed.exists():
        shutil.rmtree(failed)
    os.rename(build, failed)
    return failed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _ignore() -> None:
    pass


def _ignore_text(text: str) -> None:
    pass


class BuildDir:
    """The build folder of the report whose outputs go to ``final``, holding the report's lock while it exists.

    Entering takes the lock (calling ``on_wait`` first when another run holds it, and raising RunLocked after
    ``timeout`` seconds, default ``LOCK_TIMEOUT``), recovers what killed runs left (``recover``; ``on_recover``
    receives each sentence of what was done) and creates an empty folder beside ``final`` with the mode the
    umask gives. ``publish()`` puts the build in place of ``final`` and removes a failed build an earlier run left.
    Leaving on an exception keeps the build in ``failed`` (``<year>.failed``), except when the disk is full: then
    the build is removed and DiskFull raised, naming the file; leaving without publishing removes it. The lock is
    released either way."""

    def __init__(
        self,
        final: Path,
        *,
        on_wait: Callable[[], None] = _ignore,
        on_recover: Callable[[str], None] = _ignore_text,
        timeout: float | None = None,
    ):
        self.final = final
        self.failed = failed_dir(final)
        self.on_wait = on_wait
        self.on_recover = on_recover
        self.timeout = timeout
        self.lock = FileLock(str(final.parent / f".{final.name}.lock"))
        self.waited = False  # another run held the lock when this one asked for it
        self.published = False
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        """The build folder (while the BuildDir is entered)."""
        if self._path is None:
            raise RuntimeError("BuildDir is not entered")
        return self._path

    def kept(self, path: Path) -> Path:
        """Where ``path``, a file of the build, is kept when the run fails."""
        return self.failed / path.relative_to(self.path)

    def __enter__(self) -> BuildDir:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self._acquire()
        try:
            for sentence in recover(self.final):
                self.on_recover(sentence)
            self._path = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.build-", dir=self.final.parent))
            os.chmod(self._path, 0o777 & ~_umask())
        except BaseException:
            self.lock.release()
            raise
        return self

    def _acquire(self) -> None:
        try:
            self.lock.acquire(timeout=0)
            return
        except Timeout:
            self.waited = True
        self.on_wait()
        timeout = LOCK_TIMEOUT if self.timeout is None else self.timeout
        try:
            self.lock.acquire(timeout=timeout)
        except Timeout:
            raise RunLocked(
                f"{self.final} 正被另一个运行锁定超过 {timeout} 秒", hint=f"确认没有其他运行后删除 {self.lock.lock_file}"
            ) from None

    def publish(self) -> None:
        """Put the build in place of the final folder; remove the failed build of an earlier run."""
        publish(self.path, self.final)
        self.published = True
        if self.failed.exists():
            shutil.rmtree(self.failed, ignore_errors=True)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None) -> None:
        try:
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                shutil.rmtree(self.path, ignore_errors=True)
                raise DiskFull(
                    f"磁盘空间不足，写入 {display_path(Path(exc.filename or self.path))} 时失败（{exc.strerror}）；"
                    "未保留这次失败的构建，上一次成功生成的报告保持不变",
                    hint=f"腾出 {display_path(self.final.parent)} 所在磁盘的空间后重新运行",
                ) from exc
            if exc is not None and self.path.exists():
                keep_failed(self.path, self.final)
            elif not self.published:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self._path = None
            self.lock.release()
