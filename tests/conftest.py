"""Shared fixtures: the repository root, throwaway copies of the corpus to mutate, and the corpus rendered once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import ROOT, copy_project

settings.register_profile("default", max_examples=40)
settings.register_profile("thorough", max_examples=500)
settings.load_profile("default")


def pytest_itemcollected(item):
    """With pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``) a fixture wider than a test is made once
    per worker that uses it: the tests that read the rendered corpus go to one worker, so that the corpus is
    rendered once, and the tests of a module with a module-scoped fixture stay together. (Marked as each test is
    collected: pytest-xdist reads the groups in its own pytest_collection_modifyitems.)"""
    definitions = [d for defs in item._fixtureinfo.name2fixturedefs.values() for d in defs]
    if any(d.argname == "corpus_run" for d in definitions):
        item.add_marker(pytest.mark.xdist_group("corpus"))
    elif any(d.scope in ("module", "class", "package") for d in definitions):
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_collection_modifyitems(config, items):
    """The tests that read the rendered corpus first, so that its rendering (the longest fixture) starts at once."""
    items.sort(key=lambda item: "corpus_run" not in item.fixturenames)


def pytest_addoption(parser):
    parser.addoption(
        "--golden-update",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.facts from this run instead of comparing (read the diff before committing)",
    )


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def dongyang(root):
    """东阳 2017, loaded for each test: fixtures that run the package's code are not cached across tests, so that
    every test that relies on that code runs it (mutation testing reruns the tests that call a function)."""
    from nianbao.inputs.report import load_report

    return load_report(root, "dongyang", 2017)


@pytest.fixture
def dongyang_copy(tmp_path) -> Path:
    """A copy of 东阳 2017 alone, safe to edit."""
    return copy_project(tmp_path / "project", reports=[("dongyang", 2017)])


@pytest.fixture
def pingtan2021(tmp_path) -> Path:
    """A copy of 平潭 2021 alone (2021 format, （六） in three rows), safe to edit."""
    return copy_project(tmp_path / "project", reports=[("pingtan", 2021)])


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    """Every corpus report rendered once by ``nianbao run --all`` in a copy of the corpus: (outputs, the run)."""
    project = copy_project(tmp_path_factory.mktemp("corpus") / "project")
    outputs = project / "outputs"
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "run", "--all", "--jobs", "2", "--root", str(project), "--outputs", str(outputs)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-3000:]
    return outputs, result
