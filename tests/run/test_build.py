"""build.py: a build replaces the outputs in one swap, so that the outputs are complete at every instant, also when
the process is killed at any step of publishing; where folders cannot be swapped, a failure at either rename leaves
the previous outputs where they were and the next run puts back what a kill left aside; ``BuildDir`` holds the
report's lock, recovers what killed runs left, publishes on success and keeps a failed build aside."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import threading

import pytest
from filelock import FileLock

from helpers import tree_digest
from nianbao.errors import DiskFull, RunLocked
from nianbao.run import build as publishing
from nianbao.run.build import BuildDir


@pytest.fixture
def folders(tmp_path):
    final, build = tmp_path / "2017", tmp_path / ".2017.build-x"
    final.mkdir()
    (final / "report.html").write_text("old report")
    build.mkdir()
    (build / "report.html").write_text("new report")
    return tmp_path, final, build


def failing_rename(monkeypatch, fail_on: int, code: int = errno.ENOSPC):
    """``os.rename`` that raises OSError ``code`` on its ``fail_on``-th call (1-based) and works otherwise."""
    calls = []
    real = os.rename

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == fail_on:
            raise OSError(code, os.strerror(code), str(src))
        real(src, dst)

    monkeypatch.setattr(publishing.os, "rename", rename)
    return calls


def cannot_swap(monkeypatch, code: int = errno.EINVAL) -> None:
    """A file system on which ``exchange`` fails with ``code``."""

    def exchange(a, b):
        raise OSError(code, os.strerror(code), str(a))

    monkeypatch.setattr(publishing, "exchange", exchange)


class TestExchange:
    def test_swaps_two_folders(self, folders):
        tmp_path, final, build = folders
        publishing.exchange(build, final)
        assert (final / "report.html").read_text() == "new report"
        assert (build / "report.html").read_text() == "old report"

    def test_a_missing_folder_is_an_os_error_naming_it(self, tmp_path):
        (tmp_path / "a").mkdir()
        with pytest.raises(FileNotFoundError) as info:
            publishing.exchange(tmp_path / "a", tmp_path / "b")
        assert info.value.filename == str(tmp_path / "a") and info.value.filename2 == str(tmp_path / "b")


class TestPublish:
    def test_replaces_previous_outputs_and_leaves_nothing_beside(self, folders):
        tmp_path, final, build = folders
        publishing.publish(build, final)
        assert [p.name for p in tmp_path.iterdir()] == ["2017"]
        assert (final / "report.html").read_text() == "new report"

    def test_swaps_without_renaming(self, folders, monkeypatch):
        tmp_path, final, build = folders
        calls = failing_rename(monkeypatch, fail_on=0)
        publishing.publish(build, final)
        assert calls == [] and (final / "report.html").read_text() == "new report"

    def test_a_swap_that_fails_otherwise_changes_nothing(self, folders, monkeypatch):
        tmp_path, final, build = folders
        before = tree_digest(tmp_path)
        cannot_swap(monkeypatch, errno.EACCES)
        calls = failing_rename(monkeypatch, fail_on=0)
        with pytest.raises(PermissionError):
            publishing.publish(build, final)
        assert tree_digest(tmp_path) == before and calls == []

    @pytest.mark.parametrize("code", [errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV])
    def test_where_folders_cannot_be_swapped_two_renames_publish(self, folders, monkeypatch, code):
        tmp_path, final, build = folders
        cannot_swap(monkeypatch, code)
        calls = failing_rename(monkeypatch, fail_on=0)
        publishing.publish(build, final)
        assert len(calls) == 2 and [p.name for p in tmp_path.iterdir()] == ["2017"]
        assert (final / "report.html").read_text() == "new report"

    def test_swapped_old_outputs_that_cannot_be_removed_do_not_fail_the_publication(self, folders, monkeypatch):
        tmp_path, final, build = folders
        removed = []
        monkeypatch.setattr(publishing.shutil, "rmtree", lambda path, ignore_errors=False: removed.append(path))
        publishing.publish(build, final)
        assert (final / "report.html").read_text() == "new report" and removed == [build]


class TestPublishInTwoRenames:
    """Where the file system cannot swap folders."""

    @pytest.fixture(autouse=True)
    def _no_swap(self, monkeypatch):
        cannot_swap(monkeypatch)

    def test_replaces_previous_outputs_and_leaves_nothing_beside(self, folders):
        tmp_path, final, build = folders
        publishing.publish(build, final)
        assert [p.name for p in tmp_path.iterdir()] == ["2017"]
        assert (final / "report.html").read_text() == "new report"

    def test_first_publication(self, tmp_path):
        build = tmp_path / ".build"
        build.mkdir()
        (build / "a.txt").write_text("a")
        publishing.publish(build, tmp_path / "2017")
        assert (tmp_path / "2017" / "a.txt").read_text() == "a" and not build.exists()

    def test_failing_to_move_the_old_outputs_aside_changes_nothing(self, folders, monkeypatch):
        tmp_path, final, build = folders
        before = tree_digest(tmp_path)
        failing_rename(monkeypatch, fail_on=1)
        with pytest.raises(OSError):
            publishing.publish(build, final)
        assert tree_digest(tmp_path) == before

    def test_failing_to_move_the_build_in_puts_the_old_outputs_back(self, folders, monkeypatch):
        tmp_path, final, build = folders
        calls = failing_rename(monkeypatch, fail_on=2)
        with pytest.raises(OSError):
            publishing.publish(build, final)
        assert len(calls) == 3  # aside, (failed) in, back
        assert (final / "report.html").read_text() == "old report"
        assert (build / "report.html").read_text() == "new report"
        assert sorted(p.name for p in tmp_path.iterdir()) == [".2017.build-x", "2017"]

    def test_a_failed_first_publication_raises_its_own_error(self, tmp_path, monkeypatch):
        build = tmp_path / ".build"
        build.mkdir()
        failing_rename(monkeypatch, fail_on=1)
        with pytest.raises(OSError) as info:
            publishing.publish(build, tmp_path / "2017")
        assert info.value.errno == 28 and build.exists() and not (tmp_path / "2017").exists()

    def test_old_outputs_that_cannot_be_removed_do_not_fail_the_publication(self, folders, monkeypatch):
        tmp_path, final, build = folders
        removed = []

        def rmtree(path, ignore_errors=False):
            if not ignore_errors:
                raise PermissionError(13, "Permission denied", str(path))
            removed.append(path)

        monkeypatch.setattr(publishing.shutil, "rmtree", rmtree)
        publishing.publish(build, final)
        assert (final / "report.html").read_text() == "new report"
        assert [p.name.startswith(".2017.old-") for p in removed] == [True]


KILLED_PUBLISH = textwrap.dedent(
    """
    import errno, os, signal, sys
    from pathlib import Path
    from nianbao.run import build

    build_dir, final, stop_at, mode = sys.argv[1:5]
    steps = []

    def step(name):
        steps.append(name)
        print(name, flush=True)
        if len(steps) == int(stop_at):
            os.kill(os.getpid(), signal.SIGKILL)

    def cannot_swap(a, b):
        raise OSError(errno.EINVAL, "Invalid argument", str(a))

    build._step = step
    if mode == "two-renames":
        build.exchange = cannot_swap
    build.publish(Path(build_dir), Path(final))
    """
)


def publish_killed_at(folders, stop_at: int, mode: str) -> tuple[list[str], int]:
    """Publish in a process that is killed (SIGKILL) at its ``stop_at``-th step (1-based; 0: never);
    returns the steps it began and its return code."""
    tmp_path, final, build = folders
    process = subprocess.run(
        [sys.executable, "-c", KILLED_PUBLISH, str(build), str(final), str(stop_at), mode],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return process.stdout.split(), process.returncode


@pytest.mark.slow
class TestKilledWhilePublishing:
    """The process is killed at each step of publishing in turn; the outputs are checked right after the kill, and
    again after the next run's recovery."""

    def _steps(self, tmp_path, mode):
        folders = _folders(tmp_path / "dry")
        steps, code = publish_killed_at(folders, 0, mode)
        assert code == 0
        return steps

    def test_a_swap_leaves_complete_outputs_at_every_step(self, tmp_path):
        steps = self._steps(tmp_path, "swap")
        assert steps == ["exchange", "remove"]
        for stop_at in range(1, len(steps) + 1):
            folders = _folders(tmp_path / str(stop_at))
            _, final, _ = folders
            old, new = tree_digest(final), tree_digest(folders[2])
            began, code = publish_killed_at(folders, stop_at, "swap")
            assert code == -signal.SIGKILL and len(began) == stop_at
            assert tree_digest(final) in (old, new), f"killed at {steps[stop_at - 1]}"
            publishing.recover(final)
            assert tree_digest(final) in (old, new)
            assert [p.name for p in final.parent.iterdir()] == ["2017"]

    def test_two_renames_are_recovered_by_the_next_run_at_every_step(self, tmp_path):
        steps = self._steps(tmp_path, "two-renames")
        assert steps == ["exchange", "aside", "rename", "remove"]
        for stop_at in range(1, len(steps) + 1):
            folders = _folders(tmp_path / str(stop_at))
            _, final, _ = folders
            old, new = tree_digest(final), tree_digest(folders[2])
            began, code = publish_killed_at(folders, stop_at, "two-renames")
            assert code == -signal.SIGKILL and len(began) == stop_at
            assert final.exists() or steps[stop_at - 1] == "rename"  # only between the two renames
            publishing.recover(final)
            assert tree_digest(final) in (old, new), f"killed at {steps[stop_at - 1]}"
            assert [p.name for p in final.parent.iterdir()] == ["2017"]

    def test_a_first_publication_killed_leaves_no_partial_outputs(self, tmp_path):
        folders = _folders(tmp_path / "first")
        _, final, build = folders
        shutil.rmtree(final)
        began, code = publish_killed_at(folders, 1, "swap")
        assert began == ["rename"] and code == -signal.SIGKILL
        assert not final.exists() and build.exists()
        assert publishing.recover(final) == ["已删除上次被终止的运行留下的构建目录 .2017.build-x"]
        assert list(final.parent.iterdir()) == []


