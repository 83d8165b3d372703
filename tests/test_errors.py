"""errors.py: the exit code each error ends the command line with."""

from __future__ import annotations

import pytest

from nianbao.errors import (
    DataError,
    DeclarationError,
    ExecutionError,
    ExitCode,
    NianbaoError,
    ParamsError,
    RunLocked,
    ValidationFailed,
)


class TestExitCode:
    def test_the_documented_values(self):
        assert [(c.name, int(c)) for c in ExitCode] == [
            ("OK", 0),
            ("VALIDATION_FAILED", 1),
            ("INPUT_ERROR", 2),
            ("EXECUTION_ERROR", 3),
            ("INTERRUPTED", 130),
            ("TERMINATED", 143),
        ]

    @pytest.mark.parametrize(
        "error, code",
        [
            (NianbaoError("x"), ExitCode.INPUT_ERROR),
            (ParamsError("x"), ExitCode.INPUT_ERROR),
            (DataError("x"), ExitCode.INPUT_ERROR),
            (DeclarationError("x"), ExitCode.INPUT_ERROR),
            (RunLocked("x"), ExitCode.INPUT_ERROR),
            (ValidationFailed("x"), ExitCode.VALIDATION_FAILED),
            (ExecutionError("x"), ExitCode.EXECUTION_ERROR),
        ],
    )
    def test_of_each_error(self, error, code):
        assert error.exit_code is code


class TestExecutionErrorText:
    def test_names_the_notebook_the_cell_and_the_kept_notebook(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        error = ExecutionError("boom", notebook="a.ipynb", cell=4, kept=tmp_path / "2017.failed" / "a.ipynb")
        assert str(error) == "a.ipynb 单元格 In [4]: boom\n  已保留执行到出错处的笔记本: 2017.failed/a.ipynb"
