"""The notebooks are committed clean, parameterized the same way, and thin."""

from __future__ import annotations

import json
import re

import pytest

from helpers import ROOT
from nianbao.formats import ERAS, load_format
from nianbao.run.kernel import parameters_of

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAMETERS = {"body", "year", "root", "output_dir"}


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebook:
    def test_committed_without_outputs(self, path):
        for cell in _cells(path):
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None

    def test_parameters_cell(self, path):
        tagged = [c for c in _cells(path) if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1
        assert set(parameters_of(path)) == PARAMETERS

    def test_code_only_calls_the_package(self, path):
        allowed = re.compile(
            r"^(from nianbao\.present import open_report|session = open_report\(.*\)|session\.\w+\(.*\)|"
            r"result = session\.validate\(\)|(body|year|root|output_dir) = .*|)$"
        )
        for cell in _cells(path):
            if cell["cell_type"] == "code":
                for line in "".join(cell["source"]).splitlines():
                    assert allowed.match(line.strip()), f"{path.name}: {line!r}"


class TestDeclaredNotebooks:
    def test_every_declared_notebook_exists_and_every_notebook_is_declared(self):
        declared = {nb.file for era in ERAS for nb in load_format(era).notebooks}
        assert declared == {p.name for p in NOTEBOOKS}