def _folders(tmp_path):
    tmp_path.mkdir(parents=True)
    final, build = tmp_path / "2017", tmp_path / ".2017.build-x"
    for folder, text in ((final, "old"), (build, "new")):
        (folder / "sections").mkdir(parents=True)
        (folder / "report.html").write_text(f"{text} report")
        (folder / "sections" / "10_proactive.html").write_text(f"{text} section")
    return tmp_path, final, build


class TestRecover:
    def test_a_killed_build_is_removed_once(self, folders):
        tmp_path, final, build = folders
        assert publishing.recover(final) == ["已删除上次被终止的运行留下的构建目录 .2017.build-x"]
        assert publishing.recover(final) == []

    def test_outputs_left_aside_are_put_back_when_the_final_folder_is_missing(self, folders):
        tmp_path, final, build = folders
        os.rename(final, tmp_path / ".2017.old-1234abcd")
        done = publishing.recover(final)
        assert done[0] == "上次运行在发布途中被终止，已把之前的报告放回 2017/"
        assert (final / "report.html").read_text() == "old report"
        assert [p.name for p in tmp_path.iterdir()] == ["2017"]

    def test_outputs_left_aside_are_removed_when_the_final_folder_is_there(self, folders):
        tmp_path, final, build = folders
        (tmp_path / ".2017.old-1234abcd").mkdir()
        assert "已删除上次被终止的运行留下的旧输出 .2017.old-1234abcd" in publishing.recover(final)
        assert (final / "report.html").read_text() == "old report"

    def test_other_reports_folders_are_left_alone(self, folders):
        tmp_path, final, build = folders
        for name in (".2018.build-y", ".20170.build-z", "2017.failed", ".2017.lock"):
            (tmp_path / name).mkdir()
        publishing.recover(final)
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            ".2017.lock",
            ".20170.build-z",
            ".2018.build-y",
            "2017",
            "2017.failed",
        ]


