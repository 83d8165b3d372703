"""publish.py: a build replaces the outputs only once it is in place; a failure at either rename leaves the
previous outputs where they were."""

from __future__ import annotations

import os

import pytest

from helpers import tree_digest
from nianbao.run import build as publishing


@pytest.fixture
def folders(tmp_path):
    final, build = tmp_path / "2017", tmp_path / ".2017.build-x"
    final.mkdir()
    (final / "report.html").write_text("old report")
    build.mkdir()
    (build / "report.html").write_text("new report")
    return tmp_path, final, build


def failing_rename(monkeypatch, fail_on: int):
    """``os.rename`` that raises on its ``fail_on``-th call (1-based) and works otherwise."""
    calls = []
    real = os.rename

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == fail_on:
            raise OSError(28, "No space left on device", str(src))
        real(src, dst)

    monkeypatch.setattr(publishing.os, "rename", rename)
    return calls


class TestPublish:
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
