"""Shared fixtures: the repository root and throwaway copies of the project to mutate."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("default", max_examples=40)
settings.register_profile("thorough", max_examples=500)
settings.load_profile("default")

ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIRS = ("params", "data", "notebooks", "expectations")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def copy_project(target: Path) -> Path:
    """A copy of the project's inputs in ``target``, safe to edit."""
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name)
    return target


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, by relative path: equal digests mean byte-identical trees."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit_csv(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="session")
def dongyang(root):
    from nianbao.report import load_report

    return load_report(root, "dongyang", 2017)