class TestKeepFailed:
    def test_replaces_the_previous_failed_build(self, tmp_path):
        final = tmp_path / "2017"
        old_failed = tmp_path / "2017.failed"
        old_failed.mkdir()
        (old_failed / "stale.txt").write_text("stale")
        build = tmp_path / ".build"
        build.mkdir()
        (build / "validation.json").write_text("{}")
        assert publishing.keep_failed(build, final) == old_failed
        assert [p.name for p in old_failed.iterdir()] == ["validation.json"]
        assert not build.exists() and not final.exists()


@pytest.fixture
def final(tmp_path):
    """The outputs of a previous good run, and a failed build an earlier run left."""
    final = tmp_path / "outputs" / "2017"
    final.mkdir(parents=True)
    (final / "report.html").write_text("old report", encoding="utf-8")
    failed = tmp_path / "outputs" / "2017.failed"
    failed.mkdir()
    (failed / "stale.txt").write_text("stale", encoding="utf-8")
    return final


def lock_is_free(final) -> bool:
    lock = FileLock(str(final.parent / f".{final.name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Exception:
        return False
    lock.release()
    return True


def build_folders(final) -> list[str]:
    return sorted(p.name for p in final.parent.glob(f".{final.name}.build-*"))


class TestBuildDirEnter:
    def test_an_empty_folder_beside_the_final_one(self, final):
        with BuildDir(final) as build:
            assert build.path.parent == final.parent and build.path.name.startswith(".2017.build-")
            assert list(build.path.iterdir()) == []
            assert not build.waited

    def test_holds_the_reports_lock(self, final):
        with BuildDir(final):
            assert not lock_is_free(final)
        assert lock_is_free(final)

    def test_creates_the_parent_of_a_first_report(self, tmp_path):
        final = tmp_path / "outputs" / "body" / "2017"
        with BuildDir(final) as build:
            assert build.path.parent == final.parent

    def test_the_folder_has_the_mode_the_umask_gives(self, final):
        old = os.umask(0o027)
        try:
            with BuildDir(final) as build:
                mode = stat.S_IMODE(build.path.stat().st_mode)
        finally:
            os.umask(old)
        assert mode == 0o750

    def test_a_folder_that_cannot_be_made_releases_the_lock(self, final, monkeypatch):
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied", str(final.parent))

        monkeypatch.setattr(publishing.tempfile, "mkdtemp", refuse)
        with pytest.raises(PermissionError):
            with BuildDir(final):
                pass
        assert lock_is_free(final)

    def test_the_path_outside_the_with_block_is_an_error(self, final):
        build = BuildDir(final)
        with pytest.raises(RuntimeError):
            build.path  # noqa: B018


class TestBuildDirLock:
    def test_contention_waits_then_refuses_naming_the_lock_file(self, final):
        waits = []
        with FileLock(str(final.parent / ".2017.lock")):
            with pytest.raises(RunLocked) as err:
                with BuildDir(final, on_wait=lambda: waits.append(True), timeout=0.2):
                    pass
        assert waits == [True]
        assert f"{final} 正被另一个运行锁定超过 0.2 秒" in str(err.value)
        assert f"确认没有其他运行后删除 {final.parent / '.2017.lock'}" in str(err.value)
        assert build_folders(final) == []

    def test_the_default_timeout_is_lock_timeout(self, final, monkeypatch):
        monkeypatch.setattr(publishing, "LOCK_TIMEOUT", 0.1)
        with FileLock(str(final.parent / ".2017.lock")):
            with pytest.raises(RunLocked, match="超过 0.1 秒"):
                with BuildDir(final):
                    pass

    def test_a_lock_released_while_waiting_is_taken(self, final):
        holder = FileLock(str(final.parent / ".2017.lock"), thread_local=False)
        holder.acquire()
        waits = []
        threading.Timer(0.3, holder.release).start()
        with BuildDir(final, on_wait=lambda: waits.append(True), timeout=10) as build:
            assert build.waited and waits == [True]


class TestBuildDirPublish:
    def test_replaces_the_outputs_and_removes_a_stale_failed_build(self, final):
        with BuildDir(final) as build:
            (build.path / "report.html").write_text("new report", encoding="utf-8")
            build.publish()
        assert (final / "report.html").read_text(encoding="utf-8") == "new report"
        assert sorted(p.name for p in final.parent.iterdir()) == [".2017.lock", "2017"]
        assert lock_is_free(final)

    def test_a_failed_publication_keeps_the_build_and_the_old_outputs(self, final, monkeypatch):
        before = tree_digest(final)
        cannot_swap(monkeypatch)
        failing_rename(monkeypatch, fail_on=2, code=errno.EACCES)
        with pytest.raises(OSError):
            with BuildDir(final) as build:
                (build.path / "report.html").write_text("new report", encoding="utf-8")
                build.publish()
        assert tree_digest(final) == before
        assert build_folders(final) == []
        assert lock_is_free(final)


class TestBuildDirExit:
    @pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
    def test_an_exception_keeps_the_build_in_failed_and_the_outputs_as_they_were(self, final, exc):
        before = tree_digest(final)
        with pytest.raises(type(exc)):
            with BuildDir(final) as build:
                (build.path / "validation.json").write_text("{}", encoding="utf-8")
                raise exc
        assert tree_digest(final) == before
        assert [p.name for p in (final.parent / "2017.failed").iterdir()] == ["validation.json"]
        assert build_folders(final) == []
        assert lock_is_free(final)

    @pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
    def test_a_full_disk_removes_the_build_and_names_the_file(self, final, code):
        before = tree_digest(final.parent)
        with pytest.raises(DiskFull) as info:
            with BuildDir(final) as build:
                (build.path / "report.html").write_text("half", encoding="utf-8")
                pdf = build.path / "report.pdf"
                raise OSError(code, os.strerror(code), str(pdf))
        assert f"磁盘空间不足，写入 {pdf} 时失败（{os.strerror(code)}）" in str(info.value)
        assert "上一次成功生成的报告保持不变" in str(info.value) and isinstance(info.value.__cause__, OSError)
        after = tree_digest(final.parent)
        after.pop(".2017.lock")
        assert after == before  # neither a build nor a new 2017.failed
        assert lock_is_free(final)

    def test_leaving_without_publishing_removes_the_build(self, final):
        before = tree_digest(final.parent)
        with BuildDir(final) as build:
            (build.path / "half.txt").write_text("half", encoding="utf-8")
        assert build_folders(final) == [] and not build.published
        after = tree_digest(final.parent)
        after.pop(".2017.lock")
        assert after == before
        assert lock_is_free(final)


class TestBuildDirRecovers:
    def test_entering_recovers_and_says_what_it_did(self, final):
        os.rename(final, final.parent / ".2017.old-1234abcd")
        (final.parent / ".2017.build-killed").mkdir()
        said = []
        with BuildDir(final, on_recover=said.append) as build:
            assert build_folders(final) == [build.path.name]
        assert said == [
            "上次运行在发布途中被终止，已把之前的报告放回 2017/",
            "已删除上次被终止的运行留下的构建目录 .2017.build-killed",
        ]
        assert (final / "report.html").read_text(encoding="utf-8") == "old report"


class TestBuildDirKept:
    def test_a_file_of_the_build_is_kept_under_failed(self, final):
        with BuildDir(final) as build:
            kept = build.kept(build.path / "notebooks" / "10_proactive.ipynb")
        assert kept == final.parent / "2017.failed" / "notebooks" / "10_proactive.ipynb"

    def test_the_named_file_is_where_a_failure_leaves_it(self, final):
        with pytest.raises(RuntimeError):
            with BuildDir(final) as build:
                (build.path / "notebooks").mkdir()
                written = build.path / "notebooks" / "10_proactive.ipynb"
                written.write_text("{}", encoding="utf-8")
                kept = build.kept(written)
                raise RuntimeError("cell failed")
        assert kept.read_text(encoding="utf-8") == "{}"
