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
    echo,
)


class TestExitCode:
    def test_the_documented_values(self):
        assert [(c.name, int(c)) for c in ExitCode] == [
            ("OK", 0),
            ("VALIDATION_FAILED", 1),
            ("INPUT_ERROR", 2),
            ("EXECUTION_ERROR", 3),
            ("INTERNAL_ERROR", 4),
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


class TestEcho:
    def test_a_short_value_is_its_repr(self):
        assert echo("十二") == "'十二'"
        assert str(DataError("不是数字", value="十二")) == "不是数字：'十二'"

    def test_a_long_text_is_cut_and_its_length_said(self):
        text = echo("指" * 100_000)
        assert len(text) < 100 and text.endswith("（共 100000 个字符）")
        assert len(str(DataError("x", value="指" * 100_000))) < 100

    def test_a_large_nested_value_is_cut(self):
        value = {"a": [[[[["x" * 1000] * 1000]]]], "b": list(range(10_000))}
        assert len(echo(value)) < 200
