"""The build folder of a report's run (``BuildDir``): locked, beside the final one, published on success and kept
aside on failure.

A build is made in a folder beside the final one (``.<year>.build-*``). Publishing replaces the final folder
only once the new one can take its place: the old outputs are renamed aside, the build is renamed into place,
and the old outputs are removed; if the second rename fails, the old outputs are renamed back. A failed build is
kept in ``<year>.failed`` for inspection. Two runs of the same report are serialised by a lock file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from nianbao.errors import RunLocked
from nianbao.paths import failed_dir

LOCK_TIMEOUT: float = 900  # seconds a run waits for another run of the same report


def publish(build: Path, final: Path) -> None:
    """Move ``build`` to ``final``, replacing a previous ``final`` only once the new one is in place."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(build, final)
    except OSError:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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


class BuildDir:
    """The build folder of the report whose outputs go to ``final``, holding the report's lock while it exists.

    Entering takes the lock (calling ``on_wait`` first when another run holds it, and raising RunLocked after
    ``timeout`` seconds, default ``LOCK_TIMEOUT``) and creates an empty folder beside ``final`` with the mode the
    umask gives. ``publish()`` puts the build in place of ``final`` and removes a failed build an earlier run left.
    Leaving on an exception keeps the build in ``failed`` (``<year>.failed``); leaving without publishing removes
    it. The lock is released either way."""

    def __init__(self, final: Path, *, on_wait: Callable[[], None] = _ignore, timeout: float | None = None):
        self.final = final
        self.failed = failed_dir(final)
        self.on_wait = on_wait
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
            if exc is not None and self.path.exists():
                keep_failed(self.path, self.final)
            elif not self.published:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self._path = None
            self.lock.release()
